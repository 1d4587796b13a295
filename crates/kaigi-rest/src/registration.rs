//! `/v1/meetings/{meetingId}/registration` (a series' registration form: read, turn on or change,
//! turn off) and the registrants in bulk (`/registrants/bulkInsert`, `/query`, `/bulkDelete`), on
//! the same registration options and attendee rows the XML API reads.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::{Attendee, AttendeeStatus, Meeting, RegistrationChange};
use kaigi_core::rules::limits::MAX_BULK;
use kaigi_core::rules::scopes::{self, Operation};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::meetings::{checked_query, host_of, Access, RegistrationBody, REGISTRATION_FORM_FIELDS};
use crate::params::{json_body, loose_bool, PathId};
use crate::registrants::{registrant_json, request_of, series, text_of};
use crate::RestState;

const DEFAULT_MAX: usize = 10;

/// REST switch → registration-form field of the shared model (the XML API's names).
/// `GET /v1/meetings/{meetingId}/registration` and what `PUT` answers.
fn form_json(m: &Meeting) -> Value {
    let mut o = Map::new();
    o.insert("autoAcceptRequest".into(), m.attendee_options.auto.into());
    for name in ["requireFirstName", "requireLastName", "requireEmail"] {
        o.insert(name.into(), true.into());
    }
    for (rest, field) in REGISTRATION_FORM_FIELDS {
        o.insert(rest.into(), m.registration_required.iter().any(|r| r == field).into());
    }
    // kaigi keeps no questions of its own and no approval rules.
    o.insert("customizedQuestions".into(), json!([]));
    o.insert("rules".into(), json!([]));
    Value::Object(o)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct FormBody {
    host_email: Option<String>,
    /// The same members as a meeting's `registration`.
    #[serde(flatten)]
    form: RegistrationBody,
}

impl FormBody {
    fn change(&self) -> RestResult<RegistrationChange> {
        Ok(RegistrationChange {
            auto_accept: self.form.auto_accept(),
            form: self.form.form(false)?,
            max_registrations: self.form.max_registrations(),
        })
    }
}

/// `GET /v1/meetings/{meetingId}/registration`; a series without registration is a 400.
pub async fn get(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    checked_query(&state, &who, raw.as_deref(), Access::Read).await?;
    let m = state.kaigi.registration_of(&who.caller, &series(&id)?).await?;
    Ok(Json(form_json(&m)).into_response())
}

/// `PUT /v1/meetings/{meetingId}/registration`: turns registration on and changes what the body
/// names (the rest of the form stays).
pub async fn put(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    body: Body,
) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteSchedules)?;
    let b: FormBody = json_body(body).await?;
    host_of(&state, &who, b.host_email.as_deref(), Operation::WriteSchedules).await?;
    let series = series(&id)?;
    let m = state.kaigi.set_registration(&who.caller, &series, &b.change()?).await?;
    Ok(Json(form_json(&m)).into_response())
}

