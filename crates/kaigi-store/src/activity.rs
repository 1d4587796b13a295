//! What happens in sessions (the [`ActivityStore`] port): participants, lifecycle events, usage
//! and attendee history, recordings. Ending a session writes all of its history in one
//! transaction, so a session is either running or fully in history.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaigi_core::error::StoreError;
use kaigi_core::model::{
    AttendeeRecord, ChangeEvent, EventKind, MeetingId, Participant, ParticipantId, ParticipantRecord, Recording,
    RecordingEntry, RecordingMove, Role, SessionEnd, SessionEvent, SessionKind, SessionState, SiteId, UsageRecord,
    WebhookEvent, WebhookResource,
};
use kaigi_core::ports::ActivityStore;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use crate::codec::{big, bind_all, get, get_flag, get_num, get_opt_time, get_time, key_to_db, ms, opt_ms, Value};
use crate::errors::{corrupt, db};
use crate::webhooks::insert_changes;
use crate::SqlStore;

const PARTICIPANT_COLUMNS: &str =
    "id, meeting_id, site_id, name, email, user_id, role, joined_at, left_at, ip_address, client_agent, token_hash, \
     in_lobby";
const EVENT_COLUMNS: &str = "id, meeting_id, site_id, kind, participant_id, user_id, email, name, at";
const USAGE_COLUMNS: &str = "id, site_id, meeting_id, meeting_key, uuid, conf_id, name, kind, host_id, start_ms, \
     end_ms, duration_minutes, total_participants, total_people_minutes";
const ATTENDEE_COLUMNS: &str = "id, site_id, usage_id, meeting_id, name, email, role, joined_at, left_at, \
     duration_minutes, ip_address, client_agent";
const RECORDING_COLUMNS: &str = "id, site_id, meeting_id, meeting_key, meeting_uuid, conf_id, host_id, kind, name, description, created_at, duration_s, size_kb, \
     format, stream_url, file_url, password, recording_uuid, deleted_at";

fn role(row: &AnyRow) -> Result<Role, StoreError> {
    let s: String = get(row, "role")?;
    Role::parse(&s).ok_or_else(|| corrupt("participant role", &s))
}

impl SqlStore {
    /// Runs one UPDATE in the writer; Missing when it changed no row (the participant is not
    /// in the state the statement asks for).
    async fn update_exactly_one<'q>(
        &self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = async {
            let done = q.execute(&mut *w.conn()).await.map_err(db)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Missing);
            }
            Ok(())
        }
        .await;
        w.finish(result).await
    }
}

fn participant_from_row(row: &AnyRow) -> Result<Participant, StoreError> {
    Ok(Participant {
        id: get(row, "id")?,
        meeting_id: get(row, "meeting_id")?,
        site_id: get(row, "site_id")?,
        name: get(row, "name")?,
        email: get(row, "email")?,
        user_id: get(row, "user_id")?,
        role: role(row)?,
        joined_at: get_time(row, "joined_at")?,
        left_at: get_opt_time(row, "left_at")?,
        ip_address: get(row, "ip_address")?,
        client_agent: get(row, "client_agent")?,
        token_hash: get(row, "token_hash")?,
        in_lobby: get_flag(row, "in_lobby")?,
    })
}

fn event_from_row(row: &AnyRow) -> Result<SessionEvent, StoreError> {
    let kind: String = get(row, "kind")?;
    Ok(SessionEvent {
        id: get(row, "id")?,
        meeting_id: get(row, "meeting_id")?,
        site_id: get(row, "site_id")?,
        kind: EventKind::parse(&kind).ok_or_else(|| corrupt("event kind", &kind))?,
        participant_id: get(row, "participant_id")?,
        user_id: get(row, "user_id")?,
        email: get(row, "email")?,
        name: get(row, "name")?,
        at: get_time(row, "at")?,
    })
}

