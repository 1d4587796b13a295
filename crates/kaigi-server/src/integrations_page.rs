//! The site administrator's page of integrations and Service Apps:
//! `/_kaigi/sites/{site}/integrations` lists them, registers a new one (its secret is shown once,
//! on the answer to that post), authorizes a Service App and deletes one.
//!
//! Who may: a site administrator signed in with HTTP Basic (`site_admin`: webExId and password,
//! which a browser asks for); bearer tokens are refused, since no REST scope grants managing
//! integrations. Each form
//! carries the check of [`crate::form_check`] (a random value of the browser's in a
//! SameSite=Strict cookie scoped to the site's page), so a cross-site post is refused.

use axum::body::{to_bytes, Body};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use kaigi_core::error::{AuthFailure, Entity};
use kaigi_core::model::{Caller, Integration, IntegrationKind, NewIntegration, RegisteredIntegration};
use kaigi_core::rules::scopes::known_scopes;
use kaigi_core::Error;
use kaigi_rest::params::Params;

use crate::app::AppState;
use crate::form_check::{posted_matches, CheckCookie, FormCheck};
use crate::html::{self, esc, input};
use crate::license_report::site_admin;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_kaigi/sites/{site}/integrations", get(list_page).post(create))
        .route("/_kaigi/sites/{site}/integrations/{client_id}/authorize", post(authorize))
        .route("/_kaigi/sites/{site}/integrations/{client_id}/delete", post(delete))
}

fn base(site: &str) -> String {
    format!("/_kaigi/sites/{}/integrations", html::url_encode(site))
}

const COOKIE: &str = "kaigi_integrations";

/// The check cookie of a site's page; it lives until the browser closes.
fn check_cookie(path: &str) -> CheckCookie<'_> {
    CheckCookie { name: COOKIE, path, max_age: None }
}

/// Refusals and failures as pages; a missing or wrong sign-in asks the browser for one.
fn failure(e: &Error) -> Response {
    let (status, title, text) = match e {
        Error::Auth(AuthFailure::Locked { .. }) => {
            (StatusCode::UNAUTHORIZED, "Sign in", "The account is locked after too many wrong passwords; try later.")
        }
        Error::Auth(_) => (StatusCode::UNAUTHORIZED, "Sign in", "Sign in as an administrator of this site."),
        Error::AccessDenied => {
            (StatusCode::FORBIDDEN, "Not allowed", "Only the site's administrators manage integrations.")
        }
        Error::NotFound(Entity::Site) => (StatusCode::NOT_FOUND, "Site not found", "No site has this name."),
        Error::NotFound(_) => (StatusCode::NOT_FOUND, "Not found", "No integration of this site has this client id."),
        other => {
            tracing::error!(error = %other, "integrations page failed");
            (StatusCode::SERVICE_UNAVAILABLE, "Try again later", "Something went wrong; try again later.")
        }
    };
    let mut r = html::message(status, title, text);
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"kaigi\""));
    }
    r
}

fn row(site: &str, i: &Integration, check: &str) -> String {
    let kind = match i.kind {
        IntegrationKind::Integration => "Integration",
        IntegrationKind::ServiceApp => "Service App",
    };
    let status = match (i.kind, &i.authorized_by) {
        (IntegrationKind::ServiceApp, Some(by)) => format!("authorized by {}", esc(by)),
        (IntegrationKind::ServiceApp, None) => "not authorized".into(),
        _ => "active".into(),
    };
    let path = format!("{}/{}", base(site), html::url_encode(&i.client_id));
    let mut actions = String::new();
    if i.kind == IntegrationKind::ServiceApp && i.authorized_at.is_none() {
        actions.push_str(&format!(
            "<form method=\"post\" action=\"{p}/authorize\">{check}<button type=\"submit\" class=\"authorize\">Authorize</button></form>",
            p = esc(&path),
        ));
    }
    actions.push_str(&format!(
        "<form method=\"post\" action=\"{p}/delete\">{check}<button type=\"submit\" class=\"delete\">Delete</button></form>",
        p = esc(&path),
    ));
    format!(
        "<tr data-client-id=\"{id}\"><td>{name}</td><td>{kind}</td><td><code>{id}</code></td><td>{uris}</td>\
         <td>{scopes}</td><td class=\"status\">{status}</td><td>{actions}</td></tr>",
        id = esc(&i.client_id),
        name = esc(&i.name),
        uris = i.redirect_uris.iter().map(|u| esc(u)).collect::<Vec<_>>().join("<br>"),
        scopes = i.scopes.iter().map(|s| esc(s)).collect::<Vec<_>>().join(" "),
    )
}

