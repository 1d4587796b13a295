//! Users: one row per user; the row is written from one column list and read by one function.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use kaigi_core::error::StoreError;
use kaigi_core::model::{
    ActiveState, FailedLogin, Mail, MeetingPreferences, PendingEmail, PersonalRoom, PreferencesWrite, SeatChange,
    SiteId, User, UserId,
};
use sqlx::any::AnyRow;

use crate::codec::{
    bind, bind_all, get, get_json, get_num, get_opt_time, get_time, json, key_to_db, lc, ms, opt_ms, Value,
};
use crate::errors::{corrupt, db};
use crate::licenses::{apply_seat_change, lock_site, takes_seat};
use crate::outbox::insert_mails;
use crate::{Engine, SqlStore};

/// Every column a user is read from, in `SELECT` form.
pub(crate) const USER_COLUMNS: &str = "id, site_id, webex_id, email, first_name, last_name, password_hash, \
     privileges, active, language_id, time_zone_id, scheduling_permission, meeting_types, profile, \
     pmr_meeting_key, pmr_host_pin, pmr_released_at, preferences, pending_email, pending_email_token_hash, \
     pending_email_requested_at, failed_logins, locked_until, registered_at, updated_at";

/// The columns `user_values` fills, in its order (everything but `id` and `site_id`).
const WRITE_COLUMNS: [&str; 27] = [
    "webex_id",
    "webex_id_lc",
    "email",
    "email_lc",
    "first_name",
    "first_name_lc",
    "last_name",
    "last_name_lc",
    "password_hash",
    "privileges",
    "active",
    "language_id",
    "time_zone_id",
    "scheduling_permission",
    "meeting_types",
    "profile",
    "pmr_meeting_key",
    "pmr_host_pin",
    "pmr_released_at",
    "preferences",
    "pending_email",
    "pending_email_token_hash",
    "pending_email_requested_at",
    "failed_logins",
    "locked_until",
    "registered_at",
    "updated_at",
];

/// The values of [`WRITE_COLUMNS`] for `u`, in the same order.
fn user_values(u: &User) -> Result<[Value; 27], StoreError> {
    let room = u.personal_room.as_ref();
    let pending = u.pending_email.as_ref();
    Ok([
        Value::text(&u.webex_id),
        Value::text(lc(&u.webex_id)),
        Value::text(&u.email),
        Value::text(lc(&u.email)),
        Value::text(&u.first_name),
        Value::text(lc(&u.first_name)),
        Value::text(&u.last_name),
        Value::text(lc(&u.last_name)),
        Value::Text(u.password_hash.clone()),
        json(&u.privileges, "privileges")?,
        Value::text(u.active.wire()),
        Value::int(i64::from(u.language_id)),
        Value::int(i64::from(u.time_zone_id)),
        json(&u.scheduling_permission, "scheduling permission")?,
        json(&u.meeting_types, "meeting types")?,
        json(&u.profile, "profile")?,
        Value::Int(room.map(|r| key_to_db(r.meeting_key)).transpose()?),
        Value::Text(room.map(|r| r.host_pin.clone())),
        opt_ms(room.and_then(|r| r.released_at)),
        json(&u.preferences, "meeting preferences")?,
        Value::Text(pending.map(|p| p.address.clone())),
        Value::Text(pending.map(|p| p.token_hash.clone())),
        opt_ms(pending.map(|p| p.requested_at)),
        Value::int(i64::from(u.failed_logins)),
        opt_ms(u.locked_until),
        Value::int(ms(u.registered_at)),
        Value::int(ms(u.updated_at)),
    ])
}

