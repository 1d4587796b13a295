//! `/v1/authorize`: the sign-in and consent page of the OAuth flow (docs/oauth.md).
//!
//! GET checks the client and the redirect URI first; when either is wrong the person sees an
//! error page and is never sent anywhere (the URI is not verified). Otherwise the page names the
//! integration and the scopes it asks for, with a sign-in form and Allow / Deny buttons. POST
//! checks the password as every sign-in does (lockout included) and sends the browser back to
//! the redirect URI with `code` and `state`, or with `error=access_denied` / `invalid_scope`.
//!
//! Against posts from other sites: the form carries the [`FormCheck`] of a SameSite=Strict
//! cookie scoped to this path. The page's Content-Security-Policy lets its form lead to the
//! verified redirect URI's origin besides kaigi, because browsers apply `form-action` to the
//! redirect that answers the post.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::sync::Arc;

use kaigi_core::error::OAuthError;
use kaigi_core::model::{scope, UserRef, VerifiedClient};
use kaigi_core::rules::limits::{MAX_SIGN_IN_PASSWORD, MAX_SIGN_IN_USER};
use kaigi_core::{Error, Kaigi};
use kaigi_rest::error::oauth_code;
use maud::html;
use serde::Deserialize;

use crate::cookie::Cookie;
use crate::error::{explain, failure_page, Page};
use crate::form_check::{posted_matches, FormCheck};
use crate::layout::{self, csp_origin, error_box, hidden, input, read_form, FormAction, Shell};
use crate::url::{encode_non_ascii, encode_query, Fields};
use crate::Web;

const PATH: &str = "/v1/authorize";
const COOKIE: &str = "kaigi_oauth";
const CHECK_COOKIE: Cookie<'static> = Cookie::strict(COOKIE, PATH, Some(1800));
/// Longest query string read.
const MAX_QUERY: usize = 16 * 1024;

pub fn routes(kaigi: Arc<Kaigi>) -> Router<Web> {
    Router::new()
        .route(PATH, axum::routing::get(show).post(decide).fallback(other_method))
        .layer(axum::middleware::from_fn_with_state(kaigi, kaigi_rest::tracking::middleware))
}

/// Any other method: the REST face's JSON 405, as everywhere under /v1.
async fn other_method() -> Response {
    kaigi_rest::error::Refusal::MethodNotAllowed { path: PATH, allowed: "GET and POST" }.into_response()
}

/// What each scope lets the integration do, in words for the person deciding.
fn scope_text(s: &str) -> &'static str {
    match s {
        scope::SCHEDULES_READ => "See your meetings",
        scope::SCHEDULES_WRITE => "Schedule, change and cancel your meetings",
        scope::ADMIN_SCHEDULE_READ => "See the meetings of every user of the site (administrators)",
        scope::ADMIN_SCHEDULE_WRITE => "Schedule meetings for the site's licensed hosts (administrators)",
        scope::PEOPLE_READ => "Look people up in the site's directory",
        scope::ADMIN_PEOPLE_READ => "Read every person of the site (administrators)",
        scope::ADMIN_LICENSES_READ => "Read the site's licences (administrators)",
        scope::APPLICATIONS_TOKEN => "Get tokens of the site's Service Apps (administrators)",
        _ => "",
    }
}

/// The request as the page carries it along (query on GET, hidden fields on POST).
#[derive(Debug, Default, Deserialize)]
struct AuthorizeForm {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    response_type: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    check: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
    /// `approve` or `deny`.
    #[serde(default)]
    decision: String,
}

/// The redirect URI with `pairs` added to its query.
fn back_to(client: &VerifiedClient, pairs: &[(&str, &str)]) -> Response {
    // Registration takes ASCII URIs only; one stored before that rule is sent as a browser would.
    let mut url = encode_non_ascii(&client.redirect_uri);
    let mut sep = if url.contains('?') { '&' } else { '?' };
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        url.push(sep);
        url.push_str(k);
        url.push('=');
        url.push_str(&encode_query(v));
        sep = '&';
    }
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&url) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn refused(client: &VerifiedClient, error: OAuthError, state: &str) -> Response {
    back_to(client, &[("error", oauth_code(error)), ("state", state)])
}

