//! The meeting's web pages, behind the links the APIs hand out (docs/web-pages.md):
//!
//! - `/{site}/e.php?AT=SI&MK=<key>` (the join URL) and `/{site}/j.php?MTID=m<uuid>` (the
//!   invitation link): the meeting and a join form (name, email, password, optional host key);
//! - `/{site}/m.php?AT=HM&MK=<key>` (the host URL): the form that starts the meeting with the host key;
//! - `/{site}/room/{key}`: the "in meeting" page, with Record, End meeting and Leave buttons.
//!
//! Joining calls the same core use case as the JSON lifecycle endpoints. The pass that proves who a
//! browser is (kaigi_core::room) lives in an HttpOnly cookie scoped to the room's path; every
//! button's form also carries a check value derived from that pass, so another site cannot make a
//! browser press them.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, Path, Query, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use kaigi_core::model::{Actor, Participant, ParticipantPass, Role, Room, SessionStatus};
use kaigi_core::rules::secrets::token_hash;
use kaigi_core::rules::timezone;
use kaigi_core::Error;
use serde::Deserialize;

use crate::app::AppState;
use crate::control::{explain, join_request};
use crate::html::{self, esc, hidden, input};

const PASS_COOKIE: &str = "kaigi_p";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{site}/e.php", get(join_page))
        .route("/{site}/m.php", get(host_page))
        .route("/{site}/room/{key}", get(room_page))
        .route("/{site}/room/{key}/join", post(join))
        .route("/{site}/room/{key}/record", post(record))
        .route("/{site}/room/{key}/end", post(end))
        .route("/{site}/room/{key}/leave", post(leave))
}

fn room_path(site: &str, key: u64) -> String {
    format!("/{}/room/{key}", html::url_encode(site))
}

/// What went wrong, as a page: the caller's mistakes with their own message, the rest logged.
fn failure_text(e: &Error) -> (StatusCode, String) {
    explain(e).unwrap_or_else(|| {
        tracing::error!(error = %e, "meeting page failed");
        (StatusCode::SERVICE_UNAVAILABLE, "Something went wrong; try again later.".to_string())
    })
}

fn failure_page(e: &Error) -> Response {
    let (status, text) = failure_text(e);
    let title = if status == StatusCode::NOT_FOUND { "Meeting not found" } else { "Try again later" };
    html::message(status, title, &text)
}

/// The meeting's title block: host, time in the meeting's zone, number and live status.
fn summary(room: &Room) -> String {
    let m = &room.meeting;
    let zone = timezone::by_id(m.time_zone_id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)]);
    let status = match m.status {
        SessionStatus::InProgress => "In progress",
        SessionStatus::NotInProgress => "Not started",
    };
    format!(
        "<dl><dt>Host</dt><dd id=\"host\">{host}</dd><dt>Starts</dt><dd>{start} ({zone}), {minutes} minutes</dd>\
         <dt>Meeting number</dt><dd id=\"meeting-number\">{key}</dd>\
         <dt>Status</dt><dd id=\"status\" data-status=\"{wire}\">{status}</dd></dl>",
        host = esc(&room.host.display_name()),
        start = zone.to_local(m.start).format("%Y-%m-%d %H:%M"),
        zone = esc(zone.name),
        minutes = m.duration_minutes,
        key = m.meeting_key,
        wire = m.status.wire(),
    )
}

/// What a join form was given, to show again after an error (never the password or host key).
#[derive(Debug, Default, Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    host_key: String,
    /// "host" when sent from the host page.
    #[serde(default)]
    page: String,
}

