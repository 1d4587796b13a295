//! The audit log of the site administrator's console (table `admin_audit`).

use async_trait::async_trait;
use kaigi_core::error::StoreError;
use kaigi_core::model::{AdminAction, AdminActionKind, SiteId};
use kaigi_core::ports::AuditStore;
use sqlx::any::AnyRow;

use crate::codec::{get, get_time, ms};
use crate::errors::{corrupt, db};
use crate::SqlStore;

const COLUMNS: &str = "id, site_id, at, actor, action, target, detail, outcome";

fn action_from_row(row: &AnyRow) -> Result<AdminAction, StoreError> {
    let kind: String = get(row, "action")?;
    Ok(AdminAction {
        id: get(row, "id")?,
        site_id: get(row, "site_id")?,
        at: get_time(row, "at")?,
        actor: get(row, "actor")?,
        kind: AdminActionKind::parse(&kind).ok_or_else(|| corrupt("audit action", &kind))?,
        target: get(row, "target")?,
        detail: get(row, "detail")?,
        outcome: get(row, "outcome")?,
    })
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn record_admin_action(&self, a: &AdminAction) -> Result<i64, StoreError> {
        let mut tx = self.write().await?;
        let result = async {
            let row = sqlx::query(
                "INSERT INTO admin_audit (site_id, at, actor, action, target, detail, outcome) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(a.site_id)
            .bind(ms(a.at))
            .bind(a.actor.clone())
            .bind(a.kind.as_str())
            .bind(a.target.clone())
            .bind(a.detail.clone())
            .bind(a.outcome.clone())
            .fetch_one(&mut *tx.conn())
            .await
            .map_err(db)?;
            get::<i64>(&row, "id")
        }
        .await;
        tx.finish(result).await
    }

    async fn admin_actions(
        &self,
        site: SiteId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AdminAction>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM admin_audit WHERE site_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3");
        let rows = sqlx::query(&sql)
            .bind(site)
            .bind(before.unwrap_or(i64::MAX))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(action_from_row).collect()
    }
}
