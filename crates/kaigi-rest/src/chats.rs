//! `/v1/meetings/postMeetingChats`: the in-meeting chat of an ended meeting instance (what was
//! said on the room page, kept with the meeting), listed and deleted.
//!
//! `meetingId` must name an ended instance, `<series id>_I_<n>` (as the participants and the
//! recordings give it). A series id (which is also how kaigi names a running session) or a
//! scheduled meeting's id (`<series id>_<start>`) is refused with 400, the ids the vendor
//! documents as not supported here; an instance id that names no ended session of the series is
//! 404, like an id that names no meeting.
//!
//! A line's id is its UUID; it is `public` (the room's chat is said to everyone), so no receivers
//! are listed. The sender's `personId` and `orgId` are given when they were a user of the site.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono_tz::Tz;
use kaigi_core::model::{ChatLine, SeriesRef};
use kaigi_core::rules::scopes::{self, Operation};
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::ids;
use crate::paging::{link_next, OFFSET};
use crate::params::{format_time, Params};
use crate::RestState;

const PATH: &str = "/v1/meetings/postMeetingChats";
const DEFAULT_MAX: u32 = 10;
const MAX_MAX: u32 = 100;

/// The series and the ended instance a `meetingId` names.
fn instance_of(raw: Option<&str>) -> RestResult<(String, u64)> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty()).ok_or(Refusal::Required("meetingId"))?;
    match SeriesRef::parse(raw) {
        Some(SeriesRef::Instance { series, number }) => Ok((series, number)),
        Some(SeriesRef::Series(_) | SeriesRef::Occurrence { .. }) => {
            Err(Refusal::NotEndedInstance(raw.to_string()).into())
        }
        None => Err(Refusal::UnknownMeeting.into()),
    }
}

fn chat_json(series: &str, line: &ChatLine) -> Value {
    let mut sender = json!({ "email": line.sender_email, "displayName": line.sender_name });
    if let Some(user) = line.sender_user_id {
        sender["personId"] = ids::person(line.site_id, user).into();
        sender["orgId"] = ids::org(line.site_id).into();
    }
    json!({
        "id": line.uuid,
        "chatTime": format_time(line.at, Tz::UTC),
        "text": line.text,
        "meetingId": format!("{series}_I_{}", line.usage_id.unwrap_or_default()),
        "type": "public",
        "sender": sender,
    })
}

/// `GET /v1/meetings/postMeetingChats`: the lines of an ended instance, oldest first.
pub async fn list(State(state): State<RestState>, Auth(who): Auth, RawQuery(raw): RawQuery) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadTranscripts)?;
    let params = Params::parse(raw.as_deref())?;
    let (series, instance) = instance_of(params.get("meetingId"))?;
    let max = match params.number("max")? {
        None => DEFAULT_MAX,
        Some(m) if (1..=u64::from(MAX_MAX)).contains(&m) => m as u32,
        Some(_) => return Err(Refusal::MaxOutOfRange(MAX_MAX as usize).into()),
    };
    let offset = u32::try_from(params.number(OFFSET)?.unwrap_or(0)).unwrap_or(u32::MAX);
    let page = state.kaigi.post_meeting_chats(&who, &series, instance, offset, max).await?;
    let shown: Vec<Value> = page.items.iter().map(|l| chat_json(&series, l)).collect();
    let next = offset as usize + shown.len();
    let more = page.total > next as u64;
    let mut response = Json(json!({ "items": shown })).into_response();
    link_next(&mut response, &state.kaigi.config().public_url, PATH, &params, next, more);
    Ok(response)
}

/// `DELETE /v1/meetings/postMeetingChats`: forgets the lines of an ended instance (204, also when
/// there were none).
pub async fn delete(State(state): State<RestState>, Auth(who): Auth, RawQuery(raw): RawQuery) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteTranscripts)?;
    let params = Params::parse(raw.as_deref())?;
    let (series, instance) = instance_of(params.get("meetingId"))?;
    state.kaigi.delete_post_meeting_chats(&who, &series, instance).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
