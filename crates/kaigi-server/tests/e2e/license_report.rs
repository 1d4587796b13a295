//! Licence decisions made over the XML API and the session endpoints, and the compliance report
//! over HTTP, checked against numbers the test counts itself from the bookings it made (the
//! forum thread's company: licensed hosts, unlicensed staff, one account booking for others, a
//! guest who claims the host role with the host key).

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use kaigi_core::model::{LicenseAction, LicenseOutcome};
use serde_json::{json, Value};

use crate::support::*;

fn booking(name: &str, extra: &str) -> String {
    format!(
        "<accessControl><meetingPassword>s3cret</meetingPassword></accessControl><metaData><confName>{name}</confName>\
         </metaData><schedule><startDate>12/20/2026 10:00:00</startDate><duration>30</duration>{extra}</schedule>"
    )
}

pub(crate) async fn report(
    s: &TestServer,
    path: &str,
    auth: Option<(&str, &str)>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut req = reqwest::Client::new().get(format!("{}{path}", s.base));
    if let Some((user, pw)) = auth {
        req = req.basic_auth(user, Some(pw));
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.expect("body"))
}

/// What the test itself saw happen: per month, who scheduled or hosted, and the violations.
#[derive(Default)]
struct Seen {
    hosts: BTreeMap<&'static str, BTreeSet<&'static str>>,
    violations: BTreeMap<&'static str, Vec<(&'static str, &'static str)>>,
}

impl Seen {
    fn hosted(&mut self, month: &'static str, who: &'static str) {
        self.hosts.entry(month).or_default().insert(who);
    }

    fn violation(&mut self, month: &'static str, kind: &'static str, who: &'static str) {
        self.violations.entry(month).or_default().push((kind, who));
    }
}

