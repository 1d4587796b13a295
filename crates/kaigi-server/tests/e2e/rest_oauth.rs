//! OAuth integrations and Service Apps over real HTTP: the browser's walk through
//! `/v1/authorize`, the token endpoint's grants and every refusal, tokens used on the REST API
//! (an administrator booking for a licensed host with `hostEmail`), and the site
//! administrator's integrations page.

use base64::Engine as _;
use chrono::Duration;
use kaigi_core::model::{Caller, IntegrationKind, NewIntegration};
use reqwest::redirect::Policy;
use serde_json::{json, Value};

use crate::rest_support::*;
use crate::support::*;

const CALLBACK: &str = "https://booker.example/oauth/callback";
const ADMIN_SCOPES: &str = "meeting:admin_schedule_write meeting:admin_schedule_read spark:people_read";

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

struct App {
    client_id: String,
    secret: String,
}

/// Registers an integration (or Service App) as the site's operator would.
async fn register(s: &TestServer, kind: IntegrationKind, scopes: &str) -> App {
    let req = NewIntegration {
        name: "Room booker".into(),
        redirect_uris: if kind == IntegrationKind::Integration { vec![CALLBACK.into()] } else { vec![] },
        scopes: vec![scopes.into()],
        kind,
    };
    let made = s.kaigi.create_integration(&Caller::operator(s.site.clone()), &req).await.expect("register");
    App { client_id: made.integration.client_id, secret: made.client_secret }
}

struct Page {
    status: u16,
    location: Option<String>,
    cookie: Option<String>,
    body: String,
}

async fn page_of(resp: reqwest::Response) -> Page {
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kaigi_oauth=") || c.starts_with("kaigi_integrations="))
        .map(|c| c.split(';').next().unwrap().to_string());
    Page { status, location, cookie, body: resp.text().await.unwrap() }
}

fn authorize_url(s: &TestServer, client_id: &str, redirect: &str, scope: &str, state: &str) -> String {
    let enc = |v: &str| v.replace(' ', "%20").replace(':', "%3A").replace('/', "%2F");
    format!(
        "{}/v1/authorize?client_id={client_id}&response_type=code&redirect_uri={}&scope={}&state={}",
        s.base,
        enc(redirect),
        enc(scope),
        enc(state)
    )
}

async fn get_page(url: &str) -> Page {
    page_of(browser().get(url).send().await.unwrap()).await
}

/// The value of the hidden input `name` in a page.
fn hidden_value(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no {name} in {body}")) + marker.len();
    let end = body[start..].find('"').unwrap();
    body[start..start + end].replace("&amp;", "&").replace("&quot;", "\"")
}

/// Opens the consent page and presses a button as a browser would (the cookie and the form's
/// hidden fields go back as they came).
async fn consent(url: &str, user: &str, password: &str, decision: &str) -> Page {
    let shown = get_page(url).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let fields: Vec<(String, String)> = ["client_id", "response_type", "redirect_uri", "scope", "state", "check"]
        .iter()
        .map(|n| (n.to_string(), hidden_value(&shown.body, n)))
        .chain([
            ("user".to_string(), user.to_string()),
            ("password".to_string(), password.to_string()),
            ("decision".to_string(), decision.to_string()),
        ])
        .collect();
    let base = url.split("/v1/authorize").next().unwrap();
    let resp = browser()
        .post(format!("{base}/v1/authorize"))
        .header("Cookie", shown.cookie.expect("cookie"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    page_of(resp).await
}

/// The query parameters of a redirect.
fn query_of(location: &str) -> Vec<(String, String)> {
    let q = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    url_pairs(q)
}

fn url_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            let mut out = Vec::new();
            let b = v.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' && i + 2 < b.len() {
                    out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    out.push(if b[i] == b'+' { b' ' } else { b[i] });
                    i += 1;
                }
            }
            (k.to_string(), String::from_utf8(out).unwrap())
        })
        .collect()
}

