//! /v1/meetingInvitees and /v1/meetings/{id}/registrants over real HTTP, on the attendee rows the
//! XML attendee service also sees.

use serde_json::{json, Value};

use crate::rest_support::*;
use crate::support::*;

async fn series(s: &TestServer, token: &str, extra: Value) -> String {
    let mut body = json!({"title": "Review", "start": "2026-06-02T10:00:00Z", "end": "2026-06-02T11:00:00Z"});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let r = rest(s, "POST", "/v1/meetings", Some(token), Some(body)).await;
    r.ok()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn invitees_are_added_listed_read_and_removed() {
    let s = TestServer::start().await;
    s.add_user("emp", false, &[]).await;
    let t = token(&s, "alice", None).await;
    let id = series(&s, &t, json!({})).await;
    let one = rest(
        &s,
        "POST",
        "/v1/meetingInvitees",
        Some(&t),
        Some(json!({"meetingId": id, "email": "Zed@Example.com", "displayName": "Zed", "sendEmail": false})),
    )
    .await;
    let inv = one.ok().clone();
    assert_eq!(inv["email"], "zed@example.com");
    assert_eq!(inv["coHost"], false);
    assert!(inv["id"].as_str().unwrap().starts_with(&format!("{id}_")));
    let dup =
        rest(&s, "POST", "/v1/meetingInvitees", Some(&t), Some(json!({"meetingId": id, "email": "zed@example.com"})))
            .await;
    dup.assert_error(409);
    assert_eq!(dup.description(), "User is already a meeting invitee.");
    // Bulk, with PUT as the Python SDK sends it; unlicensed co-hosts stay plain invitees.
    let items = json!([
        {"email": "bob@acme.example", "displayName": "Bob", "coHost": true},
        {"email": "emp@acme.example", "displayName": "Emp", "coHost": true},
        {"email": "amy@example.com"},
    ]);
    let bulk =
        rest(&s, "PUT", "/v1/meetingInvitees/bulkInsert", Some(&t), Some(json!({"meetingId": id, "items": items})))
            .await;
    let added = bulk.ok()["items"].as_array().unwrap().clone();
    assert_eq!(added.len(), 3);
    assert_eq!(added[0]["coHost"], true);
    assert_eq!(added[1]["coHost"], false);
    let again = rest(
        &s,
        "POST",
        "/v1/meetingInvitees/bulkInsert",
        Some(&t),
        Some(json!({"meetingId": id, "items": [{"email": "new@example.com"}, {"email": "amy@example.com"}]})),
    )
    .await;
    again.assert_error(409);
    assert_eq!(again.description(), "Some users in the list have been invited.");
    // Listed by email, paged.
    let page = rest(&s, "GET", &format!("/v1/meetingInvitees?meetingId={id}&max=2"), Some(&t), None).await;
    let emails: Vec<&str> =
        page.ok()["items"].as_array().unwrap().iter().map(|i| i["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["amy@example.com", "bob@acme.example"]);
    assert!(page.headers.get("link").is_some());
    // Through an occurrence id, the series' invitees; adding needs the series id.
    let occurrence = format!("{id}_20260602T100000Z");
    let through = rest(&s, "GET", &format!("/v1/meetingInvitees?meetingId={occurrence}&max=100"), Some(&t), None).await;
    assert_eq!(through.ok()["items"].as_array().unwrap().len(), 4);
    let body = json!({"meetingId": occurrence, "email": "late@example.com"});
    rest(&s, "POST", "/v1/meetingInvitees", Some(&t), Some(body)).await.assert_error(400);
    // bob, a licensed co-host, now sees the meeting as his.
    let bob = token(&s, "bob", None).await;
    rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&bob), None).await.ok();
    // The XML attendee service sees the same people.
    let xml = s
        .call(
            "alice",
            PW,
            "attendee.LstMeetingAttendee",
            &format!("<meetingKey>{}</meetingKey>", {
                let m = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&t), None).await;
                m.body["meetingNumber"].as_str().unwrap().to_string()
            }),
        )
        .await;
    xml.assert_success();
    assert!(xml.text.contains("zed@example.com") && xml.text.contains("amy@example.com"), "{}", xml.text);
    // Change one: bob stops being a co-host; emp cannot become one; the email stays.
    let bob_id = added[0]["id"].as_str().unwrap();
    let put = rest(
        &s,
        "PUT",
        &format!("/v1/meetingInvitees/{bob_id}"),
        Some(&t),
        Some(json!({"email": "bob@acme.example", "displayName": "Robert", "coHost": false})),
    )
    .await;
    assert_eq!(put.ok()["displayName"], "Robert");
    assert_eq!(put.body["coHost"], false);
    rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&bob), None).await.assert_error(403);
    let emp_id = added[1]["id"].as_str().unwrap();
    let put = rest(
        &s,
        "PUT",
        &format!("/v1/meetingInvitees/{emp_id}"),
        Some(&t),
        Some(json!({"email": "emp@acme.example", "coHost": true})),
    )
    .await;
    assert_eq!(put.ok()["coHost"], false);
    assert_eq!(put.body["displayName"], "Emp");
    let moved = rest(
        &s,
        "PUT",
        &format!("/v1/meetingInvitees/{emp_id}"),
        Some(&t),
        Some(json!({"email": "other@example.com"})),
    )
    .await;
    moved.assert_error(400);
    // Read and remove one.
    let inv_id = inv["id"].as_str().unwrap();
    let got = rest(&s, "GET", &format!("/v1/meetingInvitees/{inv_id}"), Some(&t), None).await;
    assert_eq!(got.ok()["displayName"], "Zed");
    assert_eq!(rest(&s, "DELETE", &format!("/v1/meetingInvitees/{inv_id}"), Some(&t), None).await.status, 204);
    rest(&s, "GET", &format!("/v1/meetingInvitees/{inv_id}"), Some(&t), None).await.assert_error(404);
    // Someone else's meeting: not theirs to invite to.
    let emp = token(&s, "emp", None).await;
    let r =
        rest(&s, "POST", "/v1/meetingInvitees", Some(&emp), Some(json!({"meetingId": id, "email": "x@example.com"})))
            .await;
    r.assert_error(403);
    rest(&s, "GET", "/v1/meetingInvitees", Some(&t), None).await.assert_error(400);
}

