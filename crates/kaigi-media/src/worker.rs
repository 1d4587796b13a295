//! One worker: a UDP socket and the peers of the meetings it holds, driven by one tokio task.
//! Everything a peer does reaches the others of its room in the same task, so forwarding is a
//! loop over the room, without locks or channels per packet.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use str0m::change::{SdpAnswer, SdpOffer};
use str0m::media::{MediaKind, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Input, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;

use crate::peer::{Peer, Propagated};
use crate::recorder::Recorder;
use crate::{MediaStats, Member, PeerEvent, PeerId, RecordedMedia, Source};

pub(crate) enum Command {
    Join {
        id: PeerId,
        room: u64,
        member: Member,
        offer: Box<SdpOffer>,
        sources: HashMap<String, Source>,
        events: UnboundedSender<PeerEvent>,
    },
    Answer {
        id: PeerId,
        answer: Box<SdpAnswer>,
    },
    Leave {
        id: PeerId,
    },
    SelfMute {
        id: PeerId,
        muted: bool,
    },
    Mute {
        room: u64,
        participant: i64,
        muted: bool,
    },
    Remove {
        room: u64,
        participant: Option<i64>,
        reason: String,
    },
    Record {
        room: u64,
        on: bool,
        path: PathBuf,
    },
    FinishRecording {
        room: u64,
        path: PathBuf,
        done: oneshot::Sender<std::io::Result<Option<RecordedMedia>>>,
    },
    Stats {
        done: oneshot::Sender<MediaStats>,
    },
}

/// How often the loudest speaker of each room is looked for.
const SPEAKING_EVERY: Duration = Duration::from_millis(300);
/// Quieter than this (in -dBov) is not speaking.
const SPEAKING_LEVEL: i8 = -50;
/// A largest UDP datagram a browser sends (str0m keeps below 1,200 bytes; headroom for others).
const DATAGRAM_MAX: usize = 2_000;
/// Datagrams read in one turn of a worker's loop before the peers are polled: a busy socket is
/// drained in batches instead of one poll of the peers per datagram.
const READ_BATCH: usize = 64;
/// Timeouts a peer may be given in one poll while they are already due: str0m's pacer releases
/// about one packet per due timeout, so a frame leaves in one go only if they are given at once.
const DUE_TIMEOUTS_PER_POLL: usize = 64;

#[derive(Default)]
struct Room {
    speaking: Option<i64>,
    recorder: Option<Recorder>,
    /// When each video stream last carried a frame: (origin, mid).
    video_seen: HashMap<(PeerId, Mid), Instant>,
}

struct Worker {
    socket: UdpSocket,
    local: SocketAddr,
    announced: SocketAddr,
    peers: Vec<Peer>,
    by_addr: HashMap<SocketAddr, PeerId>,
    rooms: HashMap<u64, Room>,
    packets_in: u64,
    packets_out: u64,
    next_speaking: Instant,
}

pub(crate) async fn run(socket: UdpSocket, announced: SocketAddr, mut commands: UnboundedReceiver<Command>) {
    let local = socket.local_addr().unwrap_or(announced);
    let now = Instant::now();
    let mut w = Worker {
        socket,
        local,
        announced,
        peers: Vec::new(),
        by_addr: HashMap::new(),
        rooms: HashMap::new(),
        packets_in: 0,
        packets_out: 0,
        next_speaking: now + SPEAKING_EVERY,
    };
    let mut buf = vec![0u8; DATAGRAM_MAX];
    loop {
        let deadline = w.poll_all().min(w.next_speaking);
        tokio::select! {
            biased;
            command = commands.recv() => match command {
                Some(c) => w.command(c),
                None => break,
            },
            received = w.socket.recv_from(&mut buf) => {
                if let Ok((n, source)) = received {
                    w.input(&buf[..n], source);
                    for _ in 1..READ_BATCH {
                        match w.socket.try_recv_from(&mut buf) {
                            Ok((n, source)) => w.input(&buf[..n], source),
                            Err(_) => break,
                        }
                    }
                }
            }
            () = tokio::time::sleep_until(deadline.into()) => {}
        }
        let now = Instant::now();
        w.timeouts(now);
        if now >= w.next_speaking {
            w.speaking(now);
            w.next_speaking = now + SPEAKING_EVERY;
        }
        w.drop_dead();
    }
    for p in &mut w.peers {
        p.close("the media server stopped");
    }
}

impl Worker {
    fn command(&mut self, command: Command) {
        match command {
            Command::Join { id, room, member, offer, sources, events } => {
                self.join(id, room, member, *offer, sources, events)
            }
            Command::Answer { id, answer } => {
                if let Some(p) = self.peers.iter_mut().find(|p| p.id == id) {
                    p.answered(*answer);
                    p.needs_poll = true;
                }
            }
            Command::Leave { id } => {
                if let Some(p) = self.peers.iter_mut().find(|p| p.id == id) {
                    p.rtc.disconnect();
                }
            }
            Command::SelfMute { id, muted } => {
                // Unmuting oneself lifts a host's mute; muting oneself needs nothing here (the
                // browser stops sending).
                if let Some(p) = self.peers.iter_mut().find(|p| p.id == id) {
                    if !muted {
                        p.host_muted = false;
                    }
                }
            }
            Command::Mute { room, participant, muted } => {
                for p in self.peers.iter_mut().filter(|p| p.room == room && p.member.id == participant) {
                    p.host_muted = muted;
                }
            }
            Command::Remove { room, participant, reason } => {
                for p in
                    self.peers.iter_mut().filter(|p| p.room == room && participant.is_none_or(|id| p.member.id == id))
                {
                    p.close(&reason);
                }
            }
            Command::Record { room, on, path } => self.record(room, on, path),
            Command::FinishRecording { room, path, done } => {
                let recorder = self.rooms.get_mut(&room).and_then(|r| r.recorder.take());
                let result = match recorder {
                    Some(r) => r.finish(&path),
                    None => Ok(None),
                };
                let _ = done.send(result);
            }
            Command::Stats { done } => {
                let rooms = self.peers.iter().map(|p| p.room).collect::<std::collections::HashSet<_>>().len();
                let _ = done.send(MediaStats {
                    peers: self.peers.len() as u64,
                    rooms: rooms as u64,
                    packets_in: self.packets_in,
                    packets_out: self.packets_out,
                });
            }
        }
    }

    fn join(
        &mut self,
        id: PeerId,
        room: u64,
        member: Member,
        offer: SdpOffer,
        sources: HashMap<String, Source>,
        events: UnboundedSender<PeerEvent>,
    ) {
        let now = Instant::now();
        let mut rtc = Rtc::builder().set_ice_lite(true).enable_h264(false).enable_vp9(false).build(now);
        match Candidate::host(self.announced, "udp") {
            Ok(c) => {
                rtc.add_local_candidate(c);
            }
            Err(e) => {
                let _ = events.send(PeerEvent::Closed { reason: format!("no media address: {e}") });
                return;
            }
        }
        let answer = match rtc.sdp_api().accept_offer(offer) {
            Ok(a) => a,
            Err(e) => {
                let _ = events.send(PeerEvent::Closed { reason: format!("the offer cannot be accepted: {e}") });
                return;
            }
        };
        let _ = events.send(PeerEvent::Answer { sdp: answer.to_sdp_string() });
        let sources = sources.into_iter().map(|(mid, s)| (Mid::from(mid.as_str()), s)).collect();
        let mut peer = Peer::new(id, room, member, rtc, events, sources, now);
        // The browser receives every stream already in the room.
        for other in self.peers.iter().filter(|p| p.room == room) {
            for t in &other.tracks_in {
                peer.track_opened(std::sync::Arc::downgrade(t));
            }
        }
        if let Some(r) = self.rooms.get(&room) {
            let _ = peer.events.send(PeerEvent::Speaking { id: r.speaking });
        }
        self.rooms.entry(room).or_default();
        self.peers.push(peer);
    }

    fn record(&mut self, room: u64, on: bool, path: PathBuf) {
        let r = self.rooms.entry(room).or_default();
        let now = Instant::now();
        match (&mut r.recorder, on) {
            (Some(rec), on) => rec.set_paused(!on, now),
            (None, true) => match Recorder::create(&path, now) {
                Ok(rec) => r.recorder = Some(rec),
                Err(e) => tracing::warn!(room, error = %e, path = %path.display(), "cannot start recording"),
            },
            (None, false) => {}
        }
        self.choose_recorded(room, now);
    }

    /// A datagram arrived: to the peer it belongs to.
    fn input(&mut self, datagram: &[u8], source: SocketAddr) {
        let Ok(contents) = datagram.try_into() else { return };
        let now = Instant::now();
        let input = Input::Receive(now, Receive { proto: Protocol::Udp, source, destination: self.local, contents });
        let known = self.by_addr.get(&source).and_then(|id| self.peers.iter().position(|p| p.id == *id));
        let index = match known.filter(|i| self.peers[*i].rtc.accepts(&input)) {
            Some(i) => Some(i),
            None => self.peers.iter().position(|p| p.rtc.accepts(&input)),
        };
        let Some(i) = index else { return };
        self.by_addr.insert(source, self.peers[i].id);
        let peer = &mut self.peers[i];
        peer.needs_poll = true;
        if let Err(e) = peer.rtc.handle_input(input) {
            tracing::info!(peer = peer.id.0, error = %e, "a browser's media input failed; disconnecting it");
            peer.close("the media connection failed");
        }
    }

    fn timeouts(&mut self, now: Instant) {
        for p in self.peers.iter_mut().filter(|p| p.rtc.is_alive()) {
            if p.disconnected_at.is_some_and(|at| now.duration_since(at) > crate::peer::RECONNECT_GRACE) {
                p.close("the media connection was lost");
                continue;
            }
            if p.next_timeout > now {
                continue;
            }
            p.needs_poll = true;
            if let Err(e) = p.rtc.handle_input(Input::Timeout(now)) {
                tracing::info!(peer = p.id.0, error = %e, "a browser's media connection failed");
                p.close("the media connection failed");
            }
        }
    }

    /// Polls the peers something reached until each waits for time, forwarding what they
    /// produce to their rooms (which may reach others: polled in the next round); returns when
    /// the next peer needs time.
    fn poll_all(&mut self) -> Instant {
        let mut queue: Vec<(PeerId, u64, Propagated)> = Vec::new();
        loop {
            let socket = &self.socket;
            let mut send = |bytes: &[u8], to: SocketAddr| {
                // A full socket buffer drops the datagram, as the network would; RTP recovers.
                let _ = socket.try_send_to(bytes, to);
            };
            let now = Instant::now();
            for p in self.peers.iter_mut().filter(|p| p.needs_poll) {
                poll_peer(p, now, &mut send, &mut queue);
            }
            if queue.is_empty() {
                break;
            }
            for (origin, room, prop) in queue.drain(..) {
                self.propagate(origin, room, prop);
            }
        }
        self.peers
            .iter()
            .filter(|p| p.rtc.is_alive())
            .map(|p| p.next_timeout)
            .min()
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(1))
    }

    fn propagate(&mut self, origin: PeerId, room: u64, prop: Propagated) {
        match prop {
            Propagated::TrackOpen(track) => {
                for p in self.peers.iter_mut().filter(|p| p.room == room && p.id != origin) {
                    p.track_opened(track.clone());
                }
            }
            Propagated::Media(data) => {
                self.packets_in += 1;
                let track = self
                    .peers
                    .iter()
                    .find(|p| p.id == origin)
                    .and_then(|p| p.tracks_in.iter().find(|t| t.mid == data.mid))
                    .map(|t| (t.kind, t.from));
                if let Some(r) = self.rooms.get_mut(&room) {
                    if track.is_some_and(|(kind, _)| kind == MediaKind::Video) {
                        r.video_seen.insert((origin, data.mid), data.network_time);
                    }
                    if let (Some(rec), Some((kind, _))) = (&mut r.recorder, track) {
                        if let Err(e) = rec.offer(origin, data.mid, kind, &data) {
                            tracing::warn!(room, error = %e, "recording stopped: cannot write the file");
                            r.recorder = None;
                        }
                    }
                }
                for p in self.peers.iter_mut().filter(|p| p.room == room && p.id != origin) {
                    if p.forward(origin, &data) {
                        self.packets_out += 1;
                    }
                }
            }
            Propagated::Keyframe(req, source, mid_in) => {
                if let Some(p) = self.peers.iter_mut().find(|p| p.id == source) {
                    p.keyframe_for(req, mid_in);
                }
            }
        }
    }

    /// Tells each room who speaks now (the loudest microphone above [`SPEAKING_LEVEL`] heard in
    /// the last second), when that changed; the recording follows the speaker.
    fn speaking(&mut self, now: Instant) {
        let rooms: Vec<u64> = self.rooms.keys().copied().collect();
        for room in rooms {
            let loudest = self
                .peers
                .iter()
                .filter(|p| p.room == room && p.rtc.is_alive() && !p.host_muted)
                .filter_map(|p| p.level.map(|(level, at)| (p.member.id, level, at)))
                .filter(|(_, level, at)| *level > SPEAKING_LEVEL && now.duration_since(*at) < Duration::from_secs(1))
                .max_by_key(|(_, level, _)| *level)
                .map(|(id, _, _)| id);
            let Some(r) = self.rooms.get_mut(&room) else { continue };
            if loudest.is_some() && r.speaking != loudest {
                r.speaking = loudest;
                for p in self.peers.iter().filter(|p| p.room == room) {
                    let _ = p.events.send(PeerEvent::Speaking { id: loudest });
                }
            }
            self.choose_recorded(room, now);
        }
    }

    /// What the recording of `room` shows and plays: a screen being shared, else the speaker's
    /// camera, else any camera; the speaker's microphone, else the first one.
    fn choose_recorded(&mut self, room: u64, now: Instant) {
        let Some(r) = self.rooms.get_mut(&room) else { return };
        let Some(rec) = &mut r.recorder else { return };
        let fresh = |origin: PeerId, mid: Mid| {
            r.video_seen.get(&(origin, mid)).is_some_and(|at| now.duration_since(*at) < Duration::from_secs(2))
        };
        let in_room = || self.peers.iter().filter(|p| p.room == room && p.rtc.is_alive());
        let video_of = |want: Source, who: Option<i64>| {
            in_room()
                .filter(|p| who.is_none_or(|id| p.member.id == id))
                .flat_map(|p| p.tracks_in.iter())
                .find(|t| t.kind == MediaKind::Video && t.source == want && fresh(t.origin, t.mid))
                .map(|t| (t.origin, t.mid))
        };
        let video = video_of(Source::Screen, None)
            .or_else(|| r.speaking.and_then(|id| video_of(Source::Camera, Some(id))))
            .or_else(|| video_of(Source::Camera, None));
        let audio_of = |who: Option<i64>| {
            in_room()
                .filter(|p| who.is_none_or(|id| p.member.id == id))
                .flat_map(|p| p.tracks_in.iter())
                .find(|t| t.kind == MediaKind::Audio)
                .map(|t| (t.origin, t.mid))
        };
        let audio = r
            .speaking
            .and_then(|id| audio_of(Some(id)))
            .or_else(|| rec.audio().filter(|(o, _)| in_room().any(|p| p.id == *o)))
            .or_else(|| audio_of(None));
        if let Some((origin, mid)) = rec.choose(video, audio) {
            if let Some(p) = self.peers.iter_mut().find(|p| p.id == origin) {
                p.ask_keyframe(mid);
            }
        }
    }

    fn drop_dead(&mut self) {
        if self.peers.iter().all(|p| p.rtc.is_alive()) {
            return;
        }
        let left: std::collections::HashSet<u64> =
            self.peers.iter().filter(|p| !p.rtc.is_alive()).map(|p| p.room).collect();
        self.peers.retain(|p| p.rtc.is_alive());
        // Those who stay stop receiving the streams of who left: an offer is due.
        for p in self.peers.iter_mut().filter(|p| left.contains(&p.room)) {
            p.streams_changed();
        }
        let ids: std::collections::HashSet<PeerId> = self.peers.iter().map(|p| p.id).collect();
        self.by_addr.retain(|_, id| ids.contains(id));
        let rooms: std::collections::HashSet<u64> = self.peers.iter().map(|p| p.room).collect();
        // A room without peers is forgotten unless its recording waits to be finished.
        self.rooms.retain(|id, r| rooms.contains(id) || r.recorder.is_some());
        for r in self.rooms.values_mut() {
            r.video_seen.retain(|(origin, _), _| ids.contains(origin));
        }
    }
}