/// The join form (attendees and guests) or the host form (the host page).
fn join_form(room: &Room, given: &JoinForm, for_host: bool, notice: Option<&str>, error: Option<&str>) -> String {
    let action = format!("{}/join", room_path(&room.site.name, room.meeting.meeting_key));
    let mut f = String::new();
    f.push_str(&summary(room));
    if let Some(n) = notice {
        f.push_str(&format!("<p class=\"notice\" id=\"notice\">{}</p>", esc(n)));
    }
    f.push_str(&html::error_box(error));
    f.push_str(&format!("<form method=\"post\" action=\"{}\" id=\"join-form\">", esc(&action)));
    f.push_str(&input("name", "Your name", "text", &given.name, true));
    f.push_str(&input("email", "Your email address", "email", &given.email, true));
    if for_host {
        f.push_str(&input("host_key", "Host key (6 digits)", "text", "", true));
        f.push_str(&input("password", "Meeting password (not needed by the meeting's host)", "password", "", false));
        f.push_str(&hidden("page", "host"));
        f.push_str("<button type=\"submit\" id=\"join\">Start meeting</button></form>");
    } else {
        let password = if room.meeting.password.is_some() { "Meeting password" } else { "Meeting password (none set)" };
        f.push_str(&input("password", password, "password", &given.password, false));
        f.push_str(&input("host_key", "Host key (only to become the host)", "text", "", false));
        f.push_str("<button type=\"submit\" id=\"join\">Join meeting</button></form>");
    }
    f
}

#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    #[serde(rename = "MK")]
    mk: Option<String>,
    #[serde(rename = "AN")]
    an: Option<String>,
    #[serde(rename = "AE")]
    ae: Option<String>,
    #[serde(rename = "PW")]
    pw: Option<String>,
}

fn parse_key(raw: &str) -> Option<u64> {
    raw.trim().parse().ok()
}

fn no_meeting() -> Response {
    html::message(StatusCode::NOT_FOUND, "Meeting not found", "This link names no meeting.")
}

async fn linked_room(state: &AppState, site: &str, mk: Option<&str>) -> Result<Room, Response> {
    let Some(key) = mk.and_then(parse_key) else { return Err(no_meeting()) };
    state.kaigi.room(site, key).await.map_err(|e| failure_page(&e))
}

/// GET /{site}/e.php?AT=SI&MK=<key>[&AN=name&AE=email&PW=password]: the join page.
async fn join_page(State(state): State<AppState>, Path(site): Path<String>, Query(q): Query<LinkQuery>) -> Response {
    let room = match linked_room(&state, &site, q.mk.as_deref()).await {
        Ok(room) => room,
        Err(r) => return r,
    };
    let given = JoinForm {
        name: q.an.unwrap_or_default(),
        email: q.ae.unwrap_or_default(),
        password: q.pw.unwrap_or_default(),
        ..JoinForm::default()
    };
    html::page(StatusCode::OK, &room.meeting.name, &join_form(&room, &given, false, None, None))
}

/// GET /{site}/m.php?AT=HM&MK=<key>: the host page.
async fn host_page(State(state): State<AppState>, Path(site): Path<String>, Query(q): Query<LinkQuery>) -> Response {
    let room = match linked_room(&state, &site, q.mk.as_deref()).await {
        Ok(room) => room,
        Err(r) => return r,
    };
    html::page(StatusCode::OK, &room.meeting.name, &join_form(&room, &JoinForm::default(), true, None, None))
}

/// The invitation link's page (`j.php?MTID=m…` without `ICS`): the join form, or the host form
/// when the link is the host's.
pub async fn invitation_page(state: &AppState, site: &str, key: u64, for_host: bool) -> Response {
    match state.kaigi.room(site, key).await {
        Ok(room) => html::page(
            StatusCode::OK,
            &room.meeting.name,
            &join_form(&room, &JoinForm::default(), for_host, None, None),
        ),
        Err(e) => failure_page(&e),
    }
}

