//! The meeting, live (docs/media.md): the room page's WebSocket, `/{site}/room/{key}/live`,
//! carries the browser's WebRTC signalling to the media server (kaigi-media) and the room's
//! talk — who is in, who speaks, hands, mutes, shares and chat — among the browsers of a meeting.
//!
//! The socket is opened with the room's pass cookie, like every button of the room page; each
//! host control is the core's use case with that pass, and what the core decides reaches the
//! browsers through [`LiveRooms`], the core's live-media port.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use kaigi_core::model::{Actor, ChatLine, Participant, ParticipantPass};
use kaigi_core::ports::{LiveMedia, RecordedFile};
use kaigi_media::{Media, Member, Source};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::broadcast;

use crate::Web;

/// A browser that went away without leaving (a reload, a lost network) has this long to come
/// back before it counts as having left.
const LEAVE_GRACE: Duration = Duration::from_secs(10);
/// The largest message a browser may send (an SDP offer is a few kilobytes).
const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// Messages a browser may send per second, on average over [`BURST`].
const MESSAGES_PER_SECOND: u32 = 20;
const BURST: u32 = 60;

/// One message to the browsers of a room: to all, or to one participant.
#[derive(Clone)]
struct Note {
    to: Option<i64>,
    json: Arc<str>,
    /// The browser must close after it.
    closes: bool,
}

#[derive(Clone)]
struct Person {
    name: String,
    role: &'static str,
    muted: bool,
    hand: bool,
    sharing: bool,
    /// Waiting in the lobby of a locked meeting.
    lobby: bool,
    sockets: u32,
}

