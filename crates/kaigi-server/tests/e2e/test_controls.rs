//! The test-double controls under `/_kaigi/` (docs/testing-with-kaigi.md): the clock, faults
//! (applied before any state changes), the bounded journal, the outbox, reset and snapshots;
//! and all of them a 404 when the controls are off.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use kaigi_core::model::{Caller, LicensePlan, MeetingQuery, NewUser, Site, SiteSettings, UserFields};
use kaigi_core::ports::{AdjustableClock, Clock, SeededKeys, StateStore, Store};
use kaigi_core::rules::secrets::HashCost;
use kaigi_core::{Config, Kaigi};
use kaigi_server::testctl::Controls;
use serde_json::{json, Value};

use crate::support::*;

static N: AtomicU64 = AtomicU64::new(0);

const MEETING: &str = "<metaData><confName>Sample</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>30</duration></schedule>";

struct Ctl {
    base: String,
    store: Arc<dyn Store>,
    clock: Arc<AdjustableClock>,
    site: Site,
    http: reqwest::Client,
    path: std::path::PathBuf,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Ctl {
    fn drop(&mut self) {
        self.server.abort();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

/// A server with the controls on: site `acme`, its admin `boss`, and host `alice` (welcomed by
/// mail); that state is the seed `/_kaigi/reset` returns to.
async fn start(journal_size: usize) -> Ctl {
    let n = N.fetch_add(1, Ordering::SeqCst);
    let path = std::env::temp_dir().join(format!("kaigi-ctl-{}-{n}.db", std::process::id()));
    let clock = Arc::new(AdjustableClock::pinned(start_time()));
    let sql = kaigi_store::open(&path.display().to_string())
        .await
        .unwrap()
        .with_read_cache_on(kaigi_store::DEFAULT_CACHE_TTL, clock.clone());
    let state: Arc<dyn StateStore> = Arc::new(sql.clone());
    let store: Arc<dyn Store> = Arc::new(sql);
    let config = Config { public_url: "http://kaigi.test".into(), hash_cost: HashCost::MINIMAL };
    let kaigi = Arc::new(Kaigi::new(store.clone(), clock.clone(), Arc::new(SeededKeys::new(n + 7000)), config));
    let site = kaigi.create_site(SITE, SiteSettings::default(), LicensePlan::NamedUser { seats: 5 }).await.unwrap();
    let op = Caller::operator(site.clone());
    for (id, pw, privileges, welcome) in [
        (ADMIN, ADMIN_PW, vec![("siteAdmin".to_string(), true)], false),
        ("alice", PW, vec![("host".into(), true)], true),
    ] {
        let user = NewUser {
            webex_id: id.into(),
            fields: UserFields {
                email: Some(format!("{id}@acme.example")),
                password: Some(pw.into()),
                first_name: Some(id.into()),
                last_name: Some("Example".into()),
                privileges,
                ..UserFields::default()
            },
            send_welcome: welcome,
            ..NewUser::default()
        };
        kaigi.create_user(&op, &user).await.unwrap();
    }
    let controls = Arc::new(Controls::new(clock.clone(), store.clone(), state, journal_size));
    controls.keep_seed().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = kaigi_server::app::router_with_controls(kaigi, Some(controls));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await;
    });
    Ctl { base, store, clock, site, http: reqwest::Client::new(), path, server }
}

impl Ctl {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn xml(&self, who: &str, op: &str, body: &str) -> Reply {
        let pw = if who == ADMIN { ADMIN_PW } else { PW };
        let doc = envelope(&security(SITE, who, pw), op, body);
        let resp = self.http.post(format!("{}/WBXService/XMLService", self.base)).body(doc).send().await.unwrap();
        Reply::parse(resp.text().await.unwrap())
    }

