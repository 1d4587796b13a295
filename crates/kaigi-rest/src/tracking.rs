//! Tracking ids: every response carries a `trackingid` header (the client's own id when it sent
//! one, else a new one), and error bodies repeat it as `trackingId`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use kaigi_core::Kaigi;

tokio::task_local! {
    static TRACKING_ID: String;
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// The tracking id of the request being answered.
pub fn current() -> String {
    TRACKING_ID.try_with(Clone::clone).unwrap_or_else(|_| mint())
}

/// Outside a request (nothing minted one): unique within the process, and no secret.
fn mint() -> String {
    format!("KAIGI_LOCAL_{:016x}", SEQUENCE.fetch_add(1, Ordering::Relaxed))
}

/// A client's tracking id kaigi adopts: printable ASCII, at most 128 bytes.
pub fn acceptable(v: &str) -> bool {
    !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic())
}

/// Install with `from_fn_with_state(kaigi, middleware)`: new ids come from the core (its key port),
/// so no adapter reads a clock or a random source of its own.
pub async fn middleware(State(kaigi): State<Arc<Kaigi>>, req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("trackingid")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| acceptable(v))
        .map(str::to_string)
        .unwrap_or_else(|| kaigi.tracking_id());
    let mut response = TRACKING_ID.scope(id.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("trackingid", v);
    }
    response
}

/// Hands the route pattern that matched (`/meetings/{meetingId}`, never the path with its ids)
/// to the layers outside this router, in the response's extensions: the server's request
/// metrics label REST calls with it. Unmatched paths (the fallback) carry none.
pub async fn route_pattern(req: Request, next: Next) -> Response {
    let pattern = req.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(req).await;
    if let Some(pattern) = pattern {
        response.extensions_mut().insert(pattern);
    }
    response
}
