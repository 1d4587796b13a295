//! Usage counts per counter and minute window (table `usage_counts`, [`UsageStore`]), shared by
//! every instance on the database.
//!
//! A claim is one upsert: the window's row is created, or updated under its row lock (PostgreSQL)
//! or the database's write lock (SQLite), and the right-hand sides of `SET` read the row as it was,
//! so `granted` is exactly what this statement added. Parallel claims from any instance or
//! connection therefore never grant more than the limit together.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaigi_core::error::StoreError;
use kaigi_core::ports::UsageStore;

use crate::codec::{get_num, ms};
use crate::errors::db;
use crate::SqlStore;

/// $1 counter, $2 window start, $3 what a new window grants (min(want, limit)), $4 limit, $5 want.
const CLAIM: &str = "INSERT INTO usage_counts (counter, window_start, used, granted) VALUES ($1, $2, $3, $3) \
     ON CONFLICT (counter, window_start) DO UPDATE SET \
       granted = CASE WHEN usage_counts.used >= $4 THEN 0 \
                      WHEN usage_counts.used + $5 > $4 THEN $4 - usage_counts.used \
                      ELSE $5 END, \
       used = CASE WHEN usage_counts.used >= $4 THEN usage_counts.used \
                   WHEN usage_counts.used + $5 > $4 THEN $4 \
                   ELSE usage_counts.used + $5 END \
     RETURNING granted";

#[async_trait]
impl UsageStore for SqlStore {
    async fn claim_usage(
        &self,
        counter: &str,
        window_start: DateTime<Utc>,
        want: u32,
        limit: u32,
    ) -> Result<u32, StoreError> {
        let mut w = self.write().await?;
        let result = sqlx::query(CLAIM)
            .bind(counter.to_string())
            .bind(ms(window_start))
            .bind(i64::from(want.min(limit)))
            .bind(i64::from(limit))
            .bind(i64::from(want))
            .fetch_one(w.conn())
            .await
            .map_err(db)
            .and_then(|row| get_num(&row, "granted"));
        w.finish(result).await
    }

    async fn purge_usage(&self, before: DateTime<Utc>, max: u32) -> Result<u64, StoreError> {
        let mut w = self.write().await?;
        let result = sqlx::query(
            "DELETE FROM usage_counts WHERE (counter, window_start) IN \
             (SELECT counter, window_start FROM usage_counts WHERE window_start < $1 LIMIT $2)",
        )
        .bind(ms(before))
        .bind(i64::from(max))
        .execute(w.conn())
        .await
        .map_err(db)
        .map(|done| done.rows_affected());
        w.finish(result).await
    }
}
