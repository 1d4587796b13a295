//! The site administrator's console: `/admin` asks for the site, `/admin/{site}` is the console of
//! that site (people, licences, meetings, webhooks, the outbox, the audit log; links to the
//! licence report and the integrations page). Every action goes through the core's console use
//! cases, which are the APIs' use cases plus one audit row each.
//!
//! Who may: a full site administrator of that site, signed in with HTTP Basic as on the
//! integrations page ([`site_admin`]); an administrator of another site is not a user here and
//! is refused. Every form carries the [`FormCheck`] of a SameSite=Strict cookie scoped to
//! `/admin/{site}`, so a post from another site is refused. Every list is one page of at most
//! [`PAGE`] rows.

use axum::body::{to_bytes, Body};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kaigi_core::model::{Caller, LicensePlan, NewUser, User, UserFields, PRIVILEGE_NAMES};
use kaigi_core::rules::licence::holds_seat;
use kaigi_core::Error;
use maud::{html, Markup};
use serde::Deserialize;

use crate::cookie::Cookie;
use crate::error::{explain, failure_page, Failure, Page};
use crate::form_check::{posted_matches, FormCheck};
use crate::layout::{self, error_box, input, see_other, Shell, MAX_FORM_BYTES};
use crate::license_report::site_admin;
use crate::url::{encode_query, Fields};
use crate::Web;

/// Rows per page of a list.
pub const PAGE: u32 = 25;

const COOKIE: &str = "kaigi_admin";

/// The console's wider tables, over the common style sheet.
const ADMIN_STYLE: &str = "body{max-width:64rem}nav a{margin-right:.8rem}td form{display:inline}\
td button{margin:0;padding:.2rem .5rem}.refused{color:#9b2c2c}";

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/admin", get(choose_site))
        .route("/admin/{site}", get(home))
        .route("/admin/{site}/people", get(people).post(create_person))
        .route("/admin/{site}/people/{webex_id}", get(person))
        .route("/admin/{site}/people/{webex_id}/deactivate", post(deactivate))
        .route("/admin/{site}/people/{webex_id}/password", post(reset_password))
        .route("/admin/{site}/people/{webex_id}/privileges", post(set_privileges))
        .route("/admin/{site}/licences", get(licences))
        .route("/admin/{site}/licences/{webex_id}/assign", post(assign))
        .route("/admin/{site}/licences/{webex_id}/unassign", post(unassign))
        .route("/admin/{site}/meetings", get(meetings))
        .route("/admin/{site}/meetings/{key}", get(meeting))
        .route("/admin/{site}/meetings/{key}/cancel", post(cancel_meeting))
        .route("/admin/{site}/webhooks", get(webhooks))
        .route("/admin/{site}/outbox", get(outbox))
        .route("/admin/{site}/audit", get(audit))
}

fn base(site: &str) -> String {
    format!("/admin/{}", encode_query(site))
}

/// What a list's query string may say.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    offset: Option<u32>,
    before: Option<i64>,
    done: Option<String>,
    site: Option<String>,
}

/// The notice of a finished action (a fixed text per code: nothing of the query is shown).
fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "created" => "The person is created; a welcome mail is in the outbox.",
        "deactivated" => "The person is deactivated; their licence seat is free.",
        "password" => "The password is reset; the person's sign-ins and tokens stop working.",
        "privileges" => "The privileges are saved.",
        "assigned" => "Licence assigned: the licence question's answer is yes.",
        "unassigned" => "Licence unassigned; the seat is free.",
        "cancelled" => "The meeting is cancelled.",
        _ => return None,
    })
}

/// One view of a console page: the signed-in administrator and the form check.
struct View<'a> {
    web: &'a Web,
    caller: Caller,
    check: FormCheck,
}

