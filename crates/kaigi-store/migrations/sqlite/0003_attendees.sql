-- kaigi schema, version 3 (sqlite): meeting attendees (the XML API's attendee service).
-- Same conventions as before: times are unix milliseconds, flags 0/1, documents JSON.

CREATE TABLE attendees (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id        BIGINT  NOT NULL REFERENCES meetings (id),
    site_id           BIGINT  NOT NULL REFERENCES sites (id),
    name              TEXT    NOT NULL,
    first_name        TEXT    NOT NULL,
    last_name         TEXT    NOT NULL,
    email             TEXT    NOT NULL, -- lower-cased
    role              TEXT    NOT NULL, -- ATTENDEE | PRESENTER | HOST | LIMITED
    join_status       TEXT    NOT NULL, -- INVITE | REGISTER | ACCEPT | REJECT
    status            TEXT    NOT NULL, -- INVITED | REGISTERED | ACCEPTED | REJECTED | PENDING
    register_id       BIGINT,           -- only when the meeting has registration on
    language          TEXT    NOT NULL,
    locale            TEXT    NOT NULL,
    time_zone_id      BIGINT  NOT NULL,
    email_invitations BIGINT  NOT NULL,
    profile           TEXT    NOT NULL, -- JSON object: company, title, phone, ...
    ip_address        TEXT    NOT NULL,
    submitted_at      BIGINT  NOT NULL,
    created_at        BIGINT  NOT NULL
);
CREATE INDEX attendees_by_meeting ON attendees (site_id, meeting_id, id);
