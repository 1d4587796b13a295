//! The session lifecycle over its JSON endpoints, read back through the XML API and the store:
//! a guest joins and claims the host role with the host key (as in the forum thread the seed
//! describes), the meeting runs, is recorded and ended, and its history is written.

use chrono::Duration;
use kaigi_core::model::EventKind;
use serde_json::{json, Value};

use crate::support::*;

const MEETING: &str = "<accessControl><meetingPassword>s3cret</meetingPassword></accessControl><metaData><confName>Weekly sync</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>60</duration></schedule>";

pub(crate) async fn control(s: &TestServer, key: &str, action: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/_kaigi/meetings/{key}/{action}", s.base))
        .header("User-Agent", "kaigi-e2e/1.0")
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("JSON answer") })
}

/// The body of an action by the participant a join answered: its id and its pass.
pub(crate) fn who(joined: &Value) -> Value {
    json!({ "participantId": joined["participantId"], "participantPass": joined["participantPass"] })
}

#[track_caller]
pub(crate) fn assert_error(answer: &(u16, Value), status: u16) {
    assert_eq!(answer.0, status, "{}", answer.1);
    let message = answer.1["message"].as_str().expect("message");
    assert!(!message.is_empty());
    assert_eq!(answer.1["errors"][0]["description"].as_str(), Some(message));
    assert!(answer.1["trackingId"].as_str().is_some_and(|t| !t.is_empty()));
}

/// A meeting of alice's: its key and host key.
pub(crate) async fn meeting(s: &TestServer) -> (String, String) {
    let key = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await.value(&["meetingkey"]);
    let got = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    (key, got.value(&["hostKey"]))
}

pub(crate) fn guest(host_key: Option<&str>, password: &str) -> Value {
    json!({ "name": "Taro Yamada", "email": "taro@guest.example", "password": password, "hostKey": host_key })
}

#[tokio::test]
async fn a_guest_claims_the_host_role_runs_records_and_ends_the_meeting() {
    let s = TestServer::start().await;
    let (key, host_key) = meeting(&s).await;
    assert_eq!(host_key.len(), 6);

    // Nobody hosts yet and the meeting does not allow joining before the host.
    assert_error(&control(&s, &key, "join", guest(None, "s3cret")).await, 409);
    assert_error(&control(&s, &key, "join", guest(Some(&host_key), "wrong")).await, 403);
    let other_key = if host_key == "000000" { "111111" } else { "000000" };
    assert_error(&control(&s, &key, "join", guest(Some(other_key), "s3cret")).await, 403);
    assert_error(&control(&s, "999999999", "join", guest(None, "s3cret")).await, 404);
    let get = format!("<meetingKey>{key}</meetingKey>");
    let before = s.call("alice", PW, "meeting.GetMeeting", &get).await;
    assert_eq!(before.value(&["status"]), "NOT_INPROGRESS");
    assert_eq!(before.value(&["participantsJoined"]), "false");

    // The guest gives the password and the host key: HOST, and the meeting starts.
    let (status, host) = control(&s, &key, "join", guest(Some(&host_key), "s3cret")).await;
    assert_eq!(status, 200, "{host}");
    assert_eq!(host["role"], "HOST");
    let running = s.call("alice", PW, "meeting.GetMeeting", &get).await;
    assert_eq!(running.value(&["status"]), "INPROGRESS");
    assert_eq!(running.value(&["hostJoined"]), "true");
    assert_eq!(running.value(&["participantsJoined"]), "true");
    let open = s.call("alice", PW, "ep.LstOpenSession", "<serviceType>MeetingCenter</serviceType>").await;
    open.assert_success();
    assert_eq!(open.value(&["services", "sessions", "sessionKey"]), key);

    // An attendee joins once the host is in; they may neither record nor end.
    let attendee = json!({ "name": "Hanako", "email": "hanako@guest.example", "password": "s3cret" });
    let (status, joined) = control(&s, &key, "join", attendee).await;
    assert_eq!(status, 200, "{joined}");
    assert_eq!(joined["role"], "ATTENDEE");
    assert_error(&control(&s, &key, "record", who(&joined)).await, 403);
    assert_error(&control(&s, &key, "end", who(&joined)).await, 403);

    let (status, rec) = control(&s, &key, "record", who(&host)).await;
    assert_eq!((status, rec["recording"].as_bool()), (200, Some(true)));
    s.advance(Duration::minutes(10));
    assert_eq!(control(&s, &key, "leave", who(&joined)).await.0, 204);
    assert_error(&control(&s, &key, "leave", who(&joined)).await, 404);
    s.advance(Duration::minutes(20));
    let (status, ended) = control(&s, &key, "end", who(&host)).await;
    assert_eq!(status, 200, "{ended}");
    assert_eq!(ended["durationMinutes"], 30);
    assert_eq!(ended["participants"], 2);

    let after = s.call("alice", PW, "meeting.GetMeeting", &get).await;
    assert_eq!(after.value(&["status"]), "NOT_INPROGRESS");
    assert_eq!(after.value(&["hostJoined"]), "false");
    s.call("alice", PW, "ep.LstOpenSession", "<serviceType>MeetingCenter</serviceType>").await.assert_failure("000015");
    assert_error(&control(&s, &key, "end", who(&host)).await, 404);

    // What was written: who claimed the host role, the history and the recording.
    let store = &s.store;
    let m = store.meeting_by_key(s.site.id, key.parse().unwrap()).await.unwrap().unwrap();
    let events = store.session_events(s.site.id, m.id).await.unwrap();
    let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Join,
            EventKind::HostKeyClaim,
            EventKind::Start,
            EventKind::Join,
            EventKind::RecordStart,
            EventKind::Leave,
            EventKind::RecordStop,
            EventKind::End
        ]
    );
    assert_eq!(events[1].email, "taro@guest.example");
    assert_eq!(events[1].name, "Taro Yamada");
    let usage = store.usage_history(s.site.id).await.unwrap();
    assert_eq!(usage.len(), 1);
    assert_eq!((usage[0].start, usage[0].end), (start_time(), start_time() + Duration::minutes(30)));
    assert_eq!(usage[0].total_people_minutes, 40);
    let attendees = store.attendee_history(s.site.id).await.unwrap();
    let rows: Vec<(&str, &str, u32)> =
        attendees.iter().map(|a| (a.email.as_str(), a.role.wire(), a.duration_minutes)).collect();
    assert_eq!(rows, [("taro@guest.example", "HOST", 30), ("hanako@guest.example", "ATTENDEE", 10)]);
    assert!(attendees.iter().all(|a| a.ip_address == "127.0.0.1" && a.client_agent == "kaigi-e2e/1.0"));
    let recordings = store.recordings(s.site.id).await.unwrap();
    assert_eq!(recordings.len(), 1);
    let r = &recordings[0];
    assert_eq!(r.name, "Weekly sync-20260601 0900");
    assert_eq!(r.duration_s, 1800);
    assert_eq!(r.password.as_deref(), Some("s3cret"));
    assert!(r.stream_url.starts_with("http://kaigi.test/acme/"), "{}", r.stream_url);
}