impl View<'_> {
    fn site(&self) -> &str {
        &self.caller.site.name
    }

    fn base(&self) -> String {
        base(self.site())
    }

    /// The page, with the navigation and the notice or error on top.
    fn render(&self, status: StatusCode, title: &str, message: Message<'_>, body: Markup) -> Response {
        let b = self.base();
        let site = self.site().to_string();
        let body = html! {
            nav {
                a href=(b) { "Console" }
                a href={ (b) "/people" } { "People" }
                a href={ (b) "/licences" } { "Licences" }
                a href={ (b) "/meetings" } { "Meetings" }
                a href={ (b) "/webhooks" } { "Webhooks" }
                a href={ (b) "/outbox" } { "Outbox" }
                a href={ (b) "/audit" } { "Audit log" }
                a href={ "/_kaigi/sites/" (encode_query(&site)) "/license-report.html" } { "Licence report" }
                a href={ "/_kaigi/sites/" (encode_query(&site)) "/integrations" } { "Integrations and Service Apps" }
            }
            @match message {
                Message::None => {}
                Message::Notice(n) => { p class="notice" role="status" id="notice" { (n) } }
                Message::Error(e) => { (error_box(Some(e))) }
            }
            (body)
        };
        let title = format!("{title} — {site}");
        let page = Shell { extra_style: Some(ADMIN_STYLE), ..Shell::new(&title) }.render(status, body);
        self.check.set_on(page)
    }

    fn check_field(&self) -> Markup {
        self.check.field()
    }

    /// A form posting to `action` with one button.
    fn button(&self, action: &str, class: &str, label: &str) -> Markup {
        html! {
            form method="post" action=(action) {
                (self.check_field()) button type="submit" class=(class) { (label) }
            }
        }
    }
}

enum Message<'a> {
    None,
    Notice(&'a str),
    Error(&'a str),
}

fn message_of<'a>(q: &ListQuery, error: Option<&'a str>) -> Message<'a> {
    match (error, notice(q.done.as_deref())) {
        (Some(e), _) => Message::Error(e),
        (None, Some(n)) => Message::Notice(n),
        (None, None) => Message::None,
    }
}

/// The signed-in administrator of `site` and the page's form check.
async fn view<'a>(web: &'a Web, site: &str, headers: &HeaderMap) -> Result<View<'a>, Response> {
    let caller = site_admin(web, site, headers).await.map_err(|e| failure_page(&e, Page::AdminConsole))?;
    web.kaigi.console_admin(&caller).map_err(|e| failure_page(&e, Page::AdminConsole))?;
    let path = base(&caller.site.name);
    let check = FormCheck::for_page(web, headers, Cookie::strict(COOKIE, &path, None));
    Ok(View { web, caller, check })
}

/// The signed-in administrator and the posted form, once its check value matches.
async fn posted<'a>(web: &'a Web, site: &str, headers: &HeaderMap, body: Body) -> Result<(View<'a>, Fields), Response> {
    let v = view(web, site, headers).await?;
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return Err(layout::message(StatusCode::PAYLOAD_TOO_LARGE, "Too large", "The form is too large."));
    };
    let form = Fields::parse(&String::from_utf8_lossy(&bytes), MAX_FORM_BYTES).ok_or_else(|| {
        layout::message(StatusCode::BAD_REQUEST, "The form could not be read", "The form is too long.")
    })?;
    if !posted_matches(headers, COOKIE, form.get("check").unwrap_or_default()) {
        let text = "This form was not sent from this console; open the page again and retry.";
        return Err(v.render(StatusCode::FORBIDDEN, "Not accepted", Message::Error(text), html! {}));
    }
    Ok((v, form))
}

/// A refusal the administrator can act on (a field to correct, the seats full, something gone)
/// as its status and words; any other failure as its own page.
fn refusal(e: &Error) -> Result<(StatusCode, String), Failure> {
    let f = explain(e, Page::AdminConsole);
    match f.status {
        StatusCode::BAD_REQUEST | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::CONFLICT => {
            Ok((f.status, f.text))
        }
        _ => Err(f),
    }
}

