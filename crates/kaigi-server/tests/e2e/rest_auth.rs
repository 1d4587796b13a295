//! REST authentication and errors: bearer tokens only, 401/403/404/405 in the Webex error JSON,
//! a tracking id on every answer, token expiry by the injected clock.

use chrono::Duration;
use serde_json::json;

use crate::rest_support::*;
use crate::support::*;

#[tokio::test]
async fn no_token_a_bad_one_or_another_scheme_is_401_json() {
    let s = TestServer::start().await;
    let r = rest(&s, "GET", "/v1/meetings", None, None).await;
    r.assert_error(401);
    assert!(r.description().contains("Bearer"), "{}", r.body);
    rest(&s, "GET", "/v1/meetings", Some("not-a-token"), None).await.assert_error(401);
    let basic =
        rest_raw(&s, "GET", "/v1/people/me", None, None, &[("Authorization", "Basic YWxpY2U6dXNlci1wYXNz")]).await;
    basic.assert_error(401);
    // A valid token works, with the scheme in any case.
    let t = token(&s, "alice", None).await;
    let me = rest_raw(&s, "GET", "/v1/people/me", None, None, &[("Authorization", &format!("bearer {t}"))]).await;
    assert_eq!(me.ok()["emails"][0], "alice@acme.example");
}

#[tokio::test]
async fn a_token_expires_after_twelve_hours_of_the_clock() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    s.advance(Duration::hours(12) - Duration::minutes(1));
    rest(&s, "GET", "/v1/people/me", Some(&t), None).await.ok();
    s.advance(Duration::minutes(1));
    let r = rest(&s, "GET", "/v1/people/me", Some(&t), None).await;
    r.assert_error(401);
    assert!(r.description().contains("expired"), "{}", r.body);
}

#[tokio::test]
async fn a_deactivated_user_s_token_stops_working() {
    let s = TestServer::start().await;
    let t = token(&s, "bob", None).await;
    s.kaigi.deactivate_users(&kaigi_core::model::Caller::operator(s.site.clone()), &["bob".into()]).await.unwrap();
    rest(&s, "GET", "/v1/people/me", Some(&t), None).await.assert_error(401);
}

#[tokio::test]
async fn scopes_are_enforced_and_the_missing_one_is_named() {
    let s = TestServer::start().await;
    let read_only = token(&s, "alice", Some(&["meeting:schedules_read"])).await;
    rest(&s, "GET", "/v1/meetings", Some(&read_only), None).await.ok();
    let body = json!({"title": "t", "start": "2026-06-02T10:00:00Z", "end": "2026-06-02T11:00:00Z"});
    let r = rest(&s, "POST", "/v1/meetings", Some(&read_only), Some(body)).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:schedules_write"), "{}", r.body);
    let r = rest(&s, "GET", "/v1/people?email=bob@acme.example", Some(&read_only), None).await;
    r.assert_error(403);
    assert!(r.description().contains("spark:people_read"), "{}", r.body);
    // A user may not ask for scopes their role does not allow.
    let admin_scope = vec!["meeting:admin_schedule_write".to_string()];
    assert!(s.kaigi.create_personal_token(&s.site, "alice", Some(&admin_scope)).await.is_err());
}

