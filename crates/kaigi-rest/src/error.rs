//! The one place where core errors become HTTP: a status and the Webex error JSON
//! `{message, errors:[{description}], trackingId}`. Nothing else in the REST face writes error text.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kaigi_core::error::{AuthFailure, Duplicate, Entity, Field, LicenseError, OAuthError, ScheduleError, StoreError};
use kaigi_core::Error;

use crate::tracking;

/// Seconds a client is asked to wait before retrying a 423 or 429.
pub const RETRY_AFTER_SECS: u32 = 1;

#[derive(Debug)]
pub struct RestError {
    pub status: StatusCode,
    pub description: String,
    /// Seconds for `Retry-After` when the default ([`RETRY_AFTER_SECS`]) would be wrong: a rate
    /// limit counted per minute is over when its minute is.
    pub retry_after: Option<u32>,
    /// The OAuth 2.0 error code (RFC 6749 section 5.2), added as `error` beside the Webex
    /// fields on the OAuth endpoints.
    pub oauth: Option<&'static str>,
}

pub type RestResult<T> = Result<T, RestError>;

impl RestError {
    pub fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self { status, description: description.into(), retry_after: None, oauth: None }
    }

    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }

    pub fn forbidden(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, description)
    }

    pub fn unauthorized(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, description)
    }
}

/// The standard `message` of each status.
fn message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "The request could not be understood by the server due to malformed syntax. See 'errors' for more details.",
        401 => "The request requires a valid access token set in the Authorization request header.",
        403 => "The server understood the request, but refused to fulfill it because the access token is missing required scopes or the user is missing required roles or licenses.",
        404 => "The requested resource could not be found.",
        405 => "The request was made to a resource using an HTTP request method that is not supported.",
        409 => "The request could not be processed because it conflicts with some established rule of the system.",
        413 => "The request is larger than the server accepts.",
        423 => "The resource is temporarily unavailable. Retry after the number of seconds in the Retry-After header.",
        429 => "Too many requests have been sent in a given amount of time and the request has been rate limited. Retry after the number of seconds in the Retry-After header.",
        _ => "The server could not answer the request.",
    }
}

fn auth_description(f: AuthFailure) -> &'static str {
    match f {
        AuthFailure::Inactive => "The user of this access token is deactivated.",
        AuthFailure::MissingCredentials => "No access token was given: send Authorization: Bearer <token>.",
        _ => "The access token is unknown, expired or revoked.",
    }
}

/// The OAuth 2.0 `error` code of a refusal (RFC 6749), as the token endpoint and the authorize
/// redirect both name it.
pub fn oauth_code(e: OAuthError) -> &'static str {
    oauth_error(e).2
}

/// Status, text and OAuth code of an OAuth refusal.
fn oauth_error(e: OAuthError) -> (StatusCode, String, &'static str) {
    use StatusCode as S;
    match e {
        OAuthError::InvalidClient => (
            S::UNAUTHORIZED,
            "The client id is unknown or deleted, or the client secret is wrong.".into(),
            "invalid_client",
        ),
        OAuthError::InvalidGrant(why) => (S::BAD_REQUEST, format!("The grant cannot be used: {why}."), "invalid_grant"),
        OAuthError::RedirectMismatch => (
            S::BAD_REQUEST,
            "redirect_uri is not the one the code was issued for (or is not registered).".into(),
            "invalid_grant",
        ),
        OAuthError::InvalidScope => {
            (S::BAD_REQUEST, "The requested scope is invalid or not allowed.".into(), "invalid_scope")
        }
        OAuthError::UnsupportedGrantType => {
            (S::BAD_REQUEST, "grant_type must be authorization_code or refresh_token.".into(), "unsupported_grant_type")
        }
        OAuthError::UnsupportedResponseType => {
            (S::BAD_REQUEST, "response_type must be code.".into(), "unsupported_response_type")
        }
        OAuthError::Declined => (S::FORBIDDEN, "The person declined the request.".into(), "access_denied"),
        OAuthError::InvalidRequest => {
            (S::BAD_REQUEST, "A parameter of the request is out of bounds.".into(), "invalid_request")
        }
        OAuthError::AppNotAuthorized => (
            S::FORBIDDEN,
            "The Service App is not authorized for this site: a site administrator must authorize it first.".into(),
            "unauthorized_client",
        ),
    }
}

