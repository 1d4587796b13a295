//! Meetings: one row per meeting in `meetings` (written from one column list, read by one
//! function) and its invitees in `meeting_invitees`, replaced together with it. Deleting only marks
//! the row: calendar links outlive the meeting, and its key stays reserved in `meeting_keys`.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use kaigi_core::error::{ConflictOn, StoreError};
use kaigi_core::model::{
    ChangeEvent, HostRole, Invitee, LicenseDecision, ListStatus, Mail, Meeting, MeetingId, MeetingQuery, SessionKind,
    SessionStatus, Shape, SiteId, UserId,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Executor};

use crate::codec::{
    big, bind_all, get, get_flag, get_json, get_num, get_opt_time, get_time, json, key_to_db, lc, ms, opt_ms, Params,
    Value,
};
use crate::errors::{corrupt, db};
use crate::meeting_options::{option_values, options_from_row};
use crate::outbox::insert_mails;
use crate::webhooks::insert_changes;
use crate::SqlStore;

/// The columns `meeting_values` fills, in its order: everything an update replaces (all but `id`,
/// `site_id`, `meeting_key` and `deleted_at`).
const WRITE_COLUMNS: [&str; 42] = [
    "kind",
    "uuid",
    "conf_id",
    "host_id",
    "scheduled_by",
    "name",
    "meeting_type",
    "agenda",
    "greeting",
    "location",
    "invitation",
    "is_internal",
    "start_ms",
    "time_zone_id",
    "duration_minutes",
    "open_time_secs",
    "join_teleconf_before_host",
    "list_status",
    "password",
    "enforce_password",
    "audio_password",
    "enforce_audio_password",
    "enforce_audio_login",
    "host_key",
    "guest_token",
    "host_token",
    "max_user_number",
    "enable_options",
    "telephony",
    "tracking",
    "remind",
    "conduct",
    "recurrence",
    "series_end_ms",
    "attendee_options",
    "registration_required",
    "exceptions",
    "status",
    "host_joined",
    "participants_joined",
    "created_at",
    "updated_at",
];

/// The values of [`WRITE_COLUMNS`] for `m`, in the same order.
fn meeting_values(m: &Meeting) -> Result<[Value; 42], StoreError> {
    let [features, telephony, tracking, remind, conduct] = option_values(&m.options)?;
    Ok([
        Value::text(m.kind.as_str()),
        Value::text(lc(&m.uuid)),
        Value::int(big(m.conf_id, "conference id")?),
        Value::int(m.host_id),
        Value::int(m.scheduled_by),
        Value::text(&m.name),
        Value::int(i64::from(m.meeting_type)),
        Value::text(&m.agenda),
        Value::text(&m.greeting),
        Value::text(&m.location),
        Value::text(&m.invitation),
        Value::flag(m.is_internal),
        Value::int(ms(m.start)),
        Value::int(i64::from(m.time_zone_id)),
        Value::int(i64::from(m.duration_minutes)),
        Value::int(i64::from(m.open_time_secs)),
        Value::flag(m.join_teleconf_before_host),
        Value::text(m.list_status.wire()),
        Value::Text(m.password.clone()),
        Value::flag(m.enforce_password),
        Value::Text(m.audio_password.clone()),
        Value::flag(m.enforce_audio_password),
        Value::flag(m.enforce_audio_login),
        Value::text(&m.host_key),
        Value::text(&m.guest_token),
        Value::text(&m.host_token),
        Value::int(i64::from(m.max_user_number)),
        features,
        telephony,
        tracking,
        remind,
        conduct,
        json(&m.repeat, "recurrence")?,
        opt_ms(m.series_end),
        json(&m.attendee_options, "attendee options")?,
        json(&m.registration_required, "registration fields")?,
        json(&m.exceptions, "occurrence exceptions")?,
        Value::text(m.status.wire()),
        Value::flag(m.host_joined),
        Value::flag(m.participants_joined),
        Value::int(ms(m.created_at)),
        Value::int(ms(m.updated_at)),
    ])
}

/// Every column a meeting is read from, in `SELECT` form.
static SELECT_COLUMNS: LazyLock<String> =
    LazyLock::new(|| format!("id, site_id, meeting_key, deleted_at, revision, {}", WRITE_COLUMNS.join(", ")));