#[tokio::test]
async fn tracking_ids_are_echoed_or_minted_and_errors_are_never_html() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let r = rest_raw(&s, "GET", "/v1/people/me", Some(&t), None, &[("TrackingID", "SIMPLE_1234")]).await;
    r.ok();
    assert_eq!(r.headers["trackingid"], "SIMPLE_1234");
    let minted = rest(&s, "GET", "/v1/people/me", Some(&t), None).await;
    assert!(!minted.headers["trackingid"].to_str().unwrap().is_empty());
    rest(&s, "GET", "/v1/nothing/here", Some(&t), None).await.assert_error(404);
    rest(&s, "POST", "/v1/people/me", Some(&t), Some(json!({}))).await.assert_error(405);
    rest(&s, "GET", "/v1/meetings/not-an-id", Some(&t), None).await.assert_error(404);
    // The spec's fixed paths under /meetings/ that kaigi does not serve are unknown resources,
    // whatever the method: never taken for a meeting id.
    for (method, path) in [("GET", "/v1/meetings/polls"), ("DELETE", "/v1/meetings/q_and_a")] {
        let r = rest(&s, method, path, Some(&t), None).await;
        r.assert_error(404);
        assert_eq!(r.description(), "No such REST resource in kaigi.", "{method} {path}");
    }
    let bad_json = rest_raw(&s, "POST", "/v1/meetings", Some(&t), Some("{\"title\":".into()), &[]).await;
    bad_json.assert_error(400);
    let huge = format!("{{\"title\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    rest_raw(&s, "POST", "/v1/meetings", Some(&t), Some(huge), &[]).await.assert_error(413);
    rest(&s, "GET", "/v1/meetings?max=1000", Some(&t), None).await.assert_error(400);
    rest(&s, "GET", "/v1/meetings?current=maybe", Some(&t), None).await.assert_error(400);
    rest(&s, "GET", "/v1/meetings?from=yesterday", Some(&t), None).await.assert_error(400);
    let bad_zone = rest_raw(&s, "GET", "/v1/meetings", Some(&t), None, &[("timezone", "Mars/Base")]).await;
    bad_zone.assert_error(400);
}

#[tokio::test]
async fn too_many_requests_in_a_minute_is_429_with_retry_after() {
    let s = TestServer::start().await;
    let mut settings = s.site.settings.clone();
    settings.rest_calls_per_minute = 3;
    s.store.update_site_settings(s.site.id, &settings).await.unwrap();
    let t = token(&s, "alice", None).await;
    for _ in 0..3 {
        rest(&s, "GET", "/v1/people/me", Some(&t), None).await.ok();
    }
    let r = rest(&s, "GET", "/v1/people/me", Some(&t), None).await;
    r.assert_error(429);
    // The count resets with the minute: Retry-After says how many seconds are left of it.
    let left = 60 - chrono::Timelike::second(&s.kaigi.now());
    assert_eq!(r.headers["retry-after"], left.to_string().as_str());
    // Other users are counted apart; the next minute starts afresh.
    rest(&s, "GET", "/v1/people/me", Some(&token(&s, "bob", None).await), None).await.ok();
    s.advance(Duration::minutes(1));
    rest(&s, "GET", "/v1/people/me", Some(&t), None).await.ok();
}

#[tokio::test]
async fn odd_paths_and_bodies_get_json_answers() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    // Invalid UTF-8 in a path segment.
    rest(&s, "GET", "/v1/meetings/%FF%FE", Some(&t), None).await.assert_error(404);
    rest(&s, "GET", "/v1/people/%FF", Some(&t), None).await.assert_error(404);
    rest(&s, "GET", "/v1", Some(&t), None).await.assert_error(404);
    // A JSON value of the wrong shape, an empty body, a number where text belongs.
    for body in ["[]", "", "{\"title\": 5}", "{\"invitees\": [{\"name\": \"x\"}]}", "\"text\""] {
        rest_raw(&s, "POST", "/v1/meetings", Some(&t), Some(body.into()), &[]).await.assert_error(400);
    }
}

