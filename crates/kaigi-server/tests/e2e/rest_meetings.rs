//! /v1/meetings over real HTTP: create, read, list with Link paging, replace, patch, delete,
//! occurrences, the scheduling window, admin scheduling with hostEmail, and one model shared
//! with the XML API.

use kaigi_core::model::{Caller, LicensePlan, NewUser, SiteSettings, UserFields};
use serde_json::{json, Value};

use crate::rest_support::*;
use crate::support::*;

/// The clock stands at 2026-06-01 09:00 UTC.
fn meeting(title: &str, start: &str, end: &str) -> Value {
    json!({ "title": title, "start": start, "end": end })
}

async fn create(s: &TestServer, token: &str, body: Value) -> Value {
    rest(s, "POST", "/v1/meetings", Some(token), Some(body)).await.ok().clone()
}

fn next_link(r: &RestReply, s: &TestServer) -> Option<String> {
    let link = r.headers.get("link")?.to_str().unwrap().to_string();
    assert!(link.starts_with("<http://kaigi.test/v1/meetings?"), "absolute, on the public URL: {link}");
    assert!(link.ends_with(">; rel=\"next\""), "{link}");
    Some(link.trim_start_matches('<').split('>').next().unwrap().replace("http://kaigi.test", &s.base))
}

#[tokio::test]
async fn create_get_replace_patch_delete() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    // Seconds are cut; unknown fields are ignored; the Tokyo offset is honoured.
    let mut body = meeting("Planning", "2026-06-02T10:00:40+09:00", "2026-06-02T10:45:00+09:00");
    body["somethingNew"] = json!({"nested": true});
    body["agenda"] = json!("Budget");
    let m = create(&s, &t, body).await;
    let id = m["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    assert_eq!(m["meetingType"], "meetingSeries");
    assert_eq!(m["state"], "active");
    assert_eq!(m["start"], "2026-06-02T01:00:00Z");
    assert_eq!(m["end"], "2026-06-02T01:45:00Z");
    assert_eq!(m["timezone"], "UTC");
    assert_eq!(m["meetingNumber"].as_str().unwrap().len(), 9);
    assert_eq!(m["hostKey"].as_str().unwrap().len(), 6);
    assert!(m["password"].as_str().unwrap().len() >= 8, "a password is generated: {m}");
    assert!(m["webLink"].as_str().unwrap().starts_with("http://kaigi.test/acme/j.php?MTID=m"), "{m}");
    assert!(m["sipAddress"].as_str().unwrap().starts_with(m["meetingNumber"].as_str().unwrap()));
    assert_eq!(m["hostEmail"], "alice@acme.example");
    assert_eq!(m["agenda"], "Budget");

    let got = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&t), None).await;
    assert_eq!(got.ok()["meetingNumber"], m["meetingNumber"]);
    assert_eq!(got.body["password"], m["password"]);
    // The timezone header picks the zone of the times returned.
    let tokyo = rest_raw(&s, "GET", &format!("/v1/meetings/{id}"), Some(&t), None, &[("timezone", "Asia/Tokyo")]).await;
    assert_eq!(tokyo.ok()["start"], "2026-06-02T10:00:00+09:00");

    // PUT needs title, password, start and end.
    let put = rest(&s, "PUT", &format!("/v1/meetings/{id}"), Some(&t), Some(json!({"title": "Only"}))).await;
    put.assert_error(400);
    let full = json!({"title": "Planning II", "password": "Secret123", "start": "2026-06-03T01:00:00Z", "end": "2026-06-03T02:00:00Z"});
    let replaced = rest(&s, "PUT", &format!("/v1/meetings/{id}"), Some(&t), Some(full)).await;
    assert_eq!(replaced.ok()["title"], "Planning II");
    assert_eq!(replaced.body["password"], "Secret123");
    assert_eq!(replaced.body["end"], "2026-06-03T02:00:00Z");
    assert_eq!(replaced.body["hostKey"], m["hostKey"], "the host key stays");

    // PATCH changes what it names; null clears the agenda.
    let patched = rest(&s, "PATCH", &format!("/v1/meetings/{id}"), Some(&t), Some(json!({"agenda": null}))).await;
    assert_eq!(patched.ok()["title"], "Planning II");
    assert!(patched.body.get("agenda").is_none(), "{}", patched.body);
    let moved =
        rest(&s, "PATCH", &format!("/v1/meetings/{id}"), Some(&t), Some(json!({"start": "2026-06-04T01:00:00Z"})))
            .await;
    assert_eq!(moved.ok()["start"], "2026-06-04T01:00:00Z");
    assert_eq!(moved.body["end"], "2026-06-04T02:00:00Z", "the length is kept");
    let past =
        rest(&s, "PATCH", &format!("/v1/meetings/{id}"), Some(&t), Some(json!({"start": "2026-05-01T01:00:00Z"})))
            .await;
    past.assert_error(400);

    // Someone else's meeting is not theirs to change.
    let bob = token(&s, "bob", None).await;
    rest(&s, "PATCH", &format!("/v1/meetings/{id}"), Some(&bob), Some(json!({"title": "x"}))).await.assert_error(403);

    // The one occurrence of a single meeting stands for its series.
    let occurrence = format!("{id}_20260604T010000Z");
    let renamed =
        rest(&s, "PATCH", &format!("/v1/meetings/{occurrence}"), Some(&t), Some(json!({"title": "Via occurrence"})))
            .await;
    assert_eq!(renamed.ok()["title"], "Via occurrence");
    let deleted = rest(&s, "DELETE", &format!("/v1/meetings/{occurrence}"), Some(&t), None).await;
    assert_eq!(deleted.status, 204);
    rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&t), None).await.assert_error(404);
    rest(&s, "DELETE", &format!("/v1/meetings/{id}"), Some(&t), None).await.assert_error(404);
    rest(&s, "DELETE", &format!("/v1/meetings/{occurrence}"), Some(&t), None).await.assert_error(404);
}

