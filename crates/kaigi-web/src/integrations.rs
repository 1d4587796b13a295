//! The site administrator's page of integrations and Service Apps:
//! `/_kaigi/sites/{site}/integrations` lists them, registers a new one (its secret is shown once,
//! on the answer to that post), authorizes a Service App and deletes one.
//!
//! Who may: a site administrator signed in with HTTP Basic (`site_admin`: webExId and password,
//! which a browser asks for); bearer tokens are refused, since no REST scope grants managing
//! integrations. Each form carries the [`FormCheck`] of a SameSite=Strict cookie scoped to the
//! site's page, so a cross-site post is refused.

use axum::body::{to_bytes, Body};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kaigi_core::model::{Caller, Integration, IntegrationKind, NewIntegration, RegisteredIntegration};
use kaigi_core::rules::scopes::known_scopes;
use kaigi_core::Error;
use maud::{html, Markup};

use crate::cookie::Cookie;
use crate::error::{explain, failure_page, Page};
use crate::form_check::{posted_matches, FormCheck};
use crate::layout::{self, error_box, input, see_other, MAX_FORM_BYTES};
use crate::license_report::site_admin;
use crate::url::{encode_query, Fields};
use crate::Web;

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/_kaigi/sites/{site}/integrations", get(list_page).post(create))
        .route("/_kaigi/sites/{site}/integrations/{client_id}/authorize", post(authorize))
        .route("/_kaigi/sites/{site}/integrations/{client_id}/delete", post(delete))
}

fn base(site: &str) -> String {
    format!("/_kaigi/sites/{}/integrations", encode_query(site))
}

const COOKIE: &str = "kaigi_integrations";

/// The check cookie of a site's page; it lives until the browser closes.
fn check_cookie(path: &str) -> Cookie<'_> {
    Cookie::strict(COOKIE, path, None)
}

fn row(site: &str, i: &Integration, check: &Markup) -> Markup {
    let kind = match i.kind {
        IntegrationKind::Integration => "Integration",
        IntegrationKind::ServiceApp => "Service App",
    };
    let path = format!("{}/{}", base(site), encode_query(&i.client_id));
    html! {
        tr data-client-id=(i.client_id) {
            td { (i.name) }
            td { (kind) }
            td { code { (i.client_id) } }
            td {
                @for (n, uri) in i.redirect_uris.iter().enumerate() {
                    @if n > 0 { br; }
                    (uri)
                }
            }
            td {
                @for (n, s) in i.scopes.iter().enumerate() {
                    @if n > 0 { " " }
                    (s)
                }
            }
            td class="status" {
                @match (i.kind, &i.authorized_by) {
                    (IntegrationKind::ServiceApp, Some(by)) => { "authorized by " (by) }
                    (IntegrationKind::ServiceApp, None) => { "not authorized" }
                    _ => { "active" }
                }
            }
            td {
                @if i.kind == IntegrationKind::ServiceApp && i.authorized_at.is_none() {
                    form method="post" action={ (path) "/authorize" } {
                        (check) button type="submit" class="authorize" { "Authorize" }
                    }
                }
                form method="post" action={ (path) "/delete" } {
                    (check) button type="submit" class="delete" { "Delete" }
                }
            }
        }
    }
}

async fn render(
    web: &Web,
    caller: &Caller,
    headers: &HeaderMap,
    status: StatusCode,
    created: Option<&RegisteredIntegration>,
    error: Option<&str>,
) -> Response {
    let list = match web.kaigi.list_integrations(caller).await {
        Ok(list) => list,
        Err(e) => return failure_page(&e, Page::Integrations),
    };
    let site = &caller.site.name;
    let page_path = base(site);
    let form_check = FormCheck::for_page(web, headers, check_cookie(&page_path));
    let check = form_check.field();
    let body = html! {
        @if let Some(c) = created {
            div class="notice" id="created" {
                p {
                    (c.integration.name)
                    " is registered. Copy the secret now: kaigi keeps only its hash and will not show it again."
                }
                dl {
                    dt { "Client id" } dd id="client-id" { code { (c.integration.client_id) } }
                    dt { "Client secret" } dd id="client-secret" { code { (c.client_secret) } }
                }
            }
        }
        (error_box(error))
        table id="integrations" {
            tr {
                th { "Name" } th { "Kind" } th { "Client id" } th { "Redirect URIs" } th { "Scopes" } th { "Status" } th {}
            }
            @for i in &list { (row(site, i, &check)) }
        }
        h2 { "Register an integration" }
        form method="post" action=(page_path) id="create-form" {
            (check)
            (input("name", "Name", "text", "", true))
            label for="redirect_uris" {
                "Redirect URIs (one per line; an integration needs one, a Service App none)"
            }
            textarea id="redirect_uris" name="redirect_uris" rows="3" maxlength="10240" {}
            fieldset {
                legend { "Scopes" }
                @for s in known_scopes() {
                    label { input type="checkbox" name="scope" value=(s) style="width:auto"; " " code { (s) } }
                }
            }
            label {
                input type="checkbox" name="service_app" value="1" style="width:auto";
                " Service App (a machine account of the site; authorize it after registering)"
            }
            button type="submit" id="create" { "Register" }
        }
    };
    form_check.set_on(layout::page(status, &format!("Integrations of {site}"), body))
}

