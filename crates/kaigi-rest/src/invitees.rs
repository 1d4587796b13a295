//! `/v1/meetingInvitees`: the people invited to a meeting series (co-hosts among them), one at a
//! time or in bulk, on the core's attendee use cases.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::error::Duplicate;
use kaigi_core::model::{Attendee, AttendeeRole, InviteeRequest, SeriesRef, TokenCaller};
use kaigi_core::rules::scopes::{self, Operation};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestError, RestResult};
use crate::meetings::{checked_query, host_of, Access};
use crate::paging::{link_next, OFFSET};
use crate::params::{json_body, loose_bool, Params, PathId};
use crate::RestState;

const DEFAULT_MAX: usize = 10;
const MAX_MAX: usize = 100;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct InviteeBody {
    meeting_id: Option<String>,
    email: Option<String>,
    display_name: Option<String>,
    #[serde(deserialize_with = "loose_bool")]
    co_host: Option<bool>,
    host_email: Option<String>,
    #[serde(deserialize_with = "loose_bool")]
    send_email: Option<bool>,
    items: Option<Vec<InviteeBody>>,
}

/// The series an invitee request names. Invitees are kept per series: reading through an
/// occurrence or instance id reads the series' invitees; writing needs the series id.
fn series_of(meeting_id: Option<&str>, reading: bool) -> RestResult<String> {
    let raw = meeting_id.map(str::trim).filter(|s| !s.is_empty());
    let raw = raw.ok_or(Refusal::Required("meetingId"))?;
    match SeriesRef::parse(raw) {
        Some(SeriesRef::Series(s)) => Ok(s),
        Some(other) if reading => Ok(other.series().to_string()),
        Some(_) => Err(Refusal::InviteesPerSeries(raw.to_string()).into()),
        None => Err(Refusal::UnknownMeeting.into()),
    }
}

/// `<series>_<attendee id>`.
fn parse_invitee_id(id: &str) -> RestResult<(String, i64)> {
    let (series, n) = id.trim().rsplit_once('_').ok_or(Refusal::UnknownAttendee)?;
    match (SeriesRef::parse(series), n.parse::<i64>()) {
        (Some(SeriesRef::Series(s)), Ok(n)) => Ok((s, n)),
        _ => Err(Refusal::UnknownAttendee.into()),
    }
}

fn invitee_json(series: &str, a: &Attendee) -> Value {
    json!({
        "id": format!("{series}_{}", a.id),
        "email": a.email,
        "displayName": a.name,
        "coHost": a.role == AttendeeRole::Host,
        "meetingId": series,
        "panelist": false,
    })
}

fn request_of(b: &InviteeBody) -> RestResult<InviteeRequest> {
    let email = b.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    Ok(InviteeRequest {
        email: email.ok_or(Refusal::Required("email"))?.to_string(),
        display_name: b.display_name.clone(),
        co_host: b.co_host.unwrap_or(false),
    })
}

async fn writer(state: &RestState, who: &TokenCaller, host_email: Option<&str>) -> RestResult<()> {
    scopes::require(who, Operation::WriteSchedules)?;
    host_of(state, who, host_email, Operation::WriteSchedules).await?;
    Ok(())
}

/// `GET /v1/meetingInvitees?meetingId=…`, by email.
pub async fn list(State(state): State<RestState>, Auth(who): Auth, RawQuery(raw): RawQuery) -> RestResult<Response> {
    let params = checked_query(&state, &who, raw.as_deref(), Access::Read).await?;
    let series = series_of(params.get("meetingId"), true)?;
    let max = params.number("max")?.map(|m| m as usize).unwrap_or(DEFAULT_MAX);
    if max == 0 || max > MAX_MAX {
        return Err(Refusal::MaxOutOfRange(MAX_MAX).into());
    }
    let offset = params.number(OFFSET)?.unwrap_or(0) as usize;
    let panelists_only = params.flag("panelist")?.unwrap_or(false);
    let (_, all) = state.kaigi.invitees_of(&who.caller, &series).await?;
    let all: Vec<Attendee> = if panelists_only { Vec::new() } else { all };
    let more = all.len() > offset.saturating_add(max);
    let items: Vec<Value> = all.iter().skip(offset).take(max).map(|a| invitee_json(&series, a)).collect();
    let count = items.len();
    let mut response = Json(json!({ "items": items })).into_response();
    link_next(&mut response, &state.kaigi.config().public_url, "/v1/meetingInvitees", &params, offset + count, more);
    Ok(response)
}

/// `POST /v1/meetingInvitees` → 200 and the invitee; 409 when already invited.
pub async fn create(State(state): State<RestState>, Auth(who): Auth, body: Body) -> RestResult<Response> {
    let b: InviteeBody = json_body(body).await?;
    writer(&state, &who, b.host_email.as_deref()).await?;
    let series = series_of(b.meeting_id.as_deref(), false)?;
    let req = request_of(&b)?;
    let added = state.kaigi.invite(&who.caller, &series, &[req], b.send_email.unwrap_or(true)).await?;
    let a = added.first().ok_or(Refusal::NobodyInvited)?;
    Ok(Json(invitee_json(&series, a)).into_response())
}

/// `POST` (and, as the Python SDK sends it, `PUT`) `/v1/meetingInvitees/bulkInsert`.
pub async fn bulk(State(state): State<RestState>, Auth(who): Auth, body: Body) -> RestResult<Response> {
    let b: InviteeBody = json_body(body).await?;
    writer(&state, &who, b.host_email.as_deref()).await?;
    let series = series_of(b.meeting_id.as_deref(), false)?;
    let items = b.items.as_deref().unwrap_or_default();
    let requests = items.iter().map(request_of).collect::<RestResult<Vec<_>>>()?;
    let send = items.iter().all(|i| i.send_email.unwrap_or(true));
    let added = state.kaigi.invite(&who.caller, &series, &requests, send).await.map_err(|e| -> RestError {
        match e {
            kaigi_core::Error::Duplicate(Duplicate::Invitee) => Refusal::SomeAlreadyInvited.into(),
            other => other.into(),
        }
    })?;
    let items: Vec<Value> = added.iter().map(|a| invitee_json(&series, a)).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `GET /v1/meetingInvitees/{meetingInviteeId}`.
pub async fn get_one(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    checked_query(&state, &who, raw.as_deref(), Access::Read).await?;
    let (series, n) = parse_invitee_id(&id)?;
    let (_, a) = state.kaigi.series_attendee(&who.caller, &series, n, false).await?;
    Ok(Json(invitee_json(&series, &a)).into_response())
}

/// `PUT /v1/meetingInvitees/{meetingInviteeId}`: `email` (required, the invitee's own),
/// `displayName`, `coHost`.
pub async fn put(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    body: Body,
) -> RestResult<Response> {
    let b: InviteeBody = json_body(body).await?;
    writer(&state, &who, b.host_email.as_deref()).await?;
    let (series, n) = parse_invitee_id(&id)?;
    let a = state.kaigi.update_invitee(&who.caller, &series, n, &request_of(&b)?).await?;
    Ok(Json(invitee_json(&series, &a)).into_response())
}

/// `DELETE /v1/meetingInvitees/{meetingInviteeId}` → 204.
pub async fn delete(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    writer(&state, &who, params.get("hostEmail")).await?;
    let (series, n) = parse_invitee_id(&id)?;
    let send = params.flag("sendEmail")?.unwrap_or(true);
    state.kaigi.remove_series_attendee(&who.caller, &series, n, false, send).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
