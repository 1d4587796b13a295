//! The session lifecycle's JSON endpoints under `/_kaigi/meetings/{meetingKey}/…` (join, leave,
//! record, end; see docs/lifecycle.md). Each handler decodes the body, calls one core use case
//! and encodes its answer; errors are Webex-style JSON with the matching HTTP status.

use std::net::SocketAddr;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use kaigi_core::error::{AuthFailure, Entity, SessionError};
use kaigi_core::model::{Actor, JoinRequest, ParticipantId, ParticipantPass, UserRef};
use kaigi_core::rules::limits::JOIN_FAILURE_WINDOW_MINUTES;
use kaigi_core::Error;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::AppState;

/// Bodies larger than this are refused.
const MAX_BODY: usize = 64 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JoinBody {
    name: String,
    email: String,
    password: Option<String>,
    host_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ParticipantBody {
    participant_id: ParticipantId,
    /// The `participantPass` the join answered; every action on a participant needs it.
    participant_pass: Option<String>,
}

impl ParticipantBody {
    /// Who acts: the participant with their pass (given, well formed and for `participantId`),
    /// or a site administrator signing in with HTTP Basic (webExId:password) on the meeting's
    /// site. None when neither is offered.
    fn actor(&self, headers: &HeaderMap) -> Option<Actor> {
        if let Some(raw) = self.participant_pass.as_deref() {
            return ParticipantPass::parse(raw)
                .filter(|p| p.participant_id == self.participant_id)
                .map(Actor::Participant);
        }
        let (user, password) = basic_credentials(headers)?;
        Some(Actor::SiteAdmin { participant: self.participant_id, user: UserRef::WebExId(user), password })
    }
}

/// `Authorization: Basic base64(webExId:password)`, decoded.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok().filter(|v| v.len() <= 1024)?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let (user, password) =
        String::from_utf8(decoded).ok()?.split_once(':').map(|(u, p)| (u.to_string(), p.to_string()))?;
    Some((user, password))
}

const BAD_PASS: &str = "The participantPass is missing or is not the one the join answered for this participant \
                        (a site administrator may send HTTP Basic credentials instead).";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JoinedBody {
    participant_id: ParticipantId,
    role: &'static str,
    /// What the web pages use instead of the bare id (see kaigi_core::room).
    participant_pass: String,
}

