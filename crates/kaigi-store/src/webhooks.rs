//! Webhooks (`webhooks`), the outbox of changes (`change_events`, written by the store methods
//! that make the changes, inside their transactions: [`insert_changes`]) and the deliveries
//! (`webhook_deliveries`).

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaigi_core::error::{ConflictOn, StoreError};
use kaigi_core::model::{
    Attempt, ChangeEvent, ChangeId, Delivery, DeliveryOutcome, MeetingId, SiteId, Webhook, WebhookEvent, WebhookId,
    WebhookOwner, WebhookResource, WebhookStatus,
};
use kaigi_core::ports::WebhookStore;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use crate::codec::{bind_all, get, get_json, get_time, json, ms, Params, Value};
use crate::errors::{corrupt, db, touched};
use crate::SqlStore;

const WEBHOOK_COLUMNS: &str = "id, site_id, created_by, app_client_id, name, target_url, resource, event, filter, \
                               terms, secret, owned_by, status, created_at";

fn webhook(r: &AnyRow) -> Result<Webhook, StoreError> {
    let resource: String = get(r, "resource")?;
    let event: String = get(r, "event")?;
    let owned_by: String = get(r, "owned_by")?;
    let status: String = get(r, "status")?;
    Ok(Webhook {
        id: get(r, "id")?,
        site_id: get(r, "site_id")?,
        created_by: get(r, "created_by")?,
        app_client_id: get(r, "app_client_id")?,
        name: get(r, "name")?,
        target_url: get(r, "target_url")?,
        resource: WebhookResource::parse(&resource).ok_or_else(|| corrupt("webhook resource", &resource))?,
        event: WebhookEvent::parse(&event).ok_or_else(|| corrupt("webhook event", &event))?,
        filter: get(r, "filter")?,
        terms: get_json(r, "terms")?,
        secret: get(r, "secret")?,
        owned_by: match owned_by.as_str() {
            "org" => WebhookOwner::Org,
            "creator" => WebhookOwner::Creator,
            other => return Err(corrupt("webhook owner", other)),
        },
        status: match status.as_str() {
            "active" => WebhookStatus::Active,
            "inactive" => WebhookStatus::Inactive,
            other => return Err(corrupt("webhook status", other)),
        },
        created_at: get_time(r, "created_at")?,
    })
}

/// A change from a row whose columns carry the prefix `p` (`c_` in a join).
fn change(r: &AnyRow, p: &str) -> Result<ChangeEvent, StoreError> {
    let col = |name: &str| format!("{p}{name}");
    let resource: String = get(r, &col("resource"))?;
    let event: String = get(r, &col("event"))?;
    Ok(ChangeEvent {
        id: get(r, &col("id"))?,
        site_id: get(r, &col("site_id"))?,
        resource: WebhookResource::parse(&resource).ok_or_else(|| corrupt("change resource", &resource))?,
        event: WebhookEvent::parse(&event).ok_or_else(|| corrupt("change event", &event))?,
        meeting_id: get(r, &col("meeting_id"))?,
        subject_id: get(r, &col("subject_id"))?,
        actor_id: get(r, &col("actor_id"))?,
        at: get_time(r, &col("at"))?,
        facts: get_json(r, &col("facts"))?,
    })
}

/// Writes `changes` inside the caller's transaction; a `meeting_id` of 0 becomes `meeting`, a
/// `subject_id` of 0 becomes `subject` (the ids the same transaction just gave).
pub(crate) async fn insert_changes(
    conn: &mut AnyConnection,
    changes: &[ChangeEvent],
    meeting: Option<MeetingId>,
    subject: Option<i64>,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let mut p = Params::default();
    let mut rows = Vec::with_capacity(changes.len());
    for c in changes {
        let meeting_id = if c.meeting_id == 0 { meeting.unwrap_or(0) } else { c.meeting_id };
        let subject_id = if c.subject_id == 0 { subject.unwrap_or(0) } else { c.subject_id };
        rows.push(format!(
            "({})",
            p.add_list([
                Value::int(c.site_id),
                Value::text(c.resource.name()),
                Value::text(c.event.name()),
                Value::int(meeting_id),
                Value::int(subject_id),
                Value::Int(c.actor_id),
                Value::int(ms(c.at)),
                json(&c.facts, "change facts")?,
            ])
        ));
    }
    let sql = format!(
        "INSERT INTO change_events (site_id, resource, event, meeting_id, subject_id, actor_id, at, facts) VALUES {}",
        rows.join(", ")
    );
    bind_all(sqlx::query(&sql), p.0).execute(conn).await.map_err(db)?;
    Ok(())
}

