//! Site configuration and reports over REST: tracking codes, session types, common settings,
//! templates and the usage and attendee reports, on the one model the XML API reads (GetSite,
//! GetUser, CreateMeeting's tracking codes, the history service).

use chrono::Duration;
use serde_json::{json, Value};

use crate::rest_support::*;
use crate::support::*;

const CODES: &str = "/v1/admin/meeting/config/trackingCodes";
const SITE_URL: &str = "kaigi.test/acme";

fn code_body(name: &str) -> Value {
    json!({
        "name": name,
        "siteUrl": SITE_URL,
        "options": [{ "value": "Sales", "defaultValue": true }, { "value": "R&D", "defaultValue": false }],
        "inputMode": "select",
        "hostProfileCode": "optional",
        "scheduleStartCodes": [{ "service": "All", "type": "optional" }],
    })
}

#[tokio::test]
async fn tracking_codes_made_over_rest_are_the_xml_apis_tracking_codes() {
    let s = TestServer::start().await;
    let admin = token(&s, ADMIN, None).await;
    assert_eq!(rest(&s, "GET", CODES, Some(&admin), None).await.ok()["items"], json!([]));

    let made = rest(&s, "POST", CODES, Some(&admin), Some(code_body("Department"))).await;
    let made = made.ok().clone();
    assert_eq!(made["id"], "1");
    assert_eq!(made["name"], "Department");
    assert_eq!(made["siteUrl"], SITE_URL);
    assert_eq!(made["inputMode"], "select");
    assert_eq!(made["options"][0], json!({ "value": "Sales", "defaultValue": true }));
    assert_eq!(made["scheduleStartCodes"], json!([{ "service": "All", "type": "optional" }]));
    let read = rest(&s, "GET", &format!("{CODES}/1"), Some(&admin), None).await;
    assert_eq!(read.ok(), &made);

    // GetSite names it, with its options.
    let site = s.call("alice", PW, "user.GetSite", "").await;
    site.assert_success();
    assert_eq!(site.value(&["siteInstance", "trackingCodes", "trackingCode", "name"]), "Department");
    assert_eq!(site.value(&["siteInstance", "trackingCodes", "trackingCode", "index"]), "1");
    assert!(site.text.contains("<ns1:value>R&amp;D</ns1:value>"), "{}", site.text);

    // CreateMeeting's trackingCode1 is the code REST names Department.
    let meeting = s
        .call(
            "alice",
            PW,
            "meeting.CreateMeeting",
            "<metaData><confName>Coded</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>30</duration></schedule><tracking><trackingCode1>Sales</trackingCode1></tracking>",
        )
        .await;
    meeting.assert_success();
    let alice = token(&s, "alice", None).await;
    let list =
        rest(&s, "GET", "/v1/meetings?from=2026-06-20T00:00:00Z&to=2026-06-21T00:00:00Z", Some(&alice), None).await;
    let item = &list.ok()["items"][0];
    assert_eq!(item["trackingCodes"], json!([{ "name": "Department", "value": "Sales" }]), "{item}");

    // Renamed over REST: the same slot, the new name everywhere.
    let mut renamed = code_body("Cost centre");
    renamed["inputMode"] = json!("text");
    let put = rest(&s, "PUT", &format!("{CODES}/1"), Some(&admin), Some(renamed)).await;
    assert_eq!(put.ok()["name"], "Cost centre");
    let site = s.call("alice", PW, "user.GetSite", "").await;
    assert_eq!(site.value(&["siteInstance", "trackingCodes", "trackingCode", "name"]), "Cost centre");

    // Deleted: gone from both.
    let gone = rest(&s, "DELETE", &format!("{CODES}/1?siteUrl={SITE_URL}"), Some(&admin), None).await;
    assert_eq!(gone.status, 204);
    rest(&s, "GET", &format!("{CODES}/1"), Some(&admin), None).await.assert_error(404);
    let site = s.call("alice", PW, "user.GetSite", "").await;
    assert!(!site.text.contains("trackingCodes"), "{}", site.text);
}

