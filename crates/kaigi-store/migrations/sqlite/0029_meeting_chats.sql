-- kaigi schema, version 29: the in-meeting chat, kept with the meeting. A line said in a running
-- session has usage_id NULL; ending the session sets it to the usage_history row, in the same
-- transaction as the participants', so the REST post-meeting chats read an ended instance's lines.
CREATE TABLE meeting_chats (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id        BIGINT NOT NULL,
    meeting_id     BIGINT NOT NULL REFERENCES meetings (id),
    usage_id       BIGINT,
    participant_id BIGINT NOT NULL,
    sender_name    TEXT   NOT NULL,
    sender_email   TEXT   NOT NULL, -- lower-cased
    sender_user_id BIGINT,
    text           TEXT   NOT NULL,
    at_ms          BIGINT NOT NULL,
    uuid           TEXT   NOT NULL UNIQUE
);
CREATE INDEX meeting_chats_session ON meeting_chats (site_id, meeting_id, usage_id);
