//! `/v1/meetingParticipants` over a real session: alice hosts, a guest joins, REST reads them
//! while the session runs (mutes and expels the guest) and after it ended, as the XML API's
//! attendee history does.

use chrono::Duration;
use serde_json::{json, Value};

use crate::lifecycle::{control, who};
use crate::rest_support::*;
use crate::support::*;

const MEETING: &str = "<accessControl><meetingPassword>s3cret</meetingPassword></accessControl><metaData><confName>Standup</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>60</duration></schedule>";

/// alice's meeting: (key, series id, host key).
pub(crate) async fn alices_meeting(s: &TestServer) -> (String, String, String) {
    let created = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await;
    created.assert_success();
    let key = created.value(&["meetingkey"]);
    let host_key =
        s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await.value(&["hostKey"]);
    (key, created.value(&["meetingUUID"]), host_key)
}

pub(crate) async fn join(s: &TestServer, key: &str, body: Value) -> Value {
    let (status, joined) = control(s, key, "join", body).await;
    assert_eq!(status, 200, "{joined}");
    joined
}

#[tokio::test]
async fn participants_of_a_running_and_an_ended_session() {
    let s = TestServer::start().await;
    let (key, series, host_key) = alices_meeting(&s).await;
    let alice = token(&s, "alice", None).await;
    let bob = token(&s, "bob", None).await;
    let admin = token(&s, ADMIN, None).await;

    let host = join(&s, &key, json!({ "name": "Alice", "email": "alice@acme.example", "hostKey": host_key })).await;
    s.advance(Duration::minutes(2));
    let guest =
        join(&s, &key, json!({ "name": "Taro Yamada", "email": "taro@guest.example", "password": "s3cret" })).await;

    // While it runs: both are joined, listed by join.
    let list = rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}"), Some(&alice), None).await;
    let items = list.ok()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{}", list.body);
    assert_eq!(items[0]["email"], "alice@acme.example");
    assert_eq!(items[0]["host"], true);
    assert_eq!(items[0]["state"], "joined");
    assert_eq!(items[0]["meetingId"], series.as_str());
    assert_eq!(items[0]["meetingStartTime"], "2026-06-01T09:00:00Z");
    assert_eq!(items[1]["displayName"], "Taro Yamada");
    assert_eq!(items[1]["host"], false);
    assert_eq!(items[1]["muted"], false);
    assert_eq!(items[1]["joinedTime"], "2026-06-01T09:02:00Z");
    assert!(items[1].get("leftTime").is_none());
    let guest_id = items[1]["id"].as_str().unwrap().to_string();
    assert_eq!(guest_id, format!("{series}_P_{}", guest["participantId"]));

    // Paging and the query by email.
    let first = rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}&max=1"), Some(&alice), None).await;
    assert_eq!(first.ok()["items"].as_array().unwrap().len(), 1);
    let next = first.headers["link"].to_str().unwrap().to_string();
    let next = next.trim_start_matches('<').split('>').next().unwrap().replace("http://kaigi.test", "");
    let second = rest(&s, "GET", &next, Some(&alice), None).await;
    assert_eq!(second.ok()["items"][0]["id"], guest_id.as_str());
    let found = rest(
        &s,
        "POST",
        &format!("/v1/meetingParticipants/query?meetingId={series}"),
        Some(&alice),
        Some(json!({ "emails": ["TARO@guest.example"] })),
    )
    .await;
    assert_eq!(found.ok()["items"].as_array().unwrap().len(), 1);
    assert_eq!(found.body["items"][0]["id"], guest_id.as_str());

    // The host mutes the guest: kept and answered back.
    let muted =
        rest(&s, "PUT", &format!("/v1/meetingParticipants/{guest_id}"), Some(&alice), Some(json!({"muted": true})))
            .await;
    assert_eq!(muted.ok()["muted"], true);
    assert_eq!(muted.body["state"], "joined");
    let read = rest(&s, "GET", &format!("/v1/meetingParticipants/{guest_id}"), Some(&alice), None).await;
    assert_eq!(read.ok()["muted"], true);
    // Taro is not waiting in a lobby: admitting him is the vendor's no-op, the bulk admit a
    // refusal that says so.
    let admitted =
        rest(&s, "PUT", &format!("/v1/meetingParticipants/{guest_id}"), Some(&alice), Some(json!({"admit": true})))
            .await;
    assert_eq!((admitted.ok()["state"].as_str(), admitted.body["muted"].as_bool()), (Some("joined"), Some(true)));
    let admit = json!({ "items": [{ "participantId": guest_id }] });
    rest(&s, "POST", "/v1/meetingParticipants/admit", Some(&alice), Some(admit)).await.assert_error(409);
    // Someone else's meeting: 403; the administrator reads it with the admin scope.
    rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}"), Some(&bob), None).await.assert_error(403);
    let by_admin = rest(
        &s,
        "GET",
        &format!("/v1/meetingParticipants?meetingId={series}&hostEmail=alice@acme.example"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(by_admin.ok()["items"].as_array().unwrap().len(), 2);
    rest(&s, "PUT", &format!("/v1/meetingParticipants/{guest_id}"), Some(&bob), Some(json!({"muted": false})))
        .await
        .assert_error(403);

    // Expelling records the guest's leave, as leaving does.
    s.advance(Duration::minutes(3));
    let expelled =
        rest(&s, "PUT", &format!("/v1/meetingParticipants/{guest_id}"), Some(&alice), Some(json!({"expel": true})))
            .await;
    assert_eq!(expelled.ok()["state"], "end");
    let (status, _) = control(&s, &key, "leave", who(&guest)).await;
    assert_eq!(status, 404, "the expelled guest is no longer in the session");
    rest(&s, "PUT", &format!("/v1/meetingParticipants/{guest_id}"), Some(&alice), Some(json!({"muted": true})))
        .await
        .assert_error(409);

    s.advance(Duration::minutes(5));
    let (status, ended) = control(&s, &key, "end", who(&host)).await;
    assert_eq!(status, 200, "{ended}");

    // After the end: the last instance, the same ids, with leave times.
    let after = rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}"), Some(&alice), None).await;
    let items = after.ok()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    let instance = items[0]["meetingId"].as_str().unwrap().to_string();
    assert!(instance.starts_with(&format!("{series}_I_")), "{instance}");
    assert_eq!(items[1]["id"], guest_id.as_str());
    assert_eq!(items[1]["state"], "end");
    assert_eq!(items[1]["leftTime"], "2026-06-01T09:05:00Z");
    assert_eq!(items[0]["leftTime"], "2026-06-01T09:10:00Z");
    let by_instance =
        rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={instance}"), Some(&alice), None).await;
    assert_eq!(by_instance.ok()["items"].as_array().unwrap().len(), 2);
    // The XML API's attendee history reports the same people.
    let history = s.call("alice", PW, "history.LstmeetingattendeeHistory", "").await;
    history.assert_success();
    assert!(history.text.contains("taro@guest.example"));
    // Ended: nothing can be changed any more.
    rest(&s, "PUT", &format!("/v1/meetingParticipants/{guest_id}"), Some(&alice), Some(json!({"expel": true})))
        .await
        .assert_error(409);
}