    async fn meetings(&self) -> usize {
        self.store
            .list_meetings(self.site.id, &MeetingQuery { limit: 100, ..MeetingQuery::default() })
            .await
            .unwrap()
            .len()
    }
}

use reqwest::Method;

#[tokio::test]
async fn the_controls_are_a_404_when_off() {
    let s = TestServer::start().await;
    let http = reqwest::Client::new();
    for (method, path) in [
        (Method::GET, "/_kaigi/clock"),
        (Method::PUT, "/_kaigi/faults"),
        (Method::GET, "/_kaigi/journal"),
        (Method::GET, "/_kaigi/outbox"),
        (Method::POST, "/_kaigi/reset"),
        (Method::POST, "/_kaigi/snapshots"),
    ] {
        let r = http.request(method, format!("{}{path}", s.base)).body("{}").send().await.unwrap();
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
}

#[tokio::test]
async fn the_clock_is_set_frozen_and_advanced() {
    let s = start(10).await;
    let (st, now) = s.send(Method::GET, "/_kaigi/clock", None).await;
    assert_eq!((st, now["frozen"].clone()), (200, json!(true)));
    let (_, set) = s.send(Method::PUT, "/_kaigi/clock", Some(json!({"now": "2030-01-01T00:00:00Z"}))).await;
    assert_eq!(set, json!({"now": "2030-01-01T00:00:00.000Z", "frozen": true}));
    let (_, moved) = s.send(Method::PUT, "/_kaigi/clock", Some(json!({"advance": "P1DT2H30M"}))).await;
    assert_eq!(moved["now"], "2030-01-02T02:30:00.000Z");
    assert_eq!(s.clock.now().to_rfc3339(), "2030-01-02T02:30:00+00:00", "the served clock moved");
    let (st, _) = s.send(Method::PUT, "/_kaigi/clock", Some(json!({"advance": "2 hours"}))).await;
    assert_eq!(st, 400);
    let (_, running) = s.send(Method::PUT, "/_kaigi/clock", Some(json!({"frozen": false}))).await;
    assert_eq!(running["frozen"], false);
    assert!(s.clock.now() >= chrono::DateTime::parse_from_rfc3339("2030-01-02T02:30:00Z").unwrap());
}

#[tokio::test]
async fn a_faulted_create_meeting_writes_nothing_and_is_journaled() {
    let s = start(100).await;
    let rules = json!({"rules": [
        {"operation": "meeting.CreateMeeting", "times": 1,
         "effect": {"kind": "xmlFailure", "exceptionID": "000045", "reason": "Rate limit"}},
        {"operation": "GET /v1/people", "effect": {"kind": "restRateLimit", "retryAfter": 7}},
        {"operation": "GET /v1/meetings/{id}", "effect": {"kind": "status", "status": 503}},
        {"operation": "GET /healthz", "share": 0.5, "effect": {"kind": "drop"}},
    ]});
    let (st, shown) = s.send(Method::PUT, "/_kaigi/faults", Some(rules)).await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(shown["rules"].as_array().unwrap().len(), 4);

    s.xml("alice", "meeting.CreateMeeting", MEETING).await.assert_failure("000045");
    assert_eq!(s.meetings().await, 0, "the faulted call never reached the use case");
    s.xml("alice", "meeting.CreateMeeting", MEETING).await.assert_success();
    assert_eq!(s.meetings().await, 1);

    let r = s.http.get(format!("{}/v1/people", s.base)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    let r = s.http.get(format!("{}/v1/meetings/abc123def456", s.base)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    // Every second call is dropped: the first answers, the second gets no answer at all.
    assert_eq!(s.http.get(format!("{}/healthz", s.base)).send().await.unwrap().status().as_u16(), 200);
    assert!(s.http.get(format!("{}/healthz", s.base)).send().await.is_err(), "dropped");

    let (_, shown) = s.send(Method::GET, "/_kaigi/faults", None).await;
    assert_eq!(shown["rules"][0]["matched"], 2);
    assert_eq!(shown["rules"][0]["faulted"], 1);
    let (_, j) = s.send(Method::GET, "/_kaigi/journal?api=xml&user=alice", None).await;
    let items = j["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{j}");
    assert_eq!(items[0]["operation"], "meeting.CreateMeeting");
    assert_eq!(items[0]["exceptionID"], "000045");
    assert_eq!(items[0]["faulted"], true);
    assert!(items[1].get("exceptionID").is_none());
    let (_, j) = s.send(Method::GET, "/_kaigi/journal?status=429", None).await;
    assert_eq!(j["items"][0]["operation"], "GET /v1/people");

    let (st, _) = s.send(Method::DELETE, "/_kaigi/faults", None).await;
    assert_eq!(st, 204);
    assert_eq!(s.http.get(format!("{}/v1/people", s.base)).send().await.unwrap().status().as_u16(), 401);
    let bad = json!({"rules": [{"operation": "nonsense", "effect": {"kind": "drop"}}]});
    assert_eq!(s.send(Method::PUT, "/_kaigi/faults", Some(bad)).await.0, 400);
}

#[tokio::test]
async fn the_journal_keeps_its_size_and_empties() {
    let s = start(3).await;
    for _ in 0..5 {
        s.http.get(format!("{}/healthz", s.base)).send().await.unwrap();
    }
    s.xml("alice", "user.GetUser", "<webExId>nobody</webExId>").await;
    let (_, j) = s.send(Method::GET, "/_kaigi/journal", None).await;
    assert_eq!(j["size"], 3);
    let items = j["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "bounded at its size");
    assert_eq!(items[2]["operation"], "user.GetUser");
    assert_eq!(items[2]["user"], "alice");
    assert!(items[2]["exceptionID"].as_str().is_some_and(|e| e.len() == 6), "{j}");
    assert_eq!(items[2]["seq"], 6);
    let (_, j) = s.send(Method::GET, "/_kaigi/journal?operation=GET%20/healthz", None).await;
    assert_eq!(j["items"].as_array().unwrap().len(), 2);
    assert_eq!(s.send(Method::DELETE, "/_kaigi/journal", None).await.0, 204);
    let (_, j) = s.send(Method::GET, "/_kaigi/journal", None).await;
    assert!(j["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_outbox_lists_mails_with_their_links_and_empties() {
    let s = start(10).await;
    let (st, list) = s.send(Method::GET, "/_kaigi/outbox", None).await;
    assert_eq!(st, 200);
    let mails = list["items"].as_array().unwrap();
    assert_eq!(mails.len(), 1, "alice's welcome: {list}");
    assert_eq!(mails[0]["to"], "alice@acme.example");
    assert_eq!(mails[0]["kind"], "welcome");
    if mails[0]["body"].as_str().unwrap().contains("http") {
        assert!(!mails[0]["links"].as_array().unwrap().is_empty());
    }
    let id = mails[0]["id"].as_i64().unwrap();
    let (st, one) = s.send(Method::GET, &format!("/_kaigi/outbox/{id}"), None).await;
    assert_eq!((st, one["to"].clone()), (200, json!("alice@acme.example")));
    assert_eq!(s.send(Method::GET, "/_kaigi/outbox/999999", None).await.0, 404);
    let (_, gone) = s.send(Method::DELETE, "/_kaigi/outbox", None).await;
    assert_eq!(gone["deleted"], 1);
    let (_, list) = s.send(Method::GET, "/_kaigi/outbox", None).await;
    assert!(list["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn snapshots_restore_and_reset_returns_to_the_seed() {
    let s = start(10).await;
    s.xml("alice", "meeting.CreateMeeting", MEETING).await.assert_success();
    let (st, _) = s.send(Method::POST, "/_kaigi/snapshots", Some(json!({"name": "booked"}))).await;
    assert_eq!(st, 201);
    s.xml("alice", "meeting.CreateMeeting", MEETING).await.assert_success();
    assert_eq!(s.meetings().await, 2);
    let (st, _) = s.send(Method::POST, "/_kaigi/snapshots/booked/restore", None).await;
    assert_eq!(st, 200);
    assert_eq!(s.meetings().await, 1, "answered once the state is in place");
    let (_, names) = s.send(Method::GET, "/_kaigi/snapshots", None).await;
    assert_eq!(names["items"], json!(["booked"]));
    assert_eq!(s.send(Method::POST, "/_kaigi/reset", None).await.0, 200);
    assert_eq!(s.meetings().await, 0);
    // The seeded people still sign in after a reset.
    s.xml("alice", "meeting.CreateMeeting", MEETING).await.assert_success();
    assert_eq!(s.send(Method::POST, "/_kaigi/snapshots/nothing/restore", None).await.0, 404);
    assert_eq!(s.send(Method::POST, "/_kaigi/snapshots", Some(json!({"name": "Bad Name"}))).await.0, 400);
    assert_eq!(s.send(Method::POST, "/_kaigi/snapshots", Some(json!({"name": "kaigi_seed"}))).await.0, 400);
}
