//! Provisioning over REST (`POST /v1/people`, `PUT` and `DELETE /v1/people/{personId}`): the
//! people are the XML API's users, licences are host seats counted by the store, and what kaigi
//! cannot keep is refused by name. Also the preference operations on delegates and personal room
//! ids.

use serde_json::{json, Value};

use crate::rest_support::*;
use crate::support::*;

async fn licence_id(s: &TestServer, admin: &str) -> String {
    let r = rest(s, "GET", "/v1/licenses", Some(admin), None).await;
    r.ok()["items"][0]["id"].as_str().unwrap().to_string()
}

async fn consumed(s: &TestServer, admin: &str) -> i64 {
    let r = rest(s, "GET", "/v1/licenses", Some(admin), None).await;
    r.ok()["items"][0]["consumedUnits"].as_i64().unwrap()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_person_made_over_rest_is_the_user_the_xml_api_shows_and_can_sign_in() {
    let s = TestServer::start().await;
    let boss = token(&s, ADMIN, None).await;
    let lic = licence_id(&s, &boss).await;
    let org = rest(&s, "GET", "/v1/people/me", Some(&boss), None).await.ok()["orgId"].clone();
    let body = json!({
        "emails": ["ann.lee@acme.example"],
        "displayName": "Ann Lee",
        "firstName": "Ann",
        "lastName": "Lee",
        "title": "Engineer",
        "addresses": [{ "type": "work", "streetAddress": "1 Main St", "locality": "Springfield",
                        "region": "IL", "postalCode": "62701", "country": "US" }],
        "licenses": [lic],
        "orgId": org,
        "phoneNumbers": [],
        "roles": [],
    });
    let made = rest(&s, "POST", "/v1/people?callingData=true", Some(&boss), Some(body)).await;
    let person = made.ok().clone();
    assert_eq!(person["emails"], json!(["ann.lee@acme.example"]));
    assert_eq!(person["displayName"], "Ann Lee");
    assert_eq!(person["title"], "Engineer");
    assert_eq!(person["addresses"][0]["locality"], "Springfield");
    assert_eq!(person["licenses"], json!([lic]));
    assert_eq!(person["siteUrls"], json!(["kaigi.test/acme"]));
    assert_eq!(person["loginEnabled"], "true");

    // The XML API's user service shows the same user, named by the address it was made with.
    let xml = s.as_admin("user.GetUser", "<webExId>ann.lee@acme.example</webExId>").await;
    xml.assert_success();
    assert_eq!(xml.value(&["email"]), "ann.lee@acme.example");
    assert_eq!((xml.value(&["firstName"]), xml.value(&["lastName"])), ("Ann".into(), "Lee".into()));
    assert_eq!(xml.value(&["title"]), "Engineer");
    assert_eq!(xml.value(&["address", "city"]), "Springfield");
    assert_eq!(xml.value(&["privilege", "host"]), "true");
    assert_eq!(xml.value(&["active"]), "ACTIVATED");
    // Readable by id and by email over REST, and she signs in once given a password.
    let again = rest(&s, "GET", &format!("/v1/people/{}", id_of(&person)), Some(&boss), None).await;
    assert_eq!(again.ok(), &person);
    s.as_admin("user.SetUser", "<webExId>ann.lee@acme.example</webExId><password>ann-pass-1</password>")
        .await
        .assert_success();
    let me = s.call("ann.lee@acme.example", "ann-pass-1", "user.GetUser", "<webExId>ann.lee@acme.example</webExId>");
    me.await.assert_success();
    let ann = token(&s, "ann.lee@acme.example", None).await;
    assert_eq!(rest(&s, "GET", "/v1/people/me", Some(&ann), None).await.ok()["id"], person["id"]);

    // minResponse answers the id alone; the same address twice is a conflict.
    let min = rest(
        &s,
        "POST",
        "/v1/people?minResponse=true",
        Some(&boss),
        Some(json!({ "emails": ["cy@acme.example"], "firstName": "Cy" })),
    )
    .await;
    assert_eq!(min.ok().as_object().unwrap().keys().collect::<Vec<_>>(), ["id"]);
    let twice = rest(
        &s,
        "POST",
        "/v1/people",
        Some(&boss),
        Some(json!({ "emails": ["CY@acme.example"], "displayName": "Cy" })),
    )
    .await;
    twice.assert_error(409);
    assert!(twice.description().contains("email"), "{}", twice.description());
}

#[tokio::test]
async fn licences_take_seats_and_the_site_gives_no_more_than_it_has() {
    // Two seats, both held by alice and bob.
    let s = TestServer::start_with(2, &["alice", "bob"]).await;
    let boss = token(&s, ADMIN, None).await;
    let lic = licence_id(&s, &boss).await;
    assert_eq!(consumed(&s, &boss).await, 2);
    let full = rest(
        &s,
        "POST",
        "/v1/people",
        Some(&boss),
        Some(json!({ "emails": ["dan@acme.example"], "displayName": "Dan Ode", "licenses": [lic] })),
    )
    .await;
    full.assert_error(403);
    assert!(full.description().contains("licences is in use"), "{}", full.description());
    // Nothing was made: the address is free.
    let found = rest(&s, "GET", "/v1/people?email=dan@acme.example", Some(&boss), None).await;
    assert_eq!(found.ok()["items"], json!([]));

    // An attendee is made without a seat (`#attendee`), and becomes a host when one frees up.
    let made = rest(
        &s,
        "POST",
        "/v1/people",
        Some(&boss),
        Some(json!({ "emails": ["dan@acme.example"], "displayName": "Dan Ode", "siteUrls": ["kaigi.test/acme#attendee"] })),
    )
    .await;
    let dan = made.ok().clone();
    assert_eq!(dan["licenses"], json!([]));
    assert_eq!(dan["siteUrls"], json!(["kaigi.test/acme#attendee"]));
    let path = format!("/v1/people/{}", id_of(&dan));
    let host = json!({ "displayName": "Dan Ode", "licenses": [lic], "siteUrls": ["kaigi.test/acme"] });
    rest(&s, "PUT", &path, Some(&boss), Some(host.clone())).await.assert_error(403);
    let bob = rest(&s, "GET", "/v1/people?email=bob@acme.example", Some(&boss), None).await.ok()["items"][0].clone();
    let bob_path = format!("/v1/people/{}", id_of(&bob));
    let attendee = json!({ "displayName": "Bob Example", "licenses": [], "siteUrls": ["kaigi.test/acme#attendee"] });
    assert_eq!(rest(&s, "PUT", &bob_path, Some(&boss), Some(attendee)).await.ok()["licenses"], json!([]));
    assert_eq!(consumed(&s, &boss).await, 1);
    assert_eq!(rest(&s, "PUT", &path, Some(&boss), Some(host)).await.ok()["licenses"], json!([lic]));
    assert_eq!(consumed(&s, &boss).await, 2);
    let xml = s.as_admin("user.GetUser", "<webExId>bob</webExId>").await;
    assert_eq!(xml.value(&["privilege", "host"]), "false");
}

#[tokio::test]
async fn put_changes_what_it_names_and_delete_deactivates() {
    let s = TestServer::start().await;
    let boss = token(&s, ADMIN, None).await;
    let made = rest(
        &s,
        "POST",
        "/v1/people",
        Some(&boss),
        Some(json!({ "emails": ["eve@acme.example"], "firstName": "Eve", "lastName": "Stone", "title": "Lead" })),
    )
    .await;
    let eve = made.ok().clone();
    let path = format!("/v1/people/{}", id_of(&eve));
    // A display name alone is split; what the body leaves out stays; nickName follows firstName.
    let put =
        rest(&s, "PUT", &path, Some(&boss), Some(json!({ "displayName": "Evelyn Stone-Gray", "nickName": "E" }))).await;
    assert_eq!(put.ok()["firstName"], "Evelyn");
    assert_eq!(put.body["lastName"], "Stone-Gray");
    assert_eq!(put.body["nickName"], "Evelyn");
    assert_eq!(put.body["title"], "Lead");
    // The GET answer sent back whole is accepted (what wxc-sdk's update sends), with a new address.
    let mut whole = put.body.clone();
    whole["emails"] = json!(["evelyn@acme.example"]);
    let moved = rest(&s, "PUT", &path, Some(&boss), Some(whole)).await;
    assert_eq!(moved.ok()["emails"], json!(["evelyn@acme.example"]));
    let xml = s.as_admin("user.GetUser", "<webExId>evelyn@acme.example</webExId>").await;
    xml.assert_success();
    assert_eq!(xml.value(&["firstName"]), "Evelyn");
    // minResponse: 204 and no body.
    let quiet = rest(&s, "PUT", &format!("{path}?minResponse=true"), Some(&boss), Some(json!({ "title": "" }))).await;
    assert_eq!(quiet.status, 204);
    assert!(rest(&s, "GET", &path, Some(&boss), None).await.ok().get("title").is_none());

    // DELETE deactivates: 204, her token stops working, the XML API shows her deactivated.
    s.as_admin("user.SetUser", "<webExId>evelyn@acme.example</webExId><password>eve-pass-1</password>")
        .await
        .assert_success();
    let evelyn = token(&s, "evelyn@acme.example", None).await;
    rest(&s, "GET", "/v1/people/me", Some(&evelyn), None).await.ok();
    let gone = rest(&s, "DELETE", &path, Some(&boss), None).await;
    assert_eq!(gone.status, 204, "{}", gone.body);
    assert_eq!(gone.body, Value::Null);
    rest(&s, "GET", "/v1/people/me", Some(&evelyn), None).await.assert_error(401);
    let xml = s.as_admin("user.GetUser", "<webExId>evelyn@acme.example</webExId>").await;
    assert_eq!(xml.value(&["active"]), "DEACTIVATED");
    assert_eq!(rest(&s, "GET", &path, Some(&boss), None).await.ok()["loginEnabled"], "false");
    // loginEnabled brings her back.
    let back = rest(&s, "PUT", &path, Some(&boss), Some(json!({ "loginEnabled": true }))).await;
    assert_eq!(back.ok()["loginEnabled"], "true");
}

#[tokio::test]
async fn only_people_administrators_provision_and_unknown_ids_are_404() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let body = json!({ "emails": ["fay@acme.example"], "displayName": "Fay" });
    let r = rest(&s, "POST", "/v1/people", Some(&alice), Some(body.clone())).await;
    r.assert_error(403);
    assert!(r.description().contains("spark-admin:people_write"), "{}", r.description());
    // An administrator's token without the scope is refused the same way, before the body is read.
    let reader = token(&s, ADMIN, Some(&["spark-admin:people_read"])).await;
    rest(&s, "POST", "/v1/people", Some(&reader), Some(json!({ "emails": 5 }))).await.assert_error(403);
    let bob = rest(&s, "GET", "/v1/people?email=bob@acme.example", Some(&alice), None).await.ok()["items"][0].clone();
    let bob_path = format!("/v1/people/{}", id_of(&bob));
    rest(&s, "PUT", &bob_path, Some(&alice), Some(json!({ "displayName": "Bobby" }))).await.assert_error(403);
    rest(&s, "DELETE", &bob_path, Some(&alice), None).await.assert_error(403);
    // A user-management administrator provisions people.
    s.add_user("uma", false, &[("umSiteAdmin", true)]).await;
    let uma = token(&s, "uma", None).await;
    rest(&s, "POST", "/v1/people", Some(&uma), Some(body)).await.ok();

    let boss = token(&s, ADMIN, None).await;
    for path in [
        "/v1/people/bm9wZQ",
        "/v1/people/Y2lzY29zcGFyazovL3VzL1BFT1BMRS8wMDAwMDAwMS0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAzZTc",
    ] {
        rest(&s, "PUT", path, Some(&boss), Some(json!({ "displayName": "X" }))).await.assert_error(404);
        rest(&s, "DELETE", path, Some(&boss), None).await.assert_error(404);
    }
}

