//! `/v1/meetingReports/usage` and `/v1/meetingReports/attendees`: the ended sessions and their
//! attendees, the same records and figures as the XML API's LstmeetingusageHistory and
//! LstmeetingattendeeHistory (read through the same use cases), newest first, paged.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use kaigi_core::model::{HistoryOrder, HistoryQuery, Role, SessionKind, TokenCaller, UsageRecord};
use kaigi_core::rules::scopes::{self, Operation};
use kaigi_core::Error;
use serde_json::{json, Value};

use crate::error::{Refusal, RestResult};
use crate::params::{format_time, header_zone, Params};
use crate::site_config::{check_site, one_of};
use crate::{auth::Auth, paging, RestState};

/// Longest report window, in days, and the default one.
const MAX_WINDOW_DAYS: i64 = 30;
const DEFAULT_WINDOW_DAYS: i64 = 7;
/// Largest `max`, and the default.
const MAX_PAGE: u64 = 1000;
const DEFAULT_PAGE: u64 = 10;

fn service_wire(k: SessionKind) -> &'static str {
    match k {
        SessionKind::Event => "EventCenter",
        SessionKind::Training => "TrainingCenter",
        SessionKind::Support => "SupportCenter",
        SessionKind::Meeting | SessionKind::Teleconference => "MeetingCenter",
    }
}

/// The report window: `from` and `to` as given, else a week before `to` or after `from`, else the
/// last week; `from` after `to` or more than 30 days apart is a 400.
fn window(params: &Params, zone: Tz, now: DateTime<Utc>) -> RestResult<(DateTime<Utc>, DateTime<Utc>)> {
    let from = params.time("from", zone)?;
    let to = params.time("to", zone)?;
    let week = Duration::days(DEFAULT_WINDOW_DAYS);
    let (from, to) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (f, f + week),
        (None, Some(t)) => (t - week, t),
        (None, None) => (now - week, now),
    };
    if from > to || to - from > Duration::days(MAX_WINDOW_DAYS) {
        return Err(Refusal::ReportWindow { days: MAX_WINDOW_DAYS }.into());
    }
    Ok((from, to))
}

fn page_size(params: &Params) -> RestResult<usize> {
    let max = params.number("max")?.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&max) {
        return Err(Refusal::MaxOutOfRange(MAX_PAGE as usize).into());
    }
    Ok(max as usize)
}

fn offset(params: &Params) -> RestResult<usize> {
    Ok(params.number(paging::OFFSET)?.unwrap_or(0) as usize)
}

