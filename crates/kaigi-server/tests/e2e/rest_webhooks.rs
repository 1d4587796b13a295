//! Webhooks over real HTTP: registered through `/v1/webhooks`, fed by every face (REST, the XML
//! API, the lifecycle), delivered by the server's HTTP transport to a receiver on 127.0.0.1 that
//! checks each signature. The tests run the delivery rounds themselves and move the injected
//! clock for retries, so nothing waits for time to pass.

use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use chrono::Duration;
use kaigi_core::ports::WebhookTransport;
use kaigi_core::DeliveryRound;
use kaigi_server::webhook_delivery::{signature, HttpTransport};
use serde_json::{json, Value};

use crate::rest_support::*;
use crate::support::*;

#[derive(Clone, Default)]
struct Inbox {
    got: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    /// The status the receiver answers (200 unless a test changes it).
    status: Arc<AtomicU16>,
    /// Requests that reached the redirect's target.
    redirected: Arc<AtomicUsize>,
}

struct Receiver {
    url: String,
    inbox: Inbox,
}

impl Receiver {
    async fn start() -> Receiver {
        let inbox = Inbox { status: Arc::new(AtomicU16::new(200)), ..Inbox::default() };
        async fn hook(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
            inbox.got.lock().unwrap().push((headers, body));
            StatusCode::from_u16(inbox.status.load(Ordering::SeqCst)).unwrap()
        }
        async fn moved() -> impl IntoResponse {
            (StatusCode::FOUND, [("Location", "/elsewhere")])
        }
        async fn elsewhere(State(inbox): State<Inbox>) -> impl IntoResponse {
            inbox.redirected.fetch_add(1, Ordering::SeqCst);
            StatusCode::OK
        }
        let app = Router::new()
            .route("/hook", post(hook))
            .route("/moved", post(moved))
            .route("/elsewhere", post(elsewhere))
            .with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url: format!("http://{addr}"), inbox }
    }

    fn bodies(&self) -> Vec<(HeaderMap, Value)> {
        let got = self.inbox.got.lock().unwrap();
        got.iter().map(|(h, b)| (h.clone(), serde_json::from_slice(b).expect("JSON body"))).collect()
    }

    /// Every body received, its signature checked against `secret` when it carries one.
    fn checked(&self, secrets: &[(&str, &str)]) -> Vec<Value> {
        let got = self.inbox.got.lock().unwrap();
        got.iter()
            .map(|(headers, raw)| {
                let body: Value = serde_json::from_slice(raw).expect("JSON body");
                let name = body["name"].as_str().unwrap();
                let secret = secrets.iter().find(|(n, _)| *n == name).map(|(_, s)| *s);
                let sent = headers.get("X-Spark-Signature").map(|v| v.to_str().unwrap().to_string());
                match secret {
                    Some(secret) => assert_eq!(sent, Some(signature(secret, raw)), "signature of {body}"),
                    None => assert_eq!(sent, None, "no secret, no signature"),
                }
                assert_eq!(headers["content-type"], "application/json");
                body
            })
            .collect()
    }
}

fn transport() -> Arc<dyn WebhookTransport> {
    Arc::new(HttpTransport::new().expect("client"))
}

/// Runs delivery rounds until one does nothing.
async fn deliver_all(s: &TestServer) -> DeliveryRound {
    let mut total = DeliveryRound::default();
    let t = transport();
    for _ in 0..100 {
        let round = s.kaigi.deliver_webhooks(t.clone()).await.expect("round");
        if !round.did_something() {
            return total;
        }
        total.changes += round.changes;
        total.deliveries_made += round.deliveries_made;
        total.attempted += round.attempted;
        total.delivered += round.delivered;
    }
    panic!("deliveries never settled");
}

async fn allow_loopback(s: &TestServer) {
    s.kaigi.set_webhook_targets(&s.site, &["127.0.0.1".into()]).await.expect("targets");
}

async fn hook(s: &TestServer, token: &str, body: Value) -> Value {
    rest(s, "POST", "/v1/webhooks", Some(token), Some(body)).await.ok().clone()
}

