-- kaigi schema, version 13: a meeting's revision, raised by every change of its row. A change made
-- from a copy read earlier (one occurrence of a series edited while another is cancelled) names
-- the revision it read and is refused when the row has moved on, instead of silently undoing the
-- other change. Version 12 belongs to another change.
ALTER TABLE meetings ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
