//! The history service after sessions run through the lifecycle endpoints, asked the way the
//! Splunk add-on's poller asks (endTimeScope + listControl + order STARTTIME).

use chrono::Duration;
use serde_json::{json, Value};

use crate::support::*;

const MEETING: &str = "<accessControl><meetingPassword>s3cret</meetingPassword></accessControl><metaData><confName>Budget</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>60</duration></schedule>";

async fn post(s: &TestServer, key: &str, action: &str, body: Value) -> Value {
    lifecycle(s, key, action, "history-test", body).await
}

/// alice's meeting; a guest claims host, an attendee stays 10 of its 30 minutes. Returns
/// (meetingKey, meetingUUID).
async fn run_session(s: &TestServer) -> (String, String) {
    let created = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await;
    let key = created.value(&["meetingkey"]);
    let uuid = created.value(&["meetingUUID"]);
    let host_key =
        s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await.value(&["hostKey"]);
    let guest = json!({ "name": "Taro", "email": "taro@guest.example", "password": "s3cret", "hostKey": host_key });
    let host = post(s, &key, "join", guest).await;
    let attendee = json!({ "name": "Hanako", "email": "hanako@guest.example", "password": "s3cret" });
    let att = post(s, &key, "join", attendee).await;
    s.advance(Duration::minutes(10));
    post(s, &key, "leave", crate::lifecycle::who(&att)).await;
    s.advance(Duration::minutes(20));
    post(s, &key, "end", crate::lifecycle::who(&host)).await;
    (key, uuid)
}

fn splunk(from: &str, to: &str) -> String {
    format!(
        "<endTimeScope><sessionEndTimeStart>{from}</sessionEndTimeStart><sessionEndTimeEnd>{to}</sessionEndTimeEnd></endTimeScope>\
         <listControl><startFrom>1</startFrom><maximumNum>100</maximumNum><listMethod>AND</listMethod></listControl>\
         <order><orderBy>STARTTIME</orderBy><orderAD>ASC</orderAD></order>"
    )
}

