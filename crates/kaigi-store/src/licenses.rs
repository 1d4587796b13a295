//! Licence plans and host seats.

use chrono::{DateTime, Utc};
use kaigi_core::error::StoreError;
use kaigi_core::model::{DatedPlan, SeatChange, SeatPeriod, SiteId, UserId};
use sqlx::AnyConnection;

use crate::codec::{bind, get, get_json, get_num, get_opt_time, get_time, json, ms};
use crate::errors::db;
use crate::{Engine, SqlStore};

impl SqlStore {
    pub(crate) async fn add_license_plan_impl(&self, site: SiteId, plan: &DatedPlan) -> Result<(), StoreError> {
        let doc = json(&plan.plan, "licence plan")?;
        let mut w = self.write().await?;
        let q = sqlx::query("INSERT INTO license_plans (site_id, effective_from, plan) VALUES ($1, $2, $3)")
            .bind(site)
            .bind(ms(plan.effective_from));
        let result = bind(q, doc).execute(w.conn()).await.map(|_| ()).map_err(db);
        w.finish(result).await
    }

    pub(crate) async fn license_plans_impl(&self, site: SiteId) -> Result<Vec<DatedPlan>, StoreError> {
        let rows = sqlx::query(
            "SELECT effective_from, plan FROM license_plans WHERE site_id = $1 ORDER BY effective_from, id",
        )
        .bind(site)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| Ok(DatedPlan { effective_from: get_time(r, "effective_from")?, plan: get_json(r, "plan")? }))
            .collect()
    }

    pub(crate) async fn seats_held_impl(&self, site: SiteId) -> Result<u32, StoreError> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM license_assignments WHERE site_id = $1 AND released_at IS NULL")
                .bind(site)
                .fetch_one(&self.pool)
                .await
                .map_err(db)?;
        get_num(&row, "n")
    }

    pub(crate) async fn seat_history_impl(&self, site: SiteId) -> Result<Vec<SeatPeriod>, StoreError> {
        let rows = sqlx::query(
            "SELECT user_id, assigned_at, released_at FROM license_assignments \
             WHERE site_id = $1 ORDER BY assigned_at, id",
        )
        .bind(site)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(SeatPeriod {
                    user_id: get(r, "user_id")?,
                    assigned_at: get_time(r, "assigned_at")?,
                    released_at: get_opt_time(r, "released_at")?,
                })
            })
            .collect()
    }
}

/// PostgreSQL: locks the site row until the transaction ends, so that concurrent seat-taking
/// writes (from any instance) count seats one after the other. SQLite writers are already serial.
pub(crate) async fn lock_site(engine: Engine, conn: &mut AnyConnection, site: SiteId) -> Result<(), StoreError> {
    if engine == Engine::Postgres {
        sqlx::query("SELECT id FROM sites WHERE id = $1 FOR UPDATE")
            .bind(site)
            .fetch_optional(conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

/// Whether this change takes a seat (and so must lock the site first).
pub(crate) fn takes_seat(seat: &SeatChange) -> bool {
    seat.after && !seat.before
}

/// Records `seat` for `user` at `at` and enforces its limit; call after `lock_site` when the change
/// takes a seat.
pub(crate) async fn apply_seat_change(
    conn: &mut AnyConnection,
    site: SiteId,
    user: UserId,
    seat: SeatChange,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    if takes_seat(&seat) {
        // At most one open period per user, even if the caller's `before` was stale.
        sqlx::query(
            "INSERT INTO license_assignments (site_id, user_id, assigned_at) \
             SELECT $1, $2, $3 WHERE NOT EXISTS \
             (SELECT 1 FROM license_assignments WHERE user_id = $2 AND released_at IS NULL)",
        )
        .bind(site)
        .bind(user)
        .bind(ms(at))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    } else if seat.before && !seat.after {
        sqlx::query("UPDATE license_assignments SET released_at = $1 WHERE user_id = $2 AND released_at IS NULL")
            .bind(ms(at))
            .bind(user)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    if let Some(limit) = seat.limit {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM license_assignments WHERE site_id = $1 AND released_at IS NULL")
                .bind(site)
                .fetch_one(&mut *conn)
                .await
                .map_err(db)?;
        if get::<i64>(&row, "n")? > i64::from(limit) {
            return Err(StoreError::SeatLimit(limit));
        }
    }
    Ok(())
}
