//! Integrations, Service Apps and authorization codes, in `integrations` and `oauth_codes`
//! (only hashes of secrets and codes are stored).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaigi_core::error::StoreError;
use kaigi_core::model::{Integration, IntegrationKind, OauthCode, UserId};
use kaigi_core::ports::IntegrationStore;
use sqlx::any::AnyRow;

use crate::codec::{bind_all, get, get_opt_time, get_time, ms, opt_ms, Value};
use crate::errors::{corrupt, db, touched};
use crate::invalidation::Forget;
use crate::SqlStore;

const COLUMNS: &str = "id, site_id, name, client_id, secret_hash, redirect_uris, scopes, kind, created_by, \
                       created_at, authorized_by, authorized_at, machine_user_id, revoked_at";

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn integration(r: &AnyRow) -> Result<Integration, StoreError> {
    let kind: String = get(r, "kind")?;
    let uris: String = get(r, "redirect_uris")?;
    let scopes: String = get(r, "scopes")?;
    Ok(Integration {
        id: get(r, "id")?,
        site_id: get(r, "site_id")?,
        name: get(r, "name")?,
        client_id: get(r, "client_id")?,
        secret_hash: get(r, "secret_hash")?,
        redirect_uris: uris.lines().filter(|l| !l.is_empty()).map(str::to_string).collect(),
        scopes: words(&scopes),
        kind: IntegrationKind::parse(&kind).ok_or_else(|| corrupt("integration kind", &kind))?,
        created_by: get(r, "created_by")?,
        created_at: get_time(r, "created_at")?,
        authorized_by: get(r, "authorized_by")?,
        authorized_at: get_opt_time(r, "authorized_at")?,
        machine_user_id: get(r, "machine_user_id")?,
        revoked_at: get_opt_time(r, "revoked_at")?,
    })
}