#[tokio::test]
async fn the_scheduling_window_is_enforced() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let cases = [
        (meeting("Short", "2026-06-02T10:00:00Z", "2026-06-02T10:09:00Z"), "10 minutes"),
        (meeting("Long", "2026-06-02T10:00:00Z", "2026-06-03T10:00:00Z"), "23 hours 59 minutes"),
        (meeting("Past", "2026-06-01T08:00:00Z", "2026-06-01T08:30:00Z"), "before current time"),
        (meeting("Far", "2036-06-02T10:00:00Z", "2036-06-02T11:00:00Z"), "10 years"),
        (meeting("Backwards", "2026-06-02T10:00:00Z", "2026-06-02T09:00:00Z"), "end"),
        (json!({"start": "2026-06-02T10:00:00Z", "end": "2026-06-02T11:00:00Z"}), "title"),
        (json!({"title": "No end", "start": "2026-06-02T10:00:00Z"}), "end"),
        (json!({"title": "Bad", "start": "tomorrow", "end": "2026-06-02T11:00:00Z"}), "start"),
        (
            json!({"title": "Rule", "start": "2026-06-02T10:00:00Z", "end": "2026-06-02T11:00:00Z", "recurrence": "FREQ=YEARLY;COUNT=6"}),
            "COUNT",
        ),
    ];
    for (body, says) in cases {
        let r = rest(&s, "POST", "/v1/meetings", Some(&t), Some(body.clone())).await;
        r.assert_error(400);
        assert!(r.description().contains(says), "{body}: {}", r.body);
    }
    // Exactly 10 minutes and 23 h 59 min are fine; a start in the current minute moves on.
    create(&s, &t, meeting("Ten", "2026-06-02T10:00:00Z", "2026-06-02T10:10:00Z")).await;
    create(&s, &t, meeting("Day", "2026-06-02T10:00:00Z", "2026-06-03T09:59:00Z")).await;
    let now = create(&s, &t, meeting("Now", "2026-06-01T09:00:00Z", "2026-06-01T09:30:00Z")).await;
    assert_eq!(now["start"], "2026-06-01T09:01:00Z");
}