#[tokio::test]
async fn tracking_code_refusals_name_the_field_and_hosts_are_refused() {
    let s = TestServer::start().await;
    let admin = token(&s, ADMIN, None).await;
    for (field, body) in [
        ("name", {
            let mut b = code_body("");
            b["name"] = json!("");
            b
        }),
        ("inputMode", {
            let mut b = code_body("X");
            b["inputMode"] = json!("dropdown");
            b
        }),
        ("options", {
            let mut b = code_body("X");
            b["options"] = json!([]);
            b
        }),
        ("scheduleStartCodes", {
            let mut b = code_body("X");
            b["scheduleStartCodes"] = json!([{ "service": "EventCenter", "type": "notApplicable" }]);
            b
        }),
        ("scheduleStartCodes", {
            let mut b = code_body("X");
            b.as_object_mut().unwrap().remove("scheduleStartCodes");
            b
        }),
        ("siteUrl", {
            let mut b = code_body("X");
            b["siteUrl"] = json!("elsewhere.example/x");
            b
        }),
    ] {
        let r = rest(&s, "POST", CODES, Some(&admin), Some(body)).await;
        r.assert_error(400);
        assert!(r.description().contains(field), "{field}: {}", r.description());
    }
    rest(&s, "POST", CODES, Some(&admin), Some(code_body("Dept"))).await.ok();
    let twice = rest(&s, "POST", CODES, Some(&admin), Some(code_body("DEPT"))).await;
    twice.assert_error(400);
    assert!(twice.description().contains("name"), "{}", twice.description());
    rest(&s, "GET", &format!("{CODES}/7"), Some(&admin), None).await.assert_error(404);
    rest(&s, "GET", &format!("{CODES}/x"), Some(&admin), None).await.assert_error(404);
    rest(&s, "PUT", &format!("{CODES}/9"), Some(&admin), Some(code_body("Y"))).await.assert_error(404);

    // A plain host has no config scope: 403 naming it, for reads and writes.
    let alice = token(&s, "alice", None).await;
    let r = rest(&s, "GET", CODES, Some(&alice), None).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:admin_config_read"), "{}", r.description());
    let r = rest(&s, "POST", CODES, Some(&alice), Some(code_body("Z"))).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:admin_config_write"), "{}", r.description());
    // An admin token narrowed to reading cannot write.
    let reader = token(&s, ADMIN, Some(&["meeting:admin_config_read"])).await;
    rest(&s, "GET", CODES, Some(&reader), None).await.ok();
    rest(&s, "DELETE", &format!("{CODES}/1?siteUrl={SITE_URL}"), Some(&reader), None).await.assert_error(403);
}

#[tokio::test]
async fn a_users_tracking_codes_are_getusers_tracking_and_the_hosts_default() {
    let s = TestServer::start().await;
    let admin = token(&s, ADMIN, None).await;
    rest(&s, "POST", CODES, Some(&admin), Some(code_body("Department"))).await.ok();
    let user_codes = "/v1/admin/meeting/userconfig/trackingCodes";
    let body = json!({
        "siteUrl": SITE_URL,
        "email": "alice@acme.example",
        "trackingCodes": [{ "name": "Department", "value": "R&D" }],
    });
    let put = rest(&s, "PUT", user_codes, Some(&admin), Some(body)).await;
    let put = put.ok().clone();
    assert_eq!(put["trackingCodes"], json!([{ "id": "1", "name": "Department", "value": "R&D" }]));
    let person = put["personId"].as_str().unwrap().to_string();
    let got = rest(&s, "GET", &format!("{user_codes}?personId={person}"), Some(&admin), None).await;
    assert_eq!(got.ok(), &put);
    let by_header = rest_raw(&s, "GET", user_codes, Some(&admin), None, &[("email", "alice@acme.example")]).await;
    assert_eq!(by_header.ok(), &put);

    // The XML API's GetUser shows the value in the same slot.
    let xml = s.as_admin("user.GetUser", "<webExId>alice</webExId>").await;
    assert_eq!(xml.value(&["tracking", "trackingCode1"]), "R&D");

    // The host sees it as the default option.
    let alice = token(&s, "alice", None).await;
    let host = rest(&s, "GET", "/v1/meetings/trackingCodes?service=MeetingCenter", Some(&alice), None).await;
    let item = &host.ok()["items"][0];
    assert_eq!(item["type"], "optional");
    assert_eq!(item["service"], "MeetingCenter");
    assert_eq!(
        item["options"],
        json!([{ "value": "Sales", "defaultValue": false }, { "value": "R&D", "defaultValue": true }])
    );

    // A value outside a select code's options, an unknown code, nobody named: 400 by name.
    for (bad, field) in [
        (
            json!({ "siteUrl": SITE_URL, "email": "alice@acme.example", "trackingCodes": [{ "name": "Department", "value": "Ops" }] }),
            "trackingCodes",
        ),
        (
            json!({ "siteUrl": SITE_URL, "email": "alice@acme.example", "trackingCodes": [{ "name": "Nope", "value": "x" }] }),
            "trackingCodes",
        ),
        (json!({ "siteUrl": SITE_URL, "trackingCodes": [] }), "personId"),
    ] {
        let r = rest(&s, "PUT", user_codes, Some(&admin), Some(bad)).await;
        r.assert_error(400);
        assert!(r.description().contains(field), "{}", r.description());
    }
    let nobody = json!({ "siteUrl": SITE_URL, "email": "nobody@acme.example", "trackingCodes": [] });
    rest(&s, "PUT", user_codes, Some(&admin), Some(nobody)).await.assert_error(404);
    rest(&s, "GET", "/v1/meetings/trackingCodes", Some(&alice), None).await.assert_error(400);
}