#[tokio::test]
async fn fields_kaigi_cannot_keep_are_refused_by_name() {
    let s = TestServer::start().await;
    let boss = token(&s, ADMIN, None).await;
    let good = json!({ "emails": ["gus@acme.example"], "displayName": "Gus Hale" });
    for (field, value) in [
        ("phoneNumbers", json!([{ "type": "work", "value": "408 526 7209" }])),
        ("extension", json!("133")),
        ("locationId", json!("Y2lzY29zcGFyazovL3VzL0xPQ0FUSU9OLzYzNzE1")),
        ("avatar", json!("https://example.com/a.png")),
        ("roles", json!(["Y2lzY29zcGFyazovL3VzL1JPTEUvOTZhYmMyYWE"])),
        ("department", json!("Sales")),
        ("manager", json!("John Duarte")),
        ("managerId", json!("Y2lzY29zcGFyazovL3VzL1BFT1BMRS80ZGEz")),
        ("licenses", json!(["Y2lzY29zcGFyazovL3VzL0xJQ0VOU0UvOTZhYmMyYWE"])),
        ("siteUrls", json!(["mysite.webex.com#attendee"])),
        ("orgId", json!("Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi85NmFiYzJhYQ")),
        ("emails", json!(["gus@acme.example", "gus2@acme.example"])),
        ("emails", json!(["not-an-address"])),
        ("emails", json!([])),
        ("addresses", json!([{ "type": "home", "locality": "X" }])),
        ("addresses", json!([{ "locality": "X" }, { "locality": "Y" }])),
        ("displayName", json!("Someone Else")),
        ("title", json!("x".repeat(200))),
    ] {
        let mut body = good.clone();
        body[field] = value.clone();
        if field == "displayName" {
            body["firstName"] = json!("Gus");
        }
        let r = rest(&s, "POST", "/v1/people", Some(&boss), Some(body)).await;
        r.assert_error(400);
        assert!(r.description().contains(field), "{field}={value}: {}", r.description());
    }
    // No name at all, a body that is not JSON, or one of the wrong shape: 400, never a 500.
    let r = rest(&s, "POST", "/v1/people", Some(&boss), Some(json!({ "emails": ["gus@acme.example"] }))).await;
    assert!(r.assert_error(400).description().contains("displayName"), "{}", r.description());
    rest_raw(&s, "POST", "/v1/people", Some(&boss), Some("{oops".into()), &[]).await.assert_error(400);
    rest(&s, "POST", "/v1/people", Some(&boss), Some(json!({ "emails": "gus@acme.example" }))).await.assert_error(400);
    rest(&s, "POST", "/v1/people?minResponse=maybe", Some(&boss), Some(good.clone())).await.assert_error(400);
    // A licence together with #attendee contradicts itself.
    let lic = licence_id(&s, &boss).await;
    let mut both = good.clone();
    both["licenses"] = json!([lic]);
    both["siteUrls"] = json!(["kaigi.test/acme#attendee"]);
    let r = rest(&s, "POST", "/v1/people", Some(&boss), Some(both)).await;
    assert!(r.assert_error(400).description().contains("siteUrls"), "{}", r.description());
    // Nothing refused was made.
    let found = rest(&s, "GET", "/v1/people?email=gus@acme.example", Some(&boss), None).await;
    assert_eq!(found.ok()["items"], json!([]));
    assert_eq!(rest(&s, "POST", "/v1/people", Some(&boss), Some(good)).await.ok()["displayName"], "Gus Hale");
}

