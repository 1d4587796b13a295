-- kaigi schema, version 11 (SQLite): an index of the series that repeat, per host and start.
-- Versions 8 and 10 belong to other changes; the migrator applies each version it has not recorded.
-- A REST listing pages a host's single meetings by their stored start (meetings_host_start) but
-- must compute every repeating series' occurrences (and every series with an occurrence changed on
-- its own, version 9): this partial twin finds those few series without reading the host's single
-- meetings. Queries name the same predicate text (store
-- meetings.rs, REPEATING) so that the planner may use it.
CREATE INDEX meetings_host_repeating ON meetings (site_id, host_id, start_ms)
    WHERE (series_end_ms IS NULL OR series_end_ms <> start_ms + duration_minutes * 60000 OR exceptions <> '[]');
