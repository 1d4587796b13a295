//! One occurrence of a recurring REST series changed or deleted on its own: what it then shows
//! (alone and in listings), the update rules with their texts, the mails to invitees, a series
//! change dropping the exceptions, the XML face and joining the changed occurrence.

use kaigi_core::model::MailKind;
use serde_json::{json, Value};

use crate::lifecycle::control;
use crate::rest_support::*;
use crate::support::*;

/// A daily 10:00–10:30 UTC series of four from 2026-06-02 (the clock stands at 2026-06-01 09:00
/// UTC), with one invitee; its id.
async fn daily(s: &TestServer, t: &str) -> String {
    let body = json!({
        "title": "Daily",
        "agenda": "Series agenda",
        "password": "Series1",
        "start": "2026-06-02T10:00:00Z",
        "end": "2026-06-02T10:30:00Z",
        "recurrence": "FREQ=DAILY;INTERVAL=1;COUNT=4",
        "invitees": [{"email": "ann@guest.example", "displayName": "Ann"}],
    });
    let m = rest(s, "POST", "/v1/meetings", Some(t), Some(body)).await;
    m.ok()["id"].as_str().unwrap().to_string()
}

async fn occurrences(s: &TestServer, t: &str, query: &str) -> Vec<Value> {
    let path =
        format!("/v1/meetings?meetingType=scheduledMeeting&from=2026-06-01T00:00:00Z&to=2026-06-10T00:00:00Z{query}");
    rest(s, "GET", &path, Some(t), None).await.ok()["items"].as_array().unwrap().clone()
}

fn field<'a>(items: &'a [Value], name: &str) -> Vec<&'a str> {
    items.iter().map(|i| i[name].as_str().unwrap()).collect()
}

async fn mails(s: &TestServer, kind: MailKind) -> Vec<kaigi_core::model::Mail> {
    s.outbox().await.into_iter().filter(|m| m.kind == kind).collect()
}

#[tokio::test]
async fn one_occurrence_is_moved_and_retitled_and_its_siblings_stay() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let id = daily(&s, &t).await;
    let second = format!("{id}_20260603T100000Z");

    let body = json!({"title": "Daily (moved)", "password": "Own123", "start": "2026-06-03T14:00:00Z", "end": "2026-06-03T15:00:00Z"});
    let moved = rest(&s, "PUT", &format!("/v1/meetings/{second}"), Some(&t), Some(body)).await;
    let moved = moved.ok();
    assert_eq!(moved["id"], second.as_str(), "the id keeps the start the rule gives the occurrence");
    assert_eq!(moved["meetingSeriesId"], id.as_str());
    assert_eq!(moved["meetingType"], "scheduledMeeting");
    assert_eq!(moved["isModified"], true);
    assert_eq!(
        (moved["start"].as_str(), moved["end"].as_str()),
        (Some("2026-06-03T14:00:00Z"), Some("2026-06-03T15:00:00Z"))
    );
    assert_eq!((moved["title"].as_str(), moved["password"].as_str()), (Some("Daily (moved)"), Some("Own123")));
    assert_eq!(moved["agenda"], "Series agenda", "what the body leaves out stays the series'");
    assert!(moved.get("recurrence").is_none());

    let got = rest(&s, "GET", &format!("/v1/meetings/{second}"), Some(&t), None).await;
    assert_eq!(got.ok()["title"], "Daily (moved)");
    assert_eq!(got.body["start"], "2026-06-03T14:00:00Z");
    let third = rest(&s, "GET", &format!("/v1/meetings/{id}_20260604T100000Z"), Some(&t), None).await;
    assert_eq!((third.ok()["title"].as_str(), third.body["isModified"].as_bool()), (Some("Daily"), Some(false)));
    assert_eq!(third.body["password"], "Series1");
    let series = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&t), None).await;
    assert_eq!(series.ok()["title"], "Daily");
    assert!(series.body.get("isModified").is_none(), "series never carry isModified");

    // Listings show it changed, in start order; isModified filters occurrences.
    let all = occurrences(&s, &t, "").await;
    assert_eq!(
        field(&all, "start"),
        ["2026-06-02T10:00:00Z", "2026-06-03T14:00:00Z", "2026-06-04T10:00:00Z", "2026-06-05T10:00:00Z"]
    );
    assert_eq!(all.iter().map(|i| i["isModified"].as_bool().unwrap()).collect::<Vec<_>>(), [false, true, false, false]);
    assert_eq!(field(&occurrences(&s, &t, "&isModified=true").await, "id"), [second.as_str()]);
    assert_eq!(occurrences(&s, &t, "&isModified=false").await.len(), 3);
    let by_series = rest(
        &s,
        "GET",
        &format!("/v1/meetings?meetingSeriesId={id}&from=2026-06-03T13:00:00Z&to=2026-06-03T16:00:00Z"),
        Some(&t),
        None,
    )
    .await;
    assert_eq!(
        field(by_series.ok()["items"].as_array().unwrap(), "title"),
        ["Daily (moved)"],
        "found at its new time only"
    );

    // The invitee is told once; sendEmail false tells nobody.
    let told = mails(&s, MailKind::OccurrenceChanged).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].to, "ann@guest.example");
    assert!(told[0].body.contains("2026-06-03 14:00 UTC"), "{}", told[0].body);
    let quiet = json!({"agenda": "Only this day", "sendEmail": false});
    let patched = rest(&s, "PATCH", &format!("/v1/meetings/{second}"), Some(&t), Some(quiet)).await;
    assert_eq!(
        (patched.ok()["agenda"].as_str(), patched.body["title"].as_str()),
        (Some("Only this day"), Some("Daily (moved)"))
    );
    assert_eq!(mails(&s, MailKind::OccurrenceChanged).await.len(), 1);
}

