//! `/v1/authorize`: the sign-in and consent page of the OAuth flow (docs/oauth.md).
//!
//! GET checks the client and the redirect URI first; when either is wrong the person sees an
//! error page and is never sent anywhere (the URI is not verified). Otherwise the page names the
//! integration and the scopes it asks for, with a sign-in form and Allow / Deny buttons. POST
//! checks the password as every sign-in does (lockout included) and sends the browser back to
//! the redirect URI with `code` and `state`, or with `error=access_denied` / `invalid_scope`.
//!
//! Against posts from other sites: the form carries the check of [`crate::form_check`] (a random
//! value of the browser's in a SameSite=Strict cookie scoped to this path). The page's
//! Content-Security-Policy lets its form lead to the verified redirect URI's origin besides kaigi,
//! because browsers apply `form-action` to the redirect that answers the post.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequest, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Router};
use kaigi_core::error::{AuthFailure, OAuthError};
use kaigi_core::model::{scope, UserRef, VerifiedClient};
use kaigi_core::{Error, Kaigi};
use kaigi_rest::error::oauth_code;
use kaigi_rest::params::Params;
use serde::Deserialize;

use crate::app::AppState;
use crate::form_check::{posted_matches, CheckCookie, FormCheck};
use crate::html::{self, esc, hidden, input};

const PATH: &str = "/v1/authorize";
const COOKIE: &str = "kaigi_oauth";
const CHECK_COOKIE: CheckCookie<'static> = CheckCookie { name: COOKIE, path: PATH, max_age: Some(1800) };

pub fn routes(kaigi: Arc<Kaigi>) -> Router<AppState> {
    Router::new()
        .route(PATH, axum::routing::get(show).post(decide).fallback(other_method))
        .layer(axum::middleware::from_fn_with_state(kaigi, kaigi_rest::tracking::middleware))
}

/// Any other method: the REST face's JSON 405, as everywhere under /v1.
async fn other_method() -> Response {
    kaigi_rest::error::RestError::new(StatusCode::METHOD_NOT_ALLOWED, "/v1/authorize takes GET and POST.")
        .into_response()
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
    let mut url = percent_encode_non_ascii(&client.redirect_uri);
    let mut sep = if url.contains('?') { '&' } else { '?' };
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        url.push(sep);
        url.push_str(k);
        url.push('=');
        url.push_str(&html::url_encode(v));
        sep = '&';
    }
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&url) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn percent_encode_non_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn refused(client: &VerifiedClient, error: OAuthError, state: &str) -> Response {
    back_to(client, &[("error", oauth_code(error)), ("state", state)])
}

fn bad_client_page(e: &Error) -> Response {
    let text = match e {
        Error::OAuth(OAuthError::RedirectMismatch) => {
            "The redirect_uri is not one this integration registered, so kaigi will not send you there. \
             Tell the integration's developer."
        }
        Error::OAuth(_) => "The client_id names no integration of kaigi (it may have been deleted).",
        other => {
            tracing::error!(error = %other, "authorize page failed");
            return html::message(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again later",
                "Something went wrong; try again later.",
            );
        }
    };
    html::message(StatusCode::BAD_REQUEST, "This sign-in link is not valid", text)
}

/// Checks what may be checked before the page is shown: the client and redirect URI (errors
/// shown here), then the response type, the state's size and the scopes (errors sent back).
async fn verify(state: &AppState, f: &AuthorizeForm) -> Result<(VerifiedClient, Vec<String>), Response> {
    let client = state
        .kaigi
        .verify_authorize_client(&f.client_id, Some(f.redirect_uri.trim()))
        .await
        .map_err(|e| bad_client_page(&e))?;
    match state.kaigi.check_authorize_request(&client, &f.response_type, &f.state, &f.scope) {
        Ok(scopes) => Ok((client, scopes)),
        // A state too long is not sent back.
        Err(Error::OAuth(e @ OAuthError::InvalidRequest)) => Err(refused(&client, e, "")),
        Err(Error::OAuth(e)) => Err(refused(&client, e, &f.state)),
        Err(_) => Err(refused(&client, OAuthError::InvalidScope, &f.state)),
    }
}