#[tokio::test]
async fn participant_requests_are_checked() {
    let s = TestServer::start().await;
    let (_, series, _) = alices_meeting(&s).await;
    let alice = token(&s, "alice", None).await;
    let narrow = token(&s, "alice", Some(&["meeting:schedules_read"])).await;

    // Scopes.
    let r = rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}"), Some(&narrow), None).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:participants_read"), "{}", r.body);
    let body = json!({ "address": "sip:room@example.com", "displayName": "Room" });
    let r = rest(&s, "POST", "/v1/meetingParticipants/callout", Some(&narrow), Some(body.clone())).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:participants_write"), "{}", r.body);
    // Bad input: no meetingId, an occurrence id, a bad max, a bad time.
    rest(&s, "GET", "/v1/meetingParticipants", Some(&alice), None).await.assert_error(400);
    rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}_20260620T010000Z"), Some(&alice), None)
        .await
        .assert_error(400);
    rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}&max=0"), Some(&alice), None)
        .await
        .assert_error(400);
    rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}&joinTimeFrom=soon"), Some(&alice), None)
        .await
        .assert_error(400);
    rest(&s, "POST", &format!("/v1/meetingParticipants/query?meetingId={series}"), Some(&alice), Some(json!({})))
        .await
        .assert_error(400);
    // Unknown ids.
    rest(&s, "GET", "/v1/meetingParticipants?meetingId=0123456789abcdef0123456789abcdef", Some(&alice), None)
        .await
        .assert_error(404);
    rest(&s, "GET", &format!("/v1/meetingParticipants/{series}_P_999"), Some(&alice), None).await.assert_error(404);
    rest(&s, "GET", "/v1/meetingParticipants/nothing", Some(&alice), None).await.assert_error(404);
    // A meeting that never ran has no participants.
    let none = rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}"), Some(&alice), None).await;
    assert_eq!(none.ok()["items"], json!([]));
    // No calls are placed: a clear refusal, never a fake success.
    let r = rest(&s, "POST", "/v1/meetingParticipants/callout", Some(&alice), Some(body)).await;
    r.assert_error(400);
    assert!(r.description().contains("kaigi places no calls"), "{}", r.body);
    rest(&s, "POST", "/v1/meetingParticipants/callout", Some(&alice), Some(json!({ "displayName": "Room" })))
        .await
        .assert_error(400);
    rest(&s, "POST", "/v1/meetingParticipants/cancelCallout", Some(&alice), Some(json!({ "participantId": "x" })))
        .await
        .assert_error(400);
    rest(&s, "POST", "/v1/meetingParticipants/admit", Some(&alice), Some(json!({ "items": [] })))
        .await
        .assert_error(400);
}