#[tokio::test]
async fn a_series_has_occurrences_with_their_own_ids() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let mut body = meeting("Weekly", "2026-06-02T10:00:00", "2026-06-02T10:30:00");
    body["timezone"] = json!("Asia/Tokyo");
    body["recurrence"] = json!("FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=3");
    let m = create(&s, &t, body).await;
    let id = m["id"].as_str().unwrap().to_string();
    assert_eq!(m["recurrence"], "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=3");
    assert_eq!(m["timezone"], "Asia/Tokyo");
    assert_eq!(m["start"], "2026-06-02T10:00:00+09:00", "a naive time is read in the body's zone");
    let list = rest(
        &s,
        "GET",
        "/v1/meetings?meetingType=scheduledMeeting&from=2026-06-01T00:00:00Z&to=2026-07-01T00:00:00Z",
        Some(&t),
        None,
    )
    .await;
    let items = list.ok()["items"].as_array().unwrap().clone();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [format!("{id}_20260602T010000Z"), format!("{id}_20260609T010000Z"), format!("{id}_20260616T010000Z")]
    );
    assert_eq!(items[0]["state"], "ready");
    assert_eq!(items[1]["state"], "scheduled");
    assert_eq!(items[0]["meetingSeriesId"], id.as_str());
    let one = rest(&s, "GET", &format!("/v1/meetings/{id}_20260609T010000Z"), Some(&t), None).await;
    assert_eq!(one.ok()["meetingType"], "scheduledMeeting");
    assert_eq!(one.body["start"], "2026-06-09T01:00:00Z");
    rest(&s, "GET", &format!("/v1/meetings/{id}_20260610T010000Z"), Some(&t), None).await.assert_error(404);
    rest(&s, "GET", &format!("/v1/meetings/{id}_I_123"), Some(&t), None).await.assert_error(404);
    // One occurrence changes alone (rest_occurrences.rs has the details).
    let one =
        rest(&s, "PATCH", &format!("/v1/meetings/{id}_20260609T010000Z"), Some(&t), Some(json!({"title": "x"}))).await;
    assert_eq!((one.ok()["title"].as_str(), one.body["isModified"].as_bool()), (Some("x"), Some(true)));
    let instance = rest(&s, "DELETE", &format!("/v1/meetings/{id}_I_123"), Some(&t), None).await;
    instance.assert_error(400);
    assert!(instance.description().contains("is not allowed for this API"), "{}", instance.body);
    // Clearing the recurrence leaves one meeting.
    let single = rest(&s, "PATCH", &format!("/v1/meetings/{id}"), Some(&t), Some(json!({"recurrence": null}))).await;
    assert!(single.ok().get("recurrence").is_none(), "{}", single.body);
}

#[tokio::test]
async fn the_list_pages_with_a_link_that_repeats_every_filter() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    for day in 2..=4 {
        create(
            &s,
            &t,
            meeting(&format!("Day {day}"), &format!("2026-06-0{day}T10:00:00Z"), &format!("2026-06-0{day}T11:00:00Z")),
        )
        .await;
    }
    // Outside the default window (now to +7 days): not listed.
    create(&s, &t, meeting("Later", "2026-06-20T10:00:00Z", "2026-06-20T11:00:00Z")).await;
    // bob's meetings are not alice's.
    create(&s, &token(&s, "bob", None).await, meeting("Bob's", "2026-06-02T12:00:00Z", "2026-06-02T13:00:00Z")).await;

    let all = rest(&s, "GET", "/v1/meetings", Some(&t), None).await;
    let titles: Vec<&str> =
        all.ok()["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Day 2", "Day 3", "Day 4"]);
    assert!(all.headers.get("link").is_none());

    // A raw '+' in the offset (as the Python SDK sends it) and a capitalised boolean.
    let mut url = "/v1/meetings?max=1&current=True&from=2026-06-01T18:00:00+09:00&state=active".to_string();
    let mut seen = Vec::new();
    for _ in 0..5 {
        let page = rest(&s, "GET", &url, Some(&t), None).await;
        let items = page.ok()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1);
        seen.push(items[0]["title"].as_str().unwrap().to_string());
        match next_link(&page, &s) {
            Some(next) => {
                assert!(next.contains("max=1") && next.contains("from=") && next.contains("current=True"), "{next}");
                assert!(next.contains("state=active"), "{next}");
                url = next;
            }
            None => break,
        }
    }
    assert_eq!(seen, ["Day 2", "Day 3", "Day 4"]);
    // By meeting number, the window does not apply.
    let later = rest(&s, "GET", "/v1/meetings?from=2026-06-20T00:00:00Z", Some(&t), None).await;
    let number = later.ok()["items"][0]["meetingNumber"].as_str().unwrap().to_string();
    let by_number = rest(&s, "GET", &format!("/v1/meetings?meetingNumber={number}"), Some(&t), None).await;
    assert_eq!(by_number.ok()["items"][0]["title"], "Later");
    let web_link = later.body["items"][0]["webLink"].as_str().unwrap().to_string();
    let by_link = rest(&s, "GET", &format!("/v1/meetings?webLink={}", urlencode(&web_link)), Some(&t), None).await;
    assert_eq!(by_link.ok()["items"][0]["title"], "Later");
    let none = rest(&s, "GET", "/v1/meetings?meetingType=meeting", Some(&t), None).await;
    assert_eq!(none.ok()["items"].as_array().unwrap().len(), 0);
}