/// POST /{site}/room/{key}/join: joins, keeps the pass in a cookie, and sends the browser to the room.
async fn join(
    State(state): State<AppState>,
    Path((site, key)): Path<(String, String)>,
    request: Request<Body>,
) -> Response {
    let Some(key) = parse_key(&key) else { return no_meeting() };
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let headers = request.headers().clone();
    let form: JoinForm = match read_form(&state, request).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    let room = match state.kaigi.room(&site, key).await {
        Ok(room) => room,
        Err(e) => return failure_page(&e),
    };
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let req =
        join_request(&headers, peer, form.name.clone(), form.email.clone(), opt(&form.password), opt(&form.host_key));
    match state.kaigi.join_session(key, &req).await {
        Ok(joined) => {
            let path = room_path(&room.site.name, key);
            html::see_other(&path, &[html::cookie(&state.kaigi, PASS_COOKIE, &joined.pass, &path, None)])
        }
        Err(e) => {
            let (status, text) = failure_text(&e);
            let given = JoinForm { password: String::new(), ..form };
            let for_host = given.page == "host";
            html::page(status, &room.meeting.name, &join_form(&room, &given, for_host, None, Some(&text)))
        }
    }
}

/// A value the room's forms carry: tied to the pass, unknowable without it.
fn form_check(pass: &str) -> String {
    token_hash(&format!("room-form:{pass}"))[..32].to_string()
}

/// The pass in the request's cookie, if it is shaped like one.
fn pass_of(headers: &HeaderMap) -> Option<(String, ParticipantPass)> {
    let raw = html::read_cookie(headers, PASS_COOKIE)?;
    let pass = ParticipantPass::parse(&raw)?;
    Some((raw, pass))
}

#[derive(Debug, Deserialize)]
pub struct RoomQuery {
    notice: Option<String>,
}

/// GET /{site}/room/{key}: who is in, the meeting's status, and the buttons the role allows.
async fn room_page(
    State(state): State<AppState>,
    Path((site, key)): Path<(String, String)>,
    Query(q): Query<RoomQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(key) = parse_key(&key) else { return no_meeting() };
    let room = match state.kaigi.room(&site, key).await {
        Ok(room) => room,
        Err(e) => return failure_page(&e),
    };
    let me = match pass_of(&headers) {
        Some((raw, pass)) => match state.kaigi.participant_by_pass(key, &pass).await {
            Ok(p) => Some((raw, p)),
            Err(Error::Session(_)) => None,
            Err(e) => return failure_page(&e),
        },
        None => None,
    };
    render_room(&room, me.as_ref(), q.notice.as_deref(), None, StatusCode::OK)
}

fn render_room(
    room: &Room,
    me: Option<&(String, Participant)>,
    notice: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let notice = match notice {
        Some("ended") => Some("The meeting has ended."),
        Some("left") => Some("You left the meeting."),
        _ => None,
    };
    let Some((raw, p)) = me else {
        let text = notice.unwrap_or("You are not in this meeting.");
        let body = join_form(room, &JoinForm::default(), false, Some(text), error);
        return html::page(status, &room.meeting.name, &body);
    };
    let path = room_path(&room.site.name, room.meeting.meeting_key);
    let check = hidden("check", &form_check(raw));
    let mut b = String::new();
    b.push_str(&summary(room));
    b.push_str(&html::error_box(error));
    b.push_str(&format!(
        "<p>You are in as <strong id=\"me\">{}</strong>, role <strong id=\"role\">{}</strong>.</p>",
        esc(&p.name),
        p.role.wire()
    ));
    b.push_str("<h2>In the meeting</h2><table id=\"participants\"><tr><th>Name</th><th>Role</th></tr>");
    for who in &room.present {
        b.push_str(&format!("<tr><td>{}</td><td>{}</td></tr>", esc(&who.name), who.role.wire()));
    }
    b.push_str("</table>");
    if p.role == Role::Host {
        let (label, state) = if room.recording { ("Stop recording", "on") } else { ("Record", "off") };
        b.push_str(&format!(
            "<p>Recording: <strong id=\"recording\" data-recording=\"{state}\">{state}</strong></p>\
             <form method=\"post\" action=\"{path}/record\">{check}<button type=\"submit\" id=\"record\">{label}</button></form>\
             <form method=\"post\" action=\"{path}/end\">{check}<button type=\"submit\" id=\"end\">End meeting</button></form>",
            path = esc(&path)
        ));
    }
    b.push_str(&format!(
        "<form method=\"post\" action=\"{path}/leave\">{check}<button type=\"submit\" id=\"leave\">Leave</button></form>\
         <p><a href=\"{path}\" id=\"refresh\">Refresh</a></p>",
        path = esc(&path)
    ));
    html::page(status, &room.meeting.name, &b)
}

