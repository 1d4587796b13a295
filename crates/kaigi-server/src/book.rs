//! The booking page (`/book`) for people who never touch an API: sign in with the site, webExId
//! (or email) and password, give a title, start, duration and invitees, and kaigi schedules the
//! meeting in the person's own name through the same core use case as CreateMeeting. When the
//! site's licences do not allow it, the page says why (the core's reason) and who can fix it.
//!
//! Sign-in reuses the XML API's session tickets: the cookie `kaigi_s` holds `<siteNumber>.<ticket>`
//! (only the ticket's hash is stored; it expires with the site's ticket lifetime). The cookie is
//! HttpOnly and SameSite=Lax, and every form posted while signed in carries a check value derived
//! from the ticket, which another site cannot know.

use axum::body::Body;
use axum::extract::{FromRequest, Path, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDateTime;
use kaigi_core::error::{AuthFailure, LicenseError, ScheduleError};
use kaigi_core::model::{
    Caller, Credentials, Meeting, MeetingFields, MeetingRef, NewAttendee, Proof, SessionKind, SiteRef, UserRef,
};
use kaigi_core::rules::limits::MAX_ATTENDEES_PER_CALL;
use kaigi_core::rules::secrets::token_hash;
use kaigi_core::rules::timezone;
use kaigi_core::Error;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::app::AppState;
use crate::form_check::{posted_matches, CheckCookie, FormCheck};
use crate::html::{self, esc, hidden, input};

const SESSION_COOKIE: &str = "kaigi_s";
/// The sign-in form's check (login CSRF: another site must not sign a browser in as someone else).
const SIGN_IN_COOKIE: &str = "kaigi_b";
const SIGN_IN_CHECK: CheckCookie<'static> = CheckCookie { name: SIGN_IN_COOKIE, path: "/book", max_age: Some(3600) };

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/book", get(book_page).post(book))
        .route("/book/signin", post(sign_in))
        .route("/book/signout", post(sign_out))
        .route("/book/meetings/{key}", get(booked_page))
}

/// The signed-in caller and the raw cookie value, or None.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Option<(Caller, String)>, Response> {
    let Some(raw) = html::read_cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    let Some((number, ticket)) = raw.split_once('.') else { return Ok(None) };
    let Ok(number) = number.parse::<i64>() else { return Ok(None) };
    let credentials =
        Credentials { site: SiteRef::Number(number), user: None, proof: Proof::SessionTicket(ticket.to_string()) };
    match state.kaigi.authenticate(&credentials).await {
        Ok(caller) if caller.user().is_some() => Ok(Some((caller, raw))),
        Ok(_) | Err(Error::Auth(_)) | Err(Error::NotFound(_)) => Ok(None),
        Err(e) => Err(unavailable(&e)),
    }
}

fn unavailable(e: &Error) -> Response {
    tracing::error!(error = %e, "booking page failed");
    html::message(StatusCode::SERVICE_UNAVAILABLE, "Try again later", "Something went wrong; try again later.")
}

fn form_check(raw: &str) -> String {
    token_hash(&format!("book-form:{raw}"))[..32].to_string()
}

async fn read_form<T: DeserializeOwned>(state: &AppState, request: Request<Body>) -> Result<T, Response> {
    match Form::<T>::from_request(request, state).await {
        Ok(Form(form)) => Ok(form),
        Err(r) => Err(html::message(r.status(), "The form could not be read", &r.body_text())),
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
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    given: &SignInForm,
    error: Option<&str>,
) -> Response {
    let check = FormCheck::for_page(&state.kaigi, headers, SIGN_IN_CHECK);
    let mut b = String::from("<p>Sign in with your kaigi account to schedule a meeting.</p>");
    b.push_str(&html::error_box(error));
    b.push_str("<form method=\"post\" action=\"/book/signin\" id=\"signin-form\">");
    b.push_str(&check.field());
    b.push_str(&input("site", "Site", "text", &given.site, true));
    b.push_str(&input("user", "User name (webExId) or email", "text", &given.user, true));
    b.push_str(&input("password", "Password", "password", "", true));
    b.push_str("<button type=\"submit\" id=\"signin\">Sign in</button></form>");
    check.set_on(html::page(status, "Book a meeting", &b))
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

fn zone_of(caller: &Caller) -> &'static timezone::TimeZoneInfo {
    let id = caller.user().map_or(caller.site.settings.time_zone_id, |u| u.time_zone_id);
    timezone::by_id(id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)])
}

