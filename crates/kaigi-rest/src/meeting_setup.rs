//! A meeting series' setup over REST, kept with the meeting by the core (`app/scheduling/setup.rs`):
//! - `/meetings/{meetingId}/simultaneousInterpretation` (PUT) and `/interpreters[/{interpreterId}]`;
//! - `/meetings/{meetingId}/breakoutSessions` (GET, PUT, DELETE);
//! - `/meetings/{meetingId}/invitationSources` (GET, POST; webinars only).
//!
//! kaigi keeps these per meeting series: a scheduled meeting of a single meeting stands for its
//! series; one of a recurring series reads its series' setup and may not change it alone (400);
//! an ended instance reads its series' interpreters and no breakout sessions (kaigi's sessions
//! hold none); instances are never changed. kaigi sends no mails for these (`sendEmail` is read
//! and has nothing to do).

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::{
    BreakoutRequest, BreakoutSession, InterpreterRequest, InvitationSource, InvitationSourceRequest, Meeting,
    SeriesRef, TokenCaller, WriteTarget,
};
use kaigi_core::rules::links;
use kaigi_core::rules::scopes::{self, Operation};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::interpretation_json::{interpretation_of, interpreter_out, InterpreterOut};
use crate::meetings::{checked_query, host_of, Access};
use crate::params::{json_body, loose_bool, Params, PathId, PathIds};
use crate::{ids, RestState};

fn breakout_json(s: &BreakoutSession) -> Value {
    json!({ "id": s.id, "name": s.name, "invitees": s.invitees })
}

/// Checks the scope and a `hostEmail` given in the query or, as the spec sends it for some of
/// these, as a header.
async fn checked(
    state: &RestState,
    who: &TokenCaller,
    raw: Option<&str>,
    headers: &HeaderMap,
    access: Access,
) -> RestResult<Params> {
    let params = checked_query(state, who, raw, access).await?;
    if params.get("hostEmail").is_none() {
        let op = match access {
            Access::Read => Operation::ReadSchedules,
            Access::Write => Operation::WriteSchedules,
        };
        let header = headers.get("hostEmail").and_then(|v| v.to_str().ok());
        host_of(state, who, header, op).await?;
    }
    Ok(params)
}

/// What a read names: the series, and whether the id was an ended instance's.
async fn read_target(state: &RestState, who: &TokenCaller, id: &str) -> RestResult<(String, bool)> {
    match SeriesRef::parse(id).ok_or(Refusal::UnknownMeeting)? {
        SeriesRef::Series(s) => Ok((s, false)),
        r @ SeriesRef::Occurrence { .. } => {
            let (m, _, _) = state.kaigi.get_series(&who.caller, &r).await?;
            Ok((m.uuid, false))
        }
        SeriesRef::Instance { series, number } => {
            state.kaigi.instance(&who.caller, &series, number).await?;
            Ok((series, true))
        }
    }
}

/// What a change names: a series, or the one scheduled meeting of a single meeting.
async fn write_target(state: &RestState, who: &TokenCaller, id: &str) -> RestResult<String> {
    let r = SeriesRef::parse(id).ok_or(Refusal::UnknownMeeting)?;
    match state.kaigi.write_target(&who.caller, &r).await? {
        WriteTarget::Series(s) => Ok(s),
        WriteTarget::Occurrence { .. } => Err(Refusal::SetupPerSeries(id.to_string()).into()),
    }
}

// ------------------------------------------------------------------ interpreters

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct InterpreterBody {
    language_code1: Option<String>,
    language_code2: Option<String>,
    email: Option<String>,
    display_name: Option<String>,
    host_email: Option<String>,
    #[serde(deserialize_with = "loose_bool")]
    send_email: Option<bool>,
}

impl InterpreterBody {
    /// The interpreter asked for; `nested` when it is an item of `interpreters`.
    fn request(&self, nested: bool) -> RestResult<InterpreterRequest> {
        let required = |v: &Option<String>, name: &'static str, in_list: &'static str| -> RestResult<String> {
            v.clone().ok_or_else(|| Refusal::Required(if nested { in_list } else { name }).into())
        };
        Ok(InterpreterRequest {
            language1: required(&self.language_code1, "languageCode1", "interpreters.languageCode1")?,
            language2: required(&self.language_code2, "languageCode2", "interpreters.languageCode2")?,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
        })
    }
}

/// `PUT /v1/meetings/{meetingId}/simultaneousInterpretation`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct InterpretationBody {
    #[serde(deserialize_with = "loose_bool")]
    enabled: Option<bool>,
    interpreters: Option<Vec<InterpreterBody>>,
    host_email: Option<String>,
}

