//! The attendee service, with request shapes modelled on public clients: SugarCRM and
//! amardaxini (one person + sessionKey + role), Zimbra (first person at top level, more people in
//! `<attendees>`), webexpy (a list of `<attendees>` to register).

use kaigi_core::model::{Caller, MailKind, Principal};

use crate::support::*;

const A: &str = "attendee.";

/// A meeting hosted by `who`; `options` goes into `attendeeOptions`.
async fn meeting(s: &TestServer, who: &str, options: &str) -> (String, String) {
    let body = format!(
        "<metaData><confName>Review</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate>\
         <duration>30</duration></schedule><attendeeOptions>{options}</attendeeOptions>"
    );
    let r = s.call(who, PW, "meeting.CreateMeeting", &body).await;
    r.assert_success();
    (r.value(&["meetingkey"]), r.value(&["meetingUUID"]))
}

/// SugarCRM / amardaxini: one person, the session key and a role.
fn sugar(key: &str, name: &str, email: &str, invite: bool) -> String {
    format!(
        "<person><name>{name}</name><email>{email}</email><address><addressType>PERSONAL</addressType></address>\
         <type>VISITOR</type></person><role>ATTENDEE</role><sessionKey>{key}</sessionKey>\
         <emailInvitations>{}</emailInvitations>",
        if invite { "TRUE" } else { "FALSE" }
    )
}

/// webexpy: a list of people to register, each with firstName/lastName.
fn webexpy(key: &str, people: &[(&str, &str, &str)]) -> String {
    people
        .iter()
        .map(|(f, l, e)| {
            format!(
                "<attendees><person><firstName>{f}</firstName><lastName>{l}</lastName><email>{e}</email></person>\
                 <sessionKey>{key}</sessionKey><joinStatus>ACCEPT</joinStatus><emailInvitations>TRUE</emailInvitations>\
                 </attendees>"
            )
        })
        .collect()
}

fn all(r: &Reply, name: &str) -> Vec<String> {
    r.body().children.iter().filter(|c| c.is(name)).map(|c| c.text.clone()).collect()
}

#[tokio::test]
async fn sugar_create_lists_with_lower_cased_email_and_mails_the_invitation() {
    let s = TestServer::start().await;
    let (key, uuid) = meeting(&s, "alice", "").await;
    let r = s
        .call("alice", PW, &format!("{A}CreateMeetingAttendee"), &sugar(&key, "Carol", "Carol@Example.COM", true))
        .await;
    r.assert_success();
    assert!(r.text.contains("xmlns:att="));
    let ids = all(&r, "attendeeId");
    assert_eq!(ids.len(), 1);
    // No registration on this meeting: no registerID.
    assert!(!r.text.contains("registerID"));

    let mails = s.outbox().await;
    let invite = mails.iter().find(|m| m.kind == MailKind::Invitation).expect("invitation mail");
    assert_eq!(invite.to, "carol@example.com");
    assert!(invite.body.contains(&key));

    // Listed by meetingUUID (40.6).
    let l = s.call("alice", PW, &format!("{A}LstMeetingAttendee"), &format!("<meetingUUID>{uuid}</meetingUUID>")).await;
    l.assert_success();
    assert_in_order(
        &l.text,
        &["<att:matchingRecords><serv:total>1</serv:total>", "<att:attendee><att:person><com:name>Carol</com:name>"],
    );
    assert_eq!(l.value(&["attendee", "person", "email"]), "carol@example.com");
    assert_eq!(l.value(&["attendee", "attendeeId"]), ids[0]);
    assert_eq!(l.value(&["attendee", "meetingUUID"]), uuid);
    assert_eq!(l.value(&["attendee", "joinStatus"]), "INVITE");
    assert_eq!(l.value(&["attendee", "status", "invited"]), "true");

    // Also by confID.
    let conf = l.value(&["attendee", "confID"]);
    let c = s.call("alice", PW, &format!("{A}LstMeetingAttendee"), &format!("<confID>{conf}</confID>")).await;
    c.assert_success();
    assert_eq!(c.value(&["attendee", "attendeeId"]), ids[0]);
    s.call("alice", PW, &format!("{A}LstMeetingAttendee"), "<confID>1</confID>").await.assert_failure("060001");
}

