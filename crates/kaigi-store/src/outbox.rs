//! The mail outbox: mails are written in the transaction of the change that sends them, and keep
//! their delivery state (attempts, when sent or given up, the last error) as the mail worker
//! sends them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaigi_core::error::StoreError;
use kaigi_core::model::{Mail, MailAttachment, MailDelivery, MailKind, MailState, MailStep, SiteId};
use kaigi_core::ports::MailStore;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use crate::codec::{bind_all, get, get_flag, get_num, get_opt_time, get_time, ms, Value};
use crate::errors::{corrupt, db};
use crate::{Engine, SqlStore};

const MAIL_COLUMNS: &str = "id, site_id, kind, to_addr, subject, body, html, language, created_at, \
     attachment_name, attachment_type, attachment, attempts, sent_at, failed_at, last_attempt_at, last_error";

fn mail_from_row(row: &AnyRow) -> Result<Mail, StoreError> {
    let kind: String = get(row, "kind")?;
    Ok(Mail {
        id: get(row, "id")?,
        site_id: get(row, "site_id")?,
        kind: MailKind::parse(&kind).ok_or_else(|| corrupt("mail kind", &kind))?,
        to: get(row, "to_addr")?,
        subject: get(row, "subject")?,
        body: get(row, "body")?,
        html: get_flag(row, "html")?,
        language: get(row, "language")?,
        created_at: get_time(row, "created_at")?,
        attachment: match get::<Option<String>>(row, "attachment_name")? {
            Some(filename) => Some(MailAttachment {
                filename,
                content_type: get::<Option<String>>(row, "attachment_type")?.unwrap_or_default(),
                content: get::<Option<String>>(row, "attachment")?.unwrap_or_default(),
            }),
            None => None,
        },
        delivery: delivery_from_row(row)?,
    })
}

fn delivery_from_row(row: &AnyRow) -> Result<MailDelivery, StoreError> {
    let sent_at = get_opt_time(row, "sent_at")?;
    let failed_at = get_opt_time(row, "failed_at")?;
    let (state, done_at) = match (sent_at, failed_at) {
        (Some(at), _) => (MailState::Sent, Some(at)),
        (None, Some(at)) => (MailState::Failed, Some(at)),
        (None, None) => (MailState::Pending, None),
    };
    Ok(MailDelivery {
        state,
        attempts: get_num(row, "attempts")?,
        done_at,
        last_attempt_at: get_opt_time(row, "last_attempt_at")?,
        last_error: get(row, "last_error")?,
    })
}