#[async_trait]
impl IntegrationStore for SqlStore {
    async fn insert_integration(&self, i: &Integration) -> Result<i64, StoreError> {
        let mut w = self.write().await?;
        let q = sqlx::query(
            "INSERT INTO integrations (site_id, name, client_id, secret_hash, redirect_uris, scopes, kind, created_by, \
             created_at, authorized_by, authorized_at, machine_user_id, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        );
        let values = [
            Value::int(i.site_id),
            Value::text(&i.name),
            Value::text(&i.client_id),
            Value::text(&i.secret_hash),
            Value::text(i.redirect_uris.join("\n")),
            Value::text(i.scopes.join(" ")),
            Value::text(i.kind.as_str()),
            Value::text(&i.created_by),
            Value::int(ms(i.created_at)),
            Value::Text(i.authorized_by.clone()),
            opt_ms(i.authorized_at),
            Value::Int(i.machine_user_id),
            opt_ms(i.revoked_at),
        ];
        let result = match bind_all(q, values).fetch_one(w.conn()).await.map_err(db) {
            Ok(row) => get::<i64>(&row, "id"),
            Err(e) => Err(e),
        };
        w.finish(result).await
    }

    async fn integration_by_client_id(&self, client_id: &str) -> Result<Option<Integration>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM integrations WHERE client_id = $1"))
            .bind(client_id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(integration).transpose()
    }

    async fn list_integrations(&self, site: i64) -> Result<Vec<Integration>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM integrations WHERE site_id = $1 AND revoked_at IS NULL ORDER BY id"
        ))
        .bind(site)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(integration).collect()
    }

    async fn authorize_integration(
        &self,
        id: i64,
        by: &str,
        machine_user: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE integrations SET authorized_by = $1, authorized_at = $2, machine_user_id = $3 \
             WHERE id = $4 AND revoked_at IS NULL AND authorized_at IS NULL",
        )
        .bind(by.to_string())
        .bind(ms(at))
        .bind(machine_user)
        .bind(id)
        .execute(w.conn())
        .await
        .map_err(db);
        w.finish(touched(done)).await
    }

    async fn revoke_integration(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let done = sqlx::query("UPDATE integrations SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(ms(at))
            .bind(id)
            .execute(w.conn())
            .await
            .map_err(db);
        let mut result = touched(done);
        if result.is_ok() {
            result = sqlx::query(
                "UPDATE access_tokens SET revoked_at = $1 WHERE revoked_at IS NULL \
                 AND client_id = (SELECT client_id FROM integrations WHERE id = $2)",
            )
            .bind(ms(at))
            .bind(id)
            .execute(w.conn())
            .await
            .map(|_| ())
            .map_err(db);
        }
        if result.is_ok() {
            result = self.announce_in(w.conn(), &[Forget::Tokens]).await;
        }
        let result = w.finish(result).await;
        // The other instances were told in the transaction.
        self.forget_here(&[Forget::Tokens]);
        result
    }

    async fn insert_oauth_code(&self, c: &OauthCode) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let q = sqlx::query(
            "INSERT INTO oauth_codes (code_hash, integration_id, site_id, user_id, redirect_uri, scopes, created_at, \
             expires_at, credential_epoch) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        );
        let values = [
            Value::text(&c.code_hash),
            Value::int(c.integration_id),
            Value::int(c.site_id),
            Value::int(c.user_id),
            Value::text(&c.redirect_uri),
            Value::text(c.scopes.join(" ")),
            Value::int(ms(c.created_at)),
            Value::int(ms(c.expires_at)),
            Value::int(c.credential_epoch),
        ];
        let result = bind_all(q, values).execute(w.conn()).await.map(|_| ()).map_err(db);
        w.finish(result).await
    }

    async fn take_oauth_code(&self, code_hash: &str, at: DateTime<Utc>) -> Result<Option<OauthCode>, StoreError> {
        let mut w = self.write().await?;
        let row = sqlx::query(
            "UPDATE oauth_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL \
             RETURNING code_hash, integration_id, site_id, user_id, redirect_uri, scopes, created_at, expires_at, \
             credential_epoch",
        )
        .bind(ms(at))
        .bind(code_hash.to_string())
        .fetch_optional(w.conn())
        .await
        .map_err(db);
        let result = match row {
            Ok(Some(r)) => (|| {
                let scopes: String = get(&r, "scopes")?;
                Ok(Some(OauthCode {
                    code_hash: get(&r, "code_hash")?,
                    integration_id: get(&r, "integration_id")?,
                    site_id: get(&r, "site_id")?,
                    user_id: get(&r, "user_id")?,
                    redirect_uri: get(&r, "redirect_uri")?,
                    scopes: words(&scopes),
                    created_at: get_time(&r, "created_at")?,
                    expires_at: get_time(&r, "expires_at")?,
                    credential_epoch: get(&r, "credential_epoch")?,
                }))
            })(),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        };
        w.finish(result).await
    }

    async fn record_code_exchange(&self, code_hash: &str, refresh_token_id: i64) -> Result<bool, StoreError> {
        let mut w = self.write().await?;
        let result = sqlx::query(
            "UPDATE oauth_codes SET refresh_token_id = $1 WHERE code_hash = $2 \
             RETURNING CASE WHEN reused_at IS NULL THEN 0 ELSE 1 END AS reused",
        )
        .bind(refresh_token_id)
        .bind(code_hash.to_string())
        .fetch_optional(w.conn())
        .await
        .map_err(db)
        .and_then(|row| match row {
            Some(r) => get::<i64>(&r, "reused").map(|v| v != 0),
            None => Err(StoreError::Missing),
        });
        w.finish(result).await
    }

    async fn mark_code_reused(&self, code_hash: &str, at: DateTime<Utc>) -> Result<Option<Option<i64>>, StoreError> {
        let mut w = self.write().await?;
        let result = sqlx::query(
            "UPDATE oauth_codes SET reused_at = $1 WHERE code_hash = $2 AND used_at IS NOT NULL \
             RETURNING refresh_token_id",
        )
        .bind(ms(at))
        .bind(code_hash.to_string())
        .fetch_optional(w.conn())
        .await
        .map_err(db)
        .and_then(|row| row.map(|r| get::<Option<i64>>(&r, "refresh_token_id")).transpose());
        w.finish(result).await
    }
}