fn webhook_values(w: &Webhook) -> Result<Vec<Value>, StoreError> {
    Ok(vec![
        Value::Text(w.app_client_id.clone()),
        Value::text(&w.name),
        Value::text(&w.target_url),
        Value::text(w.resource.name()),
        Value::text(w.event.name()),
        Value::text(&w.filter),
        json(&w.terms, "webhook filter")?,
        Value::Text(w.secret.clone()),
        Value::text(w.owned_by.name()),
        Value::text(w.status.name()),
    ])
}

#[async_trait]
impl WebhookStore for SqlStore {
    async fn insert_webhook(&self, w: &Webhook, limit: usize) -> Result<WebhookId, StoreError> {
        let mut tx = self.write().await?;
        let result = async {
            let conn = tx.conn();
            let held: i64 = get(
                &sqlx::query("SELECT COUNT(*) AS n FROM webhooks WHERE site_id = $1")
                    .bind(w.site_id)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(db)?,
                "n",
            )?;
            if usize::try_from(held).unwrap_or(usize::MAX) >= limit {
                return Err(StoreError::Conflict(ConflictOn::WebhookLimit));
            }
            let q = sqlx::query(
                "INSERT INTO webhooks (site_id, created_by, created_at, app_client_id, name, target_url, resource, \
                 event, filter, terms, secret, owned_by, status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(w.site_id)
            .bind(w.created_by)
            .bind(ms(w.created_at));
            let row = bind_all(q, webhook_values(w)?).fetch_one(&mut *conn).await.map_err(db)?;
            get::<i64>(&row, "id")
        }
        .await;
        tx.finish(result).await
    }

    async fn webhook(&self, site: SiteId, id: WebhookId) -> Result<Option<Webhook>, StoreError> {
        let row = sqlx::query(&format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE site_id = $1 AND id = $2"))
            .bind(site)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(webhook).transpose()
    }

    async fn webhooks_of_site(&self, site: SiteId) -> Result<Vec<Webhook>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE site_id = $1 ORDER BY id"))
            .bind(site)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(webhook).collect()
    }

    async fn update_webhook(&self, w: &Webhook) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        // Restarting a stopped webhook lets it be tried at once.
        let q = sqlx::query(
            "UPDATE webhooks SET app_client_id = $3, name = $4, target_url = $5, resource = $6, event = $7, \
             filter = $8, terms = $9, secret = $10, owned_by = $11, status = $12, \
             retry_at = CASE WHEN status <> $12 THEN 0 ELSE retry_at END \
             WHERE site_id = $1 AND id = $2",
        )
        .bind(w.site_id)
        .bind(w.id);
        let result = async {
            let conn = tx.conn();
            let was: Option<String> = sqlx::query("SELECT status FROM webhooks WHERE site_id = $1 AND id = $2")
                .bind(w.site_id)
                .bind(w.id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db)?
                .map(|r| get(&r, "status"))
                .transpose()?;
            touched(bind_all(q, webhook_values(w)?).execute(&mut *conn).await.map_err(db))?;
            // A restarted webhook's waiting deliveries get their full number of attempts again.
            if was.as_deref() == Some("inactive") && w.status == WebhookStatus::Active {
                sqlx::query(
                    "UPDATE webhook_deliveries SET attempts = 0 WHERE webhook_id = $1 AND delivered_at IS NULL",
                )
                .bind(w.id)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
            }
            Ok(())
        }
        .await;
        tx.finish(result).await
    }