/// Follows the Link header from `first` to the last page; every item's (id, start), in order.
async fn walk(s: &TestServer, token: &str, first: &str) -> Vec<(String, String)> {
    let mut url = first.to_string();
    let mut seen = Vec::new();
    for _ in 0..200 {
        let page = rest(s, "GET", &url, Some(token), None).await;
        for item in page.ok()["items"].as_array().unwrap() {
            seen.push((item["id"].as_str().unwrap().to_string(), item["start"].as_str().unwrap().to_string()));
        }
        match next_link(&page, s) {
            Some(next) => {
                assert!(next.contains("cursor=") && !next.contains("offset="), "{next}");
                url = next;
            }
            None => return seen,
        }
    }
    panic!("more than 200 pages");
}

#[tokio::test]
async fn small_pages_list_single_meetings_and_repeating_series_once_each_in_start_order() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    // Single meetings, three of them at one start (ties are broken by meeting id) …
    for (i, (start, end)) in [
        ("2026-06-02T10:00:00Z", "2026-06-02T11:00:00Z"),
        ("2026-06-02T10:00:00Z", "2026-06-02T10:30:00Z"),
        ("2026-06-02T10:00:00Z", "2026-06-02T12:00:00Z"),
        ("2026-06-03T08:00:00Z", "2026-06-03T09:00:00Z"),
        ("2026-06-04T15:00:00Z", "2026-06-04T16:00:00Z"),
        ("2026-06-05T07:00:00Z", "2026-06-05T07:30:00Z"),
        ("2026-06-06T23:00:00Z", "2026-06-07T00:30:00Z"),
    ]
    .into_iter()
    .enumerate()
    {
        create(&s, &t, meeting(&format!("Single {i}"), start, end)).await;
    }
    // … and two repeating series whose occurrences fall between them.
    let mut daily = meeting("Daily", "2026-06-02T09:00:00Z", "2026-06-02T09:15:00Z");
    daily["recurrence"] = json!("FREQ=DAILY;INTERVAL=1;COUNT=5");
    let daily = create(&s, &t, daily).await;
    let mut weekly = meeting("Weekly", "2026-06-01T12:00:00Z", "2026-06-01T13:00:00Z");
    weekly["recurrence"] = json!("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO");
    let weekly = create(&s, &t, weekly).await;

    for kind in ["meetingSeries", "scheduledMeeting"] {
        let whole = rest(&s, "GET", &format!("/v1/meetings?meetingType={kind}&max=100"), Some(&t), None).await;
        let whole: Vec<(String, String)> = whole.ok()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["id"].as_str().unwrap().to_string(), i["start"].as_str().unwrap().to_string()))
            .collect();
        let starts: Vec<&String> = whole.iter().map(|(_, start)| start).collect();
        assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{kind}: in start order: {starts:?}");
        // 7 singles + 2 series; as occurrences, 7 + 5 daily + 1 weekly (Monday 8 June is out of the window).
        assert_eq!(whole.len(), if kind == "meetingSeries" { 9 } else { 13 }, "{kind}: {whole:?}");
        for size in [1, 2, 4] {
            let paged = walk(&s, &t, &format!("/v1/meetings?meetingType={kind}&max={size}")).await;
            assert_eq!(paged, whole, "{kind}, pages of {size}");
        }
    }
    // One daily occurrence moved past the singles of its day, another cancelled: pages follow.
    let daily_id = daily["id"].as_str().unwrap();
    let moved = json!({ "start": "2026-06-03T18:00:00Z", "end": "2026-06-03T18:15:00Z" });
    let path = format!("/v1/meetings/{daily_id}_20260603T090000Z");
    assert_eq!(rest(&s, "PATCH", &path, Some(&t), Some(moved)).await.status, 200);
    let path = format!("/v1/meetings/{daily_id}_20260604T090000Z");
    assert_eq!(rest(&s, "DELETE", &path, Some(&t), None).await.status, 204);
    let whole = rest(&s, "GET", "/v1/meetings?meetingType=scheduledMeeting&max=100", Some(&t), None).await;
    let whole: Vec<(String, String)> = whole.ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_string(), i["start"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(whole.len(), 12);
    assert!(whole.contains(&(format!("{daily_id}_20260603T090000Z"), "2026-06-03T18:00:00Z".to_string())));
    for size in [1, 3] {
        let paged = walk(&s, &t, &format!("/v1/meetings?meetingType=scheduledMeeting&max={size}")).await;
        assert_eq!(paged, whole, "pages of {size} after the changes");
    }
    let series_ids: Vec<String> = walk(&s, &t, "/v1/meetings?max=3").await.into_iter().map(|(id, _)| id).collect();
    assert!(series_ids.contains(&daily["id"].as_str().unwrap().to_string()));
    assert!(series_ids.contains(&weekly["id"].as_str().unwrap().to_string()));

    // A meeting booked while a client pages shows up on a later page when it sorts after the cursor.
    let first = rest(&s, "GET", "/v1/meetings?max=4", Some(&t), None).await;
    let next = next_link(&first, &s).expect("more pages");
    create(&s, &t, meeting("Booked meanwhile", "2026-06-07T10:00:00Z", "2026-06-07T11:00:00Z")).await;
    let rest_of_it = walk(&s, &t, &next).await;
    assert_eq!(first.ok()["items"].as_array().unwrap().len() + rest_of_it.len(), 10);

    // A cursor kaigi did not hand out is a 400 in the Webex error JSON.
    let forged = rest(&s, "GET", "/v1/meetings?cursor=yesterday", Some(&t), None).await;
    assert_eq!(forged.status, 400, "{:?}", forged.body);
    assert!(forged.body["errors"][0]["description"].as_str().unwrap().contains("cursor"), "{:?}", forged.body);
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[tokio::test]
async fn one_model_with_the_xml_api() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    // Made by REST, read and changed by XML.
    let m = create(&s, &t, meeting("From REST", "2026-06-02T16:00:00Z", "2026-06-02T16:30:00Z")).await;
    let key = m["meetingNumber"].as_str().unwrap();
    let g = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    g.assert_success();
    assert_eq!(g.value(&["metaData", "confName"]), "From REST");
    assert_eq!(g.value(&["accessControl", "meetingPassword"]), m["password"].as_str().unwrap());
    assert_eq!(g.value(&["hostKey"]), m["hostKey"].as_str().unwrap());
    assert_eq!(g.value(&["meetingUUID"]), m["id"].as_str().unwrap());
    assert_eq!(g.value(&["schedule", "timeZoneID"]), "20");
    assert_eq!(g.value(&["schedule", "startDate"]), "06/02/2026 16:00:00");
    assert_eq!(g.value(&["schedule", "duration"]), "30");
    s.call(
        "alice",
        PW,
        "meeting.SetMeeting",
        &format!("<meetingkey>{key}</meetingkey><metaData><confName>Renamed by XML</confName></metaData>"),
    )
    .await
    .assert_success();
    let id = m["id"].as_str().unwrap();
    let r = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&t), None).await;
    assert_eq!(r.ok()["title"], "Renamed by XML");

    // Made by XML, read and changed by REST.
    let x = s
        .call(
            "alice",
            PW,
            "meeting.CreateMeeting",
            "<metaData><confName>From XML</confName></metaData><schedule><startDate>06/03/2026 10:00:00</startDate><timeZoneID>4</timeZoneID><duration>45</duration></schedule>",
        )
        .await;
    x.assert_success();
    let xkey = x.value(&["meetingkey"]);
    let uuid = x.value(&["meetingUUID"]);
    let r = rest(&s, "GET", &format!("/v1/meetings/{uuid}"), Some(&t), None).await;
    let rm = r.ok();
    assert_eq!(rm["meetingNumber"], xkey.as_str());
    assert_eq!(rm["title"], "From XML");
    // 10:00 Pacific daylight time.
    assert_eq!(rm["start"], "2026-06-03T17:00:00Z");
    assert_eq!(rm["end"], "2026-06-03T17:45:00Z");
    assert_eq!(rm["password"].as_str().unwrap(), x.value(&["meetingPassword"]));
    let patched =
        rest(&s, "PATCH", &format!("/v1/meetings/{uuid}"), Some(&t), Some(json!({"title": "Renamed by REST"}))).await;
    patched.ok();
    let g = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{xkey}</meetingKey>")).await;
    assert_eq!(g.value(&["metaData", "confName"]), "Renamed by REST");
    assert_eq!(g.value(&["schedule", "startDate"]), "06/03/2026 10:00:00", "the schedule is untouched");
    assert_eq!(g.value(&["hostKey"]), rm["hostKey"].as_str().unwrap());
    // Deleted by REST: gone for XML too.
    assert_eq!(rest(&s, "DELETE", &format!("/v1/meetings/{uuid}"), Some(&t), None).await.status, 204);
    s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{xkey}</meetingKey>"))
        .await
        .assert_failure("060001");
}

