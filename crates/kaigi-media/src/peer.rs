//! One browser's WebRTC connection inside a worker: str0m's `Rtc`, the streams it sends to
//! kaigi (`tracks_in`), the streams kaigi sends to it (`tracks_out`) and their negotiation.
//! Adapted from str0m's own SFU example (examples/chat.rs), with kaigi's signalling instead of a
//! data channel, and kaigi's meetings as rooms.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use str0m::change::{SdpAnswer, SdpPendingOffer};
use str0m::media::{Direction, KeyframeRequest, KeyframeRequestKind, MediaData, MediaKind, Mid};
use str0m::{Event, IceConnectionState, Output, Rtc};
use tokio::sync::mpsc::UnboundedSender;

use crate::{Member, PeerEvent, PeerId, Source, TrackInfo};

/// A stream a browser sends.
#[derive(Debug)]
pub(crate) struct TrackIn {
    pub origin: PeerId,
    pub from: i64,
    pub mid: Mid,
    pub kind: MediaKind,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutState {
    ToOpen,
    Negotiating(Mid),
    Open(Mid),
    ToStop(Mid),
    NegotiatingStop(Mid),
}

/// A stream kaigi sends to a browser: someone else's [`TrackIn`].
#[derive(Debug)]
struct TrackOut {
    track_in: Weak<TrackIn>,
    state: OutState,
}

impl TrackOut {
    fn mid(&self) -> Option<Mid> {
        match self.state {
            OutState::ToOpen => None,
            OutState::Negotiating(m) | OutState::Open(m) | OutState::ToStop(m) | OutState::NegotiatingStop(m) => {
                Some(m)
            }
        }
    }
}

/// What a peer's output asks the worker to do with the other peers of its room.
// Media is the large variant and the common one: boxing it would allocate per packet, while the
// queue holding these is drained at once.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Propagated {
    TrackOpen(Weak<TrackIn>),
    Media(MediaData),
    /// A browser asked for a key frame of a stream it receives: (origin, the origin's mid).
    Keyframe(KeyframeRequest, PeerId, Mid),
}

pub(crate) struct Peer {
    pub id: PeerId,
    pub room: u64,
    pub member: Member,
    pub rtc: Rtc,
    pub events: UnboundedSender<PeerEvent>,
    /// What each media section of the browser's offer carries, by mid.
    sources: HashMap<Mid, Source>,
    pub tracks_in: Vec<Arc<TrackIn>>,
    tracks_out: Vec<TrackOut>,
    pending: Option<SdpPendingOffer>,
    connected: bool,
    /// A host muted this participant: their microphone is not forwarded until they unmute.
    pub host_muted: bool,
    /// The last audio level the browser reported (RFC 6464, -dBov: 0 loudest, -127 silence).
    pub level: Option<(i8, Instant)>,
    keyframe_asked: HashMap<Mid, Instant>,
    /// When str0m next needs `handle_input(Timeout)`.
    pub next_timeout: Instant,
    /// Something reached this peer since it was last polled (input, time, a forwarded frame, a
    /// new stream): only such peers are polled.
    pub needs_poll: bool,
    /// The streams it receives changed since the last offer (one may be due).
    renegotiate: bool,
    /// ICE said the browser is unreachable, since then; it has [`RECONNECT_GRACE`] to come back.
    pub disconnected_at: Option<Instant>,
}

/// How long a browser whose ICE says disconnected may take to come back (a network change, a
/// burst of loss) before its media connection is closed.
pub(crate) const RECONNECT_GRACE: Duration = Duration::from_secs(5);

impl Peer {
    pub fn new(
        id: PeerId,
        room: u64,
        member: Member,
        rtc: Rtc,
        events: UnboundedSender<PeerEvent>,
        sources: HashMap<Mid, Source>,
        now: Instant,
    ) -> Peer {
        Peer {
            id,
            room,
            member,
            rtc,
            events,
            sources,
            tracks_in: Vec::new(),
            tracks_out: Vec::new(),
            pending: None,
            connected: false,
            host_muted: false,
            level: None,
            keyframe_asked: HashMap::new(),
            next_timeout: now,
            needs_poll: true,
            renegotiate: false,
            disconnected_at: None,
        }
    }

