//! Event Center over the XML API, with requests modelled on webexpy's event calls (written by us):
//! create with a generated event password, read (host and administrator only), change, list and
//! delete; the general session service finds events under EventCenter.

use crate::support::*;

/// A webexpy-shaped CreateEvent body; `password` empty means none is sent.
fn webexpy_event(name: &str, password: &str) -> String {
    let access = if password.is_empty() {
        "<accessControl><listing>PUBLIC</listing></accessControl>".to_string()
    } else {
        format!("<accessControl><listing>PUBLIC</listing><sessionPassword>{password}</sessionPassword></accessControl>")
    };
    format!(
        "{access}<schedule><startDate>06/21/2026 15:00:00</startDate><duration>60</duration><timeZoneID>20</timeZoneID><openTime>15</openTime></schedule>\
         <metaData><sessionName>{name}</sessionName><description>Quarterly results</description></metaData>\
         <panelists><panelist><name>Bob Example</name><email>bob@acme.example</email></panelist></panelists>"
    )
}

#[tokio::test]
async fn webexpy_creates_reads_changes_lists_and_deletes_an_event() {
    let s = TestServer::start().await;
    let r = s.call("alice", PW, "event.CreateEvent", &webexpy_event("Town hall", "")).await;
    r.assert_success();
    assert!(r.text.contains("xmlns:event=\"http://www.webex.com/schemas/2002/06/service/event\""));
    assert!(r.text.contains("xsi:type=\"event:createEventResponse\""), "{}", r.text);
    assert_in_order(&r.text, &["<event:sessionKey>", "<event:guestToken>", "<event:eventPassword>"]);
    let key = r.value(&["sessionKey"]);
    assert_eq!(r.value(&["guestToken"]).len(), 32);
    assert_eq!(r.value(&["meetingUUID"]).len(), 32);
    // 40.1.2: generated because the site requires a password and none was given.
    let generated = r.value(&["eventPassword"]);
    assert!(generated.len() >= 8, "{generated}");

    let get = s.call("alice", PW, "event.GetEvent", &format!("<sessionKey>{key}</sessionKey>")).await;
    get.assert_success();
    assert_eq!(get.value(&["accessControl", "listing"]), "PUBLIC");
    assert_eq!(get.value(&["accessControl", "sessionPassword"]), generated);
    assert!(get.value(&["accessControl", "audioPassword"]).chars().all(|c| c.is_ascii_digit()));
    assert_eq!(get.value(&["accessControl", "isEnforceAudioPassword"]), "false");
    assert_eq!(get.value(&["schedule", "startDate"]), "06/21/2026 15:00:00");
    assert_eq!(get.value(&["schedule", "openTime"]), "15");
    assert_eq!(get.value(&["metaData", "sessionName"]), "Town hall");
    assert_eq!(get.value(&["metaData", "sessionType"]), "216");
    assert_eq!(get.value(&["metaData", "description"]), "Quarterly results");
    assert_eq!(get.value(&["panelists", "panelist", "email"]), "bob@acme.example");
    assert_eq!(get.value(&["hostKey"]).len(), 6);
    assert_eq!(get.value(&["guestToken"]), r.value(&["guestToken"]));
    assert_eq!(get.value(&["hostType"]), "1019001");
    assert!(!get.value(&["eventID"]).is_empty());

    // Another user who is neither host nor administrator: access denied. The admin may read.
    s.call("bob", PW, "event.GetEvent", &format!("<sessionKey>{key}</sessionKey>")).await.assert_failure("000001");
    s.as_admin("event.GetEvent", &format!("<sessionKey>{key}</sessionKey>")).await.assert_success();

    s.call(
        "alice",
        PW,
        "event.SetEvent",
        &format!("<sessionKey>{key}</sessionKey><metaData><sessionName>Town hall (moved)</sessionName></metaData><schedule><startDate>06/22/2026 15:00:00</startDate><timeZoneID>20</timeZoneID></schedule>"),
    )
    .await
    .assert_success();
    let list = s.call("alice", PW, "event.LstsummaryEvent", "").await;
    list.assert_success();
    assert_eq!(list.value(&["event", "sessionKey"]), key);
    assert_eq!(list.value(&["event", "sessionName"]), "Town hall (moved)");
    assert_eq!(list.value(&["event", "startDate"]), "06/22/2026 15:00:00");
    assert_eq!(list.value(&["event", "endDate"]), "06/22/2026 16:00:00");
    assert_eq!(list.value(&["event", "panelists"]), "bob@acme.example");
    assert_in_order(&list.text, &["<event:matchingRecords>", "<event:event>"]);
    assert_eq!(list.value(&["matchingRecords", "total"]), "1");

    let ep = s
        .call(
            "alice",
            PW,
            "ep.LstsummarySession",
            "<serviceTypes><serviceType>EventCenter</serviceType></serviceTypes>",
        )
        .await;
    ep.assert_success();
    assert_eq!(ep.value(&["session", "sessionKey"]), key);
    assert_eq!(ep.value(&["session", "serviceType"]), "EventCenter");

    s.call("alice", PW, "event.DelEvent", &format!("<sessionKey>{key}</sessionKey>")).await.assert_success();
    s.call("alice", PW, "event.GetEvent", &format!("<sessionKey>{key}</sessionKey>")).await.assert_failure("060001");
    s.call("alice", PW, "event.LstsummaryEvent", "").await.assert_failure("000015");
}

#[tokio::test]
async fn a_given_event_password_is_echoed_and_events_stay_in_their_kind() {
    let s = TestServer::start().await;
    let r = s.call("alice", PW, "event.CreateEvent", &webexpy_event("Launch", "Launch2026")).await;
    assert_eq!(r.value(&["eventPassword"]), "Launch2026");
    let key = r.value(&["sessionKey"]);
    s.call("alice", PW, "training.GetTrainingSession", &format!("<sessionKey>{key}</sessionKey>"))
        .await
        .assert_failure("060001");
    s.call("alice", PW, "meeting.DelMeeting", &format!("<meetingKey>{key}</meetingKey>"))
        .await
        .assert_failure("060001");
    s.call("alice", PW, "event.GetEvent", &format!("<sessionKey>{key}</sessionKey>")).await.assert_success();
}
