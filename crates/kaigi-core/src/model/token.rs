use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::model::{Caller, Integration, Site, SiteId, User, UserId};

/// What [`Store::record_failed_login`] left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailedLogin {
    /// Bad passwords counted since the last lock or good password.
    pub failed_logins: u32,
    /// Set when this failure locked the account.
    pub locked_until: Option<DateTime<Utc>>,
}

/// A session ticket from AuthenticateUser. Only the hash of the ticket is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTicket {
    pub token_hash: String,
    pub site_id: SiteId,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The user's credential epoch when the ticket was issued (see [`Store::credential_epoch`]).
    pub credential_epoch: i64,
}

/// A site-level API key (sent as the `JWTToken` HTTP header). Only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: i64,
    pub site_id: SiteId,
    pub name: String,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

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

/// A caller authenticated by a bearer token, with the scopes the token carries.
#[derive(Debug, Clone)]
pub struct TokenCaller {
    pub caller: Caller,
    /// The same user as the caller's principal.
    pub(crate) user: User,
    pub scopes: Vec<String>,
    /// The integration the token was issued to (a webhook's `appId`); None for a personal token.
    pub client_id: Option<String>,
    /// When the presented token stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl TokenCaller {
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Ok when the token carries `scope`; otherwise the error that names it.
    pub fn require(&self, scope: &'static str) -> Result<()> {
        if self.has(scope) {
            Ok(())
        } else {
            Err(Error::MissingScope(scope))
        }
    }

    pub fn user(&self) -> &User {
        &self.user
    }
}

/// What `kaigi token create` prints.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub scopes: Vec<String>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// An authorize request whose client and redirect URI are verified: from here on, refusals may
/// be sent back to `redirect_uri`.
#[derive(Debug, Clone)]
pub struct VerifiedClient {
    pub integration: Integration,
    /// The integration's site: people sign in there.
    pub site: Site,
    pub redirect_uri: String,
}

/// What the token endpoint answers.
#[derive(Debug, Clone)]
pub struct OauthTokens {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: String,
    pub refresh_token_expires_in: i64,
    pub scopes: Vec<String>,
}

/// What AuthenticateUser hands back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTicket {
    pub ticket: String,
    pub created_at_ms: i64,
    pub time_to_live_secs: u32,
}
