//! The training, event and support histories, and GetLoginTicket: a session of each center runs
//! and ends, then each history lists it with its center's own fields (and the answers join the
//! ones compat/test_xml_schema.py validates against the schema).

use chrono::Duration;
use serde_json::{json, Value};

use crate::support::*;

async fn post(s: &TestServer, key: &str, action: &str, body: Value) -> Value {
    lifecycle(s, key, action, "center-history-test", body).await
}

/// The host joins with the host key, an attendee comes for 5 minutes, the host ends after 20.
async fn run(s: &TestServer, key: &str, host_key: &str) {
    let host = json!({ "name": "Alice", "email": "alice@acme.example", "password": "pw2026", "hostKey": host_key });
    let host = post(s, key, "join", host).await;
    let guest =
        post(s, key, "join", json!({ "name": "Ken", "email": "ken@guest.example", "password": "pw2026" })).await;
    s.advance(Duration::minutes(5));
    let leave = json!({ "participantId": guest["participantId"], "participantPass": guest["participantPass"] });
    post(s, key, "leave", leave).await;
    s.advance(Duration::minutes(15));
    let end = json!({ "participantId": host["participantId"], "participantPass": host["participantPass"] });
    post(s, key, "end", end).await;
}

const DAY: &str = "<endTimeScope><sessionEndTimeStart>06/01/2026 00:00:00</sessionEndTimeStart>\
    <sessionEndTimeEnd>06/02/2026 00:00:00</sessionEndTimeEnd></endTimeScope>";

#[tokio::test]
async fn each_center_lists_its_ended_sessions_and_their_attendees() {
    let s = TestServer::start().await;
    let training = s
        .call(
            "alice",
            PW,
            "training.CreateTrainingSession",
            "<accessControl><sessionPassword>pw2026</sessionPassword></accessControl>\
             <schedule><startDate>06/20/2026 10:00:00</startDate><duration>60</duration></schedule>\
             <metaData><confName>Onboarding</confName></metaData>",
        )
        .await;
    training.assert_success();
    let tkey = training.value(&["sessionkey"]);
    let tget = s.call("alice", PW, "training.GetTrainingSession", &format!("<sessionKey>{tkey}</sessionKey>")).await;
    run(&s, &tkey, &tget.value(&["hostKey"])).await;

    let event = s
        .call(
            "alice",
            PW,
            "event.CreateEvent",
            "<accessControl><sessionPassword>pw2026</sessionPassword></accessControl>\
             <metaData><sessionName>Launch</sessionName></metaData>\
             <schedule><startDate>06/20/2026 10:00:00</startDate><duration>60</duration></schedule>",
        )
        .await;
    event.assert_success();
    let ekey = event.value(&["sessionKey"]);
    let eget = s.call("alice", PW, "event.GetEvent", &format!("<sessionKey>{ekey}</sessionKey>")).await;
    run(&s, &ekey, &eget.value(&["hostKey"])).await;

    let training_usage = s.as_admin("history.LsttrainingsessionHistory", DAY).await;
    training_usage.assert_success();
    assert_eq!(training_usage.value(&["trainingSessionHistory", "sessionKey"]), tkey);
    assert_eq!(training_usage.value(&["trainingSessionHistory", "confName"]), "Onboarding");
    assert_eq!(training_usage.value(&["trainingSessionHistory", "duration"]), "20");
    assert_eq!(training_usage.value(&["trainingSessionHistory", "totalCallInTolllfreeMinutes"]), "0");
    let training_people = s.as_admin("history.LsttrainingattendeeHistory", DAY).await;
    training_people.assert_success();
    let rows: Vec<_> = training_people.body().children_named("trainingAttendeeHistory").collect();
    assert_eq!(rows.len(), 2, "{}", training_people.text);

    let event_usage = s.as_admin("history.LsteventsessionHistory", DAY).await;
    event_usage.assert_success();
    assert_eq!(event_usage.value(&["eventSessionHistory", "sessionKey"]), ekey);
    assert_eq!(event_usage.value(&["eventSessionHistory", "totalPeopleMinutes"]), "25");
    let event_people = s.as_admin("history.LsteventattendeeHistory", DAY).await;
    event_people.assert_success();
    assert_eq!(event_people.body().children_named("eventAttendeeHistory").count(), 2);
}

#[tokio::test]
async fn support_sessions_have_their_history() {
    let s = TestServer::start().await;
    let created = s
        .call(
            "alice",
            PW,
            "supportsession.CreateSupportSession",
            "<metaData><confName>Printer help</confName></metaData>",
        )
        .await;
    created.assert_success();
    let key = created.value(&["sessionKey"]);
    let info = s.call("alice", PW, "ep.GetSessionInfo", &format!("<sessionKey>{key}</sessionKey>")).await;
    info.assert_success();
    let host_key = info.value(&["hostKey"]);
    let host = json!({ "name": "Alice", "email": "alice@acme.example", "hostKey": host_key });
    let host = post(&s, &key, "join", host).await;
    s.advance(Duration::minutes(12));
    let end = json!({ "participantId": host["participantId"], "participantPass": host["participantPass"] });
    post(&s, &key, "end", end).await;
    let usage = s.as_admin("history.LstsupportsessionHistory", DAY).await;
    usage.assert_success();
    assert_eq!(usage.value(&["supportSessionHistory", "sessionKey"]), key);
    assert_eq!(usage.value(&["supportSessionHistory", "duration"]), "12");
    let people = s.as_admin("history.LstsupportattendeeHistory", DAY).await;
    people.assert_success();
    assert_eq!(people.value(&["supportAttendeeHistory", "attendeeEmail"]), "alice@acme.example");
}

#[tokio::test]
async fn a_login_ticket_is_handed_out() {
    let s = TestServer::start().await;
    let r = s.call("alice", PW, "user.GetLoginTicket", "").await;
    r.assert_success();
    assert!(!r.value(&["ticket"]).is_empty(), "{}", r.text);
    assert!(r.text.contains("xsi:type=\"use:getLoginTicketResponse\""), "{}", r.text);
}