#[tokio::test]
async fn an_administrator_schedules_for_licensed_hosts_only() {
    let s = TestServer::start().await;
    s.add_user("emp", false, &[]).await;
    let boss = token(&s, "boss", None).await;
    let mut body = meeting("For Alice", "2026-06-02T10:00:00Z", "2026-06-02T11:00:00Z");
    body["hostEmail"] = json!("alice@acme.example");
    let m = create(&s, &boss, body.clone()).await;
    assert_eq!(m["hostEmail"], "alice@acme.example");
    // alice sees it as her own.
    let alice = token(&s, "alice", None).await;
    let id = m["id"].as_str().unwrap();
    rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&alice), None).await.ok();
    // The administrator lists as alice.
    let listed = rest(&s, "GET", "/v1/meetings?hostEmail=alice@acme.example", Some(&boss), None).await;
    assert_eq!(listed.ok()["items"][0]["id"], id);

    // A user's token may not name another host.
    let mut for_bob = body.clone();
    for_bob["hostEmail"] = json!("bob@acme.example");
    let r = rest(&s, "POST", "/v1/meetings", Some(&alice), Some(for_bob)).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:admin_schedule_write"), "{}", r.body);
    let r = rest(&s, "GET", "/v1/meetings?hostEmail=bob@acme.example", Some(&alice), None).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:admin_schedule_read"), "{}", r.body);
    // Nor may an administrator's token narrowed to the user scopes.
    let narrow = token(&s, "boss", Some(&["meeting:schedules_write"])).await;
    rest(&s, "POST", "/v1/meetings", Some(&narrow), Some(body.clone())).await.assert_error(403);

    // An unlicensed host is refused.
    let mut for_emp = body.clone();
    for_emp["hostEmail"] = json!("emp@acme.example");
    let r = rest(&s, "POST", "/v1/meetings", Some(&boss), Some(for_emp)).await;
    r.assert_error(403);
    assert!(r.description().contains("licence"), "{}", r.body);

    // A host of another site is not the administrator's to schedule for.
    let other =
        s.kaigi.create_site("other", SiteSettings::default(), LicensePlan::NamedUser { seats: 2 }).await.unwrap();
    let carol = NewUser {
        webex_id: "carol".into(),
        fields: UserFields {
            email: Some("carol@other.example".into()),
            password: Some(PW.into()),
            privileges: vec![("host".into(), true)],
            ..UserFields::default()
        },
        ..NewUser::default()
    };
    s.kaigi.create_user(&Caller::operator(other), &carol).await.unwrap();
    let mut for_carol = body;
    for_carol["hostEmail"] = json!("carol@other.example");
    let r = rest(&s, "POST", "/v1/meetings", Some(&boss), Some(for_carol)).await;
    r.assert_error(403);
    assert!(r.description().contains("hostEmail names no user of this site"), "{}", r.body);
}

