-- kaigi schema, version 21: the REST API's recycle bin for recordings, who a recording is shared
-- with, and the muted state of a participant (kaigi carries no media: the state is kept and
-- answered back). Versions 17 to 19 belong to another change.

-- NULL = not in the recycle bin. A recording with deleted_at set is purged (gone for good),
-- whatever this says.
ALTER TABLE recordings ADD COLUMN recycled_at BIGINT;

ALTER TABLE participants ADD COLUMN muted BIGINT NOT NULL DEFAULT 0;

-- People a recording is shared with, by lower-cased email.
CREATE TABLE recording_shares (
    recording_id BIGINT NOT NULL REFERENCES recordings (id),
    site_id      BIGINT NOT NULL,
    email        TEXT   NOT NULL,
    PRIMARY KEY (recording_id, email)
);
CREATE INDEX recording_shares_site_email ON recording_shares (site_id, email);
