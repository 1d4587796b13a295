//! Tracking ids: every response carries a `trackingid` header (the client's own id when it sent
//! one, else a new one), and error bodies repeat it as `trackingId`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

tokio::task_local! {
    static TRACKING_ID: String;
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// The tracking id of the request being answered.
pub fn current() -> String {
    TRACKING_ID.try_with(Clone::clone).unwrap_or_else(|_| mint())
}

/// `KAIGI_<32 hex>_<epoch ms>`, unique within the process and hard to guess across restarts.
fn mint() -> String {
    // Asked once: `getpid` is a system call on every call.
    static PID: OnceLock<u64> = OnceLock::new();
    let pid = *PID.get_or_init(|| u64::from(std::process::id()));
    let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let now = chrono::Utc::now();
    let nanos = u64::from(now.timestamp_subsec_nanos());
    format!("KAIGI_{:016x}{:016x}_{}", pid ^ (nanos << 20), n, now.timestamp_millis())
}

fn acceptable(v: &str) -> bool {
    !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic())
}

pub async fn middleware(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("trackingid")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| acceptable(v))
        .map(str::to_string)
        .unwrap_or_else(mint);
    let mut response = TRACKING_ID.scope(id.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("trackingid", v);
    }
    response
}
