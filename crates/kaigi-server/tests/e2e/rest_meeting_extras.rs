//! The remaining meeting operations of the REST API over real HTTP, each checked against the one
//! model the XML API reads: join links (GetjoinurlMeeting's), host reassignment (GetMeeting's
//! host, the licence question), ending a session (the usage history), the session controls, the
//! registration form and registrants in bulk, the administrator's view and surveys.

use chrono::Duration;
use serde_json::{json, Value};

use crate::lifecycle::{control, who};
use crate::rest_support::*;
use crate::support::*;

/// alice's meeting on 2 June 2026 (the clock stands at 1 June): its REST object.
async fn meeting(s: &TestServer, token: &str, extra: Value) -> Value {
    let mut body = json!({"title": "Extras", "start": "2026-06-02T10:00:00Z", "end": "2026-06-02T11:00:00Z"});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    rest(s, "POST", "/v1/meetings", Some(token), Some(body)).await.ok().clone()
}

fn text(v: &Value, name: &str) -> String {
    v[name].as_str().unwrap_or_default().to_string()
}

/// A POST that does not follow redirects: status and `Location`.
async fn post_no_redirect(s: &TestServer, path: &str, token: &str, body: Value) -> (u16, String) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = client
        .post(format!("{}{path}", s.base))
        .header("Authorization", format!("Bearer {token}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let location = resp.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (resp.status().as_u16(), location)
}

/// alice joins her meeting as its host (her email and the host key): the session runs.
async fn start_as_alice(s: &TestServer, m: &Value) -> Value {
    let key = text(m, "meetingNumber");
    let body = json!({"name": "Alice", "email": "alice@acme.example", "hostKey": text(m, "hostKey")});
    let (status, joined) = control(s, &key, "join", body).await;
    assert_eq!(status, 200, "{joined}");
    joined
}

#[tokio::test]
async fn join_links_are_the_xml_apis() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let m = meeting(&s, &alice, json!({})).await;
    let (id, key) = (text(&m, "id"), text(&m, "meetingNumber"));
    let body = json!({"meetingId": id, "joinDirectly": false, "email": "bob@acme.example", "displayName": "Bob B"});
    let r = rest(&s, "POST", "/v1/meetings/join", Some(&alice), Some(body)).await;
    let links = r.ok().clone();
    let xml_join = s
        .call("alice", PW, "meeting.GetjoinurlMeeting", &format!("<sessionKey>{key}</sessionKey><attendeeName>Bob B</attendeeName><attendeeEmail>bob@acme.example</attendeeEmail>"))
        .await;
    assert_eq!(text(&links, "joinLink"), xml_join.value(&["joinMeetingURL"]));
    let xml_host = s.call("alice", PW, "meeting.GethosturlMeeting", &format!("<sessionKey>{key}</sessionKey>")).await;
    assert_eq!(text(&links, "startLink"), xml_host.value(&["hostMeetingURL"]));
    assert!(links.get("expiration").is_none(), "kaigi's links do not expire: {links}");

    // The same meeting by number and by its web link; the web link itself when asked.
    for (k, v) in [("meetingNumber", Value::from(key.clone())), ("webLink", m["webLink"].clone())] {
        let body = json!({k: v, "joinDirectly": false, "email": "bob@acme.example", "displayName": "Bob B"});
        let again = rest(&s, "POST", "/v1/meetings/join", Some(&alice), Some(body)).await;
        assert_eq!(again.ok()["joinLink"], links["joinLink"]);
    }
    let body = json!({"meetingId": id, "joinDirectly": false, "createJoinLinkAsWebLink": true});
    let web = rest(&s, "POST", "/v1/meetings/join", Some(&alice), Some(body)).await;
    assert_eq!(web.ok()["joinLink"], m["webLink"]);

    // bob may join but not start alice's meeting; by default the answer is the redirect.
    let bob = token(&s, "bob", None).await;
    let body = json!({"meetingId": id, "joinDirectly": false});
    let bobs = rest(&s, "POST", "/v1/meetings/join", Some(&bob), Some(body)).await;
    assert!(bobs.ok().get("startLink").is_none(), "{}", bobs.body);
    assert!(text(&bobs.body, "joinLink").contains("AE=bob%40acme.example"), "{}", bobs.body);
    let (status, location) = post_no_redirect(&s, "/v1/meetings/join", &bob, json!({"meetingId": id})).await;
    assert_eq!((status, location), (302, text(&bobs.body, "joinLink")));

    // Refusals, each naming what is wrong.
    let cases = [
        (json!({"joinDirectly": false}), 400, "Exactly one of meetingId, meetingNumber and webLink is required."),
        (
            json!({"meetingId": id, "meetingNumber": key}),
            400,
            "Exactly one of meetingId, meetingNumber and webLink is required.",
        ),
        (json!({"meetingId": id, "displayName": "X"}), 400, "email is required with displayName."),
        (
            json!({"meetingId": id, "expirationMinutes": 5}),
            400,
            "expirationMinutes is not kept by kaigi yet; leave it out.",
        ),
        (json!({"meetingId": "0123456789abcdef0123456789abcdef"}), 404, "Meeting not found."),
    ];
    for (body, status, description) in cases {
        let r = rest(&s, "POST", "/v1/meetings/join", Some(&alice), Some(body)).await;
        r.assert_error(status);
        assert_eq!(r.description(), description);
    }
    let narrow = token(&s, "alice", Some(&["spark:people_read"])).await;
    let r = rest(&s, "POST", "/v1/meetings/join", Some(&narrow), Some(json!({"meetingId": id}))).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:schedules_read"), "{}", r.description());
}

