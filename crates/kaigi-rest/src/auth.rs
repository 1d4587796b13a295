//! `Authorization: Bearer <token>`: the only way in. No token, a bad one or an expired one is a
//! 401 with the Webex error JSON.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::Timelike;
use kaigi_core::error::AuthFailure;
use kaigi_core::tokens::TokenCaller;
use kaigi_core::Error;

use crate::error::RestError;
use crate::RestState;

/// The authenticated caller of a request.
pub struct Auth(pub TokenCaller);

impl FromRequestParts<RestState> for Auth {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &RestState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let Some(header) = header.map(str::trim).filter(|h| !h.is_empty()) else {
            return Err(Error::Auth(AuthFailure::MissingCredentials).into());
        };
        let token = match header.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => {
                return Err(RestError::unauthorized("Only bearer tokens are accepted: Authorization: Bearer <token>."))
            }
        };
        match state.kaigi.authenticate_bearer(token).await {
            Ok(caller) => Ok(Auth(caller)),
            Err(Error::UsageLimited) => {
                // The limit counts calls per calendar minute (core `usage`): say when it resets,
                // so that clients sleeping `Retry-After` do not retry in vain every second.
                let mut e = RestError::from(Error::UsageLimited);
                e.retry_after = Some(60 - state.kaigi.now().second());
                Err(e)
            }
            Err(e) => Err(e.into()),
        }
    }
}
