//! The session lifecycle's JSON endpoints under `/_kaigi/meetings/{meetingKey}/…` (join, leave,
//! record, end; see docs/lifecycle.md). Each handler decodes the body, calls one core use case
//! and encodes its answer; errors are Webex-style JSON with the status and message of the web
//! pages' one error mapping (kaigi_web::error), so a refusal reads the same on the room page.

use std::net::SocketAddr;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use kaigi_core::model::{Actor, ParticipantId, ParticipantPass, UserRef};
use kaigi_core::Error;
use kaigi_web::error::{json_failure, json_response, Page, BAD_PASS};
use kaigi_web::meeting::join_request;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::state::AppState;

fn error_json(state: &AppState, status: StatusCode, message: &str) -> Response {
    json_response(&state.kaigi, status, message)
}

fn core_error(state: &AppState, e: &Error) -> Response {
    json_failure(&state.kaigi, e, Page::Meeting)
}

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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JoinedBody {
    participant_id: ParticipantId,
    role: &'static str,
    /// What the web pages use instead of the bare id (see kaigi_core::room).
    participant_pass: String,
    /// The meeting is locked: they wait in the lobby until a host admits them.
    in_lobby: bool,
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
                in_lobby: joined.in_lobby,
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