/// A line of the room's chat as the browsers read it (the core keeps it with the meeting).
fn chat_json(line: &ChatLine) -> Value {
    json!({
        "id": line.uuid,
        "from": line.participant_id,
        "name": line.sender_name,
        "text": line.text,
        "at": line.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

struct Hub {
    notes: broadcast::Sender<Note>,
    people: BTreeMap<i64, Person>,
    recording: bool,
    locked: bool,
}

impl Hub {
    fn new() -> Hub {
        Hub { notes: broadcast::channel(256).0, people: BTreeMap::new(), recording: false, locked: false }
    }

    fn people_json(&self) -> Value {
        let people: Vec<Value> = self
            .people
            .iter()
            .filter(|(_, p)| p.sockets > 0)
            .map(|(id, p)| {
                json!({
                    "id": id, "name": p.name, "role": p.role, "muted": p.muted, "hand": p.hand,
                    "sharing": p.sharing, "lobby": p.lobby,
                })
            })
            .collect();
        json!({"type": "people", "people": people})
    }

    fn send(&self, to: Option<i64>, value: &Value, closes: bool) {
        let _ = self.notes.send(Note { to, json: value.to_string().into(), closes });
    }

    fn send_people(&self) {
        self.send(None, &self.people_json(), false);
    }
}

/// The live rooms of this kaigi: the media server and each meeting's browsers.
pub struct LiveRooms {
    media: Media,
    hubs: Mutex<HashMap<u64, Hub>>,
}

impl LiveRooms {
    pub fn new(media: Media) -> Arc<LiveRooms> {
        Arc::new(LiveRooms { media, hubs: Mutex::new(HashMap::new()) })
    }

    pub fn media(&self) -> &Media {
        &self.media
    }

    fn with_hub<T>(&self, key: u64, f: impl FnOnce(&mut Hub) -> T) -> T {
        let mut hubs = self.hubs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(hubs.entry(key).or_insert_with(Hub::new))
    }
}

#[async_trait::async_trait]
impl LiveMedia for LiveRooms {
    fn muted(&self, key: u64, participant: i64, muted: bool) {
        let _ = self.media.set_muted(key, participant, muted);
        self.with_hub(key, |hub| {
            if let Some(p) = hub.people.get_mut(&participant) {
                p.muted = p.muted || muted;
            }
            hub.send(Some(participant), &json!({"type": "hostMuted", "muted": muted}), false);
            hub.send_people();
        });
    }

    fn removed(&self, key: u64, participant: i64) {
        let _ = self.media.remove(key, participant, "left the meeting");
        self.with_hub(key, |hub| {
            hub.send(Some(participant), &json!({"type": "removed"}), true);
            if let Some(p) = hub.people.get_mut(&participant) {
                p.sockets = 0;
            }
            hub.send_people();
        });
    }

    fn admitted(&self, key: u64, participant: i64) {
        self.with_hub(key, |hub| {
            if let Some(p) = hub.people.get_mut(&participant) {
                p.lobby = false;
            }
            hub.send(Some(participant), &json!({"type": "admitted"}), false);
            hub.send_people();
        });
    }

    fn promoted(&self, key: u64, participant: i64) {
        self.with_hub(key, |hub| {
            if let Some(p) = hub.people.get_mut(&participant) {
                p.role = "HOST";
            }
            hub.send(Some(participant), &json!({"type": "promoted"}), false);
            hub.send_people();
        });
    }

    fn locked(&self, key: u64, locked: bool) {
        self.with_hub(key, |hub| {
            hub.locked = locked;
            hub.send(None, &json!({"type": "locked", "locked": locked}), false);
        });
    }

    fn ended(&self, key: u64) {
        let _ = self.media.close_room(key, "the meeting ended");
        let mut hubs = self.hubs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(hub) = hubs.remove(&key) {
            hub.send(None, &json!({"type": "ended"}), true);
        }
    }

    fn recording(&self, key: u64, on: bool) {
        let _ = self.media.record(key, on);
        self.with_hub(key, |hub| {
            hub.recording = on;
            hub.send(None, &json!({"type": "recording", "on": on}), false);
        });
    }

    fn forget_recording(&self, name: &str) {
        if let Err(e) = self.media.delete_recording(name) {
            tracing::warn!(recording = name, error = %e, "a deleted recording's file could not be removed");
        }
    }

    async fn finish_recording(&self, key: u64, name: &str) -> Option<RecordedFile> {
        match self.media.finish_recording(key, name).await {
            Ok(Some(done)) => Some(RecordedFile { bytes: done.bytes, duration_ms: done.duration_ms }),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(meeting_key = key, error = %e, "the recording could not be finished");
                None
            }
        }
    }
}

/// Whether the upgrade comes from a page of this kaigi: a browser sends the page's origin, and
/// another site's page must not open a socket with the pass cookie.
fn same_origin(web: &Web, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let public = web.kaigi.config().public_url.trim_end_matches('/');
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin == public || origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

/// GET /{site}/room/{key}/live: the room's WebSocket, for a browser holding the room's pass.
pub async fn socket(
    State(web): State<Web>,
    Path((site, key)): Path<(String, String)>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(live) = web.live.clone() else {
        return (StatusCode::NOT_FOUND, "this kaigi runs without media (see docs/media.md)").into_response();
    };
    let Ok(key) = key.trim().parse::<u64>() else { return StatusCode::NOT_FOUND.into_response() };
    if !same_origin(&web, &headers) {
        return (StatusCode::FORBIDDEN, "another site's page cannot open this meeting").into_response();
    }
    let Some((_, pass)) = crate::meeting::pass_of(&headers) else {
        return (StatusCode::FORBIDDEN, "join the meeting first").into_response();
    };
    let me = match web.kaigi.room(&site, key).await {
        Ok(_) => match web.kaigi.participant_by_pass(key, &pass).await {
            Ok(me) => me,
            Err(_) => return (StatusCode::FORBIDDEN, "you are not in this meeting").into_response(),
        },
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| run(web, live, key, me, pass, socket))
        .into_response()
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum FromBrowser {
    Offer {
        sdp: String,
        #[serde(default)]
        sources: HashMap<String, Source>,
    },
    Answer {
        sdp: String,
    },
    Chat {
        text: String,
    },
    Hand {
        up: bool,
    },
    Muted {
        muted: bool,
    },
    Sharing {
        on: bool,
    },
    Mute {
        id: i64,
        muted: bool,
    },
    Remove {
        id: i64,
    },
    Admit {
        id: i64,
    },
    CoHost {
        id: i64,
    },
    Lock {
        locked: bool,
    },
    Record,
    End,
    Leave,
}

/// A browser's session in the room, until its socket closes.
async fn run(web: Web, live: Arc<LiveRooms>, key: u64, me: Participant, pass: ParticipantPass, socket: WebSocket) {
    let (mut tx, mut rx) = socket.split();
    // Listening starts before the kept chat is read, so that no line said meanwhile is missed
    // (one said in between arrives twice; the page shows each id once).
    let mut notes = live.with_hub(key, |hub| hub.notes.subscribe());
    // The running session's chat, as kept with the meeting (none when it cannot be read: the
    // room still opens).
    let chat: Vec<Value> = match web.kaigi.room_chat(key).await {
        Ok(lines) => lines.iter().map(chat_json).collect(),
        Err(e) => {
            tracing::warn!(meeting_key = key, error = %e, "the room's chat could not be read");
            Vec::new()
        }
    };
    let welcome = live.with_hub(key, |hub| {
        let person = hub.people.entry(me.id).or_insert_with(|| Person {
            name: me.name.clone(),
            role: me.role.wire(),
            muted: false,
            hand: false,
            sharing: false,
            lobby: me.in_lobby,
            sockets: 0,
        });
        person.sockets += 1;
        let welcome = json!({
            "type": "welcome",
            "me": {"id": me.id, "name": me.name, "role": me.role.wire()},
            "lobby": me.in_lobby,
            "chat": chat,
            "recording": hub.recording,
            "locked": hub.locked,
        });
        hub.send_people();
        welcome
    });
    let mut peer: Option<kaigi_media::Peer> = None;
    let mut left = false;
    let mut allowance = Allowance::new();
    if tx.send(Message::Text(welcome.to_string().into())).await.is_ok() {
        let _ = tx.send(Message::Text(live.with_hub(key, |h| h.people_json()).to_string().into())).await;
        loop {
            let event = async {
                match &mut peer {
                    Some(p) => p.events.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                message = rx.next() => {
                    let Some(Ok(message)) = message else { break };
                    let text = match message {
                        Message::Text(t) => t,
                        Message::Close(_) => break,
                        _ => continue,
                    };
                    if !allowance.take() {
                        let _ = tx.send(Message::Text(json!({"type": "error", "text": "too many messages"}).to_string().into())).await;
                        break;
                    }
                    let Ok(m) = serde_json::from_str::<FromBrowser>(&text) else {
                        let _ = tx.send(Message::Text(json!({"type": "error", "text": "unreadable message"}).to_string().into())).await;
                        continue;
                    };
                    match handle(&web, &live, key, &me, &pass, &mut peer, m).await {
                        Ok(Handled::Continue) => {}
                        Ok(Handled::Left) => { left = true; break; }
                        Err(text) => {
                            let _ = tx.send(Message::Text(json!({"type": "error", "text": text}).to_string().into())).await;
                        }
                    }
                }
                event = event => {
                    // The media connection closing leaves the room's talk open: a removal or
                    // the end arrives as a note of its own.
                    let Some(event) = event else { peer = None; continue };
                    if matches!(event, kaigi_media::PeerEvent::Closed { .. }) {
                        peer = None;
                    }
                    let Ok(text) = serde_json::to_string(&event) else { continue };
                    if tx.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                note = notes.recv() => {
                    let note = match note {
                        Ok(n) => n,
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => break,
                    };
                    if note.to.is_some_and(|to| to != me.id) {
                        continue;
                    }
                    if tx.send(Message::Text(note.json.to_string().into())).await.is_err() {
                        break;
                    }
                    if note.closes {
                        left = true;
                        break;
                    }
                }
            }
        }
    }
    drop(peer);
    let _ = tx.send(Message::Close(None)).await;
    let gone = live.with_hub(key, |hub| {
        let Some(p) = hub.people.get_mut(&me.id) else { return false };
        p.sockets = p.sockets.saturating_sub(1);
        let gone = p.sockets == 0;
        hub.send_people();
        gone
    });
    if gone && !left {
        // A reload or a lost network: they have the grace to come back before they leave.
        let kaigi = web.kaigi.clone();
        tokio::spawn(async move {
            tokio::time::sleep(LEAVE_GRACE).await;
            let back = live.with_hub(key, |hub| hub.people.get(&me.id).is_some_and(|p| p.sockets > 0));
            if !back {
                let _ = kaigi.left_the_room(key, &Actor::Participant(pass)).await;
            }
        });
    }
}

enum Handled {
    Continue,
    Left,
}

async fn handle(
    web: &Web,
    live: &LiveRooms,
    key: u64,
    me: &Participant,
    pass: &ParticipantPass,
    peer: &mut Option<kaigi_media::Peer>,
    message: FromBrowser,
) -> Result<Handled, String> {
    let actor = || Actor::Participant(pass.clone());
    let refused = |e: kaigi_core::Error| crate::error::explain(&e, crate::error::Page::Meeting).text;
    match message {
        FromBrowser::Offer { sdp, sources } => {
            // Asked afresh: whoever waits in the lobby has no media until admitted.
            web.kaigi.media_participant(key, pass).await.map_err(refused)?;
            let member = Member { id: me.id, name: me.name.clone() };
            *peer = Some(live.media.join(key, member, &sdp, sources).map_err(|e| e.to_string())?);
        }
        FromBrowser::Answer { sdp } => {
            if let Some(p) = peer {
                p.answer(&sdp).map_err(|e| e.to_string())?;
            }
        }
        FromBrowser::Chat { text } => {
            let line = web.kaigi.say_in_room(key, &actor(), &text).await.map_err(refused)?;
            live.with_hub(key, |hub| hub.send(None, &json!({"type": "chat", "line": chat_json(&line)}), false));
        }
        FromBrowser::Hand { up } => live.with_hub(key, |hub| {
            if let Some(p) = hub.people.get_mut(&me.id) {
                p.hand = up;
            }
            hub.send_people();
        }),
        FromBrowser::Muted { muted } => {
            if let Some(p) = peer {
                let _ = p.self_muted(muted);
            }
            live.with_hub(key, |hub| {
                if let Some(p) = hub.people.get_mut(&me.id) {
                    p.muted = muted;
                }
                hub.send_people();
            });
        }
        FromBrowser::Sharing { on } => live.with_hub(key, |hub| {
            if let Some(p) = hub.people.get_mut(&me.id) {
                p.sharing = on;
            }
            hub.send_people();
        }),
        FromBrowser::Mute { id, muted } => web.kaigi.mute_in_room(key, &actor(), id, muted).await.map_err(refused)?,
        FromBrowser::Remove { id } => web.kaigi.remove_from_room(key, &actor(), id).await.map_err(refused)?,
        FromBrowser::CoHost { id } => web.kaigi.make_cohost_in_room(key, &actor(), id).await.map_err(refused)?,
        FromBrowser::Admit { id } => web.kaigi.admit_in_room(key, &actor(), id).await.map_err(refused)?,
        FromBrowser::Lock { locked } => web.kaigi.set_room_locked(key, &actor(), locked).await.map_err(refused)?,
        FromBrowser::Record => {
            web.kaigi.toggle_recording(key, &actor()).await.map_err(refused)?;
        }
        FromBrowser::End => {
            web.kaigi.end_session(key, &actor()).await.map_err(refused)?;
        }
        FromBrowser::Leave => {
            web.kaigi.left_the_room(key, &actor()).await.map_err(refused)?;
            return Ok(Handled::Left);
        }
    }
    Ok(Handled::Continue)
}

/// A browser's message allowance: [`MESSAGES_PER_SECOND`], in bursts of up to [`BURST`].
struct Allowance {
    tokens: f64,
    at: tokio::time::Instant,
}

impl Allowance {
    fn new() -> Allowance {
        Allowance { tokens: f64::from(BURST), at: tokio::time::Instant::now() }
    }

    fn take(&mut self) -> bool {
        let now = tokio::time::Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * f64::from(MESSAGES_PER_SECOND);
        self.tokens = (self.tokens + refill).min(f64::from(BURST));
        self.at = now;
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }
}