const INSERT: &str = "/v1/meetingPreferences/schedulingOptions/delegateEmails/insert";
const DELETE: &str = "/v1/meetingPreferences/schedulingOptions/delegateEmails/delete";

#[tokio::test]
async fn delegates_are_inserted_and_deleted_as_the_xml_api_scheduling_permission() {
    let s = TestServer::start_with(5, &["alice", "bob", "carl"]).await;
    let alice = token(&s, "alice", None).await;
    // The vendor's example lists two addresses in one string.
    let r = rest(&s, "POST", INSERT, Some(&alice), Some(json!({ "emails": ["BOB@acme.example, carl@acme.example"] })))
        .await;
    assert_eq!(r.ok()["emails"], json!(["bob@acme.example", "carl@acme.example"]));
    let opts = rest(&s, "GET", "/v1/meetingPreferences/schedulingOptions", Some(&alice), None).await;
    assert_eq!(opts.ok()["delegateEmails"], json!(["bob@acme.example", "carl@acme.example"]));
    let xml = s.call("alice", PW, "user.GetUser", "<webExId>alice</webExId>").await;
    assert_eq!(xml.value(&["schedulingPermission"]), "bob;carl");
    // Inserting again keeps each once.
    rest(&s, "POST", INSERT, Some(&alice), Some(json!({ "emails": ["bob@acme.example"] }))).await.ok();
    let d = rest(&s, "POST", DELETE, Some(&alice), Some(json!({ "emails": ["bob@acme.example", "nobody@x.example"] })))
        .await;
    assert_eq!(d.status, 204, "{}", d.body);
    let opts = rest(&s, "GET", "/v1/meetingPreferences/schedulingOptions", Some(&alice), None).await;
    assert_eq!(opts.ok()["delegateEmails"], json!(["carl@acme.example"]));
    // Refusals name the field.
    for body in [
        json!({ "emails": ["stranger@else.example"] }),
        json!({ "emails": ["alice@acme.example"] }),
        json!({ "emails": [] }),
        json!({}),
    ] {
        let r = rest(&s, "POST", INSERT, Some(&alice), Some(body.clone())).await;
        assert!(r.assert_error(400).description().contains("emails"), "{body}: {}", r.description());
    }
    // Someone else's delegates need the administrator's scope.
    let bob = token(&s, "bob", None).await;
    let other = format!("{INSERT}?userEmail=alice@acme.example");
    rest(&s, "POST", &other, Some(&bob), Some(json!({ "emails": ["carl@acme.example"] }))).await.assert_error(403);
    let boss = token(&s, ADMIN, None).await;
    let r = rest(&s, "POST", &other, Some(&boss), Some(json!({ "emails": ["bob@acme.example"] }))).await;
    assert_eq!(r.ok()["emails"], json!(["bob@acme.example"]));
}

