//! `/v1/recordings`, `/v1/admin/recordings`, `/v1/group/recordings` and `/v1/recordingReport`:
//! the recordings the session lifecycle makes (the same ones the XML API's LstRecording lists),
//! with the recycle bin, sharing, and the recording report, on the core's recording use cases.
//!
//! A recording's id is its 32-hex recording UUID (the XML API's `recordingUUID`).

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use kaigi_core::model::{
    RecordingAudience, RecordingFilter, RecordingLookup, RecordingMove, RecordingStatus, RecordingView, SeriesRef,
    SessionKind, TokenCaller,
};
use kaigi_core::rules::scopes::{self, Operation};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::ids;
use crate::meetings::site_matches;
use crate::paging::{link_next, OFFSET};
use crate::params::{format_time, header_zone, json_body, loose_bool, Params, PathId};
use crate::{site_url, RestState};

const DEFAULT_MAX: usize = 10;
const MAX_MAX: usize = 100;
const MAX_IDS: usize = 100;
/// The window a list reads when it names none: the last week.
const DEFAULT_DAYS: i64 = 7;

const FORMATS: [&str; 3] = ["MP4", "ARF", "UPLOADED"];
const SERVICES: [&str; 4] = ["MeetingCenter", "EventCenter", "TrainingCenter", "SupportCenter"];

/// Which shape of a recording an answer carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `/recordings`: with the password and `shareToMe`.
    User,
    /// `/admin/recordings` and `/group/recordings`: with the host, without the password.
    Admin,
}

fn status_name(s: RecordingStatus) -> &'static str {
    match s {
        RecordingStatus::Available => "available",
        RecordingStatus::Deleted => "deleted",
        RecordingStatus::Purged => "purged",
    }
}

fn recording_json(site_url: &str, v: &RecordingView, shape: Shape, zone: Tz) -> Value {
    let r = &v.entry.recording;
    let recorded = v.usage.as_ref().map_or(r.created_at - Duration::seconds(i64::from(r.duration_s)), |u| u.start);
    let meeting_id = match &v.usage {
        Some(u) => format!("{}_I_{}", r.meeting_uuid, u.id),
        None => r.meeting_uuid.clone(),
    };
    let mut out = json!({
        "id": r.recording_uuid,
        "meetingId": meeting_id,
        "meetingSeriesId": r.meeting_uuid,
        "topic": r.name,
        "createTime": format_time(r.created_at, zone),
        "timeRecorded": format_time(recorded, zone),
        "siteUrl": site_url,
        "downloadUrl": r.file_url,
        "playbackUrl": r.stream_url,
        "format": r.format,
        "serviceType": r.kind.service_type(),
        "durationSeconds": r.duration_s,
        "sizeBytes": r.size_kb.saturating_mul(1024),
        "status": status_name(v.entry.status()),
    });
    match shape {
        Shape::User => {
            out["password"] = r.password.clone().unwrap_or_default().into();
            out["shareToMe"] = v.shared_to_me.into();
        }
        Shape::Admin => {
            out["hostDisplayName"] = v.host.display_name().into();
            out["hostEmail"] = v.host.email.clone().into();
        }
    }
    out
}

fn zone_of(headers: &HeaderMap) -> RestResult<Tz> {
    Ok(header_zone(headers)?.unwrap_or(Tz::UTC))
}

/// A `siteUrl` (query or body) must be the caller's site.
fn check_site(state: &RestState, who: &TokenCaller, url: Option<&str>) -> RestResult<()> {
    match url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) if !site_matches(state, &who.caller.site, u) => Err(Refusal::ForeignSite(u.to_string()).into()),
        _ => Ok(()),
    }
}

fn one_of(params: &Params, name: &'static str, allowed: &[&'static str]) -> RestResult<Option<String>> {
    match params.get(name) {
        None => Ok(None),
        Some(v) => match allowed.iter().find(|a| a.eq_ignore_ascii_case(v)) {
            Some(a) => Ok(Some((*a).to_string())),
            None => Err(Refusal::NotOneOf { field: name, allowed: allowed.to_vec() }.into()),
        },
    }
}

