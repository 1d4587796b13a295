//! The meeting's web pages, behind the links the APIs hand out (docs/web-pages.md):
//!
//! - `/{site}/e.php?AT=SI&MK=<key>` (the join URL) and `/{site}/j.php?MTID=m<uuid>` (the
//!   invitation link): the meeting and a join form (name, email, password, optional host key);
//!   with `ICS`, `j.php` answers the meeting's iCalendar file instead;
//! - `/{site}/m.php?AT=HM&MK=<key>` (the host URL): the form that starts the meeting with the host key;
//! - `/{site}/room/{key}`: the "in meeting" page, with Record, End meeting and Leave buttons.
//!
//! Joining calls the same core use case as the JSON lifecycle endpoints. The pass that proves who a
//! browser is (kaigi_core::room) lives in an HttpOnly cookie scoped to the room's path; every
//! button's form also carries the [`FormCheck`] bound to that pass, so another site cannot make a
//! browser press them.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kaigi_core::model::{Actor, JoinRequest, Participant, ParticipantPass, Role, Room, SessionStatus};
use kaigi_core::rules::timezone;
use kaigi_core::Error;
use maud::{html, Markup};
use serde::Deserialize;

use crate::cookie::{self, Cookie};
use crate::error::{explain, failure_page, Failure, Page};
use crate::form_check::{self, FormCheck};
use crate::layout::{self, error_box, hidden, input, read_form, see_other};
use crate::url::encode_query;
use crate::Web;

const PASS_COOKIE: &str = "kaigi_p";

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/{site}/e.php", get(join_page))
        .route("/{site}/m.php", get(host_page))
        .route("/{site}/room/{key}", get(room_page))
        .route("/{site}/room/{key}/join", post(join))
        .route("/{site}/room/{key}/record", post(record))
        .route("/{site}/room/{key}/end", post(end))
        .route("/{site}/room/{key}/leave", post(leave))
        .route("/{site}/room/{key}/live", get(crate::live::socket))
        .route("/_kaigi/static/meeting.js", get(meeting_script))
}

/// The room page's script: plain JavaScript, no build step (WebRTC, the room's socket, the
/// controls).
async fn meeting_script() -> Response {
    let headers = [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")];
    (headers, include_str!("meeting.js")).into_response()
}

fn room_path(site: &str, key: u64) -> String {
    format!("/{}/room/{key}", encode_query(site))
}

/// The pass cookie of a room: the browser's proof of who it is there (SameSite=Lax, so the
/// link to the room carries it), until the browser closes.
fn pass_cookie(path: &str) -> Cookie<'_> {
    Cookie::lax(PASS_COOKIE, path, None)
}

/// The client's address: the first `X-Forwarded-For` entry, else the peer address.
fn client_ip(headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    match (forwarded, peer) {
        (Some(ip), _) => ip.to_string(),
        (None, Some(peer)) => peer.ip().to_string(),
        (None, None) => String::new(),
    }
}

/// A join request with where it came from: the client address and agent kept in history (the
/// pages and the JSON lifecycle endpoint alike).
pub fn join_request(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    name: String,
    email: String,
    password: Option<String>,
    host_key: Option<String>,
) -> JoinRequest {
    JoinRequest {
        name,
        email,
        password,
        host_key,
        ip_address: client_ip(headers, peer),
        client_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(256)
            .collect(),
    }
}

