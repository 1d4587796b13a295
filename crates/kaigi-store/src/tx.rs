//! Transactions: writes, and read snapshots.
//!
//! SQLite allows one writer at a time: writes in this process take a mutex first and then open the
//! transaction with `BEGIN IMMEDIATE`, so a transaction never has to upgrade a read lock to a
//! write lock (the cause of SQLITE_BUSY that waiting cannot cure); another process writing the
//! same file is waited for by the busy timeout. Batches of meeting inserts take the same mutex
//! (see `group_commit`). PostgreSQL needs no mutex: rows are locked where a rule depends on them
//! (see `licenses::lock_site`).

use kaigi_core::error::StoreError;
use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::MutexGuard;

use crate::errors::db;
use crate::{Engine, SqlStore};

pub(crate) struct WriteTx<'a> {
    tx: Transaction<'static, Any>,
    // Declared after `tx` and released only after commit or rollback.
    _turn: Option<MutexGuard<'a, ()>>,
}

impl SqlStore {
    pub(crate) async fn write(&self) -> Result<WriteTx<'_>, StoreError> {
        match self.engine {
            Engine::Sqlite => {
                let turn = self.write_lock.lock().await;
                let tx = self.write_pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
                Ok(WriteTx { tx, _turn: Some(turn) })
            }
            Engine::Postgres => {
                let tx = self.write_pool.begin().await.map_err(db)?;
                Ok(WriteTx { tx, _turn: None })
            }
        }
    }
}

impl SqlStore {
    /// A read-only transaction whose statements all see one snapshot, for reads of several
    /// statements that must agree (a meeting and its invitees). End it with `commit`.
    pub(crate) async fn snapshot(&self) -> Result<Transaction<'static, Any>, StoreError> {
        let begin = match self.engine {
            // WAL: a deferred transaction reads one snapshot from its first read on, and never
            // blocks the writer.
            Engine::Sqlite => "BEGIN",
            Engine::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        };
        self.pool.begin_with(begin).await.map_err(db)
    }
}

impl WriteTx<'_> {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Commits when `result` is Ok, rolls back otherwise, and passes `result` on.
    pub(crate) async fn finish<T>(self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        let WriteTx { tx, _turn } = self;
        match result {
            Ok(value) => {
                tx.commit().await.map_err(db)?;
                Ok(value)
            }
            Err(e) => {
                if let Err(rollback) = tx.rollback().await {
                    tracing::warn!(error = %rollback, "rollback failed");
                }
                Err(e)
            }
        }
    }
}
