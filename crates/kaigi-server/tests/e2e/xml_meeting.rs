//! The meeting service: scheduling with the 40.x rules, request shapes modelled on public clients.

use std::collections::HashSet;

use crate::support::*;

/// The minimal create of erolms/webex_xml_api: name, start, duration. The site requires a
/// password, so one is generated (40.1.2).
const MINIMAL: &str = "<metaData><confName>Sample</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>30</duration></schedule>";

async fn create(s: &TestServer, who: &str, body: &str) -> Reply {
    s.call(who, if who == ADMIN { ADMIN_PW } else { PW }, "meeting.CreateMeeting", body).await
}

fn key_of(r: &Reply) -> String {
    r.value(&["meetingkey"])
}

#[tokio::test]
async fn create_then_get_with_generated_password() {
    let s = TestServer::start().await;
    let r = create(&s, "alice", MINIMAL).await;
    r.assert_success();
    assert!(r.text.contains("xmlns:meet=\"http://www.webex.com/schemas/2002/06/service/meeting\" xmlns:att="));
    assert_in_order(
        &r.text,
        &[
            "<meet:meetingkey>",
            "<meet:meetingUUID>",
            "<meet:meetingPassword>",
            "<meet:iCalendarURL><serv:host>",
            "<serv:attendee>",
            "<meet:guestToken>",
        ],
    );
    let key = key_of(&r);
    assert_eq!(key.len(), 9);
    let uuid = r.value(&["meetingUUID"]);
    assert_eq!(uuid.len(), 32);
    let password = r.value(&["meetingPassword"]);
    assert_eq!(password.len(), 11);
    assert!(password.chars().any(|c| c.is_ascii_uppercase()) && password.chars().any(|c| c.is_ascii_digit()));
    assert!(r.value(&["iCalendarURL", "host"]).starts_with("http://kaigi.test/acme/j.php?MTID=m"));
    assert_eq!(r.value(&["guestToken"]).len(), 32);

    let g = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    g.assert_success();
    assert_eq!(g.value(&["metaData", "confName"]), "Sample");
    assert_eq!(g.value(&["accessControl", "meetingPassword"]), password);
    // Pacific time: the host's (and site's) zone, given none.
    assert_eq!(g.value(&["schedule", "startDate"]), "06/20/2026 10:00:00");
    assert_eq!(g.value(&["schedule", "timeZoneID"]), "4");
    assert_eq!(g.value(&["schedule", "duration"]), "30");
    assert_eq!(g.value(&["schedule", "hostWebExID"]), "alice");
    assert_eq!(g.value(&["status"]), "NOT_INPROGRESS");
    assert_eq!(g.value(&["hostKey"]).len(), 6);
    assert_eq!(g.value(&["meetingUUID"]), uuid);
    assert_eq!(g.value(&["meetingkey"]), key);
    assert!(g.value(&["accessControl", "audioPassword"]).chars().all(|c| c.is_ascii_digit()));
    // The same meeting by its meetingUUID (40.6.0).
    let by_uuid = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingUUID>{uuid}</meetingUUID>")).await;
    assert_eq!(by_uuid.value(&["meetingkey"]), key);
}

/// stgreenb/webex-xml-nodejs sends the password; it is echoed. Without the site rule, none.
#[tokio::test]
async fn a_given_password_is_echoed_and_none_is_made_when_not_required() {
    let s = TestServer::start().await;
    let r = create(&s, "alice", "<accessControl><meetingPassword>pass123</meetingPassword></accessControl><metaData><confName>Given</confName></metaData><schedule><startDate>6/20/2026 9:0:0</startDate></schedule>").await;
    assert_eq!(r.value(&["meetingPassword"]), "pass123");
    let mut settings = s.site.settings.clone();
    settings.require_meeting_password = false;
    s.store.update_site_settings(s.site.id, &settings).await.unwrap();
    let r = create(&s, "alice", MINIMAL).await;
    r.assert_success();
    assert!(r.body().child("meetingPassword").is_none(), "{}", r.text);
}

