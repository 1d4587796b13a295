//! A meeting series' setup over real HTTP (issue #14): simultaneous interpretation and its
//! interpreters, breakout sessions planned before the meeting, a webinar's invitation sources.
//! Each is kept with the meeting: answered back by its own operation and by `GET /meetings/{id}`,
//! changed under the meeting's revision check, and heard by webhooks as `meetings updated`.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use kaigi_server::webhook_delivery::HttpTransport;
use serde_json::{json, Value};

use crate::rest_support::*;
use crate::support::*;

/// alice's meeting on 2 June 2026 (the clock stands at 1 June), with `extra` in the body.
async fn meeting(s: &TestServer, token: &str, extra: Value) -> Value {
    let mut body = json!({"title": "Setup", "start": "2026-06-02T10:00:00Z", "end": "2026-06-02T11:00:00Z"});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    rest(s, "POST", "/v1/meetings", Some(token), Some(body)).await.ok().clone()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

#[track_caller]
fn refused(r: &RestReply, status: u16, description: &str) {
    r.assert_error(status);
    assert_eq!(r.description(), description, "{}", r.body);
}

fn interpreter(l1: &str, l2: &str, email: &str, name: &str) -> Value {
    json!({"languageCode1": l1, "languageCode2": l2, "email": email, "displayName": name})
}

#[tokio::test]
async fn interpretation_and_interpreters_are_kept_with_the_meeting() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let m = meeting(&s, &alice, json!({})).await;
    let id = id_of(&m);
    assert_eq!(m["simultaneousInterpretation"], json!({"enabled": false}));
    let si = format!("/v1/meetings/{id}/simultaneousInterpretation");
    let list = format!("/v1/meetings/{id}/interpreters");

    // PUT answers what it keeps, and the meeting shows the same.
    let body =
        json!({"enabled": true, "interpreters": [interpreter("en", "DE", "Marcus.Hoffmann@example.com", "Hoffmann")]});
    let put = rest(&s, "PUT", &si, Some(&alice), Some(body)).await;
    let kept = put.ok().clone();
    assert_eq!(kept["enabled"], true);
    let first = kept["interpreters"][0].clone();
    assert_eq!(first["languageCode1"], "en");
    assert_eq!(first["languageCode2"], "de", "codes are kept in lower case");
    assert_eq!(first["email"], "marcus.hoffmann@example.com");
    assert_eq!(first["displayName"], "Hoffmann");
    assert_eq!(id_of(&first).len(), 32, "{first}");
    let read = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&alice), None).await;
    assert_eq!(read.ok()["simultaneousInterpretation"], kept);

    // One more interpreter; the list is newest first; each reads back alone.
    let added =
        rest(&s, "POST", &list, Some(&alice), Some(interpreter("en", "fr", "antoine@example.com", "Martin"))).await;
    let added = added.ok().clone();
    let listed = rest(&s, "GET", &list, Some(&alice), None).await;
    assert_eq!(listed.ok()["items"], json!([added, first]));
    let one = format!("{list}/{}", id_of(&added));
    assert_eq!(rest(&s, "GET", &one, Some(&alice), None).await.ok(), &added);

    // PUT of one interpreter changes it, keeping its id; the same address twice is refused.
    let changed =
        rest(&s, "PUT", &one, Some(&alice), Some(interpreter("en", "es", "tuchel@example.com", "Tuchel"))).await;
    assert_eq!(changed.ok()["languageCode2"], "es");
    assert_eq!(changed.ok()["id"], added["id"]);
    assert_eq!(rest(&s, "GET", &one, Some(&alice), None).await.ok(), changed.ok());
    let twice = interpreter("en", "es", "marcus.hoffmann@example.com", "Tuchel");
    refused(
        &rest(&s, "PUT", &one, Some(&alice), Some(twice)).await,
        400,
        "email: 'marcus.hoffmann@example.com' is found in more than one interpreter.",
    );
    // Without an email the channel waits for an interpreter.
    let empty = rest(&s, "PUT", &one, Some(&alice), Some(json!({"languageCode1": "en", "languageCode2": "es"}))).await;
    assert!(empty.ok().get("email").is_none(), "{}", empty.body);

    // Bad input names its field.
    let cases = [
        (
            json!({"languageCode1": "english", "languageCode2": "de"}),
            "languageCode1: 'english' is not an ISO 639-1 language code (such as en or de)",
        ),
        (json!({"languageCode1": "en"}), "languageCode2 is required."),
        (json!({"languageCode1": "en", "languageCode2": "en"}), "languageCode2: must differ from languageCode1"),
        (
            json!({"languageCode1": "en", "languageCode2": "ja", "email": "nobody"}),
            "nobody is not a valid email address",
        ),
        (
            json!({"languageCode1": "en", "languageCode2": "ja", "displayName": "x".repeat(129)}),
            "displayName: longer than 128 characters",
        ),
    ];
    for (body, description) in cases {
        refused(&rest(&s, "POST", &list, Some(&alice), Some(body)).await, 400, description);
    }
    refused(&rest(&s, "PUT", &si, Some(&alice), Some(json!({"interpreters": []}))).await, 400, "enabled is required.");

    // Turned off with interpreters is refused, as the spec says; turned off alone keeps them for
    // when it is turned on again, and no interpreter is added meanwhile.
    let off_with = json!({"enabled": false, "interpreters": [interpreter("en", "it", "x@example.com", "X")]});
    refused(
        &rest(&s, "PUT", &si, Some(&alice), Some(off_with)).await,
        400,
        "'interpreters' should be empty when simultaneous interpretation is disabled.",
    );
    let off = rest(&s, "PUT", &si, Some(&alice), Some(json!({"enabled": false}))).await;
    assert_eq!(off.ok()["enabled"], false);
    assert_eq!(off.ok()["interpreters"].as_array().map(Vec::len), Some(2));
    let read = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&alice), None).await;
    assert_eq!(read.ok()["simultaneousInterpretation"], off.body);
    let r = rest(&s, "POST", &list, Some(&alice), Some(interpreter("en", "it", "x@example.com", "X"))).await;
    r.assert_error(400);
    assert!(r.description().starts_with("Simultaneous interpretation is not enabled"), "{}", r.body);

    // DELETE removes one; then it is not found.
    let del = rest(&s, "DELETE", &one, Some(&alice), None).await;
    assert_eq!(del.status, 204, "{}", del.body);
    refused(&rest(&s, "GET", &one, Some(&alice), None).await, 404, "Interpreter not found.");
    refused(&rest(&s, "DELETE", &one, Some(&alice), None).await, 404, "Interpreter not found.");
    refused(
        &rest(&s, "PUT", &one, Some(&alice), Some(interpreter("en", "es", "", ""))).await,
        404,
        "Interpreter not found.",
    );
    let listed = rest(&s, "GET", &list, Some(&alice), None).await;
    assert_eq!(listed.ok()["items"], json!([first]));

    // Unknown meetings are 404; another host's meeting and a token without the scope are 403;
    // the administrator acts for alice with hostEmail.
    let nobody = "/v1/meetings/0123456789abcdef0123456789abcdef";
    refused(&rest(&s, "GET", &format!("{nobody}/interpreters"), Some(&alice), None).await, 404, "Meeting not found.");
    refused(
        &rest(&s, "PUT", &format!("{nobody}/simultaneousInterpretation"), Some(&alice), Some(json!({"enabled": true})))
            .await,
        404,
        "Meeting not found.",
    );
    let bob = token(&s, "bob", None).await;
    rest(&s, "GET", &list, Some(&bob), None).await.assert_error(403);
    rest(&s, "PUT", &si, Some(&bob), Some(json!({"enabled": true}))).await.assert_error(403);
    let narrow = token(&s, "alice", Some(&["meeting:schedules_read"])).await;
    assert_eq!(rest(&s, "GET", &list, Some(&narrow), None).await.ok()["items"], json!([first]));
    let r = rest(&s, "PUT", &si, Some(&narrow), Some(json!({"enabled": true}))).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:schedules_write"), "{}", r.body);
    let boss = token(&s, ADMIN, None).await;
    let as_admin = rest(&s, "GET", &format!("{list}?hostEmail=alice%40acme.example"), Some(&boss), None).await;
    assert_eq!(as_admin.ok()["items"], json!([first]));

    // At most 100 interpreters.
    let many: Vec<Value> = (0..101)
        .map(|i| json!({"languageCode1": "en", "languageCode2": "de", "email": format!("i{i}@example.com")}))
        .collect();
    refused(
        &rest(&s, "PUT", &si, Some(&alice), Some(json!({"enabled": true, "interpreters": many}))).await,
        400,
        "interpreters: at most 100 per meeting",
    );
}