#[tokio::test]
async fn session_types_set_over_rest_are_getusers_meeting_types() {
    let s = TestServer::start().await;
    let admin = token(&s, ADMIN, None).await;
    let site_types = rest(&s, "GET", "/v1/admin/meeting/config/sessionTypes", Some(&admin), None).await;
    let items = site_types.ok()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 5);
    assert_eq!(
        items[0],
        json!({ "id": "214", "shortName": "PRO", "name": "Pro Meeting", "type": "meeting", "siteUrl": SITE_URL })
    );
    assert_eq!(items[2]["type"], "webinar");

    let user_types = "/v1/admin/meeting/userconfig/sessionTypes";
    let body = json!({ "siteUrl": SITE_URL, "email": "bob@acme.example", "sessionTypeIds": ["214", "216"] });
    let put = rest(&s, "PUT", user_types, Some(&admin), Some(body)).await;
    let ids: Vec<&str> =
        put.ok()["sessionTypes"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["214", "216"]);
    let xml = s.as_admin("user.GetUser", "<webExId>bob</webExId>").await;
    assert!(
        xml.text.contains(
            "<use:meetingType>214</use:meetingType><use:meetingType>216</use:meetingType></use:meetingTypes>"
        ),
        "{}",
        xml.text
    );
    let got = rest_raw(&s, "GET", user_types, Some(&admin), None, &[("email", "bob@acme.example")]).await;
    assert_eq!(got.ok()["items"][0]["sessionTypes"][1]["id"], "216");

    // bob's own view: a meeting and a webinar type; 215 is not his.
    let bob = token(&s, "bob", None).await;
    let mine = rest(&s, "GET", "/v1/meetings/sessionTypes", Some(&bob), None).await;
    assert_eq!(
        mine.ok()["items"],
        json!([
            { "id": "214", "name": "Pro Meeting", "type": "meeting", "attendeesCapacity": 1000 },
            { "id": "216", "name": "Webex Events", "type": "webinar", "attendeesCapacity": 3000 },
        ])
    );
    rest(&s, "GET", "/v1/meetings/sessionTypes/216", Some(&bob), None).await.ok();
    rest(&s, "GET", "/v1/meetings/sessionTypes/215", Some(&bob), None).await.assert_error(404);
    // An admin reads bob's with hostEmail; a host may not.
    let of_bob = rest(&s, "GET", "/v1/meetings/sessionTypes?hostEmail=bob@acme.example", Some(&admin), None).await;
    assert_eq!(of_bob.ok()["items"].as_array().unwrap().len(), 2);
    let alice = token(&s, "alice", None).await;
    rest(&s, "GET", "/v1/meetings/sessionTypes?hostEmail=bob@acme.example", Some(&alice), None).await.assert_error(403);

    // Templates follow the session types: one meeting and one webinar template for bob.
    let templates = rest(&s, "GET", "/v1/meetings/templates", Some(&bob), None).await;
    let t = templates.ok()["items"].as_array().unwrap().clone();
    assert_eq!(t.len(), 2);
    assert_eq!(
        t[0],
        json!({ "id": "meeting-214", "name": "Pro Meeting", "locale": "en_US", "siteUrl": SITE_URL, "templateType": "meeting", "isDefault": true, "isStandard": true })
    );
    let webinars = rest(&s, "GET", "/v1/meetings/templates?templateType=webinar", Some(&bob), None).await;
    assert_eq!(webinars.ok()["items"][0]["id"], "webinar-216");
    let one = rest(&s, "GET", "/v1/meetings/templates/webinar-216", Some(&bob), None).await;
    let one = one.ok();
    assert_eq!(one["meeting"]["scheduledType"], "webinar");
    assert_eq!(one["meeting"]["start"], "2026-06-01T10:00:00Z");
    rest(&s, "GET", "/v1/meetings/templates/meeting-215", Some(&bob), None).await.assert_error(404);
    rest(&s, "GET", "/v1/meetings/templates?templateType=party", Some(&bob), None).await.assert_error(400);

    // Refusals: an unknown type, nobody, a host.
    let bad = json!({ "siteUrl": SITE_URL, "email": "bob@acme.example", "sessionTypeIds": ["999"] });
    let r = rest(&s, "PUT", user_types, Some(&admin), Some(bad)).await;
    r.assert_error(400);
    assert!(r.description().contains("sessionTypeIds"), "{}", r.description());
    let missing = json!({ "siteUrl": SITE_URL, "email": "bob@acme.example" });
    let r = rest(&s, "PUT", user_types, Some(&admin), Some(missing)).await;
    r.assert_error(400);
    assert!(r.description().contains("sessionTypeIds"), "{}", r.description());
    rest(&s, "GET", "/v1/admin/meeting/config/sessionTypes", Some(&bob), None).await.assert_error(403);
}

