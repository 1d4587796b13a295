//! `/v1/meetingParticipants`: the people of a meeting's running or ended session, read from the
//! lifecycle's join and leave records (the ones the XML API's attendee history is written from);
//! a host mutes, expels and admits them (from the lobby of a meeting a host locked in the meeting
//! page, docs/media.md). kaigi places no calls: calling out is refused with an error that says so.
//!
//! A participant's id is `<meeting series id>_P_<n>`: it stays the same while the session runs
//! and after it ended (kaigi's choice; the vendor's ids are opaque).

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono_tz::Tz;
use kaigi_core::model::{ParticipantChange, ParticipantItem, ParticipantQuery, Role, SeriesRef, TokenCaller};
use kaigi_core::rules::scopes::{self, Operation};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::ids;
use crate::paging::{link_next, OFFSET};
use crate::params::{format_time, header_zone, json_body, loose_bool, Params, PathId};
use crate::{site_url, RestState};

const DEFAULT_MAX: usize = 10;
const MAX_MAX: usize = 100;
const MAX_ADMIT: usize = 100;

/// The series and, for an ended session, its number that a `meetingId` names.
fn meeting_of(raw: Option<&str>) -> RestResult<(String, Option<u64>)> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty()).ok_or(Refusal::Required("meetingId"))?;
    match SeriesRef::parse(raw) {
        Some(SeriesRef::Series(s)) => Ok((s, None)),
        Some(SeriesRef::Instance { series, number }) => Ok((series, Some(number))),
        Some(SeriesRef::Occurrence { .. }) => Err(Refusal::NotSeriesId(raw.to_string()).into()),
        None => Err(Refusal::UnknownMeeting.into()),
    }
}

pub fn participant_id(series: &str, n: i64) -> String {
    format!("{series}_P_{n}")
}

fn parse_participant_id(id: &str) -> RestResult<(String, i64)> {
    let (series, n) = id.trim().rsplit_once("_P_").ok_or(Refusal::UnknownParticipant)?;
    match (SeriesRef::parse(series), n.parse::<i64>()) {
        (Some(SeriesRef::Series(s)), Ok(n)) if n > 0 => Ok((s, n)),
        _ => Err(Refusal::UnknownParticipant.into()),
    }
}

/// The fields every answer shares (the PUT answer has only these).
fn common_json(site_url: &str, p: &ParticipantItem) -> serde_json::Map<String, Value> {
    let live = p.usage.is_none() && p.participant.left_at.is_none();
    let meeting_id = match &p.usage {
        Some(u) => format!("{}_I_{}", p.meeting.uuid, u.id),
        None => p.meeting.uuid.clone(),
    };
    let site = ids::org(p.meeting.site_id);
    let v = json!({
        "id": participant_id(&p.meeting.uuid, p.participant.id),
        "orgId": site,
        "host": p.participant.role == Role::Host,
        "coHost": p.co_host,
        "spaceModerator": false,
        "email": p.participant.email,
        "displayName": p.participant.name,
        "invitee": p.invitee,
        "muted": p.muted,
        "video": "off",
        "state": match (live, p.participant.in_lobby) {
            (true, true) => "lobby",
            (true, false) => "joined",
            (false, _) => "end",
        },
        "siteUrl": site_url,
        "meetingId": meeting_id,
        "hostEmail": p.host.email,
        "devices": [],
    });
    match v {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

fn participant_json(site_url: &str, p: &ParticipantItem, zone: Tz) -> Value {
    let mut m = common_json(site_url, p);
    if let Some(start) = p.session_start {
        m.insert("meetingStartTime".into(), format_time(start, zone).into());
    }
    m.insert("joinedTime".into(), format_time(p.participant.joined_at, zone).into());
    if let Some(left) = p.participant.left_at {
        m.insert("leftTime".into(), format_time(left, zone).into());
    }
    Value::Object(m)
}

fn zone_of(headers: &HeaderMap) -> RestResult<Tz> {
    Ok(header_zone(headers)?.unwrap_or(Tz::UTC))
}

fn window(params: &Params, zone: Tz, q: &mut ParticipantQuery) -> RestResult<()> {
    q.session_start_from = params.time("meetingStartTimeFrom", zone)?;
    q.session_start_to = params.time("meetingStartTimeTo", zone)?;
    Ok(())
}

fn page(
    state: &RestState,
    who: &TokenCaller,
    items: &[ParticipantItem],
    params: &Params,
    path: &str,
    zone: Tz,
) -> RestResult<Response> {
    let max = params.number("max")?.map(|m| m as usize).unwrap_or(DEFAULT_MAX);
    if max == 0 || max > MAX_MAX {
        return Err(Refusal::MaxOutOfRange(MAX_MAX).into());
    }
    let offset = params.number(OFFSET)?.unwrap_or(0) as usize;
    let more = items.len() > offset.saturating_add(max);
    let site = site_url(state, &who.caller.site);
    let shown: Vec<Value> = items.iter().skip(offset).take(max).map(|p| participant_json(&site, p, zone)).collect();
    let count = shown.len();
    let mut response = Json(json!({ "items": shown })).into_response();
    link_next(&mut response, &state.kaigi.config().public_url, path, params, offset + count, more);
    Ok(response)
}

async fn listed(
    state: &RestState,
    who: &TokenCaller,
    params: &Params,
    zone: Tz,
    mut q: ParticipantQuery,
) -> RestResult<Vec<ParticipantItem>> {
    scopes::require(who, Operation::ReadParticipants)?;
    let (series, instance) = meeting_of(params.get("meetingId"))?;
    q.instance = instance;
    window(params, zone, &mut q)?;
    let host_email = params.named("hostEmail")?;
    let items = state.kaigi.meeting_participants(who, &series, host_email, &q).await?;
    // kaigi's sessions have no breakout sessions: nobody was in one.
    if params.get("breakoutSessionId").is_some() {
        return Ok(Vec::new());
    }
    Ok(items)
}

/// `GET /v1/meetingParticipants?meetingId=…`.
pub async fn list(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    let zone = zone_of(&headers)?;
    let q = ParticipantQuery {
        joined_from: params.time("joinTimeFrom", zone)?,
        joined_to: params.time("joinTimeTo", zone)?,
        ..ParticipantQuery::default()
    };
    let items = listed(&state, &who, &params, zone, q).await?;
    page(&state, &who, &items, &params, "/v1/meetingParticipants", zone)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct QueryBody {
    emails: Option<Vec<String>>,
    join_time_from: Option<String>,
    join_time_to: Option<String>,
}

/// `POST /v1/meetingParticipants/query?meetingId=…` with `{"emails": [...]}`.
pub async fn query(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadParticipants)?;
    let params = Params::parse(raw.as_deref())?;
    let zone = zone_of(&headers)?;
    let b: QueryBody = json_body(body).await?;
    let time = |v: &Option<String>, name: &'static str| -> RestResult<Option<chrono::DateTime<chrono::Utc>>> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => crate::params::parse_time(s, zone).map(Some).ok_or_else(|| Refusal::NotDateTime(name).into()),
        }
    };
    let emails: Vec<String> = b.emails.unwrap_or_default().iter().map(|e| e.trim().to_lowercase()).collect();
    if emails.is_empty() {
        return Err(Refusal::Required("emails").into());
    }
    let q = ParticipantQuery {
        joined_from: time(&b.join_time_from, "joinTimeFrom")?,
        joined_to: time(&b.join_time_to, "joinTimeTo")?,
        emails: Some(emails),
        ..ParticipantQuery::default()
    };
    let items = listed(&state, &who, &params, zone, q).await?;
    page(&state, &who, &items, &params, "/v1/meetingParticipants/query", zone)
}