/// 40.2.0: a start that is not in the future is 060016, and nothing is written.
#[tokio::test]
async fn a_start_in_the_past_is_060016() {
    let s = TestServer::start().await;
    // 1 June 2026 02:00 Pacific is 09:00 UTC: exactly now.
    let now =
        "<metaData><confName>Late</confName></metaData><schedule><startDate>06/01/2026 02:00:00</startDate></schedule>";
    let r = create(&s, "alice", now).await;
    r.assert_failure("060016");
    s.call("alice", PW, "meeting.LstsummaryMeeting", "").await.assert_failure("000015");
    let ok = create(&s, "alice", MINIMAL).await;
    let key = key_of(&ok);
    let back = format!("<meetingkey>{key}</meetingkey><schedule><startDate>05/01/2026 10:00:00</startDate></schedule>");
    s.call("alice", PW, "meeting.SetMeeting", &back).await.assert_failure("060016");
    // Without a start, the meeting begins in five minutes.
    let soon = create(&s, "alice", "<metaData><confName>Soon</confName></metaData>").await;
    let g = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{}</meetingKey>", key_of(&soon))).await;
    assert_eq!(g.value(&["schedule", "startDate"]), "06/01/2026 02:05:00");
}

/// Invalid values are 000000 and the bodyContent writes nothing.
#[tokio::test]
async fn invalid_values_write_nothing() {
    let s = TestServer::start().await;
    for bad in [
        "<metaData><confName>X</confName></metaData><schedule><startDate>06/31/2026 10:00:00</startDate></schedule>",
        "<metaData><confName>X</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>0</duration></schedule>",
        "<metaData><confName>X</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><timeZoneID>99</timeZoneID></schedule>",
        "<metaData><confName>X</confName><meetingType>999</meetingType></metaData><schedule><startDate>06/20/2026 10:00:00</startDate></schedule>",
        "<metaData><confName></confName></metaData>",
        "<metaData><confName>X</confName></metaData><repeat><repeatType>HOURLY</repeatType></repeat>",
    ] {
        create(&s, "alice", bad).await.assert_failure("000000");
    }
    s.call("alice", PW, "meeting.LstsummaryMeeting", "").await.assert_failure("000015");
    s.call("alice", PW, "meeting.GetMeeting", "<meetingKey>123456789</meetingKey>").await.assert_failure("060001");
}

/// Moodle schedules for a host with `schedule/hostWebExID`: a site admin may, a user on the host's
/// schedulingPermission list may, anyone else gets 060021; an unknown host is 060019; a host
/// without a licence is refused with a reason that names the licence.
#[tokio::test]
async fn who_may_schedule_for_whom() {
    let s = TestServer::start().await;
    s.add_user("carl", false, &[]).await;
    let for_host = |host: &str| {
        format!("<metaData><confName>For {host}</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><hostWebExID>{host}</hostWebExID></schedule>")
    };
    let by_admin = create(&s, ADMIN, &for_host("alice")).await;
    by_admin.assert_success();
    let g = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{}</meetingKey>", key_of(&by_admin))).await;
    assert_eq!(g.value(&["schedule", "hostWebExID"]), "alice");
    create(&s, "bob", &for_host("alice")).await.assert_failure("060021");
    s.as_admin("user.SetUser", "<webExId>alice</webExId><schedulingPermission>bob</schedulingPermission>")
        .await
        .assert_success();
    create(&s, "bob", &for_host("alice")).await.assert_success();
    create(&s, ADMIN, &for_host("nobody")).await.assert_failure("060019");
    let unlicensed = create(&s, ADMIN, &for_host("carl")).await;
    unlicensed.assert_failure("000001");
    assert!(unlicensed.reason().contains("carl holds no host licence"), "{}", unlicensed.reason());
    let own = create(&s, "carl", MINIMAL).await;
    own.assert_failure("000001");
    assert!(own.reason().contains("licence"));
}

