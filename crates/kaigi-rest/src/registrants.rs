//! `/v1/meetings/{meetingId}/registrants`: registering for a series whose registration is on,
//! listing, reading and removing registrants, and approving, rejecting or cancelling them.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::{Attendee, AttendeeStatus, RegistrantRequest, SeriesRef};
use kaigi_core::rules::scopes::{self, Operation};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::meetings::{checked_query, host_of, Access};
use crate::paging::{link_next, OFFSET};
use crate::params::{json_body, loose_bool, Params, PathId, PathIds};
use crate::RestState;

const DEFAULT_MAX: usize = 10;
const MAX_MAX: usize = 100;

/// REST field → registration-form field of the shared attendee model.
pub(crate) const PROFILE_FIELDS: [(&str, &str); 10] = [
    ("jobTitle", "title"),
    ("companyName", "company"),
    ("address1", "address1"),
    ("address2", "address2"),
    ("city", "city"),
    ("state", "state"),
    ("zipCode", "postalCode"),
    ("countryRegion", "country"),
    ("workPhone", "phone"),
    ("fax", "fax"),
];

pub(crate) fn series(id: &str) -> RestResult<String> {
    match SeriesRef::parse(id) {
        Some(SeriesRef::Series(s)) => Ok(s),
        Some(_) => Err(Refusal::NotSeriesId(id.to_string()).into()),
        None => Err(Refusal::UnknownMeeting.into()),
    }
}

fn registrant_id(id: &str) -> RestResult<i64> {
    Ok(id.trim().parse().map_err(|_| Refusal::UnknownAttendee)?)
}

fn status(a: &Attendee) -> &'static str {
    match a.status {
        AttendeeStatus::Pending => "pending",
        AttendeeStatus::Rejected => "rejected",
        _ => "approved",
    }
}

pub(crate) fn registrant_json(a: &Attendee) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(a.id.to_string()));
    o.insert("status".into(), json!(status(a)));
    o.insert("firstName".into(), json!(a.first_name));
    o.insert("lastName".into(), json!(a.last_name));
    o.insert("email".into(), json!(a.email));
    for (rest, form) in PROFILE_FIELDS {
        if let Some(v) = a.profile.get(form).filter(|v| !v.is_empty()) {
            // The spec types zipCode as a number: kaigi keeps the text and answers a number only
            // when that number writes the same text back ("02134" stays a string; kaigi's choice).
            let exact = serde_json::from_str::<serde_json::Number>(v).ok().filter(|n| n.to_string() == *v);
            let value = match exact {
                Some(n) if rest == "zipCode" => json!(n),
                _ => json!(v),
            };
            o.insert(rest.into(), value);
        }
    }
    o.insert("registrationTime".into(), json!(a.submitted_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()));
    Value::Object(o)
}

/// The registration form; string or number values are both accepted.
pub(crate) fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct DecisionBody {
    #[serde(deserialize_with = "loose_bool")]
    send_email: Option<bool>,
    registrants: Vec<IdBody>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct IdBody {
    id: Value,
}

/// One registrant of a request body (a registration form's answers).
pub(crate) fn request_of(form: &Map<String, Value>) -> RestResult<RegistrantRequest> {
    // Answers to a registration form's own questions: kaigi keeps no such questions yet, so an
    // answer to one is refused by name rather than dropped.
    if form.get("customizedQuestions").is_some_and(|q| q.as_array().is_none_or(|a| !a.is_empty())) {
        return Err(Refusal::NotKeptSendNone("customizedQuestions").into());
    }
    let get = |k: &str| form.get(k).and_then(text_of).unwrap_or_default();
    let mut profile = std::collections::BTreeMap::new();
    for (rest, field) in PROFILE_FIELDS {
        let v = get(rest);
        if !v.is_empty() {
            profile.insert(field.to_string(), v);
        }
    }
    let send_email = form.get("sendEmail").and_then(|v| match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => crate::params::parse_bool(s),
        _ => None,
    });
    let req = RegistrantRequest {
        first_name: get("firstName"),
        last_name: get("lastName"),
        email: get("email"),
        profile,
        send_email: send_email.unwrap_or(true),
    };
    Ok(req)
}