fn pager(path: &str, q: &ListQuery, shown: usize, total: u64) -> Markup {
    let offset = q.offset.unwrap_or(0);
    let search = q.q.as_deref().map(|s| format!("&q={}", encode_query(s))).unwrap_or_default();
    let first = if shown == 0 { 0 } else { u64::from(offset) + 1 };
    let last = u64::from(offset) + shown as u64;
    html! {
        p class="pager" {
            (first) "–" (last) " of " (total) " "
            @if offset > 0 {
                a rel="prev" href={ (path) "?offset=" (offset.saturating_sub(PAGE)) (search) } { "previous" } " "
            }
            @if last < total {
                a rel="next" href={ (path) "?offset=" (offset + PAGE) (search) } { "next" }
            }
        }
    }
}

fn plan_text(plan: &LicensePlan) -> String {
    match plan {
        LicensePlan::NamedUser { seats } => format!("Named User, {seats} seats"),
        LicensePlan::ActiveUser { purchased, minimum } => {
            format!("Active User, {purchased} purchased (minimum {minimum})")
        }
        LicensePlan::EnterpriseAgreement => "Enterprise Agreement".into(),
    }
}

// ---- pages

/// GET /admin: which site (`?site=` goes there).
async fn choose_site(Query(q): Query<ListQuery>) -> Response {
    if let Some(site) = q.site.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        return see_other(&base(site), &[]);
    }
    let body = html! {
        p { "Sign in to a site's console as one of its administrators (your browser asks for the user name and password)." }
        form method="get" action="/admin" {
            (input("site", "Site name", "text", "", true))
            button type="submit" id="open" { "Open the console" }
        }
    };
    layout::page(StatusCode::OK, "Site administration", body)
}