#[tokio::test]
async fn common_settings_patch_changes_what_it_names_and_getsite_shows_it() {
    let s = TestServer::start().await;
    let admin = token(&s, ADMIN, None).await;
    const PATH: &str = "/v1/admin/meeting/config/commonSettings";
    let before = rest(&s, "GET", PATH, Some(&admin), None).await.ok().clone();
    assert_eq!(before["securityOptions"]["joinBeforeHost"], true);
    assert_eq!(before["defaultSchedulerOptions"]["entryAndExitTone"], "Beep");
    let patch = json!({
        "securityOptions": { "unlistAllMeetings": true, "passwordCriteria": { "minLength": 8, "mixedCase": true } },
        "defaultSchedulerOptions": { "entryAndExitTone": "AnnounceName", "telephonySupport": "Other" },
    });
    let patched = rest(&s, "PATCH", PATH, Some(&admin), Some(patch)).await.ok().clone();
    let after = patched.clone();
    assert_eq!(after["securityOptions"]["unlistAllMeetings"], true);
    assert_eq!(after["securityOptions"]["joinBeforeHost"], true, "what was not sent stays");
    assert_eq!(after["securityOptions"]["passwordCriteria"]["minLength"], 8);
    assert_eq!(after["defaultSchedulerOptions"]["entryAndExitTone"], "AnnounceName");
    assert_eq!(rest(&s, "GET", PATH, Some(&admin), None).await.ok(), &after);

    let site = s.call("alice", PW, "user.GetSite", "").await;
    assert_eq!(site.value(&["siteInstance", "securityOptions", "allMeetingsUnlisted"]), "true");
    assert_eq!(site.value(&["siteInstance", "defaults", "entryExitTone"]), "ANNOUNCENAME");
    assert_eq!(site.value(&["siteInstance", "defaults", "teleconference", "telephonySupport"]), "OTHER");
    assert_eq!(site.value(&["siteInstance", "passwordCriteria", "minLength"]), "8");
    assert_eq!(site.value(&["siteInstance", "passwordCriteria", "mixedCase"]), "true");

    // Strong passwords on: the XML API's CreateMeeting and REST both apply the criteria.
    let strong = json!({ "securityOptions": { "requireStrongPassword": true } });
    rest(&s, "PATCH", PATH, Some(&admin), Some(strong)).await.ok();
    let weak = "<accessControl><meetingPassword>abc</meetingPassword></accessControl><metaData><confName>W</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>30</duration></schedule>";
    s.call("alice", PW, "meeting.CreateMeeting", weak).await.assert_failure("000000");
    let alice = token(&s, "alice", None).await;
    let body =
        json!({ "title": "W", "start": "2026-06-20T10:00:00Z", "end": "2026-06-20T11:00:00Z", "password": "abc" });
    let r = rest(&s, "POST", "/v1/meetings", Some(&alice), Some(body)).await;
    r.assert_error(400);
    assert!(r.description().contains("password"), "{}", r.description());
    let body =
        json!({ "title": "S", "start": "2026-06-20T10:00:00Z", "end": "2026-06-20T11:00:00Z", "password": "Abcdef12" });
    rest(&s, "POST", "/v1/meetings", Some(&alice), Some(body)).await.ok();
    let off = json!({ "securityOptions": { "requireStrongPassword": false } });
    let after = rest(&s, "PATCH", PATH, Some(&admin), Some(off)).await.ok().clone();
    for (body, field) in [
        (json!({ "defaultSchedulerOptions": { "telephonySupport": "WebexTeleconferencing" } }), "telephonySupport"),
        (json!({ "defaultSchedulerOptions": { "tollFree": true } }), "tollFree"),
        (json!({ "defaultSchedulerOptions": { "entryAndExitTone": "Gong" } }), "entryAndExitTone"),
        (json!({ "telephonyConfig": { "allowCallIn": true } }), "telephonyConfig"),
        (json!({ "securityOptions": { "passwordCriteria": { "minSpecial": 13 } } }), "passwordCriteria"),
    ] {
        let r = rest(&s, "PATCH", PATH, Some(&admin), Some(body)).await;
        r.assert_error(400);
        assert!(r.description().contains(field), "{field}: {}", r.description());
    }
    assert_eq!(rest(&s, "GET", PATH, Some(&admin), None).await.ok(), &after, "refusals change nothing");
    rest(&s, "GET", PATH, Some(&alice), None).await.assert_error(403);
    rest(&s, "PATCH", PATH, Some(&alice), Some(json!({}))).await.assert_error(403);
}