#[tokio::test]
async fn zimbra_form_adds_every_person_and_registration_gives_register_ids() {
    let s = TestServer::start().await;
    let (key, _) = meeting(&s, "alice", "<registration>true</registration><auto>true</auto>").await;
    let body = format!(
        "<person><name>Dan</name><email>dan@example.com</email></person><joinStatus>INVITE</joinStatus>\
         <sessionKey>{key}</sessionKey><attendees><person><name>Eve</name><email>eve@example.com</email></person>\
         <joinStatus>INVITE</joinStatus><sessionKey>{key}</sessionKey></attendees>"
    );
    let r = s.call("alice", PW, &format!("{A}CreateMeetingAttendee"), &body).await;
    r.assert_success();
    let ids = all(&r, "attendeeId");
    assert_eq!(ids.len(), 2);
    let registers: Vec<_> = r.body().children_named("register").collect();
    assert_eq!(registers.len(), 2);
    assert_eq!(registers[0].text_of("attendeeID"), Some(ids[0].as_str()));
    assert!(registers[1].value_of("registerID").is_some());

    let l = s.call("alice", PW, &format!("{A}LstMeetingAttendee"), &format!("<meetingKey>{key}</meetingKey>")).await;
    l.assert_success();
    assert_eq!(l.value(&["matchingRecords", "total"]), "2");
    assert!(l.text.contains("<att:registerID>"));
}

#[tokio::test]
async fn fifty_one_attendees_are_refused_and_nothing_is_written() {
    let s = TestServer::start().await;
    let (key, _) = meeting(&s, "alice", "").await;
    let emails: Vec<String> = (0..51).map(|i| format!("p{i}@example.com")).collect();
    let people: Vec<(&str, &str, &str)> = emails.iter().map(|e| ("P", "Q", e.as_str())).collect();
    let r = s.call("alice", PW, &format!("{A}RegisterMeetingAttendee"), &webexpy(&key, &people)).await;
    r.assert_failure("040015");
    assert!(r.reason().contains("over limit"));
    let l = s.call("alice", PW, &format!("{A}LstMeetingAttendee"), &format!("<meetingKey>{key}</meetingKey>")).await;
    l.assert_failure("000015");
    assert!(s.outbox().await.iter().all(|m| m.kind != MailKind::RegistrationConfirmation));
}

#[tokio::test]
async fn webexpy_registration_waits_for_approval_when_not_automatic() {
    let s = TestServer::start().await;
    let (key, _) = meeting(&s, "alice", "<registration>true</registration><auto>false</auto>").await;
    let r = s
        .call("alice", PW, &format!("{A}RegisterMeetingAttendee"), &webexpy(&key, &[("Fay", "Lee", "Fay@Example.com")]))
        .await;
    r.assert_success();
    let id: i64 = r.value(&["register", "attendeeID"]).parse().unwrap();
    assert!(!r.value(&["register", "registerID"]).is_empty());
    let stored = s.store.attendee_by_id(s.site.id, id).await.unwrap().unwrap();
    assert_eq!(stored.status.wire(), "PENDING");
    assert_eq!(stored.email, "fay@example.com");
    assert!(s.outbox().await.iter().any(|m| m.kind == MailKind::RegistrationConfirmation && m.to == "fay@example.com"));

    let alice = s.store.user_by_webex_id(s.site.id, "alice").await.unwrap().unwrap();
    let host = Caller { site: s.site.clone(), principal: Principal::User(Box::new(alice)), scopes: None };
    let approved = s.kaigi.decide_registration(&host, id, true).await.unwrap();
    assert_eq!(approved.status.wire(), "REGISTERED");
    let l = s.call("alice", PW, &format!("{A}LstMeetingAttendee"), &format!("<sessionKey>{key}</sessionKey>")).await;
    assert_eq!(l.value(&["attendee", "status", "registered"]), "true");
}

#[tokio::test]
async fn delete_by_id_and_by_email_with_session_key() {
    let s = TestServer::start().await;
    let (key, _) = meeting(&s, "alice", "").await;
    let a =
        s.call("alice", PW, &format!("{A}CreateMeetingAttendee"), &sugar(&key, "Gus", "gus@example.com", false)).await;
    let gus = a.value(&["attendeeId"]);
    s.call("alice", PW, &format!("{A}CreateMeetingAttendee"), &sugar(&key, "Hal", "hal@example.com", false))
        .await
        .assert_success();

    let d = s.call("alice", PW, &format!("{A}DelMeetingAttendee"), &format!("<attendeeID>{gus}</attendeeID>")).await;
    d.assert_success();
    let by_email = format!(
        "<attendeeEmail><email>HAL@example.com</email><sessionKey>{key}</sessionKey></attendeeEmail><sendEmail>TRUE</sendEmail>"
    );
    s.call("alice", PW, &format!("{A}DelMeetingAttendee"), &by_email).await.assert_success();
    assert!(s.outbox().await.iter().any(|m| m.kind == MailKind::AttendeeCancellation && m.to == "hal@example.com"));
    let l = s.call("alice", PW, &format!("{A}LstMeetingAttendee"), &format!("<meetingKey>{key}</meetingKey>")).await;
    l.assert_failure("000015");
    // Gone already.
    s.call("alice", PW, &format!("{A}DelMeetingAttendee"), &format!("<attendeeID>{gus}</attendeeID>"))
        .await
        .assert_failure("000015");
}