#[tokio::test]
async fn reassigning_the_host_asks_the_licence_question_and_the_xml_api_sees_it() {
    let s = TestServer::start_with(2, &["alice", "bob"]).await;
    s.add_user("emp", false, &[]).await;
    let alice = token(&s, "alice", None).await;
    let boss = token(&s, ADMIN, None).await;
    let one = text(&meeting(&s, &alice, json!({})).await, "id");
    let two = meeting(&s, &alice, json!({"title": "Second"})).await;
    let body = json!({"hostEmail": "bob@acme.example", "meetingIds": [one, text(&two, "id")]});
    let r = rest(&s, "POST", "/v1/meetings/reassignHost", Some(&boss), Some(body)).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let got =
        s.as_admin("meeting.GetMeeting", &format!("<meetingKey>{}</meetingKey>", text(&two, "meetingNumber"))).await;
    assert_eq!(got.value(&["schedule", "hostWebExID"]), "bob");
    let bob = token(&s, "bob", None).await;
    let read = rest(&s, "GET", &format!("/v1/meetings/{one}"), Some(&bob), None).await;
    assert_eq!(read.ok()["hostEmail"], "bob@acme.example");

    // Someone without a licence (and no seat left) cannot host: the whole request is refused.
    let body = json!({"hostEmail": "emp@acme.example", "meetingIds": [one]});
    let r = rest(&s, "POST", "/v1/meetings/reassignHost", Some(&boss), Some(body)).await;
    r.assert_error(403);
    assert_eq!(r.description(), "emp holds no meeting licence on this site and cannot host.");
    let still =
        s.as_admin("meeting.GetMeeting", &format!("<meetingKey>{}</meetingKey>", text(&two, "meetingNumber"))).await;
    assert_eq!(still.value(&["schedule", "hostWebExID"]), "bob");

    // One series that is not found: 207, one item each.
    let body = json!({"hostEmail": "alice@acme.example", "meetingIds": [one, "0123456789abcdef0123456789abcdef", format!("{one}_20260602T100000Z")]});
    let r = rest(&s, "POST", "/v1/meetings/reassignHost", Some(&boss), Some(body)).await;
    assert_eq!(r.status, 207, "{}", r.body);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items[0], json!({"meetingId": one, "httpStatus": "200"}));
    assert_eq!(items[1]["httpStatus"], "404");
    assert_eq!(items[1]["errors"][0]["description"], "Meeting not found.");
    assert_eq!(items[2]["httpStatus"], "400");

    // Administrators only; the body is checked by name.
    let r = rest(
        &s,
        "POST",
        "/v1/meetings/reassignHost",
        Some(&alice),
        Some(json!({"hostEmail": "bob@acme.example", "meetingIds": [one]})),
    )
    .await;
    r.assert_error(403);
    assert_eq!(r.description(), "The access token is missing the scope meeting:admin_schedule_write.");
    let r = rest(&s, "POST", "/v1/meetings/reassignHost", Some(&boss), Some(json!({"hostEmail": "bob@acme.example"})))
        .await;
    r.assert_error(400);
    assert_eq!(r.description(), "meetingIds is required.");
    let r = rest(
        &s,
        "POST",
        "/v1/meetings/reassignHost",
        Some(&boss),
        Some(json!({"hostEmail": "nobody@acme.example", "meetingIds": [one]})),
    )
    .await;
    r.assert_error(403);
}

