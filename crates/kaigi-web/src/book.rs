//! The booking page (`/book`) for people who never touch an API: sign in with the site, webExId
//! (or email) and password, give a title, start, duration and invitees, and kaigi schedules the
//! meeting in the person's own name through the same core use case as CreateMeeting. When the
//! site's licences do not allow it, the page says why (the core's reason) and who can fix it.
//!
//! Sign-in reuses the XML API's session tickets: the cookie `kaigi_s` holds `<siteNumber>.<ticket>`
//! (only the ticket's hash is stored; it expires with the site's ticket lifetime). The cookie is
//! HttpOnly and SameSite=Lax, and every form posted while signed in carries the
//! [`FormCheck`] bound to that cookie, which another site cannot know. The sign-in form itself
//! carries the check of a SameSite=Strict cookie of its own (against login CSRF).

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDateTime;
use kaigi_core::error::{AuthFailure, Entity, StoreError};
use kaigi_core::model::{Booking, Caller, Credentials, MeetingRef, Proof, SiteRef, UserRef};
use kaigi_core::rules::limits::MAX_ATTENDEES_PER_CALL;
use kaigi_core::rules::schedule::{zone_of, zone_of_caller};
use kaigi_core::Error;
use maud::{html, Markup};
use serde::Deserialize;

use crate::cookie::{self, Cookie};
use crate::error::{explain, failure_page, Page};
use crate::form_check::{self, posted_matches, FormCheck};
use crate::layout::{self, error_box, input, read_form, see_other};
use crate::url::encode_query;
use crate::Web;

const SESSION_COOKIE: &str = "kaigi_s";
/// The sign-in form's check (login CSRF: another site must not sign a browser in as someone else).
const SIGN_IN_COOKIE: &str = "kaigi_b";
const SIGN_IN_CHECK: Cookie<'static> = Cookie::strict(SIGN_IN_COOKIE, "/book", Some(3600));

/// The session cookie, living as long as the ticket in it.
fn session_cookie(max_age: Option<u32>) -> Cookie<'static> {
    Cookie::lax(SESSION_COOKIE, "/book", max_age)
}

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/book", get(book_page).post(book))
        .route("/book/signin", post(sign_in))
        .route("/book/signout", post(sign_out))
        .route("/book/meetings/{key}", get(booked_page))
}

