//! The whole state at once, for the test-double controls (`/_kaigi/reset`, snapshots) and the
//! outbox a test reads: named copies of every kaigi table, taken and put back in one transaction.

use async_trait::async_trait;

use crate::error::StoreError;

/// Longest snapshot name (letters, digits and `_`; see [`valid_snapshot_name`]).
pub const MAX_SNAPSHOT_NAME: usize = 24;

/// A snapshot name is 1 to [`MAX_SNAPSHOT_NAME`] lower-case ASCII letters, digits or single `_`,
/// starting with a letter: it becomes part of table names, so nothing else is allowed.
pub fn valid_snapshot_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_SNAPSHOT_NAME
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_')
}

#[async_trait]
pub trait StateStore: Send + Sync + 'static {
    /// Copies every kaigi table into the snapshot `name` (replacing one of that name), in one
    /// transaction. `name` must be [`valid_snapshot_name`].
    async fn save_snapshot(&self, name: &str) -> Result<(), StoreError>;
    /// Empties every kaigi table and copies the snapshot `name` back, in one transaction; the
    /// store's read cache is emptied after. Missing when there is no such snapshot.
    async fn restore_snapshot(&self, name: &str) -> Result<(), StoreError>;
    /// The names of the snapshots kept, sorted.
    async fn snapshots(&self) -> Result<Vec<String>, StoreError>;
    /// Deletes every mail of the outbox; returns how many.
    async fn clear_outbox(&self) -> Result<u64, StoreError>;
}