#[tokio::test]
async fn the_update_rules_answer_with_their_texts() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let id = daily(&s, &t).await;
    let second = format!("/v1/meetings/{id}_20260603T100000Z");
    let patch = |body: Value| {
        let (s, t, path) = (&s, &t, second.clone());
        async move { rest(s, "PATCH", &path, Some(t), Some(body)).await }
    };

    // Rule 5: within 00:00 of its own day and 00:00 of the next occurrence's day.
    for start in ["2026-06-02T23:59:00Z", "2026-06-04T00:00:00Z"] {
        let r = patch(json!({"start": start})).await;
        r.assert_error(400);
        assert_eq!(r.description(), "meeting.err.two_meeting_schedule_at_same_day");
    }
    assert_eq!(patch(json!({"start": "2026-06-03T00:00:00Z"})).await.ok()["end"], "2026-06-03T00:30:00Z");
    assert_eq!(patch(json!({"end": "2026-06-03T23:00:00Z"})).await.ok()["start"], "2026-06-03T00:00:00Z");
    // Rules 1 and 2: not in the past; 10 minutes at least.
    let past = patch(json!({"start": "2026-06-01T08:00:00Z", "end": "2026-06-01T08:30:00Z"})).await;
    past.assert_error(400);
    assert_eq!(past.description(), "Parameter 'start' or 'end' is before current time");
    patch(json!({"start": "2026-06-03T12:00:00Z", "end": "2026-06-03T12:05:00Z"})).await.assert_error(400);
    // Rule 4: instances never change.
    let instance = rest(&s, "PATCH", &format!("/v1/meetings/{id}_I_42"), Some(&t), Some(json!({"title": "x"}))).await;
    instance.assert_error(400);
    assert_eq!(instance.description(), format!("Meeting ID '{id}_I_42' is not allowed for this API."));
    // PUT needs the four fields; an occurrence has no rule of its own; empty titles are refused.
    let put = rest(&s, "PUT", &second, Some(&t), Some(json!({"title": "x", "start": "2026-06-03T11:00:00Z"}))).await;
    put.assert_error(400);
    patch(json!({"recurrence": "FREQ=DAILY;COUNT=2"})).await.assert_error(400);
    patch(json!({"title": "  "})).await.assert_error(400);
    // No such occurrence; someone else's series.
    let missing = format!("/v1/meetings/{id}_20260603T110000Z");
    rest(&s, "PATCH", &missing, Some(&t), Some(json!({"title": "x"}))).await.assert_error(404);
    let bob = token(&s, "bob", None).await;
    rest(&s, "PATCH", &second, Some(&bob), Some(json!({"title": "x"}))).await.assert_error(403);
    assert_eq!(rest(&s, "GET", &second, Some(&t), None).await.ok()["title"], "Daily");
}

