//! Session tickets, API keys and meeting keys.

use chrono::{DateTime, Utc};
use kaigi_core::error::StoreError;
use kaigi_core::model::{ApiKey, SessionTicket, SiteId};

use crate::codec::{bind_all, get, get_opt_time, get_time, key_to_db, ms, opt_ms, Value};
use crate::errors::db;
use crate::SqlStore;

impl SqlStore {
    pub(crate) async fn insert_session_ticket_impl(&self, t: &SessionTicket) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = sqlx::query(
            "INSERT INTO session_tickets (token_hash, site_id, user_id, created_at, expires_at, credential_epoch) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(t.token_hash.clone())
        .bind(t.site_id)
        .bind(t.user_id)
        .bind(ms(t.created_at))
        .bind(ms(t.expires_at))
        .bind(t.credential_epoch)
        .execute(w.conn())
        .await
        .map(|_| ())
        .map_err(db);
        w.finish(result).await
    }

    pub(crate) async fn session_ticket_impl(&self, token_hash: &str) -> Result<Option<SessionTicket>, StoreError> {
        let row = sqlx::query(
            "SELECT token_hash, site_id, user_id, created_at, expires_at, credential_epoch FROM session_tickets \
             WHERE token_hash = $1",
        )
        .bind(token_hash.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(SessionTicket {
            token_hash: get(&r, "token_hash")?,
            site_id: get(&r, "site_id")?,
            user_id: get(&r, "user_id")?,
            created_at: get_time(&r, "created_at")?,
            expires_at: get_time(&r, "expires_at")?,
            credential_epoch: get(&r, "credential_epoch")?,
        }))
    }

    pub(crate) async fn purge_session_tickets_impl(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut w = self.write().await?;
        let result = sqlx::query("DELETE FROM session_tickets WHERE expires_at < $1")
            .bind(ms(before))
            .execute(w.conn())
            .await
            .map(|done| done.rows_affected())
            .map_err(db);
        w.finish(result).await
    }

    pub(crate) async fn insert_api_key_impl(&self, k: &ApiKey) -> Result<i64, StoreError> {
        let mut w = self.write().await?;
        let q = sqlx::query(
            "INSERT INTO api_keys (site_id, name, token_hash, created_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        );
        let values = [
            Value::int(k.site_id),
            Value::text(&k.name),
            Value::text(&k.token_hash),
            Value::int(ms(k.created_at)),
            opt_ms(k.revoked_at),
        ];
        let result = match bind_all(q, values).fetch_one(w.conn()).await.map_err(db) {
            Ok(row) => get::<i64>(&row, "id"),
            Err(e) => Err(e),
        };
        w.finish(result).await
    }

    pub(crate) async fn api_key_by_hash_impl(&self, token_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let row = sqlx::query(
            "SELECT id, site_id, name, token_hash, created_at, revoked_at FROM api_keys WHERE token_hash = $1",
        )
        .bind(token_hash.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(ApiKey {
            id: get(&r, "id")?,
            site_id: get(&r, "site_id")?,
            name: get(&r, "name")?,
            token_hash: get(&r, "token_hash")?,
            created_at: get_time(&r, "created_at")?,
            revoked_at: get_opt_time(&r, "revoked_at")?,
        }))
    }

    pub(crate) async fn reserve_meeting_key_impl(
        &self,
        key: u64,
        site: SiteId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let key = key_to_db(key)?;
        let mut w = self.write().await?;
        let result = sqlx::query(
            "INSERT INTO meeting_keys (key, site_id, reserved_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(site)
        .bind(ms(at))
        .execute(w.conn())
        .await
        .map(|done| done.rows_affected() == 1)
        .map_err(db);
        w.finish(result).await
    }
}
