//! The usage-count part of the storage port: calls per counter and minute window, counted in the
//! database so that every kaigi instance on it shares one count (issue #16). The core claims
//! calls in chunks and spends them from memory (see `app/identity/usage.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreError;

#[async_trait]
pub trait UsageStore: Send + Sync {
    /// Claims up to `want` calls of `counter`'s window that starts at `window_start`, of which at
    /// most `limit` may be granted in all (all instances and connections together). One atomic
    /// statement adds min(want, limit − used) to the window's count (0 once it is used up, or
    /// when `limit` was lowered below it) and returns what it added: the calls now granted.
    async fn claim_usage(
        &self,
        counter: &str,
        window_start: DateTime<Utc>,
        want: u32,
        limit: u32,
    ) -> Result<u32, StoreError>;

    /// Forgets at most `max` windows that started before `before`; returns how many it forgot.
    async fn purge_usage(&self, before: DateTime<Utc>, max: u32) -> Result<u64, StoreError>;
}