/// Checks what may be checked before the page is shown: the client and redirect URI (errors
/// shown here), then the response type, the state's size and the scopes (errors sent back).
async fn verify(web: &Web, f: &AuthorizeForm) -> Result<(VerifiedClient, Vec<String>), Response> {
    let client = web
        .kaigi
        .verify_authorize_client(&f.client_id, Some(f.redirect_uri.trim()))
        .await
        .map_err(|e| failure_page(&e, Page::Consent))?;
    match web.kaigi.check_authorize_request(&client, &f.response_type, &f.state, &f.scope) {
        Ok(scopes) => Ok((client, scopes)),
        // A state too long is not sent back.
        Err(Error::OAuth(e @ OAuthError::InvalidRequest)) => Err(refused(&client, e, "")),
        Err(Error::OAuth(e)) => Err(refused(&client, e, &f.state)),
        Err(_) => Err(refused(&client, OAuthError::InvalidScope, &f.state)),
    }
}

fn consent_page(
    web: &Web,
    headers: &HeaderMap,
    status: StatusCode,
    client: &VerifiedClient,
    scopes: &[String],
    f: &AuthorizeForm,
    error: Option<&str>,
) -> Response {
    let check = FormCheck::for_page(web, headers, CHECK_COOKIE);
    let carried = [
        ("client_id", client.integration.client_id.clone()),
        ("response_type", "code".to_string()),
        ("redirect_uri", client.redirect_uri.clone()),
        ("scope", scopes.join(" ")),
        ("state", f.state.clone()),
    ];
    let body = html! {
        p {
            strong id="integration" { (client.integration.name) }
            " asks to use your kaigi account on site " strong { (client.site.name) } ". If you allow it, it may:"
        }
        ul id="scopes" {
            @for s in scopes {
                li data-scope=(s) { (scope_text(s)) " " code { (s) } }
            }
        }
        p { "An administrator's scope is granted only to an administrator; others get the rest." }
        (error_box(error))
        form method="post" action=(PATH) id="consent-form" {
            @for (name, value) in &carried { (hidden(name, value)) }
            (check.field())
            (input("user", "User name (webExId) or email", "text", &f.user, false))
            (input("password", "Password", "password", "", false))
            button type="submit" name="decision" value="approve" id="approve" { "Sign in and allow" }
            button type="submit" name="decision" value="deny" id="deny" formnovalidate { "Deny" }
        }
    };
    let origin = csp_origin(&client.redirect_uri);
    let form_action = origin.as_deref().map_or(FormAction::SelfOnly, FormAction::SelfAnd);
    let shell = Shell { form_action, ..Shell::new("Allow access to kaigi?") };
    check.set_on(shell.render(status, body))
}

/// GET /v1/authorize.
async fn show(State(web): State<Web>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let Some(params) = Fields::parse(raw.as_deref().unwrap_or_default(), MAX_QUERY) else {
        return layout::message(StatusCode::BAD_REQUEST, "This sign-in link is not valid", "The link is too long.");
    };
    let get = |n: &str| params.get(n).unwrap_or_default().to_string();
    let f = AuthorizeForm {
        client_id: get("client_id"),
        response_type: get("response_type"),
        redirect_uri: get("redirect_uri"),
        scope: get("scope"),
        state: params.raw("state").unwrap_or_default().to_string(),
        ..AuthorizeForm::default()
    };
    match verify(&web, &f).await {
        Ok((client, scopes)) => consent_page(&web, &headers, StatusCode::OK, &client, &scopes, &f, None),
        Err(r) => r,
    }
}

/// POST /v1/authorize: Allow (sign in) or Deny.
async fn decide(State(web): State<Web>, request: Request<Body>) -> Response {
    let headers: HeaderMap = request.headers().clone();
    let f: AuthorizeForm = match read_form(&web, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let (client, scopes) = match verify(&web, &f).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let page = |status: StatusCode, text: &str| consent_page(&web, &headers, status, &client, &scopes, &f, Some(text));
    if !posted_matches(&headers, COOKIE, &f.check) {
        return page(
            StatusCode::FORBIDDEN,
            "This form was not sent from kaigi's own page (or the page is too old). Check and try again.",
        );
    }
    if f.decision != "approve" {
        return refused(&client, OAuthError::Declined, &f.state);
    }
    if f.user.trim().is_empty()
        || f.password.is_empty()
        || f.user.len() > MAX_SIGN_IN_USER
        || f.password.len() > MAX_SIGN_IN_PASSWORD
    {
        return page(StatusCode::BAD_REQUEST, "Give your user name and password.");
    }
    match web.kaigi.grant_code(&client, &scopes, &UserRef::typed(&f.user), &f.password).await {
        Ok(code) => back_to(&client, &[("code", &code), ("state", &f.state)]),
        Err(Error::OAuth(OAuthError::InvalidScope)) => refused(&client, OAuthError::InvalidScope, &f.state),
        Err(e) => {
            let failure = explain(&e, Page::Consent);
            if failure.status.is_server_error() {
                return failure.into_response();
            }
            page(failure.status, &failure.text)
        }
    }
}
