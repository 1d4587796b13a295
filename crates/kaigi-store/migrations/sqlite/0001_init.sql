-- kaigi schema, version 1 (SQLite).
-- Timestamps are unix milliseconds (BIGINT); flags are 0/1; documents and lists are JSON text.
-- Case-insensitive lookups and uniqueness use the *_lc columns, lower-cased by kaigi itself so
-- that both engines agree on what "the same name" means.

CREATE TABLE sites (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    name_lc     TEXT    NOT NULL,
    site_number BIGINT  NOT NULL,
    settings    TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX sites_name_lc_key ON sites (name_lc);
CREATE UNIQUE INDEX sites_site_number_key ON sites (site_number);

CREATE TABLE license_plans (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id        BIGINT  NOT NULL REFERENCES sites (id),
    effective_from BIGINT  NOT NULL,
    plan           TEXT    NOT NULL
);
CREATE INDEX license_plans_site ON license_plans (site_id, effective_from);

CREATE TABLE users (
    id                         INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id                    BIGINT  NOT NULL REFERENCES sites (id),
    webex_id                   TEXT    NOT NULL,
    webex_id_lc                TEXT    NOT NULL,
    email                      TEXT    NOT NULL,
    email_lc                   TEXT    NOT NULL,
    first_name                 TEXT    NOT NULL,
    first_name_lc              TEXT    NOT NULL,
    last_name                  TEXT    NOT NULL,
    last_name_lc               TEXT    NOT NULL,
    password_hash              TEXT,
    privileges                 TEXT    NOT NULL,
    active                     TEXT    NOT NULL,
    language_id                BIGINT  NOT NULL,
    time_zone_id               BIGINT  NOT NULL,
    scheduling_permission      TEXT    NOT NULL,
    meeting_types              TEXT    NOT NULL,
    profile                    TEXT    NOT NULL,
    pmr_meeting_key            BIGINT,
    pmr_host_pin               TEXT,
    pmr_released_at            BIGINT,
    pending_email              TEXT,
    pending_email_token_hash   TEXT,
    pending_email_requested_at BIGINT,
    failed_logins              BIGINT  NOT NULL DEFAULT 0,
    locked_until               BIGINT,
    registered_at              BIGINT  NOT NULL,
    updated_at                 BIGINT  NOT NULL
);
CREATE UNIQUE INDEX users_webex_id_key ON users (site_id, webex_id_lc);
CREATE UNIQUE INDEX users_email_key ON users (site_id, email_lc);
CREATE INDEX users_first_name ON users (site_id, first_name_lc);
CREATE INDEX users_last_name ON users (site_id, last_name_lc);
CREATE INDEX users_pending_email_token ON users (pending_email_token_hash);

-- One row per stretch of time a user held a host seat; released_at NULL = held now.
CREATE TABLE license_assignments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id     BIGINT  NOT NULL REFERENCES sites (id),
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    assigned_at BIGINT  NOT NULL,
    released_at BIGINT
);
CREATE INDEX license_assignments_site ON license_assignments (site_id, released_at);
CREATE INDEX license_assignments_user ON license_assignments (user_id, released_at);

CREATE TABLE session_tickets (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    site_id    BIGINT  NOT NULL REFERENCES sites (id),
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX session_tickets_expires ON session_tickets (expires_at);

CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id    BIGINT  NOT NULL REFERENCES sites (id),
    name       TEXT    NOT NULL,
    token_hash TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX api_keys_token_hash_key ON api_keys (token_hash);

-- Every meeting key ever handed out, server-wide. No foreign key on purpose: a key stays
-- reserved even if whatever used it (or its site) is deleted.
CREATE TABLE meeting_keys (
    key         BIGINT  NOT NULL,
    site_id     BIGINT  NOT NULL,
    reserved_at BIGINT  NOT NULL,
    CONSTRAINT meeting_keys_pkey PRIMARY KEY (key)
);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id    BIGINT  NOT NULL REFERENCES sites (id),
    kind       TEXT    NOT NULL,
    to_addr    TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    html       BIGINT  NOT NULL,
    language   TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
CREATE INDEX outbox_created ON outbox (created_at);
CREATE INDEX outbox_site_created ON outbox (site_id, created_at);
