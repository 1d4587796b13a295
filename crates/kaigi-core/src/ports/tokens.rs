//! The bearer-token part of the storage port. One table holds every token the REST API accepts:
//! personal access tokens, and the OAuth access and refresh tokens of integrations and Service
//! Apps (see `oauth`). Only a SHA-256 hash of a token is ever stored.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreError;
use crate::model::StoredToken;

#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Inserts the token (its `id` is ignored) and returns its id.
    async fn insert_token(&self, token: &StoredToken) -> Result<i64, StoreError>;
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<StoredToken>, StoreError>;
    /// Marks the token, and every access token minted from it, revoked at `at`. Missing when
    /// there is no such token.
    async fn revoke_token(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError>;
}
