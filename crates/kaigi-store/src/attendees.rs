//! Attendees: one row per person invited to or registered for a meeting, in `attendees`
//! (written from one column list, read by one function). Mails go to the outbox in the same
//! transaction as the rows they are about.

use async_trait::async_trait;
use kaigi_core::error::StoreError;
use kaigi_core::model::{Attendee, AttendeeId, AttendeeRole, AttendeeStatus, JoinStatus, Mail, MeetingId, SiteId};
use kaigi_core::ports::AttendeeStore;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use crate::codec::{big, bind_all, get, get_flag, get_json, get_num, get_time, json, lc, ms, Params, Value};
use crate::errors::{corrupt, db};
use crate::outbox::insert_mails;
use crate::SqlStore;

const COLUMNS: &str = "meeting_id, site_id, name, first_name, last_name, email, role, join_status, status, \
                       register_id, language, locale, time_zone_id, email_invitations, profile, ip_address, \
                       submitted_at, created_at";

fn values(a: &Attendee) -> Result<[Value; 18], StoreError> {
    Ok([
        Value::int(a.meeting_id),
        Value::int(a.site_id),
        Value::text(&a.name),
        Value::text(&a.first_name),
        Value::text(&a.last_name),
        Value::text(lc(&a.email)),
        Value::text(a.role.wire()),
        Value::text(a.join_status.wire()),
        Value::text(a.status.wire()),
        Value::Int(a.register_id),
        Value::text(&a.language),
        Value::text(&a.locale),
        Value::int(i64::from(a.time_zone_id)),
        Value::flag(a.email_invitations),
        json(&a.profile, "attendee profile")?,
        Value::text(&a.ip_address),
        Value::int(ms(a.submitted_at)),
        Value::int(ms(a.created_at)),
    ])
}

/// The one place a row becomes an [`Attendee`].
fn attendee_from_row(row: &AnyRow) -> Result<Attendee, StoreError> {
    let role: String = get(row, "role")?;
    let join: String = get(row, "join_status")?;
    let status: String = get(row, "status")?;
    Ok(Attendee {
        id: get(row, "id")?,
        meeting_id: get(row, "meeting_id")?,
        site_id: get(row, "site_id")?,
        name: get(row, "name")?,
        first_name: get(row, "first_name")?,
        last_name: get(row, "last_name")?,
        email: get(row, "email")?,
        role: AttendeeRole::parse(&role).ok_or_else(|| corrupt("attendee role", &role))?,
        join_status: JoinStatus::parse(&join).ok_or_else(|| corrupt("join status", &join))?,
        status: AttendeeStatus::parse(&status).ok_or_else(|| corrupt("attendee status", &status))?,
        register_id: get(row, "register_id")?,
        language: get(row, "language")?,
        locale: get(row, "locale")?,
        time_zone_id: get_num(row, "time_zone_id")?,
        email_invitations: get_flag(row, "email_invitations")?,
        profile: get_json(row, "profile")?,
        ip_address: get(row, "ip_address")?,
        submitted_at: get_time(row, "submitted_at")?,
        created_at: get_time(row, "created_at")?,
    })
}