fn param(location: &str, name: &str) -> Option<String> {
    query_of(location).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// A code for `user` through the consent page.
async fn code_for(s: &TestServer, app: &App, scope: &str, user: &str, password: &str) -> String {
    let page = consent(&authorize_url(s, &app.client_id, CALLBACK, scope, "xyz"), user, password, "approve").await;
    assert_eq!(page.status, 302, "{}", page.body);
    let location = page.location.unwrap();
    assert!(location.starts_with(CALLBACK), "{location}");
    assert_eq!(param(&location, "state").as_deref(), Some("xyz"));
    param(&location, "code").expect("code")
}

/// POST /v1/access_token with a form.
async fn token_form(s: &TestServer, fields: &[(&str, &str)]) -> RestReply {
    let resp = reqwest::Client::new().post(format!("{}/v1/access_token", s.base)).form(fields).send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body: Value = resp.json().await.unwrap();
    RestReply { status, headers, body }
}

async fn exchange(s: &TestServer, app: &App, code: &str) -> RestReply {
    token_form(
        s,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &app.client_id),
            ("client_secret", &app.secret),
            ("code", code),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await
}

async fn refresh(s: &TestServer, app: &App, refresh_token: &str) -> RestReply {
    token_form(
        s,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &app.client_id),
            ("client_secret", &app.secret),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

#[track_caller]
fn assert_oauth_error(r: &RestReply, status: u16, code: &str) {
    r.assert_error(status);
    assert_eq!(r.body["error"], code, "{}", r.body);
}

fn meeting_for(host: Option<&str>) -> Value {
    let mut b =
        json!({"title": "Booked by the integration", "start": "2026-07-01T10:00:00Z", "end": "2026-07-01T11:00:00Z"});
    if let Some(h) = host {
        b["hostEmail"] = json!(h);
    }
    b
}

#[tokio::test]
async fn an_admin_authorizes_an_integration_that_books_for_licensed_hosts_and_refreshes() {
    let s = TestServer::start().await;
    s.add_user("carol", false, &[]).await;
    let app = register(&s, IntegrationKind::Integration, ADMIN_SCOPES).await;
    let code = code_for(&s, &app, ADMIN_SCOPES, ADMIN, ADMIN_PW).await;
    let tokens = exchange(&s, &app, &code).await;
    let t = tokens.ok().clone();
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"], 14 * 24 * 3600);
    assert_eq!(t["refresh_token_expires_in"], 90 * 24 * 3600);
    let mut granted: Vec<&str> = t["scope"].as_str().unwrap().split(' ').collect();
    granted.sort_unstable();
    assert_eq!(granted, ["meeting:admin_schedule_read", "meeting:admin_schedule_write", "spark:people_read"]);
    assert_eq!(tokens.headers["cache-control"], "no-store");
    let access = t["access_token"].as_str().unwrap().to_string();
    let refresh_token = t["refresh_token"].as_str().unwrap().to_string();

    // The token speaks for the administrator who signed in, with the granted scopes.
    let me = rest(&s, "GET", "/v1/people/me", Some(&access), None).await;
    assert_eq!(me.ok()["emails"][0], "boss@acme.example");
    let booked = rest(&s, "POST", "/v1/meetings", Some(&access), Some(meeting_for(Some("alice@acme.example")))).await;
    assert_eq!(booked.ok()["hostEmail"], "alice@acme.example");
    // An unlicensed host is refused by the licence rule.
    let refused = rest(&s, "POST", "/v1/meetings", Some(&access), Some(meeting_for(Some("carol@acme.example")))).await;
    refused.assert_error(403);
    assert!(refused.description().contains("carol"), "{}", refused.body);
    // A scope the integration was not granted is refused: it may not schedule as boss himself.
    let own = rest(&s, "GET", "/v1/meetings", Some(&access), None).await;
    assert_eq!(own.status, 200, "admin_schedule_read covers reading");
    let expiry = rest(&s, "GET", "/v1/authorizations/tokenExpiry", Some(&access), None).await;
    assert_eq!(expiry.ok()["exp"], (start_time() + Duration::days(14)).timestamp_millis());

    // Fifteen days on the access token is expired; the refresh token makes a new one.
    s.advance(Duration::days(15));
    rest(&s, "GET", "/v1/people/me", Some(&access), None).await.assert_error(401);
    let renewed = refresh(&s, &app, &refresh_token).await;
    let r = renewed.ok().clone();
    assert_eq!(r["refresh_token"], refresh_token.as_str(), "the refresh token stays the same");
    assert_eq!(r["refresh_token_expires_in"], 75 * 24 * 3600);
    assert_eq!(r["expires_in"], 14 * 24 * 3600);
    let fresh = r["access_token"].as_str().unwrap();
    assert_ne!(fresh, access);
    let window = "from=2026-07-01T00:00:00Z&to=2026-07-02T00:00:00Z";
    let listed =
        rest(&s, "GET", &format!("/v1/meetings?hostEmail=alice@acme.example&{window}"), Some(fresh), None).await;
    assert_eq!(listed.ok()["items"].as_array().unwrap().len(), 1);
    // A refresh token is not a bearer token.
    rest(&s, "GET", "/v1/people/me", Some(&refresh_token), None).await.assert_error(401);
    // Ninety days after it was issued the refresh token is over too.
    s.advance(Duration::days(76));
    assert_oauth_error(&refresh(&s, &app, &refresh_token).await, 400, "invalid_grant");
}

#[tokio::test]
async fn the_token_endpoint_refuses_every_bad_grant() {
    let s = TestServer::start().await;
    let app = register(&s, IntegrationKind::Integration, "meeting:schedules_read spark:people_read").await;
    let other = register(&s, IntegrationKind::Integration, "meeting:schedules_read").await;
    let scope = "meeting:schedules_read";

    // A wrong secret.
    let code = code_for(&s, &app, scope, "alice", PW).await;
    let wrong = App { client_id: app.client_id.clone(), secret: "0".repeat(64) };
    assert_oauth_error(&exchange(&s, &wrong, &code).await, 401, "invalid_client");
    // The code was not spent by the failed attempt; it works once, and never again.
    exchange(&s, &app, &code).await.ok();
    assert_oauth_error(&exchange(&s, &app, &code).await, 400, "invalid_grant");

    // A redirect URI other than the one the code was issued for.
    let code = code_for(&s, &app, scope, "alice", PW).await;
    let r = token_form(
        &s,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &app.client_id),
            ("client_secret", &app.secret),
            ("code", &code),
            ("redirect_uri", "https://booker.example/other"),
        ],
    )
    .await;
    assert_oauth_error(&r, 400, "invalid_grant");
    assert!(r.description().contains("redirect_uri"), "{}", r.body);
    // Leaving it out is no better.
    let code = code_for(&s, &app, scope, "alice", PW).await;
    let r = token_form(
        &s,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &app.client_id),
            ("client_secret", &app.secret),
            ("code", &code),
        ],
    )
    .await;
    assert_oauth_error(&r, 400, "invalid_grant");

    // Another client's code.
    let code = code_for(&s, &app, scope, "alice", PW).await;
    assert_oauth_error(&exchange(&s, &other, &code).await, 400, "invalid_grant");

    // A code older than ten minutes.
    let code = code_for(&s, &app, scope, "alice", PW).await;
    s.advance(Duration::minutes(11));
    let expired = exchange(&s, &app, &code).await;
    assert_oauth_error(&expired, 400, "invalid_grant");
    assert!(expired.description().contains("expired"), "{}", expired.body);

    // Client credentials as HTTP Basic work too.
    let code = code_for(&s, &app, scope, "alice", PW).await;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", app.client_id, app.secret));
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/access_token", s.base))
        .header("Authorization", format!("Basic {basic}"))
        .form(&[("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", CALLBACK)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);

    // Unknown grant types, missing fields and an access token used as a refresh token.
    let r =
        token_form(&s, &[("grant_type", "password"), ("client_id", &app.client_id), ("client_secret", &app.secret)])
            .await;
    assert_oauth_error(&r, 400, "unsupported_grant_type");
    let r = token_form(
        &s,
        &[("grant_type", "authorization_code"), ("client_id", &app.client_id), ("client_secret", &app.secret)],
    )
    .await;
    assert_oauth_error(&r, 400, "invalid_request");
    assert_oauth_error(&token_form(&s, &[("grant_type", "refresh_token")]).await, 401, "invalid_client");
    let code = code_for(&s, &app, scope, "alice", PW).await;
    let access = exchange(&s, &app, &code).await.ok()["access_token"].as_str().unwrap().to_string();
    assert_oauth_error(&refresh(&s, &app, &access).await, 400, "invalid_grant");
    // A huge form is refused without harm.
    let big = "x".repeat(40 * 1024);
    let r = token_form(&s, &[("grant_type", "refresh_token"), ("refresh_token", &big)]).await;
    r.assert_error(413);
}