#[tokio::test]
async fn the_host_ends_the_session_and_the_history_shows_it() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let m = meeting(&s, &alice, json!({})).await;
    let (id, key) = (text(&m, "id"), text(&m, "meetingNumber"));
    let end = format!("/v1/meetings/{id}/end");
    let r = rest(&s, "POST", &end, Some(&alice), None).await;
    r.assert_error(409);
    assert_eq!(r.description(), "The meeting is not in progress.");

    start_as_alice(&s, &m).await;
    let guest = json!({"name": "Hanako", "email": "hanako@guest.example", "password": text(&m, "password")});
    assert_eq!(control(&s, &key, "join", guest).await.0, 200);
    s.advance(Duration::minutes(15));
    let bob = token(&s, "bob", None).await;
    rest(&s, "POST", &end, Some(&bob), None).await.assert_error(403);
    let r = rest(&s, "POST", &end, Some(&alice), Some(json!({"reason": "done"}))).await;
    r.assert_error(400);
    assert_eq!(r.description(), "reason is not kept by kaigi yet; leave it out.");
    let r = rest(&s, "POST", &end, Some(&alice), Some(json!({}))).await;
    assert_eq!(r.status, 204, "{}", r.body);

    let get = s.as_admin("meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(get.value(&["status"]), "NOT_INPROGRESS");
    let day = "<endTimeScope><sessionEndTimeStart>06/01/2026 00:00:00</sessionEndTimeStart><sessionEndTimeEnd>06/02/2026 00:00:00</sessionEndTimeEnd></endTimeScope>";
    let usage = s.as_admin("history.LstmeetingusageHistory", day).await;
    usage.assert_success();
    assert_eq!(usage.value(&["meetingUsageHistory", "sessionKey"]), key);
    assert_eq!(usage.value(&["meetingUsageHistory", "totalParticipants"]), "2");
    // The REST face lists the same session as an ended instance.
    let listed = rest(
        &s,
        "GET",
        &format!("/v1/meetings?meetingType=meeting&meetingSeriesId={id}&from=2026-06-01T00:00:00Z"),
        Some(&alice),
        None,
    )
    .await;
    assert_eq!(listed.ok()["items"].as_array().unwrap().len(), 1, "{}", listed.body);

    rest(&s, "POST", &end, Some(&alice), None).await.assert_error(409);
    rest(&s, "POST", "/v1/meetings/0123456789abcdef0123456789abcdef/end", Some(&alice), None).await.assert_error(404);
    let narrow = token(&s, "alice", Some(&["meeting:schedules_read"])).await;
    rest(&s, "POST", &end, Some(&narrow), None).await.assert_error(403);
}

