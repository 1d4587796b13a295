//! The OAuth part of the storage port: integrations and Service Apps registered on a site, and
//! the short-lived authorization codes of the sign-in and consent page. Secrets and codes are
//! stored only as SHA-256 hashes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreError;
use crate::model::{Integration, OauthCode, SiteId, UserId};

#[async_trait]
pub trait IntegrationStore: Send + Sync {
    /// Inserts the integration (its `id` is ignored) and returns its id.
    async fn insert_integration(&self, integration: &Integration) -> Result<i64, StoreError>;
    /// By client id, revoked ones included (the core refuses them).
    async fn integration_by_client_id(&self, client_id: &str) -> Result<Option<Integration>, StoreError>;
    /// The site's integrations that are not revoked, oldest first.
    async fn list_integrations(&self, site: SiteId) -> Result<Vec<Integration>, StoreError>;
    /// Records that a Service App is authorized, by whom, and its machine account. Missing when
    /// there is no such integration, it is revoked, or it is authorized already (the first
    /// authorization and its machine account stay).
    async fn authorize_integration(
        &self,
        id: i64,
        by: &str,
        machine_user: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Marks the integration revoked and, in the same transaction, every token issued to its
    /// client id. Missing when there is no such integration or it is already revoked.
    async fn revoke_integration(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError>;
    async fn insert_oauth_code(&self, code: &OauthCode) -> Result<(), StoreError>;
    /// Takes the code for good: the first caller gets it, every later one None (as for an
    /// unknown code). Expiry is the core's question.
    async fn take_oauth_code(&self, code_hash: &str, at: DateTime<Utc>) -> Result<Option<OauthCode>, StoreError>;
    /// Notes the refresh token a taken code was exchanged for. Returns whether the code was
    /// presented again meanwhile (then the caller revokes that token).
    async fn record_code_exchange(&self, code_hash: &str, refresh_token_id: i64) -> Result<bool, StoreError>;
    /// Marks a code that was already taken as presented again, and returns the refresh token it
    /// was exchanged for (Some(None) while the exchange is not recorded yet); None for a code
    /// that was never taken (unknown).
    async fn mark_code_reused(&self, code_hash: &str, at: DateTime<Utc>) -> Result<Option<Option<i64>>, StoreError>;
}
