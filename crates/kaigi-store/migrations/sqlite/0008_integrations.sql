-- kaigi schema, version 8 (SQLite): OAuth integrations and Service Apps of a site, and the
-- single-use codes of the consent page. Only SHA-256 hashes of client secrets and codes are
-- stored; the tokens themselves live in access_tokens (version 5) under the client id.
CREATE TABLE integrations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id         BIGINT  NOT NULL REFERENCES sites (id),
    name            TEXT    NOT NULL,
    client_id       TEXT    NOT NULL,
    secret_hash     TEXT    NOT NULL,
    redirect_uris   TEXT    NOT NULL, -- one per line
    scopes          TEXT    NOT NULL, -- space-separated
    kind            TEXT    NOT NULL, -- integration | service_app
    created_by      TEXT    NOT NULL, -- webExId, or (operator) for the CLI
    created_at      BIGINT  NOT NULL,
    authorized_by   TEXT,
    authorized_at   BIGINT,
    machine_user_id BIGINT  REFERENCES users (id),
    revoked_at      BIGINT
);
CREATE UNIQUE INDEX integrations_client_id_key ON integrations (client_id);
CREATE INDEX integrations_site ON integrations (site_id);
CREATE INDEX access_tokens_client ON access_tokens (client_id);

CREATE TABLE oauth_codes (
    code_hash      TEXT   PRIMARY KEY,
    integration_id BIGINT NOT NULL REFERENCES integrations (id),
    site_id        BIGINT NOT NULL REFERENCES sites (id),
    user_id        BIGINT NOT NULL REFERENCES users (id),
    redirect_uri   TEXT   NOT NULL,
    scopes         TEXT   NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT
);