#[tokio::test]
async fn unlicensed_users_cannot_schedule_and_unqualified_cohosts_stay_invitees() {
    let s = TestServer::start().await;
    s.add_user("emp", false, &[]).await;
    let emp = token(&s, "emp", None).await;
    let r = rest(
        &s,
        "POST",
        "/v1/meetings",
        Some(&emp),
        Some(meeting("Mine", "2026-06-02T10:00:00Z", "2026-06-02T11:00:00Z")),
    )
    .await;
    r.assert_error(403);
    let alice = token(&s, "alice", None).await;
    let mut body = meeting("With co-hosts", "2026-06-02T10:00:00Z", "2026-06-02T11:00:00Z");
    body["invitees"] = json!([
        {"email": "bob@acme.example", "displayName": "Bob", "coHost": true},
        {"email": "emp@acme.example", "displayName": "Emp", "coHost": "True"},
    ]);
    let m = create(&s, &alice, body).await;
    let stored = s.store.meeting_by_uuid(s.site.id, m["id"].as_str().unwrap()).await.unwrap().unwrap();
    let roles: Vec<(&str, &str)> = stored.invitees.iter().map(|i| (i.email.as_str(), i.role.as_str())).collect();
    assert_eq!(roles, [("bob@acme.example", "HOST"), ("emp@acme.example", "ATTENDEE")]);
}

