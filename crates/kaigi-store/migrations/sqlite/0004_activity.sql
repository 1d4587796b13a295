-- kaigi schema, version 4 (SQLite): what happens in sessions. Version 3 belongs to another
-- change; the migrator applies each version it has not recorded, so the gap is harmless.
-- Same conventions as before: times are unix milliseconds, flags 0/1.

-- A presence of a person in a session. usage_id NULL = in the running session (live when
-- left_at is NULL too); set to the usage_history row when the session ends.
CREATE TABLE participants (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id   BIGINT NOT NULL REFERENCES meetings (id),
    site_id      BIGINT NOT NULL,
    name         TEXT   NOT NULL,
    email        TEXT   NOT NULL, -- lower-cased
    user_id      BIGINT,
    role         TEXT   NOT NULL, -- ATTENDEE | HOST
    joined_at    BIGINT NOT NULL,
    left_at      BIGINT,
    ip_address   TEXT   NOT NULL,
    client_agent TEXT   NOT NULL,
    usage_id     BIGINT
);
CREATE INDEX participants_running ON participants (site_id, meeting_id, usage_id);

-- Every join, host-key claim, start, leave, recording switch and end, with the person.
CREATE TABLE session_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id     BIGINT NOT NULL REFERENCES meetings (id),
    site_id        BIGINT NOT NULL,
    kind           TEXT   NOT NULL,
    participant_id BIGINT,
    user_id        BIGINT,
    email          TEXT   NOT NULL,
    name           TEXT   NOT NULL,
    at             BIGINT NOT NULL
);
CREATE INDEX session_events_meeting ON session_events (site_id, meeting_id, at);

-- One row per ended session.
CREATE TABLE usage_history (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id              BIGINT NOT NULL,
    meeting_id           BIGINT NOT NULL REFERENCES meetings (id),
    meeting_key          BIGINT NOT NULL,
    uuid                 TEXT   NOT NULL,
    conf_id              BIGINT NOT NULL,
    name                 TEXT   NOT NULL,
    kind                 TEXT   NOT NULL,
    host_id              BIGINT NOT NULL,
    start_ms             BIGINT NOT NULL,
    end_ms               BIGINT NOT NULL,
    duration_minutes     BIGINT NOT NULL,
    total_participants   BIGINT NOT NULL,
    total_people_minutes BIGINT NOT NULL
);
CREATE INDEX usage_history_site_start ON usage_history (site_id, start_ms);

-- One row per participant of an ended session.
CREATE TABLE attendee_history (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id          BIGINT NOT NULL,
    usage_id         BIGINT NOT NULL REFERENCES usage_history (id),
    meeting_id       BIGINT NOT NULL,
    name             TEXT   NOT NULL,
    email            TEXT   NOT NULL,
    role             TEXT   NOT NULL,
    joined_at        BIGINT NOT NULL,
    left_at          BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    ip_address       TEXT   NOT NULL,
    client_agent     TEXT   NOT NULL
);
CREATE INDEX attendee_history_site_joined ON attendee_history (site_id, joined_at);

-- Recordings; deleted_at NULL = live.
CREATE TABLE recordings (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id        BIGINT NOT NULL,
    meeting_id     BIGINT NOT NULL REFERENCES meetings (id),
    meeting_key    BIGINT NOT NULL,
    meeting_uuid   TEXT   NOT NULL,
    conf_id        BIGINT NOT NULL,
    host_id        BIGINT NOT NULL,
    kind           TEXT   NOT NULL,
    name           TEXT   NOT NULL,
    description    TEXT   NOT NULL,
    created_at     BIGINT NOT NULL,
    duration_s     BIGINT NOT NULL,
    size_kb        BIGINT NOT NULL,
    format         TEXT   NOT NULL,
    stream_url     TEXT   NOT NULL,
    file_url       TEXT   NOT NULL,
    password       TEXT,
    recording_uuid TEXT   NOT NULL,
    deleted_at     BIGINT
);
CREATE INDEX recordings_site_created ON recordings (site_id, created_at);
