//! The bearer-token part of the storage port. One table holds every token the REST API accepts:
//! personal access tokens, and the OAuth access and refresh tokens of integrations and Service
//! Apps (see `oauth`). Only a SHA-256 hash of a token is ever stored.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::site::SiteId;
use crate::store::StoreError;
use crate::user::UserId;

/// What a stored token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Made by `kaigi token create` for one user.
    Personal,
    /// An integration's access token (OAuth).
    OauthAccess,
    /// An integration's refresh token (OAuth); never accepted as a bearer token.
    OauthRefresh,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Personal => "personal",
            TokenKind::OauthAccess => "oauth_access",
            TokenKind::OauthRefresh => "oauth_refresh",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "personal" => TokenKind::Personal,
            "oauth_access" => TokenKind::OauthAccess,
            "oauth_refresh" => TokenKind::OauthRefresh,
            _ => return None,
        })
    }

    /// Whether a request may present this kind as `Authorization: Bearer`.
    pub fn is_bearer(self) -> bool {
        matches!(self, TokenKind::Personal | TokenKind::OauthAccess)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub id: i64,
    pub token_hash: String,
    pub kind: TokenKind,
    pub site_id: SiteId,
    pub user_id: UserId,
    /// The integration the token was issued to; None for personal tokens.
    pub client_id: Option<String>,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// For an access token minted from a refresh token: that refresh token's id.
    pub refresh_token_id: Option<i64>,
    /// The user's credential epoch when the token was issued (an access token minted from a
    /// refresh token inherits the refresh token's); a token whose epoch is not the user's
    /// current one is refused (see `Store::credential_epoch`).
    pub credential_epoch: i64,
}

#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Inserts the token (its `id` is ignored) and returns its id.
    async fn insert_token(&self, token: &StoredToken) -> Result<i64, StoreError>;
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<StoredToken>, StoreError>;
    /// Marks the token, and every access token minted from it, revoked at `at`. Missing when
    /// there is no such token.
    async fn revoke_token(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError>;
}
