//! Recordings made by the lifecycle endpoints, listed, read, edited and deleted through the
//! general session service the way Moodle's connector asks (startFrom 0, maximumNum 500,
//! returnSessionDetails true).

use chrono::Duration;
use serde_json::{json, Value};

use crate::support::*;

const MEETING: &str = "<accessControl><meetingPassword>s3cret</meetingPassword></accessControl><metaData><confName>Lecture 1</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>60</duration></schedule>";

const MOODLE_LIST: &str = "<listControl><startFrom>0</startFrom><maximumNum>500</maximumNum></listControl><returnSessionDetails>true</returnSessionDetails>";

async fn post(s: &TestServer, key: &str, action: &str, body: Value) -> Value {
    lifecycle(s, key, action, "kaigi-e2e", body).await
}

/// alice hosts a session and records 25 of its minutes. Returns (meetingKey, meetingUUID).
async fn recorded_session(s: &TestServer) -> (String, String) {
    let created = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await;
    let key = created.value(&["meetingkey"]);
    let host_key =
        s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await.value(&["hostKey"]);
    let alice = json!({ "name": "Alice", "email": "alice@acme.example", "hostKey": host_key });
    let host = post(s, &key, "join", alice).await;
    s.advance(Duration::minutes(5));
    post(s, &key, "record", crate::lifecycle::who(&host)).await;
    s.advance(Duration::minutes(25));
    post(s, &key, "end", crate::lifecycle::who(&host)).await;
    (key, created.value(&["meetingUUID"]))
}

#[tokio::test]
async fn a_recorded_session_is_listed_edited_and_deleted() {
    let s = TestServer::start().await;
    let (key, uuid) = recorded_session(&s).await;

    let list = s.call("alice", PW, "ep.LstRecording", MOODLE_LIST).await;
    list.assert_success();
    assert_in_order(
        &list.text,
        &["<ep:matchingRecords><serv:total>1</serv:total><serv:returned>1</serv:returned>", "<ep:recording>"],
    );
    let id = list.value(&["recording", "recordingID"]);
    assert_eq!(list.value(&["recording", "hostWebExID"]), "alice");
    assert_eq!(list.value(&["recording", "name"]), "Lecture 1-20260601 0900");
    assert_eq!(list.value(&["recording", "createTime"]), "06/01/2026 09:30:00");
    assert_eq!(list.value(&["recording", "duration"]), "1500");
    assert_eq!(list.value(&["recording", "format"]), "MP4");
    assert_eq!(list.value(&["recording", "sessionKey"]), key);
    assert_eq!(list.value(&["recording", "meetingUUID"]), uuid);
    assert_eq!(list.value(&["recording", "recordingUUID"]).len(), 32);
    assert_eq!(list.value(&["recording", "password"]), "s3cret");
    assert_eq!(list.value(&["recording", "passwordReq"]), "true");
    let size: f64 = list.value(&["recording", "size"]).parse().unwrap();
    assert!(size > 0.0);
    assert!(list.value(&["recording", "streamURL"]).starts_with("http://kaigi.test/acme/"));
    assert!(list.value(&["recording", "fileURL"]).starts_with("http://kaigi.test/acme/"));
    // Filters: by key, by host, by service.
    s.call("alice", PW, "ep.LstRecording", &format!("<sessionKey>{key}</sessionKey>")).await.assert_success();
    s.call("alice", PW, "ep.LstRecording", "<sessionKey>123456789</sessionKey>").await.assert_failure("000015");
    s.as_admin("ep.LstRecording", "<hostWebExID>alice</hostWebExID>").await.assert_success();
    s.call("alice", PW, "ep.LstRecording", "<serviceTypes><serviceType>TrainingCenter</serviceType></serviceTypes>")
        .await
        .assert_failure("000015");
    // Someone else's recordings are not theirs to see.
    s.call("bob", PW, "ep.LstRecording", MOODLE_LIST).await.assert_failure("000015");
    s.call("bob", PW, "ep.GetRecordingInfo", &format!("<recordingID>{id}</recordingID>"))
        .await
        .assert_failure("000015");
    s.call("bob", PW, "ep.DelRecording", &format!("<recordingID>{id}</recordingID>")).await.assert_failure("000015");

    let info = s.call("alice", PW, "ep.GetRecordingInfo", &format!("<recordingID>{id}</recordingID>")).await;
    info.assert_success();
    assert_eq!(info.value(&["basic", "topic"]), "Lecture 1-20260601 0900");
    assert_eq!(info.value(&["fileAccess", "password"]), "s3cret");

    let set = s
        .call(
            "alice",
            PW,
            "ep.SetRecordingInfo",
            &format!("<recording><recordingID>{id}</recordingID><description>Week one</description><password></password></recording><basic><topic>Lecture one</topic></basic>"),
        )
        .await;
    set.assert_success();
    assert_eq!(set.value(&["recordingID"]), id);
    let edited = s.call("alice", PW, "ep.LstRecording", MOODLE_LIST).await;
    assert_eq!(edited.value(&["recording", "name"]), "Lecture one");
    assert_eq!(edited.value(&["recording", "description"]), "Week one");
    assert_eq!(edited.value(&["recording", "passwordReq"]), "false");

    let del = s.call("alice", PW, "ep.DelRecording", &format!("<recordingID>{id}</recordingID>")).await;
    del.assert_success();
    assert_eq!(del.value(&["recordingID"]), id);
    s.call("alice", PW, "ep.LstRecording", MOODLE_LIST).await.assert_failure("000015");
    s.call("alice", PW, "ep.DelRecording", &format!("<recordingID>{id}</recordingID>")).await.assert_failure("000015");
}

#[tokio::test]
async fn a_session_that_was_not_recorded_leaves_no_recording() {
    let s = TestServer::start().await;
    let created = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await;
    let key = created.value(&["meetingkey"]);
    let host_key =
        s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await.value(&["hostKey"]);
    let host =
        post(&s, &key, "join", json!({ "name": "Alice", "email": "alice@acme.example", "hostKey": host_key })).await;
    s.advance(Duration::minutes(3));
    post(&s, &key, "end", crate::lifecycle::who(&host)).await;
    s.as_admin("ep.LstRecording", MOODLE_LIST).await.assert_failure("000015");
}