/// A host locks the running meeting (`PUT /v1/meetings/controls` `locked`): who joins then waits
/// in the lobby (`state: lobby`) until admitted, one by one (`POST /admit`) or by `PUT admit`.
#[tokio::test]
async fn a_locked_meetings_joiners_wait_in_the_lobby_until_admitted() {
    let s = TestServer::start().await;
    let (key, series, host_key) = alices_meeting(&s).await;
    let alice = token(&s, "alice", None).await;
    join(&s, &key, json!({ "name": "Alice", "email": "alice@acme.example", "hostKey": host_key })).await;
    let early = join(&s, &key, json!({ "name": "Early", "email": "early@guest.example", "password": "s3cret" })).await;
    assert_eq!(early["inLobby"], false);

    let controls = format!("/v1/meetings/controls?meetingId={series}");
    let locked = rest(&s, "PUT", &controls, Some(&alice), Some(json!({ "locked": true }))).await;
    assert_eq!(locked.ok()["locked"], true);
    assert_eq!(rest(&s, "GET", &controls, Some(&alice), None).await.ok()["locked"], true);

    let taro = join(&s, &key, json!({ "name": "Taro", "email": "taro@guest.example", "password": "s3cret" })).await;
    let hana = join(&s, &key, json!({ "name": "Hana", "email": "hana@guest.example", "password": "s3cret" })).await;
    assert_eq!((taro["inLobby"].as_bool(), hana["inLobby"].as_bool()), (Some(true), Some(true)));
    let state_of = |items: &Value, name: &str| {
        items["items"].as_array().unwrap().iter().find(|p| p["displayName"] == name).unwrap()["state"].clone()
    };
    let list = rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}"), Some(&alice), None).await;
    assert_eq!(state_of(list.ok(), "Early"), "joined", "who was in before the lock stays in");
    assert_eq!(state_of(list.ok(), "Taro"), "lobby");
    assert_eq!(state_of(list.ok(), "Hana"), "lobby");

    // Admitting Taro and Early together admits nobody: Early is not waiting.
    let taro_id = format!("{series}_P_{}", taro["participantId"]);
    let early_id = format!("{series}_P_{}", early["participantId"]);
    let both = json!({ "items": [{ "participantId": taro_id }, { "participantId": early_id }] });
    rest(&s, "POST", "/v1/meetingParticipants/admit", Some(&alice), Some(both)).await.assert_error(409);
    let list = rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}"), Some(&alice), None).await;
    assert_eq!(state_of(list.ok(), "Taro"), "lobby");

    let one = json!({ "items": [{ "participantId": taro_id }] });
    let admitted = rest(&s, "POST", "/v1/meetingParticipants/admit", Some(&alice), Some(one.clone())).await;
    assert_eq!(admitted.status, 204, "{}", admitted.body);
    rest(&s, "POST", "/v1/meetingParticipants/admit", Some(&alice), Some(one)).await.assert_error(409);
    let hana_id = format!("{series}_P_{}", hana["participantId"]);
    let put =
        rest(&s, "PUT", &format!("/v1/meetingParticipants/{hana_id}"), Some(&alice), Some(json!({"admit": true})))
            .await;
    assert_eq!(put.ok()["state"], "joined");
    let list = rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}"), Some(&alice), None).await;
    assert_eq!(state_of(list.ok(), "Taro"), "joined");

    // Unlocked, the next joiner is in at once.
    rest(&s, "PUT", &controls, Some(&alice), Some(json!({ "locked": false }))).await.ok();
    let late = join(&s, &key, json!({ "name": "Late", "email": "late@guest.example", "password": "s3cret" })).await;
    assert_eq!(late["inLobby"], false);
}