/// alice's meeting runs 30 minutes with one attendee for 10; answers (meetingKey, meetingUUID).
async fn run_session(s: &TestServer) -> (String, String) {
    let created = s
        .call(
            "alice",
            PW,
            "meeting.CreateMeeting",
            "<accessControl><meetingPassword>s3cret</meetingPassword></accessControl><metaData><confName>Budget</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>60</duration></schedule>",
        )
        .await;
    let key = created.value(&["meetingkey"]);
    let uuid = created.value(&["meetingUUID"]);
    let host_key =
        s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await.value(&["hostKey"]);
    let host_body =
        json!({ "name": "Alice", "email": "alice@acme.example", "password": "s3cret", "hostKey": host_key });
    let host = lifecycle(s, &key, "join", "report-test", host_body).await;
    let guest = json!({ "name": "Hanako", "email": "hanako@guest.example", "password": "s3cret" });
    let att = lifecycle(s, &key, "join", "report-test", guest).await;
    s.advance(Duration::minutes(10));
    lifecycle(s, &key, "leave", "report-test", crate::lifecycle::who(&att)).await;
    s.advance(Duration::minutes(20));
    lifecycle(s, &key, "end", "report-test", crate::lifecycle::who(&host)).await;
    (key, uuid)
}

#[tokio::test]
async fn reports_show_the_history_services_figures() {
    let s = TestServer::start().await;
    let (key, uuid) = run_session(&s).await;
    let admin = token(&s, ADMIN, None).await;
    let usage = rest(&s, "GET", &format!("/v1/meetingReports/usage?siteUrl={SITE_URL}"), Some(&admin), None).await;
    let item = usage.ok()["items"][0].clone();
    assert!(item["meetingId"].as_str().unwrap().starts_with(&format!("{uuid}_I_")), "{item}");
    assert_eq!(item["meetingNumber"], key);
    assert_eq!(item["meetingTitle"], "Budget");
    assert_eq!(item["start"], "2026-06-01T09:00:00Z");
    assert_eq!(item["end"], "2026-06-01T09:30:00Z");
    assert_eq!(item["duration"], 30);
    assert_eq!(item["hostEmail"], "alice@acme.example");
    assert_eq!(item["serviceType"], "MeetingCenter");

    // The XML API's usage history has the same figures.
    let xml = s
        .as_admin(
            "history.LstmeetingusageHistory",
            "<startTimeScope><sessionStartTimeStart>06/01/2026 00:00:00</sessionStartTimeStart><sessionStartTimeEnd>06/02/2026 00:00:00</sessionStartTimeEnd></startTimeScope>",
        )
        .await;
    assert_eq!(xml.value(&["meetingUsageHistory", "totalParticipants"]), item["totalParticipants"].to_string());
    assert_eq!(xml.value(&["meetingUsageHistory", "totalPeopleMinutes"]), item["totalPeopleMinutes"].to_string());
    assert_eq!(xml.value(&["meetingUsageHistory", "peakAttendee"]), item["peakAttendee"].to_string());

    let path = format!("/v1/meetingReports/attendees?siteUrl={SITE_URL}&meetingNumber={key}&max=1");
    let first = rest(&s, "GET", &path, Some(&admin), None).await;
    assert_eq!(first.ok()["items"].as_array().unwrap().len(), 1);
    assert!(first.headers.get("link").is_some(), "a second page");
    let all = rest(
        &s,
        "GET",
        &format!("/v1/meetingReports/attendees?siteUrl={SITE_URL}&meetingId={uuid}"),
        Some(&admin),
        None,
    )
    .await;
    let people = all.ok()["items"].as_array().unwrap().clone();
    assert_eq!(people.len(), 2);
    let hanako = people.iter().find(|p| p["email"] == "hanako@guest.example").unwrap();
    assert_eq!(hanako["duration"], 10);
    assert_eq!(hanako["participantType"], "attendee");
    assert_eq!(hanako["meetingNumber"].as_u64().unwrap().to_string(), key);

    // A host sees their own; bob sees none of alice's; usage is for administrators.
    let alice = token(&s, "alice", None).await;
    assert_eq!(rest(&s, "GET", &path, Some(&alice), None).await.ok()["items"].as_array().unwrap().len(), 1);
    let bob = token(&s, "bob", None).await;
    assert_eq!(rest(&s, "GET", &path, Some(&bob), None).await.ok()["items"], json!([]));
    let r = rest(&s, "GET", &format!("/v1/meetingReports/usage?siteUrl={SITE_URL}"), Some(&alice), None).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:admin_schedule_read"), "{}", r.description());

    // Bad input: no siteUrl, no meeting, a reversed or too long window.
    rest(&s, "GET", "/v1/meetingReports/usage", Some(&admin), None).await.assert_error(400);
    let r = rest(&s, "GET", &format!("/v1/meetingReports/attendees?siteUrl={SITE_URL}"), Some(&admin), None).await;
    r.assert_error(400);
    assert!(r.description().contains("meetingId"), "{}", r.description());
    let long = format!("/v1/meetingReports/usage?siteUrl={SITE_URL}&from=2026-04-01T00:00:00Z&to=2026-06-01T00:00:00Z");
    rest(&s, "GET", &long, Some(&admin), None).await.assert_error(400);
    let service = format!("/v1/meetingReports/usage?siteUrl={SITE_URL}&serviceType=Nope");
    let r = rest(&s, "GET", &service, Some(&admin), None).await;
    r.assert_error(400);
    assert!(r.description().contains("serviceType"), "{}", r.description());
}

