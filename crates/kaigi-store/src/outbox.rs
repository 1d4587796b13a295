//! The mail outbox: mails are written in the transaction of the change that sends them.

use kaigi_core::error::StoreError;
use kaigi_core::model::{Mail, MailKind, SiteId};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use crate::codec::{bind_all, get, get_flag, get_time, ms, Value};
use crate::errors::{corrupt, db};
use crate::SqlStore;

const MAIL_COLUMNS: &str = "id, site_id, kind, to_addr, subject, body, html, language, created_at";

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
    })
}

/// Queues `mails` (their ids are ignored) inside the caller's transaction.
pub(crate) async fn insert_mails(conn: &mut AnyConnection, mails: &[Mail]) -> Result<(), StoreError> {
    for m in mails {
        let q = sqlx::query(
            "INSERT INTO outbox (site_id, kind, to_addr, subject, body, html, language, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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