#[tokio::test]
async fn the_licence_report_explains_a_month_of_bookings_and_sessions() {
    // Named User, 3 seats: alice and bob hold two.
    let s = TestServer::start_with(3, &["alice", "bob"]).await;
    for who in ["carol", "dave", "eve"] {
        s.add_user(who, false, &[]).await;
    }
    s.kaigi.set_license_settings(&s.site, None, Some("trackingCode1")).await.expect("settings");
    let mut seen = Seen::default();

    // June. alice books for herself.
    let key = s.call("alice", PW, "meeting.CreateMeeting", &booking("Sync", "")).await.value(&["meetingkey"]);
    seen.hosted("2026-06", "alice");
    // alice names carol alternate host: carol holds no licence, so she stays an attendee.
    let carol = format!(
        "<person><name>Carol</name><email>carol@acme.example</email></person><role>HOST</role><sessionKey>{key}</sessionKey>"
    );
    s.call("alice", PW, "attendee.CreateMeetingAttendee", &carol).await.assert_success();
    let carol_role = s.store.meeting_by_key(s.site.id, key.parse().unwrap()).await.unwrap().unwrap().invitees;
    assert_eq!(
        carol_role.iter().map(|i| (i.email.as_str(), i.role.as_str())).collect::<Vec<_>>(),
        [("carol@acme.example", "ATTENDEE")]
    );
    seen.violation("2026-06", "refused_booking", "carol");
    // carol has no licence: refused, with a reason that says what to do.
    let refused = s.call("carol", PW, "meeting.CreateMeeting", &booking("Mine", "")).await;
    refused.assert_failure("000001");
    assert!(refused.reason().contains("holds no host licence") && refused.reason().contains("assign"));
    seen.violation("2026-06", "refused_booking", "carol");
    // The administrator books as bob for two other people (tracking code 1 names them): bob's
    // licence is shared.
    for requester in ["carol", "dave"] {
        let body = booking("For someone", "<hostWebExID>bob</hostWebExID>")
            + &format!("<tracking><trackingCode1>{requester}</trackingCode1></tracking>");
        s.as_admin("meeting.CreateMeeting", &body).await.assert_success();
        seen.violation("2026-06", "shared_account", "bob");
    }
    seen.hosted("2026-06", "bob");
    // A guest joins alice's meeting and claims the host role with the host key.
    let host_key =
        s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await.value(&["hostKey"]);
    let join =
        |email: &str| json!({ "name": "Someone", "email": email, "password": "s3cret", "hostKey": host_key.clone() });
    let client = reqwest::Client::new();
    for email in ["taro@guest.example", "alice@acme.example"] {
        let resp = client
            .post(format!("{}/_kaigi/meetings/{key}/join", s.base))
            .json(&join(email))
            .send()
            .await
            .expect("join");
        assert_eq!(resp.status().as_u16(), 200);
        let body: Value = resp.json().await.expect("json");
        assert_eq!(body["role"], "HOST");
    }
    seen.hosted("2026-06", "taro@guest.example");
    seen.violation("2026-06", "unlicensed_host_key_claim", "taro@guest.example");

    // July. bob books for himself; the site turns on auto-assignment: dave gets the last free
    // seat, eve finds none.
    s.advance(Duration::days(35));
    s.call("bob", PW, "meeting.CreateMeeting", &booking("Bob's", "")).await.assert_success();
    seen.hosted("2026-07", "bob");
    s.kaigi.set_license_settings(&s.site, Some(true), None).await.expect("settings");
    s.call("dave", PW, "meeting.CreateMeeting", &booking("Dave's", "")).await.assert_success();
    seen.hosted("2026-07", "dave");
    s.call("eve", PW, "meeting.CreateMeeting", &booking("Eve's", "")).await.assert_failure("000001");
    seen.violation("2026-07", "refused_booking", "eve");

    let decisions = s.store.recent_license_decisions(s.site.id, 20).await.expect("decisions");
    let dave = decisions.iter().find(|d| d.person == "dave").expect("dave's decision");
    assert_eq!((dave.action, dave.outcome), (LicenseAction::Schedule, LicenseOutcome::AutoAssigned));
    assert!(dave.meeting_key.is_some());

    // The report, as the administrator.
    let path = format!("/_kaigi/sites/{SITE}/license-report?from=2026-06&to=2026-07");
    let (status, _, text) = report(&s, &path, Some((ADMIN, ADMIN_PW))).await;
    assert_eq!(status, 200, "{text}");
    let r: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(r["plan"]["kind"], "namedUser");
    let months = r["months"].as_array().expect("months");
    assert_eq!(months.len(), 2);
    for m in months {
        let month = m["month"].as_str().expect("month");
        let hosts = seen.hosts.get(month).map_or(0, BTreeSet::len);
        assert_eq!(m["distinctHosts"], hosts, "{month}: {m}");
        let mut got: Vec<(String, String)> = m["violations"]
            .as_array()
            .expect("violations")
            .iter()
            .map(|v| (v["kind"].as_str().unwrap().to_string(), v["person"].as_str().unwrap().to_string()))
            .collect();
        let mut want: Vec<(String, String)> = seen
            .violations
            .get(month)
            .map(|v| v.iter().map(|(k, p)| (k.to_string(), p.to_string())).collect())
            .unwrap_or_default();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{month}");
        for v in m["violations"].as_array().unwrap() {
            if v["kind"] != "refused_booking" {
                assert!(v["booking"].as_str().is_some_and(|b| b.len() == 9), "the booking behind it: {v}");
            }
            assert!(v["at"].as_str().is_some());
        }
    }
    let (june, july) = (&months[0], &months[1]);
    // June: alice and bob hold seats; the guest hosted without one.
    assert_eq!((june["seatsAssigned"].as_u64(), june["neededNamedUser"].as_u64()), (Some(2), Some(3)));
    // July: dave took the third seat.
    assert_eq!((july["seatsAssigned"].as_u64(), july["neededNamedUser"].as_u64()), (Some(3), Some(3)));
    assert_eq!(july["neededActiveUser"], 2);
    assert_eq!(r["whatIf"]["namedUser"]["licences"], 3);
    let claim = june["violations"].as_array().unwrap().iter().find(|v| v["kind"] == "unlicensed_host_key_claim");
    assert_eq!(claim.unwrap()["booking"].as_str(), Some(key.as_str()));

    // The page: the same numbers, a chart drawn on the server, text escaped.
    let (status, headers, html) = report(
        &s,
        &format!("/_kaigi/sites/{SITE}/license-report.html?from=2026-06&to=2026-07"),
        Some((ADMIN, ADMIN_PW)),
    )
    .await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(html.contains("<svg") && html.matches("class=\"bar\"").count() == 8, "four bars a month");
    assert!(html.contains("unlicensed_host_key_claim") && html.contains("taro@guest.example"));
    assert!(!html.contains("<script"));
    let (status, _, same) = report(&s, &format!("{path}&format=html"), Some((ADMIN, ADMIN_PW))).await;
    assert_eq!((status, same.len()), (200, html.len()));
}

