use chrono::{DateTime, Utc};

use crate::error::{AuthFailure, Error, Result};
use crate::model::{ApiKey, Privileges, Site, User};

/// How a request names its site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteRef {
    Name(String),
    Number(i64),
}

/// How a request names its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    WebExId(String),
    Email(String),
}

impl UserRef {
    /// What a person typed on a sign-in form: an address when it has an `@`, else a webExId.
    pub fn typed(text: &str) -> UserRef {
        let t = text.trim().to_string();
        if t.contains('@') {
            UserRef::Email(t)
        } else {
            UserRef::WebExId(t)
        }
    }
}

/// The proof a request offers, most specific first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// A site API key (the `JWTToken` HTTP header).
    ApiKey(String),
    SessionTicket(String),
    /// A Webex OAuth access token (`webExAccessToken`).
    AccessToken(String),
    Password(String),
    /// Nothing but the site: allowed for a few public operations.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub site: SiteRef,
    pub user: Option<UserRef>,
    pub proof: Proof,
}

#[derive(Debug, Clone)]
pub enum Principal {
    User(Box<User>),
    ApiKey(ApiKey),
    Anonymous,
}

/// An authenticated (or knowingly anonymous) caller, always bound to one site.
#[derive(Debug, Clone)]
pub struct Caller {
    pub site: Site,
    pub principal: Principal,
    /// The scopes of the OAuth access token the caller signed in with; None for a password,
    /// ticket or API key, which are not narrowed by scopes.
    pub scopes: Option<Vec<String>>,
}

impl Caller {
    pub fn user(&self) -> Option<&User> {
        match &self.principal {
            Principal::User(u) => Some(u),
            _ => None,
        }
    }

    /// The signed-in user, or the error an operation that needs one gives.
    pub fn require_user(&self) -> Result<&User> {
        match &self.principal {
            Principal::User(u) => Ok(u),
            Principal::ApiKey(_) => Err(Error::AccessDenied),
            Principal::Anonymous => Err(Error::Auth(AuthFailure::MissingCredentials)),
        }
    }

    /// A stable name for usage counting.
    pub fn usage_key(&self) -> String {
        match &self.principal {
            Principal::User(u) => format!("u{}", u.id),
            Principal::ApiKey(k) => format!("k{}", k.id),
            Principal::Anonymous => format!("s{}", self.site.id),
        }
    }
}

impl Caller {
    /// The operator of `site`: a site administrator that is no stored user (id 0).
    pub fn operator(site: Site) -> Caller {
        let now = DateTime::<Utc>::from_timestamp(0, 0).unwrap_or_default();
        let mut user = User::new_on_site(&site, "(operator)".into(), String::new(), now);
        user.privileges = Privileges { site_admin: true, ..Privileges::default() };
        user.meeting_types = Vec::new();
        Caller { site, principal: Principal::User(Box::new(user)), scopes: None }
    }
}