pub async fn put_interpretation(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> RestResult<Response> {
    checked(&state, &who, raw.as_deref(), &headers, Access::Write).await?;
    let b: InterpretationBody = json_body(body).await?;
    host_of(&state, &who, b.host_email.as_deref(), Operation::WriteSchedules).await?;
    let enabled = b.enabled.ok_or(Refusal::Required("enabled"))?;
    let asked: Option<Vec<InterpreterRequest>> =
        b.interpreters.as_ref().map(|l| l.iter().map(|i| i.request(true)).collect()).transpose()?;
    let series = write_target(&state, &who, &id).await?;
    let i = state.kaigi.set_interpretation(&who.caller, &series, enabled, asked.as_deref()).await?;
    Ok(Json(interpretation_of(&i)).into_response())
}

/// `GET /v1/meetings/{meetingId}/interpreters`: newest first.
pub async fn list_interpreters(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> RestResult<Response> {
    checked(&state, &who, raw.as_deref(), &headers, Access::Read).await?;
    let (series, _) = read_target(&state, &who, &id).await?;
    let list = state.kaigi.interpreters_of(&who.caller, &series).await?;
    let items: Vec<InterpreterOut> = list.iter().map(interpreter_out).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `POST /v1/meetings/{meetingId}/interpreters` → 200 and the interpreter.
pub async fn create_interpreter(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> RestResult<Response> {
    checked(&state, &who, raw.as_deref(), &headers, Access::Write).await?;
    let b: InterpreterBody = json_body(body).await?;
    host_of(&state, &who, b.host_email.as_deref(), Operation::WriteSchedules).await?;
    let r = b.request(false)?;
    let series = write_target(&state, &who, &id).await?;
    let i = state.kaigi.add_interpreter(&who.caller, &series, &r).await?;
    Ok(Json(interpreter_out(&i)).into_response())
}

/// `GET /v1/meetings/{meetingId}/interpreters/{interpreterId}`.
pub async fn get_interpreter(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathIds(id, interpreter): PathIds,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> RestResult<Response> {
    checked(&state, &who, raw.as_deref(), &headers, Access::Read).await?;
    let (series, _) = read_target(&state, &who, &id).await?;
    let i = state.kaigi.interpreter_of(&who.caller, &series, &interpreter).await?;
    Ok(Json(interpreter_out(&i)).into_response())
}

/// `PUT /v1/meetings/{meetingId}/interpreters/{interpreterId}`: the interpreter as the body
/// gives it (an email left out leaves the channel without an interpreter, as the spec says).
pub async fn put_interpreter(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathIds(id, interpreter): PathIds,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> RestResult<Response> {
    checked(&state, &who, raw.as_deref(), &headers, Access::Write).await?;
    let b: InterpreterBody = json_body(body).await?;
    host_of(&state, &who, b.host_email.as_deref(), Operation::WriteSchedules).await?;
    let r = b.request(false)?;
    let series = write_target(&state, &who, &id).await?;
    let i = state.kaigi.change_interpreter(&who.caller, &series, &interpreter, &r).await?;
    Ok(Json(interpreter_out(&i)).into_response())
}

/// `DELETE /v1/meetings/{meetingId}/interpreters/{interpreterId}` → 204.
pub async fn delete_interpreter(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathIds(id, interpreter): PathIds,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> RestResult<Response> {
    let params = checked(&state, &who, raw.as_deref(), &headers, Access::Write).await?;
    params.flag("sendEmail")?;
    let series = write_target(&state, &who, &id).await?;
    state.kaigi.remove_interpreter(&who.caller, &series, &interpreter).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ------------------------------------------------------------------ breakout sessions

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct BreakoutBody {
    name: Option<String>,
    invitees: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct BreakoutsBody {
    host_email: Option<String>,
    #[serde(deserialize_with = "loose_bool")]
    send_email: Option<bool>,
    items: Option<Vec<BreakoutBody>>,
}

/// `GET /v1/meetings/{meetingId}/breakoutSessions`.
pub async fn list_breakouts(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> RestResult<Response> {
    checked(&state, &who, raw.as_deref(), &headers, Access::Read).await?;
    let (series, instance) = read_target(&state, &who, &id).await?;
    let m = state.kaigi.meeting_setup(&who.caller, &series).await?;
    // An ended instance held no breakout sessions: kaigi's sessions have none.
    let items: Vec<Value> = if instance {
        Vec::new()
    } else {
        m.options.conduct.breakout_sessions.iter().flatten().map(breakout_json).collect()
    };
    Ok(Json(json!({ "items": items })).into_response())
}

/// `PUT /v1/meetings/{meetingId}/breakoutSessions`: the list replaces the planned sessions.
pub async fn put_breakouts(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> RestResult<Response> {
    checked(&state, &who, raw.as_deref(), &headers, Access::Write).await?;
    let b: BreakoutsBody = json_body(body).await?;
    host_of(&state, &who, b.host_email.as_deref(), Operation::WriteSchedules).await?;
    let _ = b.send_email;
    let items = b.items.ok_or(Refusal::Required("items"))?;
    let asked: Vec<BreakoutRequest> = items
        .into_iter()
        .map(|i| BreakoutRequest { name: i.name.unwrap_or_default(), invitees: i.invitees.unwrap_or_default() })
        .collect();
    let series = write_target(&state, &who, &id).await?;
    let sessions = state.kaigi.set_breakout_sessions(&who.caller, &series, &asked).await?;
    let items: Vec<Value> = sessions.iter().map(breakout_json).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `DELETE /v1/meetings/{meetingId}/breakoutSessions` → 204; `enabledBreakoutSessions` turns
/// false.
pub async fn delete_breakouts(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> RestResult<Response> {
    let params = checked(&state, &who, raw.as_deref(), &headers, Access::Write).await?;
    params.flag("sendEmail")?;
    let series = write_target(&state, &who, &id).await?;
    state.kaigi.clear_breakout_sessions(&who.caller, &series).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ------------------------------------------------------------------ invitation sources

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct SourceBody {
    source_id: Option<String>,
    source_email: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct SourcesBody {
    host_email: Option<String>,
    person_id: Option<String>,
    items: Option<Vec<SourceBody>>,
}

/// An invitation source with its links: the join link while the webinar takes no
/// registrations, the registration link while it does.
fn source_json(state: &RestState, who: &TokenCaller, m: &Meeting, s: &InvitationSource) -> Value {
    let l = state.kaigi.meeting_links(&who.caller.site, m);
    let mut o = json!({ "id": s.id, "sourceId": s.source_id, "sourceEmail": s.source_email });
    match &l.register {
        Some(register) => o["registerLink"] = links::with_source(register, &s.source_id).into(),
        None => o["joinLink"] = links::with_source(&l.invite, &s.source_id).into(),
    }
    o
}

/// `personId` of a body or header: the host, named by their REST id; an administrator's
/// business when it is someone else.
async fn person_host(state: &RestState, who: &TokenCaller, person: Option<&str>, op: Operation) -> RestResult<()> {
    let Some(person) = person.map(str::trim).filter(|p| !p.is_empty()) else { return Ok(()) };
    let (site, user) = ids::parse_person(person).ok_or(Refusal::UnknownPerson)?;
    if site != who.caller.site.id {
        return Err(Refusal::UnknownPerson.into());
    }
    let host = state.kaigi.person(&who.caller, user).await?;
    host_of(state, who, Some(&host.email), op).await?;
    Ok(())
}

/// `GET /v1/meetings/{meetingId}/invitationSources`: a webinar's sources, oldest first.
pub async fn list_sources(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> RestResult<Response> {
    checked(&state, &who, raw.as_deref(), &headers, Access::Read).await?;
    let person = headers.get("personId").and_then(|v| v.to_str().ok());
    person_host(&state, &who, person, Operation::ReadSchedules).await?;
    let series = write_target(&state, &who, &id).await?;
    let (m, list) = state.kaigi.invitation_sources_of(&who.caller, &series).await?;
    let items: Vec<Value> = list.iter().map(|s| source_json(&state, &who, &m, s)).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `POST /v1/meetings/{meetingId}/invitationSources` → 200 and the sources created.
pub async fn create_sources(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> RestResult<Response> {
    checked(&state, &who, raw.as_deref(), &headers, Access::Write).await?;
    scopes::require(&who, Operation::WriteSchedules)?;
    let b: SourcesBody = json_body(body).await?;
    host_of(&state, &who, b.host_email.as_deref(), Operation::WriteSchedules).await?;
    person_host(&state, &who, b.person_id.as_deref(), Operation::WriteSchedules).await?;
    let items = b.items.ok_or(Refusal::Required("items"))?;
    let asked: Vec<InvitationSourceRequest> = items
        .into_iter()
        .map(|s| InvitationSourceRequest {
            source_id: s.source_id.unwrap_or_default(),
            source_email: s.source_email.unwrap_or_default(),
        })
        .collect();
    let series = write_target(&state, &who, &id).await?;
    let added = state.kaigi.add_invitation_sources(&who.caller, &series, &asked).await?;
    let m = state.kaigi.meeting_setup(&who.caller, &series).await?;
    let items: Vec<Value> = added.iter().map(|s| source_json(&state, &who, &m, s)).collect();
    Ok(Json(json!({ "items": items })).into_response())
}