#[tokio::test]
async fn the_authorize_page_never_sends_people_to_an_unverified_uri() {
    let s = TestServer::start().await;
    let app = register(&s, IntegrationKind::Integration, "meeting:schedules_read").await;
    let scope = "meeting:schedules_read";

    let unknown = get_page(&authorize_url(&s, "Cunknown", CALLBACK, scope, "s")).await;
    assert_eq!((unknown.status, unknown.location.is_none()), (400, true), "{}", unknown.body);
    assert!(unknown.body.contains("client_id"), "{}", unknown.body);
    let elsewhere = get_page(&authorize_url(&s, &app.client_id, "https://evil.example/cb", scope, "s")).await;
    assert_eq!((elsewhere.status, elsewhere.location.is_none()), (400, true), "{}", elsewhere.body);
    assert!(elsewhere.body.contains("redirect_uri"), "{}", elsewhere.body);
    // A prefix of a registered URI is not that URI.
    let prefix =
        get_page(&authorize_url(&s, &app.client_id, "https://booker.example/oauth/callback/x", scope, "s")).await;
    assert_eq!(prefix.status, 400);

    // Verified URI: a scope the integration did not register is sent back as invalid_scope.
    let bad_scope = get_page(&authorize_url(&s, &app.client_id, CALLBACK, "meeting:schedules_write", "s1")).await;
    assert_eq!(bad_scope.status, 302);
    let location = bad_scope.location.unwrap();
    assert!(location.starts_with(CALLBACK));
    assert_eq!(param(&location, "error").as_deref(), Some("invalid_scope"));
    assert_eq!(param(&location, "state").as_deref(), Some("s1"));

    // Only response_type=code is served; a state too long comes back as invalid_request, without it.
    let implicit =
        authorize_url(&s, &app.client_id, CALLBACK, scope, "s5").replace("response_type=code", "response_type=token");
    let location = get_page(&implicit).await.location.expect("sent back");
    assert_eq!(param(&location, "error").as_deref(), Some("unsupported_response_type"));
    assert_eq!(param(&location, "state").as_deref(), Some("s5"));
    let long_state = "x".repeat(kaigi_core::rules::limits::MAX_STATE_BYTES + 1);
    let location =
        get_page(&authorize_url(&s, &app.client_id, CALLBACK, scope, &long_state)).await.location.expect("sent back");
    assert_eq!(param(&location, "error").as_deref(), Some("invalid_request"));
    assert!(!location.contains(&long_state));

    // The page names the integration and the scopes, HTML-escaped.
    let shown = get_page(&authorize_url(&s, &app.client_id, CALLBACK, scope, "<b>")).await;
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("Room booker") && shown.body.contains("data-scope=\"meeting:schedules_read\""));
    assert!(!shown.body.contains("<b>") && shown.body.contains("&lt;b&gt;"));

    // Deny sends access_denied back with the state.
    let denied = consent(&authorize_url(&s, &app.client_id, CALLBACK, scope, "s2"), "", "", "deny").await;
    let location = denied.location.unwrap();
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&location, "state").as_deref(), Some("s2"));

    // A wrong password stays on the page with the error; five lock the account, and then even
    // the right password is refused until the lock passes.
    for _ in 0..5 {
        let wrong =
            consent(&authorize_url(&s, &app.client_id, CALLBACK, scope, "s3"), "alice", "nope", "approve").await;
        assert_eq!((wrong.status, wrong.location.is_none()), (401, true));
        assert!(wrong.body.contains("wrong"), "{}", wrong.body);
    }
    let locked = consent(&authorize_url(&s, &app.client_id, CALLBACK, scope, "s3"), "alice", PW, "approve").await;
    assert_eq!(locked.status, 401);
    assert!(locked.body.contains("locked"), "{}", locked.body);
    s.advance(Duration::minutes(16));
    let page =
        consent(&authorize_url(&s, &app.client_id, CALLBACK, scope, "s3"), "alice@acme.example", PW, "approve").await;
    assert_eq!(page.status, 302, "{}", page.body);

    // A post from another site (no cookie of kaigi's page) is refused and redirects nowhere.
    let forged = browser()
        .post(format!("{}/v1/authorize", s.base))
        .form(&[
            ("client_id", app.client_id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", CALLBACK),
            ("scope", scope),
            ("state", "s4"),
            ("check", "guess"),
            ("user", "alice"),
            ("password", PW),
            ("decision", "approve"),
        ])
        .send()
        .await
        .unwrap();
    let forged = page_of(forged).await;
    assert_eq!((forged.status, forged.location.is_none()), (403, true));
    // Other methods get the REST error JSON.
    rest(&s, "PUT", "/v1/authorize", None, None).await.assert_error(405);
}