/// The signed-in caller and the raw cookie value, or None.
async fn signed_in(web: &Web, headers: &HeaderMap) -> Result<Option<(Caller, String)>, Response> {
    let Some(raw) = cookie::read(headers, SESSION_COOKIE) else { return Ok(None) };
    let Some((number, ticket)) = raw.split_once('.') else { return Ok(None) };
    let Ok(number) = number.parse::<i64>() else { return Ok(None) };
    let credentials =
        Credentials { site: SiteRef::Number(number), user: None, proof: Proof::SessionTicket(ticket.to_string()) };
    match web.kaigi.authenticate(&credentials).await {
        Ok(caller) if caller.user().is_some() => Ok(Some((caller, raw))),
        Ok(_) | Err(Error::Auth(_)) | Err(Error::NotFound(_)) => Ok(None),
        Err(e) => Err(failure_page(&e, Page::Booking)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct SignInForm {
    #[serde(default)]
    check: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
}

fn sign_in_page(
    web: &Web,
    headers: &HeaderMap,
    status: StatusCode,
    given: &SignInForm,
    error: Option<&str>,
) -> Response {
    let check = FormCheck::for_page(web, headers, SIGN_IN_CHECK);
    let body = html! {
        p { "Sign in with your kaigi account to schedule a meeting." }
        (error_box(error))
        form method="post" action="/book/signin" id="signin-form" {
            (check.field())
            (input("site", "Site", "text", &given.site, true))
            (input("user", "User name (webExId) or email", "text", &given.user, true))
            (input("password", "Password", "password", "", true))
            button type="submit" id="signin" { "Sign in" }
        }
    };
    check.set_on(layout::page(status, "Book a meeting", body))
}

/// The booking form's fields, kept to show again after a refusal.
#[derive(Debug, Default, Deserialize)]
struct BookForm {
    #[serde(default)]
    check: String,
    #[serde(default)]
    title: String,
    /// `YYYY-MM-DDTHH:MM` (an HTML datetime-local) in the signed-in person's time zone.
    #[serde(default)]
    start: String,
    #[serde(default)]
    duration: String,
    /// Emails, separated by commas, semicolons or line breaks.
    #[serde(default)]
    invitees: String,
}

/// The booking form; `error` is the box shown above it (an error or the refusal box).
fn booking_page(status: StatusCode, caller: &Caller, raw: &str, given: &BookForm, error: Option<Markup>) -> Response {
    let me = caller.user().map(|u| u.display_name()).unwrap_or_default();
    let check = FormCheck::bound_to(raw).field();
    let duration = if given.duration.is_empty() { "60" } else { &given.duration };
    let body = html! {
        p { "Signed in as " strong id="me" { (me) } " on site " strong { (caller.site.name) } "." }
        form method="post" action="/book/signout" { (check) button type="submit" id="signout" { "Sign out" } }
        @if let Some(e) = error { (e) }
        form method="post" action="/book" id="book-form" {
            (check)
            (input("title", "Title", "text", &given.title, true))
            label for="start" { "Start (" (zone_of_caller(caller).name) ")" }
            input id="start" name="start" type="datetime-local" value=(given.start) required;
            label for="duration" { "Duration (minutes)" }
            input id="duration" name="duration" type="number" min="1" max="1440" value=(duration) required;
            label for="invitees" {
                "Invitees (emails, separated by commas or lines; at most " (MAX_ATTENDEES_PER_CALL) ")"
            }
            textarea id="invitees" name="invitees" rows="4" { (given.invitees) }
            button type="submit" id="book" { "Schedule meeting" }
        }
    };
    layout::page(status, "Book a meeting", body)
}

/// GET /book: the sign-in form, or the booking form once signed in.
async fn book_page(State(web): State<Web>, headers: HeaderMap) -> Response {
    match signed_in(&web, &headers).await {
        Ok(Some((caller, raw))) => booking_page(StatusCode::OK, &caller, &raw, &BookForm::default(), None),
        Ok(None) => sign_in_page(&web, &headers, StatusCode::OK, &SignInForm::default(), None),
        Err(r) => r,
    }
}

/// POST /book/signin
async fn sign_in(State(web): State<Web>, request: Request<Body>) -> Response {
    let headers = request.headers().clone();
    let form: SignInForm = match read_form(&web, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if !posted_matches(&headers, SIGN_IN_COOKIE, &form.check) {
        let text = "This sign-in form was not sent from kaigi's own page (or it expired); sign in again here.";
        return sign_in_page(&web, &headers, StatusCode::FORBIDDEN, &form, Some(text));
    }
    let user_ref = UserRef::typed(&form.user);
    let credentials = Credentials {
        site: SiteRef::Name(form.site.trim().to_string()),
        user: Some(user_ref),
        proof: Proof::Password(form.password.clone()),
    };
    let caller = match web.kaigi.authenticate(&credentials).await {
        Ok(c) => c,
        Err(e) => {
            // A sign-in never says which of site, user name and password was wrong: an unknown
            // site is a failed sign-in like the others.
            let e = if let Error::NotFound(_) = e { Error::Auth(AuthFailure::UnknownUser) } else { e };
            let f = explain(&e, Page::BookSignIn);
            if f.status.is_server_error() {
                return f.into_response();
            }
            return sign_in_page(&web, &headers, f.status, &form, Some(&f.text));
        }
    };
    let ticket = match web.kaigi.issue_session_ticket(&caller).await {
        Ok(t) => t,
        Err(e) => return failure_page(&e, Page::BookSignIn),
    };
    let value = format!("{}.{}", caller.site.site_number, ticket.ticket);
    see_other("/book", &[session_cookie(Some(ticket.time_to_live_secs)).set(&web, &value)])
}

#[derive(Debug, Default, Deserialize)]
struct CheckForm {
    #[serde(default)]
    check: String,
}

/// POST /book/signout
async fn sign_out(State(web): State<Web>, request: Request<Body>) -> Response {
    let headers = request.headers().clone();
    let form: CheckForm = match read_form(&web, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    match signed_in(&web, &headers).await {
        Ok(Some((_, raw))) if form_check::matches(&raw, &form.check) => {
            see_other("/book", &[session_cookie(None).remove(&web)])
        }
        Ok(_) => see_other("/book", &[]),
        Err(r) => r,
    }
}

/// Splits the invitee box into emails (commas, semicolons, whitespace and line breaks separate).
fn invitee_emails(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).map(str::trim).filter(|e| !e.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(e)) {
            out.push(e.to_string());
        }
    }
    out
}

/// Whether the site's administrators can fix a refusal (a licence, a seat, a privilege).
fn admins_can_fix(e: &Error) -> bool {
    matches!(e, Error::License(_) | Error::AccessDenied | Error::Store(StoreError::SeatLimit(_)))
}

/// The refusal box: the reason, and the site administrators who can fix it.
async fn refusal_box(web: &Web, caller: &Caller, text: &str, admins_can_fix: bool) -> Markup {
    let admins = if admins_can_fix { web.kaigi.site_admins(&caller.site).await.unwrap_or_default() } else { vec![] };
    html! {
        div class="error" role="alert" id="refusal" {
            p id="reason" { (text) }
            @if admins_can_fix {
                p {
                    "Who can fix it: a site administrator can give you a host licence, free a seat, or change the \
                     site's plan:"
                }
                ul id="admins" {
                    @for admin in &admins {
                        li { (admin.display_name()) " <" a href={ "mailto:" (admin.email) } { (admin.email) } ">" }
                    }
                    @if admins.is_empty() {
                        li { "This site has no active administrator; ask whoever runs kaigi." }
                    }
                }
            }
        }
    }
}

/// POST /book: schedules the meeting in the signed-in person's name and invites the invitees.
async fn book(State(web): State<Web>, request: Request<Body>) -> Response {
    let headers = request.headers().clone();
    let form: BookForm = match read_form(&web, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let (caller, raw) = match signed_in(&web, &headers).await {
        Ok(Some(signed)) => signed,
        Ok(None) => {
            let first = Some("Please sign in first.");
            return sign_in_page(&web, &headers, StatusCode::UNAUTHORIZED, &SignInForm::default(), first);
        }
        Err(r) => return r,
    };
    if !form_check::matches(&raw, &form.check) {
        let text = "This form did not come from your booking page; please try again.";
        return booking_page(StatusCode::FORBIDDEN, &caller, &raw, &form, Some(error_box(Some(text))));
    }
    let invalid = |text: &str| booking_page(StatusCode::BAD_REQUEST, &caller, &raw, &form, Some(error_box(Some(text))));
    let Ok(start) = NaiveDateTime::parse_from_str(form.start.trim(), "%Y-%m-%dT%H:%M") else {
        return invalid("Give the start as a date and time.");
    };
    let Ok(duration) = form.duration.trim().parse::<u32>() else {
        return invalid("Give the duration in minutes.");
    };
    let booking = Booking {
        title: form.title.clone(),
        start,
        duration_minutes: duration,
        invitees: invitee_emails(&form.invitees),
    };
    let booked = match web.kaigi.book_meeting(&caller, &booking).await {
        Ok(b) => b,
        Err(e) => {
            let f = explain(&e, Page::Booking);
            if f.status.is_server_error() {
                return f.into_response();
            }
            let b = refusal_box(&web, &caller, &f.text, admins_can_fix(&e)).await;
            return booking_page(f.status, &caller, &raw, &form, Some(b));
        }
    };
    let path = format!("/book/meetings/{}", booked.meeting.meeting_key);
    if let Some(e) = booked.invitations_failed {
        let f = explain(&e, Page::Booking);
        let why = if f.status.is_client_error() { f.text } else { "try again later".to_string() };
        tracing::warn!(error = %e, "booking: invitations failed");
        return see_other(&format!("{path}?invitations=failed&why={}", encode_query(&why)), &[]);
    }
    see_other(&path, &[])
}

#[derive(Debug, Deserialize)]
struct BookedQuery {
    invitations: Option<String>,
    why: Option<String>,
}

/// GET /book/meetings/{key}: what was booked: join link, number, password, host key, invitees.
async fn booked_page(
    State(web): State<Web>,
    Path(key): Path<String>,
    Query(q): Query<BookedQuery>,
    headers: HeaderMap,
) -> Response {
    let (caller, _) = match signed_in(&web, &headers).await {
        Ok(Some(signed)) => signed,
        Ok(None) => return see_other("/book", &[]),
        Err(r) => return r,
    };
    let Ok(key) = key.parse::<u64>() else {
        return layout::message(StatusCode::NOT_FOUND, "Meeting not found", "No such meeting.");
    };
    let (m, host) = match web.kaigi.get_meeting(&caller, &MeetingRef::Key(key), &[]).await {
        Ok(found) => found,
        // Someone else's meeting is not shown, nor said to exist.
        Err(Error::AccessDenied) => return failure_page(&Error::NotFound(Entity::Meeting), Page::Booking),
        Err(e) => return failure_page(&e, Page::Booking),
    };
    let links = web.kaigi.meeting_links(&caller.site, &m);
    let zone = zone_of(&m);
    let invited: Vec<&str> =
        m.invitees.iter().filter(|i| !i.role.eq_ignore_ascii_case("HOST")).map(|i| i.email.as_str()).collect();
    let failed = (q.invitations.as_deref() == Some("failed"))
        .then(|| format!("The invitations could not be sent: {}", q.why.unwrap_or_default()));
    let body = html! {
        p class="notice" id="booked" { "Your meeting is scheduled." }
        (error_box(failed.as_deref()))
        dl {
            dt { "Title" } dd id="title" { (m.name) }
            dt { "Host" } dd { (host.display_name()) }
            dt { "Starts" }
            dd { (zone.to_local(m.start).format("%Y-%m-%d %H:%M").to_string()) " (" (zone.name) "), " (m.duration_minutes) " minutes" }
            dt { "Meeting number" } dd id="meeting-number" { (m.meeting_key) }
            dt { "Password" } dd id="password" { (m.password.as_deref().unwrap_or("(none)")) }
            dt { "Host key" } dd id="host-key" { (m.host_key) }
            dt { "Join link" } dd { a id="join-link" href=(links.join) { (links.join) } }
            dt { "Host link" } dd { a id="host-link" href=(links.host) { (links.host) } }
        }
        @if !invited.is_empty() {
            h2 { "Invitations sent" }
            ul id="invited" {
                @for email in &invited { li { (email) } }
            }
        }
        p { a href="/book" id="book-another" { "Book another meeting" } }
    };
    layout::page(StatusCode::OK, &m.name, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitees_split_on_commas_semicolons_and_lines_once_each() {
        assert_eq!(
            invitee_emails("a@x.example, b@x.example;\nc@x.example\r\n\nA@x.example "),
            ["a@x.example", "b@x.example", "c@x.example"]
        );
        assert!(invitee_emails(" \n ,").is_empty());
    }
}
