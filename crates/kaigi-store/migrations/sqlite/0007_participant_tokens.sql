-- The SHA-256 of each participant's secret: a web page acts for a participant only with the
-- secret (participant ids are sequential and guessable). Rows from before carry none.
ALTER TABLE participants ADD COLUMN token_hash TEXT NOT NULL DEFAULT '';