/// The one place a row becomes a [`User`].
pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let active: String = get(row, "active")?;
    let personal_room = match get::<Option<i64>>(row, "pmr_meeting_key")? {
        Some(key) => Some(PersonalRoom {
            meeting_key: u64::try_from(key).map_err(|_| corrupt("pmr_meeting_key", key))?,
            host_pin: get::<Option<String>>(row, "pmr_host_pin")?.unwrap_or_default(),
            released_at: get_opt_time(row, "pmr_released_at")?,
        }),
        None => None,
    };
    let pending_email = match get::<Option<String>>(row, "pending_email")? {
        Some(address) => Some(PendingEmail {
            address,
            token_hash: get::<Option<String>>(row, "pending_email_token_hash")?.unwrap_or_default(),
            requested_at: get_opt_time(row, "pending_email_requested_at")?
                .ok_or_else(|| corrupt("pending_email_requested_at", "missing"))?,
        }),
        None => None,
    };
    Ok(User {
        id: get(row, "id")?,
        site_id: get(row, "site_id")?,
        webex_id: get(row, "webex_id")?,
        email: get(row, "email")?,
        first_name: get(row, "first_name")?,
        last_name: get(row, "last_name")?,
        password_hash: get(row, "password_hash")?,
        privileges: get_json(row, "privileges")?,
        active: ActiveState::parse(&active).ok_or_else(|| corrupt("active", &active))?,
        language_id: get_num(row, "language_id")?,
        time_zone_id: get_num(row, "time_zone_id")?,
        scheduling_permission: get_json(row, "scheduling_permission")?,
        meeting_types: get_json(row, "meeting_types")?,
        profile: get_json(row, "profile")?,
        personal_room,
        preferences: get_json(row, "preferences")?,
        pending_email,
        failed_logins: get_num(row, "failed_logins")?,
        locked_until: get_opt_time(row, "locked_until")?,
        registered_at: get_time(row, "registered_at")?,
        updated_at: get_time(row, "updated_at")?,
    })
}

static INSERT_SQL: LazyLock<String> = LazyLock::new(|| {
    let placeholders: Vec<String> = (1..=WRITE_COLUMNS.len() + 1).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO users (site_id, {}) VALUES ({}) RETURNING id",
        WRITE_COLUMNS.join(", "),
        placeholders.join(", ")
    )
});

static UPDATE_SQL: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = WRITE_COLUMNS.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 3)).collect();
    format!("UPDATE users SET {} WHERE id = $1 AND site_id = $2", sets.join(", "))
});