#[tokio::test]
async fn webhooks_are_registered_read_changed_and_deleted_as_the_spec_shows() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let alice = token(&s, "alice", None).await;
    let body =
        json!({"name": "Mine", "targetUrl": format!("{}/hook", r.url), "resource": "meetings", "event": "created"});
    // The site allows no target yet: refused, naming the field and how to allow it.
    let refused = rest(&s, "POST", "/v1/webhooks", Some(&alice), Some(body.clone())).await;
    refused.assert_error(400);
    assert!(refused.description().contains("targetUrl"), "{}", refused.body);
    assert!(refused.description().contains("kaigi site webhooks --allow 127.0.0.1"), "{}", refused.body);
    allow_loopback(&s).await;

    // A filter by host is a site administrator's (ownedBy org), as the vendor has it.
    let by_host = json!({"name": "Mine", "targetUrl": format!("{}/hook", r.url), "resource": "meetings",
        "event": "created", "filter": "hostEmail=alice%40acme.example"});
    let refused = rest(&s, "POST", "/v1/webhooks", Some(&alice), Some(by_host)).await;
    refused.assert_error(400);
    assert!(refused.description().contains("ownedBy org"), "{}", refused.body);
    let made = hook(
        &s,
        &alice,
        json!({"name": "Mine", "targetUrl": format!("{}/hook", r.url), "resource": "meetings",
        "event": "created", "filter": "meetingType=meetingSeries", "secret": "k3y"}),
    )
    .await;
    assert_eq!(made["status"], "active");
    assert_eq!(made["ownedBy"], "creator");
    assert_eq!(made["filter"], "meetingType=meetingSeries");
    assert_eq!(made["secret"], "k3y");
    assert!(made["created"].as_str().unwrap().ends_with('Z'));
    let id = made["id"].as_str().unwrap().to_string();
    let got = rest(&s, "GET", &format!("/v1/webhooks/{id}"), Some(&alice), None).await;
    assert_eq!(got.ok(), &made);
    let listed = rest(&s, "GET", "/v1/webhooks", Some(&alice), None).await;
    assert_eq!(listed.ok()["items"], json!([made.clone()]));
    // Another user neither sees nor changes it.
    let bob = token(&s, "bob", None).await;
    assert_eq!(rest(&s, "GET", "/v1/webhooks", Some(&bob), None).await.ok()["items"], json!([]));
    rest(&s, "GET", &format!("/v1/webhooks/{id}"), Some(&bob), None).await.assert_error(404);

    // PUT changes what it names and keeps the rest; resource and event cannot change.
    let put = json!({"name": "Renamed", "targetUrl": format!("{}/hook", r.url)});
    let changed = rest(&s, "PUT", &format!("/v1/webhooks/{id}"), Some(&alice), Some(put)).await;
    assert_eq!(changed.ok()["name"], "Renamed");
    assert_eq!(changed.ok()["secret"], "k3y");
    assert_eq!(changed.ok()["filter"], made["filter"]);
    let other_event = json!({"name": "x", "targetUrl": format!("{}/hook", r.url), "event": "deleted"});
    let r2 = rest(&s, "PUT", &format!("/v1/webhooks/{id}"), Some(&alice), Some(other_event)).await;
    r2.assert_error(400);
    assert!(r2.description().contains("event"), "{}", r2.body);
    let off = json!({"name": "x", "targetUrl": format!("{}/hook", r.url), "status": "inactive"});
    let r3 = rest(&s, "PUT", &format!("/v1/webhooks/{id}"), Some(&alice), Some(off)).await;
    r3.assert_error(400);
    assert!(r3.description().contains("status"), "{}", r3.body);

    // Bad input, each named.
    for (body, says) in [
        (
            json!({"name": "x", "targetUrl": format!("{}/hook", r.url), "resource": "messages", "event": "created"}),
            "resource",
        ),
        (
            json!({"name": "x", "targetUrl": format!("{}/hook", r.url), "resource": "meetings", "event": "joined"}),
            "event",
        ),
        (
            json!({"name": "x", "targetUrl": format!("{}/hook", r.url), "resource": "meetings", "event": "created", "filter": "roomId=1"}),
            "filter",
        ),
        (
            json!({"name": "x", "targetUrl": "http://169.254.169.254/latest", "resource": "meetings", "event": "created"}),
            "targetUrl",
        ),
        (
            json!({"name": "x", "targetUrl": "gopher://127.0.0.1/", "resource": "meetings", "event": "created"}),
            "targetUrl",
        ),
        (json!({"targetUrl": format!("{}/hook", r.url), "resource": "meetings", "event": "created"}), "name"),
    ] {
        let refused = rest(&s, "POST", "/v1/webhooks", Some(&alice), Some(body.clone())).await;
        refused.assert_error(400);
        assert!(refused.description().contains(says), "{body}: {}", refused.body);
    }
    // A site-wide webhook takes an administrator with the admin scope.
    let org = json!({"name": "All", "targetUrl": format!("{}/hook", r.url), "resource": "meetings", "event": "all", "ownedBy": "org"});
    rest(&s, "POST", "/v1/webhooks", Some(&alice), Some(org.clone())).await.assert_error(403);
    let admin = token(&s, ADMIN, None).await;
    let site_wide = hook(&s, &admin, org).await;
    assert_eq!(site_wide["ownedBy"], "org");
    let orgs = rest(&s, "GET", "/v1/webhooks?ownedBy=org", Some(&admin), None).await;
    assert_eq!(orgs.ok()["items"].as_array().unwrap().len(), 1);
    // A participants webhook takes the participants scope.
    let narrow = token(&s, "alice", Some(&["meeting:schedules_read"])).await;
    let p = json!({"name": "P", "targetUrl": format!("{}/hook", r.url), "resource": "meetingParticipants", "event": "joined"});
    let refused = rest(&s, "POST", "/v1/webhooks", Some(&narrow), Some(p)).await;
    refused.assert_error(403);
    assert!(refused.description().contains("meeting:participants_read"), "{}", refused.body);

    let deleted = rest(&s, "DELETE", &format!("/v1/webhooks/{id}"), Some(&alice), None).await;
    assert_eq!(deleted.status, 204);
    rest(&s, "GET", &format!("/v1/webhooks/{id}"), Some(&alice), None).await.assert_error(404);
}