static INSERT_SQL: LazyLock<String> = LazyLock::new(|| {
    let placeholders: Vec<String> = (1..=WRITE_COLUMNS.len() + 2).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO meetings (site_id, meeting_key, {}) VALUES ({}) RETURNING id",
        WRITE_COLUMNS.join(", "),
        placeholders.join(", ")
    )
});

/// Every change raises the revision; `$1` id, `$2` site, then [`WRITE_COLUMNS`].
static UPDATE_SQL: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = WRITE_COLUMNS.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 3)).collect();
    format!(
        "UPDATE meetings SET {}, revision = revision + 1 WHERE id = $1 AND site_id = $2 AND deleted_at IS NULL",
        sets.join(", ")
    )
});

/// [`UPDATE_SQL`] only while the row still has the revision the written copy was read at.
static UPDATE_UNLESS_CHANGED_SQL: LazyLock<String> =
    LazyLock::new(|| format!("{} AND revision = ${}", *UPDATE_SQL, WRITE_COLUMNS.len() + 3));

fn session_status(s: &str) -> Option<SessionStatus> {
    [SessionStatus::NotInProgress, SessionStatus::InProgress].into_iter().find(|v| v.wire() == s)
}

/// The one place a row becomes a [`Meeting`]; its invitees are read apart (`attach_invitees`).
fn meeting_from_row(row: &AnyRow) -> Result<Meeting, StoreError> {
    let kind: String = get(row, "kind")?;
    let list_status: String = get(row, "list_status")?;
    let status: String = get(row, "status")?;
    Ok(Meeting {
        id: get(row, "id")?,
        site_id: get(row, "site_id")?,
        kind: SessionKind::parse(&kind).ok_or_else(|| corrupt("meeting kind", &kind))?,
        meeting_key: get_num(row, "meeting_key")?,
        uuid: get(row, "uuid")?,
        conf_id: get_num(row, "conf_id")?,
        host_id: get(row, "host_id")?,
        scheduled_by: get(row, "scheduled_by")?,
        name: get(row, "name")?,
        meeting_type: get_num(row, "meeting_type")?,
        agenda: get(row, "agenda")?,
        greeting: get(row, "greeting")?,
        location: get(row, "location")?,
        invitation: get(row, "invitation")?,
        is_internal: get_flag(row, "is_internal")?,
        start: get_time(row, "start_ms")?,
        time_zone_id: get_num(row, "time_zone_id")?,
        duration_minutes: get_num(row, "duration_minutes")?,
        open_time_secs: get_num(row, "open_time_secs")?,
        join_teleconf_before_host: get_flag(row, "join_teleconf_before_host")?,
        list_status: ListStatus::parse(&list_status).ok_or_else(|| corrupt("list status", &list_status))?,
        password: get(row, "password")?,
        enforce_password: get_flag(row, "enforce_password")?,
        audio_password: get(row, "audio_password")?,
        enforce_audio_password: get_flag(row, "enforce_audio_password")?,
        enforce_audio_login: get_flag(row, "enforce_audio_login")?,
        host_key: get(row, "host_key")?,
        guest_token: get(row, "guest_token")?,
        host_token: get(row, "host_token")?,
        max_user_number: get_num(row, "max_user_number")?,
        invitees: Vec::new(),
        options: options_from_row(row)?,
        repeat: get_json(row, "recurrence")?,
        series_end: get_opt_time(row, "series_end_ms")?,
        attendee_options: get_json(row, "attendee_options")?,
        registration_required: get_json(row, "registration_required")?,
        exceptions: get_json(row, "exceptions")?,
        status: session_status(&status).ok_or_else(|| corrupt("session status", &status))?,
        host_joined: get_flag(row, "host_joined")?,
        participants_joined: get_flag(row, "participants_joined")?,
        created_at: get_time(row, "created_at")?,
        updated_at: get_time(row, "updated_at")?,
        deleted_at: get_opt_time(row, "deleted_at")?,
        revision: get(row, "revision")?,
    })
}

/// Invitee rows per `INSERT` (6 parameters each; well under both engines' parameter limits).
const INVITEES_PER_INSERT: usize = 500;

