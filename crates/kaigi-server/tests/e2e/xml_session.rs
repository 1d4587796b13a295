//! The general session service: LstsummarySession, GetSessionInfo (every lookup form, the
//! anonymous subset, the usage limit), LstOpenSession, DelSession, LstCalendarSession.

use crate::support::*;

const MEETING: &str = "<accessControl><meetingPassword>s3cret</meetingPassword></accessControl><metaData><confName>Review</confName><agenda>Numbers</agenda></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>30</duration></schedule>";

fn anonymous(op: &str, body: &str) -> String {
    format!(
        "<serv:message xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><header><securityContext><siteName>{SITE}</siteName></securityContext></header>\
         <body><bodyContent xsi:type=\"java:com.webex.service.binding.{op}\">{body}</bodyContent></body></serv:message>"
    )
}

#[tokio::test]
async fn lstsummary_session_as_the_devnet_sample_and_splunk_ask() {
    let s = TestServer::start().await;
    let r = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await;
    let key = r.value(&["meetingkey"]);
    let list = s
        .call("alice", PW, "ep.LstsummarySession", "<listControl><startFrom>1</startFrom><maximumNum>10</maximumNum></listControl><dateScope><startDateStart>06/01/2026 00:00:00</startDateStart><startDateEnd>06/30/2026 00:00:00</startDateEnd><timeZoneID>4</timeZoneID></dateScope><serviceTypes><serviceType>MeetingCenter</serviceType></serviceTypes><returnScheduledPMR>true</returnScheduledPMR>")
        .await;
    list.assert_success();
    assert!(list.text.contains("xmlns:ep=") && list.text.contains("xmlns:meet="));
    assert_in_order(&list.text, &["<ep:matchingRecords><serv:total>1</serv:total>", "<ep:session><ep:sessionKey>"]);
    assert_eq!(list.value(&["session", "sessionKey"]), key);
    assert_eq!(list.value(&["session", "meetingUUID"]), r.value(&["meetingUUID"]));
    assert_eq!(list.value(&["session", "startTime"]), "06/20/2026 10:00:00");
    assert_eq!(list.value(&["session", "serviceType"]), "MeetingCenter");
    assert_eq!(list.value(&["session", "passwordReq"]), "true");
    assert_eq!(list.value(&["session", "isScheduledPMR"]), "false");
    // Without a zone the start is GMT.
    let gmt = s.call("alice", PW, "ep.LstsummarySession", "").await;
    assert_eq!(gmt.value(&["session", "startTime"]), "06/20/2026 17:00:00");
    // 40.2.0: anonymous listings find nothing.
    let anon =
        Reply::parse(s.post(&anonymous("ep.LstsummarySession", &format!("<sessionKey>{key}</sessionKey>"))).await.1);
    anon.assert_failure("000015");
    s.call("alice", PW, "ep.LstsummarySession", "<serviceTypes><serviceType>EventCenter</serviceType></serviceTypes>")
        .await
        .assert_failure("000015");
}

#[tokio::test]
async fn get_session_info_by_every_key_form() {
    let s = TestServer::start().await;
    let r = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await;
    let key = r.value(&["meetingkey"]);
    let uuid = r.value(&["meetingUUID"]);
    let host_view = s.call("alice", PW, "ep.GetSessionInfo", &format!("<sessionKey>{key}</sessionKey>")).await;
    host_view.assert_success();
    assert_in_order(
        &host_view.text,
        &["<ep:status>NOT_INPROGRESS</ep:status>", "<ep:sessionkey>", "<ep:meetingUUID>", "<ep:confID>"],
    );
    assert_eq!(host_view.value(&["accessControl", "sessionPassword"]), "s3cret");
    assert_eq!(host_view.value(&["hostKey"]).len(), 6);
    assert_eq!(host_view.value(&["host", "webExId"]), "alice");
    for lookup in [
        format!("<meetingUUID>{uuid}</meetingUUID>"),
        format!("<meetingUuid>{}</meetingUuid>", uuid.to_uppercase()),
        format!("<meetingLink>http://kaigi.test/acme/j.php?MTID=m{uuid}</meetingLink>"),
        format!("<sipUrl>{key}@acme.kaigi.test</sipUrl>"),
        format!("<sipUrl>{key}_acme@webex.com</sipUrl>"),
    ] {
        let v = s.call("bob", PW, "ep.GetSessionInfo", &lookup).await;
        v.assert_success();
        assert_eq!(v.value(&["sessionkey"]), key, "{lookup}");
    }
    // A personal room by its URL or SIP address.
    let pmr = s.call("bob", PW, "ep.GetSessionInfo", "<pmrUrl>http://kaigi.test/acme/meet/alice</pmrUrl>").await;
    pmr.assert_success();
    assert_eq!(pmr.value(&["metaData", "confName"]), "Alice's Personal Room");
    let by_sip = s.call("bob", PW, "ep.GetSessionInfo", "<sipUrl>alice@acme.kaigi.test</sipUrl>").await;
    assert_eq!(by_sip.value(&["sessionkey"]), pmr.value(&["sessionkey"]));
    s.call("bob", PW, "ep.GetSessionInfo", "<sessionKey>111111111</sessionKey>").await.assert_failure("060001");
}