/// The meeting's title block: host, time in the meeting's zone, number and live status.
fn summary(room: &Room) -> Markup {
    let m = &room.meeting;
    let zone = timezone::by_id(m.time_zone_id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)]);
    let status = match m.status {
        SessionStatus::InProgress => "In progress",
        SessionStatus::NotInProgress => "Not started",
    };
    html! {
        dl {
            dt { "Host" } dd id="host" { (room.host.display_name()) }
            dt { "Starts" } dd { (zone.to_local(m.start).format("%Y-%m-%d %H:%M").to_string()) " (" (zone.name) "), " (m.duration_minutes) " minutes" }
            dt { "Meeting number" } dd id="meeting-number" { (m.meeting_key) }
            dt { "Status" } dd id="status" data-status=(m.status.wire()) { (status) }
        }
    }
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
fn join_form(room: &Room, given: &JoinForm, for_host: bool, notice: Option<&str>, error: Option<&str>) -> Markup {
    let action = format!("{}/join", room_path(&room.site.name, room.meeting.meeting_key));
    let password_label =
        if room.meeting.password.is_some() { "Meeting password" } else { "Meeting password (none set)" };
    html! {
        (summary(room))
        @if let Some(n) = notice {
            p class="notice" id="notice" { (n) }
        }
        (error_box(error))
        form method="post" action=(action) id="join-form" {
            (input("name", "Your name", "text", &given.name, true))
            (input("email", "Your email address", "email", &given.email, true))
            @if for_host {
                (input("host_key", "Host key (6 digits)", "text", "", true))
                (input("password", "Meeting password (not needed by the meeting's host)", "password", "", false))
                (hidden("page", "host"))
                button type="submit" id="join" { "Start meeting" }
            } @else {
                (input("password", password_label, "password", &given.password, false))
                (input("host_key", "Host key (only to become the host)", "text", "", false))
                button type="submit" id="join" { "Join meeting" }
            }
        }
    }
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
    failure_page(&Error::NotFound(kaigi_core::error::Entity::Meeting), Page::MeetingLink)
}

async fn linked_room(web: &Web, site: &str, mk: Option<&str>) -> Result<Room, Response> {
    let Some(key) = mk.and_then(parse_key) else { return Err(no_meeting()) };
    web.kaigi.room(site, key).await.map_err(|e| failure_page(&e, Page::Meeting))
}

/// GET /{site}/e.php?AT=SI&MK=<key>[&AN=name&AE=email&PW=password]: the join page.
async fn join_page(State(web): State<Web>, Path(site): Path<String>, Query(q): Query<LinkQuery>) -> Response {
    let room = match linked_room(&web, &site, q.mk.as_deref()).await {
        Ok(room) => room,
        Err(r) => return r,
    };
    let given = JoinForm {
        name: q.an.unwrap_or_default(),
        email: q.ae.unwrap_or_default(),
        password: q.pw.unwrap_or_default(),
        ..JoinForm::default()
    };
    layout::page(StatusCode::OK, &room.meeting.name, join_form(&room, &given, false, None, None))
}

/// GET /{site}/m.php?AT=HM&MK=<key>: the host page.
async fn host_page(State(web): State<Web>, Path(site): Path<String>, Query(q): Query<LinkQuery>) -> Response {
    let room = match linked_room(&web, &site, q.mk.as_deref()).await {
        Ok(room) => room,
        Err(r) => return r,
    };
    layout::page(StatusCode::OK, &room.meeting.name, join_form(&room, &JoinForm::default(), true, None, None))
}

#[derive(Deserialize)]
pub struct MeetingLinkQuery {
    #[serde(rename = "MTID")]
    mtid: Option<String>,
    #[serde(rename = "ICS")]
    ics: Option<String>,
}

/// `j.php?MTID=m…`: with `ICS` the meeting's iCalendar file; without, the invitation page with the
/// join form (the host form for the host's link).
pub async fn meeting_link(
    State(web): State<Web>,
    Path(site): Path<String>,
    Query(q): Query<MeetingLinkQuery>,
) -> Response {
    let Some(token) = q.mtid.filter(|t| !t.is_empty()) else { return no_meeting() };
    let entry = match web.kaigi.calendar_entry(&site, &token).await {
        Ok(entry) => entry,
        Err(e) => return failure_page(&e, Page::MeetingLink),
    };
    if q.ics.is_some() {
        let body = crate::ical::render(&entry, &entry.host.display_name());
        let name = format!("attachment; filename=\"{}.ics\"", entry.meeting.meeting_key);
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)],
            body,
        )
            .into_response();
    }
    let m = &entry.meeting;
    if m.deleted_at.is_some() {
        return layout::message(StatusCode::GONE, "Meeting cancelled", &format!("{} was cancelled.", m.name));
    }
    match web.kaigi.room(&site, m.meeting_key).await {
        Ok(room) => layout::page(
            StatusCode::OK,
            &room.meeting.name,
            join_form(&room, &JoinForm::default(), entry.for_host, None, None),
        ),
        Err(e) => failure_page(&e, Page::Meeting),
    }
}

