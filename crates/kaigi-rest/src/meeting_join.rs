//! `POST /v1/meetings/join`: the links that join or start a meeting, the same ones the XML API's
//! GetjoinurlMeeting and GethosturlMeeting give (one core use case each).

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::{MeetingRef, SeriesRef};
use kaigi_core::rules::scopes::{self, Operation};
use kaigi_core::Error;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::params::{json_body, loose_bool};
use crate::RestState;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct JoinBody {
    meeting_id: Option<String>,
    meeting_number: Option<Value>,
    web_link: Option<String>,
    #[serde(deserialize_with = "loose_bool")]
    join_directly: Option<bool>,
    email: Option<String>,
    display_name: Option<String>,
    password: Option<String>,
    /// kaigi's links do not expire: refused when given.
    expiration_minutes: Option<Value>,
    /// kaigi has no webinar registration ids: refused when given.
    registration_id: Option<String>,
    host_email: Option<String>,
    #[serde(deserialize_with = "loose_bool")]
    create_join_link_as_web_link: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    create_start_link_as_web_link: Option<bool>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The meeting the body names, by exactly one of `meetingId`, `meetingNumber` and `webLink`.
async fn meeting_of(state: &RestState, site: &kaigi_core::model::Site, b: &JoinBody) -> RestResult<MeetingRef> {
    let number = match &b.meeting_number {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.replace(' ', "")),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => return Err(Refusal::NotDigits("meetingNumber").into()),
    };
    let id = given(&b.meeting_id);
    let link = given(&b.web_link);
    match (id, number, link) {
        (Some(id), None, None) => match SeriesRef::parse(id) {
            Some(SeriesRef::Instance { .. }) => Err(Refusal::NotSeriesId(id.to_string()).into()),
            Some(r) => Ok(MeetingRef::Uuid(r.series().to_string())),
            None => Err(Refusal::UnknownMeeting.into()),
        },
        (None, Some(n), None) => Ok(MeetingRef::Key(n.parse().map_err(|_| Refusal::NotDigits("meetingNumber"))?)),
        (None, None, Some(link)) => {
            let key = state.kaigi.meeting_by_link(site, link).await?.ok_or(Refusal::UnknownMeeting)?;
            Ok(MeetingRef::Key(key))
        }
        _ => Err(Refusal::ExactlyOne("meetingId, meetingNumber and webLink").into()),
    }
}

/// `POST /v1/meetings/join` → 302 to `joinLink`, or 200 `{joinLink, startLink}` with
/// `joinDirectly: false`. `startLink` only for those who may start the meeting.
pub async fn join(State(state): State<RestState>, Auth(who): Auth, body: Body) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadSchedules)?;
    let b: JoinBody = json_body(body).await?;
    if b.expiration_minutes.as_ref().is_some_and(|v| !v.is_null()) {
        return Err(Refusal::NotKeptLeaveOut("expirationMinutes").into());
    }
    if given(&b.registration_id).is_some() {
        return Err(Refusal::NotKeptLeaveOut("registrationId").into());
    }
    let named = state.kaigi.named_host(&who, given(&b.host_email), Operation::ReadSchedules).await?;
    let site = &who.caller.site;
    let r = meeting_of(&state, site, &b).await?;
    let (email, name) = match (given(&b.email), given(&b.display_name)) {
        (None, Some(_)) => return Err(Refusal::RequiredWith { field: "email", with: "displayName" }.into()),
        (Some(e), n) => (e.to_string(), n.map(str::to_string)),
        // Without an email the link is the caller's own, as the service does.
        (None, None) => {
            let me = who.caller.user().ok_or(Error::AccessDenied)?;
            (me.email.clone(), Some(me.display_name()))
        }
    };
    let (m, links, join_link) =
        state.kaigi.join_url(&who.caller, &r, name.as_deref(), Some(&email), b.password.as_deref()).await?;
    if named.as_ref().is_some_and(|h| h.id != m.host_id) {
        return Err(Refusal::UnknownMeeting.into());
    }
    let start_link = match state.kaigi.host_url(&who.caller, &r).await {
        Ok((_, url)) => Some(url),
        Err(Error::AccessDenied) => None,
        Err(e) => return Err(e.into()),
    };
    let join_link = if b.create_join_link_as_web_link == Some(true) { links.invite.clone() } else { join_link };
    let start_link = start_link.map(|s| if b.create_start_link_as_web_link == Some(true) { links.invite } else { s });
    if b.join_directly != Some(false) {
        return Ok((StatusCode::FOUND, [(header::LOCATION, join_link)]).into_response());
    }
    let mut out = Map::new();
    if let Some(s) = start_link {
        out.insert("startLink".into(), s.into());
    }
    out.insert("joinLink".into(), join_link.into());
    Ok(Json(Value::Object(out)).into_response())
}