#[tokio::test]
async fn occurrences_read_their_series_setup_and_change_it_only_for_a_single_meeting() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let daily = meeting(&s, &alice, json!({"recurrence": "FREQ=DAILY;COUNT=3"})).await;
    let series = id_of(&daily);
    let on = json!({"enabled": true, "interpreters": [interpreter("en", "ja", "k@example.com", "K")]});
    let kept =
        rest(&s, "PUT", &format!("/v1/meetings/{series}/simultaneousInterpretation"), Some(&alice), Some(on.clone()))
            .await;
    let kept = kept.ok().clone();
    let occurrence = format!("{series}_20260603T100000Z");
    let read = rest(&s, "GET", &format!("/v1/meetings/{occurrence}/interpreters"), Some(&alice), None).await;
    assert_eq!(read.ok()["items"], kept["interpreters"]);
    refused(
        &rest(
            &s,
            "PUT",
            &format!("/v1/meetings/{occurrence}/simultaneousInterpretation"),
            Some(&alice),
            Some(on.clone()),
        )
        .await,
        400,
        &format!("Meeting ID '{occurrence}' is not allowed for this API: kaigi keeps this setup per meeting series."),
    );
    refused(
        &rest(&s, "GET", &format!("/v1/meetings/{series}_20260610T100000Z/interpreters"), Some(&alice), None).await,
        404,
        "Meeting not found.",
    );
    let instance = format!("{series}_I_7");
    rest(&s, "PUT", &format!("/v1/meetings/{instance}/breakoutSessions"), Some(&alice), Some(json!({"items": []})))
        .await
        .assert_error(400);

    // The one scheduled meeting of a single meeting stands for its series.
    let single = meeting(&s, &alice, json!({"enabledBreakoutSessions": true})).await;
    let its_occurrence = format!("{}_20260602T100000Z", id_of(&single));
    let body = json!({"items": [{"name": "Room A", "invitees": ["p@example.com"]}]});
    let put =
        rest(&s, "PUT", &format!("/v1/meetings/{its_occurrence}/breakoutSessions"), Some(&alice), Some(body)).await;
    let put = put.ok().clone();
    let read = rest(&s, "GET", &format!("/v1/meetings/{}/breakoutSessions", id_of(&single)), Some(&alice), None).await;
    assert_eq!(read.ok(), &put);
}

