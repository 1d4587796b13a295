//! `GET`/`PUT /v1/meetings/controls?meetingId=…`: the running session's recording and lock,
//! through the lifecycle's events (a locked meeting's joiners wait in the lobby). kaigi's
//! sessions have no pause: `recordingPaused` is answered false, and asking for it is refused by
//! name.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::{SeriesRef, SessionControls};
use kaigi_core::rules::scopes::{self, Operation};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::params::{json_body, loose_bool, Params};
use crate::RestState;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ControlsBody {
    #[serde(deserialize_with = "loose_bool")]
    recording_started: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    recording_paused: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    locked: Option<bool>,
}

/// The series `meetingId` names (a series or one of its occurrences; an ended instance has no
/// running session).
fn series_of(params: &Params) -> RestResult<String> {
    let id = params.named("meetingId")?.ok_or(Refusal::Required("meetingId"))?;
    match SeriesRef::parse(id) {
        Some(SeriesRef::Instance { .. }) => Err(Refusal::NotSeriesId(id.to_string()).into()),
        Some(r) => Ok(r.series().to_string()),
        None => Err(Refusal::UnknownMeeting.into()),
    }
}

fn controls_json(c: SessionControls) -> Response {
    Json(json!({ "locked": c.locked, "recordingStarted": c.recording, "recordingPaused": false })).into_response()
}

/// `GET /v1/meetings/controls?meetingId=…`: all false while the meeting is not running.
pub async fn get(State(state): State<RestState>, Auth(who): Auth, RawQuery(raw): RawQuery) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadSchedules)?;
    let series = series_of(&Params::parse(raw.as_deref())?)?;
    Ok(controls_json(state.kaigi.session_controls(&who.caller, &series).await?))
}

/// `PUT /v1/meetings/controls?meetingId=…`: `recordingStarted` starts or stops recording (the
/// meeting must be running: 409 otherwise), `locked` locks or unlocks it; `recordingPaused` may
/// only be false.
pub async fn put(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteSchedules)?;
    let series = series_of(&Params::parse(raw.as_deref())?)?;
    let b: ControlsBody = json_body(body).await?;
    if b.recording_paused == Some(true) {
        return Err(Refusal::ControlNotKept("recordingPaused").into());
    }
    let mut c = None;
    if let Some(locked) = b.locked {
        c = Some(state.kaigi.set_locked_by_host(&who.caller, &series, locked).await?);
    }
    if let Some(on) = b.recording_started {
        c = Some(state.kaigi.set_recording_by_host(&who.caller, &series, on).await?);
    }
    let c = match c {
        Some(c) => c,
        None => state.kaigi.session_controls(&who.caller, &series).await?,
    };
    Ok(controls_json(c))
}