/// SugarCRM and Zimbra send SetMeeting with a lower-case `meetingkey`, last.
#[tokio::test]
async fn set_meeting_changes_what_it_names() {
    let s = TestServer::start().await;
    let key = key_of(&create(&s, "alice", MINIMAL).await);
    // Read first, so that a body kept from this read must not be served after the change.
    let before = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_ne!(before.value(&["metaData", "confName"]), "Renamed");
    let set = format!(
        "<metaData><confName>Renamed</confName><agenda>Plans</agenda></metaData><schedule><startDate>06/21/2026 11:30:00</startDate>\
         <timeZoneID>25</timeZoneID><duration>45</duration></schedule><accessControl><audioPassword>75928877</audioPassword>\
         <isEnforceAudioPassword>TRUE</isEnforceAudioPassword></accessControl><registrationForm><company><req>true</req></company>\
         <phone><req>false</req></phone><city><req>TRUE</req></city></registrationForm><meetingkey>{key}</meetingkey>"
    );
    let r = s.call("alice", PW, "meeting.SetMeeting", &set).await;
    r.assert_success();
    assert!(r.text.contains("xsi:type=\"meet:setMeetingResponse\""));
    let g = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(g.value(&["metaData", "confName"]), "Renamed");
    assert_eq!(g.value(&["metaData", "agenda"]), "Plans");
    assert_eq!(g.value(&["schedule", "startDate"]), "06/21/2026 11:30:00");
    assert_eq!(g.value(&["schedule", "timeZone"]), "GMT+01:00, Europe (Berlin)");
    assert_eq!(g.value(&["schedule", "duration"]), "45");
    assert_eq!(g.value(&["accessControl", "audioPassword"]), "75928877");
    assert_eq!(g.value(&["accessControl", "isEnforceAudioPassword"]), "true");
    assert_eq!(g.value(&["registrationForm", "company", "req"]), "true");
    assert_eq!(g.value(&["registrationForm", "city", "req"]), "true");
    assert_eq!(g.value(&["registrationForm", "phone", "req"]), "false");
    assert_eq!(g.value(&["registrationForm", "title", "req"]), "false");
    // Only the host, the booker and administrators change a meeting.
    s.call(
        "bob",
        PW,
        "meeting.SetMeeting",
        &format!("<meetingkey>{key}</meetingkey><metaData><confName>Mine</confName></metaData>"),
    )
    .await
    .assert_failure("000001");
    s.call("bob", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await.assert_failure("000001");
    s.call("alice", PW, "meeting.SetMeeting", "<meetingkey>999999999</meetingkey>").await.assert_failure("060001");
}

#[tokio::test]
async fn del_meeting_hides_it_and_cancels_its_calendar() {
    let s = TestServer::start().await;
    let r = create(&s, "alice", MINIMAL).await;
    let key = key_of(&r);
    let ical = r.value(&["iCalendarURL", "attendee"]).replace("http://kaigi.test", "");
    let (status, ics) = s.get(&ical).await;
    assert_eq!(status, 200);
    assert!(
        ics.contains("BEGIN:VEVENT") && ics.contains("METHOD:REQUEST") && ics.contains("DTSTART:20260620T170000Z"),
        "{ics}"
    );
    assert!(!ics.contains("Host key"), "the attendees' file has no host key");
    let host_ics = s.get(&r.value(&["iCalendarURL", "host"]).replace("http://kaigi.test", "")).await.1;
    assert!(host_ics.contains("Host key"), "{host_ics}");
    let d = s.call("alice", PW, "meeting.DelMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    d.assert_success();
    assert!(d.text.contains("<meet:iCalendarURL><serv:host>"));
    s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>"))
        .await
        .assert_failure("060001");
    s.call("alice", PW, "meeting.DelMeeting", &format!("<meetingKey>{key}</meetingKey>"))
        .await
        .assert_failure("060001");
    let after = s.get(&ical).await.1;
    assert!(after.contains("METHOD:CANCEL") && after.contains("STATUS:CANCELLED"), "{after}");
}

/// 16 clients create meetings at once: every key is distinct.
#[tokio::test]
async fn concurrent_creates_get_unique_keys() {
    let s = std::sync::Arc::new(TestServer::start().await);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut keys = Vec::new();
            for _ in 0..4 {
                let r = s.call("alice", PW, "meeting.CreateMeeting", MINIMAL).await;
                r.assert_success();
                keys.push(r.value(&["meetingkey"]));
            }
            keys
        }));
    }
    let mut all = HashSet::new();
    for t in tasks {
        for k in t.await.unwrap() {
            assert!(all.insert(k), "a key was handed out twice");
        }
    }
    assert_eq!(all.len(), 64);
    let list = s
        .call("alice", PW, "meeting.LstsummaryMeeting", "<listControl><maximumNum>100</maximumNum></listControl>")
        .await;
    assert_eq!(list.value(&["matchingRecords", "total"]), "64");
}