async fn render(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    status: StatusCode,
    created: Option<&RegisteredIntegration>,
    error: Option<&str>,
) -> Response {
    let list = match state.kaigi.list_integrations(caller).await {
        Ok(list) => list,
        Err(e) => return failure(&e),
    };
    let site = &caller.site.name;
    let page_path = base(site);
    let form_check = FormCheck::for_page(&state.kaigi, headers, check_cookie(&page_path));
    let check = form_check.field();
    let mut b = String::new();
    if let Some(c) = created {
        b.push_str(&format!(
            "<div class=\"notice\" id=\"created\"><p>{} is registered. Copy the secret now: kaigi keeps only its hash \
             and will not show it again.</p><dl><dt>Client id</dt><dd id=\"client-id\"><code>{}</code></dd>\
             <dt>Client secret</dt><dd id=\"client-secret\"><code>{}</code></dd></dl></div>",
            esc(&c.integration.name),
            esc(&c.integration.client_id),
            esc(&c.client_secret)
        ));
    }
    b.push_str(&html::error_box(error));
    b.push_str(
        "<table id=\"integrations\"><tr><th>Name</th><th>Kind</th><th>Client id</th><th>Redirect URIs</th>\
                <th>Scopes</th><th>Status</th><th></th></tr>",
    );
    for i in &list {
        b.push_str(&row(site, i, &check));
    }
    b.push_str("</table><h2>Register an integration</h2>");
    b.push_str(&format!("<form method=\"post\" action=\"{}\" id=\"create-form\">", esc(&base(site))));
    b.push_str(&check);
    b.push_str(&input("name", "Name", "text", "", true));
    b.push_str(
        "<label for=\"redirect_uris\">Redirect URIs (one per line; an integration needs one, a Service App none)</label>\
         <textarea id=\"redirect_uris\" name=\"redirect_uris\" rows=\"3\" maxlength=\"10240\"></textarea><fieldset><legend>Scopes</legend>",
    );
    for s in known_scopes() {
        b.push_str(&format!(
            "<label><input type=\"checkbox\" name=\"scope\" value=\"{s}\" style=\"width:auto\"> <code>{s}</code></label>",
            s = esc(s)
        ));
    }
    b.push_str(
        "</fieldset><label><input type=\"checkbox\" name=\"service_app\" value=\"1\" style=\"width:auto\"> \
         Service App (a machine account of the site; authorize it after registering)</label>\
         <button type=\"submit\" id=\"create\">Register</button></form>",
    );
    form_check.set_on(html::page(status, &format!("Integrations of {site}"), &b))
}

/// GET: the list and the form.
async fn list_page(State(state): State<AppState>, Path(site): Path<String>, headers: HeaderMap) -> Response {
    match site_admin(&state, &site, &headers).await {
        Ok(caller) => render(&state, &caller, &headers, StatusCode::OK, None, None).await,
        Err(e) => failure(&e),
    }
}

/// The signed-in administrator and the posted form, once its check value matches.
async fn posted(state: &AppState, site: &str, headers: &HeaderMap, body: Body) -> Result<(Caller, Params), Response> {
    let caller = site_admin(state, site, headers).await.map_err(|e| failure(&e))?;
    let bytes = match to_bytes(body, html::MAX_FORM_BYTES).await {
        Ok(b) => b,
        Err(_) => return Err(html::message(StatusCode::PAYLOAD_TOO_LARGE, "Too large", "The form is too large.")),
    };
    let form = Params::parse(std::str::from_utf8(&bytes).ok())
        .map_err(|_| html::message(StatusCode::BAD_REQUEST, "The form could not be read", "The form is too long."))?;
    if !posted_matches(headers, COOKIE, form.get("check").unwrap_or_default()) {
        let text = "This form was not sent from this page; open the page again and retry.";
        return Err(render(state, &caller, headers, StatusCode::FORBIDDEN, None, Some(text)).await);
    }
    Ok((caller, form))
}

/// The text of a refusal the administrator can act on, or None for a failure.
fn refusal(e: &Error) -> Option<String> {
    match e {
        Error::Invalid { field, why } => Some(format!("{field}: {why}")),
        _ => None,
    }
}

/// POST: registers an integration; the answer shows its secret once.
async fn create(State(state): State<AppState>, Path(site): Path<String>, headers: HeaderMap, body: Body) -> Response {
    let (caller, form) = match posted(&state, &site, &headers, body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let req = NewIntegration {
        name: form.get("name").unwrap_or_default().to_string(),
        redirect_uris: form.get("redirect_uris").unwrap_or_default().lines().map(str::to_string).collect(),
        scopes: form.0.iter().filter(|(k, _)| k == "scope").map(|(_, v)| v.clone()).collect(),
        kind: if form.get("service_app").is_some() {
            IntegrationKind::ServiceApp
        } else {
            IntegrationKind::Integration
        },
    };
    match state.kaigi.create_integration(&caller, &req).await {
        Ok(created) => render(&state, &caller, &headers, StatusCode::OK, Some(&created), None).await,
        Err(e) => match refusal(&e) {
            Some(text) => render(&state, &caller, &headers, StatusCode::BAD_REQUEST, None, Some(&text)).await,
            None => failure(&e),
        },
    }
}

async fn act(
    state: AppState,
    site: String,
    client_id: String,
    headers: HeaderMap,
    body: Body,
    delete: bool,
) -> Response {
    let (caller, _) = match posted(&state, &site, &headers, body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let done = if delete {
        state.kaigi.delete_integration(&caller, &client_id).await
    } else {
        state.kaigi.authorize_service_app(&caller, &client_id).await.map(|_| ())
    };
    match done {
        Ok(()) => html::see_other(&base(&caller.site.name), &[]),
        Err(Error::NotFound(_)) => {
            let text = "No integration of this site has this client id (it may be deleted already).";
            render(&state, &caller, &headers, StatusCode::NOT_FOUND, None, Some(text)).await
        }
        Err(e) => match refusal(&e) {
            Some(text) => render(&state, &caller, &headers, StatusCode::BAD_REQUEST, None, Some(&text)).await,
            None => failure(&e),
        },
    }
}

/// POST …/{client_id}/authorize: authorizes a Service App for the site.
async fn authorize(
    State(state): State<AppState>,
    Path((site, client_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    act(state, site, client_id, headers, body, false).await
}

/// POST …/{client_id}/delete: deletes it; its tokens stop working.
async fn delete(
    State(state): State<AppState>,
    Path((site, client_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    act(state, site, client_id, headers, body, true).await
}