#[tokio::test]
async fn breakout_sessions_are_planned_replaced_and_deleted() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let m = meeting(&s, &alice, json!({"enabledBreakoutSessions": true})).await;
    let id = id_of(&m);
    let path = format!("/v1/meetings/{id}/breakoutSessions");
    assert_eq!(rest(&s, "GET", &path, Some(&alice), None).await.ok(), &json!({"items": []}));

    let body = json!({"sendEmail": false, "items": [
        {"name": "Breakout Session 1", "invitees": ["rachel.green@example.com", "Monica.Geller@example.com"]},
        {"name": "Breakout Session N", "invitees": ["ross.geller@example.com"]},
        {"name": "Empty"}
    ]});
    let put = rest(&s, "PUT", &path, Some(&alice), Some(body)).await;
    let put = put.ok().clone();
    let items = put["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["name"], "Breakout Session 1");
    assert_eq!(items[0]["invitees"], json!(["rachel.green@example.com", "monica.geller@example.com"]));
    assert_eq!(items[2]["invitees"], json!([]));
    assert!(items.iter().all(|i| id_of(i).len() == 32), "{put}");
    assert_eq!(rest(&s, "GET", &path, Some(&alice), None).await.ok(), &put);
    // A PUT replaces the whole list.
    let again = rest(&s, "PUT", &path, Some(&alice), Some(json!({"items": [{"name": "Only"}]}))).await;
    assert_eq!(again.ok()["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(rest(&s, "GET", &path, Some(&alice), None).await.ok(), again.ok());

    // Bad input names its field; nothing changes.
    let cases = [
        (json!({}), "items is required."),
        (json!({"items": [{"invitees": []}]}), "name is required"),
        (json!({"items": [{"name": "A", "invitees": ["nope"]}]}), "nope is not a valid email address"),
        (
            json!({"items": [{"name": "A", "invitees": ["p@example.com"]}, {"name": "B", "invitees": ["P@example.com"]}]}),
            "invitees: 'p@example.com' is assigned to more than one breakout session.",
        ),
        (
            json!({"items": (0..101).map(|i| json!({"name": format!("S{i}")})).collect::<Vec<_>>()}),
            "items: at most 100 breakout sessions",
        ),
    ];
    for (body, description) in cases {
        refused(&rest(&s, "PUT", &path, Some(&alice), Some(body)).await, 400, description);
    }
    assert_eq!(rest(&s, "GET", &path, Some(&alice), None).await.ok(), again.ok());

    // Interpretation and breakout sessions do not go together.
    let si = format!("/v1/meetings/{id}/simultaneousInterpretation");
    refused(
        &rest(&s, "PUT", &si, Some(&alice), Some(json!({"enabled": true}))).await,
        400,
        "Breakout sessions are not supported for a meeting with simultaneous interpretation.",
    );

    // Another host's meeting, a narrow token and unknown meetings.
    let bob = token(&s, "bob", None).await;
    rest(&s, "GET", &path, Some(&bob), None).await.assert_error(403);
    rest(&s, "DELETE", &path, Some(&bob), None).await.assert_error(403);
    let narrow = token(&s, "alice", Some(&["spark:people_read"])).await;
    rest(&s, "GET", &path, Some(&narrow), None).await.assert_error(403);
    refused(
        &rest(&s, "GET", "/v1/meetings/0123456789abcdef0123456789abcdef/breakoutSessions", Some(&alice), None).await,
        404,
        "Meeting not found.",
    );

    // DELETE clears them and turns breakout sessions off; a PUT then asks to turn them on.
    let del = rest(&s, "DELETE", &format!("{path}?sendEmail=false"), Some(&alice), None).await;
    assert_eq!(del.status, 204, "{}", del.body);
    assert_eq!(rest(&s, "GET", &path, Some(&alice), None).await.ok(), &json!({"items": []}));
    let read = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&alice), None).await;
    assert_eq!(read.ok()["enabledBreakoutSessions"], false);
    refused(
        &rest(&s, "PUT", &path, Some(&alice), Some(json!({"items": [{"name": "A"}]}))).await,
        400,
        "Breakout sessions are not enabled for this meeting; set enabledBreakoutSessions first.",
    );
    // Interpretation may now be turned on.
    assert_eq!(rest(&s, "PUT", &si, Some(&alice), Some(json!({"enabled": true}))).await.ok()["enabled"], true);
}

