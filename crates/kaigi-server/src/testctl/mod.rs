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
use kaigi_core::Kaigi;

use crate::fixture::{self, Fixture, FixtureError, Loaded, BASE_SNAPSHOT};

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
    /// The served Kaigi, for `POST /_kaigi/fixture` (a 404 without it).
    kaigi: Option<Arc<Kaigi>>,
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
            kaigi: None,
        }
    }

    /// Lets `POST /_kaigi/fixture` load fixtures into `kaigi` (the Kaigi these controls serve).
    pub fn with_kaigi(mut self, kaigi: Arc<Kaigi>) -> Self {
        self.kaigi = Some(kaigi);
        self
    }

    /// Keeps the present state as the one fixtures load on top of (the state before any
    /// fixture); [`fixture::load_at_start`] keeps it too.
    pub async fn keep_base(&self) -> Result<(), StoreError> {
        let _turn = self.state_turn.lock().await;
        self.state.save_snapshot(BASE_SNAPSHOT).await
    }

    /// Replaces the fixture's world: back to the state before any fixture, `fixture` loaded on
    /// top, and that kept as the state `/_kaigi/reset` returns to. A fixture that fails to load
    /// changes nothing (the state reset returned to is put back).
    pub async fn load_fixture(&self, fixture: &Fixture) -> Result<Loaded, FixtureError> {
        let Some(kaigi) = &self.kaigi else {
            return Err(FixtureError::Invalid { entry: "fixture".into(), why: "not served here".into() });
        };
        let _turn = self.state_turn.lock().await;
        let base = match self.state.restore_snapshot(BASE_SNAPSHOT).await {
            Ok(()) => BASE_SNAPSHOT,
            // Controls made without a kept base: the seed is the base.
            Err(StoreError::Missing) => {
                self.state.restore_snapshot(SEED_SNAPSHOT).await?;
                self.state.save_snapshot(BASE_SNAPSHOT).await?;
                BASE_SNAPSHOT
            }
            Err(e) => return Err(e.into()),
        };
        match fixture::load(kaigi, fixture).await {
            Ok(loaded) => {
                self.state.save_snapshot(SEED_SNAPSHOT).await?;
                Ok(loaded)
            }
            Err(e) => {
                // Back to the world reset returned to before this call.
                if self.state.restore_snapshot(SEED_SNAPSHOT).await.is_err() {
                    self.state.restore_snapshot(base).await?;
                }
                Err(e)
            }
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
        .route("/_kaigi/fixture", post(wire::fixture_load))
        .route("/_kaigi/snapshots", get(wire::snapshots_list).post(wire::snapshot_save))
        .route("/_kaigi/snapshots/{name}/restore", post(wire::snapshot_restore))
        .with_state(controls.clone());
    app.merge(routes).layer(from_fn_with_state(controls, wire::layer))
}