/// Writes `invitees` of meeting `id` at positions 0, 1, … (the meeting has none yet).
async fn insert_invitees(
    conn: &mut AnyConnection,
    site: SiteId,
    id: MeetingId,
    invitees: &[Invitee],
) -> Result<(), StoreError> {
    insert_invitees_of_many(conn, &[(id, site, invitees)], Params::default).await
}

/// Writes the invitees of several new meetings, each at positions 0, 1, …, with parameters in
/// the style `params` makes.
async fn insert_invitees_of_many(
    conn: &mut AnyConnection,
    meetings: &[(MeetingId, SiteId, &[Invitee])],
    params: fn() -> Params,
) -> Result<(), StoreError> {
    let numbered: Vec<(MeetingId, SiteId, i64, &Invitee)> = meetings
        .iter()
        .flat_map(|(id, site, invitees)| (0..).zip(invitees.iter()).map(move |(position, i)| (*id, *site, position, i)))
        .collect();
    for chunk in numbered.chunks(INVITEES_PER_INSERT) {
        let mut p = params();
        let rows: Vec<String> = chunk
            .iter()
            .map(|(id, site, position, i)| {
                let values = [
                    Value::int(*id),
                    Value::int(*site),
                    Value::int(*position),
                    Value::text(&i.name),
                    Value::text(lc(&i.email)),
                    Value::text(&i.role),
                ];
                format!("({})", p.add_list(values))
            })
            .collect();
        let sql = format!(
            "INSERT INTO meeting_invitees (meeting_id, site_id, position, name, email_lc, role) VALUES {}",
            rows.join(", ")
        );
        bind_all(sqlx::query(&sql), p.0).execute(&mut *conn).await.map_err(db)?;
    }
    Ok(())
}

/// Reads the invitees of `meetings` into them, in position order. `chosen` is a query for the
/// ids of exactly these meetings (the one that found them, run again in the same snapshot), so
/// that any number of meetings takes one statement with few parameters.
async fn attach_invitees(
    conn: &mut AnyConnection,
    meetings: &mut [Meeting],
    chosen: &str,
    params: Vec<Value>,
) -> Result<(), StoreError> {
    let index: HashMap<MeetingId, usize> = meetings.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    let sql = format!(
        "SELECT meeting_id, name, email_lc, role FROM meeting_invitees WHERE meeting_id IN ({chosen}) \
         ORDER BY meeting_id, position"
    );
    let rows = bind_all(sqlx::query(&sql), params).fetch_all(&mut *conn).await.map_err(db)?;
    for row in &rows {
        let id: MeetingId = get(row, "meeting_id")?;
        let at = *index.get(&id).ok_or_else(|| corrupt("meeting_invitees", format!("unasked meeting {id}")))?;
        meetings[at].invitees.push(Invitee {
            name: get(row, "name")?,
            email: get(row, "email_lc")?,
            role: get(row, "role")?,
        });
    }
    Ok(())
}

/// Meetings whose invitees are read in one statement (bounded: SQLite allows 32,766 parameters).
const INVITEE_BATCH: usize = 1000;

/// A meeting ready to insert, converted to columns beforehand: a value the database cannot hold
/// fails at once, and the insert can wait in SQLite's group-commit queue (see `group_commit`).
pub(crate) struct NewMeeting {
    site: SiteId,
    key: i64,
    reserved_at: i64,
    values: [Value; 42],
    invitees: Vec<Invitee>,
    /// Licence decisions stored with the meeting, tied to its id once it has one.
    decisions: Vec<LicenseDecision>,
    /// Changes for webhooks stored with the meeting, tied to its id once it has one.
    changes: Vec<ChangeEvent>,
}

impl NewMeeting {
    pub(crate) fn new(m: &Meeting, decisions: &[LicenseDecision], changes: &[ChangeEvent]) -> Result<Self, StoreError> {
        Ok(NewMeeting {
            decisions: decisions.to_vec(),
            changes: changes.to_vec(),
            site: m.site_id,
            key: key_to_db(m.meeting_key)?,
            reserved_at: ms(m.created_at),
            values: meeting_values(m)?,
            invitees: m.invitees.clone(),
        })
    }