/// GET /admin/{site}
async fn home(State(web): State<Web>, Path(site): Path<String>, headers: HeaderMap) -> Response {
    let v = match view(&web, &site, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let summary = match web.kaigi.console_licences(&v.caller).await {
        Ok(s) => s,
        Err(e) => return failure_page(&e, Page::AdminConsole),
    };
    let me = v.caller.user().map(|u| u.webex_id.clone()).unwrap_or_default();
    let body = html! {
        p { "Signed in as " strong { (me) } ". Plan: " (plan_text(&summary.plan)) "; "
            (summary.consumed) " licences in use"
            @if let Some(t) = summary.total { " of " (t) } "." }
        p { "People, licences and meetings are managed here with the same rules as the XML and REST APIs; "
            "every change made here is kept in the audit log." }
    };
    v.render(StatusCode::OK, "Administration", Message::None, body)
}

/// GET /admin/{site}/people?q=&offset=
async fn people(
    State(web): State<Web>,
    Path(site): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    match view(&web, &site, &headers).await {
        Ok(v) => draw_people(&v, &q, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

async fn draw_people(v: &View<'_>, q: &ListQuery, status: StatusCode, error: Option<&str>) -> Response {
    let list = match v.web.kaigi.console_people(&v.caller, q.q.as_deref(), q.offset.unwrap_or(0), PAGE).await {
        Ok(l) => l,
        Err(e) => return failure_page(&e, Page::AdminConsole),
    };
    let b = v.base();
    let path = format!("{b}/people");
    let body = html! {
        form method="get" action=(path) id="search" {
            (input("q", "Search (user name, email, or the start of a name)", "search", q.q.as_deref().unwrap_or(""), false))
            button type="submit" { "Search" }
        }
        table id="people" {
            tr { th { "User name" } th { "Name" } th { "Email" } th { "Active" } th { "Host licence" } th { "Site admin" } }
            @for u in &list.items {
                tr data-webex-id=(u.webex_id) {
                    td { a href={ (path) "/" (encode_query(&u.webex_id)) } { (u.webex_id) } }
                    td { (u.display_name()) }
                    td { (u.email) }
                    td { @if u.is_active() { "yes" } @else { "no" } }
                    td { @if u.privileges.host { "yes" } @else { "no" } }
                    td { @if u.privileges.site_admin { "yes" } @else { "no" } }
                }
            }
        }
        (pager(&path, q, list.items.len(), list.total))
        h2 { "Add a person" }
        form method="post" action=(path) id="create-form" {
            (v.check_field())
            (input("webex_id", "User name (webExId)", "text", "", true))
            (input("first_name", "First name", "text", "", false))
            (input("last_name", "Last name", "text", "", false))
            (input("email", "Email", "email", "", true))
            (input("password", "Password", "password", "", true))
            label { input type="checkbox" name="host" value="1" style="width:auto"; " Host licence" }
            button type="submit" id="create" { "Add" }
        }
    };
    v.render(status, "People", message_of(q, error), body)
}

/// POST /admin/{site}/people: CreateUser (with the welcome mail).
async fn create_person(State(web): State<Web>, Path(site): Path<String>, headers: HeaderMap, body: Body) -> Response {
    let (v, form) = match posted(&web, &site, &headers, body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let text = |name: &str| form.get(name).map(str::to_string);
    let req = NewUser {
        webex_id: text("webex_id").unwrap_or_default(),
        fields: UserFields {
            first_name: text("first_name"),
            last_name: text("last_name"),
            email: text("email"),
            password: form.raw("password").filter(|p| !p.is_empty()).map(str::to_string),
            privileges: vec![("host".into(), form.get("host").is_some())],
            ..UserFields::default()
        },
        send_welcome: true,
        html_email: false,
    };
    match web.kaigi.console_create_user(&v.caller, &req).await {
        Ok(u) => see_other(&format!("{}/people/{}?done=created", v.base(), encode_query(&u.webex_id)), &[]),
        Err(e) => match refusal(&e) {
            Ok((status, text)) => draw_people(&v, &ListQuery::default(), status, Some(&text)).await,
            Err(f) => f.into_response(),
        },
    }
}

/// GET /admin/{site}/people/{webex_id}
async fn person(
    State(web): State<Web>,
    Path((site, webex_id)): Path<(String, String)>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    match view(&web, &site, &headers).await {
        Ok(v) => draw_person(&v, &webex_id, &q, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

async fn draw_person(v: &View<'_>, webex_id: &str, q: &ListQuery, status: StatusCode, error: Option<&str>) -> Response {
    let u: User = match v.web.kaigi.console_person(&v.caller, webex_id).await {
        Ok(u) => u,
        Err(e) => return failure_page(&e, Page::AdminConsole),
    };
    let path = format!("{}/people/{}", v.base(), encode_query(&u.webex_id));
    let body = html! {
        dl id="person" {
            dt { "User name" } dd { (u.webex_id) }
            dt { "Name" } dd { (u.display_name()) }
            dt { "Email" } dd { (u.email) }
            dt { "Active" } dd id="active" { @if u.is_active() { "yes" } @else { "no" } }
            dt { "Host licence" } dd id="host" { @if u.privileges.host { "yes" } @else { "no" } }
        }
        @if u.is_active() {
            (v.button(&format!("{path}/deactivate"), "deactivate", "Deactivate"))
        }
        h2 { "Reset the password" }
        form method="post" action={ (path) "/password" } id="password-form" {
            (v.check_field())
            (input("password", "New password", "password", "", true))
            button type="submit" id="reset" { "Reset the password" }
        }
        h2 { "Privileges" }
        form method="post" action={ (path) "/privileges" } id="privileges-form" {
            (v.check_field())
            @for (name, on) in u.privileges.entries() {
                label { input type="checkbox" name="privilege" value=(name) checked[on] style="width:auto"; " " code { (name) } }
            }
            button type="submit" id="save-privileges" { "Save the privileges" }
        }
    };
    v.render(status, &format!("Person {}", u.webex_id), message_of(q, error), body)
}

/// What a person's action does.
enum PersonAction {
    Deactivate,
    Password,
    Privileges,
}

async fn person_action(
    web: Web,
    site: String,
    webex_id: String,
    headers: HeaderMap,
    body: Body,
    action: PersonAction,
) -> Response {
    let (v, form) = match posted(&web, &site, &headers, body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let k = &web.kaigi;
    let (done, result) = match action {
        PersonAction::Deactivate => ("deactivated", k.console_deactivate(&v.caller, &webex_id).await),
        PersonAction::Password => {
            let pw = form.raw("password").unwrap_or_default();
            ("password", k.console_reset_password(&v.caller, &webex_id, pw).await)
        }
        PersonAction::Privileges => {
            let chosen: Vec<&str> = form.all("privilege").collect();
            let privileges: Vec<(String, bool)> =
                PRIVILEGE_NAMES.iter().map(|n| (n.to_string(), chosen.contains(n))).collect();
            ("privileges", k.console_set_privileges(&v.caller, &webex_id, &privileges).await)
        }
    };
    match result {
        Ok(u) => see_other(&format!("{}/people/{}?done={done}", v.base(), encode_query(&u.webex_id)), &[]),
        Err(e) => match refusal(&e) {
            Ok((status, text)) => draw_person(&v, &webex_id, &ListQuery::default(), status, Some(&text)).await,
            Err(f) => f.into_response(),
        },
    }
}

async fn deactivate(
    State(web): State<Web>,
    Path((site, webex_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    person_action(web, site, webex_id, headers, body, PersonAction::Deactivate).await
}

async fn reset_password(
    State(web): State<Web>,
    Path((site, webex_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    person_action(web, site, webex_id, headers, body, PersonAction::Password).await
}

async fn set_privileges(
    State(web): State<Web>,
    Path((site, webex_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    person_action(web, site, webex_id, headers, body, PersonAction::Privileges).await
}

/// GET /admin/{site}/licences?q=&offset=
async fn licences(
    State(web): State<Web>,
    Path(site): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    match view(&web, &site, &headers).await {
        Ok(v) => draw_licences(&v, &q, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

async fn draw_licences(v: &View<'_>, q: &ListQuery, status: StatusCode, error: Option<&str>) -> Response {
    let k = &v.web.kaigi;
    let summary = match k.console_licences(&v.caller).await {
        Ok(s) => s,
        Err(e) => return failure_page(&e, Page::AdminConsole),
    };
    let list = match k.console_people(&v.caller, q.q.as_deref(), q.offset.unwrap_or(0), PAGE).await {
        Ok(l) => l,
        Err(e) => return failure_page(&e, Page::AdminConsole),
    };
    let path = format!("{}/licences", v.base());
    let body = html! {
        dl id="summary" {
            dt { "Plan" } dd id="plan" { (plan_text(&summary.plan)) }
            dt { "Seats" } dd id="seats" {
                (summary.consumed) " in use"
                @match summary.total { Some(t) => { " of " (t) } None => { " (no limit)" } }
            }
        }
        form method="get" action=(path) {
            (input("q", "Search (user name, email, or the start of a name)", "search", q.q.as_deref().unwrap_or(""), false))
            button type="submit" { "Search" }
        }
        table id="licences" {
            tr { th { "User name" } th { "Name" } th { "Active" } th { "Holds a host licence" } th { "Change" } }
            @for u in &list.items {
                @let person = format!("{path}/{}", encode_query(&u.webex_id));
                tr data-webex-id=(u.webex_id) {
                    td { (u.webex_id) }
                    td { (u.display_name()) }
                    td { @if u.is_active() { "yes" } @else { "no" } }
                    td class="holds" { @if holds_seat(u.privileges.host, u.is_active()) { "yes" } @else { "no" } }
                    td {
                        @if u.privileges.host {
                            (v.button(&format!("{person}/unassign"), "unassign", "Unassign"))
                        } @else {
                            (v.button(&format!("{person}/assign"), "assign", "Assign"))
                        }
                    }
                }
            }
        }
        (pager(&path, q, list.items.len(), list.total))
    };
    v.render(status, "Licences", message_of(q, error), body)
}

async fn licence_action(
    web: Web,
    site: String,
    webex_id: String,
    headers: HeaderMap,
    body: Body,
    assign: bool,
) -> Response {
    let (v, _) = match posted(&web, &site, &headers, body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match web.kaigi.console_set_licence(&v.caller, &webex_id, assign).await {
        Ok(_) => {
            let done = if assign { "assigned" } else { "unassigned" };
            see_other(&format!("{}/licences?done={done}", v.base()), &[])
        }
        Err(e) => match refusal(&e) {
            Ok((status, text)) => draw_licences(&v, &ListQuery::default(), status, Some(&text)).await,
            Err(f) => f.into_response(),
        },
    }
}

async fn assign(
    State(web): State<Web>,
    Path((site, webex_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    licence_action(web, site, webex_id, headers, body, true).await
}

async fn unassign(
    State(web): State<Web>,
    Path((site, webex_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    licence_action(web, site, webex_id, headers, body, false).await
}

/// GET /admin/{site}/meetings?q=&offset=
async fn meetings(
    State(web): State<Web>,
    Path(site): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let v = match view(&web, &site, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let list = match web.kaigi.console_meetings(&v.caller, q.q.as_deref(), q.offset.unwrap_or(0), PAGE).await {
        Ok(l) => l,
        Err(e) => return failure_page(&e, Page::AdminConsole),
    };
    let path = format!("{}/meetings", v.base());
    let body = html! {
        form method="get" action=(path) id="search" {
            (input("q", "Search (the start of the meeting's name)", "search", q.q.as_deref().unwrap_or(""), false))
            button type="submit" { "Search" }
        }
        table id="meetings" {
            tr { th { "Meeting" } th { "Number" } th { "Host" } th { "Starts (UTC)" } }
            @for o in &list.items {
                tr data-meeting-key=(o.meeting.meeting_key) {
                    td { a href={ (path) "/" (o.meeting.meeting_key) } { (o.meeting.name) } }
                    td { (o.meeting.meeting_key) }
                    td { (o.host.webex_id) }
                    td { (o.start.format("%Y-%m-%d %H:%M").to_string()) }
                }
            }
        }
        (pager(&path, &q, list.items.len(), list.total))
    };
    v.render(StatusCode::OK, "Meetings", message_of(&q, None), body)
}

/// GET /admin/{site}/meetings/{key}
async fn meeting(
    State(web): State<Web>,
    Path((site, key)): Path<(String, u64)>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    match view(&web, &site, &headers).await {
        Ok(v) => draw_meeting(&v, key, &q, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

async fn draw_meeting(v: &View<'_>, key: u64, q: &ListQuery, status: StatusCode, error: Option<&str>) -> Response {
    let (m, host) = match v.web.kaigi.console_meeting(&v.caller, key).await {
        Ok(x) => x,
        Err(e) => return failure_page(&e, Page::AdminConsole),
    };
    let path = format!("{}/meetings/{}", v.base(), m.meeting_key);
    let body = html! {
        dl id="meeting" {
            dt { "Name" } dd { (m.name) }
            dt { "Number" } dd { (m.meeting_key) }
            dt { "Host" } dd { (host.webex_id) " (" (host.email) ")" }
            dt { "Starts (UTC)" } dd { (m.start.format("%Y-%m-%d %H:%M").to_string()) }
            dt { "Duration" } dd { (m.duration_minutes) " minutes" }
        }
        (v.button(&format!("{path}/cancel"), "cancel", "Cancel the meeting"))
    };
    v.render(status, &format!("Meeting {}", m.meeting_key), message_of(q, error), body)
}

/// POST /admin/{site}/meetings/{key}/cancel: DelMeeting.
async fn cancel_meeting(
    State(web): State<Web>,
    Path((site, key)): Path<(String, u64)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (v, _) = match posted(&web, &site, &headers, body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match web.kaigi.console_cancel_meeting(&v.caller, key).await {
        Ok(_) => see_other(&format!("{}/meetings?done=cancelled", v.base()), &[]),
        Err(e) => match refusal(&e) {
            Ok((status, text)) => draw_meeting(&v, key, &ListQuery::default(), status, Some(&text)).await,
            Err(f) => f.into_response(),
        },
    }
}

/// GET /admin/{site}/webhooks
async fn webhooks(State(web): State<Web>, Path(site): Path<String>, headers: HeaderMap) -> Response {
    let v = match view(&web, &site, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let list = match web.kaigi.console_webhooks(&v.caller, PAGE).await {
        Ok(l) => l,
        Err(e) => return failure_page(&e, Page::AdminConsole),
    };
    let body = html! {
        p { "The site's webhooks (the first " (PAGE) "); they are managed through the REST API." }
        table id="webhooks" {
            tr { th { "Name" } th { "Resource" } th { "Target" } th { "Status" } th { "Created (UTC)" } }
            @for w in &list {
                tr {
                    td { (w.name) }
                    td { (w.resource.name()) }
                    td { (w.target_url) }
                    td { (w.status.name()) }
                    td { (w.created_at.format("%Y-%m-%d %H:%M").to_string()) }
                }
            }
        }
    };
    v.render(StatusCode::OK, "Webhooks", Message::None, body)
}

/// GET /admin/{site}/outbox
async fn outbox(State(web): State<Web>, Path(site): Path<String>, headers: HeaderMap) -> Response {
    let v = match view(&web, &site, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let list = match web.kaigi.console_outbox(&v.caller, PAGE).await {
        Ok(l) => l,
        Err(e) => return failure_page(&e, Page::AdminConsole),
    };
    let body = html! {
        p { "The newest " (PAGE) " mails kaigi sent for the site." }
        table id="outbox" {
            tr { th { "When (UTC)" } th { "Kind" } th { "To" } th { "Subject" } }
            @for m in &list {
                tr {
                    td { (m.created_at.format("%Y-%m-%d %H:%M").to_string()) }
                    td { (m.kind.as_str()) }
                    td { (m.to) }
                    td { (m.subject) }
                }
            }
        }
    };
    v.render(StatusCode::OK, "Outbox", Message::None, body)
}

/// GET /admin/{site}/audit?before=
async fn audit(
    State(web): State<Web>,
    Path(site): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let v = match view(&web, &site, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let rows = match web.kaigi.console_audit_log(&v.caller, q.before, PAGE).await {
        Ok(l) => l,
        Err(e) => return failure_page(&e, Page::AdminConsole),
    };
    let path = format!("{}/audit", v.base());
    let older = rows.last().filter(|_| rows.len() as u32 == PAGE).map(|r| r.id);
    let body = html! {
        table id="audit" {
            tr { th { "When (UTC)" } th { "Who" } th { "What" } th { "On" } th { "Detail" } th { "Outcome" } }
            @for r in &rows {
                tr {
                    td { (r.at.format("%Y-%m-%d %H:%M:%S").to_string()) }
                    td { (r.actor) }
                    td { (r.kind.as_str()) }
                    td { (r.target) }
                    td { (r.detail) }
                    td class=[(r.outcome != "done").then_some("refused")] { (r.outcome) }
                }
            }
        }
        @if let Some(id) = older {
            p { a rel="next" href={ (path) "?before=" (id) } { "older" } }
        }
    };
    v.render(StatusCode::OK, "Audit log", Message::None, body)
}
