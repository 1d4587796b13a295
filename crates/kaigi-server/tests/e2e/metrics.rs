//! `GET /metrics` and the request log (issue #15): the exposition after XML and REST calls, its
//! label sets, the token, and JSON log lines that carry the tracking id a client sees.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use kaigi_server::metrics::{Metrics, MetricsAccess};

use crate::rest_support::*;
use crate::support::*;

const TOKEN: &str = "scrape-me-0123456789";

/// A second server on the same application, with `/metrics` served as `access`.
async fn observed(s: &TestServer, access: MetricsAccess) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = kaigi_server::app::router_with(s.kaigi.clone(), Arc::new(Metrics::new(None)), access, None);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await;
    });
    base
}

/// POSTs one XML operation as `who`; answers the `trackingid` header and the body.
async fn xml(base: &str, who: &str, pw: &str, op: &str, body: &str) -> (String, String) {
    let doc = envelope(&security(SITE, who, pw), op, body);
    let resp = reqwest::Client::new().post(format!("{base}/WBXService/XMLService")).body(doc).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let id = resp.headers()["trackingid"].to_str().unwrap().to_string();
    (id, resp.text().await.unwrap())
}

async fn scrape(base: &str, token: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new().get(format!("{base}/metrics"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// One sample: name, labels and value.
type Sample = (String, BTreeMap<String, String>, f64);

/// A small parser of the text exposition (samples only; `# ` lines are checked for shape).
fn parse(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(meta) = line.strip_prefix("# ") {
            assert!(meta.starts_with("HELP ") || meta.starts_with("TYPE ") || meta == "EOF", "{line}");
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value: {line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("bad value: {line}"));
        let (name, labels) = match series.split_once('{') {
            None => (series.to_string(), BTreeMap::new()),
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').unwrap_or_else(|| panic!("labels: {line}"));
                let labels = body
                    .split("\",")
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (k, v) = p.split_once("=\"").unwrap_or_else(|| panic!("label: {line}"));
                        (k.to_string(), v.trim_end_matches('"').to_string())
                    })
                    .collect();
                (name.to_string(), labels)
            }
        };
        samples.push((name, labels, value));
    }
    samples
}

fn value(samples: &[Sample], name: &str, want: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|(n, labels, _)| n == name && want.iter().all(|(k, v)| labels.get(*k).map(String::as_str) == Some(*v)))
        .map(|(_, _, v)| v)
        .sum()
}

#[tokio::test]
async fn the_exposition_counts_xml_and_rest_calls_with_bounded_labels() {
    let s = TestServer::start().await;
    let base = observed(&s, MetricsAccess::Token(TOKEN.into())).await;

    // Refused without the token, or with another one.
    assert_eq!(scrape(&base, None).await.0, 401);
    assert_eq!(scrape(&base, Some("not-the-token")).await.0, 401);

    xml(&base, ADMIN, ADMIN_PW, "user.GetUser", "<webExId>alice</webExId>").await;
    let (_, missing) = xml(&base, ADMIN, ADMIN_PW, "meeting.GetMeeting", "<meetingKey>987654321</meetingKey>").await;
    assert!(missing.contains("060001"), "{missing}");
    let alice = token(&s, "alice", None).await;
    rest(&s, "GET", &format!("{base}/v1/people/me"), Some(&alice), None).await.ok();
    rest(&s, "GET", &format!("{base}/v1/meetings/nosuchmeeting4242"), Some(&alice), None).await.assert_error(404);
    rest(&s, "GET", &format!("{base}/v1/no/such/route/4242"), Some(&alice), None).await;

    let (status, text) = scrape(&base, Some(TOKEN)).await;
    assert_eq!(status, 200, "{text}");
    let samples = parse(&text);
    let xml_ok = [("api", "xml"), ("operation", "GetUser"), ("outcome", "SUCCESS"), ("code", "200")];
    assert_eq!(value(&samples, "kaigi_requests_total", &xml_ok), 1.0, "{text}");
    let xml_failed = [("api", "xml"), ("operation", "GetMeeting"), ("outcome", "FAILURE"), ("code", "060001")];
    assert_eq!(value(&samples, "kaigi_requests_total", &xml_failed), 1.0, "{text}");
    let rest_ok = [("api", "rest"), ("operation", "GET /v1/people/me"), ("outcome", "SUCCESS"), ("code", "200")];
    assert_eq!(value(&samples, "kaigi_requests_total", &rest_ok), 1.0, "{text}");
    let rest_404 = [("api", "rest"), ("operation", "GET /v1/meetings/{id}"), ("outcome", "FAILURE"), ("code", "404")];
    assert_eq!(value(&samples, "kaigi_requests_total", &rest_404), 1.0, "{text}");
    let unmatched = [("api", "rest"), ("operation", "GET unmatched"), ("code", "404")];
    assert_eq!(value(&samples, "kaigi_requests_total", &unmatched), 1.0, "{text}");
    // Latency: a histogram per API and operation.
    assert_eq!(
        value(&samples, "kaigi_request_duration_seconds_count", &[("api", "xml"), ("operation", "GetUser")]),
        1.0
    );
    assert!(samples.iter().any(|(n, l, _)| n == "kaigi_request_duration_seconds_bucket" && l.get("le").is_some()));

    // The label sets are as documented, and no raw id reaches a label.
    for (name, labels, _) in &samples {
        if name == "kaigi_requests_total" {
            let keys: Vec<&str> = labels.keys().map(String::as_str).collect();
            assert_eq!(keys, ["api", "code", "operation", "outcome"], "{name}");
            assert!(["xml", "rest", "web", "internal"].contains(&labels["api"].as_str()));
            assert!(["SUCCESS", "FAILURE"].contains(&labels["outcome"].as_str()));
        }
        for v in labels.values() {
            assert!(!v.contains("987654321") && !v.contains("4242") && !v.contains("alice"), "{name} {labels:?}");
        }
    }

    // Counters rise.
    xml(&base, ADMIN, ADMIN_PW, "user.GetUser", "<webExId>bob</webExId>").await;
    let again = parse(&scrape(&base, Some(TOKEN)).await.1);
    assert_eq!(value(&again, "kaigi_requests_total", &xml_ok), 2.0);
    // The scrapes count themselves as internal requests.
    assert!(value(&again, "kaigi_requests_total", &[("api", "internal"), ("operation", "GET /metrics")]) >= 2.0);
}

