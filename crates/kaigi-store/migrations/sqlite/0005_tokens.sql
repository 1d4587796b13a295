-- kaigi schema, version 5 (SQLite): bearer tokens of the REST API. Versions 4 and 6 belong to
-- other changes; the migrator applies each version it has not recorded.
-- One table for every kind: personal access tokens now, OAuth access and refresh tokens of
-- integrations later (client_id, refresh_token_id). Only the SHA-256 of a token is stored.
CREATE TABLE access_tokens (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash       TEXT    NOT NULL,
    kind             TEXT    NOT NULL, -- personal | oauth_access | oauth_refresh
    site_id          BIGINT  NOT NULL REFERENCES sites (id),
    user_id          BIGINT  NOT NULL REFERENCES users (id),
    client_id        TEXT,
    scopes           TEXT    NOT NULL, -- space-separated
    created_at       BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL,
    revoked_at       BIGINT,
    refresh_token_id BIGINT  REFERENCES access_tokens (id)
);
CREATE UNIQUE INDEX access_tokens_token_hash_key ON access_tokens (token_hash);
CREATE INDEX access_tokens_refresh ON access_tokens (refresh_token_id);
