-- Occurrences of a recurring series changed or cancelled on their own (REST "exceptional"
-- occurrences): a JSON list kept with the series, read and written with the rest of the row.
-- Existing series have none.
ALTER TABLE meetings ADD COLUMN exceptions TEXT NOT NULL DEFAULT '[]';
