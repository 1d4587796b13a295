use chrono::{DateTime, Utc};

use crate::model::{SiteId, UserId};

/// What a registration is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegrationKind {
    /// People sign in on `/v1/authorize` and the integration acts as them.
    Integration,
    /// A machine account of the site, authorized once by a site administrator; its tokens are
    /// minted through `POST /v1/applications/{id}/token`.
    ServiceApp,
}

impl IntegrationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IntegrationKind::Integration => "integration",
            IntegrationKind::ServiceApp => "service_app",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "integration" => Some(IntegrationKind::Integration),
            "service_app" => Some(IntegrationKind::ServiceApp),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    pub id: i64,
    pub site_id: SiteId,
    pub name: String,
    /// Public and random, e.g. `C3f…`; unique on the server.
    pub client_id: String,
    /// SHA-256 of the client secret (the secret itself is shown once).
    pub secret_hash: String,
    /// Exact-match list.
    pub redirect_uris: Vec<String>,
    /// What it may ask for.
    pub scopes: Vec<String>,
    pub kind: IntegrationKind,
    /// webExId of the administrator who registered it (`(operator)` for the CLI).
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Service Apps: who authorized it for the site, and when.
    pub authorized_by: Option<String>,
    pub authorized_at: Option<DateTime<Utc>>,
    /// Service Apps: the machine account its tokens act as (made when it is authorized).
    pub machine_user_id: Option<UserId>,
    /// Deleted: its client id, codes and tokens stop working.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// An authorization code (only its hash is stored), single use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OauthCode {
    pub code_hash: String,
    pub integration_id: i64,
    pub site_id: SiteId,
    pub user_id: UserId,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The person's credential epoch at the sign-in that made the code: a password change or a
    /// deactivation before the exchange makes the code useless.
    pub credential_epoch: i64,
}

/// What an administrator registers.
#[derive(Debug, Clone)]
pub struct NewIntegration {
    pub name: String,
    pub redirect_uris: Vec<String>,
    /// Scopes, each an entry or several separated by spaces or commas.
    pub scopes: Vec<String>,
    pub kind: IntegrationKind,
}

/// A registration and its secret, which is never shown again.
#[derive(Debug, Clone)]
pub struct RegisteredIntegration {
    pub integration: Integration,
    pub client_secret: String,
}
