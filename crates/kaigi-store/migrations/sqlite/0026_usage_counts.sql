-- kaigi schema, version 26: calls per counter (caller and operation group) and minute window,
-- shared by every instance on the database (issue #16). An instance claims calls in one atomic
-- upsert: `used` never passes the limit the claim names, and `granted` is what the last claim
-- added. Windows a few minutes old are purged in small batches (by `window_start`).
CREATE TABLE usage_counts (
    counter      TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    used         BIGINT NOT NULL,
    granted      BIGINT NOT NULL,
    PRIMARY KEY (counter, window_start)
);
CREATE INDEX usage_counts_window ON usage_counts (window_start);