    /// Inserts the meeting and reserves its key inside the caller's transaction: a key ever used,
    /// by any site, is a conflict, found before anything is written.
    pub(crate) async fn insert(self, conn: &mut AnyConnection) -> Result<MeetingId, StoreError> {
        let reserved = sqlx::query(
            "INSERT INTO meeting_keys (key, site_id, reserved_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
        )
        .bind(self.key)
        .bind(self.site)
        .bind(self.reserved_at)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
        if reserved.rows_affected() == 0 {
            return Err(StoreError::Conflict(ConflictOn::MeetingKey));
        }
        let q = bind_all(sqlx::query(&INSERT_SQL).bind(self.site).bind(self.key), self.values);
        let id: MeetingId = get(&q.fetch_one(&mut *conn).await.map_err(db)?, "id")?;
        insert_invitees(conn, self.site, id, &self.invitees).await?;
        let decisions: Vec<LicenseDecision> = self.decisions.into_iter().map(|d| tied_to(d, id)).collect();
        crate::license_log::insert_decisions_in(conn, &decisions, Params::default).await?;
        insert_changes(conn, &self.changes, Some(id), None).await?;
        Ok(id)
    }

    /// Inserts all of `meetings` inside the caller's transaction with a few statements for the
    /// whole batch (keys, rows, invitees), instead of several per meeting: on SQLite each
    /// statement is a round trip to the driver's worker thread, and those round trips, not
    /// SQLite's own work, were most of a meeting insert's time on the single writer.
    ///
    /// A meeting whose key is taken (by an earlier meeting or by another of the batch) gets a
    /// `Conflict` and the others go on. `Ok(None)` means a statement failed for a reason that
    /// cannot be pinned on one meeting: nothing of the batch is left written, and the caller
    /// inserts them one by one to find out which.
    /// SQLite only (its statements use `?` placeholders).
    pub(crate) async fn insert_many(
        conn: &mut AnyConnection,
        meetings: &[NewMeeting],
    ) -> Result<Option<Vec<Result<MeetingId, StoreError>>>, StoreError> {
        conn.execute("SAVEPOINT meeting_batch").await.map_err(db)?;
        match Self::insert_many_unguarded(conn, meetings).await {
            Ok(outcomes) => {
                conn.execute("RELEASE meeting_batch").await.map_err(db)?;
                Ok(Some(outcomes))
            }
            Err(e) => {
                tracing::debug!(error = %e, "batched meeting insert failed; inserting one by one");
                conn.execute("ROLLBACK TO meeting_batch").await.map_err(db)?;
                conn.execute("RELEASE meeting_batch").await.map_err(db)?;
                Ok(None)
            }
        }
    }

    async fn insert_many_unguarded(
        conn: &mut AnyConnection,
        meetings: &[NewMeeting],
    ) -> Result<Vec<Result<MeetingId, StoreError>>, StoreError> {
        let mut p = Params::anonymous();
        let rows: Vec<String> = meetings
            .iter()
            .map(|m| format!("({})", p.add_list([Value::int(m.key), Value::int(m.site), Value::int(m.reserved_at)])))
            .collect();
        let sql = format!(
            "INSERT INTO meeting_keys (key, site_id, reserved_at) VALUES {} ON CONFLICT (key) DO NOTHING RETURNING key",
            rows.join(", ")
        );
        let reserved: Vec<i64> = bind_all(sqlx::query(&sql), p.0)
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?
            .iter()
            .map(|row| get(row, "key"))
            .collect::<Result<_, _>>()?;
        // The first meeting of the batch naming a reserved key owns it; any other is a conflict.
        let mut unclaimed: std::collections::HashSet<i64> = reserved.into_iter().collect();
        let owners: Vec<bool> = meetings.iter().map(|m| unclaimed.remove(&m.key)).collect();
        let mut ids: HashMap<i64, MeetingId> = HashMap::new();
        if owners.iter().any(|owns| *owns) {
            let mut p = Params::anonymous();
            let rows: Vec<String> = meetings
                .iter()
                .zip(&owners)
                .filter(|(_, owns)| **owns)
                .map(|(m, _)| {
                    let head = [Value::int(m.site), Value::int(m.key)];
                    format!("({})", p.add_list(head.into_iter().chain(m.values.iter().cloned())))
                })
                .collect();
            let sql = format!(
                "INSERT INTO meetings (site_id, meeting_key, {}) VALUES {} RETURNING id, meeting_key",
                WRITE_COLUMNS.join(", "),
                rows.join(", ")
            );
            for row in bind_all(sqlx::query(&sql), p.0).fetch_all(&mut *conn).await.map_err(db)? {
                ids.insert(get(&row, "meeting_key")?, get(&row, "id")?);
            }
        }
        let mut outcomes = Vec::with_capacity(meetings.len());
        let mut invitees: Vec<(MeetingId, SiteId, &[Invitee])> = Vec::new();
        let mut decisions: Vec<LicenseDecision> = Vec::new();
        let mut changes: Vec<ChangeEvent> = Vec::new();
        for (m, owns) in meetings.iter().zip(owners) {
            let id = if owns { ids.get(&m.key).copied() } else { None };
            match id {
                Some(id) => {
                    if !m.invitees.is_empty() {
                        invitees.push((id, m.site, &m.invitees));
                    }
                    decisions.extend(m.decisions.iter().cloned().map(|d| tied_to(d, id)));
                    changes.extend(m.changes.iter().cloned().map(|mut c| {
                        c.meeting_id = id;
                        c
                    }));
                    outcomes.push(Ok(id));
                }
                None if owns => return Err(StoreError::Backend("a batched meeting insert returned no id".into())),
                None => outcomes.push(Err(StoreError::Conflict(ConflictOn::MeetingKey))),
            }
        }
        insert_invitees_of_many(conn, &invitees, Params::anonymous).await?;
        crate::license_log::insert_decisions_in(conn, &decisions, Params::anonymous).await?;
        // Bounded statements: SQLite allows 32,766 parameters (8 per change).
        for chunk in changes.chunks(1000) {
            insert_changes(conn, chunk, None, None).await?;
        }
        Ok(outcomes)
    }
}

