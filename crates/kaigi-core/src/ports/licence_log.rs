use async_trait::async_trait;

use crate::error::StoreError;
use crate::model::{ExceptionCount, HostMonth, LicenseDecision, Month, SiteId};

/// The storage port of the decision log. Month ranges are inclusive.
#[async_trait]
pub trait LicenseLogStore: Send + Sync {
    /// Appends the decisions (their `id` is ignored) in one transaction, and adds each person a
    /// decision [counts as hosting](LicenseDecision::counts_as_hosting) to that month's hosts.
    async fn record_license_decisions(&self, decisions: &[LicenseDecision]) -> Result<(), StoreError>;

    /// The people who scheduled or hosted in each month, by month then person.
    async fn license_host_months(&self, site: SiteId, from: Month, to: Month) -> Result<Vec<HostMonth>, StoreError>;

    /// Refusals and violations counted by month, action and outcome.
    async fn license_exception_counts(
        &self,
        site: SiteId,
        from: Month,
        to: Month,
    ) -> Result<Vec<ExceptionCount>, StoreError>;

    /// Refusals and violations, oldest first, at most `limit`.
    async fn license_exceptions(
        &self,
        site: SiteId,
        from: Month,
        to: Month,
        limit: u32,
    ) -> Result<Vec<LicenseDecision>, StoreError>;

    /// Scheduling decisions (not refused) made for someone other than the host, of every
    /// (month, host) that has at least `min_requesters` distinct requesters; by month, person,
    /// time; at most `limit`.
    async fn license_shared_bookings(
        &self,
        site: SiteId,
        from: Month,
        to: Month,
        min_requesters: u32,
        limit: u32,
    ) -> Result<Vec<LicenseDecision>, StoreError>;

    /// The newest decisions of the site, newest first, at most `limit`.
    async fn recent_license_decisions(&self, site: SiteId, limit: u32) -> Result<Vec<LicenseDecision>, StoreError>;
}