/// Participant ids are sequential: an id alone, a made-up pass or someone else's pass may not end,
/// record or empty a meeting (issue #12).
#[tokio::test]
async fn actions_need_the_participants_own_pass() {
    let s = TestServer::start().await;
    let (key, host_key) = meeting(&s).await;
    let (_, host) = control(&s, &key, "join", guest(Some(&host_key), "s3cret")).await;
    let attendee = json!({ "name": "Hanako", "email": "hanako@guest.example", "password": "s3cret" });
    let (_, joined) = control(&s, &key, "join", attendee).await;
    let host_id = host["participantId"].clone();
    let forged = format!("{}.{}", host_id, "ab".repeat(16));
    let attendee_pass = joined["participantPass"].as_str().unwrap().split_once('.').unwrap().1.to_string();
    for action in ["record", "end", "leave"] {
        for body in [
            json!({ "participantId": host_id }),
            json!({ "participantId": host_id, "participantPass": "" }),
            json!({ "participantId": host_id, "participantPass": forged }),
            json!({ "participantId": host_id, "participantPass": format!("{host_id}.{attendee_pass}") }),
            json!({ "participantId": host_id, "participantPass": joined["participantPass"] }),
        ] {
            assert_error(&control(&s, &key, action, body).await, 403);
        }
    }
    let running = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(running.value(&["status"]), "INPROGRESS");
    assert_eq!(control(&s, &key, "end", who(&host)).await.0, 200);
}

#[tokio::test]
async fn the_host_joins_without_the_password_and_attendees_may_join_first_when_allowed() {
    let s = TestServer::start().await;
    let jbh = MEETING.replace(
        "</schedule>",
        "</schedule><enableOptions><joinBeforeHost>true</joinBeforeHost><autoRecord>true</autoRecord></enableOptions>",
    );
    let key = s.call("alice", PW, "meeting.CreateMeeting", &jbh).await.value(&["meetingkey"]);
    let got = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    let host_key = got.value(&["hostKey"]);
    let early = json!({ "name": "Early", "email": "early@guest.example", "password": "s3cret" });
    let (status, joined) = control(&s, &key, "join", early).await;
    assert_eq!((status, joined["role"].as_str()), (200, Some("ATTENDEE")), "{joined}");
    let waiting = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(waiting.value(&["status"]), "NOT_INPROGRESS");
    assert_eq!(waiting.value(&["participantsJoined"]), "true");
    // alice herself: her email and the host key, no password.
    let alice = json!({ "name": "Alice", "email": "ALICE@acme.example", "hostKey": host_key });
    let (status, host) = control(&s, &key, "join", alice).await;
    assert_eq!((status, host["role"].as_str()), (200, Some("HOST")), "{host}");
    s.advance(Duration::minutes(5));
    assert_eq!(control(&s, &key, "end", who(&host)).await.0, 200);
    let m = s.store.meeting_by_key(s.site.id, key.parse().unwrap()).await.unwrap().unwrap();
    let events = s.store.session_events(s.site.id, m.id).await.unwrap();
    assert!(!events.iter().any(|e| e.kind == EventKind::HostKeyClaim), "the host claims nothing");
    let start = events.iter().find(|e| e.kind == EventKind::Start).unwrap();
    assert_eq!(start.email, "alice@acme.example");
    assert!(start.user_id.is_some());
    // autoRecord: the whole session is recorded without anyone pressing record.
    let recordings = s.store.recordings(s.site.id).await.unwrap();
    assert_eq!(recordings.len(), 1);
    assert_eq!(recordings[0].duration_s, 300);
}