fn booking_page(status: StatusCode, caller: &Caller, raw: &str, given: &BookForm, error: Option<&str>) -> Response {
    let me = caller.user().map(|u| u.display_name()).unwrap_or_default();
    let check = hidden("check", &form_check(raw));
    let mut b = format!(
        "<p>Signed in as <strong id=\"me\">{}</strong> on site <strong>{}</strong>.</p>",
        esc(&me),
        esc(&caller.site.name)
    );
    b.push_str(&format!(
        "<form method=\"post\" action=\"/book/signout\">{check}<button type=\"submit\" id=\"signout\">Sign out</button></form>"
    ));
    b.push_str(error.unwrap_or_default());
    b.push_str(&format!("<form method=\"post\" action=\"/book\" id=\"book-form\">{check}"));
    b.push_str(&input("title", "Title", "text", &given.title, true));
    b.push_str(&format!(
        "<label for=\"start\">Start ({})</label><input id=\"start\" name=\"start\" type=\"datetime-local\" value=\"{}\" required>",
        esc(zone_of(caller).name),
        esc(&given.start)
    ));
    let duration = if given.duration.is_empty() { "60" } else { &given.duration };
    b.push_str(&format!(
        "<label for=\"duration\">Duration (minutes)</label><input id=\"duration\" name=\"duration\" type=\"number\" \
         min=\"1\" max=\"1440\" value=\"{}\" required>",
        esc(duration)
    ));
    b.push_str(&format!(
        "<label for=\"invitees\">Invitees (emails, separated by commas or lines; at most {MAX_ATTENDEES_PER_CALL})</label>\
         <textarea id=\"invitees\" name=\"invitees\" rows=\"4\">{}</textarea>",
        esc(&given.invitees)
    ));
    b.push_str("<button type=\"submit\" id=\"book\">Schedule meeting</button></form>");
    html::page(status, "Book a meeting", &b)
}

/// GET /book: the sign-in form, or the booking form once signed in.
async fn book_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers).await {
        Ok(Some((caller, raw))) => booking_page(StatusCode::OK, &caller, &raw, &BookForm::default(), None),
        Ok(None) => sign_in_page(&state, &headers, StatusCode::OK, &SignInForm::default(), None),
        Err(r) => r,
    }
}

