-- kaigi schema, version 15: a user's credential epoch (issue #12). It is raised when the password
-- changes or the account is deactivated; each session ticket and bearer token keeps the epoch it
-- was issued under and stops working once the user's epoch has moved on.
ALTER TABLE users ADD COLUMN credential_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE session_tickets ADD COLUMN credential_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE access_tokens ADD COLUMN credential_epoch BIGINT NOT NULL DEFAULT 0;