/// `[from, to)`: what the request names, else the last week up to now (inclusive).
fn window(state: &RestState, params: &Params, zone: Tz) -> RestResult<(DateTime<Utc>, DateTime<Utc>)> {
    let from = params.time("from", zone)?;
    let to = params.time("to", zone)?;
    let days = Duration::days(DEFAULT_DAYS);
    let (from, to) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (f, f + days),
        (None, Some(t)) => (t - days, t),
        (None, None) => {
            let now = state.kaigi.now() + Duration::seconds(1);
            (now - days, now)
        }
    };
    if to < from {
        return Err(Refusal::NotDateTime("to").into());
    }
    Ok((from, to))
}

fn filter_of(state: &RestState, params: &Params, zone: Tz) -> RestResult<RecordingFilter> {
    let (from, to) = window(state, params, zone)?;
    let (series, instance) = match params.get("meetingId") {
        None => (None, None),
        Some(raw) => match SeriesRef::parse(raw) {
            Some(SeriesRef::Series(s)) => (Some(s), None),
            Some(SeriesRef::Instance { series, number }) => (Some(series), Some(number)),
            Some(SeriesRef::Occurrence { series, .. }) => (Some(series), None),
            None => return Err(Refusal::UnknownMeeting.into()),
        },
    };
    let kinds = match one_of(params, "serviceType", &SERVICES)?.as_deref() {
        None => Vec::new(),
        Some("MeetingCenter") => vec![SessionKind::Meeting, SessionKind::Teleconference],
        Some("EventCenter") => vec![SessionKind::Event],
        Some("TrainingCenter") => vec![SessionKind::Training],
        Some(_) => vec![SessionKind::Support],
    };
    let status = match one_of(params, "status", &["available", "deleted", "purged"])?.as_deref() {
        Some("deleted") => RecordingStatus::Deleted,
        Some("purged") => RecordingStatus::Purged,
        _ => RecordingStatus::Available,
    };
    Ok(RecordingFilter {
        from,
        to,
        series,
        instance,
        topic: params.get("topic").map(str::to_string),
        kinds,
        format: one_of(params, "format", &FORMATS)?,
        integration_tag: params.get("integrationTag").map(str::to_string),
        status,
    })
}

fn max_of(params: &Params) -> RestResult<(usize, usize)> {
    let max = params.number("max")?.map(|m| m as usize).unwrap_or(DEFAULT_MAX);
    if max == 0 || max > MAX_MAX {
        return Err(Refusal::MaxOutOfRange(MAX_MAX).into());
    }
    Ok((max, params.number(OFFSET)?.unwrap_or(0) as usize))
}

/// One page of `items`, rendered by `render`, with the next-page link.
fn page<T>(
    state: &RestState,
    params: &Params,
    path: &str,
    items: &[T],
    render: impl Fn(&T) -> Value,
) -> RestResult<Response> {
    let (max, offset) = max_of(params)?;
    let more = items.len() > offset.saturating_add(max);
    let shown: Vec<Value> = items.iter().skip(offset).take(max).map(render).collect();
    let count = shown.len();
    let mut response = Json(json!({ "items": shown })).into_response();
    link_next(&mut response, &state.kaigi.config().public_url, path, params, offset + count, more);
    Ok(response)
}

/// Whose recordings a `hostEmail` names: the caller's own, or (with the admin scope of `op`)
/// that host's.
async fn audience(
    state: &RestState,
    who: &TokenCaller,
    host_email: Option<&str>,
    op: Operation,
) -> RestResult<RecordingAudience> {
    Ok(match state.kaigi.named_host(who, host_email, op).await? {
        Some(host) => RecordingAudience::Host(Box::new(host)),
        None => RecordingAudience::Own,
    })
}

fn recording_id(raw: &str) -> RestResult<RecordingLookup> {
    let raw = raw.trim();
    if raw.len() == 32 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(RecordingLookup::Id(raw.to_ascii_lowercase()))
    } else {
        Err(Refusal::UnknownRecording.into())
    }
}

/// `GET /v1/recordings`.
pub async fn list(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadRecordings)?;
    let params = Params::parse(raw.as_deref())?;
    let zone = zone_of(&headers)?;
    check_site(&state, &who, params.get("siteUrl"))?;
    let audience = audience(&state, &who, params.named("hostEmail")?, Operation::ReadRecordings).await?;
    let f = filter_of(&state, &params, zone)?;
    let items = state.kaigi.rest_recordings(&who.caller, &audience, &f).await?;
    let site = site_url(&state, &who.caller.site);
    page(&state, &params, "/v1/recordings", &items, |v| recording_json(&site, v, Shape::User, zone))
}

