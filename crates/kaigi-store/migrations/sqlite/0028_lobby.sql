-- kaigi schema, version 28: the lobby of a locked meeting (issue #17). A participant who joins a
-- locked meeting waits in its lobby until a host admits them (`in_lobby` 1 until then).
ALTER TABLE participants ADD COLUMN in_lobby BIGINT NOT NULL DEFAULT 0;