/// POST /{site}/room/{key}/join: joins, keeps the pass in a cookie, and sends the browser to the room.
async fn join(State(web): State<Web>, Path((site, key)): Path<(String, String)>, request: Request<Body>) -> Response {
    let Some(key) = parse_key(&key) else { return no_meeting() };
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let headers = request.headers().clone();
    let form: JoinForm = match read_form(&web, request).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    let room = match web.kaigi.room(&site, key).await {
        Ok(room) => room,
        Err(e) => return failure_page(&e, Page::Meeting),
    };
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let req =
        join_request(&headers, peer, form.name.clone(), form.email.clone(), opt(&form.password), opt(&form.host_key));
    match web.kaigi.join_session(key, &req).await {
        Ok(joined) => {
            let path = room_path(&room.site.name, key);
            see_other(&path, &[pass_cookie(&path).set(&web, &joined.pass)])
        }
        Err(e) => {
            let Failure { status, text, .. } = explain(&e, Page::Meeting);
            let given = JoinForm { password: String::new(), ..form };
            let for_host = given.page == "host";
            layout::page(status, &room.meeting.name, join_form(&room, &given, for_host, None, Some(&text)))
        }
    }
}

/// The pass in the request's cookie, if it is shaped like one.
pub(crate) fn pass_of(headers: &HeaderMap) -> Option<(String, ParticipantPass)> {
    let raw = cookie::read(headers, PASS_COOKIE)?;
    let pass = ParticipantPass::parse(&raw)?;
    Some((raw, pass))
}

#[derive(Debug, Deserialize)]
pub struct RoomQuery {
    notice: Option<String>,
}