#[tokio::test]
async fn registration_works_only_where_it_is_on() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let plain = series(&s, &t, json!({})).await;
    let form =
        json!({"firstName": "Reg", "lastName": "One", "email": "reg@example.com", "zipCode": 12345, "jobTitle": "CTO"});
    let r = rest(&s, "POST", &format!("/v1/meetings/{plain}/registrants"), Some(&t), Some(form.clone())).await;
    r.assert_error(400);
    assert_eq!(r.description(), "Registration is not supported for this meeting series.");

    let open = series(&s, &t, json!({"scheduledType": "webinar", "registration": {"autoAcceptRequest": false}})).await;
    let created = rest(&s, "POST", &format!("/v1/meetings/{open}/registrants"), Some(&t), Some(form)).await;
    let reg = created.ok().clone();
    assert_eq!(reg["status"], "pending");
    assert_eq!(reg["zipCode"], 12345);
    assert_eq!(reg["jobTitle"], "CTO");
    let rid = reg["id"].as_str().unwrap();
    let list = rest(&s, "GET", &format!("/v1/meetings/{open}/registrants"), Some(&t), None).await;
    assert_eq!(list.ok()["items"].as_array().unwrap().len(), 1);
    let approve = rest(
        &s,
        "POST",
        &format!("/v1/meetings/{open}/registrants/approve"),
        Some(&t),
        Some(json!({"registrants": [{"id": rid}]})),
    )
    .await;
    assert_eq!(approve.status, 204, "{}", approve.body);
    let got = rest(&s, "GET", &format!("/v1/meetings/{open}/registrants/{rid}"), Some(&t), None).await;
    assert_eq!(got.ok()["status"], "approved");
    let reject = rest(
        &s,
        "POST",
        &format!("/v1/meetings/{open}/registrants/reject"),
        Some(&t),
        Some(json!({"registrants": [{"id": rid}]})),
    )
    .await;
    assert_eq!(reject.status, 204);
    let got = rest(&s, "GET", &format!("/v1/meetings/{open}/registrants/{rid}"), Some(&t), None).await;
    assert_eq!(got.ok()["status"], "rejected");
    // bob registers himself; he may not list the registrants of alice's webinar.
    let bob = token(&s, "bob", None).await;
    let me = json!({"firstName": "Bob", "lastName": "Example", "email": "bob@acme.example"});
    rest(&s, "POST", &format!("/v1/meetings/{open}/registrants"), Some(&bob), Some(me)).await.ok();
    rest(&s, "GET", &format!("/v1/meetings/{open}/registrants"), Some(&bob), None).await.assert_error(403);
    let other = json!({"firstName": "X", "lastName": "Y", "email": "x@example.com"});
    rest(&s, "POST", &format!("/v1/meetings/{open}/registrants"), Some(&bob), Some(other)).await.assert_error(403);
    // Cancelled and deleted registrations are gone.
    let cancel = rest(
        &s,
        "POST",
        &format!("/v1/meetings/{open}/registrants/cancel"),
        Some(&t),
        Some(json!({"registrants": [{"id": rid}], "sendEmail": false})),
    )
    .await;
    assert_eq!(cancel.status, 204);
    rest(&s, "GET", &format!("/v1/meetings/{open}/registrants/{rid}"), Some(&t), None).await.assert_error(404);
    let list = rest(&s, "GET", &format!("/v1/meetings/{open}/registrants"), Some(&t), None).await;
    let bob_id = list.ok()["items"][0]["id"].as_str().unwrap().to_string();
    let del = rest(&s, "DELETE", &format!("/v1/meetings/{open}/registrants/{bob_id}"), Some(&t), None).await;
    assert_eq!(del.status, 204);
    let list = rest(&s, "GET", &format!("/v1/meetings/{open}/registrants"), Some(&t), None).await;
    assert_eq!(list.ok()["items"].as_array().unwrap().len(), 0);
}

