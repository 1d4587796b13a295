-- kaigi schema, version 20: how a meeting runs beyond its switches (entry and exit tone, lobby for
-- an unlocked meeting, audio connection, note taking, automatic lock, assistance, watermark, the
-- integration tags), as one JSON
-- object like the other option columns. Versions 14 to 19 belong to another change.
ALTER TABLE meetings ADD COLUMN conduct TEXT NOT NULL DEFAULT '{}';
