//! The in-meeting chat (the [`ChatStore`] port, table `meeting_chats`): lines said in a running
//! session (`usage_id` NULL), tied to the ended instance by `end_session` (activity.rs), read and
//! deleted per instance.
//!
//! A line is added only while its participant is live in the running session and the session
//! holds fewer lines than its limit, both asked inside the write transaction. On PostgreSQL the
//! meeting's row is locked first: ending the session locks it too (its first statement updates
//! it), so a line is either added before the end, and tied to the instance by it, or refused
//! after it, never left behind in a session that is over. SQLite's writes take turns anyway.

use async_trait::async_trait;
use kaigi_core::error::StoreError;
use kaigi_core::model::{ChatLine, MeetingId, Page, SiteId};
use kaigi_core::ports::ChatStore;
use sqlx::any::AnyRow;

use crate::codec::{bind_all, get, get_num, get_time, ms, Value};
use crate::errors::db;
use crate::{Engine, SqlStore};

const COLUMNS: &str =
    "id, uuid, site_id, meeting_id, usage_id, participant_id, sender_name, sender_email, sender_user_id, text, at_ms";

fn line_from_row(row: &AnyRow) -> Result<ChatLine, StoreError> {
    Ok(ChatLine {
        id: get(row, "id")?,
        uuid: get(row, "uuid")?,
        site_id: get(row, "site_id")?,
        meeting_id: get(row, "meeting_id")?,
        usage_id: get(row, "usage_id")?,
        participant_id: get(row, "participant_id")?,
        sender_name: get(row, "sender_name")?,
        sender_email: get(row, "sender_email")?,
        sender_user_id: get(row, "sender_user_id")?,
        text: get(row, "text")?,
        at: get_time(row, "at_ms")?,
    })
}

#[async_trait]
impl ChatStore for SqlStore {
    async fn add_chat_line(&self, line: &ChatLine, limit: u32) -> Result<Option<i64>, StoreError> {
        let lock = match self.engine {
            Engine::Sqlite => "",
            Engine::Postgres => " FOR UPDATE",
        };
        let meeting = format!("SELECT id FROM meetings WHERE id = $1 AND site_id = $2{lock}");
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            let found = sqlx::query(&meeting)
                .bind(line.meeting_id)
                .bind(line.site_id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db)?;
            if found.is_none() {
                return Err(StoreError::Missing);
            }
            let live = sqlx::query(
                "SELECT id FROM participants WHERE id = $1 AND site_id = $2 AND meeting_id = $3 \
                 AND usage_id IS NULL AND left_at IS NULL",
            )
            .bind(line.participant_id)
            .bind(line.site_id)
            .bind(line.meeting_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
            if live.is_none() {
                return Err(StoreError::Missing);
            }
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM meeting_chats WHERE site_id = $1 AND meeting_id = $2 AND usage_id IS NULL",
            )
            .bind(line.site_id)
            .bind(line.meeting_id)
            .fetch_one(&mut *conn)
            .await
            .map_err(db)?;
            let held: i64 = get(&row, "n")?;
            if held >= i64::from(limit) {
                return Ok(None);
            }
            let q = sqlx::query(
                "INSERT INTO meeting_chats (site_id, meeting_id, usage_id, participant_id, sender_name, sender_email, \
                 sender_user_id, text, at_ms, uuid) VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            );
            let values = [
                Value::int(line.site_id),
                Value::int(line.meeting_id),
                Value::int(line.participant_id),
                Value::text(&line.sender_name),
                Value::text(&line.sender_email),
                Value::Int(line.sender_user_id),
                Value::text(&line.text),
                Value::int(ms(line.at)),
                Value::text(&line.uuid),
            ];
            let row = bind_all(q, values).fetch_one(&mut *conn).await.map_err(db)?;
            Ok(Some(get::<i64>(&row, "id")?))
        }
        .await;
        w.finish(result).await
    }

    async fn running_chat(&self, site: SiteId, meeting: MeetingId, limit: u32) -> Result<Vec<ChatLine>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM meeting_chats WHERE site_id = $1 AND meeting_id = $2 AND usage_id IS NULL \
             ORDER BY at_ms DESC, id DESC LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(site)
            .bind(meeting)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        let mut lines = rows.iter().map(line_from_row).collect::<Result<Vec<_>, _>>()?;
        lines.reverse();
        Ok(lines)
    }

    async fn instance_chats(
        &self,
        site: SiteId,
        meeting: MeetingId,
        usage: i64,
        offset: u32,
        limit: u32,
    ) -> Result<Page<ChatLine>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM meeting_chats WHERE site_id = $1 AND meeting_id = $2 AND usage_id = $3 \
             ORDER BY at_ms, id LIMIT $4 OFFSET $5"
        );
        // One snapshot for the page and the count, so they agree.
        let mut tx = self.snapshot().await?;
        let rows = sqlx::query(&sql)
            .bind(site)
            .bind(meeting)
            .bind(usage)
            .bind(i64::from(limit))
            .bind(i64::from(offset))
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
        let count = sqlx::query(
            "SELECT COUNT(*) AS n FROM meeting_chats WHERE site_id = $1 AND meeting_id = $2 AND usage_id = $3",
        )
        .bind(site)
        .bind(meeting)
        .bind(usage)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        let items = rows.iter().map(line_from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(Page { items, total: get_num(&count, "n")? })
    }

    async fn delete_instance_chats(&self, site: SiteId, meeting: MeetingId, usage: i64) -> Result<u64, StoreError> {
        let mut w = self.write().await?;
        let result = async {
            let done =
                sqlx::query("DELETE FROM meeting_chats WHERE site_id = $1 AND meeting_id = $2 AND usage_id = $3")
                    .bind(site)
                    .bind(meeting)
                    .bind(usage)
                    .execute(&mut *w.conn())
                    .await
                    .map_err(db)?;
            Ok(done.rows_affected())
        }
        .await;
        w.finish(result).await
    }
}