/// Queues `mails` (their ids are ignored) inside the caller's transaction.
pub(crate) async fn insert_mails(conn: &mut AnyConnection, mails: &[Mail]) -> Result<(), StoreError> {
    for m in mails {
        let q = sqlx::query(
            "INSERT INTO outbox (site_id, kind, to_addr, subject, body, html, language, created_at, \
             attachment_name, attachment_type, attachment) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        );
        let values = [
            Value::int(m.site_id),
            Value::text(m.kind.as_str()),
            Value::text(&m.to),
            Value::text(&m.subject),
            Value::text(&m.body),
            Value::flag(m.html),
            Value::text(&m.language),
            Value::int(ms(m.created_at)),
            Value::Text(m.attachment.as_ref().map(|a| a.filename.clone())),
            Value::Text(m.attachment.as_ref().map(|a| a.content_type.clone())),
            Value::Text(m.attachment.as_ref().map(|a| a.content.clone())),
        ];
        bind_all(q, values).execute(&mut *conn).await.map_err(db)?;
    }
    Ok(())
}

impl SqlStore {
    pub(crate) async fn outbox_impl(&self, site: Option<SiteId>, limit: u32) -> Result<Vec<Mail>, StoreError> {
        let order = "ORDER BY created_at DESC, id DESC";
        let rows = match site {
            Some(site) => {
                let sql = format!("SELECT {MAIL_COLUMNS} FROM outbox WHERE site_id = $1 {order} LIMIT $2");
                sqlx::query(&sql).bind(site).bind(i64::from(limit)).fetch_all(&self.pool).await
            }
            None => {
                let sql = format!("SELECT {MAIL_COLUMNS} FROM outbox {order} LIMIT $1");
                sqlx::query(&sql).bind(i64::from(limit)).fetch_all(&self.pool).await
            }
        }
        .map_err(db)?;
        rows.iter().map(mail_from_row).collect()
    }
}

/// Longest last error kept per mail.
const MAX_ERROR_CHARS: usize = 500;

#[async_trait]
impl MailStore for SqlStore {
    async fn purge_mails(&self, before: DateTime<Utc>, limit: u32) -> Result<u64, StoreError> {
        let mut w = self.write().await?;
        let result = sqlx::query(
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE \
             (sent_at IS NOT NULL AND sent_at < $1) OR (failed_at IS NOT NULL AND failed_at < $1) LIMIT $2)",
        )
        .bind(ms(before))
        .bind(i64::from(limit))
        .execute(w.conn())
        .await
        .map_err(db)
        .map(|done| done.rows_affected());
        w.finish(result).await
    }

    async fn take_due_mails(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Mail>, StoreError> {
        // PostgreSQL: rows another instance is claiming are skipped, and a row it claimed
        // meanwhile is re-checked against the lease (READ COMMITTED re-reads an updated row), so
        // two instances never hold one mail. SQLite: writes are serialized.
        let skip_locked = match self.engine {
            Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET lease_until = $1 WHERE id IN (\
               SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
               AND next_attempt_at <= $2 AND lease_until <= $2 ORDER BY next_attempt_at, id LIMIT $3{skip_locked}) \
             AND sent_at IS NULL AND failed_at IS NULL AND lease_until <= $2 \
             RETURNING {MAIL_COLUMNS}"
        );
        let mut tx = self.write().await?;
        let result = async {
            let rows = sqlx::query(&sql)
                .bind(ms(lease_until))
                .bind(ms(now))
                .bind(i64::from(limit))
                .fetch_all(tx.conn())
                .await
                .map_err(db)?;
            rows.iter().map(mail_from_row).collect::<Result<Vec<Mail>, StoreError>>()
        }
        .await;
        let mut mails = tx.finish(result).await?;
        mails.sort_by_key(|m| m.id);
        Ok(mails)
    }

    async fn finish_mail(
        &self,
        id: i64,
        held_until: DateTime<Utc>,
        at: DateTime<Utc>,
        attempted: bool,
        step: &MailStep,
    ) -> Result<bool, StoreError> {
        let clip = |why: &str| Value::text(why.chars().take(MAX_ERROR_CHARS).collect::<String>());
        let (sent, failed, next, error) = match step {
            MailStep::Sent => (Value::int(ms(at)), Value::Int(None), Value::int(0), Value::Text(None)),
            MailStep::Retry { at: next, why } => (Value::Int(None), Value::Int(None), Value::int(ms(*next)), clip(why)),
            MailStep::Failed { why } => (Value::Int(None), Value::int(ms(at)), Value::int(0), clip(why)),
        };
        let q = sqlx::query(
            "UPDATE outbox SET attempts = attempts + $2, \
             last_attempt_at = CASE WHEN $2 > 0 THEN $3 ELSE last_attempt_at END, \
             sent_at = $4, failed_at = $5, next_attempt_at = $6, \
             last_error = $7, lease_until = 0 \
             WHERE id = $1 AND lease_until = $8 AND sent_at IS NULL AND failed_at IS NULL",
        )
        .bind(id)
        .bind(i64::from(attempted))
        .bind(ms(at));
        let mut tx = self.write().await?;
        let values = [sent, failed, next, error, Value::int(ms(held_until))];
        let result = bind_all(q, values).execute(tx.conn()).await.map_err(db).map(|done| done.rows_affected() == 1);
        tx.finish(result).await
    }
}