/// `GET /v1/admin/recordings`: every recording of the site.
pub async fn admin_list(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::AdminReadRecordings)?;
    let params = Params::parse(raw.as_deref())?;
    let zone = zone_of(&headers)?;
    check_site(&state, &who, params.get("siteUrl"))?;
    let f = filter_of(&state, &params, zone)?;
    let items = state.kaigi.rest_recordings(&who.caller, &RecordingAudience::Site, &f).await?;
    let site = site_url(&state, &who.caller.site);
    page(&state, &params, "/v1/admin/recordings", &items, |v| recording_json(&site, v, Shape::Admin, zone))
}

/// `GET /v1/recordings/{recordingId}`.
pub async fn get_one(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadRecordings)?;
    let params = Params::parse(raw.as_deref())?;
    let zone = zone_of(&headers)?;
    let which = recording_id(&id)?;
    let audience = audience(&state, &who, params.named("hostEmail")?, Operation::ReadRecordings).await?;
    let v = state.kaigi.rest_recording(&who.caller, &audience, &which).await?;
    Ok(Json(recording_json(&site_url(&state, &who.caller.site), &v, Shape::User, zone)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DeleteBody {
    reason: Option<String>,
    comment: Option<String>,
}

/// A DELETE's optional body: kaigi keeps no reason or comment, so a non-empty one is refused.
async fn delete_body(body: Body) -> RestResult<()> {
    let bytes = axum::body::to_bytes(body, crate::params::MAX_BODY_BYTES)
        .await
        .map_err(|_| Refusal::BodyTooLarge { limit: crate::params::MAX_BODY_BYTES })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let b: DeleteBody = serde_json::from_slice(&bytes).map_err(|e| Refusal::BadJson(e.to_string()))?;
    if b.reason.as_deref().is_some_and(|r| !r.trim().is_empty()) {
        return Err(Refusal::NotKeptLeaveOut("reason").into());
    }
    if b.comment.as_deref().is_some_and(|c| !c.trim().is_empty()) {
        return Err(Refusal::NotKeptLeaveOut("comment").into());
    }
    Ok(())
}

/// `DELETE /v1/recordings/{recordingId}`: gone for good (not into the recycle bin), for both APIs.
pub async fn delete(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteRecordings)?;
    let params = Params::parse(raw.as_deref())?;
    delete_body(body).await?;
    let which = recording_id(&id)?;
    let audience = audience(&state, &who, params.named("hostEmail")?, Operation::WriteRecordings).await?;
    state.kaigi.move_recordings(&who.caller, &audience, &[which], RecordingMove::Delete).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /v1/admin/recordings/{recordingId}`: any recording of the site, gone for good.
pub async fn admin_delete(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    body: Body,
) -> RestResult<Response> {
    scopes::require(&who, Operation::AdminWriteRecordings)?;
    delete_body(body).await?;
    let which = recording_id(&id)?;
    state.kaigi.move_recordings(&who.caller, &RecordingAudience::Site, &[which], RecordingMove::Delete).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct BinBody {
    recording_ids: Option<Vec<String>>,
    site_url: Option<String>,
    #[serde(deserialize_with = "loose_bool")]
    restore_all: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    purge_all: Option<bool>,
}

async fn bin(
    state: &RestState,
    who: &TokenCaller,
    raw: Option<&str>,
    body: Body,
    movement: RecordingMove,
) -> RestResult<Response> {
    scopes::require(who, Operation::WriteRecordings)?;
    let params = Params::parse(raw)?;
    let b: BinBody = json_body(body).await?;
    check_site(state, who, b.site_url.as_deref())?;
    let audience = audience(state, who, params.named("hostEmail")?, Operation::WriteRecordings).await?;
    let ids = b.recording_ids.unwrap_or_default();
    let all = match movement {
        RecordingMove::Restore => b.restore_all.unwrap_or(false).then_some("restoreAll"),
        RecordingMove::Purge => b.purge_all.unwrap_or(false).then_some("purgeAll"),
        _ => None,
    };
    if let Some(field) = all {
        if !ids.is_empty() {
            return Err(Refusal::AllWithIds(field).into());
        }
        state.kaigi.empty_recycle_bin(&who.caller, &audience, movement).await?;
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    if ids.is_empty() || ids.len() > MAX_IDS {
        return Err(Refusal::IdCount { field: "recordingIds", limit: MAX_IDS }.into());
    }
    let which = ids.iter().map(|id| recording_id(id)).collect::<RestResult<Vec<_>>>()?;
    state.kaigi.move_recordings(&who.caller, &audience, &which, movement).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /v1/recordings/softDelete`: into the recycle bin.
pub async fn soft_delete(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    bin(&state, &who, raw.as_deref(), body, RecordingMove::Recycle).await
}

/// `POST /v1/recordings/restore`: out of the recycle bin.
pub async fn restore(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    bin(&state, &who, raw.as_deref(), body, RecordingMove::Restore).await
}

/// `POST /v1/recordings/purge`: from the recycle bin, for good.
pub async fn purge(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    bin(&state, &who, raw.as_deref(), body, RecordingMove::Purge).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ShareBody {
    host_email: Option<String>,
    web_share_link: Option<String>,
    add_emails: Option<Vec<String>>,
    remove_emails: Option<Vec<String>>,
    #[serde(deserialize_with = "loose_bool")]
    send_email: Option<bool>,
}

async fn share(
    state: &RestState,
    who: &TokenCaller,
    which: Option<RecordingLookup>,
    body: Body,
) -> RestResult<Response> {
    scopes::require(who, Operation::WriteRecordings)?;
    let b: ShareBody = json_body(body).await?;
    if b.send_email == Some(true) {
        return Err(Refusal::NotKeptLeaveOut("sendEmail").into());
    }
    let which = match which {
        Some(w) => w,
        None => {
            let link = b.web_share_link.as_deref().map(str::trim).filter(|l| !l.is_empty());
            RecordingLookup::Link(link.ok_or(Refusal::Required("webShareLink"))?.to_string())
        }
    };
    let audience = audience(state, who, b.host_email.as_deref(), Operation::WriteRecordings).await?;
    let add = b.add_emails.unwrap_or_default();
    let remove = b.remove_emails.unwrap_or_default();
    state.kaigi.share_recording(&who.caller, &audience, &which, &add, &remove).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /v1/recordings/{recordingId}/accessList`: share or unshare by id.
pub async fn share_by_id(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    body: Body,
) -> RestResult<Response> {
    let which = recording_id(&id)?;
    share(&state, &who, Some(which), body).await
}

/// `POST /v1/recordings/accessList`: share or unshare by the recording's link.
pub async fn share_by_link(State(state): State<RestState>, Auth(who): Auth, body: Body) -> RestResult<Response> {
    share(&state, &who, None, body).await
}

/// The recordings of the person `personId` names, or of the whole site.
async fn group_audience(state: &RestState, who: &TokenCaller, params: &Params) -> RestResult<RecordingAudience> {
    match params.named("personId")? {
        None => Ok(RecordingAudience::Site),
        Some(id) => {
            let (site, user) = ids::parse_person(id).ok_or(Refusal::UnknownPerson)?;
            if site != who.caller.site.id {
                return Err(Refusal::UnknownPerson.into());
            }
            Ok(RecordingAudience::Host(Box::new(state.kaigi.person(&who.caller, user).await?)))
        }
    }
}

/// `GET /v1/group/recordings`: an administrator's read of a person's (or everyone's) available
/// recordings.
pub async fn group_list(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::AdminReadRecordings)?;
    let params = Params::parse(raw.as_deref())?;
    let zone = zone_of(&headers)?;
    check_site(&state, &who, params.get("siteUrl"))?;
    let audience = group_audience(&state, &who, &params).await?;
    let f = RecordingFilter { status: RecordingStatus::Available, ..filter_of(&state, &params, zone)? };
    let items = state.kaigi.rest_recordings(&who.caller, &audience, &f).await?;
    let site = site_url(&state, &who.caller.site);
    page(&state, &params, "/v1/group/recordings", &items, |v| recording_json(&site, v, Shape::Admin, zone))
}

/// `GET /v1/group/recordings/{recordingId}`.
pub async fn group_get(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::AdminReadRecordings)?;
    let params = Params::parse(raw.as_deref())?;
    let zone = zone_of(&headers)?;
    let which = recording_id(&id)?;
    let audience = group_audience(&state, &who, &params).await?;
    let v = state.kaigi.rest_recording(&who.caller, &audience, &which).await?;
    if v.entry.status() != RecordingStatus::Available {
        return Err(Refusal::UnknownRecording.into());
    }
    Ok(Json(recording_json(&site_url(&state, &who.caller.site), &v, Shape::Admin, zone)).into_response())
}

/// `GET /v1/recordingReport/accessSummary`: the caller's recordings (or a host's) with how often
/// they were viewed and downloaded. kaigi serves no playback, so both are 0.
pub async fn access_summary(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadRecordings)?;
    let params = Params::parse(raw.as_deref())?;
    let zone = zone_of(&headers)?;
    check_site(&state, &who, params.get("siteUrl"))?;
    let audience = audience(&state, &who, params.named("hostEmail")?, Operation::ReadRecordings).await?;
    let (from, to) = window(&state, &params, zone)?;
    let f = RecordingFilter {
        from,
        to,
        series: None,
        instance: None,
        topic: None,
        kinds: Vec::new(),
        format: None,
        integration_tag: None,
        status: RecordingStatus::Available,
    };
    let items = state.kaigi.rest_recordings(&who.caller, &audience, &f).await?;
    let site = site_url(&state, &who.caller.site);
    page(&state, &params, "/v1/recordingReport/accessSummary", &items, |v| {
        let r = &v.entry.recording;
        let recorded = v.usage.as_ref().map_or(r.created_at, |u| u.start);
        json!({
            "recordingId": r.recording_uuid,
            "topic": r.name,
            "timeRecorded": format_time(recorded, zone),
            "siteUrl": site,
            "hostEmail": v.host.email,
            "viewCount": 0,
            "downloadCount": 0,
        })
    })
}

/// `GET /v1/recordingReport/accessDetail?recordingId=…`: who viewed or downloaded it — nobody,
/// as kaigi serves no playback; an unknown recording is a 404.
pub async fn access_detail(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadRecordings)?;
    let params = Params::parse(raw.as_deref())?;
    let id = params.get("recordingId").ok_or(Refusal::Required("recordingId"))?;
    let which = recording_id(id)?;
    let audience = audience(&state, &who, params.named("hostEmail")?, Operation::ReadRecordings).await?;
    max_of(&params)?;
    state.kaigi.rest_recording(&who.caller, &audience, &which).await?;
    Ok(Json(json!({ "items": [] })).into_response())
}

/// `GET /v1/recordingReport/meetingArchiveSummaries`: the site's ended sessions (administrators).
pub async fn archive_summaries(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::AdminReadRecordings)?;
    let params = Params::parse(raw.as_deref())?;
    let zone = zone_of(&headers)?;
    check_site(&state, &who, params.get("siteUrl"))?;
    let (from, to) = window(&state, &params, zone)?;
    let items = state.kaigi.meeting_archives(&who.caller, from, to).await?;
    page(&state, &params, "/v1/recordingReport/meetingArchiveSummaries", &items, |i| {
        json!({
            "archiveId": format!("{}_I_{}", i.usage.uuid, i.usage.id),
            "serviceType": i.usage.kind.service_type(),
            "title": i.usage.name,
            "createTime": format_time(i.usage.end, zone),
        })
    })
}

/// `GET /v1/recordingReport/meetingArchives/{archiveId}`: one ended session with its people;
/// kaigi keeps no chats, polls, Q&A or system information.
pub async fn archive(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    headers: HeaderMap,
) -> RestResult<Response> {
    scopes::require(&who, Operation::AdminReadRecordings)?;
    let zone = zone_of(&headers)?;
    let Some(SeriesRef::Instance { series, number }) = SeriesRef::parse(&id) else {
        return Err(Refusal::UnknownMeeting.into());
    };
    let usage_id = i64::try_from(number).map_err(|_| Refusal::UnknownMeeting)?;
    let a = state.kaigi.meeting_archive(&who.caller, &series, usage_id).await?;
    let participants: Vec<Value> = a
        .attendees
        .iter()
        .map(|p| {
            json!({
                "correlationId": p.id,
                "displayName": p.name,
                "joinedTime": format_time(p.joined_at, zone),
                "leftTime": format_time(p.left_at, zone),
                "email": p.email,
            })
        })
        .collect();
    Ok(Json(json!({
        "archiveId": format!("{}_I_{}", a.usage.uuid, a.usage.id),
        "serviceType": a.usage.kind.service_type(),
        "title": a.usage.name,
        "start": format_time(a.usage.start, zone),
        "end": format_time(a.usage.end, zone),
        "hostDisplayName": a.host.display_name(),
        "hostEmail": a.host.email,
        "participants": participants,
        "chats": [],
        "polls": [],
        "qas": [],
        "systemInfos": [],
    }))
    .into_response())
}
