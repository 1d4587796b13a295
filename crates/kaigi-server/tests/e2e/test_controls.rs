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
    kaigi: Arc<Kaigi>,
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
    let controls = Arc::new(Controls::new(clock.clone(), store.clone(), state, journal_size).with_kaigi(kaigi.clone()));
    controls.keep_seed().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = kaigi_server::app::router_with_controls(kaigi.clone(), Some(controls));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await;
    });
    Ctl { base, store, clock, site, kaigi, http: reqwest::Client::new(), path, server }
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

impl Ctl {
    async fn bearer(&self, path: &str, token: &str) -> (u16, Value) {
        let resp = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn advance(&self, by: &str) {
        let (st, body) = self.send(Method::PUT, "/_kaigi/clock", Some(json!({ "advance": by }))).await;
        assert_eq!(st, 200, "{body}");
    }
}

#[tokio::test]
async fn moving_the_clock_expires_a_rest_token() {
    let s = start(10).await;
    let t = s.kaigi.create_personal_token(&s.site, "alice", None).await.unwrap().token;
    assert_eq!(s.bearer("/v1/people/me", &t).await.0, 200);
    s.advance("PT11H59M").await;
    assert_eq!(s.bearer("/v1/people/me", &t).await.0, 200);
    s.advance("PT1M").await;
    let (st, body) = s.bearer("/v1/people/me", &t).await;
    assert_eq!(st, 401, "{body}");
    assert!(body["errors"][0]["description"].as_str().unwrap_or_default().contains("expired"), "{body}");
}

#[tokio::test]
async fn moving_the_clock_expires_an_xml_session_ticket() {
    let s = start(10).await;
    let ticket = s.xml("alice", "user.AuthenticateUser", "").await.value(&["sessionTicket"]);
    assert!(!ticket.is_empty());
    let with_ticket = |ticket: &str| {
        envelope(
            &format!(
                "<securityContext><webExID>alice</webExID><sessionTicket>{ticket}</sessionTicket><siteName>{SITE}</siteName></securityContext>"
            ),
            "user.GetUser",
            "<webExId>alice</webExId>",
        )
    };
    let call = |doc: String| async {
        let r = s.http.post(format!("{}/WBXService/XMLService", s.base)).body(doc).send().await.unwrap();
        Reply::parse(r.text().await.unwrap())
    };
    call(with_ticket(&ticket)).await.assert_success();
    // The site's ticket lifetime (5,400 s by default), and a minute more.
    s.advance("PT1H31M").await;
    let expired = call(with_ticket(&ticket)).await;
    assert_eq!(expired.result(), "FAILURE", "the ticket no longer signs in");
}

#[tokio::test]
async fn moving_the_clock_past_a_meeting_shows_it_missed_and_the_series_expired() {
    let s = start(10).await;
    // 2026-06-20 10:00, 30 minutes, in the host's zone.
    s.xml("alice", "meeting.CreateMeeting", MEETING).await.assert_success();
    let t = s.kaigi.create_personal_token(&s.site, "alice", None).await.unwrap().token;
    let window = "from=2026-06-01T00:00:00Z&to=2026-07-01T00:00:00Z";
    let (_, list) = s.bearer(&format!("/v1/meetings?{window}"), &t).await;
    let id = list["items"][0]["id"].as_str().unwrap_or_else(|| panic!("{list}")).to_string();
    let (_, series) = s.bearer(&format!("/v1/meetings/{id}"), &t).await;
    assert_eq!(series["state"], "active");
    let occurrences = format!("/v1/meetings?meetingType=scheduledMeeting&meetingSeriesId={id}&{window}");
    let (_, before) = s.bearer(&occurrences, &t).await;
    assert_eq!(before["items"][0]["state"], "ready", "the next one: {before}");
    let (st, _) = s.send(Method::PUT, "/_kaigi/clock", Some(json!({"now": "2026-06-22T00:00:00Z"}))).await;
    assert_eq!(st, 200);
    // A fresh token: the first one's twelve hours have passed too.
    let t = s.kaigi.create_personal_token(&s.site, "alice", None).await.unwrap().token;
    let (_, after) = s.bearer(&occurrences, &t).await;
    assert_eq!(after["items"][0]["state"], "missed", "{after}");
    let (_, series) = s.bearer(&format!("/v1/meetings/{id}"), &t).await;
    assert_eq!(series["state"], "expired", "{series}");
}

#[tokio::test]
async fn moving_the_clock_a_month_moves_the_licence_report() {
    let s = start(10).await;
    let report = || async {
        let r = s
            .http
            .get(format!("{}/_kaigi/sites/{SITE}/license-report", s.base))
            .basic_auth(ADMIN, Some(ADMIN_PW))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        r.json::<Value>().await.unwrap()
    };
    assert_eq!(report().await["to"], "2026-06");
    s.advance("P31D").await;
    let r = report().await;
    assert_eq!((r["from"].as_str(), r["to"].as_str()), (Some("2025-08"), Some("2026-07")), "{r}");
}

#[tokio::test]
async fn the_journal_names_the_rest_caller() {
    let s = start(10).await;
    let t = s.kaigi.create_personal_token(&s.site, "alice", None).await.unwrap().token;
    assert_eq!(s.bearer("/v1/people/me", &t).await.0, 200);
    assert_eq!(s.bearer("/v1/people/me", "not-a-token").await.0, 401);
    let (_, j) = s.send(Method::GET, "/_kaigi/journal?api=rest", None).await;
    let items = j["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{j}");
    assert_eq!((items[0]["user"].as_str(), items[0]["status"].as_u64()), (Some("alice"), Some(200)));
    assert!(items[1].get("user").is_none(), "a refused token names nobody: {j}");
    let (_, j) = s.send(Method::GET, "/_kaigi/journal?user=alice", None).await;
    assert_eq!(j["items"].as_array().unwrap().len(), 1);
}

fn example_fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/examples/fixture.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn a_posted_fixture_becomes_the_world_reset_returns_to() {
    let s = start(10).await;
    let (st, loaded) = s.send(Method::POST, "/_kaigi/fixture", Some(example_fixture())).await;
    assert_eq!(st, 200, "{loaded}");
    assert_eq!(loaded, json!({"sites": 2, "users": 5, "meetings": 2}));
    let globex = s.kaigi.site_named("globex").await.unwrap();
    assert_eq!(globex.settings.time_zone_id, kaigi_core::rules::timezone::by_iana("Europe/London", 2026).unwrap().id);
    assert!(globex.settings.require_meeting_password);
    let q = MeetingQuery { limit: 100, ..MeetingQuery::default() };
    let meetings = s.store.list_meetings(globex.id, &q).await.unwrap();
    assert_eq!(meetings.len(), 2);
    let plan = meetings.iter().find(|m| m.name == "Quarterly plan").unwrap();
    assert_eq!(plan.start, s.clock.now() + chrono::Duration::days(1), "startIn is from kaigi's clock");
    assert_eq!(plan.invitees.len(), 2);
    let review = meetings.iter().find(|m| m.name == "Safety review").unwrap();
    assert!(review.password.is_some(), "the site's rule: every meeting gets a password");
    // The seeded site is still there, and the fixture's people sign in.
    assert_eq!(s.meetings().await, 0);
    let doc = envelope(&security("globex", "hank", "hank-pass-1"), "user.GetUser", "<webExId>hank</webExId>");
    let r = s.http.post(format!("{}/WBXService/XMLService", s.base)).body(doc).send().await.unwrap();
    Reply::parse(r.text().await.unwrap()).assert_success();

    // Changed, then reset: back to the fixture's world.
    s.kaigi.deactivate_users(&Caller::operator(globex.clone()), &["frank".into()]).await.unwrap();
    let op = Caller::operator(globex.clone());
    let extra = kaigi_core::model::MeetingFields {
        name: Some("Extra".into()),
        start: Some(chrono::NaiveDateTime::parse_from_str("2026-07-01T10:00:00", "%Y-%m-%dT%H:%M:%S").unwrap()),
        host_webex_id: Some("homer".into()),
        ..Default::default()
    };
    s.kaigi.create_meeting(&op, kaigi_core::model::SessionKind::Meeting, &extra).await.unwrap();
    assert_eq!(s.store.list_meetings(globex.id, &q).await.unwrap().len(), 3);
    assert_eq!(s.send(Method::POST, "/_kaigi/reset", None).await.0, 200);
    assert_eq!(s.store.list_meetings(globex.id, &q).await.unwrap().len(), 2);
    let frank = s.kaigi.user_by_webex_id(&globex, "frank").await.unwrap().unwrap();
    assert!(frank.is_active(), "reset undid the deactivation");

    // Posting a fixture again replaces the fixture's world (same names load again).
    let (st, again) = s.send(Method::POST, "/_kaigi/fixture", Some(example_fixture())).await;
    assert_eq!(st, 200, "{again}");
}

#[tokio::test]
async fn a_fixture_that_breaks_a_rule_names_the_entry_and_changes_nothing() {
    let s = start(10).await;
    assert_eq!(s.send(Method::POST, "/_kaigi/fixture", Some(example_fixture())).await.0, 200);
    // Two seats, three hosts: the licence rule refuses the third.
    let mut bad = example_fixture();
    bad["sites"][1]["name"] = json!("umbrella");
    bad["sites"][1]["licensePlan"] = json!({"kind": "namedUser", "seats": 1});
    bad["sites"][1]["users"].as_array_mut().unwrap().push(
        json!({"webExId": "alice2", "email": "alice2@umbrella.example", "password": "alice-pass-1", "host": true}),
    );
    let (st, body) = s.send(Method::POST, "/_kaigi/fixture", Some(bad)).await;
    assert_eq!(st, 422, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("sites[1] (umbrella).users[1] (alice2)"), "{message}");
    assert!(s.kaigi.find_site("umbrella").await.unwrap().is_none(), "nothing of it stays");
    assert!(s.kaigi.find_site("globex").await.unwrap().is_some(), "the last fixture's world stays");

    // A meeting in the past, an unknown host, bounds.
    let mut past = example_fixture();
    past["sites"][0]["meetings"][1] = json!({"host": "homer", "title": "Gone", "start": "2020-01-01T10:00:00Z"});
    let (st, body) = s.send(Method::POST, "/_kaigi/fixture", Some(past)).await;
    assert_eq!(st, 422);
    assert!(body["message"].as_str().unwrap().contains("meetings[1] (Gone)"), "{body}");
    let mut nobody = example_fixture();
    nobody["sites"][0]["meetings"][0]["host"] = json!("nobody");
    let (st, body) = s.send(Method::POST, "/_kaigi/fixture", Some(nobody)).await;
    assert_eq!(st, 422);
    assert!(body["message"].as_str().unwrap().contains("host \"nobody\""), "{body}");
    let mut long = example_fixture();
    long["sites"][0]["users"][0]["firstName"] = json!("x".repeat(300));
    let (st, body) = s.send(Method::POST, "/_kaigi/fixture", Some(long)).await;
    assert_eq!(st, 400);
    assert!(body["message"].as_str().unwrap().contains("users[0] (admin): firstName is longer"), "{body}");
    let many = json!({"sites": (0..21).map(|i| json!({"name": format!("s{i}"), "licensePlan": {"kind": "enterpriseAgreement"}})).collect::<Vec<_>>()});
    assert_eq!(s.send(Method::POST, "/_kaigi/fixture", Some(many)).await.0, 400);
    assert_eq!(s.send(Method::POST, "/_kaigi/fixture", Some(json!({"sites": [{"nome": "x"}]}))).await.0, 400);
    // After every refusal, reset still returns to the last fixture's world.
    assert_eq!(s.send(Method::POST, "/_kaigi/reset", None).await.0, 200);
    assert!(s.kaigi.find_site("globex").await.unwrap().is_some());
}