async fn insert_all(conn: &mut AnyConnection, attendees: &[Attendee]) -> Result<Vec<AttendeeId>, StoreError> {
    let placeholders: Vec<String> = (1..=18).map(|i| format!("${i}")).collect();
    let sql = format!("INSERT INTO attendees ({COLUMNS}) VALUES ({}) RETURNING id", placeholders.join(", "));
    let mut ids = Vec::with_capacity(attendees.len());
    for a in attendees {
        let row = bind_all(sqlx::query(&sql), values(a)?).fetch_one(&mut *conn).await.map_err(db)?;
        let id: i64 = get(&row, "id")?;
        if a.register_id.is_some() {
            // kaigi's registerID is the attendee id.
            sqlx::query("UPDATE attendees SET register_id = id WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
        }
        ids.push(id);
    }
    Ok(ids)
}

#[async_trait]
impl AttendeeStore for SqlStore {
    async fn insert_attendees(&self, attendees: &[Attendee], mails: &[Mail]) -> Result<Vec<AttendeeId>, StoreError> {
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            let ids = insert_all(&mut *conn, attendees).await?;
            insert_mails(conn, mails).await?;
            Ok(ids)
        }
        .await;
        w.finish(result).await
    }

    async fn attendees_of(&self, site: SiteId, meeting: MeetingId) -> Result<Vec<Attendee>, StoreError> {
        let sql = format!("SELECT id, {COLUMNS} FROM attendees WHERE site_id = $1 AND meeting_id = $2 ORDER BY id");
        let rows = sqlx::query(&sql).bind(site).bind(meeting).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(attendee_from_row).collect()
    }

    async fn meeting_key_of(&self, site: SiteId, meeting: MeetingId) -> Result<Option<u64>, StoreError> {
        let row = sqlx::query("SELECT meeting_key FROM meetings WHERE site_id = $1 AND id = $2")
            .bind(site)
            .bind(meeting)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(|r| get_num(&r, "meeting_key")).transpose()
    }

    async fn meeting_key_by_conf_id(&self, site: SiteId, conf_id: u64) -> Result<Option<u64>, StoreError> {
        let row = sqlx::query(
            "SELECT meeting_key FROM meetings WHERE site_id = $1 AND conf_id = $2 AND deleted_at IS NULL ORDER BY id LIMIT 1",
        )
        .bind(site)
        .bind(big(conf_id, "conference id")?)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        row.map(|r| get_num(&r, "meeting_key")).transpose()
    }

    async fn attendee_by_id(&self, site: SiteId, id: AttendeeId) -> Result<Option<Attendee>, StoreError> {
        let sql = format!("SELECT id, {COLUMNS} FROM attendees WHERE site_id = $1 AND id = $2");
        let row = sqlx::query(&sql).bind(site).bind(id).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(attendee_from_row).transpose()
    }

    async fn delete_attendees(&self, site: SiteId, ids: &[AttendeeId], mails: &[Mail]) -> Result<(), StoreError> {
        let mut unique = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            let mut params = Params::default();
            let site_p = params.add(Value::int(site));
            let list = params.add_list(unique.iter().map(|i| Value::int(*i)));
            let sql = format!("DELETE FROM attendees WHERE site_id = {site_p} AND id IN ({list})");
            let done = bind_all(sqlx::query(&sql), params.0).execute(&mut *conn).await.map_err(db)?;
            if done.rows_affected() != unique.len() as u64 {
                return Err(StoreError::Missing);
            }
            insert_mails(conn, mails).await?;
            Ok(())
        }
        .await;
        w.finish(result).await
    }

    async fn set_attendee_status(
        &self,
        site: SiteId,
        id: AttendeeId,
        status: AttendeeStatus,
        join: JoinStatus,
        mails: &[Mail],
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            let done = sqlx::query("UPDATE attendees SET status = $1, join_status = $2 WHERE site_id = $3 AND id = $4")
                .bind(status.wire())
                .bind(join.wire())
                .bind(site)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Missing);
            }
            insert_mails(conn, mails).await?;
            Ok(())
        }
        .await;
        w.finish(result).await
    }

    async fn set_attendee_details(
        &self,
        site: SiteId,
        id: AttendeeId,
        name: &str,
        role: AttendeeRole,
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = sqlx::query("UPDATE attendees SET name = $1, role = $2 WHERE site_id = $3 AND id = $4")
            .bind(name.to_string())
            .bind(role.wire())
            .bind(site)
            .bind(id)
            .execute(w.conn())
            .await
            .map_err(db)
            .and_then(|done| if done.rows_affected() == 0 { Err(StoreError::Missing) } else { Ok(()) });
        w.finish(result).await
    }
}