/// `d` as the decision about the stored meeting `id`.
fn tied_to(mut d: LicenseDecision, id: MeetingId) -> LicenseDecision {
    d.meeting_id = Some(id);
    d
}

/// The `WHERE` clause of a listing: live meetings of `site` that match `q`.
/// A single meeting: one occurrence (its series ends one duration after its start), not changed on
/// its own. Repeating series are all the others (the exact complement); they are read through the
/// partial twin of the (site, host, start) index (migration 0011), which must be named by the very
/// same predicate text for SQLite to use it.
const SINGLE: &str = "series_end_ms = start_ms + duration_minutes * 60000 AND exceptions = '[]'";
const REPEATING: &str =
    "(series_end_ms IS NULL OR series_end_ms <> start_ms + duration_minutes * 60000 OR exceptions <> '[]')";

/// Where a listing's rows come from: the site's meetings, those its users host, or those they are
/// alternate hosts of (invitees with role HOST, matched by email).
#[derive(Clone, Copy)]
enum ListSource<'a> {
    Site,
    Hosted(&'a [(UserId, String)]),
    AlternateHosts(&'a [(UserId, String)]),
}

/// The sources a listing reads, by its hosts and the role asked for.
fn list_sources(q: &MeetingQuery) -> Vec<ListSource<'_>> {
    match (&q.hosts, q.role) {
        (None, _) => vec![ListSource::Site],
        (Some(hosts), _) if hosts.is_empty() => Vec::new(),
        (Some(hosts), Some(HostRole::Host)) => vec![ListSource::Hosted(hosts)],
        (Some(hosts), Some(HostRole::AlternateHost)) => vec![ListSource::AlternateHosts(hosts)],
        (Some(hosts), None) => vec![ListSource::Hosted(hosts), ListSource::AlternateHosts(hosts)],
    }
}