#[tokio::test]
async fn invitation_sources_belong_to_webinars() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let webinar = meeting(&s, &alice, json!({"scheduledType": "webinar"})).await;
    let path = format!("/v1/meetings/{}/invitationSources", id_of(&webinar));
    assert_eq!(rest(&s, "GET", &path, Some(&alice), None).await.ok(), &json!({"items": []}));
    let body = json!({"items": [
        {"sourceId": "cisco", "sourceEmail": "john001@example.com"},
        {"sourceId": "web ex", "sourceEmail": "john002@example.com"}
    ]});
    let made = rest(&s, "POST", &path, Some(&alice), Some(body)).await;
    let made = made.ok().clone();
    let items = made["items"].as_array().unwrap();
    assert_eq!((items[0]["id"].as_str(), items[1]["id"].as_str()), (Some("1"), Some("2")));
    assert_eq!(items[1]["sourceId"], "web ex");
    let web_link = webinar["webLink"].as_str().unwrap();
    assert_eq!(items[0]["joinLink"], format!("{web_link}&SRC=cisco"));
    assert_eq!(items[1]["joinLink"], format!("{web_link}&SRC=web%20ex"));
    assert!(items[0].get("registerLink").is_none());
    let more = rest(
        &s,
        "POST",
        &path,
        Some(&alice),
        Some(json!({"items": [{"sourceId": "x", "sourceEmail": "x@example.com"}]})),
    )
    .await;
    assert_eq!(more.ok()["items"][0]["id"], "3");
    let listed = rest(&s, "GET", &path, Some(&alice), None).await;
    assert_eq!(listed.ok()["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(listed.ok()["items"][0], items[0]);

    // With registration, the sources carry registration links.
    let registered =
        meeting(&s, &alice, json!({"scheduledType": "webinar", "registration": {"autoAcceptRequest": true}})).await;
    let rpath = format!("/v1/meetings/{}/invitationSources", id_of(&registered));
    let made = rest(
        &s,
        "POST",
        &rpath,
        Some(&alice),
        Some(json!({"items": [{"sourceId": "a", "sourceEmail": "a@example.com"}]})),
    )
    .await;
    let item = made.ok()["items"][0].clone();
    assert!(item["registerLink"].as_str().unwrap().contains("RGID=r"), "{item}");
    assert!(item.get("joinLink").is_none(), "{item}");

    // A meeting that is not a webinar, and bad sources, are refused naming the field.
    let plain = meeting(&s, &alice, json!({})).await;
    let r = rest(&s, "GET", &format!("/v1/meetings/{}/invitationSources", id_of(&plain)), Some(&alice), None).await;
    r.assert_error(400);
    assert!(r.description().contains("only the meeting ID of a scheduled webinar"), "{}", r.body);
    let cases = [
        (json!({}), "items is required."),
        (json!({"items": []}), "items: list at least one invitation source"),
        (json!({"items": [{"sourceEmail": "a@example.com"}]}), "sourceId is required"),
        (json!({"items": [{"sourceId": "a", "sourceEmail": "nope"}]}), "sourceEmail: is not a valid email address"),
    ];
    for (body, description) in cases {
        refused(&rest(&s, "POST", &path, Some(&alice), Some(body)).await, 400, description);
    }
    let bob = token(&s, "bob", None).await;
    rest(&s, "GET", &path, Some(&bob), None).await.assert_error(403);
    let boss = token(&s, ADMIN, None).await;
    let by_header = rest_raw(&s, "GET", &path, Some(&boss), None, &[("hostEmail", "alice@acme.example")]).await;
    assert_eq!(by_header.ok()["items"].as_array().map(Vec::len), Some(3));
}

#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<Value>>>);

async fn receiver() -> (String, Inbox) {
    async fn hook(State(inbox): State<Inbox>, body: Bytes) -> StatusCode {
        inbox.0.lock().unwrap().push(serde_json::from_slice(&body).unwrap());
        StatusCode::OK
    }
    let inbox = Inbox::default();
    let app = Router::new().route("/hook", post(hook)).with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), inbox)
}