fn error_json(state: &AppState, status: StatusCode, message: &str) -> Response {
    let tracking = state.kaigi.tracking_id();
    let body = json!({ "message": message, "errors": [{ "description": message }], "trackingId": tracking });
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// The status and message a lifecycle error shows, on the JSON endpoints and on the web pages
/// alike; None for failures that are not the caller's (logged and answered as a server error).
pub(crate) fn explain(e: &Error) -> Option<(StatusCode, String)> {
    let (status, message) = match e {
        Error::Session(SessionError::WrongPassword) => (StatusCode::FORBIDDEN, "The meeting password is not correct."),
        Error::Session(SessionError::WrongHostKey) => (StatusCode::FORBIDDEN, "The host key is not correct."),
        Error::Session(SessionError::NotHost) => (StatusCode::FORBIDDEN, "Only a host of the meeting may do this."),
        Error::Session(SessionError::WaitingForHost) => {
            (StatusCode::CONFLICT, "The meeting has not started; waiting for the host.")
        }
        Error::Session(SessionError::NotRunning) => (StatusCode::CONFLICT, "The meeting is not in progress."),
        Error::Session(SessionError::BadPass) => (StatusCode::FORBIDDEN, BAD_PASS),
        Error::Session(SessionError::NotInSession) => {
            (StatusCode::NOT_FOUND, "The participant is not in this meeting.")
        }
        Error::Session(SessionError::TooManyTries { .. }) => {
            let message = format!(
                "Too many wrong meeting passwords or host keys were tried for this meeting; joining is refused \
                 for up to {JOIN_FAILURE_WINDOW_MINUTES} minutes."
            );
            return Some((StatusCode::TOO_MANY_REQUESTS, message));
        }
        Error::Auth(AuthFailure::Locked { .. }) => {
            (StatusCode::UNAUTHORIZED, "Too many wrong passwords: the administrator's account is locked for now.")
        }
        Error::Auth(_) => (StatusCode::UNAUTHORIZED, "The site administrator's user name or password is not correct."),
        Error::AccessDenied => (StatusCode::FORBIDDEN, "Only a site administrator of the meeting's site may do this."),
        Error::NotFound(Entity::Meeting) => (StatusCode::NOT_FOUND, "The meeting could not be found."),
        Error::NotFound(_) => (StatusCode::NOT_FOUND, "The requested resource could not be found."),
        Error::Invalid { why, .. } => return Some((StatusCode::BAD_REQUEST, why.to_string())),
        _ => return None,
    };
    Some((status, message.to_string()))
}

fn core_error(state: &AppState, e: &Error) -> Response {
    match explain(e) {
        Some((status, message)) => error_json(state, status, &message),
        None => {
            tracing::error!(error = %e, "lifecycle request failed");
            error_json(state, StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong; try again later.")
        }
    }
}

/// The meeting key of the path and the decoded JSON body, or the error to answer.
async fn decode<T: DeserializeOwned>(state: &AppState, key: &str, body: Body) -> Result<(u64, T), Response> {
    let Ok(key) = key.parse::<u64>() else {
        return Err(error_json(state, StatusCode::NOT_FOUND, "The meeting could not be found."));
    };
    let Ok(raw) = to_bytes(body, MAX_BODY).await else {
        return Err(error_json(state, StatusCode::PAYLOAD_TOO_LARGE, "The request body is too large."));
    };
    match serde_json::from_slice(&raw) {
        Ok(value) => Ok((key, value)),
        Err(e) => Err(error_json(state, StatusCode::BAD_REQUEST, &format!("The request body is not valid: {e}"))),
    }
}

/// The client's address: the first `X-Forwarded-For` entry, else the peer address.
fn client_ip(headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    match (forwarded, peer) {
        (Some(ip), _) => ip.to_string(),
        (None, Some(peer)) => peer.ip().to_string(),
        (None, None) => String::new(),
    }
}

/// A join request with where it came from: the client address and agent kept in history.
pub(crate) fn join_request(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    name: String,
    email: String,
    password: Option<String>,
    host_key: Option<String>,
) -> JoinRequest {
    JoinRequest {
        name,
        email,
        password,
        host_key,
        ip_address: client_ip(headers, peer),
        client_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(256)
            .collect(),
    }
}

/// POST /_kaigi/meetings/{meetingKey}/join
pub async fn join(State(state): State<AppState>, Path(key): Path<String>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let (key, body): (u64, JoinBody) = match decode(&state, &key, body).await {
        Ok(decoded) => decoded,
        Err(r) => return r,
    };
    let req = join_request(&parts.headers, peer, body.name, body.email, body.password, body.host_key);
    match state.kaigi.join_session(key, &req).await {
        Ok(joined) => {
            let body = JoinedBody {
                participant_id: joined.participant_id,
                role: joined.role.wire(),
                participant_pass: joined.pass,
            };
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        Err(e) => core_error(&state, &e),
    }
}

/// POST /_kaigi/meetings/{meetingKey}/leave
pub async fn leave(State(state): State<AppState>, Path(key): Path<String>, headers: HeaderMap, body: Body) -> Response {
    let (key, body): (u64, ParticipantBody) = match decode(&state, &key, body).await {
        Ok(decoded) => decoded,
        Err(r) => return r,
    };
    let Some(actor) = body.actor(&headers) else { return error_json(&state, StatusCode::FORBIDDEN, BAD_PASS) };
    match state.kaigi.leave_session(key, &actor).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => core_error(&state, &e),
    }
}

/// POST /_kaigi/meetings/{meetingKey}/record: starts recording, or stops it when it is on.
pub async fn record(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (key, body): (u64, ParticipantBody) = match decode(&state, &key, body).await {
        Ok(decoded) => decoded,
        Err(r) => return r,
    };
    let Some(actor) = body.actor(&headers) else { return error_json(&state, StatusCode::FORBIDDEN, BAD_PASS) };
    match state.kaigi.toggle_recording(key, &actor).await {
        Ok(on) => (StatusCode::OK, axum::Json(json!({ "recording": on }))).into_response(),
        Err(e) => core_error(&state, &e),
    }
}

/// POST /_kaigi/meetings/{meetingKey}/end
pub async fn end(State(state): State<AppState>, Path(key): Path<String>, headers: HeaderMap, body: Body) -> Response {
    let (key, body): (u64, ParticipantBody) = match decode(&state, &key, body).await {
        Ok(decoded) => decoded,
        Err(r) => return r,
    };
    let Some(actor) = body.actor(&headers) else { return error_json(&state, StatusCode::FORBIDDEN, BAD_PASS) };
    match state.kaigi.end_session(key, &actor).await {
        Ok(usage) => {
            let body = json!({
                "meetingKey": usage.meeting_key.to_string(),
                "start": usage.start.to_rfc3339(),
                "end": usage.end.to_rfc3339(),
                "durationMinutes": usage.duration_minutes,
                "participants": usage.total_participants,
            });
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        Err(e) => core_error(&state, &e),
    }
}