#[tokio::test]
async fn the_licence_report_is_for_site_administrators_only() {
    let s = TestServer::start().await;
    let path = format!("/_kaigi/sites/{SITE}/license-report?from=2026-01&to=2026-06");
    let (status, headers, body) = report(&s, &path, None).await;
    assert_eq!(status, 401, "{body}");
    assert!(headers["www-authenticate"].to_str().unwrap().starts_with("Basic"));
    assert_eq!(report(&s, &path, Some((ADMIN, "wrong"))).await.0, 401);
    let (status, _, body) = report(&s, &path, Some(("alice", PW))).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("administrators"));
    let (status, _, body) = report(&s, "/_kaigi/sites/nosuch/license-report", Some((ADMIN, ADMIN_PW))).await;
    assert_eq!(status, 404, "{body}");
    for bad in ["from=2026-13&to=2026-12", "from=2026-06&to=2026-01", "from=2020-01&to=2026-01", "from=x"] {
        let (status, _, body) =
            report(&s, &format!("/_kaigi/sites/{SITE}/license-report?{bad}"), Some((ADMIN, ADMIN_PW))).await;
        assert_eq!(status, 400, "{bad}: {body}");
        let json: Value = serde_json::from_str(&body).expect("JSON error");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Without a range: the twelve months up to now (June 2026 on the test clock).
    let (status, _, body) = report(&s, &format!("/_kaigi/sites/{SITE}/license-report"), Some((ADMIN, ADMIN_PW))).await;
    assert_eq!(status, 200, "{body}");
    let r: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((r["from"].as_str(), r["to"].as_str()), (Some("2025-07"), Some("2026-06")));
    // A malformed Authorization header is a 401, never a 500.
    let resp = reqwest::Client::new()
        .get(format!("{}{path}", s.base))
        .header("Authorization", "Basic %%%not-base64")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}

/// The way in: a site administrator's bearer token; a user's token is refused by the
/// core's rule, a bad token is a 401.
#[tokio::test]
async fn the_licence_report_takes_a_site_administrators_bearer_token() {
    let s = TestServer::start().await;
    let path = format!("{}/_kaigi/sites/{SITE}/license-report?from=2026-01&to=2026-06", s.base);
    let get = |token: String| {
        let path = path.clone();
        async move {
            let resp = reqwest::Client::new().get(path).bearer_auth(token).send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let admin = crate::rest_support::token(&s, ADMIN, None).await;
    let (status, body) = get(admin).await;
    assert_eq!(status, 200, "{body}");
    let r: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(r["months"].as_array().map(Vec::len), Some(6));
    let user = crate::rest_support::token(&s, "alice", None).await;
    assert_eq!(get(user).await.0, 403);
    assert_eq!(get("not-a-token".to_string()).await.0, 401);
    // An administrator's token without the licence scope (what an integration holds) is refused …
    let narrow = crate::rest_support::token(&s, ADMIN, Some(&["spark:people_read"])).await;
    let (status, body) = get(narrow.clone()).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("spark-admin:licenses_read"), "{body}");
    // … and no bearer token opens the integrations page, whose forms manage the site's
    // integrations: it asks for a site administrator's sign-in instead.
    let admin = crate::rest_support::token(&s, ADMIN, None).await;
    for token in [narrow, admin] {
        let page = format!("{}/_kaigi/sites/{SITE}/integrations", s.base);
        let resp = reqwest::Client::new().get(page).bearer_auth(token).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 401);
        assert!(resp.headers().get("www-authenticate").is_some_and(|v| v.to_str().unwrap().starts_with("Basic")));
    }
}