fn usage_from_row(row: &AnyRow) -> Result<UsageRecord, StoreError> {
    let kind: String = get(row, "kind")?;
    Ok(UsageRecord {
        id: get(row, "id")?,
        site_id: get(row, "site_id")?,
        meeting_id: get(row, "meeting_id")?,
        meeting_key: get_num(row, "meeting_key")?,
        uuid: get(row, "uuid")?,
        conf_id: get_num(row, "conf_id")?,
        name: get(row, "name")?,
        kind: SessionKind::parse(&kind).ok_or_else(|| corrupt("session kind", &kind))?,
        host_id: get(row, "host_id")?,
        start: get_time(row, "start_ms")?,
        end: get_time(row, "end_ms")?,
        duration_minutes: get_num(row, "duration_minutes")?,
        total_participants: get_num(row, "total_participants")?,
        total_people_minutes: get_num(row, "total_people_minutes")?,
    })
}

fn attendee_from_row(row: &AnyRow) -> Result<AttendeeRecord, StoreError> {
    Ok(AttendeeRecord {
        id: get(row, "id")?,
        site_id: get(row, "site_id")?,
        usage_id: get(row, "usage_id")?,
        meeting_id: get(row, "meeting_id")?,
        name: get(row, "name")?,
        email: get(row, "email")?,
        role: role(row)?,
        joined_at: get_time(row, "joined_at")?,
        left_at: get_time(row, "left_at")?,
        duration_minutes: get_num(row, "duration_minutes")?,
        ip_address: get(row, "ip_address")?,
        client_agent: get(row, "client_agent")?,
    })
}

fn recording_from_row(row: &AnyRow) -> Result<Recording, StoreError> {
    let kind: String = get(row, "kind")?;
    Ok(Recording {
        id: get(row, "id")?,
        site_id: get(row, "site_id")?,
        meeting_id: get(row, "meeting_id")?,
        meeting_key: get_num(row, "meeting_key")?,
        meeting_uuid: get(row, "meeting_uuid")?,
        conf_id: get_num(row, "conf_id")?,
        host_id: get(row, "host_id")?,
        kind: SessionKind::parse(&kind).ok_or_else(|| corrupt("session kind", &kind))?,
        name: get(row, "name")?,
        description: get(row, "description")?,
        created_at: get_time(row, "created_at")?,
        duration_s: get_num(row, "duration_s")?,
        size_kb: get_num(row, "size_kb")?,
        format: get(row, "format")?,
        stream_url: get(row, "stream_url")?,
        file_url: get(row, "file_url")?,
        password: get(row, "password")?,
        recording_uuid: get(row, "recording_uuid")?,
        deleted_at: get_opt_time(row, "deleted_at")?,
    })
}

async fn set_state(conn: &mut AnyConnection, s: &SessionState) -> Result<(), StoreError> {
    let q = sqlx::query(
        "UPDATE meetings SET status = $1, host_joined = $2, participants_joined = $3, updated_at = $4 \
         WHERE id = $5 AND site_id = $6 AND deleted_at IS NULL",
    );
    let values = [
        Value::text(s.status.wire()),
        Value::flag(s.host_joined),
        Value::flag(s.participants_joined),
        Value::int(ms(s.at)),
        Value::int(s.meeting_id),
        Value::int(s.site_id),
    ];
    if bind_all(q, values).execute(&mut *conn).await.map_err(db)?.rows_affected() == 0 {
        return Err(StoreError::Missing);
    }
    Ok(())
}