#[tokio::test]
async fn a_deleted_occurrence_is_gone_and_the_series_stays() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let id = daily(&s, &t).await;
    let third = format!("/v1/meetings/{id}_20260604T100000Z");

    assert_eq!(rest(&s, "DELETE", &third, Some(&t), None).await.status, 204);
    rest(&s, "GET", &third, Some(&t), None).await.assert_error(404);
    rest(&s, "DELETE", &third, Some(&t), None).await.assert_error(404);
    rest(&s, "PATCH", &third, Some(&t), Some(json!({"title": "x"}))).await.assert_error(404);
    assert_eq!(
        field(&occurrences(&s, &t, "").await, "start"),
        ["2026-06-02T10:00:00Z", "2026-06-03T10:00:00Z", "2026-06-05T10:00:00Z"]
    );
    assert_eq!(rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&t), None).await.ok()["title"], "Daily");
    let told = mails(&s, MailKind::OccurrenceCancelled).await;
    assert_eq!((told.len(), told[0].to.as_str()), (1, "ann@guest.example"));
    assert!(told[0].body.contains("2026-06-04 10:00 UTC"), "{}", told[0].body);

    let quiet = format!("/v1/meetings/{id}_20260605T100000Z?sendEmail=false");
    assert_eq!(rest(&s, "DELETE", &quiet, Some(&t), None).await.status, 204);
    assert_eq!(mails(&s, MailKind::OccurrenceCancelled).await.len(), 1);
    assert_eq!(occurrences(&s, &t, "").await.len(), 2);
}

#[tokio::test]
async fn changing_the_series_schedule_drops_its_exceptions() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let id = daily(&s, &t).await;
    let second = format!("/v1/meetings/{id}_20260603T100000Z");
    rest(&s, "PATCH", &second, Some(&t), Some(json!({"title": "Special"}))).await.ok();
    rest(&s, "DELETE", &format!("/v1/meetings/{id}_20260604T100000Z"), Some(&t), None).await;

    // A new series title keeps them.
    rest(&s, "PATCH", &format!("/v1/meetings/{id}"), Some(&t), Some(json!({"title": "Daily II"}))).await.ok();
    assert_eq!(rest(&s, "GET", &second, Some(&t), None).await.ok()["title"], "Special");
    assert_eq!(occurrences(&s, &t, "").await.len(), 3);

    // A new end (the length) drops them: the deleted occurrence is back, the changed one plain.
    let longer = json!({"end": "2026-06-02T10:45:00Z"});
    rest(&s, "PATCH", &format!("/v1/meetings/{id}"), Some(&t), Some(longer)).await.ok();
    let all = occurrences(&s, &t, "").await;
    assert_eq!(field(&all, "title"), ["Daily II"; 4]);
    assert!(all.iter().all(|i| i["isModified"] == false && i["end"].as_str().unwrap().ends_with("10:45:00Z")));
    assert!(occurrences(&s, &t, "&isModified=true").await.is_empty());
}

#[tokio::test]
async fn the_xml_api_shows_the_series_and_the_changed_occurrence_opens_with_its_password() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let id = daily(&s, &t).await;
    let series = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&t), None).await.ok().clone();
    let key = series["meetingNumber"].as_str().unwrap().to_string();
    let first = format!("/v1/meetings/{id}_20260602T100000Z");
    let body = json!({"title": "Kick-off", "password": "Kick0ff", "start": "2026-06-02T09:30:00Z"});
    rest(&s, "PATCH", &first, Some(&t), Some(body)).await.ok();

    // The XML API keeps showing the series as scheduled.
    let got = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(got.value(&["metaData", "confName"]), "Daily");
    assert_eq!(got.value(&["accessControl", "meetingPassword"]), "Series1");

    // The moved first occurrence is the current one: its own password opens it, as does the series'.
    let host = json!({"name": "Alice", "email": "alice@acme.example", "hostKey": series["hostKey"]});
    assert_eq!(control(&s, &key, "join", host).await.0, 200);
    let guest = |pw: &str| json!({"name": "Gus", "email": format!("gus-{pw}@guest.example"), "password": pw});
    assert_eq!(control(&s, &key, "join", guest("Kick0ff")).await.0, 200);
    assert_eq!(control(&s, &key, "join", guest("Series1")).await.0, 200);
    assert_eq!(control(&s, &key, "join", guest("wrong")).await.0, 403);
    // While it runs, no occurrence changes (rule 3).
    let running =
        rest(&s, "PATCH", &format!("/v1/meetings/{id}_20260603T100000Z"), Some(&t), Some(json!({"title": "x"}))).await;
    running.assert_error(409);
    assert_eq!(running.description(), "Meeting is in progress");
}

