//! The controls' JSON, and the layer that applies fault rules and keeps the journal.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use kaigi_core::error::StoreError;
use kaigi_core::model::Mail;
use kaigi_core::ports::state::valid_snapshot_name;
use kaigi_core::ports::Clock;
use kaigi_xmlapi::codes::Failure;
use kaigi_xmlapi::envelope::{encode_unreadable, MAX_REQUEST_BYTES};
use serde::Deserialize;
use serde_json::{json, Value};

use super::faults::{self, Call, Effect, Rule};
use super::journal::{bounded, Entry, Filter};
use super::{Controls, SEED_SNAPSHOT};

type Ctl = State<Arc<Controls>>;

/// Mails listed at most.
const MAX_MAILS: u32 = 1_000;
/// Control request bodies larger than this are refused.
const MAX_BODY: usize = 256 * 1024;
/// The most of an answer's body read for its exceptionID or error message.
const MAX_ANSWER_SCAN: usize = 4 * 1024 * 1024;

fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({ "message": message.to_string() }))).into_response()
}

fn store_error(e: &StoreError) -> Response {
    match e {
        StoreError::Missing => error(StatusCode::NOT_FOUND, "no such snapshot"),
        other => {
            tracing::warn!(error = %other, "test control failed");
            error(StatusCode::INTERNAL_SERVER_ERROR, "the store failed; see the server log")
        }
    }
}

async fn json_body<T: serde::de::DeserializeOwned>(body: Body) -> Result<T, Response> {
    let raw = to_bytes(body, MAX_BODY).await.map_err(|_| error(StatusCode::PAYLOAD_TOO_LARGE, "body too large"))?;
    serde_json::from_slice(&raw).map_err(|e| error(StatusCode::BAD_REQUEST, format!("invalid body: {e}")))
}

// ------------------------------------------------------------------ clock

fn clock_json(c: &Controls) -> Value {
    json!({ "now": c.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true), "frozen": c.clock.is_pinned() })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    now: Option<DateTime<Utc>>,
    frozen: Option<bool>,
    advance: Option<String>,
}

pub async fn clock_get(State(c): Ctl) -> Response {
    Json(clock_json(&c)).into_response()
}