/// Daylight saving: a Berlin time in the spring-forward gap moves forward; New York and Sydney
/// starts keep their wall-clock time across their changes.
#[tokio::test]
async fn daylight_saving_in_three_zones() {
    let s = TestServer::start().await;
    s.advance(chrono::Duration::days(-120)); // 1 February 2026
    let at = |start: &str, zone: u16| {
        format!("<metaData><confName>DST</confName></metaData><schedule><startDate>{start}</startDate><timeZoneID>{zone}</timeZoneID><duration>60</duration></schedule>")
    };
    // Berlin, 29 March 2026 02:30 does not exist: it becomes 03:30 summer time (01:30 UTC).
    let r = create(&s, "alice", &at("03/29/2026 02:30:00", 25)).await;
    let g = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{}</meetingKey>", key_of(&r))).await;
    assert_eq!(g.value(&["schedule", "startDate"]), "03/29/2026 03:30:00");
    let ics = s.get(&r.value(&["iCalendarURL", "attendee"]).replace("http://kaigi.test", "")).await.1;
    assert!(ics.contains("DTSTART:20260329T013000Z"), "{ics}");
    // New York (11): a weekly 09:00 series across 8 March stays at 09:00 local.
    let weekly = format!(
        "{}<repeat><repeatType>WEEKLY</repeatType><dayInWeek><day>THURSDAY</day></dayInWeek><afterMeetingNumber>3</afterMeetingNumber></repeat>",
        at("03/05/2026 09:00:00", 11)
    );
    create(&s, "alice", &weekly).await.assert_success();
    // Sydney (55): 5 April 2026 is the end of summer time there.
    let sydney = format!(
        "{}<repeat><repeatType>DAILY</repeatType><afterMeetingNumber>3</afterMeetingNumber></repeat>",
        at("04/04/2026 10:00:00", 55)
    );
    create(&s, "alice", &sydney).await.assert_success();
    let list = s
        .call("alice", PW, "meeting.LstsummaryMeeting", "<dateScope><startDateStart>03/01/2026 00:00:00</startDateStart><startDateEnd>04/30/2026 00:00:00</startDateEnd></dateScope><listControl><maximumNum>50</maximumNum></listControl>")
        .await;
    let items: Vec<(String, String)> = list
        .body()
        .children_named("meeting")
        .map(|m| (m.text_of("timeZoneID").unwrap().to_string(), m.text_of("startDate").unwrap().to_string()))
        .collect();
    let ny: Vec<&str> = items.iter().filter(|(z, _)| z == "11").map(|(_, d)| d.as_str()).collect();
    assert_eq!(ny, ["03/05/2026 09:00:00", "03/12/2026 09:00:00", "03/19/2026 09:00:00"]);
    let syd: Vec<&str> = items.iter().filter(|(z, _)| z == "55").map(|(_, d)| d.as_str()).collect();
    assert_eq!(syd, ["04/04/2026 10:00:00", "04/05/2026 10:00:00", "04/06/2026 10:00:00"]);
    assert_eq!(list.value(&["matchingRecords", "total"]), "7");
}