impl SqlStore {
    pub(crate) async fn insert_user_impl(
        &self,
        user: &User,
        seat: SeatChange,
        mails: &[Mail],
    ) -> Result<UserId, StoreError> {
        let values = user_values(user)?;
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            if takes_seat(&seat) {
                lock_site(self.engine, conn, user.site_id).await?;
            }
            let q = bind_all(sqlx::query(&INSERT_SQL).bind(user.site_id), values);
            let row = q.fetch_one(&mut *conn).await.map_err(db)?;
            let id: UserId = get(&row, "id")?;
            apply_seat_change(conn, user.site_id, id, seat, user.updated_at).await?;
            insert_mails(conn, mails).await?;
            Ok(id)
        }
        .await;
        w.finish(result).await
    }

    pub(crate) async fn update_user_impl(
        &self,
        user: &User,
        seat: SeatChange,
        mails: &[Mail],
    ) -> Result<(), StoreError> {
        let values = user_values(user)?;
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            if takes_seat(&seat) {
                lock_site(self.engine, conn, user.site_id).await?;
            }
            let q = bind_all(sqlx::query(&UPDATE_SQL).bind(user.id).bind(user.site_id), values);
            if q.execute(&mut *conn).await.map_err(db)?.rows_affected() == 0 {
                return Err(StoreError::Missing);
            }
            apply_seat_change(conn, user.site_id, user.id, seat, user.updated_at).await?;
            insert_mails(conn, mails).await
        }
        .await;
        w.finish(result).await
    }

    /// Reads the stored preferences and writes them back with `change`'s sections in place, in
    /// one write transaction (on PostgreSQL the row is locked from the read on), so that two
    /// changes of different sections both stay and no other column is written.
    pub(crate) async fn update_user_preferences_impl(
        &self,
        site: SiteId,
        id: UserId,
        change: &PreferencesWrite,
    ) -> Result<User, StoreError> {
        let lock = match self.engine {
            Engine::Sqlite => "",
            Engine::Postgres => " FOR UPDATE",
        };
        let read = format!("SELECT preferences FROM users WHERE id = $1 AND site_id = $2{lock}");
        let write = format!(
            "UPDATE users SET preferences = $1, \
             pmr_host_pin = CASE WHEN pmr_meeting_key IS NULL THEN pmr_host_pin ELSE COALESCE($2, pmr_host_pin) END, \
             scheduling_permission = COALESCE($3, scheduling_permission), updated_at = $4 \
             WHERE id = $5 AND site_id = $6 RETURNING {USER_COLUMNS}"
        );
        let permission = match &change.scheduling_permission {
            Some(ids) => json(ids, "scheduling permission")?,
            None => Value::Text(None),
        };
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            let row = sqlx::query(&read).bind(id).bind(site).fetch_optional(&mut *conn).await.map_err(db)?;
            let mut preferences: MeetingPreferences = get_json(&row.ok_or(StoreError::Missing)?, "preferences")?;
            change.apply_to(&mut preferences);
            let q = bind(sqlx::query(&write), json(&preferences, "meeting preferences")?);
            let q = bind(bind(q, Value::Text(change.host_pin.clone())), permission);
            let row = q.bind(ms(change.updated_at)).bind(id).bind(site).fetch_one(&mut *conn).await.map_err(db)?;
            user_from_row(&row)
        }
        .await;
        w.finish(result).await
    }

    /// The user of `site` whose `column` equals `value` (None = any site).
    pub(crate) async fn user_where(
        &self,
        site: Option<SiteId>,
        column: &str,
        value: Value,
    ) -> Result<Option<User>, StoreError> {
        let row = match site {
            Some(site) => {
                let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE site_id = $1 AND {column} = $2");
                bind(sqlx::query(&sql).bind(site), value).fetch_optional(&self.pool).await
            }
            None => {
                let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {column} = $1");
                bind(sqlx::query(&sql), value).fetch_optional(&self.pool).await
            }
        }
        .map_err(db)?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Read from the database, never from the cache: a revocation made by another process counts
    /// at once.
    pub(crate) async fn credential_epoch_impl(&self, user: UserId) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT credential_epoch FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(|r| get(&r, "credential_epoch")).transpose()
    }

    pub(crate) async fn revoke_credentials_impl(&self, user: UserId) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = sqlx::query("UPDATE users SET credential_epoch = credential_epoch + 1 WHERE id = $1")
            .bind(user)
            .execute(w.conn())
            .await
            .map_err(db)
            .and_then(|done| if done.rows_affected() == 0 { Err(StoreError::Missing) } else { Ok(()) });
        w.finish(result).await
    }

    pub(crate) async fn record_failed_login_impl(
        &self,
        user: UserId,
        threshold: u32,
        lock_until: DateTime<Utc>,
    ) -> Result<FailedLogin, StoreError> {
        let mut w = self.write().await?;
        // One statement: the right-hand sides read the row as it was, under the row's lock.
        let q = sqlx::query(
            "UPDATE users SET \
               failed_logins = CASE WHEN failed_logins + 1 >= $1 THEN 0 ELSE failed_logins + 1 END, \
               locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END \
             WHERE id = $3 \
             RETURNING failed_logins, CASE WHEN failed_logins = 0 THEN locked_until END AS locked_now",
        )
        .bind(i64::from(threshold.max(1)))
        .bind(ms(lock_until))
        .bind(user);
        let result = match q.fetch_optional(w.conn()).await.map_err(db) {
            Ok(Some(row)) => (|| {
                Ok(FailedLogin {
                    failed_logins: get_num(&row, "failed_logins")?,
                    locked_until: get_opt_time(&row, "locked_now")?,
                })
            })(),
            Ok(None) => Err(StoreError::Missing),
            Err(e) => Err(e),
        };
        w.finish(result).await
    }

    pub(crate) async fn record_login_state_impl(
        &self,
        user: UserId,
        failed_logins: u32,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let q = sqlx::query("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
            .bind(i64::from(failed_logins));
        let result = bind(q, opt_ms(locked_until)).bind(user).execute(w.conn()).await.map_err(db);
        let result = match result {
            Ok(done) if done.rows_affected() == 0 => Err(StoreError::Missing),
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        };
        w.finish(result).await
    }
}