#[tokio::test]
async fn webinars_are_event_sessions_and_listed_beside_meetings() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    // As the Python SDK's own test creates one: no sessionTypeId.
    let mut body = meeting("Webinar", "2026-06-02T10:00:00", "2026-06-02T11:00:00");
    body["scheduledType"] = json!("webinar");
    body["registration"] =
        json!({"autoAcceptRequest": true, "requireFirstName": true, "requireLastName": true, "requireEmail": true});
    let w = create(&s, &t, body).await;
    assert_eq!(w["scheduledType"], "webinar");
    assert!(w["registerLink"].as_str().is_some(), "{w}");
    let id = w["id"].as_str().unwrap();
    let got = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&t), None).await;
    assert_eq!(got.ok()["scheduledType"], "webinar");
    create(&s, &t, meeting("Meeting", "2026-06-02T12:00:00Z", "2026-06-02T13:00:00Z")).await;
    let titles = |r: &RestReply| -> Vec<String> {
        r.body["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_string()).collect()
    };
    let all = rest(&s, "GET", "/v1/meetings", Some(&t), None).await;
    all.ok();
    assert_eq!(titles(&all), ["Webinar", "Meeting"]);
    let only = rest(&s, "GET", "/v1/meetings?scheduledType=webinar", Some(&t), None).await;
    only.ok();
    assert_eq!(titles(&only), ["Webinar"]);
    let pmr = rest(&s, "GET", "/v1/meetings?scheduledType=personalRoomMeeting", Some(&t), None).await;
    assert!(titles(&pmr).is_empty());
    // The XML API sees an Event Center session.
    let key = w["meetingNumber"].as_str().unwrap();
    let e = s.call("alice", PW, "event.GetEvent", &format!("<sessionKey>{key}</sessionKey>")).await;
    e.assert_success();
}

async fn control(s: &TestServer, key: &str, action: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .post(format!("{}/_kaigi/meetings/{key}/{action}", s.base))
        .json(&body)
        .send()
        .await
        .expect("request");
    assert!(resp.status().is_success(), "{action}: {}", resp.status());
    let text = resp.text().await.expect("body");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON")
    }
}