/// `{"now": "…", "frozen": true}` sets the time (frozen unless told otherwise); `{"frozen": b}`
/// stops or starts the clock where it is; `{"advance": "PT2H"}` moves it.
pub async fn clock_put(State(c): Ctl, body: Body) -> Response {
    let change: ClockChange = match json_body(body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let advance = match change.advance.as_deref().map(crate::iso_duration::parse_duration) {
        Some(None) => {
            return error(StatusCode::BAD_REQUEST, "advance must be an ISO 8601 duration such as PT2H or P1D")
        }
        Some(Some(d)) => Some(d),
        None => None,
    };
    let target = change.now.unwrap_or_else(|| c.clock.now());
    let frozen = change.frozen.unwrap_or(change.now.is_some() || c.clock.is_pinned());
    if frozen {
        c.clock.pin(target);
    } else {
        c.clock.unpin();
        // In whole milliseconds (what the clock keeps), never short of the target.
        c.clock.advance(Duration::milliseconds(target.timestamp_millis() - c.clock.now().timestamp_millis()));
    }
    if let Some(d) = advance {
        c.clock.advance(d);
    }
    Json(clock_json(&c)).into_response()
}

// ------------------------------------------------------------------ faults

fn faults_json(c: &Controls) -> Value {
    let rules: Vec<Value> = c
        .faults()
        .rules()
        .into_iter()
        .map(|(rule, matched, faulted)| {
            let mut v = serde_json::to_value(rule).unwrap_or(Value::Null);
            if let Some(o) = v.as_object_mut() {
                o.insert("matched".into(), matched.into());
                o.insert("faulted".into(), faulted.into());
            }
            v
        })
        .collect();
    json!({ "rules": rules })
}

pub async fn faults_get(State(c): Ctl) -> Response {
    Json(faults_json(&c)).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultList {
    rules: Vec<Rule>,
}

/// Replaces every rule (their counts start again).
pub async fn faults_put(State(c): Ctl, body: Body) -> Response {
    let list: FaultList = match json_body(body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if let Err(e) = faults::check(&list.rules) {
        return error(StatusCode::BAD_REQUEST, e);
    }
    c.faults().set(list.rules);
    Json(faults_json(&c)).into_response()
}

pub async fn faults_delete(State(c): Ctl) -> Response {
    c.faults().set(Vec::new());
    StatusCode::NO_CONTENT.into_response()
}

// ------------------------------------------------------------------ journal

pub async fn journal_get(State(c): Ctl, Query(filter): Query<Filter>) -> Response {
    let journal = c.journal();
    Json(json!({ "size": journal.size(), "items": journal.find(&filter) })).into_response()
}

pub async fn journal_delete(State(c): Ctl) -> Response {
    c.journal().clear();
    StatusCode::NO_CONTENT.into_response()
}

// ------------------------------------------------------------------ outbox

/// Every http(s) link in a mail's text (an HTML mail's `&amp;` read as `&`), in order, once each.
pub fn links(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("http") {
        let tail = &rest[at..];
        if !(tail.starts_with("http://") || tail.starts_with("https://")) {
            rest = &tail[4..];
            continue;
        }
        let end =
            tail.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`')).unwrap_or(tail.len());
        let link = tail[..end].trim_end_matches(['.', ',', ';', ')', ']', '!', '?']).replace("&amp;", "&");
        if !out.contains(&link) && out.len() < 100 {
            out.push(link);
        }
        rest = &tail[end..];
    }
    out
}

fn mail_json(m: &Mail) -> Value {
    json!({
        "id": m.id,
        "siteId": m.site_id,
        "kind": m.kind.as_str(),
        "to": m.to,
        "subject": m.subject,
        "body": m.body,
        "html": m.html,
        "language": m.language,
        "created": m.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "links": links(&m.body),
    })
}

/// Newest first, at most 1,000.
pub async fn outbox_list(State(c): Ctl) -> Response {
    match c.store.outbox(None, MAX_MAILS).await {
        Ok(mails) => Json(json!({ "items": mails.iter().map(mail_json).collect::<Vec<_>>() })).into_response(),
        Err(e) => store_error(&e),
    }
}

pub async fn outbox_one(State(c): Ctl, Path(id): Path<i64>) -> Response {
    match c.store.outbox(None, MAX_MAILS).await {
        Ok(mails) => match mails.iter().find(|m| m.id == id) {
            Some(m) => Json(mail_json(m)).into_response(),
            None => error(StatusCode::NOT_FOUND, "no such mail"),
        },
        Err(e) => store_error(&e),
    }
}

pub async fn outbox_delete(State(c): Ctl) -> Response {
    match c.state.clear_outbox().await {
        Ok(n) => Json(json!({ "deleted": n })).into_response(),
        Err(e) => store_error(&e),
    }
}

// ------------------------------------------------------------------ state

/// Back to the state at start (the demo site, or the fixture's world). Answers once in place.
pub async fn reset(State(c): Ctl) -> Response {
    let _turn = c.state_turn.lock().await;
    match c.state.restore_snapshot(SEED_SNAPSHOT).await {
        Ok(()) => Json(json!({ "restored": "seed" })).into_response(),
        Err(e) => store_error(&e),
    }
}

/// Loads a fixture body (at most 4 MB) as the new world: see [`Controls::load_fixture`].
pub async fn fixture_load(State(c): Ctl, body: Body) -> Response {
    if c.kaigi.is_none() {
        return error(StatusCode::NOT_FOUND, "fixtures are not served here");
    }
    let raw = match to_bytes(body, crate::fixture::MAX_BYTES).await {
        Ok(raw) => raw,
        Err(_) => return error(StatusCode::PAYLOAD_TOO_LARGE, "a fixture is at most 4 MB"),
    };
    let fixture = match crate::fixture::Fixture::parse(&raw) {
        Ok(f) => f,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    match c.load_fixture(&fixture).await {
        Ok(loaded) => {
            Json(json!({ "sites": loaded.sites, "users": loaded.users, "meetings": loaded.meetings })).into_response()
        }
        Err(crate::fixture::FixtureError::Store(e)) => store_error(&e),
        Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, e),
    }
}

/// None when `name` may be a tester's snapshot; otherwise the 400 to answer.
fn bad_name(name: &str) -> Option<Response> {
    if valid_snapshot_name(name) && !name.starts_with("kaigi") {
        None
    } else {
        Some(error(
            StatusCode::BAD_REQUEST,
            "a snapshot name is 1 to 24 lower-case letters, digits and single underscores, starts with a letter \
             and does not start with kaigi",
        ))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotName {
    name: String,
}

pub async fn snapshot_save(State(c): Ctl, body: Body) -> Response {
    let SnapshotName { name } = match json_body(body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if let Some(r) = bad_name(&name) {
        return r;
    }
    let _turn = c.state_turn.lock().await;
    match c.state.save_snapshot(&name).await {
        Ok(()) => (StatusCode::CREATED, Json(json!({ "name": name }))).into_response(),
        Err(e) => store_error(&e),
    }
}

pub async fn snapshot_restore(State(c): Ctl, Path(name): Path<String>) -> Response {
    if let Some(r) = bad_name(&name) {
        return r;
    }
    let _turn = c.state_turn.lock().await;
    match c.state.restore_snapshot(&name).await {
        Ok(()) => Json(json!({ "restored": name })).into_response(),
        Err(e) => store_error(&e),
    }
}

pub async fn snapshots_list(State(c): Ctl) -> Response {
    match c.state.snapshots().await {
        Ok(names) => {
            let names: Vec<String> = names.into_iter().filter(|n| !n.starts_with("kaigi")).collect();
            Json(json!({ "items": names })).into_response()
        }
        Err(e) => store_error(&e),
    }
}

// ------------------------------------------------------------------ the layer

/// Text between `<open>` and the next `<`, bounded.
fn element<'a>(xml: &'a str, open: &str) -> Option<&'a str> {
    let start = xml.find(open)? + open.len();
    let len = xml[start..].find('<')?;
    Some(xml[start..start + len].trim()).filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The XML operation a request names (`meeting.CreateMeeting`) and who signs in (webExID).
fn xml_call(raw: &[u8]) -> (String, Option<String>) {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(64 * 1024)]);
    let op = text
        .find("java:com.webex.service.binding.")
        .map(|at| &text[at + "java:com.webex.service.binding.".len()..])
        .and_then(|t| t.find(['"', '\'']).map(|end| &t[..end]))
        .unwrap_or("unreadable")
        .to_string();
    let user = element(&text, "<webExID>").map(str::to_string);
    (bounded(&op), user.map(|u| bounded(&u)))
}

/// A path with its ids put as `{id}`: all-digit segments, and segments of 6 or more characters
/// with a digit (`v1` stays).
fn route_of(path: &str) -> String {
    let is_id = |seg: &str| {
        let digit = seg.chars().any(|c| c.is_ascii_digit());
        digit && (seg.len() >= 6 || seg.chars().all(|c| c.is_ascii_digit()))
    };
    path.split('/').map(|seg| if is_id(seg) { "{id}" } else { seg }).collect::<Vec<_>>().join("/")
}

/// A body that fails at once: hyper closes the connection without an answer.
struct Broken;

impl http_body::Body for Broken {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::other("connection dropped by a kaigi fault rule"))))
    }
}

fn faulted(effect: &Effect) -> Response {
    match effect {
        Effect::Status { status } => {
            StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE).into_response()
        }
        Effect::XmlFailure { exception_id, reason } => {
            let reason = reason.clone().unwrap_or_else(|| format!("Fault injected by kaigi ({exception_id})"));
            let failure = Failure { http_status: 200, exception_id: "000000", reason };
            let (_, body) = encode_unreadable(&failure);
            let body = body.replace(
                "<serv:exceptionID>000000</serv:exceptionID>",
                &format!("<serv:exceptionID>{exception_id}</serv:exceptionID>"),
            );
            ([(header::CONTENT_TYPE, "text/xml;charset=UTF-8")], body).into_response()
        }
        Effect::RestRateLimit { retry_after } => {
            let mut r = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({ "message": "Too many requests (fault injected by kaigi)", "errors": [], "trackingId": "KAIGI_FAULT" })),
            )
                .into_response();
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            r
        }
        Effect::Drop => Response::new(Body::new(Broken)),
        // Not an answer: the layer waits and goes on.
        Effect::Delay { .. } => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Faults first (a faulted request never reaches a use case), then the journal entry.
pub async fn layer(State(c): Ctl, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/_kaigi/") && !path.starts_with("/_kaigi/meetings/") {
        return next.run(request).await;
    }
    let method = request.method().as_str().to_string();
    let is_xml = path == "/WBXService/XMLService" && method == "POST";
    let (request, api, operation, user) = if is_xml {
        let (parts, body) = request.into_parts();
        let raw = match to_bytes(body, MAX_REQUEST_BYTES).await {
            Ok(raw) => raw,
            // Too large: the XML service gives its own answer to a body over the limit.
            Err(_) => Bytes::from(vec![b' '; MAX_REQUEST_BYTES + 1]),
        };
        let (op, user) = xml_call(&raw);
        (Request::from_parts(parts, Body::from(raw)), "xml", op, user)
    } else {
        let api = if path.starts_with("/v1/") { "rest" } else { "web" };
        (request, api, bounded(&format!("{method} {}", route_of(&path))), None)
    };
    // The REST face writes the token's user here once it has checked the token.
    let note = kaigi_rest::auth::CallerNote::default();
    let mut request = request;
    if api == "rest" {
        request.extensions_mut().insert(note.clone());
    }
    let call = if is_xml { Call::Xml(&operation) } else { Call::Http { method: &method, path: &path } };
    let effect = c.faults().decide(&call);
    let mut fault_exception = None;
    let (response, was_faulted) = match effect {
        Some(Effect::Delay { ms }) => {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            (next.run(request).await, false)
        }
        Some(effect) => {
            if let Effect::XmlFailure { exception_id, .. } = &effect {
                fault_exception = Some(exception_id.clone());
            }
            (faulted(&effect), true)
        }
        None => (next.run(request).await, false),
    };
    let status = response.status().as_u16();
    let mut entry = Entry {
        seq: 0,
        time: c.clock.now(),
        api,
        operation,
        user: user.or_else(|| note.take().map(|u| bounded(&u))),
        status,
        exception_id: fault_exception,
        error: None,
        faulted: was_faulted,
    };
    // The XML route tells its operation's exceptionID on the response (as it does the metrics):
    // no need to buffer and read the answer then.
    if is_xml && !was_faulted {
        if let Some(outcome) = response.extensions().get::<crate::metrics::XmlOutcome>() {
            entry.exception_id = outcome.0.exception_id.map(str::to_string);
            c.journal().push(entry);
            return response;
        }
    }
    let scan = is_xml || (api == "rest" && status >= 400);
    if !scan || was_faulted {
        c.journal().push(entry);
        return response;
    }
    let (parts, body) = response.into_parts();
    let raw = match to_bytes(body, MAX_ANSWER_SCAN).await {
        Ok(raw) => raw,
        Err(_) => {
            c.journal().push(entry);
            return error(StatusCode::INTERNAL_SERVER_ERROR, "the answer could not be read");
        }
    };
    let text = String::from_utf8_lossy(&raw);
    if is_xml {
        entry.exception_id = element(&text, "<serv:exceptionID>").map(str::to_string);
    } else {
        entry.error = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(bounded));
    }
    c.journal().push(entry);
    Response::from_parts(parts, Body::from(raw))
}
