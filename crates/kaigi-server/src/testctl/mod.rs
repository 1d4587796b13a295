//! The test-double controls under `/_kaigi/…` (clock, faults, journal, outbox, reset and
//! snapshots; see docs/testing-with-kaigi.md). Mounted only with `--test-controls`,
//! `KAIGI_TEST_CONTROLS=1` or `--demo`; without them every one of these paths is a 404.

pub mod faults;
pub mod journal;
mod wire;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use kaigi_core::error::StoreError;
use kaigi_core::ports::{AdjustableClock, StateStore, Store};

/// The snapshot `/_kaigi/reset` goes back to, taken once the seeded state is in place.
pub const SEED_SNAPSHOT: &str = "kaigi_seed";

pub struct Controls {
    clock: Arc<AdjustableClock>,
    store: Arc<dyn Store>,
    state: Arc<dyn StateStore>,
    faults: Mutex<faults::Faults>,
    journal: Mutex<journal::Journal>,
    /// Reset, snapshot and restore one at a time.
    state_turn: tokio::sync::Mutex<()>,
}

impl Controls {
    /// `clock` must be the clock the served Kaigi reads; `store` and `state` the store it writes.
    pub fn new(
        clock: Arc<AdjustableClock>,
        store: Arc<dyn Store>,
        state: Arc<dyn StateStore>,
        journal_size: usize,
    ) -> Self {
        Self {
            clock,
            store,
            state,
            faults: Mutex::new(faults::Faults::default()),
            journal: Mutex::new(journal::Journal::new(journal_size)),
            state_turn: tokio::sync::Mutex::new(()),
        }
    }

    /// Keeps the present state as the one `/_kaigi/reset` returns to.
    pub async fn keep_seed(&self) -> Result<(), StoreError> {
        let _turn = self.state_turn.lock().await;
        self.state.save_snapshot(SEED_SNAPSHOT).await
    }

    fn faults(&self) -> MutexGuard<'_, faults::Faults> {
        self.faults.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn journal(&self) -> MutexGuard<'_, journal::Journal> {
        self.journal.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn journal_size(&self) -> usize {
        self.journal().size()
    }
}

/// The control routes, and the faults-and-journal layer around `app` (everything else).
pub fn mount(app: Router, controls: Arc<Controls>) -> Router {
    let routes = Router::new()
        .route("/_kaigi/clock", get(wire::clock_get).put(wire::clock_put))
        .route("/_kaigi/faults", get(wire::faults_get).put(wire::faults_put).delete(wire::faults_delete))
        .route("/_kaigi/journal", get(wire::journal_get).delete(wire::journal_delete))
        .route("/_kaigi/outbox", get(wire::outbox_list).delete(wire::outbox_delete))
        .route("/_kaigi/outbox/{id}", get(wire::outbox_one))
        .route("/_kaigi/reset", post(wire::reset))
        .route("/_kaigi/snapshots", get(wire::snapshots_list).post(wire::snapshot_save))
        .route("/_kaigi/snapshots/{name}/restore", post(wire::snapshot_restore))
        .with_state(controls.clone());
    app.merge(routes).layer(from_fn_with_state(controls, wire::layer))
}