/// Polls one peer until it waits for time (giving it the timeouts already due at once), queueing
/// what it asks of the others.
fn poll_peer(
    p: &mut Peer,
    now: Instant,
    send: &mut dyn FnMut(&[u8], SocketAddr),
    queue: &mut Vec<(PeerId, u64, Propagated)>,
) {
    p.needs_poll = false;
    let mut due = 0;
    while p.rtc.is_alive() {
        if p.negotiate_if_needed() {
            continue;
        }
        let output = match p.rtc.poll_output() {
            Ok(o) => o,
            Err(e) => {
                tracing::info!(peer = p.id.0, error = %e, "a browser's media connection failed");
                p.close("the media connection failed");
                return;
            }
        };
        match p.handle_output(output, send) {
            Ok(Some(prop)) => queue.push((p.id, p.room, prop)),
            Ok(None) => {}
            Err(t) if t <= now && due < DUE_TIMEOUTS_PER_POLL => {
                due += 1;
                if let Err(e) = p.rtc.handle_input(Input::Timeout(now)) {
                    tracing::info!(peer = p.id.0, error = %e, "a browser's media connection failed");
                    p.close("the media connection failed");
                    return;
                }
            }
            Err(t) => {
                p.next_timeout = t;
                return;
            }
        }
    }
}