/// GET: the list and the form.
async fn list_page(State(web): State<Web>, Path(site): Path<String>, headers: HeaderMap) -> Response {
    match site_admin(&web, &site, &headers).await {
        Ok(caller) => render(&web, &caller, &headers, StatusCode::OK, None, None).await,
        Err(e) => failure_page(&e, Page::Integrations),
    }
}

/// The signed-in administrator and the posted form, once its check value matches.
async fn posted(web: &Web, site: &str, headers: &HeaderMap, body: Body) -> Result<(Caller, Fields), Response> {
    let caller = site_admin(web, site, headers).await.map_err(|e| failure_page(&e, Page::Integrations))?;
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return Err(layout::message(StatusCode::PAYLOAD_TOO_LARGE, "Too large", "The form is too large."));
    };
    let form = Fields::parse(std::str::from_utf8(&bytes).unwrap_or_default(), MAX_FORM_BYTES).ok_or_else(|| {
        layout::message(StatusCode::BAD_REQUEST, "The form could not be read", "The form is too long.")
    })?;
    if !posted_matches(headers, COOKIE, form.get("check").unwrap_or_default()) {
        let text = "This form was not sent from this page; open the page again and retry.";
        return Err(render(web, &caller, headers, StatusCode::FORBIDDEN, None, Some(text)).await);
    }
    Ok((caller, form))
}

/// A refusal about what the administrator asked for is shown on the list page (a field to
/// correct, an integration gone or changed meanwhile); any other as a page of its own.
async fn refused(web: &Web, caller: &Caller, headers: &HeaderMap, e: &Error) -> Response {
    let f = explain(e, Page::Integrations);
    match f.status {
        StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND | StatusCode::CONFLICT => {
            render(web, caller, headers, f.status, None, Some(&f.text)).await
        }
        _ => f.into_response(),
    }
}

/// POST: registers an integration; the answer shows its secret once.
async fn create(State(web): State<Web>, Path(site): Path<String>, headers: HeaderMap, body: Body) -> Response {
    let (caller, form) = match posted(&web, &site, &headers, body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let req = NewIntegration {
        name: form.get("name").unwrap_or_default().to_string(),
        redirect_uris: form.get("redirect_uris").unwrap_or_default().lines().map(str::to_string).collect(),
        scopes: form.all("scope").map(str::to_string).collect(),
        kind: if form.get("service_app").is_some() {
            IntegrationKind::ServiceApp
        } else {
            IntegrationKind::Integration
        },
    };
    match web.kaigi.create_integration(&caller, &req).await {
        Ok(created) => render(&web, &caller, &headers, StatusCode::OK, Some(&created), None).await,
        Err(e) => refused(&web, &caller, &headers, &e).await,
    }
}

async fn act(web: Web, site: String, client_id: String, headers: HeaderMap, body: Body, delete: bool) -> Response {
    let (caller, _) = match posted(&web, &site, &headers, body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let done = if delete {
        web.kaigi.delete_integration(&caller, &client_id).await
    } else {
        web.kaigi.authorize_service_app(&caller, &client_id).await.map(|_| ())
    };
    match done {
        Ok(()) => see_other(&base(&caller.site.name), &[]),
        Err(e) => refused(&web, &caller, &headers, &e).await,
    }
}

/// POST …/{client_id}/authorize: authorizes a Service App for the site.
async fn authorize(
    State(web): State<Web>,
    Path((site, client_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    act(web, site, client_id, headers, body, false).await
}

/// POST …/{client_id}/delete: deletes it; its tokens stop working.
async fn delete(
    State(web): State<Web>,
    Path((site, client_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    act(web, site, client_id, headers, body, true).await
}