#[tokio::test]
async fn a_running_meeting_cannot_change_and_becomes_an_instance_when_it_ends() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let m = create(&s, &t, meeting("Standup", "2026-06-01T09:30:00Z", "2026-06-01T10:00:00Z")).await;
    let (id, key) = (m["id"].as_str().unwrap().to_string(), m["meetingNumber"].as_str().unwrap().to_string());
    let join =
        json!({"name": "Alice", "email": "alice@acme.example", "password": m["password"], "hostKey": m["hostKey"]});
    let host = control(&s, &key, "join", join).await;
    let running = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&t), None).await;
    assert_eq!(running.ok()["state"], "inProgress");
    assert_eq!(running.body["hostDidJoin"], true);
    let r = rest(&s, "PATCH", &format!("/v1/meetings/{id}"), Some(&t), Some(json!({"title": "Later"}))).await;
    r.assert_error(409);
    assert_eq!(r.description(), "Meeting is in progress");
    s.advance(chrono::Duration::minutes(25));
    control(&s, &key, "end", crate::lifecycle::who(&host)).await;

    let list = rest(&s, "GET", "/v1/meetings?meetingType=meeting&state=ended", Some(&t), None).await;
    let items = list.ok()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{}", list.body);
    let instance = items[0]["id"].as_str().unwrap().to_string();
    assert!(instance.starts_with(&format!("{id}_I_")), "{instance}");
    assert_eq!(items[0]["meetingSeriesId"], id.as_str());
    assert_eq!(items[0]["state"], "ended");
    let got = rest(&s, "GET", &format!("/v1/meetings/{instance}"), Some(&t), None).await;
    assert_eq!(got.ok()["title"], "Standup");
    assert_eq!(got.body["meetingType"], "meeting");
    let r = rest(&s, "PATCH", &format!("/v1/meetings/{instance}"), Some(&t), Some(json!({"title": "x"}))).await;
    r.assert_error(400);
    // Bob has no instances; asking for details kaigi does not keep finds nothing.
    let bob = rest(&s, "GET", "/v1/meetings?meetingType=meeting", Some(&token(&s, "bob", None).await), None).await;
    assert!(bob.ok()["items"].as_array().unwrap().is_empty());
    let chat = rest(&s, "GET", "/v1/meetings?meetingType=meeting&state=ended&hasChat=True", Some(&t), None).await;
    assert!(chat.ok()["items"].as_array().unwrap().is_empty());
    // The meeting itself is editable again.
    let later = rest(&s, "PATCH", &format!("/v1/meetings/{id}"), Some(&t), Some(json!({"title": "Standup II"}))).await;
    assert_eq!(later.ok()["title"], "Standup II");
}

/// Reads of one meeting are answered from finished bodies while nothing they show has changed:
/// a change of the meeting, of its host, of the zone asked for or of its state with the clock is
/// seen at once.
#[tokio::test]
async fn a_meeting_read_again_follows_its_changes_the_zone_and_the_clock() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let m = create(&s, &t, meeting("Standup", "2026-06-01T10:00:00Z", "2026-06-01T10:30:00Z")).await;
    let path = format!("/v1/meetings/{}", m["id"].as_str().unwrap());
    let first = rest(&s, "GET", &path, Some(&t), None).await;
    assert_eq!(first.headers["content-type"], "application/json");
    assert_eq!(rest(&s, "GET", &path, Some(&t), None).await.ok(), first.ok());
    assert_eq!(first.body["state"], "active");

    let patched = rest(&s, "PATCH", &path, Some(&t), Some(json!({ "title": "Standup (moved)" }))).await;
    assert_eq!(patched.status, 200, "{:?}", patched.body);
    assert_eq!(rest(&s, "GET", &path, Some(&t), None).await.ok()["title"], "Standup (moved)");

    let tokyo = rest_raw(&s, "GET", &path, Some(&t), None, &[("timezone", "Asia/Tokyo")]).await;
    assert_eq!(tokyo.ok()["start"], "2026-06-01T19:00:00+09:00");
    assert_eq!(rest(&s, "GET", &path, Some(&t), None).await.ok()["start"], "2026-06-01T10:00:00Z");

    let set = s.as_admin("user.SetUser", "<webExId>alice</webExId><firstName>Alicia</firstName>").await;
    assert_eq!(set.result(), "SUCCESS", "{}", set.reason());
    let renamed = rest(&s, "GET", &path, Some(&t), None).await;
    assert!(renamed.ok()["hostDisplayName"].as_str().unwrap().starts_with("Alicia"), "{:?}", renamed.body);

    s.advance(chrono::Duration::hours(2));
    assert_eq!(rest(&s, "GET", &path, Some(&t), None).await.ok()["state"], "expired");
}
