-- kaigi schema, version 14: wrong meeting passwords and host keys per meeting, counted in a
-- window (issue #12). One row per meeting, raised by one atomic upsert, so several instances on
-- one database share the count.
CREATE TABLE join_failures (
    meeting_id   BIGINT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    failures     BIGINT NOT NULL
);