/// Zimbra's recurrence and attendee shapes; LstsummaryMeeting as the DevNet sample pages it.
#[tokio::test]
async fn recurrence_and_attendees_from_zimbra() {
    let s = TestServer::start().await;
    let body = "<metaData><confName>Standup</confName></metaData><participants><attendees>\
        <attendee><person><name>Dana</name><email>Dana@Example.COM</email></person><role>ATTENDEE</role></attendee>\
        <attendee><person><email>bob@acme.example</email></person><role>HOST</role></attendee></attendees></participants>\
        <schedule><startDate>6/2/2026 16:00:00</startDate><timeZoneID>20</timeZoneID></schedule>\
        <repeat><repeatType>WEEKLY</repeatType><dayInWeek><day>MONDAY</day><day>WEDNESDAY</day></dayInWeek>\
        <expirationDate>6/30/2026 00:00:00</expirationDate></repeat>";
    let r = create(&s, "alice", body).await;
    r.assert_success();
    let key = key_of(&r);
    let g = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(g.value(&["repeat", "repeatType"]), "WEEKLY");
    let emails: Vec<&str> = g
        .body()
        .path(&["participants", "attendees"])
        .unwrap()
        .children_named("attendee")
        .map(|a| a.path(&["person", "email"]).unwrap().text.as_str())
        .collect();
    assert_eq!(emails, ["dana@example.com", "bob@acme.example"], "emails are stored lower-cased");
    // Tuesday 2 June: the first occurrence is Wednesday 3 June.
    assert_eq!(g.value(&["schedule", "startDate"]), "06/03/2026 16:00:00");
    // bob is an alternate host: he sees it in his list and may change it.
    let bobs = s.call("bob", PW, "meeting.LstsummaryMeeting", "<listControl><startFrom>1</startFrom><maximumNum>10</maximumNum><listMethod>OR</listMethod></listControl><order><orderBy>STARTTIME</orderBy><orderAD>ASC</orderAD></order>").await;
    assert_eq!(bobs.value(&["meeting", "meetingKey"]), key);
    assert_eq!(bobs.value(&["meeting", "otherHostWebExID"]), "bob@acme.example");
    s.call(
        "bob",
        PW,
        "meeting.SetMeeting",
        &format!("<meetingkey>{key}</meetingkey><metaData><agenda>x</agenda></metaData>"),
    )
    .await
    .assert_success();
    // Occurrences in June: 3, 8, 10, 15, 17, 22, 24, 29.
    let june = s
        .call("alice", PW, "meeting.LstsummaryMeeting", "<dateScope><startDateStart>06/01/2026 00:00:00</startDateStart><startDateEnd>07/31/2026 00:00:00</startDateEnd></dateScope><listControl><startFrom>3</startFrom><maximumNum>2</maximumNum></listControl>")
        .await;
    assert_eq!(june.value(&["matchingRecords", "total"]), "8");
    let dates: Vec<&str> = june.body().children_named("meeting").map(|m| m.text_of("startDate").unwrap()).collect();
    assert_eq!(dates, ["06/10/2026 16:00:00", "06/15/2026 16:00:00"]);
}

#[tokio::test]
async fn lists_are_scoped_to_what_the_caller_may_see() {
    let s = TestServer::start().await;
    create(&s, "alice", MINIMAL).await.assert_success();
    create(&s, "bob", MINIMAL).await.assert_success();
    let alice = s.call("alice", PW, "meeting.LstsummaryMeeting", "").await;
    assert_eq!(alice.value(&["matchingRecords", "total"]), "1");
    assert_eq!(alice.value(&["meeting", "hostWebExID"]), "alice");
    let all = s.as_admin("meeting.LstsummaryMeeting", "").await;
    assert_eq!(all.value(&["matchingRecords", "total"]), "2");
    let bobs = s.as_admin("meeting.LstsummaryMeeting", "<hostWebExID>bob</hostWebExID>").await;
    assert_eq!(bobs.value(&["meeting", "hostWebExID"]), "bob");
    s.call("alice", PW, "meeting.LstsummaryMeeting", "<hostWebExID>bob</hostWebExID>").await.assert_failure("000015");
}

/// GethosturlMeeting (cisco-ie, amardaxini) and GetjoinurlMeeting (erolms, SugarCRM).
#[tokio::test]
async fn host_and_join_urls() {
    let s = TestServer::start().await;
    let r = create(&s, "alice", MINIMAL).await;
    let key = key_of(&r);
    let h = s.call("alice", PW, "meeting.GethosturlMeeting", &format!("<sessionKey>{key}</sessionKey>")).await;
    assert_eq!(h.value(&["hostMeetingURL"]), format!("http://kaigi.test/acme/m.php?AT=HM&MK={key}"));
    s.call("bob", PW, "meeting.GethosturlMeeting", &format!("<sessionKey>{key}</sessionKey>"))
        .await
        .assert_failure("000001");
    let j = s
        .call("bob", PW, "meeting.GetjoinurlMeeting", &format!("<sessionKey>{key}</sessionKey><attendeeName>Bob B</attendeeName><attendeeEmail>bob@acme.example</attendeeEmail>"))
        .await;
    assert_eq!(
        j.value(&["joinMeetingURL"]),
        format!("http://kaigi.test/acme/e.php?AT=SI&MK={key}&AN=Bob%20B&AE=bob%40acme.example")
    );
    assert_eq!(
        j.value(&["inviteMeetingURL"]),
        format!("http://kaigi.test/acme/j.php?MTID=m{}", r.value(&["meetingUUID"]))
    );
    let page = s.get(&format!("/acme/j.php?MTID=m{}", r.value(&["meetingUUID"]))).await;
    assert_eq!(page.0, 200);
    assert!(page.1.contains("Sample"));
}