#[tokio::test]
async fn concurrent_changes_of_one_series_all_stay() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let body = json!({
        "title": "Daily",
        "password": "Series1",
        "start": "2026-06-02T10:00:00Z",
        "end": "2026-06-02T10:30:00Z",
        "recurrence": "FREQ=DAILY;INTERVAL=1;COUNT=40",
    });
    let id = rest(&s, "POST", "/v1/meetings", Some(&t), Some(body)).await.ok()["id"].as_str().unwrap().to_string();
    let day = |n: u32| {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 6, 2).unwrap() + chrono::Duration::days(i64::from(n));
        format!("{id}_{}T100000Z", d.format("%Y%m%d"))
    };
    const ROUNDS: u32 = 12;
    for round in 0..ROUNDS {
        // In each round, at once: one occurrence retitled, another deleted, the series' agenda set.
        let (moved, deleted) =
            (format!("/v1/meetings/{}", day(3 * round)), format!("/v1/meetings/{}", day(3 * round + 1)));
        let series = format!("/v1/meetings/{id}");
        let retitle = json!({"title": format!("Moved {round}")});
        let agenda = json!({"agenda": format!("Round {round}")});
        let (a, b, c) = tokio::join!(
            rest(&s, "PATCH", &moved, Some(&t), Some(retitle)),
            rest(&s, "DELETE", &deleted, Some(&t), None),
            rest(&s, "PATCH", &series, Some(&t), Some(agenda)),
        );
        assert_eq!((a.status, b.status, c.status), (200, 204, 200), "round {round}: {:?} {:?}", a.body, c.body);
    }
    for round in 0..ROUNDS {
        let moved = rest(&s, "GET", &format!("/v1/meetings/{}", day(3 * round)), Some(&t), None).await;
        assert_eq!(moved.ok()["title"], format!("Moved {round}"), "round {round}: the retitle stays");
        let deleted = rest(&s, "GET", &format!("/v1/meetings/{}", day(3 * round + 1)), Some(&t), None).await;
        deleted.assert_error(404);
        let untouched = rest(&s, "GET", &format!("/v1/meetings/{}", day(3 * round + 2)), Some(&t), None).await;
        assert_eq!(untouched.ok()["title"], "Daily");
    }
    let series = rest(&s, "GET", &format!("/v1/meetings/{id}"), Some(&t), None).await;
    assert_eq!(series.ok()["agenda"], format!("Round {}", ROUNDS - 1));
}

#[tokio::test]
async fn invitees_added_while_occurrences_are_deleted_all_stay() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let id = daily(&s, &t).await;
    for (n, day) in ["20260602", "20260603", "20260604"].into_iter().enumerate() {
        let occurrence = format!("/v1/meetings/{id}_{day}T100000Z");
        let invitee = json!({"meetingId": id, "email": format!("guest{n}@guest.example"), "sendEmail": false});
        let (added, deleted) = tokio::join!(
            rest(&s, "POST", "/v1/meetingInvitees", Some(&t), Some(invitee)),
            rest(&s, "DELETE", &occurrence, Some(&t), None),
        );
        assert_eq!((added.status, deleted.status), (200, 204), "{day}: {:?}", added.body);
        rest(&s, "GET", &occurrence, Some(&t), None).await.assert_error(404);
    }
    let left = occurrences(&s, &t, &format!("&meetingSeriesId={id}")).await;
    assert_eq!(field(&left, "start"), ["2026-06-05T10:00:00Z"]);
    // The series' invitee list (which host checks and the XML API read) has every one of them.
    let series = s.store.meeting_by_uuid(s.site.id, &id).await.expect("read").expect("series");
    let mut emails: Vec<&str> = series.invitees.iter().map(|i| i.email.as_str()).collect();
    emails.sort_unstable();
    assert_eq!(emails, ["ann@guest.example", "guest0@guest.example", "guest1@guest.example", "guest2@guest.example"]);
}
