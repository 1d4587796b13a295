//! Canned-response baseline for the kaigi benchmark.
//!
//! Usage: `kaigi-bench-canned LISTEN_ADDR RESPONSE_FILE [rest]`
//!
//! Serves, on the same HTTP stack kaigi uses (axum 0.8 / hyper 1 / tokio multi-thread runtime),
//! the bytes of RESPONSE_FILE to every POST, with the headers kaigi puts on its XML API replies;
//! with `rest`, to every GET and POST, with the headers of kaigi's REST replies (JSON, a
//! `trackingid`). The request body is read in full (as kaigi does) and then dropped. `GET /healthz`
//! answers 200 so the benchmark script can poll for readiness. Whatever kaigi costs above this server is the
//! cost of its own work per request: XML parsing, authentication, the database, encoding.

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The same limit kaigi puts on a request body is not needed here; a generous bound suffices.
const MAX_BODY: usize = 1 << 20;

#[derive(Clone)]
struct Canned {
    body: Bytes,
    rest: bool,
}

async fn any(State(canned): State<Canned>, method: Method, body: Body) -> Response {
    if method != Method::POST && !(canned.rest && method == Method::GET) {
        return (StatusCode::METHOD_NOT_ALLOWED, "POST only\n").into_response();
    }
    if to_bytes(body, MAX_BODY).await.is_err() {
        return (StatusCode::PAYLOAD_TOO_LARGE, "too large\n").into_response();
    }
    let mut response = (StatusCode::OK, canned.body).into_response();
    let headers = response.headers_mut();
    if canned.rest {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        // kaigi's REST replies carry a fresh tracking id (KAIGI_<32 hex>_<epoch ms>); same length.
        headers.insert("trackingid", HeaderValue::from_static("KAIGI_0123456789abcdef0123456789abcdef_1795000000000"));
        return response;
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml;charset=UTF-8"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::EXPIRES, HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"));
    response
}

async fn healthz() -> &'static str {
    "ok\n"
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let rest = args.get(3).map(String::as_str) == Some("rest");
    if args.len() != 3 && !(args.len() == 4 && rest) {
        eprintln!("usage: kaigi-bench-canned LISTEN_ADDR RESPONSE_FILE [rest]");
        return ExitCode::from(2);
    }
    let addr: SocketAddr = match args[1].parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("kaigi-bench-canned: bad listen address {:?}: {e}", args[1]);
            return ExitCode::from(2);
        }
    };
    let canned = match std::fs::read(&args[2]) {
        Ok(b) => Canned { body: Bytes::from(b), rest },
        Err(e) => {
            eprintln!("kaigi-bench-canned: cannot read {:?}: {e}", args[2]);
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kaigi-bench-canned: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        eprintln!("kaigi-bench-canned: serving {} bytes on {addr}", canned.body.len());
        let app = Router::new().route("/healthz", get(healthz)).fallback(any).with_state(canned);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kaigi-bench-canned: {e}");
            ExitCode::FAILURE
        }
    }
}