/// Registrants keep what was sent (a zip code with a leading zero stays text, a number a number),
/// a second registration of one person is a 409 about registrants, and bad query values are 400.
#[tokio::test]
async fn registrants_keep_their_values_and_queries_are_checked() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let open = series(&s, &t, json!({"scheduledType": "webinar", "registration": {"autoAcceptRequest": true}})).await;
    let path = format!("/v1/meetings/{open}/registrants");
    let boston = json!({"firstName": "Bo", "lastName": "Ston", "email": "bo@example.com", "zipCode": "02134"});
    let r = rest(&s, "POST", &path, Some(&t), Some(boston.clone())).await;
    assert_eq!(r.ok()["zipCode"], "02134", "the leading zero is kept");
    let again = rest(&s, "POST", &path, Some(&t), Some(boston)).await;
    again.assert_error(409);
    assert!(again.description().contains("registered"), "{}", again.description());
    let plain = json!({"firstName": "Pl", "lastName": "Ain", "email": "pl@example.com", "zipCode": 94105});
    assert_eq!(rest(&s, "POST", &path, Some(&t), Some(plain)).await.ok()["zipCode"], 94105);
    for bad in ["registrationTimeFrom=garbage", "registrationTimeTo=2026-13-45"] {
        rest(&s, "GET", &format!("{path}?{bad}"), Some(&t), None).await.assert_error(400);
    }
    let window = rest(
        &s,
        "GET",
        &format!("{path}?registrationTimeFrom=2026-06-01T00:00:00Z&registrationTimeTo=2026-06-02T00:00:00Z"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(window.ok()["items"].as_array().unwrap().len(), 2);
    let later = rest(&s, "GET", &format!("{path}?registrationTimeFrom=2026-06-02T00:00:00Z"), Some(&t), None).await;
    assert!(later.ok()["items"].as_array().unwrap().is_empty());
    rest(&s, "GET", "/v1/meetingPreferences?userEmail=", Some(&t), None).await.assert_error(400);
    rest(&s, "GET", "/v1/meetings?hostEmail=", Some(&t), None).await.assert_error(400);
}

#[tokio::test]
async fn invitees_of_a_new_or_changed_meeting_are_invited_by_mail_unless_send_email_is_false() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let invited = |mails: &[kaigi_core::model::Mail], to: &str| {
        mails.iter().filter(|m| m.to == to && m.subject.starts_with("Invitation")).count()
    };
    let body = json!({"title": "Planning", "start": "2026-06-02T01:00:00Z", "end": "2026-06-02T02:00:00Z",
        "invitees": [{"email": "ivy@example.com", "displayName": "Ivy"}]});
    let made = rest(&s, "POST", "/v1/meetings", Some(&t), Some(body)).await.ok().clone();
    let mails = s.outbox().await;
    assert_eq!(invited(&mails, "ivy@example.com"), 1, "the default sendEmail is true");
    let ivy = mails.iter().find(|m| m.to == "ivy@example.com").unwrap();
    assert!(ivy.attachment.is_some(), "the invitation carries the meeting's .ics");
    // A change that adds an invitee invites only the new one; sendEmail false invites nobody.
    let id = made["id"].as_str().unwrap();
    let more = json!({"invitees": [{"email": "ivy@example.com"}, {"email": "jon@example.com"}]});
    rest(&s, "PATCH", &format!("/v1/meetings/{id}"), Some(&t), Some(more)).await.ok();
    let mails = s.outbox().await;
    assert_eq!(invited(&mails, "ivy@example.com"), 1);
    assert_eq!(invited(&mails, "jon@example.com"), 1);
    let quiet = json!({"title": "Quiet", "start": "2026-06-03T01:00:00Z", "end": "2026-06-03T02:00:00Z",
        "sendEmail": false, "invitees": [{"email": "kim@example.com"}]});
    rest(&s, "POST", "/v1/meetings", Some(&t), Some(quiet)).await.ok();
    assert_eq!(invited(&s.outbox().await, "kim@example.com"), 0);
}