#[tokio::test]
async fn controls_show_and_switch_the_recording() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let m = meeting(&s, &alice, json!({})).await;
    let (id, key) = (text(&m, "id"), text(&m, "meetingNumber"));
    let path = format!("/v1/meetings/controls?meetingId={id}");
    let off = json!({"locked": false, "recordingStarted": false, "recordingPaused": false});
    assert_eq!(rest(&s, "GET", &path, Some(&alice), None).await.ok(), &off);
    let r = rest(&s, "PUT", &path, Some(&alice), Some(json!({"recordingStarted": true}))).await;
    r.assert_error(409);

    let host = start_as_alice(&s, &m).await;
    let r = rest(&s, "PUT", &path, Some(&alice), Some(json!({"recordingStarted": true}))).await;
    assert_eq!(r.ok()["recordingStarted"], true);
    assert_eq!(rest(&s, "GET", &path, Some(&alice), None).await.ok()["recordingStarted"], true);
    // The room's own recording switch agrees: a second toggle by the participant stops it.
    let (status, toggled) = control(&s, &key, "record", who(&host)).await;
    assert_eq!((status, toggled["recording"].as_bool()), (200, Some(false)));
    assert_eq!(rest(&s, "GET", &path, Some(&alice), None).await.ok(), &off);
    let r = rest(&s, "PUT", &path, Some(&alice), Some(json!({"recordingStarted": true, "locked": false}))).await;
    assert_eq!(r.ok()["recordingStarted"], true);
    s.advance(Duration::minutes(5));
    let r = rest(&s, "PUT", &path, Some(&alice), Some(json!({"recordingStarted": false}))).await;
    assert_eq!(r.ok(), &off);

    // The host locks the running meeting (its lobby) and unlocks it; kaigi has no pause.
    let r = rest(&s, "PUT", &path, Some(&alice), Some(json!({"locked": true}))).await;
    assert_eq!(r.ok()["locked"], true);
    let r = rest(&s, "PUT", &path, Some(&alice), Some(json!({"locked": false}))).await;
    assert_eq!(r.ok(), &off);
    let r = rest(&s, "PUT", &path, Some(&alice), Some(json!({"recordingPaused": true}))).await;
    r.assert_error(400);
    assert!(r.description().starts_with("recordingPaused:"), "{}", r.description());
    let r = rest(&s, "GET", "/v1/meetings/controls", Some(&alice), None).await;
    r.assert_error(400);
    assert_eq!(r.description(), "meetingId is required.");
    let bob = token(&s, "bob", None).await;
    rest(&s, "GET", &path, Some(&bob), None).await.assert_error(403);
    rest(&s, "PUT", &path, Some(&bob), Some(json!({"recordingStarted": true}))).await.assert_error(403);
    let unknown = "/v1/meetings/controls?meetingId=0123456789abcdef0123456789abcdef";
    rest(&s, "GET", unknown, Some(&alice), None).await.assert_error(404);
}

