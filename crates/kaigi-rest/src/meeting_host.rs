//! `POST /v1/meetings/reassignHost` (an administrator gives meeting series to a new host, through
//! SetMeeting's host change and its licence question) and `POST /v1/meetings/{meetingId}/end`
//! (the host, a co-host or a site administrator ends the running session).

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::SeriesRef;
use kaigi_core::rules::limits::MAX_BULK;
use kaigi_core::rules::scopes::{self, Operation};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestError, RestResult};
use crate::meetings::site_matches;
use crate::params::{json_body, PathId};
use crate::RestState;

/// Largest body `end` reads (it holds a reason at most).
const END_BODY_LIMIT: usize = 64 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ReassignBody {
    host_email: Option<String>,
    meeting_ids: Option<Vec<String>>,
}

/// `POST /v1/meetings/reassignHost` → 204 when every series has the new host; 207 with one item
/// per series otherwise.
pub async fn reassign_host(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    body: Body,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReassignHost)?;
    let site = &who.caller.site;
    if let Some(url) = headers.get("siteUrl").and_then(|v| v.to_str().ok()).filter(|u| !u.trim().is_empty()) {
        if !site_matches(&state, site, url) {
            return Err(Refusal::ForeignSite(url.to_string()).into());
        }
    }
    let b: ReassignBody = json_body(body).await?;
    let host = b.host_email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    let host = host.ok_or(Refusal::Required("hostEmail"))?;
    let ids = b.meeting_ids.ok_or(Refusal::Required("meetingIds"))?;
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(Refusal::IdCount { field: "meetingIds", limit: MAX_BULK }.into());
    }
    let done = state.kaigi.reassign_host(&who.caller, host, &ids).await?;
    if done.iter().all(|(_, r)| r.is_ok()) {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let items: Vec<Value> = done
        .into_iter()
        .map(|(id, r)| match r {
            Ok(()) => json!({ "meetingId": id, "httpStatus": "200" }),
            Err(e) => {
                let mut o = RestError::from(e).as_item();
                o.insert("meetingId".into(), id.into());
                Value::Object(o)
            }
        })
        .collect();
    Ok((StatusCode::MULTI_STATUS, Json(json!({ "items": items }))).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct EndBody {
    reason: Option<String>,
}

/// `POST /v1/meetings/{meetingId}/end` → 204. A series or one of its occurrences names the
/// series' running session; an ended instance is refused.
pub async fn end(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    body: Body,
) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteSchedules)?;
    let series = match SeriesRef::parse(&id) {
        Some(SeriesRef::Instance { .. }) => return Err(Refusal::NotSeriesId(id).into()),
        Some(r) => r.series().to_string(),
        None => return Err(Refusal::UnknownMeeting.into()),
    };
    // The body is optional: no body, or `{}`, or a reason.
    let bytes = to_bytes(body, END_BODY_LIMIT).await.map_err(|_| Refusal::BodyTooLarge { limit: END_BODY_LIMIT })?;
    if !bytes.iter().all(u8::is_ascii_whitespace) {
        let b: EndBody = json_body(Body::from(bytes)).await?;
        // kaigi's history keeps no reason for an ending: one given is refused by name.
        if b.reason.as_deref().is_some_and(|r| !r.trim().is_empty()) {
            return Err(Refusal::NotKeptLeaveOut("reason").into());
        }
    }
    state.kaigi.end_by_host(&who.caller, &series).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