/// `POST /v1/meetings/{meetingId}/registrants` → 200 and the registrant.
pub async fn create(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteSchedules)?;
    host_of(&state, &who, Params::parse(raw.as_deref())?.get("hostEmail"), Operation::WriteSchedules).await?;
    let series = series(&id)?;
    let form: Map<String, Value> = json_body(body).await?;
    let req = request_of(&form)?;
    let a = state.kaigi.register(&who.caller, &series, &req).await?;
    Ok(Json(registrant_json(&a)).into_response())
}

/// `GET /v1/meetings/{meetingId}/registrants`.
pub async fn list(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let params = checked_query(&state, &who, raw.as_deref(), Access::Read).await?;
    let series = series(&id)?;
    let max = params.number("max")?.map(|m| m as usize).unwrap_or(DEFAULT_MAX);
    if max == 0 || max > MAX_MAX {
        return Err(Refusal::MaxOutOfRange(MAX_MAX).into());
    }
    let offset = params.number(OFFSET)?.unwrap_or(0) as usize;
    let email = params.get("email").map(str::to_lowercase);
    // The spec's registration-time window (ISO 8601; UTC unless the time says otherwise).
    let from = params.time("registrationTimeFrom", chrono_tz::Tz::UTC)?;
    let to = params.time("registrationTimeTo", chrono_tz::Tz::UTC)?;
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(Refusal::RegistrationWindowReversed.into());
        }
    }
    let (_, all) = state.kaigi.registrants_of(&who.caller, &series).await?;
    let all: Vec<Attendee> = all
        .into_iter()
        .filter(|a| email.as_deref().is_none_or(|e| a.email == e))
        .filter(|a| from.is_none_or(|f| a.submitted_at >= f) && to.is_none_or(|t| a.submitted_at <= t))
        .collect();
    let more = all.len() > offset.saturating_add(max);
    let items: Vec<Value> = all.iter().skip(offset).take(max).map(registrant_json).collect();
    let count = items.len();
    let mut response = Json(json!({ "items": items })).into_response();
    let path = format!("/v1/meetings/{series}/registrants");
    link_next(&mut response, &state.kaigi.config().public_url, &path, &params, offset + count, more);
    Ok(response)
}

/// `GET /v1/meetings/{meetingId}/registrants/{registrantId}`.
pub async fn get_one(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathIds(id, rid): PathIds,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadSchedules)?;
    let (_, a) = state.kaigi.series_attendee(&who.caller, &series(&id)?, registrant_id(&rid)?, true).await?;
    Ok(Json(registrant_json(&a)).into_response())
}

/// `DELETE /v1/meetings/{meetingId}/registrants/{registrantId}` → 204.
pub async fn delete(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathIds(id, rid): PathIds,
) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteSchedules)?;
    state.kaigi.remove_series_attendee(&who.caller, &series(&id)?, registrant_id(&rid)?, true, false).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn decide(
    state: RestState,
    who: kaigi_core::model::TokenCaller,
    id: String,
    body: Body,
    what: &str,
) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteSchedules)?;
    let series = series(&id)?;
    let b: DecisionBody = json_body(body).await?;
    if b.registrants.is_empty() || b.registrants.len() > MAX_MAX {
        return Err(Refusal::RegistrantCount(MAX_MAX).into());
    }
    let ids = b
        .registrants
        .iter()
        .map(|r| Ok(text_of(&r.id).and_then(|t| t.parse().ok()).ok_or(Refusal::RegistrantWithoutId)?))
        .collect::<RestResult<Vec<i64>>>()?;
    match what {
        "approve" => state.kaigi.decide_registrants(&who.caller, &series, &ids, true).await?,
        "reject" => state.kaigi.decide_registrants(&who.caller, &series, &ids, false).await?,
        _ => {
            for rid in ids {
                let send = b.send_email.unwrap_or(true);
                state.kaigi.remove_series_attendee(&who.caller, &series, rid, true, send).await?;
            }
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /v1/meetings/{meetingId}/registrants/approve` → 204.
pub async fn approve(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    body: Body,
) -> RestResult<Response> {
    decide(state, who, id, body, "approve").await
}

/// `POST /v1/meetings/{meetingId}/registrants/reject` → 204.
pub async fn reject(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    body: Body,
) -> RestResult<Response> {
    decide(state, who, id, body, "reject").await
}

/// `POST /v1/meetings/{meetingId}/registrants/cancel` → 204: the registrations are removed.
pub async fn cancel(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    body: Body,
) -> RestResult<Response> {
    decide(state, who, id, body, "cancel").await
}