#[tokio::test]
async fn an_admin_scope_asked_by_a_non_admin_is_not_granted() {
    let s = TestServer::start().await;
    let scopes = "meeting:admin_schedule_write meeting:schedules_write meeting:schedules_read";
    let app = register(&s, IntegrationKind::Integration, scopes).await;
    let code = code_for(&s, &app, scopes, "alice", PW).await;
    let t = exchange(&s, &app, &code).await.ok().clone();
    assert!(!t["scope"].as_str().unwrap().contains("admin"), "{t}");
    let access = t["access_token"].as_str().unwrap();
    let own = rest(&s, "POST", "/v1/meetings", Some(access), Some(meeting_for(None))).await;
    assert_eq!(own.ok()["hostEmail"], "alice@acme.example");
    let refused = rest(&s, "POST", "/v1/meetings", Some(access), Some(meeting_for(Some("bob@acme.example")))).await;
    refused.assert_error(403);
    // Asking for nothing but an admin scope grants nothing: invalid_scope.
    let page = consent(
        &authorize_url(&s, &app.client_id, CALLBACK, "meeting:admin_schedule_write", "s"),
        "alice",
        PW,
        "approve",
    )
    .await;
    assert_eq!(param(&page.location.unwrap(), "error").as_deref(), Some("invalid_scope"));
}