#[tokio::test]
async fn a_template_gives_a_new_meeting_its_session_type_and_time() {
    let s = TestServer::start().await;
    let bob = token(&s, "bob", None).await;
    let items = rest(&s, "GET", "/v1/meetings/templates", Some(&bob), None).await.ok()["items"].clone();
    let webinar =
        items.as_array().unwrap().iter().find(|t| t["templateType"] == "webinar").expect("a webinar template");
    let id = webinar["id"].as_str().unwrap();
    let detail = rest(&s, "GET", &format!("/v1/meetings/templates/{id}"), Some(&bob), None).await.ok().clone();
    // Without start and end: the template's next full hour, for an hour.
    let made =
        rest(&s, "POST", "/v1/meetings", Some(&bob), Some(json!({"title": "From a template", "templateId": id})))
            .await
            .ok()
            .clone();
    assert_eq!(made["sessionTypeId"], detail["meeting"]["sessionTypeId"], "{made}");
    assert_eq!(made["scheduledType"], "webinar");
    assert_eq!(made["start"], detail["meeting"]["start"]);
    assert_eq!(made["end"], detail["meeting"]["end"]);
    // Unknown templates and disagreeing fields are refused by name.
    let unknown = json!({"title": "x", "templateId": "meeting-999"});
    let r = rest(&s, "POST", "/v1/meetings", Some(&bob), Some(unknown)).await;
    r.assert_error(400);
    assert!(r.description().contains("templateId"), "{}", r.body);
    let other = json!({"title": "x", "templateId": id, "scheduledType": "meeting"});
    let r = rest(&s, "POST", "/v1/meetings", Some(&bob), Some(other)).await;
    r.assert_error(400);
    assert!(r.description().contains("templateId"), "{}", r.body);
    // A change cannot name a template.
    let series = made["id"].as_str().unwrap();
    let r = rest(&s, "PATCH", &format!("/v1/meetings/{series}"), Some(&bob), Some(json!({"templateId": id}))).await;
    r.assert_error(400);
    assert!(r.description().contains("templateId"), "{}", r.body);
}