/// Anonymous callers get the public subset; the password opens the rest; never the host key.
#[tokio::test]
async fn anonymous_session_info_is_a_subset() {
    let s = TestServer::start().await;
    let key = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await.value(&["meetingkey"]);
    let anon =
        Reply::parse(s.post(&anonymous("ep.GetSessionInfo", &format!("<sessionKey>{key}</sessionKey>"))).await.1);
    anon.assert_success();
    assert_eq!(anon.value(&["metaData", "confName"]), "Review");
    assert_eq!(anon.value(&["accessControl", "passwordReq"]), "true");
    assert!(anon.body().path(&["accessControl", "sessionPassword"]).is_none());
    assert!(anon.body().path(&["metaData", "agenda"]).is_none());
    assert!(anon.body().child("hostKey").is_none());
    let with_pw = Reply::parse(
        s.post(&anonymous(
            "ep.GetSessionInfo",
            &format!("<sessionKey>{key}</sessionKey><sessionPassword>s3cret</sessionPassword>"),
        ))
        .await
        .1,
    );
    assert_eq!(with_pw.value(&["metaData", "agenda"]), "Numbers");
    assert!(with_pw.body().child("hostKey").is_none());
}

/// 40.2.6: GetSessionInfo beyond the site's per-minute limit is HTTP 403.
#[tokio::test]
async fn session_info_usage_limit() {
    let s = TestServer::start().await;
    let key = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await.value(&["meetingkey"]);
    let mut settings = s.site.settings.clone();
    settings.usage_limit_per_minute = 2;
    s.store.update_site_settings(s.site.id, &settings).await.unwrap();
    let doc = anonymous("ep.GetSessionInfo", &format!("<sessionKey>{key}</sessionKey>"));
    assert_eq!(s.post(&doc).await.0, 200);
    assert_eq!(s.post(&doc).await.0, 200);
    let (status, text) = s.post(&doc).await;
    assert_eq!(status, 403);
    assert_eq!(Reply::parse(text).reason(), "403 forbidden");
}

#[tokio::test]
async fn open_sessions_calendar_and_del_session() {
    let s = TestServer::start().await;
    let key = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await.value(&["meetingkey"]);
    // Nothing runs yet.
    s.call("alice", PW, "ep.LstOpenSession", "<serviceType>MeetingCenter</serviceType>").await.assert_failure("000015");
    let cal = s.call("alice", PW, "ep.LstCalendarSession", "<dateScope><startDateStart>06/01/2026 00:00:00</startDateStart><startDateEnd>06/30/2026 23:59:59</startDateEnd></dateScope>").await;
    cal.assert_success();
    assert_eq!(cal.value(&["session", "sessionKey"]), key);
    assert_eq!(cal.value(&["session", "isPrivateMeeting"]), "false");
    let d = s.call("alice", PW, "ep.DelSession", &format!("<sessionKey>{key}</sessionKey>")).await;
    d.assert_success();
    assert!(d.text.contains("<ep:iCalendarURL><serv:host>"));
    s.call("alice", PW, "ep.GetSessionInfo", &format!("<sessionKey>{key}</sessionKey>")).await.assert_failure("060001");
}
