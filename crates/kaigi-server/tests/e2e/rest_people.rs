//! /v1/people and /v1/licenses: the directory with each person's licences, and the site's units.

use crate::rest_support::*;
use crate::support::*;

#[tokio::test]
async fn me_carries_the_host_licence_and_an_attendee_carries_none() {
    let s = TestServer::start().await;
    s.add_user("emp", false, &[]).await;
    let alice = rest(&s, "GET", "/v1/people/me", Some(&token(&s, "alice", None).await), None).await;
    let me = alice.ok();
    assert_eq!(me["displayName"], "Alice Example");
    assert_eq!(me["type"], "person");
    assert!(me["created"].as_str().unwrap().ends_with(".000Z") || me["created"].as_str().unwrap().ends_with('Z'));
    let licences = rest(&s, "GET", "/v1/licenses", Some(&token(&s, "boss", None).await), None).await;
    let licence = &licences.ok()["items"][0];
    assert_eq!(me["licenses"][0], licence["id"]);
    assert_eq!(me["siteUrls"][0], "kaigi.test/acme");
    let emp = rest(&s, "GET", "/v1/people/me", Some(&token(&s, "emp", None).await), None).await;
    assert_eq!(emp.ok()["licenses"].as_array().unwrap().len(), 0);
    assert_eq!(emp.body["siteUrls"][0], "kaigi.test/acme#attendee");
    // Five seats, two held (alice, bob).
    assert_eq!(licence["totalUnits"], 5);
    assert_eq!(licence["consumedUnits"], 2);
    let id = licence["id"].as_str().unwrap();
    let one = rest(&s, "GET", &format!("/v1/licenses/{id}"), Some(&token(&s, "alice", None).await), None).await;
    assert_eq!(one.ok()["consumedUnits"], 2);
    rest(&s, "GET", "/v1/licenses/bm9wZQ", Some(&token(&s, "alice", None).await), None).await.assert_error(404);
}

#[tokio::test]
async fn people_are_looked_up_by_email_name_or_id_and_only_admins_list_all() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let r = rest(&s, "GET", "/v1/people?email=BOB@acme.example", Some(&alice), None).await;
    let items = r.ok()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["emails"][0], "bob@acme.example");
    let by_id = rest(&s, "GET", &format!("/v1/people/{}", items[0]["id"].as_str().unwrap()), Some(&alice), None).await;
    assert_eq!(by_id.ok()["emails"][0], "bob@acme.example");
    let by_name = rest(&s, "GET", "/v1/people?displayName=ali", Some(&alice), None).await;
    assert_eq!(by_name.ok()["items"].as_array().unwrap().len(), 1);
    rest(&s, "GET", "/v1/people", Some(&alice), None).await.assert_error(400);
    rest(&s, "GET", "/v1/people/Y2lzY29zcGFyazovL3VzL1BFT1BMRS94", Some(&alice), None).await.assert_error(404);
    // An administrator lists everyone, a page at a time.
    let boss = token(&s, "boss", None).await;
    let first = rest(&s, "GET", "/v1/people?max=2", Some(&boss), None).await;
    assert_eq!(first.ok()["items"].as_array().unwrap().len(), 2);
    let link = first.headers["link"].to_str().unwrap().to_string();
    let next = link.trim_start_matches('<').split('>').next().unwrap().replace("http://kaigi.test", &s.base);
    let second = rest(&s, "GET", &next, Some(&boss), None).await;
    assert_eq!(second.ok()["items"].as_array().unwrap().len(), 1);
    assert!(second.headers.get("link").is_none());
}