/// GET /{site}/room/{key}: who is in, the meeting's status, and the buttons the role allows.
async fn room_page(
    State(web): State<Web>,
    Path((site, key)): Path<(String, String)>,
    Query(q): Query<RoomQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(key) = parse_key(&key) else { return no_meeting() };
    let room = match web.kaigi.room(&site, key).await {
        Ok(room) => room,
        Err(e) => return failure_page(&e, Page::Meeting),
    };
    let me = match pass_of(&headers) {
        Some((raw, pass)) => match web.kaigi.participant_by_pass(key, &pass).await {
            Ok(p) => Some((raw, p)),
            Err(Error::Session(_)) => None,
            Err(e) => return failure_page(&e, Page::Meeting),
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
        return layout::page(status, &room.meeting.name, body);
    };
    let path = room_path(&room.site.name, room.meeting.meeting_key);
    let check = FormCheck::bound_to(raw).field();
    let (label, recording) = if room.recording { ("Stop recording", "on") } else { ("Record", "off") };
    let body = html! {
        (summary(room))
        (error_box(error))
        p { "You are in as " strong id="me" { (p.name) } ", role " strong id="role" { (p.role.wire()) } "." }
        (live_section(&path, p))
        h2 { "In the meeting" }
        table id="participants" {
            tr { th { "Name" } th { "Role" } }
            @for who in &room.present {
                tr { td { (who.name) } td { (who.role.wire()) } }
            }
        }
        @if p.role == Role::Host {
            p { "Recording: " strong id="recording" data-recording=(recording) { (recording) } }
            form method="post" action={ (path) "/record" } { (check) button type="submit" id="record" { (label) } }
            form method="post" action={ (path) "/end" } { (check) button type="submit" id="end" { "End meeting" } }
        }
        form method="post" action={ (path) "/leave" } { (check) button type="submit" id="leave" { "Leave" } }
        p { a href=(path) id="refresh" { "Refresh" } }
    };
    layout::page(status, &room.meeting.name, body)
}

const LIVE_STYLE: &str = "#stage{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:.5rem}\
#stage figure{margin:0;background:#222;color:#fff;border:3px solid transparent}\
#stage figure.speaking{border-color:#3c3}#stage figure.screen{grid-column:1/-1}\
#stage video{width:100%;display:block}#stage figcaption{padding:.2rem .4rem}\
#controls{margin:.5rem 0}#people li.speaking{font-weight:bold}";

/// The live meeting: everyone's video, the controls, who is in and the chat; drawn by
/// meeting.js over the room's socket (docs/media.md).
fn live_section(path: &str, me: &Participant) -> Markup {
    html! {
        style { (LIVE_STYLE) }
        section id="live" data-socket={ (path) "/live" } data-room=(path) data-me=(me.id) data-host=(me.role == Role::Host) {
            p id="live-status" { "Connecting audio and video…" }
            div id="stage" {
                figure class="tile me" { video id="self-view" autoplay muted playsinline {} figcaption { (me.name) " (you)" } }
            }
            div id="controls" {
                button type="button" id="mic" { "Mute" }
                button type="button" id="camera" { "Stop video" }
                button type="button" id="share" { "Share screen" }
                button type="button" id="hand" { "Raise hand" }
                @if me.role == Role::Host {
                    button type="button" id="live-record" { "Record" }
                    button type="button" id="live-lock" { "Lock meeting" }
                    button type="button" id="live-end" { "End for everyone" }
                }
                button type="button" id="live-leave" { "Leave" }
            }
            h2 { "People" }
            ul id="people" {}
            h2 { "Chat" }
            ol id="chat" {}
            form id="chat-form" { input id="chat-text" maxlength="2000" autocomplete="off" aria-label="Message"; button type="submit" { "Send" } }
        }
        script src="/_kaigi/static/meeting.js" defer {}
    }
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

async fn press(web: Web, site: String, key: String, button: Button, request: Request<Body>) -> Response {
    let Some(key) = parse_key(&key) else { return no_meeting() };
    let headers = request.headers().clone();
    let form: ButtonForm = match read_form(&web, request).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    let room = match web.kaigi.room(&site, key).await {
        Ok(room) => room,
        Err(e) => return failure_page(&e, Page::Meeting),
    };
    let path = room_path(&room.site.name, key);
    let Some((raw, pass)) = pass_of(&headers).filter(|(raw, _)| form_check::matches(raw, &form.check)) else {
        let text = "This button works only in the page of someone in the meeting; open the meeting again.";
        return render_room(&room, None, None, Some(text), StatusCode::FORBIDDEN);
    };
    let me = match web.kaigi.participant_by_pass(key, &pass).await {
        Ok(p) => p,
        Err(e) => {
            let Failure { status, text, .. } = explain(&e, Page::Meeting);
            return render_room(&room, None, None, Some(&text), status);
        }
    };
    let actor = Actor::Participant(pass);
    let done = match button {
        Button::Record => web.kaigi.toggle_recording(key, &actor).await.map(|_| None),
        Button::End => web.kaigi.end_session(key, &actor).await.map(|_| Some("ended")),
        Button::Leave => web.kaigi.leave_session(key, &actor).await.map(|_| Some("left")),
    };
    match done {
        Ok(None) => see_other(&path, &[]),
        Ok(Some(notice)) => see_other(&format!("{path}?notice={notice}"), &[pass_cookie(&path).remove(&web)]),
        Err(e) => {
            let Failure { status, text, .. } = explain(&e, Page::Meeting);
            let room = web.kaigi.room(&site, key).await.unwrap_or(room);
            render_room(&room, Some(&(raw, me)), None, Some(&text), status)
        }
    }
}

/// POST /{site}/room/{key}/record: starts recording, or stops it. Hosts only.
async fn record(State(web): State<Web>, Path((site, key)): Path<(String, String)>, r: Request<Body>) -> Response {
    press(web, site, key, Button::Record, r).await
}

/// POST /{site}/room/{key}/end. Hosts only.
async fn end(State(web): State<Web>, Path((site, key)): Path<(String, String)>, r: Request<Body>) -> Response {
    press(web, site, key, Button::End, r).await
}

/// POST /{site}/room/{key}/leave.
async fn leave(State(web): State<Web>, Path((site, key)): Path<(String, String)>, r: Request<Body>) -> Response {
    press(web, site, key, Button::Leave, r).await
}