/// Garbage in every place a client can put it: always a JSON answer with a client-error status,
/// never a 500 or a hang.
#[tokio::test]
async fn garbage_never_gets_a_server_error() {
    let s = TestServer::start().await;
    let t = token(&s, "alice", None).await;
    let id = {
        let body = json!({"title": "x", "start": "2026-06-02T10:00:00Z", "end": "2026-06-02T11:00:00Z"});
        rest(&s, "POST", "/v1/meetings", Some(&t), Some(body)).await.ok()["id"].as_str().unwrap().to_string()
    };
    let paths = [
        "/v1/meetings".to_string(),
        format!("/v1/meetings/{id}"),
        format!("/v1/meetings/{id}_99999999T999999Z"),
        format!("/v1/meetings/{id}_I_99999999999999999999999"),
        "/v1/meetingInvitees".to_string(),
        "/v1/meetingInvitees/bulkInsert".to_string(),
        format!("/v1/meetingInvitees/{id}_1"),
        format!("/v1/meetings/{id}/registrants"),
        format!("/v1/meetings/{id}/registrants/approve"),
        format!("/v1/meetings/{id}/registrants/x"),
        "/v1/people".to_string(),
        "/v1/licenses/x".to_string(),
    ];
    let queries = [
        "",
        "?max=-1",
        "?max=99999999999999999999",
        "?from=9999-12-31T23:59:59Z&to=9999-12-31T23:59:59%2B14:00",
        "?from=1970-01-01T00:00:00Z&to=9999-12-31T00:00:00Z",
        "?meetingId=%00%FF&email=%ZZ&id=,,,&meetingNumber=1e9&webLink=MTID%3Dm",
        "?meetingType=meeting&state=bogus&offset=18446744073709551615",
        "?hostEmail=nobody@nowhere&current=yes",
    ];
    let bodies = [
        "null",
        "{}",
        "{\"title\":\"\",\"start\":\"\",\"end\":\"\"}",
        "{\"title\":\"x\",\"start\":\"2026-06-02T10:00:00Z\",\"end\":\"9999-12-31T23:59:59Z\",\"recurrence\":\"FREQ=DAILY;UNTIL=99991231\"}",
        "{\"meetingId\":{},\"items\":[1,2,3],\"registrants\":[{\"id\":{}}]}",
        "{\"email\":\"not-an-email\",\"meetingId\":\"ffffffffffffffffffffffffffffffff\",\"firstName\":[]}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    ];
    for path in &paths {
        for query in queries {
            for method in ["GET", "DELETE"] {
                let r = rest(&s, method, &format!("{path}{query}"), Some(&t), None).await;
                assert!(r.status < 500, "{method} {path}{query}: {} {}", r.status, r.body);
                if r.status >= 400 {
                    r.assert_error(r.status);
                }
            }
        }
        for body in bodies {
            for method in ["POST", "PUT", "PATCH"] {
                let r = rest_raw(&s, method, path, Some(&t), Some(body.to_string()), &[]).await;
                assert!(r.status < 500, "{method} {path} {body}: {} {}", r.status, r.body);
                if r.status >= 400 {
                    r.assert_error(r.status);
                }
            }
        }
    }
}

/// The token endpoint counts each client id's requests per minute before checking its secret:
/// guessing a secret, or looping the refresh grant, ends in 429 with the seconds left.
#[tokio::test]
async fn token_requests_of_one_client_are_limited_per_minute() {
    let s = TestServer::start().await;
    let client = reqwest::Client::new();
    let post = |client_id: &'static str| {
        let req = client.post(format!("{}/v1/access_token", s.base)).form(&[
            ("grant_type", "refresh_token"),
            ("client_id", client_id),
            ("client_secret", "guess"),
            ("refresh_token", "nothing"),
        ]);
        async move {
            let resp = req.send().await.unwrap();
            let retry = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
            (resp.status().as_u16(), retry)
        }
    };
    for _ in 0..kaigi_core::rules::limits::TOKEN_REQUESTS_PER_MINUTE {
        assert_eq!(post("Cguessing").await.0, 401, "a wrong secret, counted");
    }
    let (status, retry) = post("Cguessing").await;
    assert_eq!(status, 429);
    let secs: u32 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&secs));
    // Another client id is counted apart; the next minute starts a new count.
    assert_eq!(post("Cother").await.0, 401);
    s.advance(Duration::seconds(60));
    assert_eq!(post("Cguessing").await.0, 401);
}