#[tokio::test]
async fn every_change_reaches_its_webhooks_signed_in_order_whatever_face_made_it() {
    let s = TestServer::start().await;
    allow_loopback(&s).await;
    let r = Receiver::start().await;
    let alice = token(&s, "alice", None).await;
    let target = format!("{}/hook", r.url);
    for (name, resource, secret) in
        [("M", "meetings", Some("m-secret")), ("P", "meetingParticipants", Some("p-secret")), ("R", "recordings", None)]
    {
        let mut body = json!({"name": name, "targetUrl": target, "resource": resource, "event": "all"});
        if let Some(secret) = secret {
            body["secret"] = json!(secret);
        }
        hook(&s, &alice, body).await;
    }
    // bob's own webhook, and the administrator's site-wide one filtered to bob's meetings, hear
    // nothing of alice's.
    let bob = token(&s, "bob", None).await;
    hook(&s, &bob, json!({"name": "B", "targetUrl": target, "resource": "meetings", "event": "all"})).await;
    let admin = token(&s, ADMIN, None).await;
    let only_bob = json!({"name": "B", "targetUrl": target, "resource": "meetings", "event": "all",
        "filter": "hostEmail=bob@acme.example", "ownedBy": "org"});
    hook(&s, &admin, only_bob).await;

    // REST creates and changes the meeting; the lifecycle runs it; the XML API deletes its
    // recording; REST deletes it.
    let made = rest(
        &s,
        "POST",
        "/v1/meetings",
        Some(&alice),
        Some(json!({"title": "Weekly", "start": "2026-06-02T01:00:00Z", "end": "2026-06-02T02:00:00Z"})),
    )
    .await;
    let meeting = made.ok().clone();
    let id = meeting["id"].as_str().unwrap().to_string();
    let key = meeting["meetingNumber"].as_str().unwrap().to_string();
    rest(&s, "PATCH", &format!("/v1/meetings/{id}"), Some(&alice), Some(json!({"title": "Weekly sync"}))).await.ok();
    let host_key =
        s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await.value(&["hostKey"]);
    let host = lifecycle(
        &s,
        &key,
        "join",
        "e2e",
        json!({"name": "Alice", "email": "alice@acme.example", "hostKey": host_key, "password": meeting["password"]}),
    )
    .await;
    let guest = lifecycle(
        &s,
        &key,
        "join",
        "e2e",
        json!({"name": "Gina", "email": "gina@example.com", "password": meeting["password"]}),
    )
    .await;
    lifecycle(&s, &key, "record", "e2e", crate::lifecycle::who(&host)).await;
    lifecycle(&s, &key, "leave", "e2e", crate::lifecycle::who(&guest)).await;
    s.advance(Duration::minutes(20));
    lifecycle(&s, &key, "end", "e2e", crate::lifecycle::who(&host)).await;
    let recordings = s.call("alice", PW, "ep.LstRecording", &format!("<sessionKey>{key}</sessionKey>")).await;
    let recording = recordings.value(&["recording", "recordingID"]);
    let recording_uuid = recordings.value(&["recording", "recordingUUID"]);
    let listed = rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={id}"), Some(&alice), None).await;
    let participant_ids: Vec<Value> =
        listed.ok()["items"].as_array().unwrap().iter().map(|p| p["id"].clone()).collect();
    assert_eq!(participant_ids.len(), 2, "{}", listed.body);
    s.call("alice", PW, "ep.DelRecording", &format!("<recordingID>{recording}</recordingID>")).await.assert_success();
    rest(&s, "DELETE", &format!("/v1/meetings/{id}"), Some(&alice), None).await;

    let round = deliver_all(&s).await;
    assert_eq!(round.changes, 11, "{round:?}");
    assert_eq!(round.delivered, 11, "{round:?}");
    let got = r.checked(&[("M", "m-secret"), ("P", "p-secret")]);
    let seen: Vec<(String, String)> = got
        .iter()
        .map(|b| (b["resource"].as_str().unwrap().to_string(), b["event"].as_str().unwrap().to_string()))
        .collect();
    let of = |resource: &str| -> Vec<&str> {
        seen.iter().filter(|(r, _)| r == resource).map(|(_, e)| e.as_str()).collect::<Vec<_>>()
    };
    assert_eq!(of("meetings"), ["created", "updated", "started", "ended", "deleted"]);
    assert_eq!(of("meetingParticipants"), ["joined", "joined", "left", "left"]);
    assert_eq!(of("recordings"), ["created", "deleted"]);
    for b in &got {
        assert_ne!(b["name"], "B", "bob's filtered webhook heard alice's meeting");
        assert_eq!(b["data"]["meetingSeriesId"], id.as_str(), "{b}");
        assert_eq!(b["data"]["hostEmail"], "alice@acme.example", "{b}");
        assert_eq!(b["data"]["siteUrl"], "kaigi.test/acme", "{b}");
        assert_eq!(b["status"], "active");
        assert!(b.get("secret").is_none() && b.get("targetUrl").is_none(), "{b}");
        for field in ["id", "orgId", "createdBy", "ownedBy", "created"] {
            assert!(b[field].is_string(), "{field} in {b}");
        }
    }
    let joined: Vec<&Value> = got.iter().filter(|b| b["event"] == "joined").collect();
    assert_eq!(joined[0]["data"]["email"], "alice@acme.example");
    assert_eq!(joined[0]["data"]["host"], true);
    assert_eq!(joined[1]["data"]["displayName"], "Gina");
    assert!(joined[0]["actorId"].is_string(), "a signed-in host is the actor");
    // The ids in `data` are the ones the REST API reads the resource by.
    let ids_seen: Vec<&Value> = joined.iter().map(|b| &b["data"]["id"]).collect();
    assert_eq!(ids_seen, participant_ids.iter().collect::<Vec<_>>());
    let made: Vec<&Value> = got.iter().filter(|b| b["resource"] == "recordings").collect();
    assert_eq!(made[0]["data"]["id"], recording_uuid.as_str());
    assert_eq!(made[1]["data"]["id"], recording_uuid.as_str());
    // Each delivery has its own id, for receivers that drop duplicates.
    let ids: std::collections::BTreeSet<String> =
        r.bodies().iter().map(|(h, _)| h["X-Kaigi-Delivery"].to_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 11);
    // Nothing is delivered twice.
    assert!(!deliver_all(&s).await.did_something());
}