/// The forum thread's plan, over REST: one administrator account books for alice on behalf of
/// two different employees, named in `integrationTags`; the report flags the shared account.
#[tokio::test]
async fn bookings_for_several_requesters_through_rest_are_a_shared_account() {
    let s = TestServer::start().await;
    let boss = crate::rest_support::token(&s, ADMIN, None).await;
    for (i, requester) in ["emp001", "emp002"].into_iter().enumerate() {
        let body = serde_json::json!({
            "title": format!("Booked for {requester}"),
            "start": format!("2026-06-0{}T10:00:00Z", i + 2),
            "end": format!("2026-06-0{}T11:00:00Z", i + 2),
            "hostEmail": "alice@acme.example",
            "integrationTags": [requester],
        });
        crate::rest_support::rest(&s, "POST", "/v1/meetings", Some(&boss), Some(body)).await.ok();
    }
    let resp = reqwest::Client::new()
        .get(format!("{}/_kaigi/sites/{SITE}/license-report?from=2026-06&to=2026-06", s.base))
        .bearer_auth(&boss)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let r: Value = resp.json().await.unwrap();
    let violations = r["months"][0]["violations"].as_array().expect("violations").clone();
    let shared: Vec<&Value> = violations.iter().filter(|v| v["kind"] == "shared_account").collect();
    assert_eq!(shared.len(), 2, "{violations:?}");
    let mut requesters: Vec<&str> = shared.iter().filter_map(|v| v["requester"].as_str()).collect();
    requesters.sort_unstable();
    assert_eq!(requesters, ["emp001", "emp002"]);
    assert!(shared.iter().all(|v| v["person"] == "alice"), "{shared:?}");
}

/// Naming a co-host over REST is a licence question like any other: an employee without a
/// licence stays a plain invitee, and the report lists the refusal with the booking.
#[tokio::test]
async fn an_unlicensed_rest_cohost_is_refused_and_reported() {
    let s = TestServer::start().await;
    s.add_user("emp", false, &[]).await;
    let alice = crate::rest_support::token(&s, "alice", None).await;
    let body = serde_json::json!({
        "title": "With a co-host",
        "start": "2026-06-02T10:00:00Z",
        "end": "2026-06-02T11:00:00Z",
        "invitees": [{ "email": "emp@acme.example", "coHost": true }],
    });
    let m = crate::rest_support::rest(&s, "POST", "/v1/meetings", Some(&alice), Some(body)).await.ok().clone();
    let number = m["meetingNumber"].as_str().expect("meetingNumber").to_string();
    let boss = crate::rest_support::token(&s, ADMIN, None).await;
    let resp = reqwest::Client::new()
        .get(format!("{}/_kaigi/sites/{SITE}/license-report?from=2026-06&to=2026-06", s.base))
        .bearer_auth(&boss)
        .send()
        .await
        .unwrap();
    let r: Value = resp.json().await.unwrap();
    let violations = r["months"][0]["violations"].as_array().expect("violations").clone();
    let refusal = violations.iter().find(|v| v["person"] == "emp").unwrap_or_else(|| panic!("{violations:?}"));
    assert_eq!(refusal["kind"], "refused_booking");
    assert_eq!(refusal["booking"].to_string().trim_matches('"'), number);
}