/// Everything the query selects, or nothing (the history use cases answer "no records" as an
/// error, as the XML API needs).
fn all_of<T>(r: Result<kaigi_core::model::Page<T>, Error>) -> RestResult<Vec<T>> {
    match r {
        Ok(page) => Ok(page.items),
        Err(Error::NoRecords) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

fn instance_id(u: &UsageRecord) -> String {
    format!("{}_I_{}", u.uuid, u.id)
}

fn paged(state: &RestState, path: &str, params: &Params, items: Vec<Value>, offset: usize, max: usize) -> Response {
    let more = items.len() > offset.saturating_add(max);
    let page: Vec<Value> = items.into_iter().skip(offset).take(max).collect();
    let mut response = Json(json!({ "items": page })).into_response();
    paging::link_next(&mut response, &state.kaigi.config().public_url, path, params, offset + max, more);
    response
}

/// `GET /v1/meetingReports/usage?siteUrl=…`: the site's ended sessions of one service
/// (`MeetingCenter` by default), newest first.
pub async fn usage(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadUsageReports)?;
    let params = Params::parse(raw.as_deref())?;
    let site = &who.caller.site;
    check_site(&state, site, Some(params.get("siteUrl").ok_or(Refusal::Required("siteUrl"))?))?;
    let zone = header_zone(&headers)?.unwrap_or(Tz::UTC);
    let kinds = [SessionKind::Meeting, SessionKind::Event, SessionKind::Support, SessionKind::Training];
    let kind = match params.get("serviceType") {
        None => SessionKind::Meeting,
        Some(s) => one_of("serviceType", s, &kinds, service_wire)?,
    };
    let (from, to) = window(&params, zone, state.kaigi.now())?;
    let (max, offset) = (page_size(&params)?, offset(&params)?);
    let mut kinds = vec![kind];
    if kind == SessionKind::Meeting {
        kinds.push(SessionKind::Teleconference);
    }
    let q = HistoryQuery {
        kinds,
        start_from: Some(from),
        start_to: Some(to),
        order: vec![(HistoryOrder::StartTime, true)],
        limit: u32::MAX,
        ..HistoryQuery::default()
    };
    let items: Vec<Value> = all_of(state.kaigi.usage_history(&who.caller, &q).await)?
        .iter()
        .map(|i| {
            let u = &i.usage;
            json!({
                "meetingId": instance_id(u),
                "meetingNumber": u.meeting_key.to_string(),
                "meetingTitle": u.name,
                "start": format_time(u.start, zone),
                "end": format_time(u.end, zone),
                "duration": u.duration_minutes,
                "scheduledType": if u.kind == SessionKind::Event { "webinar" } else { "meeting" },
                "hostDisplayName": i.host.display_name(),
                "hostEmail": i.host.email,
                "totalPeopleMinutes": u.total_people_minutes,
                "totalCallInMinutes": 0,
                "totalCallOutDomestic": 0,
                "totalCallInTollFreeMinutes": 0,
                "totalCallOutInternational": 0,
                "totalVoipMinutes": 0,
                "totalParticipants": u.total_participants,
                "totalParticipantsVoip": 0,
                "totalParticipantsCallIn": 0,
                "totalParticipantsCallOut": 0,
                "peakAttendee": u.total_participants,
                "serviceType": service_wire(u.kind),
            })
        })
        .collect();
    Ok(paged(&state, "/v1/meetingReports/usage", &params, items, offset, max))
}

/// Whether the token reads every host's sessions or only its user's own.
fn reads_all(who: &TokenCaller) -> bool {
    scopes::for_others(who, Operation::ReadSchedules)
}

/// `GET /v1/meetingReports/attendees?siteUrl=…&meetingId=…`: the attendees of the ended
/// sessions of one meeting (an instance or a series id, a meeting number or a title), by session,
/// newest first. Hosts see their own meetings; administrators every meeting of the site.
pub async fn attendees(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadSchedules)?;
    let params = Params::parse(raw.as_deref())?;
    let site = &who.caller.site;
    check_site(&state, site, Some(params.get("siteUrl").ok_or(Refusal::Required("siteUrl"))?))?;
    let zone = header_zone(&headers)?.unwrap_or(Tz::UTC);
    let (from, to) = window(&params, zone, state.kaigi.now())?;
    let (max, offset) = (page_size(&params)?, offset(&params)?);
    let mut q = HistoryQuery {
        start_from: Some(from),
        start_to: Some(to),
        order: vec![(HistoryOrder::StartTime, true)],
        limit: u32::MAX,
        ..HistoryQuery::default()
    };
    if !reads_all(&who) {
        q.host_webex_id = Some(who.user().webex_id.clone());
    }
    // The first of meetingId, meetingNumber and meetingTitle decides, as the spec says.
    let mut series: Option<String> = None;
    let mut instance: Option<(String, i64)> = None;
    if let Some(id) = params.get("meetingId") {
        match id.split_once("_I_") {
            Some((uuid, n)) => instance = Some((uuid.to_string(), n.parse().map_err(|_| Refusal::UnknownMeeting)?)),
            None => series = Some(id.to_string()),
        }
    } else if let Some(n) = params.get("meetingNumber") {
        q.meeting_key = Some(n.replace(' ', "").parse().map_err(|_| Refusal::NotDigits("meetingNumber"))?);
    } else if let Some(title) = params.get("meetingTitle") {
        q.conf_name = Some(title.to_string());
    } else {
        return Err(Refusal::ReportMeetingRequired.into());
    }
    let mut found = all_of(state.kaigi.attendee_history(&who.caller, &q).await)?;
    found.retain(|a| {
        series.as_ref().is_none_or(|s| a.usage.uuid.eq_ignore_ascii_case(s))
            && instance.as_ref().is_none_or(|(uuid, n)| a.usage.uuid.eq_ignore_ascii_case(uuid) && a.usage.id == *n)
    });
    // Grouped by session (newest first), each group newest joiner first.
    found.sort_by(|a, b| {
        b.usage
            .start
            .cmp(&a.usage.start)
            .then(b.usage.id.cmp(&a.usage.id))
            .then(b.attendee.joined_at.cmp(&a.attendee.joined_at))
    });
    let items: Vec<Value> = found
        .iter()
        .map(|i| {
            let (u, a) = (&i.usage, &i.attendee);
            json!({
                "meetingId": instance_id(u),
                "meetingNumber": u.meeting_key,
                "meetingTitle": u.name,
                "displayName": a.name,
                "email": a.email,
                "joinedTime": format_time(a.joined_at, zone),
                "leftTime": format_time(a.left_at, zone),
                "duration": a.duration_minutes,
                "participantType": if a.role == Role::Host { "host" } else { "attendee" },
                "ipAddress": a.ip_address,
                "clientAgent": a.client_agent,
            })
        })
        .collect();
    Ok(paged(&state, "/v1/meetingReports/attendees", &params, items, offset, max))
}