#[tokio::test]
async fn enrollment_info_answers_a_blank_domain() {
    let s = TestServer::start().await;
    let (key, _) = meeting(&s, "alice", "<registration>true</registration><auto>true</auto>").await;
    s.call("alice", PW, &format!("{A}RegisterMeetingAttendee"), &webexpy(&key, &[("Ivy", "Ng", "ivy@example.com")]))
        .await
        .assert_success();
    let r = s.call("alice", PW, &format!("{A}GetEnrollmentInfo"), &format!("<sessionKey>{key}</sessionKey>")).await;
    r.assert_success();
    assert!(r.text.contains("<att:domain> </att:domain>"), "{}", r.text);
    // The schema's vocabulary: PENDING, APPROVED or REJECTED (auto-approved here).
    assert_eq!(r.value(&["session", "attendee", "status"]), "APPROVED");
    assert_eq!(r.value(&["session", "attendee", "submitTime"]), "06/01/2026 09:00:00");
    assert_eq!(r.value(&["session", "sessionKey"]), key);
}

#[tokio::test]
async fn unknown_meeting_missing_key_and_foreign_host() {
    let s = TestServer::start().await;
    s.call("alice", PW, &format!("{A}LstMeetingAttendee"), "<meetingKey>123456789</meetingKey>")
        .await
        .assert_failure("060001");
    s.call("alice", PW, &format!("{A}LstMeetingAttendee"), "").await.assert_failure("000015");
    let (key, _) = meeting(&s, "alice", "").await;
    s.call("alice", PW, &format!("{A}CreateMeetingAttendee"), &sugar(&key, "Jo", "jo@example.com", false))
        .await
        .assert_success();
    s.call("bob", PW, &format!("{A}LstMeetingAttendee"), &format!("<meetingKey>{key}</meetingKey>"))
        .await
        .assert_failure("000001");
    s.call("bob", PW, &format!("{A}CreateMeetingAttendee"), &sugar(&key, "Kim", "kim@example.com", false))
        .await
        .assert_failure("000001");
}

#[tokio::test]
async fn host_role_makes_an_alternate_host_and_meeting_invitees_are_listed() {
    let s = TestServer::start().await;
    let body = "<metaData><confName>Plan</confName></metaData><participants><attendees><attendee><person>\
                <name>Lou</name><email>Lou@Example.com</email></person></attendee></attendees></participants>\
                <schedule><startDate>06/20/2026 10:00:00</startDate><duration>30</duration></schedule>";
    let r = s.call("alice", PW, "meeting.CreateMeeting", body).await;
    r.assert_success();
    let key = r.value(&["meetingkey"]);
    let l = s.call("alice", PW, &format!("{A}LstMeetingAttendee"), &format!("<meetingKey>{key}</meetingKey>")).await;
    l.assert_success();
    assert_eq!(l.value(&["attendee", "person", "email"]), "lou@example.com");

    // bob as HOST: an alternate host, who may then list the attendees.
    let bob = format!(
        "<person><name>Bob</name><email>bob@acme.example</email></person><role>HOST</role><sessionKey>{key}</sessionKey>"
    );
    s.call("alice", PW, &format!("{A}CreateMeetingAttendee"), &bob).await.assert_success();
    let l = s.call("bob", PW, &format!("{A}LstMeetingAttendee"), &format!("<meetingKey>{key}</meetingKey>")).await;
    l.assert_success();
    assert_eq!(l.value(&["matchingRecords", "total"]), "2");

    // SetMeeting with a new participant list: Lou's row goes, Max gets one.
    let set = format!(
        "<meetingkey>{key}</meetingkey><participants><attendees><attendee><person><name>Max</name>\
         <email>max@example.com</email></person></attendee></attendees></participants>"
    );
    s.call("alice", PW, "meeting.SetMeeting", &set).await.assert_success();
    let l = s.call("alice", PW, &format!("{A}LstMeetingAttendee"), &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(l.value(&["matchingRecords", "total"]), "1");
    assert_eq!(l.value(&["attendee", "person", "email"]), "max@example.com");
}

#[tokio::test]
async fn a_signed_in_user_may_register_only_themselves() {
    let s = TestServer::start().await;
    let (key, _) = meeting(&s, "alice", "<registration>true</registration><auto>true</auto>").await;
    let me = webexpy(&key, &[("Bob", "Example", "Bob@Acme.example")]);
    let r = s.call("bob", PW, &format!("{A}RegisterMeetingAttendee"), &me).await;
    r.assert_success();
    assert!(!r.value(&["register", "registerID"]).is_empty());
    let other = webexpy(&key, &[("Nia", "Lo", "nia@example.com")]);
    s.call("bob", PW, &format!("{A}RegisterMeetingAttendee"), &other).await.assert_failure("000001");
    // Registering does not make bob a manager of the meeting.
    s.call("bob", PW, &format!("{A}LstMeetingAttendee"), &format!("<meetingKey>{key}</meetingKey>"))
        .await
        .assert_failure("000001");
}