    async fn delete_webhook(&self, site: SiteId, id: WebhookId) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let result = async {
            let conn = tx.conn();
            let gone = sqlx::query("DELETE FROM webhooks WHERE site_id = $1 AND id = $2")
                .bind(site)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(db);
            touched(gone)?;
            sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
            Ok(())
        }
        .await;
        tx.finish(result).await
    }

    async fn unsent_changes(&self, limit: u32) -> Result<Vec<ChangeEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, site_id, resource, event, meeting_id, subject_id, actor_id, at, facts FROM change_events \
             WHERE fanned_out_at IS NULL ORDER BY id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(|r| change(r, "")).collect()
    }

    async fn fan_out(
        &self,
        changes: &[ChangeId],
        deliveries: &[(WebhookId, ChangeId)],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut tx = self.write().await?;
        let result = async {
            let conn = tx.conn();
            // Bounded statements: SQLite allows 32,766 parameters.
            for chunk in deliveries.chunks(1000) {
                let mut p = Params::default();
                let rows: Vec<String> = chunk
                    .iter()
                    .map(|(w, c)| {
                        format!(
                            "({}, {}, (SELECT site_id FROM change_events WHERE id = {}))",
                            p.add(Value::int(*w)),
                            p.add(Value::int(*c)),
                            p.add(Value::int(*c))
                        )
                    })
                    .collect();
                let sql = format!(
                    "INSERT INTO webhook_deliveries (webhook_id, change_id, site_id) VALUES {} \
                     ON CONFLICT (webhook_id, change_id) DO NOTHING",
                    rows.join(", ")
                );
                bind_all(sqlx::query(&sql), p.0).execute(&mut *conn).await.map_err(db)?;
                // A webhook deleted since the worker read the list leaves nothing behind.
                let mut p = Params::default();
                let hooks = p.add_list(chunk.iter().map(|(w, _)| Value::int(*w)));
                let sql = format!(
                    "DELETE FROM webhook_deliveries WHERE webhook_id IN ({hooks}) \
                     AND NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.id = webhook_deliveries.webhook_id)"
                );
                bind_all(sqlx::query(&sql), p.0).execute(&mut *conn).await.map_err(db)?;
            }
            for chunk in changes.chunks(1000) {
                let mut p = Params::default();
                let when = p.add(Value::int(ms(at)));
                let ids = p.add_list(chunk.iter().map(|c| Value::int(*c)));
                let sql = format!(
                    "UPDATE change_events SET fanned_out_at = {when} WHERE id IN ({ids}) AND fanned_out_at IS NULL"
                );
                bind_all(sqlx::query(&sql), p.0).execute(&mut *conn).await.map_err(db)?;
            }
            Ok(())
        }
        .await;
        tx.finish(result).await
    }

    async fn take_due_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        webhooks: u32,
        per_webhook: u32,
    ) -> Result<Vec<Vec<Delivery>>, StoreError> {
        let now = ms(now);
        let mut tx = self.write().await?;
        // The conditions stand twice: PostgreSQL (READ COMMITTED) re-checks the outer WHERE on a
        // row another worker leased meanwhile, not the subquery that chose it, so without them
        // two workers could both take one webhook.
        let taken = async {
            let conn = tx.conn();
            let rows = sqlx::query(
                "UPDATE webhooks SET lease_until = $1 WHERE id IN (\
                   SELECT w.id FROM webhooks w WHERE w.status = 'active' AND w.lease_until <= $2 \
                   AND w.retry_at <= $2 \
                   AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.delivered_at IS NULL) \
                   ORDER BY w.retry_at, w.id LIMIT $3) \
                 AND status = 'active' AND lease_until <= $2 AND retry_at <= $2 \
                 RETURNING id",
            )
            .bind(ms(lease_until))
            .bind(now)
            .bind(i64::from(webhooks))
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
            rows.iter().map(|r| get::<i64>(r, "id")).collect::<Result<Vec<i64>, _>>()
        }
        .await;
        let taken = tx.finish(taken).await?;
        if taken.is_empty() {
            return Ok(Vec::new());
        }
        // Each webhook's next deliveries with an index seek (webhook, change): the cost does not
        // grow with a webhook's backlog.
        let sql = format!(
            "SELECT {cols}, d.id AS d_id, d.attempts AS d_attempts, \
                    c.id AS c_id, c.site_id AS c_site_id, c.resource AS c_resource, c.event AS c_event, \
                    c.meeting_id AS c_meeting_id, c.subject_id AS c_subject_id, c.actor_id AS c_actor_id, \
                    c.at AS c_at, c.facts AS c_facts \
             FROM (SELECT id, webhook_id, change_id, attempts FROM webhook_deliveries \
                   WHERE webhook_id = $1 AND delivered_at IS NULL ORDER BY change_id LIMIT $2) d \
             JOIN webhooks w ON w.id = d.webhook_id \
             JOIN change_events c ON c.id = d.change_id \
             ORDER BY d.change_id",
            cols = WEBHOOK_COLUMNS.split(", ").map(|c| format!("w.{c}")).collect::<Vec<_>>().join(", ")
        );
        let mut rows = Vec::new();
        for id in &taken {
            let q = sqlx::query(&sql).bind(*id).bind(i64::from(per_webhook));
            rows.extend(q.fetch_all(&self.pool).await.map_err(db)?);
        }
        let mut by_webhook: BTreeMap<WebhookId, Vec<Delivery>> = BTreeMap::new();
        for r in &rows {
            let w = webhook(r)?;
            let change = change(r, "c_")?;
            let attempts: i64 = get(r, "d_attempts")?;
            let delivery = Delivery {
                id: get(r, "d_id")?,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                webhook: w,
                change,
            };
            by_webhook.entry(delivery.webhook.id).or_default().push(delivery);
        }
        // A webhook taken whose deliveries went meanwhile (deleted) is let go at once.
        for id in taken.iter().filter(|id| !by_webhook.contains_key(id)) {
            self.release_webhook(*id, lease_until).await?;
        }
        Ok(by_webhook.into_values().collect())
    }

    async fn finish_deliveries(
        &self,
        webhook: WebhookId,
        lease: DateTime<Utc>,
        attempts: &[Attempt],
        retry_at: Option<DateTime<Utc>>,
        webhook_status: Option<WebhookStatus>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let result = async {
            let conn = tx.conn();
            for a in attempts {
                let (delivered, status, error) = match &a.outcome {
                    DeliveryOutcome::Delivered { status } => {
                        (Value::int(ms(a.at)), Value::int(i64::from(*status)), Value::Text(None))
                    }
                    DeliveryOutcome::Failed { why } => {
                        (Value::Int(None), Value::Int(None), Value::text(why.chars().take(500).collect::<String>()))
                    }
                    DeliveryOutcome::Refused => {
                        (Value::Int(None), Value::Int(None), Value::text("target not allowed by the site"))
                    }
                };
                // Delivered stays delivered, also when a worker that lost its lease reports later.
                let q = sqlx::query(
                    "UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $2, \
                     delivered_at = COALESCE(delivered_at, $3), last_status = $4, last_error = $5 \
                     WHERE id = $1 AND webhook_id = $6",
                )
                .bind(a.delivery)
                .bind(ms(a.at));
                bind_all(q, [delivered, status, error, Value::int(webhook)]).execute(&mut *conn).await.map_err(db)?;
            }
            let q = sqlx::query(
                "UPDATE webhooks SET lease_until = 0, retry_at = COALESCE($2, retry_at), \
                 status = COALESCE($3, status) WHERE id = $1 AND lease_until = $4",
            )
            .bind(webhook);
            let values = [
                Value::Int(retry_at.map(ms)),
                Value::Text(webhook_status.map(|s| s.name().to_string())),
                Value::int(ms(lease)),
            ];
            bind_all(q, values).execute(&mut *conn).await.map_err(db)?;
            Ok(())
        }
        .await;
        tx.finish(result).await
    }

    async fn release_webhook(&self, id: WebhookId, lease: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let result = sqlx::query("UPDATE webhooks SET lease_until = 0 WHERE id = $1 AND lease_until = $2")
            .bind(id)
            .bind(ms(lease))
            .execute(tx.conn())
            .await
            .map_err(db)
            .map(|_| ());
        tx.finish(result).await
    }

    async fn purge_webhook_history(&self, before: DateTime<Utc>, limit: u32) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let result = async {
            let conn = tx.conn();
            let deliveries = sqlx::query(
                "DELETE FROM webhook_deliveries WHERE id IN \
                 (SELECT id FROM webhook_deliveries WHERE delivered_at IS NOT NULL AND delivered_at < $1 LIMIT $2)",
            )
            .bind(ms(before))
            .bind(i64::from(limit))
            .execute(&mut *conn)
            .await
            .map_err(db)?;
            let changes = sqlx::query(
                "DELETE FROM change_events WHERE id IN \
                 (SELECT c.id FROM change_events c WHERE c.fanned_out_at IS NOT NULL AND c.fanned_out_at < $1 \
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.change_id = c.id) LIMIT $2)",
            )
            .bind(ms(before))
            .bind(i64::from(limit))
            .execute(&mut *conn)
            .await
            .map_err(db)?;
            Ok(deliveries.rows_affected() + changes.rows_affected())
        }
        .await;
        tx.finish(result).await
    }

    async fn delivery_backlog(&self, site: SiteId) -> Result<(u64, u64), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS pending, COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) AS failed \
             FROM webhook_deliveries WHERE site_id = $1 AND delivered_at IS NULL",
        )
        .bind(site)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let pending: i64 = get(&row, "pending")?;
        let failed: i64 = get(&row, "failed")?;
        Ok((u64::try_from(pending).unwrap_or(0), u64::try_from(failed).unwrap_or(0)))
    }
}