#[tokio::test]
async fn usage_and_attendee_history_show_the_ended_session() {
    let s = TestServer::start().await;
    let (key, uuid) = run_session(&s).await;
    let day = splunk("06/01/2026 00:00:00", "06/02/2026 00:00:00");

    let usage = s.as_admin("history.LstmeetingusageHistory", &day).await;
    usage.assert_success();
    assert!(usage.text.contains("xsi:type=\"history:lstmeetingusageHistoryResponse\""), "{}", usage.text);
    assert_in_order(
        &usage.text,
        &["<history:meetingUsageHistory>", "<history:matchingRecords><serv:total>1</serv:total>"],
    );
    assert_eq!(usage.value(&["meetingUsageHistory", "sessionKey"]), key);
    assert_eq!(usage.value(&["meetingUsageHistory", "confName"]), "Budget");
    assert_eq!(usage.value(&["meetingUsageHistory", "meetingStartTime"]), "06/01/2026 09:00:00");
    assert_eq!(usage.value(&["meetingUsageHistory", "meetingEndTime"]), "06/01/2026 09:30:00");
    assert_eq!(usage.value(&["meetingUsageHistory", "duration"]), "30");
    assert_eq!(usage.value(&["meetingUsageHistory", "hostWebExID"]), "alice");
    assert_eq!(usage.value(&["meetingUsageHistory", "totalParticipants"]), "2");
    assert_eq!(usage.value(&["meetingUsageHistory", "totalPeopleMinutes"]), "40");
    assert_eq!(usage.value(&["meetingUsageHistory", "meetingUUID"]), uuid);

    let attendees = s.as_admin("history.LstmeetingattendeeHistory", &day).await;
    attendees.assert_success();
    let items: Vec<_> = attendees.body().children_named("meetingAttendeeHistory").collect();
    assert_eq!(items.len(), 2, "{}", attendees.text);
    let row = |i: usize, f: &str| items[i].text_of(f).unwrap_or_default().to_string();
    assert_eq!(
        (row(0, "email"), row(0, "participantType"), row(0, "duration")),
        ("taro@guest.example".into(), "HOST".into(), "30".into())
    );
    assert_eq!(
        (row(1, "email"), row(1, "participantType"), row(1, "duration")),
        ("hanako@guest.example".into(), "ATTENDEE".into(), "10".into())
    );
    assert_eq!(row(1, "joinTime"), "06/01/2026 09:00:00");
    assert_eq!(row(1, "leaveTime"), "06/01/2026 09:10:00");
    assert_eq!(row(0, "ipAddress"), "127.0.0.1");
    assert_eq!(row(0, "clientAgent"), "history-test");
    assert_eq!(row(0, "meetingUUID"), uuid, "40.7.0: meetingUUID in attendee items");
    assert_eq!(row(0, "meetingKey"), key);

    // The time zone of the request is the zone of the answer.
    let pacific = format!("{}<timeZoneID>4</timeZoneID>", splunk("06/01/2026 00:00:00", "06/01/2026 23:59:59"));
    let local = s.as_admin("history.LstmeetingusageHistory", &pacific).await;
    assert_eq!(local.value(&["meetingUsageHistory", "meetingStartTime"]), "06/01/2026 02:00:00");

    // Outside the scope, other centers, and the histories kaigi does not keep: no record found.
    s.as_admin("history.LstmeetingusageHistory", &splunk("06/02/2026 00:00:00", "06/03/2026 00:00:00"))
        .await
        .assert_failure("000015");
    s.as_admin("history.LsttrainingsessionHistory", &day).await.assert_failure("000015");
    s.as_admin("history.LstsupportattendeeHistory", &day).await.assert_failure("000015");
    s.as_admin("history.LstrecordaccessHistory", "<creationTimeScope><creationTimeStart>06/01/2026 00:00:00</creationTimeStart><creationTimeEnd>06/02/2026 00:00:00</creationTimeEnd></creationTimeScope><order><orderBy>RECORDID</orderBy></order>").await.assert_failure("000015");
    s.as_admin("history.LstAccessAnywhereHistory", "<startTimeScope><sessionStartTimeStart>06/01/2026 00:00:00</sessionStartTimeStart><sessionStartTimeEnd>06/02/2026 00:00:00</sessionStartTimeEnd></startTimeScope>").await.assert_failure("000015");

    // Filters.
    let by_key = s.as_admin("history.LstmeetingusageHistory", &format!("<meetingKey>{key}</meetingKey>")).await;
    by_key.assert_success();
    s.as_admin("history.LstmeetingusageHistory", "<confName>Other</confName>").await.assert_failure("000015");
    s.as_admin("history.LstmeetingusageHistory", "<hostWebExID>alice</hostWebExID>").await.assert_success();
    s.as_admin("history.LstmeetingusageHistory", "<hostWebExID>bob</hostWebExID>").await.assert_failure("000015");
}

#[tokio::test]
async fn hosts_see_their_own_sessions_and_lists_page() {
    let s = TestServer::start().await;
    let (first, _) = run_session(&s).await;
    s.advance(Duration::hours(2));
    let (second, _) = run_session(&s).await;

    // alice hosted both; bob hosted none.
    let mine = s.call("alice", PW, "history.LstmeetingusageHistory", "").await;
    assert_eq!(mine.body().children_named("meetingUsageHistory").count(), 2);
    s.call("bob", PW, "history.LstmeetingusageHistory", "").await.assert_failure("000015");
    s.call("bob", PW, "history.LstmeetingattendeeHistory", "").await.assert_failure("000015");

    let page = "<listControl><startFrom>2</startFrom><maximumNum>1</maximumNum></listControl><order><orderBy>STARTTIME</orderBy><orderAD>DESC</orderAD></order>";
    let second_page = s.as_admin("history.LstmeetingusageHistory", page).await;
    second_page.assert_success();
    assert_eq!(second_page.value(&["meetingUsageHistory", "sessionKey"]), first);
    assert_in_order(
        &second_page.text,
        &["<serv:total>2</serv:total>", "<serv:returned>1</serv:returned>", "<serv:startFrom>2</serv:startFrom>"],
    );
    let newest = s.as_admin("history.LstmeetingusageHistory", &page.replace(">2</startFrom>", ">1</startFrom>")).await;
    assert_eq!(newest.value(&["meetingUsageHistory", "sessionKey"]), second);
    let beyond = page.replace(">2</startFrom>", ">3</startFrom>");
    s.as_admin("history.LstmeetingusageHistory", &beyond).await.assert_failure("000015");
}