/// The WHERE clause of a listing from `source`, its parameters added to `p` in order.
fn list_filter(site: SiteId, source: ListSource<'_>, q: &MeetingQuery, p: &mut Params) -> Result<String, StoreError> {
    let site = p.add(Value::int(site));
    let mut clause = match source {
        ListSource::Site => format!("site_id = {site}"),
        ListSource::Hosted(hosts) => {
            let ids = p.add_list(hosts.iter().map(|(id, _)| Value::int(*id)));
            format!("site_id = {site} AND host_id IN ({ids})")
        }
        // Invitee rows carry their meeting's site; the literal role lets both engines use the
        // partial index of alternate hosts.
        ListSource::AlternateHosts(hosts) => {
            let emails = p.add_list(hosts.iter().map(|(_, email)| Value::text(lc(email))));
            format!(
                "id IN (SELECT meeting_id FROM meeting_invitees \
                 WHERE site_id = {site} AND role = 'HOST' AND email_lc IN ({emails}))"
            )
        }
    };
    match q.shape {
        None => {}
        Some(Shape::Single) => clause.push_str(&format!(" AND {SINGLE}")),
        Some(Shape::Repeating) => clause.push_str(&format!(" AND {REPEATING}")),
    }
    clause.push_str(" AND deleted_at IS NULL");
    if !q.kinds.is_empty() {
        let kinds = p.add_list(q.kinds.iter().map(|k| Value::text(k.as_str())));
        clause.push_str(&format!(" AND kind IN ({kinds})"));
    }
    if let Some(key) = q.meeting_key {
        clause.push_str(&format!(" AND meeting_key = {}", p.add(Value::int(key_to_db(key)?))));
    }
    if let Some(uuid) = &q.uuid {
        clause.push_str(&format!(" AND uuid = {}", p.add(Value::text(lc(uuid)))));
    }
    // Series that overlap [from, to]: started by `to`, and not ended before `from`.
    if let Some(to) = q.to {
        clause.push_str(&format!(" AND start_ms <= {}", p.add(Value::int(ms(to)))));
    }
    if let Some(from) = q.from {
        clause.push_str(&format!(" AND (series_end_ms IS NULL OR series_end_ms >= {})", p.add(Value::int(ms(from)))));
    }
    // After the cursor in (start, id) order; the first half is a range the index can seek to.
    if let Some((start, id)) = q.after {
        let start = ms(start);
        clause.push_str(&format!(
            " AND start_ms >= {} AND (start_ms > {} OR id > {})",
            p.add(Value::int(start)),
            p.add(Value::int(start)),
            p.add(Value::int(id))
        ));
    }
    Ok(clause)
}

impl SqlStore {
    /// Stores `m` live (its `id` and `deleted_at` are not written) with its invitees, and reserves
    /// its key, in one transaction of three statements; on SQLite, a transaction shared with the
    /// inserts queued at the same time (see `group_commit`).
    pub(crate) async fn insert_meeting_impl(
        &self,
        m: &Meeting,
        decisions: &[LicenseDecision],
        changes: &[ChangeEvent],
    ) -> Result<MeetingId, StoreError> {
        let new = NewMeeting::new(m, decisions, changes)?;
        if let Some(group) = &self.group_commit {
            return group.insert(new).await;
        }
        let mut w = self.write().await?;
        let result = new.insert(w.conn()).await;
        w.finish(result).await
    }