#[tokio::test]
async fn meeting_types_include_the_e2ee_one() {
    let s = TestServer::start().await;
    let r = s.call("alice", PW, "meetingtype.LstMeetingType", "").await;
    r.assert_success();
    assert_in_order(&r.text, &["<mtgtype:matchingRecords>", "<mtgtype:meetingType>"]);
    let e2ee: Vec<&str> = r
        .body()
        .children_named("meetingType")
        .filter(|t| t.path(&["options", "supportE2E"]).unwrap().text == "true")
        .map(|t| t.text_of("meetingTypeID").unwrap())
        .collect();
    assert_eq!(e2ee, ["215"]);
    let one = s.call("alice", PW, "meetingtype.GetMeetingType", "<meetingTypeID>214</meetingTypeID>").await;
    assert_eq!(one.value(&["productCodePrefix"]), "PRO");
    s.call("alice", PW, "meetingtype.GetMeetingType", "<meetingTypeID>1</meetingTypeID>")
        .await
        .assert_failure("000015");
}

/// cisco-ie's teleconference fixture: `listing`, `sessionPassword`, full-access attendees.
#[tokio::test]
async fn teleconference_sessions() {
    let s = TestServer::start().await;
    let body = "<accessControl><listing>PUBLIC</listing></accessControl><metaData><confName>Audio only</confName></metaData>\
        <schedule><startDate>06/20/2026 10:00:00</startDate><timeZoneID>4</timeZoneID><duration>20</duration></schedule>\
        <fullAccessAttendees><attendee><name>Eve</name><email>eve@acme.example</email></attendee></fullAccessAttendees>";
    let r = s.call("alice", PW, "meeting.auo.CreateTeleconferenceSession", body).await;
    r.assert_success();
    assert!(r.text.contains("xmlns:auo=") && r.text.contains("auo:createTeleconferenceSessionResponse"));
    let key = r.value(&["sessionKey"]);
    assert_eq!(r.value(&["sessionPassword"]).len(), 11);
    let g =
        s.call("alice", PW, "meeting.auo.GetTeleconferenceSession", &format!("<sessionKey>{key}</sessionKey>")).await;
    assert_eq!(g.value(&["metaData", "confName"]), "Audio only");
    assert_eq!(g.value(&["fullAccessAttendees", "attendee", "email"]), "eve@acme.example");
    s.call(
        "alice",
        PW,
        "meeting.auo.SetTeleconferenceSession",
        &format!("<sessionKey>{key}</sessionKey><metaData><confName>Renamed</confName></metaData>"),
    )
    .await
    .assert_success();
    let g =
        s.call("alice", PW, "meeting.auo.GetTeleconferenceSession", &format!("<sessionKey>{key}</sessionKey>")).await;
    assert_eq!(g.value(&["metaData", "confName"]), "Renamed");
    // It is not a Meeting Center meeting.
    s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>"))
        .await
        .assert_failure("060001");
}

/// Strict reading (`kaigi site requests --strict true`): what the real service refuses, kaigi
/// refuses too, naming the element; GetSite shows the switch.
#[tokio::test]
async fn strict_sites_refuse_what_the_schema_does_not_know() {
    let s = TestServer::start().await;
    let cie =
        "<accessControl><listStatus>PUBLIC</listStatus></accessControl><metaData><confName>CIE</confName></metaData>\
               <schedule><startDate>07/01/2026 10:00:00</startDate></schedule>";
    s.call("alice", PW, "meeting.CreateMeeting", cie).await.assert_success();
    let site = s.as_admin("site.GetSite", "").await;
    assert_eq!(site.value(&["siteInstance", "siteCommonOptions", "kaigiStrictRequests"]), "false");
    s.kaigi.set_request_settings(&s.site, Some(true), &[]).await.expect("strict");
    let r = s.call("alice", PW, "meeting.CreateMeeting", cie).await;
    r.assert_failure("000000");
    assert!(r.reason().contains("listStatus"), "{}", r.reason());
    let site = s.as_admin("site.GetSite", "").await;
    assert_eq!(site.value(&["siteInstance", "siteCommonOptions", "kaigiStrictRequests"]), "true");
}