#[tokio::test]
async fn deleting_an_integration_stops_its_tokens() {
    let s = TestServer::start().await;
    let app = register(&s, IntegrationKind::Integration, "spark:people_read").await;
    let code = code_for(&s, &app, "spark:people_read", "bob", PW).await;
    let t = exchange(&s, &app, &code).await.ok().clone();
    let access = t["access_token"].as_str().unwrap();
    rest(&s, "GET", "/v1/people/me", Some(access), None).await.ok();
    let unused = code_for(&s, &app, "spark:people_read", "bob", PW).await;
    s.kaigi.delete_integration(&Caller::operator(s.site.clone()), &app.client_id).await.expect("delete");
    rest(&s, "GET", "/v1/people/me", Some(access), None).await.assert_error(401);
    assert_oauth_error(&refresh(&s, &app, t["refresh_token"].as_str().unwrap()).await, 401, "invalid_client");
    assert_oauth_error(&exchange(&s, &app, &unused).await, 401, "invalid_client");
    let gone = get_page(&authorize_url(&s, &app.client_id, CALLBACK, "spark:people_read", "s")).await;
    assert_eq!((gone.status, gone.location.is_none()), (400, true));
}

/// RFC 6749 §4.1.2 (issue #12): a code presented a second time is refused and revokes the
/// tokens issued from it, refresh token included.
#[tokio::test]
async fn a_reused_code_revokes_the_tokens_issued_from_it() {
    let s = TestServer::start().await;
    let app = register(&s, IntegrationKind::Integration, "spark:people_read").await;
    let code = code_for(&s, &app, "spark:people_read", "bob", PW).await;
    let t = exchange(&s, &app, &code).await.ok().clone();
    let access = t["access_token"].as_str().unwrap();
    rest(&s, "GET", "/v1/people/me", Some(access), None).await.ok();
    assert_oauth_error(&exchange(&s, &app, &code).await, 400, "invalid_grant");
    rest(&s, "GET", "/v1/people/me", Some(access), None).await.assert_error(401);
    assert_oauth_error(&refresh(&s, &app, t["refresh_token"].as_str().unwrap()).await, 400, "invalid_grant");
    // Another code of the same person is not touched.
    let other = exchange(&s, &app, &code_for(&s, &app, "spark:people_read", "bob", PW).await).await.ok().clone();
    rest(&s, "GET", "/v1/people/me", Some(other["access_token"].as_str().unwrap()), None).await.ok();
}

/// A code made at a sign-in before a password change is refused (issue #12), and tokens issued
/// from an earlier one stop working, refresh token included.
#[tokio::test]
async fn a_password_change_revokes_codes_and_oauth_tokens() {
    let s = TestServer::start().await;
    let app = register(&s, IntegrationKind::Integration, "spark:people_read").await;
    let t = exchange(&s, &app, &code_for(&s, &app, "spark:people_read", "bob", PW).await).await.ok().clone();
    let pending = code_for(&s, &app, "spark:people_read", "bob", PW).await;
    s.as_admin("user.SetUser", "<webExId>bob</webExId><password>changed-1</password>").await.assert_success();
    assert_oauth_error(&exchange(&s, &app, &pending).await, 400, "invalid_grant");
    rest(&s, "GET", "/v1/people/me", Some(t["access_token"].as_str().unwrap()), None).await.assert_error(401);
    assert_oauth_error(&refresh(&s, &app, t["refresh_token"].as_str().unwrap()).await, 400, "invalid_grant");
}

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