    pub fn close(&mut self, reason: &str) {
        let _ = self.events.send(PeerEvent::Closed { reason: reason.into() });
        self.rtc.disconnect();
    }

    /// Handles one output of str0m; `send` puts datagrams on the socket.
    pub fn handle_output(
        &mut self,
        output: Output,
        send: &mut dyn FnMut(&[u8], std::net::SocketAddr),
    ) -> Result<Option<Propagated>, Instant> {
        match output {
            Output::Transmit(t) => {
                send(&t.contents, t.destination);
                Ok(None)
            }
            Output::Timeout(t) => Err(t),
            Output::Event(e) => Ok(self.handle_event(e)),
        }
    }

    fn handle_event(&mut self, event: Event) -> Option<Propagated> {
        match event {
            Event::Connected => {
                self.connected = true;
                None
            }
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                self.disconnected_at.get_or_insert_with(Instant::now);
                None
            }
            Event::IceConnectionStateChange(_) => {
                self.disconnected_at = None;
                None
            }
            Event::MediaAdded(added) if added.direction != Direction::SendOnly => {
                let source = self.sources.get(&added.mid).copied().unwrap_or(match added.kind {
                    MediaKind::Audio => Source::Microphone,
                    MediaKind::Video => Source::Camera,
                });
                let track = Arc::new(TrackIn {
                    origin: self.id,
                    from: self.member.id,
                    mid: added.mid,
                    kind: added.kind,
                    source,
                });
                let weak = Arc::downgrade(&track);
                self.tracks_in.push(track);
                Some(Propagated::TrackOpen(weak))
            }
            Event::MediaData(data) => {
                if !data.contiguous {
                    self.ask_keyframe(data.mid);
                }
                if let Some(level) = data.ext_vals.audio_level {
                    self.level = Some((level, data.network_time));
                }
                let muted_mic =
                    self.host_muted && self.tracks_in.iter().any(|t| t.mid == data.mid && t.kind == MediaKind::Audio);
                (!muted_mic).then_some(Propagated::Media(data))
            }
            Event::KeyframeRequest(req) => {
                let out = self.tracks_out.iter().find(|t| t.mid() == Some(req.mid))?;
                let track_in = out.track_in.upgrade()?;
                Some(Propagated::Keyframe(req, track_in.origin, track_in.mid))
            }
            _ => None,
        }
    }

    /// Asks the browser for a key frame of its stream `mid`, at most once a second.
    pub fn ask_keyframe(&mut self, mid: Mid) {
        let now = Instant::now();
        if self.keyframe_asked.get(&mid).is_some_and(|t| now.duration_since(*t) < Duration::from_secs(1)) {
            return;
        }
        if let Some(mut writer) = self.rtc.writer(mid) {
            let _ = writer.request_keyframe(None, KeyframeRequestKind::Pli);
            self.keyframe_asked.insert(mid, now);
            self.needs_poll = true;
        }
    }

    /// Someone else's stream opened in the room: it will be offered to this browser.
    pub fn track_opened(&mut self, track_in: Weak<TrackIn>) {
        self.tracks_out.push(TrackOut { track_in, state: OutState::ToOpen });
        self.streams_changed();
    }

    /// A stream this browser receives came or went: an offer is due.
    pub fn streams_changed(&mut self) {
        self.renegotiate = true;
        self.needs_poll = true;
    }

    /// Offers the browser the streams added or removed since the last offer, if any and if no
    /// offer is waiting for its answer. Returns whether it offered.
    pub fn negotiate_if_needed(&mut self) -> bool {
        if !self.renegotiate || !self.connected || self.pending.is_some() {
            return false;
        }
        self.renegotiate = false;
        for t in &mut self.tracks_out {
            if let OutState::Open(m) = t.state {
                if t.track_in.upgrade().is_none() {
                    t.state = OutState::ToStop(m);
                }
            }
        }
        let mut change = self.rtc.sdp_api();
        for t in &mut self.tracks_out {
            match t.state {
                OutState::ToOpen => {
                    if let Some(track_in) = t.track_in.upgrade() {
                        let stream = format!("p{}-{}", track_in.from, source_name(track_in.source));
                        let mid = change.add_media(track_in.kind, Direction::SendOnly, Some(stream), None, None);
                        t.state = OutState::Negotiating(mid);
                    }
                }
                OutState::ToStop(mid) => {
                    change.stop_media(mid);
                    t.state = OutState::NegotiatingStop(mid);
                }
                _ => {}
            }
        }
        if !change.has_changes() {
            return false;
        }
        let Some((offer, pending)) = change.apply() else { return false };
        self.pending = Some(pending);
        let tracks = self.receiving();
        let _ = self.events.send(PeerEvent::Offer { sdp: offer.to_sdp_string(), tracks });
        true
    }

    /// Every stream this browser receives (or will, once it answers).
    fn receiving(&self) -> Vec<TrackInfo> {
        self.tracks_out
            .iter()
            .filter(|t| matches!(t.state, OutState::Open(_) | OutState::Negotiating(_)))
            .filter_map(|t| {
                let track_in = t.track_in.upgrade()?;
                Some(TrackInfo { mid: t.mid()?.to_string(), from: track_in.from, source: track_in.source })
            })
            .collect()
    }

    /// The browser answered kaigi's offer.
    pub fn answered(&mut self, answer: SdpAnswer) {
        let Some(pending) = self.pending.take() else { return };
        if let Err(e) = self.rtc.sdp_api().accept_answer(pending, answer) {
            tracing::info!(peer = self.id.0, error = %e, "a browser's answer was refused");
            self.close("the browser's answer could not be accepted");
            return;
        }
        for t in &mut self.tracks_out {
            if let OutState::Negotiating(m) = t.state {
                t.state = OutState::Open(m);
            }
        }
        self.tracks_out.retain(|t| !matches!(t.state, OutState::NegotiatingStop(_)));
        // What changed while the offer waited for its answer is offered now.
        self.streams_changed();
    }

    /// Forwards `data` from `origin` if this browser receives that stream; returns whether it did.
    pub fn forward(&mut self, origin: PeerId, data: &MediaData) -> bool {
        let Some(mid) = self
            .tracks_out
            .iter()
            .find(|o| o.track_in.upgrade().is_some_and(|i| i.origin == origin && i.mid == data.mid))
            .and_then(|o| match o.state {
                OutState::Open(m) => Some(m),
                _ => None,
            })
        else {
            return false;
        };
        let Some(writer) = self.rtc.writer(mid) else { return false };
        let Some(pt) = writer.match_params(data.params) else { return false };
        if let Err(e) = writer.write(pt, data.network_time, data.time, data.data.clone()) {
            tracing::info!(peer = self.id.0, error = %e, "forwarding failed; disconnecting the browser");
            self.close("forwarding failed");
            return false;
        }
        self.needs_poll = true;
        true
    }

    /// Whether this peer sends the stream `mid` and a key frame was asked of it.
    pub fn keyframe_for(&mut self, req: KeyframeRequest, mid_in: Mid) {
        if self.tracks_in.iter().any(|t| t.mid == mid_in) {
            if let Some(mut writer) = self.rtc.writer(mid_in) {
                let _ = writer.request_keyframe(None, req.kind);
                self.needs_poll = true;
            }
        }
    }
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Microphone => "microphone",
        Source::Camera => "camera",
        Source::Screen => "screen",
    }
}
