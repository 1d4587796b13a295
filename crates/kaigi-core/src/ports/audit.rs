//! The storage port of the console's audit log.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::model::{AdminAction, SiteId};

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends one row (its `id` is ignored); returns its id.
    async fn record_admin_action(&self, action: &AdminAction) -> Result<i64, StoreError>;

    /// The site's rows, newest first, with ids below `before` (all when None), at most `limit`.
    async fn admin_actions(
        &self,
        site: SiteId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AdminAction>, StoreError>;
}