async fn insert_events(
    conn: &mut AnyConnection,
    events: &[SessionEvent],
    participant: Option<ParticipantId>,
) -> Result<(), StoreError> {
    for e in events {
        let q = sqlx::query(
            "INSERT INTO session_events (meeting_id, site_id, kind, participant_id, user_id, email, name, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        );
        let values = [
            Value::int(e.meeting_id),
            Value::int(e.site_id),
            Value::text(e.kind.as_str()),
            Value::Int(e.participant_id.or(participant)),
            Value::Int(e.user_id),
            Value::text(&e.email),
            Value::text(&e.name),
            Value::int(ms(e.at)),
        ];
        bind_all(q, values).execute(&mut *conn).await.map_err(db)?;
    }
    Ok(())
}

async fn insert_recording(conn: &mut AnyConnection, r: &Recording) -> Result<i64, StoreError> {
    let q = sqlx::query(
        "INSERT INTO recordings (site_id, meeting_id, meeting_key, meeting_uuid, conf_id, host_id, kind, name, \
         description, created_at, duration_s, size_kb, format, stream_url, file_url, password, recording_uuid, \
         deleted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
    );
    let values = [
        Value::int(r.site_id),
        Value::int(r.meeting_id),
        Value::int(key_to_db(r.meeting_key)?),
        Value::text(&r.meeting_uuid),
        Value::int(big(r.conf_id, "conference id")?),
        Value::int(r.host_id),
        Value::text(r.kind.as_str()),
        Value::text(&r.name),
        Value::text(&r.description),
        Value::int(ms(r.created_at)),
        Value::int(i64::from(r.duration_s)),
        Value::int(big(r.size_kb, "recording size")?),
        Value::text(&r.format),
        Value::text(&r.stream_url),
        Value::text(&r.file_url),
        Value::Text(r.password.clone()),
        Value::text(&r.recording_uuid),
        opt_ms(r.deleted_at),
    ];
    let row = bind_all(q, values).fetch_one(&mut *conn).await.map_err(db)?;
    get(&row, "id")
}

fn participant_record_from_row(row: &AnyRow) -> Result<ParticipantRecord, StoreError> {
    Ok(ParticipantRecord {
        participant: participant_from_row(row)?,
        usage_id: get(row, "usage_id")?,
        muted: get_flag(row, "muted")?,
    })
}

impl SqlStore {
    async fn end_session_tx(conn: &mut AnyConnection, end: &SessionEnd) -> Result<i64, StoreError> {
        set_state(conn, &end.state).await?;
        let u = &end.usage;
        let q = sqlx::query(
            "INSERT INTO usage_history (site_id, meeting_id, meeting_key, uuid, conf_id, name, kind, host_id, \
             start_ms, end_ms, duration_minutes, total_participants, total_people_minutes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        );
        let values = [
            Value::int(u.site_id),
            Value::int(u.meeting_id),
            Value::int(key_to_db(u.meeting_key)?),
            Value::text(&u.uuid),
            Value::int(big(u.conf_id, "conference id")?),
            Value::text(&u.name),
            Value::text(u.kind.as_str()),
            Value::int(u.host_id),
            Value::int(ms(u.start)),
            Value::int(ms(u.end)),
            Value::int(i64::from(u.duration_minutes)),
            Value::int(i64::from(u.total_participants)),
            Value::int(i64::from(u.total_people_minutes)),
        ];
        let row = bind_all(q, values).fetch_one(&mut *conn).await.map_err(db)?;
        let usage_id: i64 = get(&row, "id")?;
        for a in &end.attendees {
            let q = sqlx::query(
                "INSERT INTO attendee_history (site_id, usage_id, meeting_id, name, email, role, joined_at, left_at, \
                 duration_minutes, ip_address, client_agent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            );
            let values = [
                Value::int(a.site_id),
                Value::int(usage_id),
                Value::int(a.meeting_id),
                Value::text(&a.name),
                Value::text(&a.email),
                Value::text(a.role.wire()),
                Value::int(ms(a.joined_at)),
                Value::int(ms(a.left_at)),
                Value::int(i64::from(a.duration_minutes)),
                Value::text(&a.ip_address),
                Value::text(&a.client_agent),
            ];
            bind_all(q, values).execute(&mut *conn).await.map_err(db)?;
        }
        // Who is still in the session now, inside this transaction: a `left` change the core
        // built for someone who left meanwhile (and got one of their own) is not written twice.
        let still_in: Vec<i64> = sqlx::query(
            "SELECT id FROM participants \
             WHERE site_id = $1 AND meeting_id = $2 AND usage_id IS NULL AND left_at IS NULL",
        )
        .bind(u.site_id)
        .bind(u.meeting_id)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?
        .iter()
        .map(|r| get(r, "id"))
        .collect::<Result<_, _>>()?;
        sqlx::query(
            "UPDATE participants SET left_at = COALESCE(left_at, $1), usage_id = $2 \
             WHERE site_id = $3 AND meeting_id = $4 AND usage_id IS NULL",
        )
        .bind(ms(u.end))
        .bind(usage_id)
        .bind(u.site_id)
        .bind(u.meeting_id)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
        // The session's chat becomes the ended instance's, with its participants.
        sqlx::query(
            "UPDATE meeting_chats SET usage_id = $1 WHERE site_id = $2 AND meeting_id = $3 AND usage_id IS NULL",
        )
        .bind(usage_id)
        .bind(u.site_id)
        .bind(u.meeting_id)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
        let recording = match &end.recording {
            Some(r) => Some(insert_recording(conn, r).await?),
            None => None,
        };
        insert_events(conn, &end.events, None).await?;
        let changes: Vec<ChangeEvent> = end
            .changes
            .iter()
            .filter(|c| {
                let left = c.resource == WebhookResource::MeetingParticipants && c.event == WebhookEvent::Left;
                !left || still_in.contains(&c.subject_id)
            })
            .cloned()
            .collect();
        insert_changes(conn, &changes, None, recording).await?;
        Ok(usage_id)
    }
}

#[async_trait]
impl ActivityStore for SqlStore {
    async fn site_of_meeting_key(&self, key: u64) -> Result<Option<SiteId>, StoreError> {
        let row = sqlx::query("SELECT site_id FROM meeting_keys WHERE key = $1")
            .bind(key_to_db(key)?)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(|r| get(&r, "site_id")).transpose()
    }

    async fn record_join(
        &self,
        state: &SessionState,
        p: &Participant,
        events: &[SessionEvent],
        changes: &[ChangeEvent],
    ) -> Result<ParticipantId, StoreError> {
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            set_state(conn, state).await?;
            let q = sqlx::query(
                "INSERT INTO participants (meeting_id, site_id, name, email, user_id, role, joined_at, left_at, \
                 ip_address, client_agent, token_hash, in_lobby) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 RETURNING id",
            );
            let values = [
                Value::int(p.meeting_id),
                Value::int(p.site_id),
                Value::text(&p.name),
                Value::text(&p.email),
                Value::Int(p.user_id),
                Value::text(p.role.wire()),
                Value::int(ms(p.joined_at)),
                opt_ms(p.left_at),
                Value::text(&p.ip_address),
                Value::text(&p.client_agent),
                Value::text(&p.token_hash),
                Value::int(i64::from(p.in_lobby)),
            ];
            let row = bind_all(q, values).fetch_one(&mut *conn).await.map_err(db)?;
            let id: i64 = get(&row, "id")?;
            insert_events(conn, events, Some(id)).await?;
            insert_changes(conn, changes, None, Some(id)).await?;
            Ok(id)
        }
        .await;
        let joined = w.finish(result).await;
        self.forget_meetings(state.site_id).await;
        joined
    }

    async fn participant(&self, site: SiteId, id: ParticipantId) -> Result<Option<Participant>, StoreError> {
        let sql = format!("SELECT {PARTICIPANT_COLUMNS} FROM participants WHERE site_id = $1 AND id = $2");
        let row = sqlx::query(&sql).bind(site).bind(id).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(participant_from_row).transpose()
    }

    async fn session_participants(&self, site: SiteId, meeting: MeetingId) -> Result<Vec<Participant>, StoreError> {
        let sql = format!(
            "SELECT {PARTICIPANT_COLUMNS} FROM participants \
             WHERE site_id = $1 AND meeting_id = $2 AND usage_id IS NULL ORDER BY joined_at, id"
        );
        let rows = sqlx::query(&sql).bind(site).bind(meeting).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(participant_from_row).collect()
    }

    async fn record_leave(
        &self,
        site: SiteId,
        id: ParticipantId,
        event: &SessionEvent,
        changes: &[ChangeEvent],
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            let done =
                sqlx::query("UPDATE participants SET left_at = $1 WHERE site_id = $2 AND id = $3 AND left_at IS NULL")
                    .bind(ms(event.at))
                    .bind(site)
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Missing);
            }
            insert_events(conn, std::slice::from_ref(event), Some(id)).await?;
            insert_changes(conn, changes, None, None).await
        }
        .await;
        w.finish(result).await
    }

    async fn record_event(&self, event: &SessionEvent) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = insert_events(w.conn(), std::slice::from_ref(event), None).await;
        w.finish(result).await
    }

    async fn session_events(&self, site: SiteId, meeting: MeetingId) -> Result<Vec<SessionEvent>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM session_events WHERE site_id = $1 AND meeting_id = $2 ORDER BY at, id"
        );
        let rows = sqlx::query(&sql).bind(site).bind(meeting).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(event_from_row).collect()
    }

    async fn end_session(&self, end: &SessionEnd) -> Result<i64, StoreError> {
        let mut w = self.write().await?;
        let result = Self::end_session_tx(w.conn(), end).await;
        let ended = w.finish(result).await;
        self.forget_meetings(end.state.site_id).await;
        ended
    }

    async fn live_counts(&self) -> Result<(u64, u64), StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM meetings WHERE status = 'INPROGRESS' AND deleted_at IS NULL) AS sessions, \
                    (SELECT COUNT(*) FROM participants WHERE usage_id IS NULL AND left_at IS NULL) AS people",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let sessions: i64 = get(&row, "sessions")?;
        let people: i64 = get(&row, "people")?;
        Ok((u64::try_from(sessions).unwrap_or(0), u64::try_from(people).unwrap_or(0)))
    }

    async fn usage_history(&self, site: SiteId) -> Result<Vec<UsageRecord>, StoreError> {
        let sql = format!("SELECT {USAGE_COLUMNS} FROM usage_history WHERE site_id = $1 ORDER BY start_ms, id");
        let rows = sqlx::query(&sql).bind(site).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(usage_from_row).collect()
    }

    async fn attendee_history(&self, site: SiteId) -> Result<Vec<AttendeeRecord>, StoreError> {
        let sql = format!("SELECT {ATTENDEE_COLUMNS} FROM attendee_history WHERE site_id = $1 ORDER BY joined_at, id");
        let rows = sqlx::query(&sql).bind(site).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(attendee_from_row).collect()
    }

    async fn recordings(&self, site: SiteId) -> Result<Vec<Recording>, StoreError> {
        let sql = format!(
            "SELECT {RECORDING_COLUMNS} FROM recordings WHERE site_id = $1 AND deleted_at IS NULL \
             AND recycled_at IS NULL ORDER BY created_at DESC, id DESC"
        );
        let rows = sqlx::query(&sql).bind(site).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(recording_from_row).collect()
    }

    async fn update_recording(&self, r: &Recording) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = async {
            let q = sqlx::query(
                "UPDATE recordings SET name = $1, description = $2, password = $3 \
                 WHERE site_id = $4 AND id = $5 AND deleted_at IS NULL AND recycled_at IS NULL",
            );
            let values = [
                Value::text(&r.name),
                Value::text(&r.description),
                Value::Text(r.password.clone()),
                Value::int(r.site_id),
                Value::int(r.id),
            ];
            if bind_all(q, values).execute(&mut *w.conn()).await.map_err(db)?.rows_affected() == 0 {
                return Err(StoreError::Missing);
            }
            Ok(())
        }
        .await;
        w.finish(result).await
    }

    async fn delete_recording(
        &self,
        site: SiteId,
        id: i64,
        at: DateTime<Utc>,
        changes: &[ChangeEvent],
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = async {
            let done = sqlx::query(
                "UPDATE recordings SET deleted_at = $1 \
                 WHERE site_id = $2 AND id = $3 AND deleted_at IS NULL AND recycled_at IS NULL",
            )
            .bind(ms(at))
            .bind(site)
            .bind(id)
            .execute(&mut *w.conn())
            .await
            .map_err(db)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Missing);
            }
            insert_changes(w.conn(), changes, None, None).await
        }
        .await;
        w.finish(result).await
    }

    async fn join_failures(&self, meeting: MeetingId, window_from: DateTime<Utc>) -> Result<u32, StoreError> {
        let row = sqlx::query("SELECT failures FROM join_failures WHERE meeting_id = $1 AND window_start > $2")
            .bind(meeting)
            .bind(ms(window_from))
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map_or(Ok(0), |r| get_num(&r, "failures"))
    }

    async fn count_join_failure(
        &self,
        meeting: MeetingId,
        at: DateTime<Utc>,
        window_from: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let mut w = self.write().await?;
        // One statement, under the row's lock: parallel failures (from any instance) each count.
        let result = sqlx::query(
            "INSERT INTO join_failures (meeting_id, window_start, failures) VALUES ($1, $2, 1) \
             ON CONFLICT (meeting_id) DO UPDATE SET \
               failures = CASE WHEN join_failures.window_start <= $3 THEN 1 ELSE join_failures.failures + 1 END, \
               window_start = CASE WHEN join_failures.window_start <= $3 THEN $2 ELSE join_failures.window_start END \
             RETURNING failures",
        )
        .bind(meeting)
        .bind(ms(at))
        .bind(ms(window_from))
        .fetch_one(w.conn())
        .await
        .map_err(db)
        .and_then(|r| get_num(&r, "failures"));
        w.finish(result).await
    }

    async fn participant_records(
        &self,
        site: SiteId,
        meeting: MeetingId,
    ) -> Result<Vec<ParticipantRecord>, StoreError> {
        let sql = format!(
            "SELECT {PARTICIPANT_COLUMNS}, usage_id, muted FROM participants \
             WHERE site_id = $1 AND meeting_id = $2 ORDER BY joined_at, id"
        );
        let rows = sqlx::query(&sql).bind(site).bind(meeting).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(participant_record_from_row).collect()
    }

    async fn participant_record(
        &self,
        site: SiteId,
        id: ParticipantId,
    ) -> Result<Option<ParticipantRecord>, StoreError> {
        let sql =
            format!("SELECT {PARTICIPANT_COLUMNS}, usage_id, muted FROM participants WHERE site_id = $1 AND id = $2");
        let row = sqlx::query(&sql).bind(site).bind(id).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(participant_record_from_row).transpose()
    }

    async fn set_participant_muted(&self, site: SiteId, id: ParticipantId, muted: bool) -> Result<(), StoreError> {
        let q = sqlx::query(
            "UPDATE participants SET muted = $1 \
             WHERE site_id = $2 AND id = $3 AND left_at IS NULL AND usage_id IS NULL",
        );
        self.update_exactly_one(q.bind(i64::from(muted)).bind(site).bind(id)).await
    }

    async fn admit_participant(&self, site: SiteId, id: ParticipantId) -> Result<(), StoreError> {
        // One update: two hosts admitting at once admit once.
        let q = sqlx::query(
            "UPDATE participants SET in_lobby = 0 \
             WHERE site_id = $1 AND id = $2 AND in_lobby = 1 AND left_at IS NULL AND usage_id IS NULL",
        );
        self.update_exactly_one(q.bind(site).bind(id)).await
    }

    async fn make_participant_host(
        &self,
        site: SiteId,
        id: ParticipantId,
        event: &SessionEvent,
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            let done = sqlx::query(
                "UPDATE participants SET role = $1 \
                 WHERE site_id = $2 AND id = $3 AND role = $4 AND in_lobby = 0 AND left_at IS NULL AND usage_id IS NULL",
            )
            .bind(Role::Host.wire())
            .bind(site)
            .bind(id)
            .bind(Role::Attendee.wire())
            .execute(&mut *conn)
            .await
            .map_err(db)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Missing);
            }
            insert_events(conn, std::slice::from_ref(event), Some(id)).await
        }
        .await;
        w.finish(result).await
    }

    async fn recording_entries(&self, site: SiteId) -> Result<Vec<RecordingEntry>, StoreError> {
        let sql = format!(
            "SELECT {RECORDING_COLUMNS}, recycled_at FROM recordings WHERE site_id = $1 \
             ORDER BY created_at DESC, id DESC"
        );
        let rows = sqlx::query(&sql).bind(site).fetch_all(&self.pool).await.map_err(db)?;
        let shares = sqlx::query("SELECT recording_id, email FROM recording_shares WHERE site_id = $1 ORDER BY email")
            .bind(site)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        let mut shared: Vec<(i64, String)> = Vec::with_capacity(shares.len());
        for row in &shares {
            shared.push((get(row, "recording_id")?, get(row, "email")?));
        }
        rows.iter()
            .map(|row| {
                let recording = recording_from_row(row)?;
                let shared_with =
                    shared.iter().filter(|(id, _)| *id == recording.id).map(|(_, email)| email.clone()).collect();
                Ok(RecordingEntry { recording, recycled_at: get_opt_time(row, "recycled_at")?, shared_with })
            })
            .collect()
    }

    async fn move_recordings(
        &self,
        site: SiteId,
        ids: &[i64],
        movement: RecordingMove,
        at: DateTime<Utc>,
        changes: &[ChangeEvent],
    ) -> Result<(), StoreError> {
        // The time is bound to every statement but Restore's, which clears it.
        let (sql, stamps) = match movement {
            RecordingMove::Recycle => (
                "UPDATE recordings SET recycled_at = $2 \
                 WHERE site_id = $1 AND id = $3 AND deleted_at IS NULL AND recycled_at IS NULL",
                true,
            ),
            RecordingMove::Restore => (
                "UPDATE recordings SET recycled_at = NULL \
                 WHERE site_id = $1 AND id = $2 AND deleted_at IS NULL AND recycled_at IS NOT NULL",
                false,
            ),
            RecordingMove::Purge => (
                "UPDATE recordings SET deleted_at = $2 \
                 WHERE site_id = $1 AND id = $3 AND deleted_at IS NULL AND recycled_at IS NOT NULL",
                true,
            ),
            RecordingMove::Delete => {
                ("UPDATE recordings SET deleted_at = $2 WHERE site_id = $1 AND id = $3 AND deleted_at IS NULL", true)
            }
        };
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            for id in ids {
                let q = sqlx::query(sql).bind(site);
                let q = if stamps { q.bind(ms(at)) } else { q };
                let done = q.bind(*id).execute(&mut *conn).await.map_err(db)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Missing);
                }
            }
            insert_changes(conn, changes, None, None).await
        }
        .await;
        w.finish(result).await
    }

    async fn share_recording(
        &self,
        site: SiteId,
        id: i64,
        add: &[String],
        remove: &[String],
    ) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        let result = async {
            let conn = w.conn();
            let live = sqlx::query("SELECT id FROM recordings WHERE site_id = $1 AND id = $2 AND deleted_at IS NULL")
                .bind(site)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db)?;
            if live.is_none() {
                return Err(StoreError::Missing);
            }
            for email in remove {
                sqlx::query("DELETE FROM recording_shares WHERE recording_id = $1 AND email = $2")
                    .bind(id)
                    .bind(email.as_str())
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
            }
            for email in add {
                sqlx::query(
                    "INSERT INTO recording_shares (recording_id, site_id, email) VALUES ($1, $2, $3) \
                     ON CONFLICT (recording_id, email) DO NOTHING",
                )
                .bind(id)
                .bind(site)
                .bind(email.as_str())
                .execute(&mut *conn)
                .await
                .map_err(db)?;
            }
            Ok(())
        }
        .await;
        w.finish(result).await
    }
}
