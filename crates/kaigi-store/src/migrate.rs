//! A tiny migrator: numbered SQL files per engine, embedded in the binary, each applied once in
//! its own transaction and recorded in `kaigi_migrations`.
//!
//! PostgreSQL instances starting together queue on a transaction-scoped advisory lock, so exactly
//! one applies each migration and the others see it recorded. SQLite writers are serialized by
//! the store's write path (mutex + `BEGIN IMMEDIATE`).

use kaigi_core::error::StoreError;

use crate::codec::get;
use crate::errors::{db, OpenError};
use crate::{Engine, SqlStore};

struct Migration {
    version: i64,
    sql: &'static str,
}

const SQLITE: &[Migration] = &[
    Migration { version: 1, sql: include_str!("../migrations/sqlite/0001_init.sql") },
    Migration { version: 2, sql: include_str!("../migrations/sqlite/0002_meetings.sql") },
    Migration { version: 3, sql: include_str!("../migrations/sqlite/0003_attendees.sql") },
    Migration { version: 4, sql: include_str!("../migrations/sqlite/0004_activity.sql") },
    Migration { version: 5, sql: include_str!("../migrations/sqlite/0005_tokens.sql") },
    Migration { version: 6, sql: include_str!("../migrations/sqlite/0006_license_decisions.sql") },
    Migration { version: 7, sql: include_str!("../migrations/sqlite/0007_participant_tokens.sql") },
    Migration { version: 8, sql: include_str!("../migrations/sqlite/0008_integrations.sql") },
    Migration { version: 9, sql: include_str!("../migrations/sqlite/0009_occurrence_exceptions.sql") },
    Migration { version: 10, sql: include_str!("../migrations/sqlite/0010_meeting_preferences.sql") },
    Migration { version: 11, sql: include_str!("../migrations/sqlite/0011_repeating_series_index.sql") },
    Migration { version: 13, sql: include_str!("../migrations/sqlite/0013_meeting_revision.sql") },
    Migration { version: 14, sql: include_str!("../migrations/sqlite/0014_join_failures.sql") },
    Migration { version: 15, sql: include_str!("../migrations/sqlite/0015_credential_epoch.sql") },
    Migration { version: 16, sql: include_str!("../migrations/sqlite/0016_oauth_code_tokens.sql") },
    Migration { version: 20, sql: include_str!("../migrations/sqlite/0020_meeting_conduct.sql") },
    Migration { version: 21, sql: include_str!("../migrations/sqlite/0021_recordings_recycle_bin.sql") },
    Migration { version: 22, sql: include_str!("../migrations/sqlite/0022_webhooks.sql") },
    Migration { version: 24, sql: include_str!("../migrations/sqlite/0024_outbox_delivery.sql") },
    Migration { version: 25, sql: include_str!("../migrations/sqlite/0025_admin_audit.sql") },
    Migration { version: 26, sql: include_str!("../migrations/sqlite/0026_usage_counts.sql") },
    Migration { version: 27, sql: include_str!("../migrations/sqlite/0027_single_meetings_index.sql") },
    Migration { version: 28, sql: include_str!("../migrations/sqlite/0028_lobby.sql") },
    Migration { version: 29, sql: include_str!("../migrations/sqlite/0029_meeting_chats.sql") },
];

