//! The licence decision log (the [`LicenseLogStore`] port): decisions appended in batches, the
//! monthly roll-up of hosts kept in the same transaction, and the report's queries, each served
//! by an index (see migrations 0006).
//!
//! Nearly every booking and every host join records a decision. On SQLite, where one write
//! transaction runs at a time, concurrent callers' decisions go through a queue to one writer task
//! that writes whatever is queued in one transaction (like the meeting inserts' group commit), so
//! recording them does not cost each booking a transaction of its own. Callers are answered once
//! the COMMIT succeeded; when it fails, every caller of that transaction gets the error.

use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use kaigi_core::error::StoreError;
use kaigi_core::model::{ExceptionCount, HostMonth, LicenseAction, LicenseDecision, LicenseOutcome, Month, SiteId};
use kaigi_core::ports::LicenseLogStore;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool};
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::codec::{bind_all, get, get_num, get_time, key_to_db, ms, Params, Value};
use crate::errors::{corrupt, db};
use crate::SqlStore;

/// The most callers' decisions one transaction takes.
const MAX_CALLERS: usize = 64;

type Pending = (Vec<LicenseDecision>, oneshot::Sender<Result<(), StoreError>>);

/// Licence decisions this process recorded, by outcome: five counters, read by the metrics.
#[derive(Debug, Default)]
pub(crate) struct DecisionCounts([AtomicU64; 5]);

