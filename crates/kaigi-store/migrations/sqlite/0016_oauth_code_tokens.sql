-- kaigi schema, version 16: what an authorization code was exchanged for, and whether it was
-- presented again (issue #12; RFC 6749 §4.1.2): a reused code revokes the tokens issued from it.
-- And the credential epoch of the sign-in that made the code (see 0015).
ALTER TABLE oauth_codes ADD COLUMN refresh_token_id BIGINT;
ALTER TABLE oauth_codes ADD COLUMN reused_at BIGINT;
ALTER TABLE oauth_codes ADD COLUMN credential_epoch BIGINT NOT NULL DEFAULT 0;
