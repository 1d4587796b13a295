//! `Authorization: Bearer <token>`: the only way in. No token, a bad one or an expired one is a
//! 401 with the Webex error JSON.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::Timelike;
use kaigi_core::error::AuthFailure;
use kaigi_core::model::TokenCaller;
use kaigi_core::Error;

use crate::error::{Refusal, RestError};
use crate::RestState;

/// The authenticated caller of a request.
pub struct Auth(pub TokenCaller);

/// A slot a layer in front of the REST API may put in a request's extensions: once the bearer
/// token is checked, the REST face writes the caller's webExId in it (the test controls'
/// journal names the REST caller so, without checking the token twice). Nothing of it leaves
/// the server.
#[derive(Clone, Default)]
pub struct CallerNote(std::sync::Arc<std::sync::Mutex<Option<String>>>);

impl CallerNote {
    fn set(&self, webex_id: &str) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(webex_id.to_string());
    }

    /// The webExId the token named, if the request got as far as a token check that passed.
    pub fn take(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

impl FromRequestParts<RestState> for Auth {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &RestState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let Some(header) = header.map(str::trim).filter(|h| !h.is_empty()) else {
            return Err(Error::Auth(AuthFailure::MissingCredentials).into());
        };
        let token = match header.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => return Err(Refusal::NotBearer.into()),
        };
        match state.kaigi.authenticate_bearer(token).await {
            Ok(caller) => {
                if let (Some(note), Some(user)) = (parts.extensions.get::<CallerNote>(), caller.caller.user()) {
                    note.set(&user.webex_id);
                }
                Ok(Auth(caller))
            }
            Err(e) => Err(rest_error(state, e)),
        }
    }
}

/// A core error as the REST API answers it; past a per-minute limit, with a `Retry-After` that
/// says when the limit resets (the core counts calls per calendar minute), so that clients
/// sleeping `Retry-After` do not retry in vain every second.
pub(crate) fn rest_error(state: &RestState, e: Error) -> RestError {
    let limited = matches!(e, Error::UsageLimited);
    let rest = RestError::from(e);
    if limited {
        rest.retry_after(60 - state.kaigi.now().second())
    } else {
        rest
    }
}