/// `DELETE /v1/meetings/{meetingId}/registration` → 204: registration off (registrants stay).
pub async fn delete(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: axum::http::HeaderMap,
) -> RestResult<Response> {
    let params = checked_query(&state, &who, raw.as_deref(), Access::Write).await?;
    // The spec sends hostEmail as a header here.
    let header_host = headers.get("hostEmail").and_then(|v| v.to_str().ok());
    if params.get("hostEmail").is_none() {
        host_of(&state, &who, header_host, Operation::WriteSchedules).await?;
    }
    state.kaigi.clear_registration(&who.caller, &series(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ItemsBody {
    items: Option<Vec<Map<String, Value>>>,
}

/// `POST /v1/meetings/{meetingId}/registrants/bulkInsert` → 200 `{items}`: all or none.
pub async fn bulk_insert(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    checked_query(&state, &who, raw.as_deref(), Access::Write).await?;
    let series = series(&id)?;
    let b: ItemsBody = json_body(body).await?;
    let items = b.items.ok_or(Refusal::Required("items"))?;
    let requests = items.iter().map(request_of).collect::<RestResult<Vec<_>>>()?;
    let added = state.kaigi.register_many(&who.caller, &series, &requests).await?;
    let items: Vec<Value> = added.iter().map(registrant_json).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct QueryBody {
    emails: Option<Vec<String>>,
    status: Option<String>,
    order_type: Option<String>,
    order_by: Option<String>,
}

fn status_name(a: &Attendee) -> &'static str {
    match a.status {
        AttendeeStatus::Pending => "pending",
        AttendeeStatus::Rejected => "rejected",
        _ => "approved",
    }
}

/// `POST /v1/meetings/{meetingId}/registrants/query`: the registrants with the given emails,
/// by status if asked, ordered by registration time unless `orderBy` says otherwise.
pub async fn query(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    let params = checked_query(&state, &who, raw.as_deref(), Access::Read).await?;
    let max = params.number("max")?.map(|m| m as usize).unwrap_or(DEFAULT_MAX);
    if max == 0 || max > MAX_BULK {
        return Err(Refusal::MaxOutOfRange(MAX_BULK).into());
    }
    let series = series(&id)?;
    let b: QueryBody = json_body(body).await?;
    let emails: Vec<String> =
        b.emails.ok_or(Refusal::Required("emails"))?.iter().map(|e| e.trim().to_lowercase()).collect();
    let status = match b.status.as_deref() {
        None => None,
        Some(s @ ("approved" | "pending" | "rejected")) => Some(s),
        Some(_) => {
            return Err(Refusal::NotOneOf { field: "status", allowed: vec!["approved", "pending", "rejected"] }.into())
        }
    };
    let descending = match b.order_type.as_deref() {
        None | Some("ASC") => false,
        Some("DESC") => true,
        Some(_) => return Err(Refusal::NotOneOf { field: "orderType", allowed: vec!["DESC", "ASC"] }.into()),
    };
    let order_by = match b.order_by.as_deref() {
        None => None,
        Some(o @ ("firstName" | "lastName" | "status" | "email")) => Some(o),
        Some(_) => {
            let allowed = vec!["firstName", "lastName", "status", "email"];
            return Err(Refusal::NotOneOf { field: "orderBy", allowed }.into());
        }
    };
    let (_, all) = state.kaigi.registrants_of(&who.caller, &series).await?;
    let mut found: Vec<Attendee> = all
        .into_iter()
        .filter(|a| emails.contains(&a.email.to_lowercase()))
        .filter(|a| status.is_none_or(|s| status_name(a) == s))
        .collect();
    found.sort_by(|a, b| {
        let key = |x: &Attendee| match order_by {
            Some("firstName") => x.first_name.to_lowercase(),
            Some("lastName") => x.last_name.to_lowercase(),
            Some("status") => status_name(x).to_string(),
            Some("email") => x.email.to_lowercase(),
            _ => String::new(),
        };
        key(a).cmp(&key(b)).then(a.submitted_at.cmp(&b.submitted_at)).then(a.id.cmp(&b.id))
    });
    if descending {
        found.reverse();
    }
    let items: Vec<Value> = found.iter().take(max).map(registrant_json).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct DeleteBody {
    #[serde(deserialize_with = "loose_bool")]
    send_email: Option<bool>,
    registrants: Option<Vec<Map<String, Value>>>,
}

/// `POST /v1/meetings/{meetingId}/registrants/bulkDelete` → 204: every id is checked first.
pub async fn bulk_delete(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    checked_query(&state, &who, raw.as_deref(), Access::Write).await?;
    let series = series(&id)?;
    let b: DeleteBody = json_body(body).await?;
    let list = b.registrants.ok_or(Refusal::Required("registrants"))?;
    if list.is_empty() || list.len() > MAX_BULK {
        return Err(Refusal::RegistrantCount(MAX_BULK).into());
    }
    let ids = list
        .iter()
        .map(|r| {
            let id = r.get("id").and_then(text_of).and_then(|t| t.parse().ok());
            Ok(id.ok_or(Refusal::RegistrantWithoutId)?)
        })
        .collect::<RestResult<Vec<i64>>>()?;
    state.kaigi.remove_registrants(&who.caller, &series, &ids, b.send_email.unwrap_or(true)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