fn consent_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    client: &VerifiedClient,
    scopes: &[String],
    f: &AuthorizeForm,
    error: Option<&str>,
) -> Response {
    let check = FormCheck::for_page(&state.kaigi, headers, CHECK_COOKIE);
    let mut b = format!(
        "<p><strong id=\"integration\">{}</strong> asks to use your kaigi account on site <strong>{}</strong>. \
         If you allow it, it may:</p><ul id=\"scopes\">",
        esc(&client.integration.name),
        esc(&client.site.name),
    );
    for s in scopes {
        b.push_str(&format!("<li data-scope=\"{s}\">{} <code>{s}</code></li>", esc(scope_text(s)), s = esc(s)));
    }
    b.push_str("</ul><p>An administrator's scope is granted only to an administrator; others get the rest.</p>");
    b.push_str(&html::error_box(error));
    b.push_str(&format!("<form method=\"post\" action=\"{PATH}\" id=\"consent-form\">"));
    for (name, value) in [
        ("client_id", client.integration.client_id.as_str()),
        ("response_type", "code"),
        ("redirect_uri", client.redirect_uri.as_str()),
        ("scope", &scopes.join(" ")),
        ("state", f.state.as_str()),
    ] {
        b.push_str(&hidden(name, value));
    }
    b.push_str(&check.field());
    b.push_str(&input("user", "User name (webExId) or email", "text", &f.user, false));
    b.push_str(&input("password", "Password", "password", "", false));
    b.push_str(
        "<button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Sign in and allow</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\" formnovalidate>Deny</button></form>",
    );
    let origin = html::csp_origin(&client.redirect_uri);
    check.set_on(html::page_with_form_target(status, "Allow access to kaigi?", &b, origin.as_deref()))
}

/// GET /v1/authorize.
async fn show(State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let params = match Params::parse(raw.as_deref()) {
        Ok(p) => p,
        Err(_) => {
            return html::message(StatusCode::BAD_REQUEST, "This sign-in link is not valid", "The link is too long.")
        }
    };
    let get = |n: &str| params.get(n).unwrap_or_default().to_string();
    let f = AuthorizeForm {
        client_id: get("client_id"),
        response_type: get("response_type"),
        redirect_uri: get("redirect_uri"),
        scope: get("scope"),
        state: params.0.iter().find(|(k, _)| k == "state").map(|(_, v)| v.clone()).unwrap_or_default(),
        ..AuthorizeForm::default()
    };
    match verify(&state, &f).await {
        Ok((client, scopes)) => consent_page(&state, &headers, StatusCode::OK, &client, &scopes, &f, None),
        Err(r) => r,
    }
}

fn user_ref(text: &str) -> UserRef {
    let t = text.trim().to_string();
    if t.contains('@') {
        UserRef::Email(t)
    } else {
        UserRef::WebExId(t)
    }
}

/// POST /v1/authorize: Allow (sign in) or Deny.
async fn decide(State(state): State<AppState>, request: Request<Body>) -> Response {
    let headers: HeaderMap = request.headers().clone();
    let f: AuthorizeForm = match Form::<AuthorizeForm>::from_request(request, &state).await {
        Ok(Form(f)) => f,
        Err(r) => return html::message(r.status(), "The form could not be read", &r.body_text()),
    };
    let (client, scopes) = match verify(&state, &f).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !posted_matches(&headers, COOKIE, &f.check) {
        let text = "This form was not sent from kaigi's own page (or the page is too old). Check and try again.";
        return consent_page(&state, &headers, StatusCode::FORBIDDEN, &client, &scopes, &f, Some(text));
    }
    if f.decision != "approve" {
        return refused(&client, OAuthError::Declined, &f.state);
    }
    if f.user.trim().is_empty() || f.password.is_empty() || f.user.len() > 256 || f.password.len() > 1024 {
        return consent_page(
            &state,
            &headers,
            StatusCode::BAD_REQUEST,
            &client,
            &scopes,
            &f,
            Some("Give your user name and password."),
        );
    }
    match state.kaigi.grant_code(&client, &scopes, &user_ref(&f.user), &f.password).await {
        Ok(code) => back_to(&client, &[("code", &code), ("state", &f.state)]),
        Err(Error::OAuth(OAuthError::InvalidScope)) => refused(&client, OAuthError::InvalidScope, &f.state),
        Err(Error::Auth(AuthFailure::Locked { until_unix })) => {
            let until = chrono::DateTime::from_timestamp(until_unix, 0).map(|t| t.format("%H:%M UTC").to_string());
            let text = format!(
                "The account is locked after too many wrong passwords; try again after {}.",
                until.unwrap_or_else(|| "a while".into())
            );
            consent_page(&state, &headers, StatusCode::UNAUTHORIZED, &client, &scopes, &f, Some(&text))
        }
        Err(Error::Auth(AuthFailure::Inactive)) => consent_page(
            &state,
            &headers,
            StatusCode::UNAUTHORIZED,
            &client,
            &scopes,
            &f,
            Some("This account is deactivated."),
        ),
        Err(Error::Auth(_)) => consent_page(
            &state,
            &headers,
            StatusCode::UNAUTHORIZED,
            &client,
            &scopes,
            &f,
            Some("The user name or password is wrong."),
        ),
        Err(e) => {
            tracing::error!(error = %e, "authorize failed");
            html::message(StatusCode::SERVICE_UNAVAILABLE, "Try again later", "Something went wrong; try again later.")
        }
    }
}
