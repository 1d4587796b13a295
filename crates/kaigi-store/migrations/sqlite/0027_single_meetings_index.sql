-- kaigi schema, version 27 (SQLite): live single meetings by (site, host, start) and by (site, start).
-- The XML API pages by offset (listControl/startFrom) and answers the total. A page skips the
-- meetings before it and the total counts them all; both read only index entries when the index
-- holds every column the listing filters on (kind) and orders by (start, id), and only the live
-- single meetings (repeating series are few and expanded in memory, see version 11). Queries name
-- the same predicate text (store meetings.rs, SINGLE and deleted_at IS NULL) so that the planner
-- may use them.
CREATE INDEX meetings_host_single_live ON meetings (site_id, host_id, start_ms, id, kind)
    WHERE deleted_at IS NULL AND series_end_ms = start_ms + duration_minutes * 60000 AND exceptions = '[]';
CREATE INDEX meetings_site_single_live ON meetings (site_id, start_ms, id, kind)
    WHERE deleted_at IS NULL AND series_end_ms = start_ms + duration_minutes * 60000 AND exceptions = '[]';