#[tokio::test]
async fn metrics_are_not_served_without_a_token_or_their_own_address() {
    let s = TestServer::start().await;
    let (status, _) = scrape(&s.base, None).await;
    assert_eq!(status, 404);
    let (status, _) = scrape(&s.base, Some(TOKEN)).await;
    assert_eq!(status, 404);
    // Open (the demo, or a metrics address of its own): no token needed.
    let open = observed(&s, MetricsAccess::Open).await;
    let (status, text) = scrape(&open, None).await;
    assert_eq!(status, 200);
    assert!(text.contains("# TYPE kaigi_requests counter"), "{text}");
}

/// Log lines written to memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The process's log lines, as `kaigi serve --log-format json` writes them (crates/kaigi/src/main.rs).
/// A global subscriber: a per-thread one misses events whose call site another test thread
/// registered first. Lines of other tests land here too; this test finds its own by tracking id.
fn json_logs() -> Captured {
    static SINK: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    SINK.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber in e2e");
        logs
    })
    .clone()
}

#[tokio::test]
async fn json_log_lines_carry_the_tracking_id_clients_see() {
    let logs = json_logs();
    let s = TestServer::start().await;
    let (xml_id, _) = xml(&s.base, ADMIN, ADMIN_PW, "meeting.GetMeeting", "<meetingKey>987654321</meetingKey>").await;
    let alice = token(&s, "alice", None).await;
    let refused = rest(&s, "GET", "/v1/meetings/nosuchmeeting", Some(&alice), None).await;
    refused.assert_error(404);
    let rest_id = refused.body["trackingId"].as_str().unwrap().to_string();
    // A client's own tracking id is kept.
    let mine = rest_raw(&s, "GET", "/v1/people/me", Some(&alice), None, &[("trackingid", "CLIENT_abc-123")]).await;
    assert_eq!(mine.headers["trackingid"], "CLIENT_abc-123");

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect();
    let request_line = |id: &str| {
        lines
            .iter()
            .find(|l| l["target"] == "kaigi::request" && l["tracking_id"] == id)
            .unwrap_or_else(|| panic!("no request line with {id}: {text}"))
            .clone()
    };
    let x = request_line(&xml_id);
    assert_eq!(x["api"], "xml");
    assert_eq!(x["operation"], "GetMeeting");
    assert_eq!(x["outcome"], "FAILURE");
    assert_eq!(x["code"], "060001");
    assert_eq!(x["level"], "INFO");
    assert!(x["timestamp"].is_string() && x["latency_ms"].is_number(), "{x}");
    let r = request_line(&rest_id);
    assert_eq!(r["api"], "rest");
    assert_eq!(r["operation"], "GET /v1/meetings/{id}");
    assert_eq!(r["status"], 404);
    request_line("CLIENT_abc-123");
}

#[tokio::test]
async fn live_sessions_and_participants_are_read_at_each_scrape() {
    let s = TestServer::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let metrics = Arc::new(Metrics::new(None));
    metrics.read_live_from(s.kaigi.clone());
    let app = kaigi_server::app::router_with(s.kaigi.clone(), metrics, MetricsAccess::Open, None);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await;
    });
    let gauge = |text: &str, name: &str| -> f64 {
        parse(text).into_iter().find(|(n, _, _)| n == name).map(|(_, _, v)| v).unwrap_or_else(|| panic!("{name}"))
    };
    let (_, before) = scrape(&base, None).await;
    assert_eq!(gauge(&before, "kaigi_live_sessions"), 0.0);
    assert_eq!(gauge(&before, "kaigi_live_participants"), 0.0);
    let made = s.call("alice", PW, "meeting.CreateMeeting", "<metaData><confName>Live</confName></metaData><accessControl><meetingPassword>pw1234</meetingPassword></accessControl><schedule><startDate>06/20/2026 10:00:00</startDate><duration>60</duration></schedule>").await;
    let key = made.value(&["meetingkey"]);
    let host_key =
        s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await.value(&["hostKey"]);
    let host = serde_json::json!({ "name": "Alice", "email": "alice@acme.example", "hostKey": host_key, "password": "pw1234" });
    lifecycle(&s, &key, "join", "e2e", host).await;
    let guest = serde_json::json!({ "name": "Gina", "email": "gina@example.com", "password": "pw1234" });
    lifecycle(&s, &key, "join", "e2e", guest).await;
    let (_, during) = scrape(&base, None).await;
    assert_eq!(gauge(&during, "kaigi_live_sessions"), 1.0);
    assert_eq!(gauge(&during, "kaigi_live_participants"), 2.0);
}