const REFRESH: &str = "/v1/admin/meetingPreferences/personalMeetingRoom/refreshId";

#[tokio::test]
async fn personal_room_ids_are_refreshed_by_an_administrator() {
    let s = TestServer::start().await;
    let boss = token(&s, ADMIN, None).await;
    let alice = token(&s, "alice", None).await;
    let room = "/v1/meetingPreferences/personalMeetingRoom";
    let before = rest(&s, "GET", room, Some(&alice), None).await.ok()["telephony"]["accessCode"].clone();
    let body = json!({ "siteUrl": "kaigi.test/acme", "personalMeetingRoomIds": [
        { "email": "alice@acme.example", "systemGenerated": true },
        { "email": "bob@acme.example", "systemGenerated": true },
    ]});
    rest(&s, "POST", REFRESH, Some(&alice), Some(body.clone())).await.assert_error(403);
    let r = rest(&s, "POST", REFRESH, Some(&boss), Some(body)).await;
    let rooms = r.ok()["personalMeetingRoomIds"].as_array().unwrap().clone();
    assert_eq!(r.body["siteUrl"], "kaigi.test/acme");
    assert_eq!(rooms.len(), 2);
    assert_eq!(rooms[0]["email"], "alice@acme.example");
    let new = rooms[0]["personalMeetingRoomId"].clone();
    assert_ne!(new, before);
    // The room is joined with the new id, in both APIs.
    assert_eq!(rest(&s, "GET", room, Some(&alice), None).await.ok()["telephony"]["accessCode"], new);
    let xml = s.call("alice", PW, "user.GetUser", "<webExId>alice</webExId>").await;
    assert_eq!(xml.value(&["personalMeetingRoom", "accessCode"]), new.as_str().unwrap());
    // An id given by the administrator, by personId; a number already used is a conflict.
    let given = json!({ "siteUrl": "kaigi.test/acme", "personalMeetingRoomIds": [
        { "personId": rooms[1]["personId"], "personalMeetingRoomId": "987654321" },
    ]});
    let r = rest(&s, "POST", REFRESH, Some(&boss), Some(given.clone())).await;
    assert_eq!(r.ok()["personalMeetingRoomIds"][0]["personalMeetingRoomId"], "987654321");
    rest(&s, "POST", REFRESH, Some(&boss), Some(given)).await.assert_error(409);
    // Mixed or malformed batches are refused by name, and a person without a room is 404.
    for (body, status, field) in [
        (json!({ "personalMeetingRoomIds": [] }), 400, "siteUrl"),
        (json!({ "siteUrl": "elsewhere.example/x", "personalMeetingRoomIds": [] }), 400, "siteUrl"),
        (
            json!({ "siteUrl": "acme", "personalMeetingRoomIds": [
                { "email": "alice@acme.example", "systemGenerated": true },
                { "personId": rooms[1]["personId"], "systemGenerated": true }] }),
            400,
            "personalMeetingRoomIds",
        ),
        (
            json!({ "siteUrl": "acme", "personalMeetingRoomIds": [
                { "email": "alice@acme.example", "systemGenerated": true, "personalMeetingRoomId": "987654322" }] }),
            400,
            "personalMeetingRoomIds",
        ),
        (
            json!({ "siteUrl": "acme", "personalMeetingRoomIds": [
                { "email": "alice@acme.example", "personalMeetingRoomId": "12ab" }] }),
            400,
            "personalMeetingRoomId",
        ),
        (json!({ "siteUrl": "acme", "personalMeetingRoomIds": [] }), 400, "personalMeetingRoomIds"),
        (
            json!({ "siteUrl": "acme", "personalMeetingRoomIds": [{ "email": "boss@acme.example", "systemGenerated": true }] }),
            404,
            "personal room",
        ),
    ] {
        let r = rest(&s, "POST", REFRESH, Some(&boss), Some(body.clone())).await;
        assert!(r.assert_error(status).description().contains(field), "{body}: {}", r.description());
    }
}
