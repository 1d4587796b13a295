//! `GET /metrics` (the OpenMetrics text format, which Prometheus scrapes) and the one log line of every request.
//!
//! Everything is counted here, in the server (an adapter): the request layer counts what the
//! faces answered, the webhook worker counts its rounds, and the store's own figures
//! (connections, queued writes, licence decisions) are read at scrape time. The core is not
//! touched: it does no I/O and knows nothing of metrics. Every label value comes from a fixed
//! list (API, XML operation names and exceptionIDs, REST route patterns, HTTP status codes), never
//! from a raw path or a client's input, so the number of series stays bounded.
//!
//! The names, labels and log fields are listed in docs/operations.md ("Metrics and logs").

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use kaigi_core::DeliveryRound;
use kaigi_core::Kaigi;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Request latency buckets, in seconds (1 ms to 10 s).
const LATENCY_BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// Who may read `/metrics` on the main listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsAccess {
    /// Not served there (404): no token and not the demo.
    Hidden,
    /// Served to `Authorization: Bearer <token>` only.
    Token(String),
    /// Served to anyone (the demo, which listens on 127.0.0.1 only, or a separate metrics address).
    Open,
}

/// What an XML API answer came to, handed from the XML route to the request layer.
#[derive(Debug, Clone, Copy)]
pub struct XmlOutcome(pub kaigi_xmlapi::Observed);

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    api: &'static str,
    operation: String,
    outcome: &'static str,
    code: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LatencyLabels {
    api: &'static str,
    operation: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    table: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

/// Read at scrape time: the store's own figures.
pub type StoreStatsFn = Arc<dyn Fn() -> kaigi_store::StoreStats + Send + Sync>;

/// The registry and every metric kaigi keeps. One per server (tests run several side by side).
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<LatencyLabels, Histogram, fn() -> Histogram>,
    webhook_changes: Counter,
    webhook_attempts: Family<OutcomeLabel, Counter>,
    webhook_round_failures: Counter,
    db_connections: Family<PoolLabels, Gauge>,
    write_queue: Gauge,
    license_decisions: Family<OutcomeLabel, Gauge>,
    mails: Family<OutcomeLabel, Counter>,
    live_sessions: Gauge,
    live_participants: Gauge,
    cache_entries: Family<CacheLabels, Gauge>,
    cache_hits: Family<CacheLabels, Gauge>,
    cache_misses: Family<CacheLabels, Gauge>,
    cache_listening: Gauge,
    cache_full_drops: Gauge,
    media_peers: Gauge,
    media_rooms: Gauge,
    media_packets_in: Gauge,
    media_packets_out: Gauge,
    /// The media server, when it runs (its counters are read at each scrape).
    media: std::sync::OnceLock<kaigi_media::Media>,
    store_stats: Option<StoreStatsFn>,
    /// Where the live session figures are read at each scrape (set once the server has it).
    live: std::sync::OnceLock<Arc<kaigi_core::Kaigi>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

impl Metrics {
    /// A registry with every metric; `store_stats` (None: no store figures) is read per scrape.
    pub fn new(store_stats: Option<StoreStatsFn>) -> Self {
        let mut registry = Registry::with_prefix("kaigi");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "requests",
            "Requests answered, by API (xml, rest, web, internal), operation, outcome and code",
            requests.clone(),
        );
        let latency = Family::<LatencyLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register(
            "request_duration_seconds",
            "Time to answer a request, by API and operation",
            latency.clone(),
        );
        let webhook_changes = Counter::default();
        registry.register("webhook_changes", "Changes fanned out to webhooks", webhook_changes.clone());
        let webhook_attempts = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "webhook_deliveries",
            "Webhook delivery attempts, by outcome (delivered, failed)",
            webhook_attempts.clone(),
        );
        let webhook_round_failures = Counter::default();
        registry.register(
            "webhook_round_failures",
            "Delivery rounds that failed as a whole (the database did not answer)",
            webhook_round_failures.clone(),
        );
        let db_connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_connections",
            "Open database connections, by pool (read, write) and state (idle, in_use)",
            db_connections.clone(),
        );
        let write_queue = Gauge::default();
        registry.register("db_write_queue", "SQLite writes waiting for the writer task", write_queue.clone());
        let license_decisions = Family::<OutcomeLabel, Gauge>::default();
        registry.register(
            "license_decisions",
            "Licence decisions recorded since start, by outcome",
            license_decisions.clone(),
        );
        let mails = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "mails",
            "Mail attempts by the SMTP worker, by outcome (sent, retrying, failed)",
            mails.clone(),
        );
        let live_sessions = Gauge::default();
        registry.register("live_sessions", "Sessions running now, on every site", live_sessions.clone());
        let live_participants = Gauge::default();
        registry.register("live_participants", "People in the sessions running now", live_participants.clone());
        // Read from the store at each scrape; hits and misses count since the store was opened.
        let cache_entries = Family::<CacheLabels, Gauge>::default();
        registry.register("read_cache_entries", "Read cache entries held, by table", cache_entries.clone());
        let cache_hits = Family::<CacheLabels, Gauge>::default();
        registry.register(
            "read_cache_hits",
            "Read cache lookups served from memory since start, by table",
            cache_hits.clone(),
        );
        let cache_misses = Family::<CacheLabels, Gauge>::default();
        registry.register(
            "read_cache_misses",
            "Read cache lookups that went to the database since start, by table",
            cache_misses.clone(),
        );
        let cache_listening = Gauge::default();
        registry.register(
            "read_cache_listening",
            "PostgreSQL: 1 while the cache hears other instances' changes (0 on SQLite)",
            cache_listening.clone(),
        );
        let cache_full_drops = Gauge::default();
        registry.register(
            "read_cache_full_drops",
            "Times the whole read cache was emptied since start",
            cache_full_drops.clone(),
        );
        let media_peers = Gauge::default();
        registry.register("media_peers", "Browsers connected to the media server now", media_peers.clone());
        let media_rooms = Gauge::default();
        registry.register("media_rooms", "Meetings with browsers on the media server now", media_rooms.clone());
        let media_packets_in = Gauge::default();
        registry.register(
            "media_frames_received",
            "Audio and video frames the media server received from browsers since start",
            media_packets_in.clone(),
        );
        let media_packets_out = Gauge::default();
        registry.register(
            "media_frames_forwarded",
            "Frames the media server forwarded to browsers since start (one per receiver)",
            media_packets_out.clone(),
        );
        Self {
            media_peers,
            media_rooms,
            media_packets_in,
            media_packets_out,
            media: std::sync::OnceLock::new(),
            registry,
            requests,
            latency,
            webhook_changes,
            webhook_attempts,
            webhook_round_failures,
            db_connections,
            write_queue,
            license_decisions,
            mails,
            live_sessions,
            live_participants,
            cache_entries,
            cache_hits,
            cache_misses,
            cache_listening,
            cache_full_drops,
            store_stats,
            live: std::sync::OnceLock::new(),
        }
    }

    /// Counts one answered request.
    fn record(&self, api: &'static str, operation: String, outcome: &'static str, code: String, seconds: f64) {
        self.latency.get_or_create(&LatencyLabels { api, operation: operation.clone() }).observe(seconds);
        self.requests.get_or_create(&RequestLabels { api, operation, outcome, code }).inc();
    }

    /// Counts what one webhook delivery round did.
    pub fn webhook_round(&self, round: &DeliveryRound) {
        self.webhook_changes.inc_by(round.changes as u64);
        let failed = round.attempted.saturating_sub(round.delivered);
        self.webhook_attempts.get_or_create(&OutcomeLabel { outcome: "delivered" }).inc_by(round.delivered as u64);
        self.webhook_attempts.get_or_create(&OutcomeLabel { outcome: "failed" }).inc_by(failed as u64);
    }

    /// Counts what one mail round did.
    pub fn mail_round(&self, round: &kaigi_core::MailRound) {
        for (outcome, n) in [("sent", round.sent), ("retrying", round.retrying), ("failed", round.failed)] {
            self.mails.get_or_create(&OutcomeLabel { outcome }).inc_by(n as u64);
        }
    }

    /// Reads the live sessions and participants from `kaigi` at each scrape.
    pub fn read_live_from(&self, kaigi: Arc<kaigi_core::Kaigi>) {
        let _ = self.live.set(kaigi);
    }

    /// Reads the media server's counters at each scrape.
    pub fn read_media_from(&self, media: kaigi_media::Media) {
        let _ = self.media.set(media);
    }

    /// Sets the gauges read from the database at scrape time (a failed read leaves the last
    /// figures).
    async fn refresh_live(&self) {
        if let Some(media) = self.media.get() {
            let s = media.stats().await;
            let gauge = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
            self.media_peers.set(gauge(s.peers));
            self.media_rooms.set(gauge(s.rooms));
            self.media_packets_in.set(gauge(s.packets_in));
            self.media_packets_out.set(gauge(s.packets_out));
        }
        if let Some(kaigi) = self.live.get() {
            match kaigi.live_activity().await {
                Ok((sessions, people)) => {
                    self.live_sessions.set(i64::try_from(sessions).unwrap_or(i64::MAX));
                    self.live_participants.set(i64::try_from(people).unwrap_or(i64::MAX));
                }
                Err(e) => tracing::warn!(error = %e, "cannot read the live sessions for the metrics"),
            }
        }
    }

    /// Counts a delivery round that failed as a whole.
    pub fn webhook_round_failed(&self) {
        self.webhook_round_failures.inc();
    }

    fn record_cache(&self, c: &kaigi_store::CacheStats) {
        let gauge = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let tables = [
            ("sites", &c.sites),
            ("users", &c.users),
            ("plans", &c.plans),
            ("meetings", &c.meetings),
            ("tokens", &c.tokens),
            ("epochs", &c.epochs),
        ];
        for (table, t) in tables {
            let label = CacheLabels { table };
            self.cache_entries.get_or_create(&label).set(gauge(t.entries));
            self.cache_hits.get_or_create(&label).set(gauge(t.hits));
            self.cache_misses.get_or_create(&label).set(gauge(t.misses));
        }
        self.cache_listening.set(i64::from(c.listening));
        self.cache_full_drops.set(gauge(c.full_drops));
    }

    /// The exposition, with the store's figures read now.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        if let Some(stats) = &self.store_stats {
            let s = stats();
            let set = |pool, state, v: u32| {
                self.db_connections.get_or_create(&PoolLabels { pool, state }).set(i64::from(v));
            };
            set("read", "idle", s.read_idle);
            set("read", "in_use", s.read_connections.saturating_sub(s.read_idle));
            set("write", "idle", s.write_idle);
            set("write", "in_use", s.write_connections.saturating_sub(s.write_idle));
            self.write_queue.set(i64::try_from(s.write_queue).unwrap_or(i64::MAX));
            for (outcome, n) in s.license_decisions {
                self.license_decisions
                    .get_or_create(&OutcomeLabel { outcome })
                    .set(i64::try_from(n).unwrap_or(i64::MAX));
            }
            self.record_cache(&s.cache);
        }
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