#[tokio::test]
async fn a_failing_receiver_is_retried_with_backoff_then_stopped_and_restarted_on_request() {
    let s = TestServer::start().await;
    allow_loopback(&s).await;
    let r = Receiver::start().await;
    let alice = token(&s, "alice", None).await;
    r.inbox.status.store(500, Ordering::SeqCst);
    let made = hook(
        &s,
        &alice,
        json!({"name": "M", "targetUrl": format!("{}/hook", r.url), "resource": "meetings", "event": "created"}),
    )
    .await;
    let id = made["id"].as_str().unwrap().to_string();
    for title in ["First", "Second"] {
        let body = json!({"title": title, "start": "2026-06-02T01:00:00Z", "end": "2026-06-02T02:00:00Z"});
        rest(&s, "POST", "/v1/meetings", Some(&alice), Some(body)).await.ok();
    }
    let t = transport();
    // Attempt n fails; the next waits 2^(n-1) seconds of the injected clock; the second
    // meeting's delivery waits behind the first, in order.
    for attempt in 1..=8u32 {
        let round = s.kaigi.deliver_webhooks(t.clone()).await.unwrap();
        assert_eq!(round.attempted, 1, "attempt {attempt}: {round:?}");
        assert_eq!(r.inbox.got.lock().unwrap().len(), attempt as usize);
        assert_eq!(s.kaigi.deliver_webhooks(t.clone()).await.unwrap().attempted, 0, "not due yet");
        s.advance(Duration::seconds(1 << (attempt - 1)));
    }
    let stopped = rest(&s, "GET", &format!("/v1/webhooks/{id}"), Some(&alice), None).await;
    assert_eq!(stopped.ok()["status"], "inactive");
    assert_eq!(s.kaigi.deliver_webhooks(t.clone()).await.unwrap().attempted, 0, "an inactive webhook is not called");
    let all_same: std::collections::BTreeSet<String> =
        r.bodies().iter().map(|(h, _)| h["X-Kaigi-Delivery"].to_str().unwrap().to_string()).collect();
    assert_eq!(all_same.len(), 1, "every attempt is the same delivery");

    // The receiver is fixed and the webhook restarted: what it missed arrives, in order.
    r.inbox.status.store(204, Ordering::SeqCst);
    let restart = json!({"name": "M", "targetUrl": format!("{}/hook", r.url), "status": "active"});
    assert_eq!(
        rest(&s, "PUT", &format!("/v1/webhooks/{id}"), Some(&alice), Some(restart)).await.ok()["status"],
        "active"
    );
    let round = deliver_all(&s).await;
    assert_eq!(round.delivered, 2, "{round:?}");
    let titles: Vec<String> =
        r.bodies().iter().skip(8).map(|(_, b)| b["data"]["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(titles, ["First", "Second"]);
}

#[tokio::test]
async fn redirects_are_not_followed_and_a_target_no_longer_allowed_is_not_called() {
    let s = TestServer::start().await;
    allow_loopback(&s).await;
    let r = Receiver::start().await;
    let alice = token(&s, "alice", None).await;
    let moved = hook(
        &s,
        &alice,
        json!({"name": "Moved", "targetUrl": format!("{}/moved", r.url), "resource": "meetings", "event": "created"}),
    )
    .await;
    let meeting = json!({"title": "One", "start": "2026-06-02T01:00:00Z", "end": "2026-06-02T02:00:00Z"});
    rest(&s, "POST", "/v1/meetings", Some(&alice), Some(meeting.clone())).await.ok();
    let round = s.kaigi.deliver_webhooks(transport()).await.unwrap();
    assert_eq!((round.attempted, round.delivered), (1, 0), "a 302 is a failure");
    assert_eq!(r.inbox.redirected.load(Ordering::SeqCst), 0, "the redirect was followed");
    rest(&s, "DELETE", &format!("/v1/webhooks/{}", moved["id"].as_str().unwrap()), Some(&alice), None).await;

    let plain = hook(
        &s,
        &alice,
        json!({"name": "Plain", "targetUrl": format!("{}/hook", r.url), "resource": "meetings", "event": "created"}),
    )
    .await;
    s.kaigi.set_webhook_targets(&s.site, &["hooks.example.com".into()]).await.unwrap();
    rest(&s, "POST", "/v1/meetings", Some(&alice), Some(meeting)).await.ok();
    deliver_all(&s).await;
    assert_eq!(r.inbox.got.lock().unwrap().len(), 0, "a target the site no longer allows was called");
    let stopped = rest(&s, "GET", &format!("/v1/webhooks/{}", plain["id"].as_str().unwrap()), Some(&alice), None).await;
    assert_eq!(stopped.ok()["status"], "inactive");
}