#[tokio::test]
async fn the_registration_form_and_registrants_in_bulk() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let m = meeting(&s, &alice, json!({})).await;
    let (id, key) = (text(&m, "id"), text(&m, "meetingNumber"));
    let form = format!("/v1/meetings/{id}/registration");
    let r = rest(&s, "GET", &form, Some(&alice), None).await;
    r.assert_error(400);
    assert_eq!(r.description(), "Registration is not supported for this meeting series.");

    let r =
        rest(&s, "PUT", &form, Some(&alice), Some(json!({"autoAcceptRequest": false, "requireJobTitle": true}))).await;
    let got = r.ok().clone();
    assert_eq!((got["requireJobTitle"].as_bool(), got["requireCity"].as_bool()), (Some(true), Some(false)));
    assert_eq!(got["autoAcceptRequest"], false);
    // A second PUT changes what it names only.
    let r = rest(&s, "PUT", &form, Some(&alice), Some(json!({"requireCity": true, "maxRegisterNum": 50}))).await;
    assert_eq!((r.ok()["requireJobTitle"].as_bool(), r.ok()["requireCity"].as_bool()), (Some(true), Some(true)));
    assert_eq!(rest(&s, "GET", &form, Some(&alice), None).await.ok(), r.ok());
    // One model: the meeting and the XML API see registration on.
    let read = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&alice), None).await;
    assert_eq!(read.ok()["registration"]["requireCity"], true);
    assert_eq!(read.ok()["registration"]["maxRegisterNum"], 50);
    let xml = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(xml.value(&["attendeeOptions", "registration"]), "true");
    for (body, named) in [
        (json!({"requireEmail": false}), "requireEmail"),
        (json!({"customizedQuestions": [{"question": "Why?"}]}), "customizedQuestions"),
        (json!({"rules": [{"question": "email"}]}), "rules"),
    ] {
        let r = rest(&s, "PUT", &form, Some(&alice), Some(body)).await;
        r.assert_error(400);
        assert!(r.description().contains(named), "{}", r.description());
    }

    // Registrants in bulk: all or none.
    let bulk = format!("/v1/meetings/{id}/registrants/bulkInsert");
    let items = json!([
        {"firstName": "Ann", "lastName": "Lee", "email": "ann@example.com", "jobTitle": "CTO", "sendEmail": false},
        {"firstName": "Ben", "lastName": "Ode", "email": "ben@example.com", "sendEmail": false},
    ]);
    let r = rest(&s, "POST", &bulk, Some(&alice), Some(json!({"items": items}))).await;
    let added = r.ok()["items"].as_array().unwrap().clone();
    assert_eq!(added.len(), 2);
    assert_eq!((added[0]["status"].as_str(), added[0]["jobTitle"].as_str()), (Some("pending"), Some("CTO")));
    let again = json!({"items": [{"firstName": "Cy", "lastName": "X", "email": "cy@example.com"}, {"firstName": "Ann", "lastName": "Lee", "email": "ANN@example.com"}]});
    rest(&s, "POST", &bulk, Some(&alice), Some(again)).await.assert_error(409);
    let r =
        rest(&s, "POST", &bulk, Some(&alice), Some(json!({"items": [{"firstName": "Cy", "email": "cy@example.com"}]})))
            .await;
    r.assert_error(400);
    assert!(r.description().contains("lastName"), "{}", r.description());
    let listed = rest(&s, "GET", &format!("/v1/meetings/{id}/registrants?max=100"), Some(&alice), None).await;
    assert_eq!(listed.ok()["items"].as_array().unwrap().len(), 2, "nothing of a refused bulk insert was kept");

    // Query by emails and status.
    let query = format!("/v1/meetings/{id}/registrants/query");
    let body = json!({"emails": ["ann@example.com", "ben@example.com", "zed@example.com"], "orderBy": "firstName", "orderType": "DESC"});
    let r = rest(&s, "POST", &query, Some(&alice), Some(body)).await;
    let names: Vec<&str> =
        r.ok()["items"].as_array().unwrap().iter().map(|i| i["firstName"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ben", "Ann"]);
    let r = rest(&s, "POST", &query, Some(&alice), Some(json!({"emails": ["ann@example.com"], "status": "approved"})))
        .await;
    assert_eq!(r.ok()["items"], json!([]));
    let r = rest(&s, "POST", &query, Some(&alice), Some(json!({}))).await;
    r.assert_error(400);
    assert_eq!(r.description(), "emails is required.");
    let r = rest(&s, "POST", &query, Some(&alice), Some(json!({"emails": [], "orderBy": "age"}))).await;
    r.assert_error(400);
    assert!(r.description().starts_with("orderBy"), "{}", r.description());

    // Bulk delete: every id is checked first.
    let delete = format!("/v1/meetings/{id}/registrants/bulkDelete");
    let ann = text(&added[0], "id");
    let body = json!({"sendEmail": false, "registrants": [{"id": ann}, {"id": "999999"}]});
    rest(&s, "POST", &delete, Some(&alice), Some(body)).await.assert_error(404);
    let r =
        rest(&s, "POST", &delete, Some(&alice), Some(json!({"sendEmail": false, "registrants": [{"id": ann}]}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let listed = rest(&s, "GET", &format!("/v1/meetings/{id}/registrants"), Some(&alice), None).await;
    assert_eq!(listed.ok()["items"].as_array().unwrap().len(), 1);

    // bob may not change alice's form; turning registration off keeps the registrants.
    let bob = token(&s, "bob", None).await;
    rest(&s, "PUT", &form, Some(&bob), Some(json!({"requireFax": true}))).await.assert_error(403);
    rest(&s, "DELETE", &form, Some(&bob), None).await.assert_error(403);
    let r = rest(&s, "DELETE", &form, Some(&alice), None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    rest(&s, "GET", &form, Some(&alice), None).await.assert_error(400);
    let xml = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(xml.value(&["attendeeOptions", "registration"]), "false");
    let body = json!({"items": [{"firstName": "Cy", "lastName": "X", "email": "cy@example.com"}]});
    rest(&s, "POST", &bulk, Some(&alice), Some(body)).await.assert_error(400);
    rest(&s, "GET", "/v1/meetings/0123456789abcdef0123456789abcdef/registration", Some(&alice), None)
        .await
        .assert_error(404);
}

#[tokio::test]
async fn administrators_see_any_meeting_without_its_secrets() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let boss = token(&s, ADMIN, None).await;
    let m = meeting(&s, &alice, json!({})).await;
    let (id, key) = (text(&m, "id"), text(&m, "meetingNumber"));
    let r = rest(&s, "GET", &format!("/v1/admin/meetings?meetingNumber={key}"), Some(&boss), None).await;
    let items = r.ok()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!((text(item, "id"), text(item, "meetingSeriesId")), (id.clone(), id.clone()));
    assert_eq!(text(item, "hostEmail"), "alice@acme.example");
    for hidden in
        ["password", "hostKey", "webLink", "sipAddress", "agenda", "registration", "phoneAndVideoSystemPassword"]
    {
        assert!(item.get(hidden).is_none(), "{hidden} shown to the administrator: {item}");
    }
    assert!(item["telephony"].get("accessCode").is_none(), "{item}");
    let by_link =
        reqwest::Url::parse_with_params(&format!("{}/v1/admin/meetings", s.base), &[("webLink", text(&m, "webLink"))])
            .unwrap()
            .to_string();
    assert_eq!(rest(&s, "GET", &by_link, Some(&boss), None).await.ok()["items"][0]["id"], id);
    let one = rest(&s, "GET", &format!("/v1/admin/meetings/{id}"), Some(&boss), None).await;
    assert_eq!(one.ok(), item);
    let occurrence = rest(&s, "GET", &format!("/v1/admin/meetings/{id}_20260602T100000Z"), Some(&boss), None).await;
    assert_eq!(occurrence.ok()["meetingType"], "scheduledMeeting");

    let none = rest(&s, "GET", "/v1/admin/meetings?meetingNumber=111222333", Some(&boss), None).await;
    assert_eq!(none.ok()["items"], json!([]));
    let r = rest(&s, "GET", "/v1/admin/meetings", Some(&boss), None).await;
    r.assert_error(400);
    assert_eq!(r.description(), "Exactly one of meetingNumber and webLink is required.");
    let r = rest(&s, "GET", &format!("/v1/admin/meetings?meetingNumber={key}"), Some(&alice), None).await;
    r.assert_error(403);
    assert_eq!(r.description(), "The access token is missing the scope meeting:admin_schedule_read.");
    rest(&s, "GET", "/v1/admin/meetings/0123456789abcdef0123456789abcdef", Some(&boss), None).await.assert_error(404);
}

#[tokio::test]
async fn surveys_are_absent_and_said_so() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let id = text(&meeting(&s, &alice, json!({"scheduledType": "webinar"})).await, "id");
    let r = rest(&s, "GET", &format!("/v1/meetings/{id}/survey"), Some(&alice), None).await;
    r.assert_error(404);
    assert_eq!(r.description(), "This meeting has no survey: kaigi's sites have no survey feature.");
    let r = rest(&s, "POST", &format!("/v1/meetings/{id}/surveyLinks"), Some(&alice), Some(json!({}))).await;
    r.assert_error(404);
    let r = rest(&s, "GET", &format!("/v1/meetings/{id}/surveyResults"), Some(&alice), None).await;
    assert_eq!(r.ok(), &json!({"items": []}));
    let r = rest(&s, "GET", "/v1/meetings/0123456789abcdef0123456789abcdef/survey", Some(&alice), None).await;
    r.assert_error(404);
    assert_eq!(r.description(), "Meeting not found.");
    let bob = token(&s, "bob", None).await;
    rest(&s, "GET", &format!("/v1/meetings/{id}/surveyResults"), Some(&bob), None).await.assert_error(403);
}