impl From<Error> for RestError {
    fn from(e: Error) -> Self {
        use StatusCode as S;
        if let Error::OAuth(o) = e {
            let (status, text, code) = oauth_error(o);
            return RestError { oauth: Some(code), ..RestError::new(status, text) };
        }
        let (status, text): (StatusCode, String) = match e {
            Error::NotFound(Entity::Meeting) => (S::NOT_FOUND, "Meeting not found.".into()),
            Error::NotFound(Entity::User) => (S::NOT_FOUND, "Person not found.".into()),
            Error::NotFound(Entity::Site) => (S::NOT_FOUND, "Site not found.".into()),
            Error::NotFound(Entity::Attendee) => (S::NOT_FOUND, "Invitee or registrant not found.".into()),
            Error::NotFound(Entity::PersonalRoom) => {
                (S::NOT_FOUND, "The user has no personal room: personal rooms are off for them or for the site.".into())
            }
            Error::NotFound(Entity::Integration) => (S::NOT_FOUND, "Application not found.".into()),
            Error::NotFound(_) | Error::NoRecords => (S::NOT_FOUND, "Not found.".into()),
            Error::AccessDenied => (S::FORBIDDEN, "You are not allowed to see or change this resource.".into()),
            Error::Auth(f) => (S::UNAUTHORIZED, auth_description(f).into()),
            Error::OthersPreferences => {
                (S::FORBIDDEN, "Not permitted to view or change other user's preferences".into())
            }
            Error::MissingScope(scope) => (S::FORBIDDEN, format!("The access token is missing the scope {scope}.")),
            Error::Invalid { field, why } => {
                let field = member_of(field);
                // A full sentence, or one naming its field, stands alone.
                let sentence =
                    why.starts_with(|c: char| c.is_uppercase()) || why.to_lowercase().contains(&field.to_lowercase());
                let text = if sentence { why } else { format!("{field}: {why}") };
                (S::BAD_REQUEST, text)
            }
            Error::Duplicate(Duplicate::Invitee) => (S::CONFLICT, "User is already a meeting invitee.".into()),
            Error::Duplicate(Duplicate::Registrant) => {
                (S::CONFLICT, "The person is already registered for this meeting.".into())
            }
            Error::Duplicate(d) => (S::CONFLICT, format!("{d:?} already exists.")),
            Error::License(LicenseError::HostLicenseRequired { webex_id, .. }) => {
                (S::FORBIDDEN, format!("{webex_id} holds no meeting licence on this site and cannot host."))
            }
            Error::License(LicenseError::ExceededSiteHostLimit { seats }) => {
                (S::FORBIDDEN, format!("Every one of the site's {seats} meeting licences is in use."))
            }
            Error::Schedule(ScheduleError::UnknownHost) => (
                S::FORBIDDEN,
                "hostEmail names no user of this site: only hosts of the token's own site may be named.".into(),
            ),
            Error::Schedule(ScheduleError::NotPermittedForHost) => {
                (S::FORBIDDEN, "Only a site administrator may schedule meetings for another host.".into())
            }
            Error::Schedule(ScheduleError::StartNotInFuture) => {
                (S::BAD_REQUEST, "Parameter 'start' or 'end' is before current time".into())
            }
            Error::Schedule(ScheduleError::InProgress) => (S::CONFLICT, "Meeting is in progress".into()),
            Error::Schedule(ScheduleError::OutsideRecurringInterval) => {
                (S::BAD_REQUEST, "meeting.err.two_meeting_schedule_at_same_day".into())
            }
            Error::PmrNeedsNonE2eeType => (S::BAD_REQUEST, e_text(&Error::PmrNeedsNonE2eeType)),
            Error::TooManyAttendees { max } => (S::BAD_REQUEST, format!("At most {max} invitees in one request.")),
            Error::UsageLimited => (S::TOO_MANY_REQUESTS, "Too many requests; retry later.".into()),
            Error::Session(s) => (S::FORBIDDEN, format!("Not allowed now: {s:?}.")),
            Error::Store(StoreError::Missing) => (S::NOT_FOUND, "Not found.".into()),
            Error::Store(StoreError::Conflict(c)) => (S::CONFLICT, format!("{c:?} is already in use.")),
            Error::Store(StoreError::Stale) => (
                S::CONFLICT,
                "The meeting was changed by another request at the same time; read it again and retry.".into(),
            ),
            Error::Store(StoreError::SeatLimit(seats)) => {
                (S::FORBIDDEN, format!("Every one of the site's {seats} meeting licences is in use."))
            }
            Error::OAuth(_) => (S::BAD_REQUEST, "The OAuth request was refused.".into()),
            Error::Store(StoreError::Backend(why)) => {
                tracing::error!(error = %why, "REST request failed in the store");
                (S::LOCKED, "The database is busy or unavailable; retry shortly.".into())
            }
        };
        RestError::new(status, text)
    }
}

/// The JSON member for a field the core refused (the core names fields in its own terms).
fn member_of(field: Field) -> &'static str {
    match field {
        Field::People => "items",
        Field::RecurrenceEnd => "recurrence",
        Field::ClientId => "clientId",
        Field::MeetingPassword => "password",
        Field::AttendeeId => "id",
        other => other.name(),
    }
}

fn e_text(e: &Error) -> String {
    e.to_string()
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({
            "message": message(self.status),
            "errors": [{ "description": self.description }],
            "trackingId": tracking::current(),
        });
        if let Some(code) = self.oauth {
            body["error"] = code.into();
            body["error_description"] = self.description.clone().into();
        }
        let mut r = (self.status, axum::Json(body)).into_response();
        if matches!(self.status.as_u16(), 423 | 429 | 503) {
            let secs = self.retry_after.unwrap_or(RETRY_AFTER_SECS);
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        r
    }
}
