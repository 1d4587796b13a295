//! `GET /v1/admin/meetings?meetingNumber=…|webLink=…` and `GET /v1/admin/meetings/{meetingId}`:
//! an administrator's view of any meeting of the site, the meeting object without what the spec
//! hides from administrators (passwords, host key, links, registration, the access code).

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::{Meeting, MeetingRef, ScheduledOccurrence, SeriesRef, User};
use kaigi_core::rules::schedule::{self, REST_KINDS};
use kaigi_core::rules::scopes::{self, Operation};
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::meetings::{meeting_json, Shown};
use crate::params::{header_zone, Params, PathId};
use crate::RestState;

/// The members of the spec's `MeetingObjectForAdminListMeeting` kaigi answers.
const ADMIN_MEMBERS: [&str; 45] = [
    "allowAnyUserToBeCoHost",
    "allowAuthenticatedDevices",
    "allowFirstUserToBeCoHost",
    "attendeeDidJoin",
    "attendeePrivileges",
    "audioConnectionOptions",
    "automaticLockMinutes",
    "enableAutomaticLock",
    "enableConnectAudioBeforeHost",
    "enabledAudioWatermark",
    "enabledAutoRecordMeeting",
    "enabledBreakoutSessions",
    "enabledJoinBeforeHost",
    "enabledLiveStream",
    "enabledVisualWatermark",
    "enabledWebcastView",
    "end",
    "excludePassword",
    "hostDidJoin",
    "hostDisplayName",
    "hostEmail",
    "hostUserId",
    "id",
    "integrationTags",
    "isModified",
    "joinBeforeHostMinutes",
    "meetingNumber",
    "meetingOptions",
    "meetingSeriesId",
    "meetingType",
    "publicMeeting",
    "recurrence",
    "reminderTime",
    "requireAttendeeLogin",
    "restrictToInvitees",
    "scheduledType",
    "sessionTypeId",
    "simultaneousInterpretation",
    "siteUrl",
    "start",
    "state",
    "timezone",
    "title",
    "trackingCodes",
    "unlockedMeetingJoinSecurity",
];

/// A meeting as an administrator sees it.
fn admin_json(
    state: &RestState,
    who: &kaigi_core::model::TokenCaller,
    m: &Meeting,
    host: &User,
    occurrence: Option<&ScheduledOccurrence>,
    current: bool,
    zone: chrono_tz::Tz,
) -> Value {
    let shown = match occurrence {
        Some(o) => Shown { start: o.start, end: o.end, occurrence: Some(o), list_item: true, zone },
        None => {
            let (start, end) = if current {
                schedule::current_times(m, state.kaigi.now())
            } else {
                (m.start, m.start + schedule::duration_of(m))
            };
            Shown { start, end, occurrence: None, list_item: true, zone }
        }
    };
    let full = meeting_json(state, &who.caller.site, m, host, shown);
    let mut out = serde_json::Map::new();
    if let Value::Object(o) = full {
        for (k, v) in o {
            if ADMIN_MEMBERS.contains(&k.as_str()) {
                out.insert(k, v);
            }
        }
    }
    out.insert("meetingSeriesId".into(), m.uuid.clone().into());
    // The access code is hidden; the call-in numbers (none) stay.
    out.insert("telephony".into(), json!({ "callInNumbers": [] }));
    out.insert("hasRegistration".into(), m.attendee_options.registration.into());
    Value::Object(out)
}

/// `GET /v1/admin/meetings` with exactly one of `meetingNumber` and `webLink`.
pub async fn list(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> RestResult<Response> {
    scopes::require(&who, Operation::AdminReadSchedules)?;
    let params = Params::parse(raw.as_deref())?;
    let zone = header_zone(&headers)?.unwrap_or(chrono_tz::Tz::UTC);
    let current = params.flag("current")?.unwrap_or(false);
    let site = &who.caller.site;
    let key = match (params.named("meetingNumber")?, params.named("webLink")?) {
        (Some(n), None) => Some(n.replace(' ', "").parse::<u64>().map_err(|_| Refusal::NotDigits("meetingNumber"))?),
        (None, Some(link)) => state.kaigi.meeting_by_link(site, link).await?,
        _ => return Err(Refusal::ExactlyOne("meetingNumber and webLink").into()),
    };
    let mut items = Vec::new();
    if let Some(key) = key {
        match state.kaigi.get_meeting(&who.caller, &MeetingRef::Key(key), &REST_KINDS).await {
            Ok((m, host)) => items.push(admin_json(&state, &who, &m, &host, None, current, zone)),
            Err(kaigi_core::Error::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Json(json!({ "items": items })).into_response())
}

/// `GET /v1/admin/meetings/{meetingId}`: a series or one occurrence.
pub async fn get_one(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> RestResult<Response> {
    scopes::require(&who, Operation::AdminReadSchedules)?;
    let params = Params::parse(raw.as_deref())?;
    let zone = header_zone(&headers)?.unwrap_or(chrono_tz::Tz::UTC);
    let current = params.flag("current")?.unwrap_or(false);
    let r = SeriesRef::parse(&id).ok_or(Refusal::UnknownMeeting)?;
    let (m, host, occurrence) = state.kaigi.get_series(&who.caller, &r).await?;
    Ok(Json(admin_json(&state, &who, &m, &host, occurrence.as_ref(), current, zone)).into_response())
}