/// The integrations page as a browser signed in with `auth` and holding `cookie` sees it.
async fn admin_page(
    s: &TestServer,
    method: &str,
    path: &str,
    auth: Option<&str>,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> Page {
    let mut req = browser().request(method.parse().unwrap(), format!("{}{path}", s.base));
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    if method == "POST" {
        req = req.form(form);
    }
    page_of(req.send().await.unwrap()).await
}

#[tokio::test]
async fn a_service_app_books_for_licensed_hosts_once_an_admin_authorizes_it() {
    let s = TestServer::start().await;
    s.add_user("carol", false, &[]).await;
    let boss = basic(ADMIN, ADMIN_PW);
    let page = "/_kaigi/sites/acme/integrations";

    // The administrator registers the Service App on the web page (its secret is shown once).
    let list = admin_page(&s, "GET", page, Some(&boss), None, &[]).await;
    assert_eq!(list.status, 200, "{}", list.body);
    let check = hidden_value(&list.body, "check");
    let jar = list.cookie.clone().expect("the page sets its check cookie");
    let c = Some(jar.as_str());
    let created = admin_page(
        &s,
        "POST",
        page,
        Some(&boss),
        c,
        &[
            ("check", &check),
            ("name", "Front desk <app>"),
            ("redirect_uris", ""),
            ("scope", "meeting:admin_schedule_write"),
            ("scope", "meeting:admin_schedule_read"),
            ("scope", "spark:people_read"),
            ("service_app", "1"),
        ],
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert!(created.body.contains("Front desk &lt;app&gt;") && !created.body.contains("<app>"));
    let grab = |id: &str| {
        let start = created.body.find(&format!("id=\"{id}\"><code>")).unwrap() + id.len() + 12;
        created.body[start..].split('<').next().unwrap().to_string()
    };
    let app = App { client_id: grab("client-id"), secret: grab("client-secret") };
    assert!(app.client_id.starts_with('C') && app.secret.len() == 64, "{}", created.body);
    let again = admin_page(&s, "GET", page, Some(&boss), c, &[]).await;
    assert!(again.body.contains(&app.client_id) && !again.body.contains(&app.secret), "shown once");
    assert!(again.body.contains("not authorized"));

    // An integration token with spark:applications_token asks for the app's tokens.
    let minter = token(&s, ADMIN, Some(&["spark:applications_token"])).await;
    let org = rest(&s, "GET", "/v1/people/me", Some(&token(&s, ADMIN, None).await), None).await.ok()["orgId"].clone();
    let body = json!({"clientId": app.client_id, "clientSecret": app.secret, "targetOrgId": org});
    let path = format!("/v1/applications/{}/token", app.client_id);
    let not_yet = rest(&s, "POST", &path, Some(&minter), Some(body.clone())).await;
    not_yet.assert_error(403);
    assert!(not_yet.description().contains("not authorized"), "{}", not_yet.body);

    // A post without the page's check value is refused; with it the app is authorized.
    let authorize = format!("{page}/{}/authorize", app.client_id);
    let forged = admin_page(&s, "POST", &authorize, Some(&boss), c, &[("check", "guess")]).await;
    assert_eq!(forged.status, 403);
    // So is this page's check posted from another browser (with that browser's own cookie).
    let other_browser = admin_page(&s, "GET", page, Some(&boss), None, &[]).await;
    let their_cookie = other_browser.cookie.clone().expect("cookie");
    assert_ne!(hidden_value(&other_browser.body, "check"), check);
    let crossed = admin_page(&s, "POST", &authorize, Some(&boss), Some(&their_cookie), &[("check", &check)]).await;
    assert_eq!(crossed.status, 403);
    assert_eq!(admin_page(&s, "POST", &authorize, Some(&boss), None, &[("check", &check)]).await.status, 403);
    let done = admin_page(&s, "POST", &authorize, Some(&boss), c, &[("check", &check)]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(admin_page(&s, "GET", page, Some(&boss), c, &[]).await.body.contains("authorized by boss"));

    let mut wrong = body.clone();
    wrong["clientSecret"] = json!("0".repeat(64));
    rest(&s, "POST", &path, Some(&minter), Some(wrong)).await.assert_error(401);
    let no_scope = token(&s, "alice", None).await;
    rest(&s, "POST", &path, Some(&no_scope), Some(body.clone())).await.assert_error(403);
    let minted = rest(&s, "POST", &path, Some(&minter), Some(body.clone())).await;
    let t = minted.ok().clone();
    assert_eq!(t["token_type"], "Bearer");
    let access = t["access_token"].as_str().unwrap();

    // The app books for a licensed host; an unlicensed host, or itself, is refused.
    let booked = rest(&s, "POST", "/v1/meetings", Some(access), Some(meeting_for(Some("alice@acme.example")))).await;
    assert_eq!(booked.ok()["hostEmail"], "alice@acme.example");
    rest(&s, "POST", "/v1/meetings", Some(access), Some(meeting_for(Some("carol@acme.example"))))
        .await
        .assert_error(403);
    rest(&s, "POST", "/v1/meetings", Some(access), Some(meeting_for(None))).await.assert_error(403);

    // Refresh goes through /v1/access_token with the app's own credentials.
    let renewed = refresh(&s, &app, t["refresh_token"].as_str().unwrap()).await;
    let fresh = renewed.ok()["access_token"].as_str().unwrap().to_string();
    rest(&s, "GET", "/v1/meetings?hostEmail=alice@acme.example", Some(&fresh), None).await.ok();

    // Deleting it on the page stops its tokens.
    let delete = format!("{page}/{}/delete", app.client_id);
    assert_eq!(admin_page(&s, "POST", &delete, Some(&boss), c, &[("check", &check)]).await.status, 303);
    rest(&s, "GET", "/v1/people/me", Some(&fresh), None).await.assert_error(401);
}

#[tokio::test]
async fn the_integrations_page_is_for_site_admins_only() {
    let s = TestServer::start().await;
    let page = "/_kaigi/sites/acme/integrations";
    let anonymous = admin_page(&s, "GET", page, None, None, &[]).await;
    assert_eq!(anonymous.status, 401);
    let alice = admin_page(&s, "GET", page, Some(&basic("alice", PW)), None, &[]).await;
    assert_eq!(alice.status, 403, "{}", alice.body);
    let boss = basic(ADMIN, ADMIN_PW);
    let list = admin_page(&s, "GET", page, Some(&boss), None, &[]).await;
    let check = hidden_value(&list.body, "check");
    let jar = list.cookie.clone().expect("cookie");
    let c = Some(jar.as_str());
    // Refusals are shown on the page.
    let bad = admin_page(
        &s,
        "POST",
        page,
        Some(&boss),
        c,
        &[("check", &check), ("name", "x"), ("redirect_uris", "javascript:alert(1)"), ("scope", "spark:people_read")],
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("class=\"error\""), "{}", bad.body);
    // A redirect URI with characters beyond ASCII is refused with the reason.
    let unicode = admin_page(
        &s,
        "POST",
        page,
        Some(&boss),
        c,
        &[
            ("check", &check),
            ("name", "x"),
            ("redirect_uris", "https://booker.example/rückruf"),
            ("scope", "spark:people_read"),
        ],
    )
    .await;
    assert_eq!(unicode.status, 400, "{}", unicode.body);
    assert!(unicode.body.contains("percent-encode"), "{}", unicode.body);
    let no_scope =
        admin_page(&s, "POST", page, Some(&boss), c, &[("check", &check), ("name", "x"), ("redirect_uris", CALLBACK)])
            .await;
    assert_eq!(no_scope.status, 400);
    let unknown = admin_page(&s, "POST", &format!("{page}/Cnope/delete"), Some(&boss), c, &[("check", &check)]).await;
    assert_eq!(unknown.status, 404);
    let other_site = admin_page(&s, "GET", "/_kaigi/sites/nowhere/integrations", Some(&boss), c, &[]).await;
    assert_eq!(other_site.status, 404, "{}", other_site.body);
}

/// The Set-Cookie of a response, whole (attributes included).
fn set_cookie_of(resp: &reqwest::Response) -> String {
    resp.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

fn csp_of(resp: &reqwest::Response) -> String {
    resp.headers()["content-security-policy"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn form_checks_are_random_per_browser_and_never_derived_from_the_sign_in() {
    let s = TestServer::start().await;
    let page = "/_kaigi/sites/acme/integrations";
    let boss = basic(ADMIN, ADMIN_PW);
    let resp = browser().get(format!("{}{page}", s.base)).header("Authorization", &boss).send().await.unwrap();
    let set = set_cookie_of(&resp);
    assert!(set.starts_with("kaigi_integrations="), "{set}");
    for attribute in ["Path=/_kaigi/sites/acme/integrations", "HttpOnly", "SameSite=Strict"] {
        assert!(set.contains(attribute), "{set}");
    }
    assert!(!set.contains("Secure"), "kaigi.test is reached over http: {set}");
    let first = page_of(resp).await;
    // The same sign-in in another browser gets another check: nothing of it comes from the sign-in.
    let second = admin_page(&s, "GET", page, Some(&boss), None, &[]).await;
    let check = hidden_value(&first.body, "check");
    assert_ne!(check, hidden_value(&second.body, "check"));
    let old_scheme = kaigi_core::rules::secrets::token_hash(&format!("integrations-form:{boss}"));
    for leaked in [&boss["Basic ".len()..], ADMIN_PW, &old_scheme[..32]] {
        assert!(!first.body.contains(leaked), "{leaked} in the page");
    }
    // The browser keeps its value while its cookie lives.
    let again = admin_page(&s, "GET", page, Some(&boss), first.cookie.as_deref(), &[]).await;
    assert_eq!((hidden_value(&again.body, "check"), again.cookie), (check, None));
}

#[tokio::test]
async fn the_consent_form_may_lead_to_the_verified_redirect_origin_and_checks_the_browser() {
    let s = TestServer::start().await;
    let app = register(&s, IntegrationKind::Integration, "spark:people_read").await;
    let url = authorize_url(&s, &app.client_id, CALLBACK, "spark:people_read", "s");
    let resp = browser().get(&url).send().await.unwrap();
    // Browsers apply form-action to the redirect after the post: the registered URI's origin is
    // allowed beside kaigi, and nothing else.
    assert!(csp_of(&resp).ends_with("form-action 'self' https://booker.example"), "{}", csp_of(&resp));
    let set = set_cookie_of(&resp);
    for attribute in ["kaigi_oauth=", "Path=/v1/authorize", "HttpOnly", "SameSite=Strict"] {
        assert!(set.contains(attribute), "{set}");
    }
    let mine = page_of(resp).await;
    // Every other page keeps form-action 'self' alone.
    let list = browser()
        .get(format!("{}/_kaigi/sites/acme/integrations", s.base))
        .header("Authorization", basic(ADMIN, ADMIN_PW))
        .send()
        .await
        .unwrap();
    assert!(csp_of(&list).ends_with("form-action 'self'"), "{}", csp_of(&list));

    // Another browser's check with this browser's cookie is refused, and sends nobody anywhere.
    let theirs = get_page(&url).await;
    let post = |cookie: String, check: String| {
        let fields: Vec<(&str, String)> = vec![
            ("client_id", app.client_id.clone()),
            ("response_type", "code".into()),
            ("redirect_uri", CALLBACK.into()),
            ("scope", "spark:people_read".into()),
            ("state", "s".into()),
            ("check", check),
            ("user", "alice".into()),
            ("password", PW.into()),
            ("decision", "approve".into()),
        ];
        let base = s.base.clone();
        async move {
            let resp =
                browser().post(format!("{base}/v1/authorize")).header("Cookie", cookie).form(&fields).send().await;
            page_of(resp.unwrap()).await
        }
    };
    let my_cookie = mine.cookie.clone().expect("cookie");
    let crossed = post(my_cookie.clone(), hidden_value(&theirs.body, "check")).await;
    assert_eq!((crossed.status, crossed.location.is_none()), (403, true));
    let allowed = post(my_cookie, hidden_value(&mine.body, "check")).await;
    assert_eq!(allowed.status, 302, "{}", allowed.body);
    assert!(param(allowed.location.as_deref().unwrap(), "code").is_some());
}

/// The machine account an authorization of `app` makes (active or not), if any.
async fn machine_account(s: &TestServer, app: &App) -> Option<kaigi_core::model::User> {
    let webex_id = format!("serviceapp-{}", app.client_id[1..13].to_lowercase());
    s.store.user_by_webex_id(s.site.id, &webex_id).await.expect("store")
}

#[tokio::test]
async fn authorizing_a_service_app_twice_at_once_leaves_one_machine_account() {
    let s = TestServer::start().await;
    let app = register(&s, IntegrationKind::ServiceApp, "meeting:admin_schedule_write").await;
    let op = Caller::operator(s.site.clone());
    let (a, b, c) = tokio::join!(
        s.kaigi.authorize_service_app(&op, &app.client_id),
        s.kaigi.authorize_service_app(&op, &app.client_id),
        s.kaigi.authorize_service_app(&op, &app.client_id),
    );
    let answers = [a, b, c];
    // Each is answered with the app as it is authorized, or told another authorization is under way.
    for answer in &answers {
        match answer {
            Ok(i) => assert!(i.authorized_at.is_some()),
            Err(kaigi_core::Error::Invalid { why, .. }) => assert!(why.contains("authorizing"), "{why}"),
            Err(e) => panic!("{e}"),
        }
    }
    let ok: Vec<_> = answers.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert!(!ok.is_empty());
    let machine = machine_account(&s, &app).await.expect("made");
    assert_eq!(machine.active, kaigi_core::model::ActiveState::Activated);
    let stored = s.store.integration_by_client_id(&app.client_id).await.unwrap().unwrap();
    assert_eq!(stored.machine_user_id, Some(machine.id));
    assert!(ok.iter().all(|i| i.machine_user_id == Some(machine.id)), "every answer names the one account");
    // Authorizing later changes nothing.
    let later = s.kaigi.authorize_service_app(&op, &app.client_id).await.expect("again");
    assert_eq!(later.machine_user_id, Some(machine.id));
}

#[tokio::test]
async fn deleting_a_service_app_while_it_is_authorized_leaves_no_active_machine_account() {
    let s = TestServer::start().await;
    let op = Caller::operator(s.site.clone());
    for _ in 0..3 {
        let app = register(&s, IntegrationKind::ServiceApp, "meeting:admin_schedule_write").await;
        let (authorized, deleted) = tokio::join!(
            s.kaigi.authorize_service_app(&op, &app.client_id),
            s.kaigi.delete_integration(&op, &app.client_id),
        );
        deleted.expect("delete");
        if let Err(e) = &authorized {
            assert!(matches!(e, kaigi_core::Error::NotFound(_)), "{e}");
        }
        if let Some(machine) = machine_account(&s, &app).await {
            assert_eq!(machine.active, kaigi_core::model::ActiveState::Deactivated, "an orphan account stays active");
        }
    }
}