impl DecisionCounts {
    const NAMES: [&'static str; 5] = ["allowed", "allowed_counted", "auto_assigned", "refused", "violation"];

    fn add(&self, decisions: &[LicenseDecision]) {
        for d in decisions {
            let i = match d.outcome {
                LicenseOutcome::Allowed => 0,
                LicenseOutcome::AllowedCounted => 1,
                LicenseOutcome::AutoAssigned => 2,
                LicenseOutcome::Refused => 3,
                LicenseOutcome::Violation => 4,
            };
            self.0[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn snapshot(&self) -> [(&'static str, u64); 5] {
        std::array::from_fn(|i| (Self::NAMES[i], self.0[i].load(Ordering::Relaxed)))
    }
}

/// The queue to the SQLite decision writer, which ends when the last clone is dropped.
#[derive(Clone)]
pub(crate) struct DecisionWriter {
    queue: mpsc::Sender<Pending>,
}

impl DecisionWriter {
    /// Callers' batches waiting for the writer task.
    pub(crate) fn queued(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }

    pub(crate) fn spawn(pool: AnyPool, write_lock: std::sync::Arc<Mutex<()>>) -> Self {
        let (queue, pending) = mpsc::channel(1024);
        tokio::spawn(write_queued(pending, pool, write_lock));
        DecisionWriter { queue }
    }

    async fn record(&self, decisions: Vec<LicenseDecision>) -> Result<(), StoreError> {
        let stopped = || StoreError::Backend("the SQLite decision writer has stopped".into());
        let (reply, done) = oneshot::channel();
        self.queue.send((decisions, reply)).await.map_err(|_| stopped())?;
        done.await.map_err(|_| stopped())?
    }
}

async fn write_queued(mut pending: mpsc::Receiver<Pending>, pool: AnyPool, write_lock: std::sync::Arc<Mutex<()>>) {
    let mut batch: Vec<Pending> = Vec::with_capacity(MAX_CALLERS);
    // Monthly hosts this writer has stored: rows are never removed, so they need no second upsert.
    let mut known = Known::new();
    while pending.recv_many(&mut batch, MAX_CALLERS).await > 0 {
        let turn = write_lock.lock().await;
        while batch.len() < MAX_CALLERS {
            let Ok(more) = pending.try_recv() else { break };
            batch.push(more);
        }
        let (lists, replies): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        let all: Vec<LicenseDecision> = lists.into_iter().flatten().collect();
        let outcome = async {
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
            insert_decisions(&mut tx, &all, &known, Params::anonymous).await?;
            tx.commit().await.map_err(db)
        }
        .await;
        drop(turn);
        if outcome.is_ok() {
            if known.len() > MAX_KNOWN_HOST_MONTHS {
                known.clear();
            }
            known.extend(all.iter().filter(|d| d.counts_as_hosting()).map(|d| (d.site_id, d.month, d.person.clone())));
        }
        for reply in replies {
            let _ = reply.send(outcome.as_ref().map(|_| ()).map_err(|e| StoreError::Backend(e.to_string())));
        }
        tokio::task::yield_now().await;
    }
}

/// Appends `decisions` and their monthly hosts inside the caller's transaction (a meeting
/// insert's), with placeholders from `params` (anonymous for SQLite-only statements, see
/// [`Params::anonymous`]).
pub(crate) async fn insert_decisions_in(
    conn: &mut AnyConnection,
    decisions: &[LicenseDecision],
    params: fn() -> Params,
) -> Result<(), StoreError> {
    if decisions.is_empty() {
        return Ok(());
    }
    insert_decisions(conn, decisions, &Known::new(), params).await
}

/// (site, month, person) of monthly-host rows known to be stored.
type Known = std::collections::HashSet<(SiteId, Month, String)>;
/// Most entries of `Known` kept before it starts afresh.
const MAX_KNOWN_HOST_MONTHS: usize = 200_000;

/// Appends `decisions` and their monthly hosts (but those in `known`) on `conn`, inside the
/// caller's transaction.
async fn insert_decisions(
    conn: &mut AnyConnection,
    decisions: &[LicenseDecision],
    known: &Known,
    params: fn() -> Params,
) -> Result<(), StoreError> {
    for chunk in decisions.chunks(ROWS_PER_INSERT) {
        let mut p = params();
        let mut rows = Vec::with_capacity(chunk.len());
        for d in chunk {
            rows.push(format!("({})", p.add_list(decision_values(d)?)));
        }
        let sql = format!(
            "INSERT INTO license_decisions (site_id, at, month, action, outcome, person, user_id, meeting_id, \
             meeting_key, booking_name, booked_by, requester, plan, reason) VALUES {}",
            rows.join(", ")
        );
        bind_all(sqlx::query(&sql), p.0).execute(&mut *conn).await.map_err(db)?;
        let mut p = params();
        let mut seen = std::collections::HashSet::new();
        let hosts: Vec<String> = chunk
            .iter()
            .filter(|d| d.counts_as_hosting() && seen.insert((d.site_id, d.month, d.person.as_str())))
            .filter(|d| !known.contains(&(d.site_id, d.month, d.person.clone())))
            .map(|d| {
                let values = [
                    Value::int(d.site_id),
                    Value::int(i64::from(d.month)),
                    Value::text(d.person.clone()),
                    Value::Int(d.user_id),
                ];
                format!("({})", p.add_list(values))
            })
            .collect();
        if !hosts.is_empty() {
            let sql = format!(
                "INSERT INTO license_host_months (site_id, month, person, user_id) VALUES {} \
                 ON CONFLICT (site_id, month, person) DO NOTHING",
                hosts.join(", ")
            );
            bind_all(sqlx::query(&sql), p.0).execute(&mut *conn).await.map_err(db)?;
        }
    }
    Ok(())
}

const COLUMNS: &str = "id, site_id, at, month, action, outcome, person, user_id, meeting_id, meeting_key, \
     booking_name, booked_by, requester, plan, reason";
/// Rows per INSERT statement: 14 parameters each stays under SQLite's oldest limit of 999.
const ROWS_PER_INSERT: usize = 64;

fn action(row: &AnyRow) -> Result<LicenseAction, StoreError> {
    let s: String = get(row, "action")?;
    LicenseAction::parse(&s).ok_or_else(|| corrupt("licence action", &s))
}

fn outcome(row: &AnyRow) -> Result<LicenseOutcome, StoreError> {
    let s: String = get(row, "outcome")?;
    LicenseOutcome::parse(&s).ok_or_else(|| corrupt("licence outcome", &s))
}

fn decision_from_row(row: &AnyRow) -> Result<LicenseDecision, StoreError> {
    let key: Option<i64> = get(row, "meeting_key")?;
    Ok(LicenseDecision {
        id: get(row, "id")?,
        site_id: get(row, "site_id")?,
        at: get_time(row, "at")?,
        month: get_num(row, "month")?,
        action: action(row)?,
        outcome: outcome(row)?,
        person: get(row, "person")?,
        user_id: get(row, "user_id")?,
        meeting_id: get(row, "meeting_id")?,
        meeting_key: key.map(|k| u64::try_from(k).map_err(|_| corrupt("meeting key", k))).transpose()?,
        booking_name: get(row, "booking_name")?,
        booked_by: get(row, "booked_by")?,
        requester: get(row, "requester")?,
        plan: get(row, "plan")?,
        reason: get(row, "reason")?,
    })
}

fn decision_values(d: &LicenseDecision) -> Result<Vec<Value>, StoreError> {
    Ok(vec![
        Value::int(d.site_id),
        Value::int(ms(d.at)),
        Value::int(i64::from(d.month)),
        Value::text(d.action.as_str()),
        Value::text(d.outcome.as_str()),
        Value::text(d.person.clone()),
        Value::Int(d.user_id),
        Value::Int(d.meeting_id),
        Value::Int(d.meeting_key.map(key_to_db).transpose()?),
        Value::text(d.booking_name.clone()),
        Value::Text(d.booked_by.clone()),
        Value::Text(d.requester.clone()),
        Value::text(d.plan.clone()),
        Value::text(d.reason.clone()),
    ])
}

impl SqlStore {
    async fn fetch_decisions(&self, sql: &str, params: Params) -> Result<Vec<LicenseDecision>, StoreError> {
        let rows = bind_all(sqlx::query(sql), params.0).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(decision_from_row).collect()
    }
}

#[async_trait]
impl LicenseLogStore for SqlStore {
    async fn record_license_decisions(&self, decisions: &[LicenseDecision]) -> Result<(), StoreError> {
        if decisions.is_empty() {
            return Ok(());
        }
        let recorded = if let Some(writer) = &self.decision_writer {
            writer.record(decisions.to_vec()).await
        } else {
            let mut w = self.write().await?;
            let result = insert_decisions(w.conn(), decisions, &Known::new(), Params::default).await;
            w.finish(result).await
        };
        if recorded.is_ok() {
            self.decisions_recorded.add(decisions);
        }
        recorded
    }

    async fn license_host_months(&self, site: SiteId, from: Month, to: Month) -> Result<Vec<HostMonth>, StoreError> {
        let rows = sqlx::query(
            "SELECT month, person, user_id FROM license_host_months \
             WHERE site_id = $1 AND month >= $2 AND month <= $3 ORDER BY month, person",
        )
        .bind(site)
        .bind(i64::from(from))
        .bind(i64::from(to))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(HostMonth { month: get_num(r, "month")?, person: get(r, "person")?, user_id: get(r, "user_id")? })
            })
            .collect()
    }

    async fn license_exception_counts(
        &self,
        site: SiteId,
        from: Month,
        to: Month,
    ) -> Result<Vec<ExceptionCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT month, action, outcome, COUNT(*) AS n FROM license_decisions \
             WHERE site_id = $1 AND month >= $2 AND month <= $3 AND outcome IN ('refused', 'violation') \
             GROUP BY month, action, outcome ORDER BY month, action, outcome",
        )
        .bind(site)
        .bind(i64::from(from))
        .bind(i64::from(to))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(ExceptionCount {
                    month: get_num(r, "month")?,
                    action: action(r)?,
                    outcome: outcome(r)?,
                    count: get_num(r, "n")?,
                })
            })
            .collect()
    }

    async fn license_exceptions(
        &self,
        site: SiteId,
        from: Month,
        to: Month,
        limit: u32,
    ) -> Result<Vec<LicenseDecision>, StoreError> {
        let mut p = Params::default();
        let sql = format!(
            "SELECT {COLUMNS} FROM license_decisions WHERE site_id = {} AND month >= {} AND month <= {} \
             AND outcome IN ('refused', 'violation') ORDER BY month, at, id LIMIT {}",
            p.add(Value::int(site)),
            p.add(Value::int(i64::from(from))),
            p.add(Value::int(i64::from(to))),
            p.add(Value::int(i64::from(limit))),
        );
        self.fetch_decisions(&sql, p).await
    }

    async fn license_shared_bookings(
        &self,
        site: SiteId,
        from: Month,
        to: Month,
        min_requesters: u32,
        limit: u32,
    ) -> Result<Vec<LicenseDecision>, StoreError> {
        let mut p = Params::default();
        let (s, f, t) = (p.add(Value::int(site)), p.add(Value::int(i64::from(from))), p.add(Value::int(i64::from(to))));
        let min = p.add(Value::int(i64::from(min_requesters)));
        let lim = p.add(Value::int(i64::from(limit)));
        let sql = format!(
            "SELECT {cols} FROM license_decisions d JOIN ( \
               SELECT month AS m, person AS p FROM license_decisions \
               WHERE site_id = {s} AND month >= {f} AND month <= {t} \
               AND requester IS NOT NULL AND action = 'schedule' AND outcome <> 'refused' \
               GROUP BY month, person HAVING COUNT(DISTINCT requester) >= {min}) g \
             ON d.month = g.m AND d.person = g.p \
             WHERE d.site_id = {s} AND d.requester IS NOT NULL AND d.action = 'schedule' AND d.outcome <> 'refused' \
             ORDER BY d.month, d.person, d.at, d.id LIMIT {lim}",
            cols = COLUMNS.split(", ").map(|c| format!("d.{c}")).collect::<Vec<_>>().join(", "),
        );
        self.fetch_decisions(&sql, p).await
    }

    async fn recent_license_decisions(&self, site: SiteId, limit: u32) -> Result<Vec<LicenseDecision>, StoreError> {
        let mut p = Params::default();
        let sql = format!(
            "SELECT {COLUMNS} FROM license_decisions WHERE site_id = {} ORDER BY id DESC LIMIT {}",
            p.add(Value::int(site)),
            p.add(Value::int(i64::from(limit)))
        );
        self.fetch_decisions(&sql, p).await
    }
}