#[derive(Debug, Default, Deserialize)]
pub struct ButtonForm {
    #[serde(default)]
    check: String,
}

#[derive(Clone, Copy)]
enum Button {
    Record,
    End,
    Leave,
}

/// The posted form, or the page that says why it could not be read (too large, malformed).
async fn read_form<T: serde::de::DeserializeOwned>(state: &AppState, request: Request<Body>) -> Result<T, Response> {
    match Form::<T>::from_request(request, state).await {
        Ok(Form(form)) => Ok(form),
        Err(rejection) => Err(html::message(rejection.status(), "The form could not be read", &rejection.body_text())),
    }
}

async fn press(state: AppState, site: String, key: String, button: Button, request: Request<Body>) -> Response {
    let Some(key) = parse_key(&key) else { return no_meeting() };
    let headers = request.headers().clone();
    let form: ButtonForm = match read_form(&state, request).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    let room = match state.kaigi.room(&site, key).await {
        Ok(room) => room,
        Err(e) => return failure_page(&e),
    };
    let path = room_path(&room.site.name, key);
    let Some((raw, pass)) = pass_of(&headers).filter(|(raw, _)| form.check == form_check(raw)) else {
        let text = "This button works only in the page of someone in the meeting; open the meeting again.";
        return render_room(&room, None, None, Some(text), StatusCode::FORBIDDEN);
    };
    let me = match state.kaigi.participant_by_pass(key, &pass).await {
        Ok(p) => p,
        Err(e) => {
            let (status, text) = failure_text(&e);
            return render_room(&room, None, None, Some(&text), status);
        }
    };
    let actor = Actor::Participant(pass);
    let done = match button {
        Button::Record => state.kaigi.toggle_recording(key, &actor).await.map(|_| None),
        Button::End => state.kaigi.end_session(key, &actor).await.map(|_| Some("ended")),
        Button::Leave => state.kaigi.leave_session(key, &actor).await.map(|_| Some("left")),
    };
    match done {
        Ok(None) => html::see_other(&path, &[]),
        Ok(Some(notice)) => html::see_other(
            &format!("{path}?notice={notice}"),
            &[html::cookie(&state.kaigi, PASS_COOKIE, "", &path, Some(0))],
        ),
        Err(e) => {
            let (status, text) = failure_text(&e);
            let room = state.kaigi.room(&site, key).await.unwrap_or(room);
            render_room(&room, Some(&(raw, me)), None, Some(&text), status)
        }
    }
}

/// POST /{site}/room/{key}/record: starts recording, or stops it. Hosts only.
async fn record(
    State(state): State<AppState>,
    Path((site, key)): Path<(String, String)>,
    r: Request<Body>,
) -> Response {
    press(state, site, key, Button::Record, r).await
}

/// POST /{site}/room/{key}/end. Hosts only.
async fn end(State(state): State<AppState>, Path((site, key)): Path<(String, String)>, r: Request<Body>) -> Response {
    press(state, site, key, Button::End, r).await
}

/// POST /{site}/room/{key}/leave.
async fn leave(State(state): State<AppState>, Path((site, key)): Path<(String, String)>, r: Request<Body>) -> Response {
    press(state, site, key, Button::Leave, r).await
}
