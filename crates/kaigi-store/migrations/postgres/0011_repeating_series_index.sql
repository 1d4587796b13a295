-- kaigi schema, version 11 (PostgreSQL): an index of the series that repeat, per host and start.
-- Versions 8 to 10 belong to other changes; the migrator applies each version it has not recorded.
-- A REST listing pages a host's single meetings by their stored start (meetings_host_start) but
-- must compute every repeating series' occurrences: this partial twin finds those few series
-- without reading the host's single meetings. Queries name the same predicate text (store
-- meetings.rs, REPEATING) so that the planner may use it.
CREATE INDEX meetings_host_repeating ON meetings (site_id, host_id, start_ms)
    WHERE (series_end_ms IS NULL OR series_end_ms <> start_ms + duration_minutes * 60000);
