-- A user's meeting preferences (personal room options, audio, video, scheduling) as one JSON
-- document, like the profile: a new preference needs no migration. Rows from before have none.
ALTER TABLE users ADD COLUMN preferences TEXT NOT NULL DEFAULT '{}';