    /// Replaces the live meeting `m.id`; with `unless_changed`, only while its revision is still
    /// `m.revision` (Stale otherwise).
    pub(crate) async fn update_meeting_checked_impl(
        &self,
        m: &Meeting,
        mails: &[Mail],
        changes: &[ChangeEvent],
        unless_changed: bool,
    ) -> Result<(), StoreError> {
        let values = meeting_values(m)?;
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            let updated = if unless_changed {
                let q = bind_all(sqlx::query(&UPDATE_UNLESS_CHANGED_SQL).bind(m.id).bind(m.site_id), values);
                q.bind(m.revision).execute(&mut *conn).await
            } else {
                bind_all(sqlx::query(&UPDATE_SQL).bind(m.id).bind(m.site_id), values).execute(&mut *conn).await
            };
            if updated.map_err(db)?.rows_affected() == 0 {
                return Err(if unless_changed && self.is_live(conn, m).await? {
                    StoreError::Stale
                } else {
                    StoreError::Missing
                });
            }
            sqlx::query("DELETE FROM meeting_invitees WHERE meeting_id = $1")
                .bind(m.id)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
            insert_invitees(conn, m.site_id, m.id, &m.invitees).await?;
            insert_mails(conn, mails).await?;
            insert_changes(conn, changes, None, None).await
        }
        .await;
        w.finish(result).await
    }

    /// Whether the meeting `m.id` of its site is stored and not deleted.
    async fn is_live(&self, conn: &mut sqlx::AnyConnection, m: &Meeting) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT id FROM meetings WHERE id = $1 AND site_id = $2 AND deleted_at IS NULL")
            .bind(m.id)
            .bind(m.site_id)
            .fetch_optional(conn)
            .await
            .map_err(db)?;
        Ok(row.is_some())
    }

    pub(crate) async fn delete_meeting_impl(
        &self,
        site: SiteId,
        id: MeetingId,
        at: DateTime<Utc>,
        changes: &[ChangeEvent],
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            let done = sqlx::query(
                "UPDATE meetings SET deleted_at = $1 WHERE id = $2 AND site_id = $3 AND deleted_at IS NULL",
            )
            .bind(ms(at))
            .bind(id)
            .bind(site)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Missing);
            }
            insert_changes(conn, changes, None, None).await
        }
        .await;
        w.finish(result).await
    }

    /// The live meeting of `site` whose `column` equals `value`.
    pub(crate) async fn live_meeting_where(
        &self,
        site: SiteId,
        column: &str,
        value: Value,
    ) -> Result<Option<Meeting>, StoreError> {
        let mut p = Params::default();
        let filter =
            format!("site_id = {} AND {column} = {} AND deleted_at IS NULL", p.add(Value::int(site)), p.add(value));
        Ok(self.meetings_where(&filter, p, 1).await?.pop())
    }

    pub(crate) async fn meeting_by_calendar_token_impl(
        &self,
        site: SiteId,
        token: &str,
    ) -> Result<Option<Meeting>, StoreError> {
        let mut p = Params::default();
        // Two index lookups (an OR here would make SQLite scan the site).
        let filter = format!(
            "id IN (SELECT id FROM meetings WHERE site_id = {} AND uuid = {} \
             UNION ALL SELECT id FROM meetings WHERE site_id = {} AND host_token = {})",
            p.add(Value::int(site)),
            p.add(Value::text(lc(token))),
            p.add(Value::int(site)),
            p.add(Value::text(token))
        );
        Ok(self.meetings_where(&filter, p, 1).await?.pop())
    }

    /// `limit == 0` asks for nothing and gets nothing. A host's meetings are read in two index
    /// range scans (hosted, alternate-hosted) merged in order, so that a page costs what it
    /// returns, not what the host has (an `id IN (... UNION ...)` would collect every id first).
    /// From one source, `offset` is skipped in the statement: through the index alone when it
    /// holds every column the filter needs (the live single meetings, migration 0027); merged
    /// from two, each reads `offset + limit` and the merge skips.
    pub(crate) async fn list_meetings_impl(&self, site: SiteId, q: &MeetingQuery) -> Result<Vec<Meeting>, StoreError> {
        let sources = match list_sources(q) {
            _ if q.limit == 0 => return Ok(Vec::new()),
            sources => sources,
        };
        let (limit, offset) = match sources.as_slice() {
            [_] => (i64::from(q.limit), i64::from(q.offset)),
            _ => (i64::from(q.limit) + i64::from(q.offset), 0),
        };
        let mut tx = self.snapshot().await?;
        let mut meetings = Vec::new();
        for source in sources {
            let mut p = Params::default();
            let filter = list_filter(site, source, q, &mut p)?;
            let limit = p.add(Value::int(limit));
            let columns: &str = &SELECT_COLUMNS;
            let sql = if offset == 0 {
                format!("SELECT {columns} FROM meetings WHERE {filter} ORDER BY start_ms, id LIMIT {limit}")
            } else {
                // The rows skipped are chosen by id alone, so that skipping them reads no row.
                let offset = p.add(Value::int(offset));
                format!(
                    "SELECT {columns} FROM meetings WHERE id IN (SELECT id FROM meetings WHERE {filter} \
                     ORDER BY start_ms, id LIMIT {limit} OFFSET {offset}) ORDER BY start_ms, id"
                )
            };
            let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&mut *tx).await.map_err(db)?;
            for row in &rows {
                meetings.push(meeting_from_row(row)?);
            }
        }
        meetings.sort_by_key(|m| (m.start, m.id));
        meetings.dedup_by_key(|m| m.id);
        if offset == 0 {
            meetings.drain(..meetings.len().min(usize::try_from(q.offset).unwrap_or(usize::MAX)));
        }
        meetings.truncate(usize::try_from(q.limit).unwrap_or(usize::MAX));
        for chunk in meetings.chunks_mut(INVITEE_BATCH) {
            let mut p = Params::default();
            let ids = p.add_list(chunk.iter().map(|m| Value::int(m.id)));
            attach_invitees(&mut tx, chunk, &ids, p.0).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(meetings)
    }

    /// How many live meetings match `q` (its `limit` and `offset` aside), counted in one statement;
    /// a meeting both hosted and alternate-hosted by the listed hosts counts once.
    pub(crate) async fn count_meetings_impl(&self, site: SiteId, q: &MeetingQuery) -> Result<u64, StoreError> {
        let mut p = Params::default();
        let filter = match list_sources(q).as_slice() {
            [] => return Ok(0),
            [source] => list_filter(site, *source, q, &mut p)?,
            sources => {
                let mut parts = Vec::new();
                for source in sources {
                    parts.push(format!("SELECT id FROM meetings WHERE {}", list_filter(site, *source, q, &mut p)?));
                }
                format!("id IN ({})", parts.join(" UNION "))
            }
        };
        let sql = format!("SELECT COUNT(*) AS n FROM meetings WHERE {filter}");
        let mut tx = self.snapshot().await?;
        let row = bind_all(sqlx::query(&sql), p.0).fetch_one(&mut *tx).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        get_num(&row, "n")
    }

    /// At most `limit` meetings matching `filter` (whose parameters `p` holds) with their
    /// invitees, by start then id, read in one snapshot.
    async fn meetings_where(&self, filter: &str, mut p: Params, limit: u32) -> Result<Vec<Meeting>, StoreError> {
        let limit = p.add(Value::int(i64::from(limit)));
        let chosen = |columns: &str| {
            format!("SELECT {columns} FROM meetings WHERE {filter} ORDER BY start_ms, id LIMIT {limit}")
        };
        let mut tx = self.snapshot().await?;
        let rows =
            bind_all(sqlx::query(&chosen(&SELECT_COLUMNS)), p.0.clone()).fetch_all(&mut *tx).await.map_err(db)?;
        let mut meetings = rows.iter().map(meeting_from_row).collect::<Result<Vec<_>, _>>()?;
        if !meetings.is_empty() {
            attach_invitees(&mut tx, &mut meetings, &chosen("id"), p.0).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(meetings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back() {
        for s in [SessionStatus::NotInProgress, SessionStatus::InProgress] {
            assert_eq!(session_status(s.wire()), Some(s));
        }
        assert_eq!(session_status("LATE"), None);
    }

    #[test]
    fn listing_filters_are_numbered_in_order() {
        let q = MeetingQuery {
            kinds: vec![SessionKind::Meeting, SessionKind::Event],
            hosts: Some(vec![(7, "A@X.org".into())]),
            meeting_key: Some(123),
            from: DateTime::from_timestamp_millis(1),
            to: DateTime::from_timestamp_millis(2),
            shape: Some(Shape::Single),
            after: Some((DateTime::from_timestamp_millis(5).unwrap(), 9)),
            limit: 5,
            ..MeetingQuery::default()
        };
        let hosts = q.hosts.clone().unwrap();
        let mut p = Params::default();
        let clause = list_filter(3, ListSource::Hosted(&hosts), &q, &mut p).expect("filter");
        assert_eq!(
            clause,
            "site_id = $1 AND host_id IN ($2) AND series_end_ms = start_ms + duration_minutes * 60000 \
             AND exceptions = '[]' AND deleted_at IS NULL AND kind IN ($3, $4) AND meeting_key = $5 AND start_ms <= $6 \
             AND (series_end_ms IS NULL OR series_end_ms >= $7) AND start_ms >= $8 AND (start_ms > $9 OR id > $10)"
        );
        assert_eq!(p.0.len(), 10);
        let mut p = Params::default();
        let q = MeetingQuery { shape: Some(Shape::Repeating), after: None, meeting_key: None, ..q };
        let clause = list_filter(3, ListSource::AlternateHosts(&hosts), &q, &mut p).expect("filter");
        assert!(clause.starts_with(
            "id IN (SELECT meeting_id FROM meeting_invitees WHERE site_id = $1 AND role = 'HOST' AND email_lc IN ($2)) \
             AND (series_end_ms IS NULL OR series_end_ms <> start_ms + duration_minutes * 60000 OR exceptions <> '[]')"
        ));
        assert!(matches!(&p.0[1], Value::Text(Some(e)) if e == "a@x.org"));
    }
}