#[tokio::test]
async fn every_setup_change_is_a_meetings_updated_webhook_and_none_is_lost_to_another() {
    let s = TestServer::start().await;
    s.kaigi.set_webhook_targets(&s.site, &["127.0.0.1".into()]).await.unwrap();
    let (url, inbox) = receiver().await;
    let alice = token(&s, "alice", None).await;
    let m = meeting(&s, &alice, json!({"enabledBreakoutSessions": true})).await;
    let id = id_of(&m);
    let hook = json!({"name": "M", "targetUrl": url, "resource": "meetings", "event": "updated"});
    rest(&s, "POST", "/v1/webhooks", Some(&alice), Some(hook)).await.ok();

    let path = format!("/v1/meetings/{id}/breakoutSessions");
    rest(&s, "PUT", &path, Some(&alice), Some(json!({"items": [{"name": "A"}]}))).await.ok();
    rest(&s, "DELETE", &path, Some(&alice), None).await;
    let si = format!("/v1/meetings/{id}/simultaneousInterpretation");
    rest(&s, "PUT", &si, Some(&alice), Some(json!({"enabled": true}))).await.ok();
    // Refused changes are not changes.
    rest(
        &s,
        "PUT",
        &si,
        Some(&alice),
        Some(json!({"enabled": false, "interpreters": [interpreter("en", "de", "", "")]})),
    )
    .await
    .assert_error(400);
    // Four interpreters added at once: each write is checked against the revision it read, and a
    // write that lost the race is applied again on the meeting as it is now.
    let list = format!("/v1/meetings/{id}/interpreters");
    let add = |l: &'static str| {
        let body = interpreter("en", l, &format!("{l}@example.com"), l);
        rest(&s, "POST", &list, Some(&alice), Some(body))
    };
    let (a, b, c, d) = tokio::join!(add("fr"), add("it"), add("es"), add("ja"));
    for r in [a, b, c, d] {
        r.ok();
    }
    let listed = rest(&s, "GET", &list, Some(&alice), None).await;
    assert_eq!(listed.ok()["items"].as_array().map(Vec::len), Some(4), "{}", listed.body);

    let transport: Arc<dyn kaigi_core::ports::WebhookTransport> = Arc::new(HttpTransport::new().unwrap());
    for _ in 0..100 {
        if !s.kaigi.deliver_webhooks(transport.clone()).await.unwrap().did_something() {
            break;
        }
    }
    let got = inbox.0.lock().unwrap().clone();
    assert_eq!(got.len(), 3 + 4, "{got:?}");
    for b in &got {
        assert_eq!((b["resource"].as_str(), b["event"].as_str()), (Some("meetings"), Some("updated")), "{b}");
        assert_eq!(b["data"]["meetingSeriesId"], id.as_str(), "{b}");
        assert_eq!(b["data"]["hostEmail"], "alice@acme.example", "{b}");
    }
}