/// The `/metrics` route, for the main router (with `access`) or a listener of its own.
pub fn route<S: Clone + Send + Sync + 'static>(metrics: Arc<Metrics>, access: MetricsAccess) -> Router<S> {
    if access == MetricsAccess::Hidden {
        return Router::new();
    }
    let access = Arc::new(access);
    Router::new().route(
        "/metrics",
        get(move |req: Request| {
            let (metrics, access) = (metrics.clone(), access.clone());
            async move {
                metrics.refresh_live().await;
                scrape(&metrics, &access, &req)
            }
        }),
    )
}

fn scrape(metrics: &Metrics, access: &MetricsAccess, req: &Request) -> Response {
    if let MetricsAccess::Token(token) = access {
        let sent = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !same_secret(sent.trim().as_bytes(), token.as_bytes()) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "The metrics need the metrics token (Authorization: Bearer).\n",
            )
                .into_response();
        }
    }
    match metrics.render() {
        Ok(text) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot encode the metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Compares in time that depends on the lengths only, not on where the bytes differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// State of the request layer: the core (for new tracking ids) and the metrics.
#[derive(Clone)]
pub struct Observe {
    pub kaigi: Arc<Kaigi>,
    pub metrics: Arc<Metrics>,
}

/// Every request: picks its tracking id (the client's `trackingid` header when acceptable, else a
/// new one from the core), hands it to the REST face (which adopts it) and answers it in the
/// `trackingid` header of every response, counts the request and logs one line with the id.
pub async fn layer(State(o): State<Observe>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let sent = req
        .headers()
        .get("trackingid")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| kaigi_rest::tracking::acceptable(v))
        .map(str::to_string);
    let tracking_id = sent.unwrap_or_else(|| o.kaigi.tracking_id());
    if let Ok(v) = HeaderValue::from_str(&tracking_id) {
        req.headers_mut().insert("trackingid", v.clone());
    }
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let outer_pattern = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    let mut response = next.run(req).await;
    let seconds = started.elapsed().as_secs_f64();
    if !response.headers().contains_key("trackingid") {
        if let Ok(v) = HeaderValue::from_str(&tracking_id) {
            response.headers_mut().insert("trackingid", v);
        }
    }
    let status = response.status();
    let api = api_of(&path);
    let (operation, outcome, code) = match response.extensions().get::<XmlOutcome>() {
        Some(XmlOutcome(xml)) => (
            xml.operation.unwrap_or("unknown").to_string(),
            if xml.exception_id.is_none() { "SUCCESS" } else { "FAILURE" },
            xml.exception_id.map_or_else(|| status.as_u16().to_string(), str::to_string),
        ),
        None => {
            // REST: the pattern the REST router matched (its response carries it); others: the
            // pattern this router matched. Never the raw path.
            let pattern = match response.extensions().get::<MatchedPath>() {
                Some(inner) if api == "rest" && !inner.as_str().starts_with("/v1") => format!("/v1{}", inner.as_str()),
                Some(inner) => inner.as_str().to_string(),
                None if api == "rest" => "unmatched".to_string(),
                None => outer_pattern.unwrap_or_else(|| "unmatched".to_string()),
            };
            let outcome = if status.is_client_error() || status.is_server_error() { "FAILURE" } else { "SUCCESS" };
            (format!("{} {pattern}", method_label(&method)), outcome, status.as_u16().to_string())
        }
    };
    tracing::info!(
        target: "kaigi::request",
        tracking_id = %tracking_id,
        api,
        method = %method,
        operation = %operation,
        outcome,
        code = %code,
        status = status.as_u16(),
        latency_ms = (seconds * 1000.0 * 1000.0).round() / 1000.0,
        "request"
    );
    o.metrics.record(api, operation, outcome, code, seconds);
    response
}

fn api_of(path: &str) -> &'static str {
    if path == "/v1" || path.starts_with("/v1/") {
        "rest"
    } else if path.starts_with("/WBXService/") {
        "xml"
    } else if path == "/healthz" || path == "/readyz" || path == "/metrics" || path.starts_with("/_kaigi/") {
        "internal"
    } else {
        "web"
    }
}

/// The standard methods by name; any other as `OTHER` (a client can send any token).
fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
    }

    #[test]
    fn paths_map_to_apis() {
        assert_eq!(api_of("/v1/meetings/abc"), "rest");
        assert_eq!(api_of("/WBXService/XMLService"), "xml");
        assert_eq!(api_of("/healthz"), "internal");
        assert_eq!(api_of("/readyz"), "internal");
        assert_eq!(api_of("/v1x"), "web");
        assert_eq!(api_of("/meet/123"), "web");
    }
}