/// POST /book/signin
async fn sign_in(State(state): State<AppState>, request: Request<Body>) -> Response {
    let headers = request.headers().clone();
    let form: SignInForm = match read_form(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if !posted_matches(&headers, SIGN_IN_COOKIE, &form.check) {
        let text = "This sign-in form was not sent from kaigi's own page (or it expired); sign in again here.";
        return sign_in_page(&state, &headers, StatusCode::FORBIDDEN, &form, Some(text));
    }
    let user = form.user.trim();
    let user_ref =
        if user.contains('@') { UserRef::Email(user.to_string()) } else { UserRef::WebExId(user.to_string()) };
    let credentials = Credentials {
        site: SiteRef::Name(form.site.trim().to_string()),
        user: Some(user_ref),
        proof: Proof::Password(form.password.clone()),
    };
    let refused = |text: &str| sign_in_page(&state, &headers, StatusCode::UNAUTHORIZED, &form, Some(text));
    let caller = match state.kaigi.authenticate(&credentials).await {
        Ok(c) => c,
        Err(Error::Auth(AuthFailure::Locked { until_unix })) => {
            let until = chrono::DateTime::from_timestamp(until_unix, 0).unwrap_or_default();
            return refused(&format!(
                "Too many wrong passwords: this account is locked until {} UTC.",
                until.format("%Y-%m-%d %H:%M")
            ));
        }
        Err(Error::Auth(AuthFailure::Inactive)) => return refused("This account is deactivated."),
        Err(Error::Auth(_)) | Err(Error::NotFound(_)) => {
            return refused("The site, user name or password is not correct.")
        }
        Err(e) => return unavailable(&e),
    };
    let ticket = match state.kaigi.issue_session_ticket(&caller).await {
        Ok(t) => t,
        Err(e) => return unavailable(&e),
    };
    let value = format!("{}.{}", caller.site.site_number, ticket.ticket);
    html::see_other(
        "/book",
        &[html::cookie(&state.kaigi, SESSION_COOKIE, &value, "/book", Some(ticket.time_to_live_secs))],
    )
}

#[derive(Debug, Default, Deserialize)]
struct CheckForm {
    #[serde(default)]
    check: String,
}

/// POST /book/signout
async fn sign_out(State(state): State<AppState>, request: Request<Body>) -> Response {
    let headers = request.headers().clone();
    let form: CheckForm = match read_form(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    match signed_in(&state, &headers).await {
        Ok(Some((_, raw))) if form.check == form_check(&raw) => {
            html::see_other("/book", &[html::cookie(&state.kaigi, SESSION_COOKIE, "", "/book", Some(0))])
        }
        Ok(_) => html::see_other("/book", &[]),
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

/// Why the core refused, in words for the person booking, and whether site admins can fix it.
fn refusal(e: &Error) -> Option<(StatusCode, String, bool)> {
    Some(match e {
        Error::License(LicenseError::HostLicenseRequired { webex_id, plan }) => (
            StatusCode::FORBIDDEN,
            format!(
                "kaigi cannot schedule this meeting in your name: {webex_id} holds no host licence on this site \
                 ({plan} plan)."
            ),
            true,
        ),
        Error::License(LicenseError::ExceededSiteHostLimit { seats }) => (
            StatusCode::FORBIDDEN,
            format!(
                "kaigi cannot schedule this meeting in your name: all {seats} host licences of the site are in use."
            ),
            true,
        ),
        Error::AccessDenied => (StatusCode::FORBIDDEN, "Your account may not schedule meetings.".to_string(), true),
        Error::Schedule(ScheduleError::StartNotInFuture) => {
            (StatusCode::BAD_REQUEST, "The start must be in the future.".to_string(), false)
        }
        Error::Invalid { field, why } => (StatusCode::BAD_REQUEST, format!("{field}: {why}"), false),
        Error::TooManyAttendees { max } => {
            (StatusCode::BAD_REQUEST, format!("At most {max} invitees per meeting here."), false)
        }
        _ => return None,
    })
}

/// The refusal box: the reason, and the site administrators who can fix it.
async fn refusal_box(state: &AppState, caller: &Caller, text: &str, admins_can_fix: bool) -> String {
    let mut b = format!("<div class=\"error\" role=\"alert\" id=\"refusal\"><p id=\"reason\">{}</p>", esc(text));
    if admins_can_fix {
        let admins = state.kaigi.site_admins(&caller.site).await.unwrap_or_default();
        b.push_str(
            "<p>Who can fix it: a site administrator can give you a host licence, free a seat, or change the \
             site's plan:</p><ul id=\"admins\">",
        );
        for a in &admins {
            b.push_str(&format!(
                "<li>{} &lt;<a href=\"mailto:{e}\">{e}</a>&gt;</li>",
                esc(&a.display_name()),
                e = esc(&a.email)
            ));
        }
        if admins.is_empty() {
            b.push_str("<li>This site has no active administrator; ask whoever runs kaigi.</li>");
        }
        b.push_str("</ul>");
    }
    b.push_str("</div>");
    b
}

/// POST /book: schedules the meeting in the signed-in person's name and invites the invitees.
async fn book(State(state): State<AppState>, request: Request<Body>) -> Response {
    let headers = request.headers().clone();
    let form: BookForm = match read_form(&state, request).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let (caller, raw) = match signed_in(&state, &headers).await {
        Ok(Some(signed)) => signed,
        Ok(None) => {
            let first = Some("Please sign in first.");
            return sign_in_page(&state, &headers, StatusCode::UNAUTHORIZED, &SignInForm::default(), first);
        }
        Err(r) => return r,
    };
    if form.check != form_check(&raw) {
        let text = "This form did not come from your booking page; please try again.";
        return booking_page(StatusCode::FORBIDDEN, &caller, &raw, &form, Some(&html::error_box(Some(text))));
    }
    let invalid =
        |text: &str| booking_page(StatusCode::BAD_REQUEST, &caller, &raw, &form, Some(&html::error_box(Some(text))));
    let Ok(start) = NaiveDateTime::parse_from_str(form.start.trim(), "%Y-%m-%dT%H:%M") else {
        return invalid("Give the start as a date and time.");
    };
    let Ok(duration) = form.duration.trim().parse::<u32>() else {
        return invalid("Give the duration in minutes.");
    };
    let emails = invitee_emails(&form.invitees);
    if emails.len() > MAX_ATTENDEES_PER_CALL {
        return invalid(&format!("At most {MAX_ATTENDEES_PER_CALL} invitees per booking."));
    }
    if let Some(bad) = emails.iter().find(|e| !e.contains('@') || e.len() > 128) {
        return invalid(&format!("{bad} is not an email address."));
    }
    let fields = MeetingFields {
        name: Some(form.title.clone()),
        start: Some(start),
        time_zone_id: Some(zone_of(&caller).id),
        duration_minutes: Some(duration),
        // The booking page books for the signed-in employee: the licence log records them as
        // the requester (the same person as the host, so never a shared-account sign).
        requester: caller.user().map(|u| u.webex_id.clone()),
        ..MeetingFields::default()
    };
    let meeting = match state.kaigi.create_meeting(&caller, SessionKind::Meeting, &fields).await {
        Ok(m) => m,
        Err(e) => {
            return match refusal(&e) {
                Some((status, text, admins)) => {
                    let b = refusal_box(&state, &caller, &text, admins).await;
                    booking_page(status, &caller, &raw, &form, Some(&b))
                }
                None => unavailable(&e),
            }
        }
    };
    let path = format!("/book/meetings/{}", meeting.meeting_key);
    if !emails.is_empty() {
        let people: Vec<NewAttendee> = emails.iter().map(|e| invitee(e, &meeting)).collect();
        if let Err(e) = state.kaigi.add_attendees(&caller, &people, false).await {
            let why = refusal(&e).map(|(_, t, _)| t).unwrap_or_else(|| "try again later".to_string());
            tracing::warn!(error = %e, "booking: invitations failed");
            return html::see_other(&format!("{path}?invitations=failed&why={}", html::url_encode(&why)), &[]);
        }
    }
    html::see_other(&path, &[])
}

fn invitee(email: &str, m: &Meeting) -> NewAttendee {
    NewAttendee {
        name: String::new(),
        first_name: String::new(),
        last_name: String::new(),
        email: email.to_string(),
        role: None,
        join_status: None,
        email_invitations: true,
        language: None,
        locale: None,
        time_zone_id: None,
        profile: Default::default(),
        meeting: MeetingRef::Key(m.meeting_key),
    }
}

#[derive(Debug, Deserialize)]
struct BookedQuery {
    invitations: Option<String>,
    why: Option<String>,
}

/// GET /book/meetings/{key}: what was booked: join link, number, password, host key, invitees.
async fn booked_page(
    State(state): State<AppState>,
    Path(key): Path<String>,
    axum::extract::Query(q): axum::extract::Query<BookedQuery>,
    headers: HeaderMap,
) -> Response {
    let (caller, _) = match signed_in(&state, &headers).await {
        Ok(Some(signed)) => signed,
        Ok(None) => return html::see_other("/book", &[]),
        Err(r) => return r,
    };
    let Ok(key) = key.parse::<u64>() else {
        return html::message(StatusCode::NOT_FOUND, "Meeting not found", "No such meeting.");
    };
    let (m, host) = match state.kaigi.get_meeting(&caller, &MeetingRef::Key(key), &[]).await {
        Ok(found) => found,
        Err(Error::NotFound(_)) | Err(Error::AccessDenied) => {
            return html::message(StatusCode::NOT_FOUND, "Meeting not found", "No such meeting of yours.")
        }
        Err(e) => return unavailable(&e),
    };
    let links = state.kaigi.meeting_links(&caller.site, &m);
    let zone = timezone::by_id(m.time_zone_id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)]);
    let mut b = String::from("<p class=\"notice\" id=\"booked\">Your meeting is scheduled.</p>");
    if q.invitations.as_deref() == Some("failed") {
        let why = q.why.unwrap_or_default();
        b.push_str(&html::error_box(Some(&format!("The invitations could not be sent: {why}"))));
    }
    b.push_str(&format!(
        "<dl><dt>Title</dt><dd id=\"title\">{title}</dd><dt>Host</dt><dd>{host}</dd>\
         <dt>Starts</dt><dd>{start} ({zone}), {minutes} minutes</dd>\
         <dt>Meeting number</dt><dd id=\"meeting-number\">{key}</dd>\
         <dt>Password</dt><dd id=\"password\">{password}</dd><dt>Host key</dt><dd id=\"host-key\">{host_key}</dd>\
         <dt>Join link</dt><dd><a id=\"join-link\" href=\"{join}\">{join}</a></dd>\
         <dt>Host link</dt><dd><a id=\"host-link\" href=\"{hostlink}\">{hostlink}</a></dd></dl>",
        title = esc(&m.name),
        host = esc(&host.display_name()),
        start = zone.to_local(m.start).format("%Y-%m-%d %H:%M"),
        zone = esc(zone.name),
        minutes = m.duration_minutes,
        key = m.meeting_key,
        password = esc(m.password.as_deref().unwrap_or("(none)")),
        host_key = esc(&m.host_key),
        join = esc(&links.join),
        hostlink = esc(&links.host),
    ));
    let invited: Vec<String> = m
        .invitees
        .iter()
        .filter(|i| !i.role.eq_ignore_ascii_case("HOST"))
        .map(|i| format!("<li>{}</li>", esc(&i.email)))
        .collect();
    if !invited.is_empty() {
        b.push_str(&format!("<h2>Invitations sent</h2><ul id=\"invited\">{}</ul>", invited.join("")));
    }
    b.push_str("<p><a href=\"/book\" id=\"book-another\">Book another meeting</a></p>");
    html::page(StatusCode::OK, &m.name, &b)
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