const POSTGRES: &[Migration] = &[
    Migration { version: 1, sql: include_str!("../migrations/postgres/0001_init.sql") },
    Migration { version: 2, sql: include_str!("../migrations/postgres/0002_meetings.sql") },
    Migration { version: 3, sql: include_str!("../migrations/postgres/0003_attendees.sql") },
    Migration { version: 4, sql: include_str!("../migrations/postgres/0004_activity.sql") },
    Migration { version: 5, sql: include_str!("../migrations/postgres/0005_tokens.sql") },
    Migration { version: 6, sql: include_str!("../migrations/postgres/0006_license_decisions.sql") },
    Migration { version: 7, sql: include_str!("../migrations/postgres/0007_participant_tokens.sql") },
    Migration { version: 8, sql: include_str!("../migrations/postgres/0008_integrations.sql") },
    Migration { version: 9, sql: include_str!("../migrations/postgres/0009_occurrence_exceptions.sql") },
    Migration { version: 10, sql: include_str!("../migrations/postgres/0010_meeting_preferences.sql") },
    Migration { version: 11, sql: include_str!("../migrations/postgres/0011_repeating_series_index.sql") },
    Migration { version: 13, sql: include_str!("../migrations/postgres/0013_meeting_revision.sql") },
    Migration { version: 14, sql: include_str!("../migrations/postgres/0014_join_failures.sql") },
    Migration { version: 15, sql: include_str!("../migrations/postgres/0015_credential_epoch.sql") },
    Migration { version: 16, sql: include_str!("../migrations/postgres/0016_oauth_code_tokens.sql") },
    Migration { version: 20, sql: include_str!("../migrations/postgres/0020_meeting_conduct.sql") },
    Migration { version: 21, sql: include_str!("../migrations/postgres/0021_recordings_recycle_bin.sql") },
    Migration { version: 22, sql: include_str!("../migrations/postgres/0022_webhooks.sql") },
    Migration { version: 24, sql: include_str!("../migrations/postgres/0024_outbox_delivery.sql") },
    Migration { version: 25, sql: include_str!("../migrations/postgres/0025_admin_audit.sql") },
    Migration { version: 26, sql: include_str!("../migrations/postgres/0026_usage_counts.sql") },
    Migration { version: 27, sql: include_str!("../migrations/postgres/0027_single_meetings_index.sql") },
    Migration { version: 28, sql: include_str!("../migrations/postgres/0028_lobby.sql") },
    Migration { version: 29, sql: include_str!("../migrations/postgres/0029_meeting_chats.sql") },
];

/// Advisory lock class taken while migrating ("kaig" in ASCII); the second key is the schema's
/// hash, so stores in different schemas of one database do not wait for each other.
pub(crate) const MIGRATION_LOCK: i32 = 0x6b61_6967;

const CREATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS kaigi_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)";

/// Applies what is missing; returns the versions applied now (empty when up to date).
pub(crate) async fn run(store: &SqlStore) -> Result<Vec<i64>, OpenError> {
    let migrations = match store.engine {
        Engine::Sqlite => SQLITE,
        Engine::Postgres => POSTGRES,
    };
    let mut applied = Vec::new();
    for m in migrations {
        let fail = |e: StoreError| OpenError::Migrate { version: m.version, why: e.to_string() };
        if apply(store, m).await.map_err(fail)? {
            tracing::info!(version = m.version, "applied database migration");
            applied.push(m.version);
        }
    }
    Ok(applied)
}

/// Applies one migration unless it is recorded; Ok(true) when it was applied now.
async fn apply(store: &SqlStore, m: &Migration) -> Result<bool, StoreError> {
    let mut w = store.write().await?;
    let result = async {
        let conn = w.conn();
        if store.engine == Engine::Postgres {
            sqlx::query("SELECT 1 AS locked FROM pg_advisory_xact_lock($1, hashtext(current_schema()))")
                .bind(MIGRATION_LOCK)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
        }
        sqlx::query(CREATE_TABLE).execute(&mut *conn).await.map_err(db)?;
        let row = sqlx::query("SELECT COUNT(*) AS n FROM kaigi_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_one(&mut *conn)
            .await
            .map_err(db)?;
        if get::<i64>(&row, "n")? > 0 {
            return Ok(false);
        }
        sqlx::raw_sql(m.sql).execute(&mut *conn).await.map_err(db)?;
        sqlx::query("INSERT INTO kaigi_migrations (version, applied_at) VALUES ($1, $2)")
            .bind(m.version)
            .bind(chrono::Utc::now().timestamp_millis())
            .execute(&mut *conn)
            .await
            .map_err(db)?;
        Ok(true)
    }
    .await;
    w.finish(result).await
}

/// The recorded migrations, oldest first: (version, applied_at in unix milliseconds).
pub(crate) async fn recorded(store: &SqlStore) -> Result<Vec<(i64, i64)>, StoreError> {
    let rows = sqlx::query("SELECT version, applied_at FROM kaigi_migrations ORDER BY version")
        .fetch_all(&store.pool)
        .await
        .map_err(db)?;
    rows.iter().map(|r| Ok((get(r, "version")?, get(r, "applied_at")?))).collect()
}
