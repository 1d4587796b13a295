//! The HTTP routes: the XML API, the REST API, health, the lifecycle endpoints, and the web
//! pages of kaigi-web merged in. Every handler decodes, calls one use case (through the XML API
//! face or the core) and encodes; none decides a rule.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kaigi_core::Kaigi;
use kaigi_xmlapi::codes::Failure;
use kaigi_xmlapi::envelope::{encode_unreadable, MAX_REQUEST_BYTES};
use kaigi_xmlapi::{Reply, XmlApi};

use crate::drain::Flag;
use crate::metrics::{Metrics, MetricsAccess, XmlOutcome};
use crate::state::AppState;

/// The routes with `/metrics` not served (the metrics are still counted).
pub fn router(kaigi: Arc<Kaigi>) -> Router {
    router_with(kaigi, Arc::new(Metrics::new(None)), MetricsAccess::Hidden, None)
}

/// The routes with the test-double controls (`/_kaigi/clock`, faults, journal…) when given, and
/// `/metrics` not served.
pub fn router_with_controls(kaigi: Arc<Kaigi>, controls: Option<Arc<crate::testctl::Controls>>) -> Router {
    router_with(kaigi, Arc::new(Metrics::new(None)), MetricsAccess::Hidden, controls)
}

/// The routes, counting into `metrics`; `/metrics` is served here as `access` says; the
/// test-double controls when given.
pub fn router_with(
    kaigi: Arc<Kaigi>,
    metrics: Arc<Metrics>,
    access: MetricsAccess,
    controls: Option<Arc<crate::testctl::Controls>>,
) -> Router {
    router_serving(kaigi, metrics, access, controls, Flag::new(), None)
}

/// [`router_with`], with `/readyz` answering 503 once `draining` is raised (the server is
/// shutting down: a load balancer should send its requests elsewhere).
pub fn router_serving(
    kaigi: Arc<Kaigi>,
    metrics: Arc<Metrics>,
    access: MetricsAccess,
    controls: Option<Arc<crate::testctl::Controls>>,
    draining: Flag,
    live: Option<Arc<kaigi_web::live::LiveRooms>>,
) -> Router {
    let observe = crate::metrics::Observe { kaigi: kaigi.clone(), metrics: metrics.clone() };
    let state = AppState { xml: Arc::new(XmlApi::new(kaigi.clone())), kaigi: kaigi.clone() };
    let rest = kaigi_rest::router(kaigi.clone());
    let app = Router::new()
        .nest_service("/v1", rest)
        .route("/WBXService/XMLService", post(xml_service).get(xml_wrong_method))
        .route("/healthz", get(healthz))
        .route("/readyz", get(move |State(state): State<AppState>| readyz(state, draining)))
        .route("/_kaigi/meetings/{key}/join", post(crate::control::join))
        .route("/_kaigi/meetings/{key}/leave", post(crate::control::leave))
        .route("/_kaigi/meetings/{key}/record", post(crate::control::record))
        .route("/_kaigi/meetings/{key}/end", post(crate::control::end))
        // Every HTML page (and the licence report's JSON beside its page): kaigi-web.
        .merge(kaigi_web::routes_with_live(kaigi, live))
        .merge(crate::metrics::route(metrics, access))
        .fallback(not_found)
        .with_state(state);
    let app = match controls {
        Some(controls) => crate::testctl::mount(app, controls),
        None => app,
    };
    // Tracking id, request metrics and the one log line of every request (faulted ones too).
    app.layer(axum::middleware::from_fn_with_state(observe, crate::metrics::layer))
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
    let (reply, observed) = state.xml.handle_observed(raw.into(), jwt).await;
    let mut response = xml_response(reply);
    response.extensions_mut().insert(XmlOutcome(observed));
    response
}

async fn xml_wrong_method() -> Response {
    let mut r = unreadable(Failure::not_forwarded(" the XML API takes POST requests"));
    *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    r
}

/// Liveness: 200 once the database answers; 503 otherwise. Still 200 while the server drains
/// (restarting a process that is finishing its requests would cut them off).
async fn healthz(State(state): State<AppState>) -> Response {
    database_answers(&state).await
}

/// Readiness, for a load balancer: 200 while the server takes new requests and the database
/// answers; 503 from the moment shutdown begins (then the port closes after `--shutdown-delay`).
async fn readyz(state: AppState, draining: Flag) -> Response {
    if draining.is_raised() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response();
    }
    database_answers(&state).await
}

async fn database_answers(state: &AppState) -> Response {
    match state.kaigi.storage_ready().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "application/json")],
        "{\"message\":\"The requested resource could not be found.\"}",
    )
        .into_response()
}
