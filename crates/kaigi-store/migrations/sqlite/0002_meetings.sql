-- kaigi schema, version 2 (SQLite): meetings and their invitees.
-- Same conventions as version 1: times are unix milliseconds, flags 0/1, documents and lists JSON.

-- One row per session (meeting, teleconference, training, event, support), deleted or not:
-- deleted_at NULL = live. A deleted row stays so that its calendar links can carry the
-- cancellation; its key stays reserved in meeting_keys for ever.
CREATE TABLE meetings (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id                   BIGINT  NOT NULL REFERENCES sites (id),
    kind                      TEXT    NOT NULL,
    meeting_key               BIGINT  NOT NULL,
    uuid                      TEXT    NOT NULL, -- lower-cased
    conf_id                   BIGINT  NOT NULL,
    host_id                   BIGINT  NOT NULL REFERENCES users (id),
    scheduled_by              BIGINT  NOT NULL,
    name                      TEXT    NOT NULL,
    meeting_type              BIGINT  NOT NULL,
    agenda                    TEXT    NOT NULL,
    greeting                  TEXT    NOT NULL,
    location                  TEXT    NOT NULL,
    invitation                TEXT    NOT NULL,
    is_internal               BIGINT  NOT NULL,
    start_ms                  BIGINT  NOT NULL, -- the first occurrence's start
    time_zone_id              BIGINT  NOT NULL,
    duration_minutes          BIGINT  NOT NULL,
    open_time_secs            BIGINT  NOT NULL,
    join_teleconf_before_host BIGINT  NOT NULL,
    list_status               TEXT    NOT NULL,
    password                  TEXT,
    enforce_password          BIGINT  NOT NULL,
    audio_password            TEXT,
    enforce_audio_password    BIGINT  NOT NULL,
    enforce_audio_login       BIGINT  NOT NULL,
    host_key                  TEXT    NOT NULL,
    guest_token               TEXT    NOT NULL,
    host_token                TEXT    NOT NULL,
    max_user_number           BIGINT  NOT NULL,
    enable_options            TEXT    NOT NULL, -- JSON [[name, value], …]
    telephony                 TEXT    NOT NULL, -- JSON [[name, value], …]
    tracking                  TEXT    NOT NULL, -- JSON [[name, value], …]
    remind                    TEXT    NOT NULL, -- JSON [[name, value], …]
    recurrence                TEXT    NOT NULL, -- JSON
    series_end_ms             BIGINT,           -- end of the last occurrence; NULL = no end
    attendee_options          TEXT    NOT NULL, -- JSON
    registration_required     TEXT    NOT NULL, -- JSON [field, …]
    status                    TEXT    NOT NULL,
    host_joined               BIGINT  NOT NULL,
    participants_joined       BIGINT  NOT NULL,
    created_at                BIGINT  NOT NULL,
    updated_at                BIGINT  NOT NULL,
    deleted_at                BIGINT
);
-- Keys are unique server-wide (meeting_keys reserves them); lookups are by site and key.
CREATE UNIQUE INDEX meetings_meeting_key_key ON meetings (meeting_key);
CREATE UNIQUE INDEX meetings_uuid_key ON meetings (site_id, uuid);
CREATE INDEX meetings_host_token ON meetings (site_id, host_token);
CREATE INDEX meetings_site_start ON meetings (site_id, start_ms);
CREATE INDEX meetings_host_start ON meetings (site_id, host_id, start_ms);

-- The invitees of a meeting, in the order given; replaced whole on every write of the meeting.
-- Alternate hosts (role 'HOST') are found by email for host listings.
CREATE TABLE meeting_invitees (
    meeting_id BIGINT  NOT NULL REFERENCES meetings (id),
    site_id    BIGINT  NOT NULL,
    position   BIGINT  NOT NULL,
    name       TEXT    NOT NULL,
    email_lc   TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    CONSTRAINT meeting_invitees_pkey PRIMARY KEY (meeting_id, position)
);
CREATE INDEX meeting_invitees_alternate_hosts ON meeting_invitees (site_id, email_lc, meeting_id) WHERE role = 'HOST';
