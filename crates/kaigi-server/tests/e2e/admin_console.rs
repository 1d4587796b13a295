//! The site administrator's console (`/admin/{site}`) over real HTTP: every page's status, who
//! may open it (signed out, a user who is no administrator, another site's administrator), the
//! form check against cross-site posts, the licence refusal when the seats are full, a meeting
//! cancelled, and the audit rows each action leaves.

use base64::Engine as _;
use kaigi_core::model::{AdminActionKind, Caller, LicensePlan, NewUser, SiteSettings, UserFields};
use reqwest::redirect::Policy;

use crate::support::*;

const MEETING: &str = "<metaData><confName>Quarterly review</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>60</duration></schedule>";

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

struct Answer {
    status: u16,
    location: Option<String>,
    www_authenticate: bool,
    cookie: Option<String>,
    body: String,
}

/// One request as a browser signed in with `auth` and holding `cookie` makes it.
async fn call(
    s: &TestServer,
    method: &str,
    path: &str,
    auth: Option<&str>,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> Answer {
    let client = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
    let mut req = client.request(method.parse().unwrap(), format!("{}{path}", s.base));
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    if method == "POST" {
        req = req.form(form);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    let www_authenticate = resp.headers().get("www-authenticate").is_some();
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kaigi_admin="))
        .map(|c| c.split(';').next().unwrap().to_string());
    Answer { status, location, www_authenticate, cookie, body: resp.text().await.unwrap() }
}

fn hidden_value(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no {name} in {body}")) + marker.len();
    let end = body[start..].find('"').unwrap();
    body[start..start + end].to_string()
}

/// The administrator's browser: its Basic credentials, its check cookie and the check value.
struct Admin {
    auth: String,
    cookie: String,
    check: String,
}

async fn sign_in(s: &TestServer) -> Admin {
    let auth = basic(ADMIN, ADMIN_PW);
    let home = call(s, "GET", "/admin/acme", Some(&auth), None, &[]).await;
    assert_eq!(home.status, 200, "{}", home.body);
    let cookie = home.cookie.expect("the console sets its check cookie");
    Admin {
        check: hidden_value(&call(s, "GET", "/admin/acme/people", Some(&auth), Some(&cookie), &[]).await.body, "check"),
        auth,
        cookie,
    }
}

impl Admin {
    async fn post(&self, s: &TestServer, path: &str, form: &[(&str, &str)]) -> Answer {
        let mut all = vec![("check", self.check.as_str())];
        all.extend_from_slice(form);
        call(s, "POST", path, Some(&self.auth), Some(&self.cookie), &all).await
    }

    async fn get(&self, s: &TestServer, path: &str) -> Answer {
        call(s, "GET", path, Some(&self.auth), Some(&self.cookie), &[]).await
    }
}

#[tokio::test]
async fn every_console_page_answers_its_administrator() {
    let s = TestServer::start().await;
    let key = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await.value(&["meetingkey"]);
    let a = sign_in(&s).await;
    let choose = call(&s, "GET", "/admin", None, None, &[]).await;
    assert_eq!(choose.status, 200);
    let go = call(&s, "GET", "/admin?site=acme", None, None, &[]).await;
    assert_eq!((go.status, go.location.as_deref()), (303, Some("/admin/acme")));
    for path in [
        "/admin/acme".to_string(),
        "/admin/acme/people".into(),
        "/admin/acme/people?q=ali&offset=0".into(),
        "/admin/acme/people/alice".into(),
        "/admin/acme/licences".into(),
        "/admin/acme/meetings".into(),
        "/admin/acme/meetings?q=Quarterly".into(),
        format!("/admin/acme/meetings/{key}"),
        "/admin/acme/webhooks".into(),
        "/admin/acme/outbox".into(),
        "/admin/acme/audit".into(),
    ] {
        let page = a.get(&s, &path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert!(page.body.contains("/license-report.html") && page.body.contains("/integrations"), "{path}");
    }
    let people = a.get(&s, "/admin/acme/people?q=alice").await.body;
    assert!(people.contains("data-webex-id=\"alice\"") && !people.contains("data-webex-id=\"bob\""));
    let meetings = a.get(&s, "/admin/acme/meetings").await.body;
    assert!(meetings.contains("Quarterly review"), "{meetings}");
    assert_eq!(a.get(&s, "/admin/acme/people/nobody").await.status, 404);
    assert_eq!(a.get(&s, "/admin/acme/meetings/1").await.status, 404);
}

#[tokio::test]
async fn only_the_sites_own_administrators_open_the_console() {
    let s = TestServer::start().await;
    // Another site with its own administrator.
    let other =
        s.kaigi.create_site("globex", SiteSettings::default(), LicensePlan::NamedUser { seats: 5 }).await.unwrap();
    let their_admin = NewUser {
        webex_id: "hank".into(),
        fields: UserFields {
            email: Some("hank@globex.example".into()),
            password: Some(ADMIN_PW.into()),
            privileges: vec![("siteAdmin".into(), true)],
            ..UserFields::default()
        },
        ..NewUser::default()
    };
    s.kaigi.create_user(&Caller::operator(other), &their_admin).await.unwrap();
    s.add_user("ro", false, &[("roSiteAdmin", true)]).await;

    for path in ["/admin/acme", "/admin/acme/people", "/admin/acme/audit", "/admin/acme/outbox"] {
        let out = call(&s, "GET", path, None, None, &[]).await;
        assert_eq!(out.status, 401, "{path}");
        assert!(out.www_authenticate, "{path}: the browser is asked to sign in");
        let alice = call(&s, "GET", path, Some(&basic("alice", PW)), None, &[]).await;
        assert_eq!(alice.status, 403, "{path}: {}", alice.body);
        let read_only = call(&s, "GET", path, Some(&basic("ro", PW)), None, &[]).await;
        assert_eq!(read_only.status, 403, "{path}: a read-only administrator does not use the console");
        let hank = call(&s, "GET", path, Some(&basic("hank", ADMIN_PW)), None, &[]).await;
        assert_eq!(hank.status, 401, "{path}: another site's administrator is nobody here");
        let wrong = call(&s, "GET", path, Some(&basic(ADMIN, "nope")), None, &[]).await;
        assert_eq!(wrong.status, 401, "{path}");
    }
    // Hank's own console is his; acme's administrator is nobody there.
    assert_eq!(call(&s, "GET", "/admin/globex", Some(&basic("hank", ADMIN_PW)), None, &[]).await.status, 200);
    assert_eq!(call(&s, "GET", "/admin/globex", Some(&basic(ADMIN, ADMIN_PW)), None, &[]).await.status, 401);
    // A post by someone who is not an administrator changes nothing, check or not.
    let a = sign_in(&s).await;
    let by_alice = call(
        &s,
        "POST",
        "/admin/acme/people/bob/deactivate",
        Some(&basic("alice", PW)),
        Some(&a.cookie),
        &[("check", &a.check)],
    )
    .await;
    assert_eq!(by_alice.status, 403);
    assert!(s.kaigi.user_by_webex_id(&s.site, "bob").await.unwrap().unwrap().is_active());
    assert!(s.store.admin_actions(s.site.id, None, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_post_without_the_consoles_check_is_refused_and_changes_nothing() {
    let s = TestServer::start().await;
    let a = sign_in(&s).await;
    let auth = Some(a.auth.as_str());
    let form = [("webex_id", "mallory"), ("email", "m@acme.example"), ("password", "long-enough-1")];
    // No check, a wrong check, a check without its cookie, another browser's cookie.
    let no_check = call(&s, "POST", "/admin/acme/people", auth, Some(&a.cookie), &form).await;
    assert_eq!(no_check.status, 403, "{}", no_check.body);
    assert!(no_check.body.contains("not sent from this console"));
    let mut wrong = vec![("check", "0123456789abcdef0123456789abcdef")];
    wrong.extend_from_slice(&form);
    assert_eq!(call(&s, "POST", "/admin/acme/people", auth, Some(&a.cookie), &wrong).await.status, 403);
    let mut right = vec![("check", a.check.as_str())];
    right.extend_from_slice(&form);
    assert_eq!(call(&s, "POST", "/admin/acme/people", auth, None, &right).await.status, 403);
    let other_cookie = format!("kaigi_admin={}", "ab".repeat(24));
    assert_eq!(call(&s, "POST", "/admin/acme/people", auth, Some(&other_cookie), &right).await.status, 403);
    for path in ["/admin/acme/licences/alice/unassign", "/admin/acme/people/bob/deactivate"] {
        assert_eq!(call(&s, "POST", path, auth, Some(&a.cookie), &[]).await.status, 403, "{path}");
    }
    assert!(s.kaigi.user_by_webex_id(&s.site, "mallory").await.unwrap().is_none());
    assert!(s.kaigi.user_by_webex_id(&s.site, "alice").await.unwrap().unwrap().privileges.host);
    assert!(s.store.admin_actions(s.site.id, None, 10).await.unwrap().is_empty());
    // The check cookie is the page's: HttpOnly, SameSite=Strict, scoped to the site's console.
    let set = reqwest::Client::new()
        .get(format!("{}/admin/acme", s.base))
        .header("Authorization", &a.auth)
        .send()
        .await
        .unwrap();
    let cookie = set.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("Path=/admin/acme; HttpOnly; SameSite=Strict"), "{cookie}");
}

#[tokio::test]
async fn console_actions_go_through_the_core_and_leave_audit_rows() {
    // Three seats: alice and bob hold two.
    let s = TestServer::start_with(3, &["alice", "bob"]).await;
    let key = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await.value(&["meetingkey"]);
    let a = sign_in(&s).await;

    // Add an employee with a licence (the third seat); the welcome mail is in the outbox.
    let created = a
        .post(
            &s,
            "/admin/acme/people",
            &[
                ("webex_id", "carol"),
                ("first_name", "Carol <b>"),
                ("email", "carol@acme.example"),
                ("password", "carol-pass-1"),
                ("host", "1"),
            ],
        )
        .await;
    assert_eq!((created.status, created.location.as_deref()), (303, Some("/admin/acme/people/carol?done=created")));
    let carol = a.get(&s, "/admin/acme/people/carol?done=created").await.body;
    assert!(carol.contains("Carol &lt;b&gt;") && !carol.contains("Carol <b>"), "escaped");
    assert!(s.outbox().await.iter().any(|m| m.to == "carol@acme.example"));
    // A duplicate is refused on the page with its reason.
    let again = a
        .post(
            &s,
            "/admin/acme/people",
            &[("webex_id", "carol"), ("email", "c2@acme.example"), ("password", "pw-long-1")],
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("class=\"error\""));

    // A fourth licence is refused: the seats are full, and the page says why.
    a.post(
        &s,
        "/admin/acme/people",
        &[("webex_id", "dave"), ("email", "dave@acme.example"), ("password", "dave-pass-1")],
    )
    .await;
    let refused = a.post(&s, "/admin/acme/licences/dave/assign", &[]).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("all 3 host licences of the site are in use"), "{}", refused.body);
    assert!(!s.kaigi.user_by_webex_id(&s.site, "dave").await.unwrap().unwrap().privileges.host);
    // Freeing bob's seat lets dave have it.
    assert_eq!(a.post(&s, "/admin/acme/licences/bob/unassign", &[]).await.status, 303);
    let given = a.post(&s, "/admin/acme/licences/dave/assign", &[]).await;
    assert_eq!((given.status, given.location.as_deref()), (303, Some("/admin/acme/licences?done=assigned")));
    assert!(a.get(&s, "/admin/acme/licences").await.body.contains("3 in use of 3"));

    // Password, privileges, deactivation.
    assert_eq!(a.post(&s, "/admin/acme/people/carol/password", &[("password", "x")]).await.status, 400);
    assert_eq!(a.post(&s, "/admin/acme/people/carol/password", &[("password", "new-carol-pass")]).await.status, 303);
    s.call("carol", "new-carol-pass", "user.GetUser", "<webExId>carol</webExId>").await.assert_success();
    let privileges = a
        .post(&s, "/admin/acme/people/carol/privileges", &[("privilege", "host"), ("privilege", "recordingEditor")])
        .await;
    assert_eq!(privileges.status, 303, "{}", privileges.body);
    assert!(s.kaigi.user_by_webex_id(&s.site, "carol").await.unwrap().unwrap().privileges.recording_editor);
    assert_eq!(a.post(&s, "/admin/acme/people/carol/deactivate", &[]).await.status, 303);
    assert!(!s.kaigi.user_by_webex_id(&s.site, "carol").await.unwrap().unwrap().is_active());

    // Cancel alice's meeting: gone for the APIs too.
    let cancelled = a.post(&s, &format!("/admin/acme/meetings/{key}/cancel"), &[]).await;
    assert_eq!((cancelled.status, cancelled.location.as_deref()), (303, Some("/admin/acme/meetings?done=cancelled")));
    s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>"))
        .await
        .assert_failure("060001");
    assert_eq!(a.post(&s, &format!("/admin/acme/meetings/{key}/cancel"), &[]).await.status, 404);

    // The audit log: who, what, on what, how it ended; newest first, on the page too.
    let rows = s.store.admin_actions(s.site.id, None, 50).await.unwrap();
    let seen: Vec<(AdminActionKind, &str, bool)> =
        rows.iter().rev().map(|r| (r.kind, r.target.as_str(), r.outcome == "done")).collect();
    let key_text = key.to_string();
    assert_eq!(
        seen,
        [
            (AdminActionKind::CreateUser, "carol", true),
            (AdminActionKind::CreateUser, "carol", false),
            (AdminActionKind::CreateUser, "dave", true),
            (AdminActionKind::AssignLicence, "dave", false),
            (AdminActionKind::UnassignLicence, "bob", true),
            (AdminActionKind::AssignLicence, "dave", true),
            (AdminActionKind::ResetPassword, "carol", false),
            (AdminActionKind::ResetPassword, "carol", true),
            (AdminActionKind::SetPrivileges, "carol", true),
            (AdminActionKind::DeactivateUser, "carol", true),
            (AdminActionKind::CancelMeeting, key_text.as_str(), true),
            (AdminActionKind::CancelMeeting, key_text.as_str(), false),
        ]
    );
    assert!(rows.iter().all(|r| r.actor == ADMIN && r.site_id == s.site.id));
    let refusal = rows.iter().find(|r| r.kind == AdminActionKind::AssignLicence && r.outcome != "done").unwrap();
    assert!(refusal.outcome.starts_with("refused: "), "{}", refusal.outcome);
    let page = a.get(&s, "/admin/acme/audit").await.body;
    assert!(page.contains("assign_licence") && page.contains("cancel_meeting") && page.contains("class=\"refused\""));
}