/// `GET /v1/meetingParticipants/{participantId}`.
pub async fn get_one(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadParticipants)?;
    let params = Params::parse(raw.as_deref())?;
    let zone = zone_of(&headers)?;
    let (series, n) = parse_participant_id(&id)?;
    let p = state.kaigi.meeting_participant(&who, &series, n, params.named("hostEmail")?).await?;
    Ok(Json(participant_json(&site_url(&state, &who.caller.site), &p, zone)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ChangeBody {
    #[serde(deserialize_with = "loose_bool")]
    muted: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    admit: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    expel: Option<bool>,
}

/// `PUT /v1/meetingParticipants/{participantId}`: `muted`, `admit`, `expel` (expel wins).
pub async fn put(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    body: Body,
) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteParticipants)?;
    let b: ChangeBody = json_body(body).await?;
    let (series, n) = parse_participant_id(&id)?;
    let change = ParticipantChange { muted: b.muted, admit: b.admit, expel: b.expel };
    let p = state.kaigi.change_participant(&who, &series, n, &change).await?;
    Ok(Json(Value::Object(common_json(&site_url(&state, &who.caller.site), &p))).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct AdmitItem {
    participant_id: Option<String>,
    breakout_session_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AdmitBody {
    items: Option<Vec<AdmitItem>>,
}

/// `POST /v1/meetingParticipants/admit`: lets participants waiting in a locked meeting's lobby
/// in; nobody is admitted unless every one named is waiting (409 naming the lobby otherwise).
pub async fn admit(State(state): State<RestState>, Auth(who): Auth, body: Body) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteParticipants)?;
    let b: AdmitBody = json_body(body).await?;
    let items = b.items.unwrap_or_default();
    if items.is_empty() || items.len() > MAX_ADMIT {
        return Err(Refusal::IdCount { field: "items", limit: MAX_ADMIT }.into());
    }
    let mut ids = Vec::new();
    for item in &items {
        if item.breakout_session_id.as_deref().is_some_and(|s| !s.trim().is_empty()) {
            return Err(Refusal::NotKeptLeaveOut("breakoutSessionId").into());
        }
        let raw = item.participant_id.as_deref().ok_or(Refusal::Required("participantId"))?;
        ids.push(parse_participant_id(raw)?);
    }
    state.kaigi.admit_participants(&who, &ids).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct CallOutBody {
    address: Option<String>,
    display_name: Option<String>,
    participant_id: Option<String>,
}

fn given(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// `POST /v1/meetingParticipants/callout`: kaigi dials nothing.
pub async fn callout(Auth(who): Auth, body: Body) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteParticipants)?;
    let b: CallOutBody = json_body(body).await?;
    if !given(&b.address) {
        return Err(Refusal::Required("address").into());
    }
    if !given(&b.display_name) {
        return Err(Refusal::Required("displayName").into());
    }
    Err(Refusal::NoCallOut.into())
}

/// `POST /v1/meetingParticipants/cancelCallout`: there is never a call to cancel.
pub async fn cancel_callout(Auth(who): Auth, body: Body) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteParticipants)?;
    let b: CallOutBody = json_body(body).await?;
    if !given(&b.participant_id) {
        return Err(Refusal::Required("participantId").into());
    }
    Err(Refusal::NoCallOut.into())
}
