//! The HTTP routes. Every handler decodes, calls one use case (through the XML API face or the
//! core) and encodes; none decides a rule.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kaigi_core::Kaigi;
use kaigi_xmlapi::codes::Failure;
use kaigi_xmlapi::envelope::{encode_unreadable, MAX_REQUEST_BYTES};
use kaigi_xmlapi::{Reply, XmlApi};
use serde::Deserialize;

#[derive(Clone)]
pub struct AppState {
    pub kaigi: Arc<Kaigi>,
    pub xml: Arc<XmlApi>,
}

pub fn router(kaigi: Arc<Kaigi>) -> Router {
    let state = AppState { xml: Arc::new(XmlApi::new(kaigi.clone())), kaigi: kaigi.clone() };
    Router::new()
        .nest_service("/v1", kaigi_rest::router(kaigi.clone()))
        .route("/WBXService/XMLService", post(xml_service).get(xml_wrong_method))
        .route("/healthz", get(healthz))
        .route("/_kaigi/confirm-email", get(confirm_email))
        .route("/_kaigi/meetings/{key}/join", post(crate::control::join))
        .route("/_kaigi/meetings/{key}/leave", post(crate::control::leave))
        .route("/_kaigi/meetings/{key}/record", post(crate::control::record))
        .route("/_kaigi/meetings/{key}/end", post(crate::control::end))
        .route("/_kaigi/sites/{site}/license-report", get(crate::license_report::report))
        .route("/_kaigi/sites/{site}/license-report.html", get(crate::license_report::report_page))
        .route("/{site}/j.php", get(meeting_link))
        .merge(crate::meeting_pages::routes().layer(DefaultBodyLimit::max(crate::html::MAX_FORM_BYTES)))
        .merge(crate::integrations_page::routes().layer(DefaultBodyLimit::max(crate::html::MAX_FORM_BYTES)))
        .merge(crate::authorize::routes(kaigi).layer(DefaultBodyLimit::max(crate::html::MAX_FORM_BYTES)))
        .merge(crate::book::routes().layer(DefaultBodyLimit::max(crate::html::MAX_FORM_BYTES)))
        .fallback(not_found)
        .with_state(state)
}

fn xml_response(reply: Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
    let mut response = (status, reply.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml;charset=UTF-8"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::EXPIRES, HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"));
    response
}

fn unreadable(failure: Failure) -> Response {
    let (status, body) = encode_unreadable(&failure);
    xml_response(Reply { status, body })
}

/// POST /WBXService/XMLService. The Content-Type is ignored, as the real service ignores it.
async fn xml_service(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let raw = match to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(raw) => raw,
        Err(_) => {
            return unreadable(Failure::not_forwarded(format!(" the request is larger than {MAX_REQUEST_BYTES} bytes")))
        }
    };
    let jwt = headers.get("JWTToken").and_then(|v| v.to_str().ok());
    xml_response(state.xml.handle(raw.into(), jwt).await)
}

async fn xml_wrong_method() -> Response {
    let mut r = unreadable(Failure::not_forwarded(" the XML API takes POST requests"));
    *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    r
}

/// 200 once the database answers; 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.kaigi.storage_ready().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

#[derive(Deserialize)]
struct MeetingLinkQuery {
    #[serde(rename = "MTID")]
    mtid: Option<String>,
    #[serde(rename = "ICS")]
    ics: Option<String>,
}

/// `j.php?MTID=m…`: with `ICS` the meeting's iCalendar file; without, the invitation page with the
/// join form (the host form for the host's link).
async fn meeting_link(
    State(state): State<AppState>,
    Path(site): Path<String>,
    Query(q): Query<MeetingLinkQuery>,
) -> Response {
    let Some(token) = q.mtid.filter(|t| !t.is_empty()) else {
        return page(StatusCode::NOT_FOUND, "Meeting not found", "This link names no meeting.");
    };
    let entry = match state.kaigi.calendar_entry(&site, &token).await {
        Ok(entry) => entry,
        Err(kaigi_core::Error::NotFound(_)) => {
            return page(StatusCode::NOT_FOUND, "Meeting not found", "This link names no meeting.")
        }
        Err(e) => {
            tracing::error!(error = %e, "meeting link failed");
            return page(StatusCode::SERVICE_UNAVAILABLE, "Try again later", "The meeting could not be read.");
        }
    };
    let host_name = entry.host.display_name();
    if q.ics.is_some() {
        let body = crate::ical::render(&entry, &host_name);
        let name = format!("attachment; filename=\"{}.ics\"", entry.meeting.meeting_key);
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)],
            body,
        )
            .into_response();
    }
    let m = &entry.meeting;
    if m.deleted_at.is_some() {
        return page(StatusCode::GONE, "Meeting cancelled", &format!("{} was cancelled.", m.name));
    }
    crate::meeting_pages::invitation_page(&state, &site, m.meeting_key, entry.for_host).await
}

#[derive(Deserialize)]
struct TokenQuery {
    token: String,
}

/// The link of an email-change confirmation mail (40.4.0).
async fn confirm_email(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    match state.kaigi.confirm_email_change(&q.token).await {
        Ok(user) => {
            page(StatusCode::OK, "Email address confirmed", &format!("Your email address is now {}.", user.email))
        }
        Err(kaigi_core::Error::NotFound(_)) => page(
            StatusCode::NOT_FOUND,
            "Link not valid",
            "This confirmation link is unknown, already used, or replaced by a newer request.",
        ),
        Err(kaigi_core::Error::Duplicate(_)) => {
            page(StatusCode::CONFLICT, "Address in use", "Another user of the site has this email address now.")
        }
        Err(e) => {
            tracing::error!(error = %e, "email confirmation failed");
            page(StatusCode::SERVICE_UNAVAILABLE, "Try again later", "The change could not be saved.")
        }
    }
}

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head><body><h1>{t}</h1><p>{x}</p></body></html>",
        t = esc(title),
        x = esc(text)
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "application/json")],
        "{\"message\":\"The requested resource could not be found.\"}",
    )
        .into_response()
}
