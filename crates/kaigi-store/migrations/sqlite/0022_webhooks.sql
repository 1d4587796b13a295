-- kaigi schema, version 22: webhooks, the outbox of changes written in the same transaction as
-- the change itself, and the deliveries of each change to each webhook it matches.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    created_by BIGINT NOT NULL,
    app_client_id TEXT,
    name TEXT NOT NULL,
    target_url TEXT NOT NULL,
    resource TEXT NOT NULL,
    event TEXT NOT NULL,
    filter TEXT NOT NULL,
    terms TEXT NOT NULL,
    secret TEXT,
    owned_by TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- The worker that holds the webhook may deliver to it until then; a failed delivery keeps
    -- every worker away until retry_at.
    lease_until BIGINT NOT NULL DEFAULT 0,
    retry_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX webhooks_site ON webhooks (site_id, id);

CREATE TABLE change_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id BIGINT NOT NULL,
    resource TEXT NOT NULL,
    event TEXT NOT NULL,
    meeting_id BIGINT NOT NULL,
    subject_id BIGINT NOT NULL,
    actor_id BIGINT,
    at BIGINT NOT NULL,
    facts TEXT NOT NULL,
    fanned_out_at BIGINT
);
CREATE INDEX change_events_unsent ON change_events (id) WHERE fanned_out_at IS NULL;

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id BIGINT NOT NULL,
    change_id BIGINT NOT NULL,
    site_id BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    delivered_at BIGINT,
    last_attempt_at BIGINT,
    last_status INTEGER,
    last_error TEXT,
    UNIQUE (webhook_id, change_id)
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, change_id) WHERE delivered_at IS NULL;
-- What was delivered is forgotten after a while (the worker purges it): found by these.
CREATE INDEX webhook_deliveries_done ON webhook_deliveries (delivered_at) WHERE delivered_at IS NOT NULL;
CREATE INDEX webhook_deliveries_change ON webhook_deliveries (change_id);
CREATE INDEX change_events_fanned ON change_events (fanned_out_at) WHERE fanned_out_at IS NOT NULL;
