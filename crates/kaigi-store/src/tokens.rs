//! Bearer tokens of the REST API, in `access_tokens` (only hashes are stored).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaigi_core::error::StoreError;
use kaigi_core::model::{StoredToken, TokenKind};
use kaigi_core::ports::TokenStore;

use crate::cache::Lookup;
use crate::codec::{bind_all, get, get_opt_time, get_time, ms, opt_ms, Value};
use crate::errors::{corrupt, db};
use crate::invalidation::Forget;
use crate::SqlStore;

#[async_trait]
impl TokenStore for SqlStore {
    async fn insert_token(&self, t: &StoredToken) -> Result<i64, StoreError> {
        let mut w = self.write().await?;
        let q = sqlx::query(
            "INSERT INTO access_tokens (token_hash, kind, site_id, user_id, client_id, scopes, created_at, \
             expires_at, revoked_at, refresh_token_id, credential_epoch) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        );
        let values = [
            Value::text(&t.token_hash),
            Value::text(t.kind.as_str()),
            Value::int(t.site_id),
            Value::int(t.user_id),
            Value::Text(t.client_id.clone()),
            Value::text(t.scopes.join(" ")),
            Value::int(ms(t.created_at)),
            Value::int(ms(t.expires_at)),
            opt_ms(t.revoked_at),
            Value::Int(t.refresh_token_id),
            Value::int(t.credential_epoch),
        ];
        let result = match bind_all(q, values).fetch_one(w.conn()).await.map_err(db) {
            Ok(row) => get::<i64>(&row, "id"),
            Err(e) => Err(e),
        };
        w.finish(result).await
    }

    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<StoredToken>, StoreError> {
        let Some(cache) = &self.cache else { return self.load_token(token_hash).await };
        let ticket = match cache.token(token_hash) {
            Lookup::Hit(hit) => return Ok(Some(hit)),
            Lookup::Miss(ticket) => ticket,
        };
        let token = self.load_token(token_hash).await?;
        if let Some(t) = &token {
            cache.put_token(ticket, t.clone());
        }
        Ok(token)
    }

    async fn revoke_token(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        let result = self.revoke_token_row(id, at).await;
        // The other instances were told in the transaction.
        self.forget_here(&[Forget::Tokens]);
        result
    }
}

impl SqlStore {
    async fn load_token(&self, token_hash: &str) -> Result<Option<StoredToken>, StoreError> {
        let row = sqlx::query(
            "SELECT id, token_hash, kind, site_id, user_id, client_id, scopes, created_at, expires_at, revoked_at, \
             refresh_token_id, credential_epoch FROM access_tokens WHERE token_hash = $1",
        )
        .bind(token_hash.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let Some(r) = row else { return Ok(None) };
        let kind: String = get(&r, "kind")?;
        let scopes: String = get(&r, "scopes")?;
        Ok(Some(StoredToken {
            id: get(&r, "id")?,
            token_hash: get(&r, "token_hash")?,
            kind: TokenKind::parse(&kind).ok_or_else(|| corrupt("token kind", &kind))?,
            site_id: get(&r, "site_id")?,
            user_id: get(&r, "user_id")?,
            client_id: get(&r, "client_id")?,
            scopes: scopes.split_whitespace().map(str::to_string).collect(),
            created_at: get_time(&r, "created_at")?,
            expires_at: get_time(&r, "expires_at")?,
            revoked_at: get_opt_time(&r, "revoked_at")?,
            refresh_token_id: get(&r, "refresh_token_id")?,
            credential_epoch: get(&r, "credential_epoch")?,
        }))
    }

    async fn revoke_token_row(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = sqlx::query(
            "UPDATE access_tokens SET revoked_at = $1 WHERE (id = $2 OR refresh_token_id = $2) AND revoked_at IS NULL",
        )
        .bind(ms(at))
        .bind(id)
        .execute(w.conn())
        .await
        .map_err(db);
        let result = match result {
            Ok(done) if done.rows_affected() == 0 => {
                let exists = sqlx::query("SELECT id FROM access_tokens WHERE id = $1")
                    .bind(id)
                    .fetch_optional(w.conn())
                    .await
                    .map_err(db);
                match exists {
                    Ok(Some(_)) => Ok(()),
                    Ok(None) => Err(StoreError::Missing),
                    Err(e) => Err(e),
                }
            }
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        };
        let result = match result {
            Ok(()) => self.announce_in(w.conn(), &[Forget::Tokens]).await,
            Err(e) => Err(e),
        };
        w.finish(result).await
    }
}
