//! A load test of kaigi-media's forwarding path, without a browser (bench/run-media.sh runs it).
//!
//! It starts the SFU (`Media`) in this process on 127.0.0.1, then M meetings of N participants;
//! each participant is a str0m client (full ICE, not ice-lite) on its own UDP socket that offers
//! one Opus microphone and one VP8 camera, answers the SFU's offers for everyone else's streams
//! and sends synthetic media: 50 audio packets/s of 120 bytes, and 30 video frames/s at about
//! 600 kbit/s (a key frame every 2 s, three times the size of the others), which str0m
//! packetizes at its MTU (1,150-byte datagrams).
//!
//! Every audio packet and video frame carries its origin, a sequence number per stream and the
//! time it was handed to str0m (nanoseconds from one `Instant` shared by everything in the
//! process), so the receivers measure the added latency (received − sent, as the receiving
//! client's str0m hands the frame out) and the loss of every stream (one sender's track at one
//! receiver): the units whose send time falls in the measured window, that the sender sent, and
//! that the receiver got.
//!
//! The baseline runs first, in the same process: the same clients' packet pattern (the same
//! payloads; video frames cut into ≤ 1,100-byte packets) through a plain UDP relay (one tokio
//! task per socket, as many sockets as SFU workers, copying each datagram to the other members of
//! its meeting), without WebRTC: no ICE, DTLS, SRTP, RTP or RTCP on either side.
//!
//! CPU: the SFU runs on its own tokio runtime (threads named `sfu`), the relay on another
//! (`relay`) and the clients on a third (`client`); the CPU time of each group of threads comes
//! from /proc/self/task/<tid>/schedstat, the whole process's from /proc/self/stat (what getrusage
//! reports), the whole machine's from /proc/stat. The clients run on the same cores as the SFU.
//!
//! ```text
//! cargo run --release -p kaigi-media --example load -- --meetings 10 --participants 4 --duration 20
//! ```
//!
//! Flags: --meetings M (10), --participants N (4), --duration S (20), --warmup S (3),
//! --ready-timeout S (60), --quiet-timeout S (0: before each phase, wait up to S s for other
//! processes to calm down), --sfu-ports A-B (40000-40001), --relay-ports A-B (40010-40011),
//! --only sfu|relay|both (both), --threads T (tokio worker threads per runtime, the cores).
//!
//! Output: the table (stdout), then the same figures as one JSON line.

use std::collections::{HashMap, HashSet};
use std::error::Error;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use kaigi_media::{Media, MediaConfig, MediaStats, Member, PeerEvent, Source};
use serde_json::{json, Value};
use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::format::{Codec, CodecExtra};
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid, Pt};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::runtime::Runtime;

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

// --- the media pattern -------------------------------------------------------------------------

const AUDIO_EVERY: Duration = Duration::from_millis(20);
const AUDIO_BYTES: usize = 120;
const VIDEO_FPS: u32 = 30;
const VIDEO_BITS_PER_S: usize = 600_000;
/// A key frame every this many frames (2 s).
const KEY_EVERY: u64 = 60;
/// A key frame is this many times the size of a delta frame.
const KEY_FACTOR: usize = 3;
/// The baseline cuts video frames into packets of at most this many bytes.
const RELAY_PACKET: usize = 1_100;
/// A client that falls further behind its schedule than this skips the missed sends.
const BEHIND_MAX: Duration = Duration::from_millis(200);

const AUDIO: u8 = 0;
const VIDEO: u8 = 1;
const KINDS: [&str; 2] = ["audio", "video"];

fn video_every() -> Duration {
    Duration::from_secs(1) / VIDEO_FPS
}

/// (delta, key) frame sizes: the average over a key-frame period is VIDEO_BITS_PER_S.
fn frame_sizes() -> (usize, usize) {
    let period = VIDEO_BITS_PER_S / 8 * KEY_EVERY as usize / VIDEO_FPS as usize;
    let delta = period / (KEY_EVERY as usize - 1 + KEY_FACTOR);
    (delta, delta * KEY_FACTOR)
}

// --- the stamp in every payload ----------------------------------------------------------------

static BASE: OnceLock<Instant> = OnceLock::new();

fn base() -> Instant {
    *BASE.get_or_init(Instant::now)
}

fn ns_since_base(t: Instant) -> u64 {
    u64::try_from(t.saturating_duration_since(base()).as_nanos()).unwrap_or(u64::MAX)
}

const MAGIC: [u8; 2] = *b"KG";
const STAMP: usize = 21;
/// Where the stamp starts in a video frame: after a VP8 frame tag, the key frame start code and
/// the dimensions (present, as zeros, in delta frames too).
const VIDEO_PREFIX: usize = 10;
/// Where it starts in an audio packet: after an Opus TOC byte.
const AUDIO_PREFIX: usize = 1;

#[derive(Debug, Clone, Copy)]
struct Stamp {
    kind: u8,
    origin: u16,
    seq: u32,
    send_ns: u64,
    len: u32,
}

impl Stamp {
    fn put(&self, out: &mut [u8]) {
        out[0..2].copy_from_slice(&MAGIC);
        out[2] = self.kind;
        out[3..5].copy_from_slice(&self.origin.to_be_bytes());
        out[5..9].copy_from_slice(&self.seq.to_be_bytes());
        out[9..17].copy_from_slice(&self.send_ns.to_be_bytes());
        out[17..21].copy_from_slice(&self.len.to_be_bytes());
    }

    fn get(b: &[u8]) -> Option<Stamp> {
        if b.len() < STAMP || b[0..2] != MAGIC || b[2] > VIDEO {
            return None;
        }
        Some(Stamp {
            kind: b[2],
            origin: u16::from_be_bytes([b[3], b[4]]),
            seq: u32::from_be_bytes(b[5..9].try_into().ok()?),
            send_ns: u64::from_be_bytes(b[9..17].try_into().ok()?),
            len: u32::from_be_bytes(b[17..21].try_into().ok()?),
        })
    }
}

/// The payload of an audio packet or a video frame as the SFU's clients write it: a frame whose
/// first byte is a VP8 frame tag (bit 0 clear on key frames, show_frame set), a key frame's
/// start code and size, the stamp, then filler.
fn media_payload(stamp: &Stamp, key: bool) -> Vec<u8> {
    let mut b = vec![0x5a_u8; stamp.len as usize];
    if stamp.kind == VIDEO {
        b[..VIDEO_PREFIX].copy_from_slice(&[
            if key { 0x10 } else { 0x11 },
            0,
            0,
            0x9d,
            0x01,
            0x2a,
            0x80,
            0x02,
            0xe0,
            0x01,
        ]);
        if !key {
            b[3..VIDEO_PREFIX].fill(0);
        }
        stamp.put(&mut b[VIDEO_PREFIX..]);
    } else {
        b[0] = 0xfc; // Opus TOC: config 31 (CELT FB 20 ms), mono, one frame
        stamp.put(&mut b[AUDIO_PREFIX..]);
    }
    b
}

fn read_payload(b: &[u8]) -> Option<Stamp> {
    let video = b.len() >= VIDEO_PREFIX + STAMP && b[VIDEO_PREFIX..VIDEO_PREFIX + 2] == MAGIC;
    let s = if video { Stamp::get(&b[VIDEO_PREFIX..])? } else { Stamp::get(b.get(AUDIO_PREFIX..)?)? };
    (s.kind == if video { VIDEO } else { AUDIO }).then_some(s)
}

// --- shared control and what each client reports ----------------------------------------------

/// The measured window and the end, in ns since the base; set once, in the future, by main.
struct Control {
    window_start: AtomicU64,
    window_end: AtomicU64,
    stop: AtomicU64,
    /// Clients that receive every stream they should (SFU) / that started (relay).
    ready: AtomicUsize,
}

impl Control {
    fn new() -> Arc<Control> {
        Arc::new(Control {
            window_start: AtomicU64::new(u64::MAX),
            window_end: AtomicU64::new(u64::MAX),
            stop: AtomicU64::new(u64::MAX),
            ready: AtomicUsize::new(0),
        })
    }

    fn in_window(&self, ns: u64) -> bool {
        ns >= self.window_start.load(Ordering::Relaxed) && ns < self.window_end.load(Ordering::Relaxed)
    }

    fn stopped(&self, ns: u64) -> bool {
        ns >= self.stop.load(Ordering::Relaxed)
    }
}

#[derive(Debug, Default)]
struct Report {
    index: u16,
    room: usize,
    /// Units (audio packets, video frames) sent with a send time in the window, per kind.
    sent_in_window: [u64; 2],
    /// Per (origin, kind): the sequence numbers received of units sent in the window.
    received: HashMap<(u16, u8), HashSet<u32>>,
    /// Latency of every unit sent in the window, in µs, per kind.
    latency_us: [Vec<u32>; 2],
    /// Of that, the time from the unit's first packet entering the receiving client's str0m to
    /// str0m handing the unit out (SFU clients only), in µs, per kind.
    held_us: [Vec<u32>; 2],
    /// Datagrams and bytes the client's socket received during the window.
    datagrams_in: u64,
    bytes_in: u64,
    /// Scheduled sends skipped because the client fell behind (its own CPU starved).
    skipped: u64,
    keyframe_requests: u64,
    /// Video frames received that str0m's VP8 depacketizer marked as key frames, and frames
    /// where its mark disagrees with the frame's own tag (SFU clients only).
    keyframes_received: u64,
    keyframe_mismatch: u64,
    /// Units whose stamp was unreadable or whose length differed from the stamp's.
    corrupt: u64,
    /// Units received that were sent before the window or after it (not counted).
    outside_window: u64,
    error: Option<String>,
}

impl Report {
    fn new(index: u16, room: usize) -> Report {
        Report { index, room, ..Report::default() }
    }

    fn unit_received(&mut self, ctl: &Control, s: &Stamp, len_ok: bool, now: Instant) {
        if !len_ok {
            self.corrupt += 1;
            return;
        }
        if !ctl.in_window(s.send_ns) {
            self.outside_window += 1;
            return;
        }
        if self.received.entry((s.origin, s.kind)).or_default().insert(s.seq) {
            let us = ns_since_base(now).saturating_sub(s.send_ns) / 1_000;
            self.latency_us[usize::from(s.kind)].push(u32::try_from(us).unwrap_or(u32::MAX));
        }
    }
}

/// When each client sends what.
struct Schedule {
    next: [Instant; 2],
    slot: [u64; 2],
    seq: [u32; 2],
    force_key: bool,
}

struct Unit {
    stamp: Stamp,
    key: bool,
    /// RTP time of the unit: its slot in the schedule.
    media_time: MediaTime,
}

impl Schedule {
    /// Starts at `start`, each client shifted by a different phase so the sends spread out.
    fn new(index: u16, start: Instant) -> Schedule {
        let phase = Duration::from_micros(u64::from(index) * 7_919 % 20_000);
        let vphase = Duration::from_micros(u64::from(index) * 3_571 % 33_000);
        Schedule { next: [start + phase, start + vphase], slot: [0; 2], seq: [0; 2], force_key: false }
    }

    fn next_due(&self) -> Instant {
        self.next[0].min(self.next[1])
    }

    /// The units due at `now`, in order; skips (and counts) sends when far behind.
    fn due(&mut self, now: Instant, origin: u16, report: &mut Report, ctl: &Control, out: &mut Vec<Unit>) {
        let every = [AUDIO_EVERY, video_every()];
        let (delta, keysize) = frame_sizes();
        for kind in [AUDIO, VIDEO] {
            let k = usize::from(kind);
            if now.saturating_duration_since(self.next[k]) > BEHIND_MAX {
                while self.next[k] + every[k] <= now {
                    self.next[k] += every[k];
                    self.slot[k] += 1;
                    report.skipped += 1;
                }
            }
            while self.next[k] <= now {
                let send_ns = ns_since_base(Instant::now());
                // (`%` rather than is_multiple_of: the workspace's rust-version is 1.85.)
                let in_period = self.slot[k] % KEY_EVERY;
                let key = kind == VIDEO && (in_period == 0 || self.force_key);
                if kind == VIDEO {
                    self.force_key = false;
                }
                let len = match (kind, key) {
                    (AUDIO, _) => AUDIO_BYTES,
                    (_, true) => keysize,
                    (_, false) => delta,
                };
                let media_time = if kind == AUDIO {
                    MediaTime::new(self.slot[k] * 960, Frequency::FORTY_EIGHT_KHZ)
                } else {
                    MediaTime::new(self.slot[k] * 3_000, Frequency::NINETY_KHZ)
                };
                let stamp = Stamp { kind, origin, seq: self.seq[k], send_ns, len: len as u32 };
                if ctl.in_window(send_ns) {
                    report.sent_in_window[k] += 1;
                }
                out.push(Unit { stamp, key, media_time });
                self.seq[k] += 1;
                self.slot[k] += 1;
                self.next[k] += every[k];
            }
        }
    }
}

// --- the str0m clients of the SFU --------------------------------------------------------------

struct Prepared {
    index: u16,
    room: usize,
    rtc: Rtc,
    socket: std::net::UdpSocket,
    local: SocketAddr,
    mids: [Mid; 2],
    pending: SdpPendingOffer,
    offer: String,
    /// How many streams (origin, kind) it should receive.
    expect: usize,
}

fn prepare(index: u16, room: usize, participants: usize) -> Res<Prepared> {
    let socket = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    socket.set_nonblocking(true)?;
    let local = socket.local_addr()?;
    let mut rtc = Rtc::builder().build(Instant::now());
    rtc.add_local_candidate(Candidate::host(local, "udp")?);
    let mut change = rtc.sdp_api();
    let audio = change.add_media(MediaKind::Audio, Direction::SendOnly, Some(format!("c{index}")), None, None);
    let video = change.add_media(MediaKind::Video, Direction::SendOnly, Some(format!("c{index}")), None, None);
    let (offer, pending) = change.apply().ok_or("the client's offer has no changes")?;
    Ok(Prepared {
        index,
        room,
        rtc,
        socket,
        local,
        mids: [audio, video],
        pending,
        offer: offer.to_sdp_string(),
        expect: 2 * (participants - 1),
    })
}

struct SfuClient {
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    index: u16,
    mids: [Mid; 2],
    pts: Option<[Pt; 2]>,
    pending: Option<SdpPendingOffer>,
    connected: bool,
    expect: usize,
    ready: bool,
    ctl: Arc<Control>,
    report: Report,
    /// The SFU asked for a key frame (PLI/FIR): the next video frame is one.
    schedule_key: bool,
}

impl SfuClient {
    /// Sends what str0m has to send and handles its events, until it waits for time. str0m's
    /// pacer without bandwidth estimation releases one packet and then asks for a timeout at
    /// once (a time already past): that timeout is given here straight away (a bounded number
    /// of times), so the client sends a whole video frame in one go instead of one packet per
    /// turn of its loop.
    fn drain(&mut self) -> Res<Instant> {
        let mut rounds = 0;
        loop {
            match self.rtc.poll_output()? {
                Output::Transmit(t) => {
                    // A full socket buffer drops the datagram, as the SFU does with its own.
                    let _ = self.socket.try_send_to(&t.contents, t.destination);
                }
                Output::Timeout(t) => {
                    let now = Instant::now();
                    if t > now || rounds >= 64 {
                        return Ok(t);
                    }
                    rounds += 1;
                    self.rtc.handle_input(Input::Timeout(now))?;
                }
                Output::Event(e) => self.event(e),
            }
        }
    }

    fn event(&mut self, e: Event) {
        match e {
            Event::Connected => self.connected = true,
            Event::MediaData(d) => {
                let now = Instant::now();
                match read_payload(&d.data) {
                    Some(s) => {
                        let len_ok = s.len as usize == d.data.len();
                        if let CodecExtra::Vp8(vp8) = d.codec_extra {
                            let tagged_key = d.data.first().is_some_and(|b| b & 1 == 0);
                            self.report.keyframes_received += u64::from(vp8.is_keyframe);
                            self.report.keyframe_mismatch += u64::from(vp8.is_keyframe != tagged_key);
                        }
                        if len_ok && self.ctl.in_window(s.send_ns) {
                            let held = now.saturating_duration_since(d.network_time).as_micros();
                            self.report.held_us[usize::from(s.kind)].push(u32::try_from(held).unwrap_or(u32::MAX));
                        }
                        self.report.unit_received(&self.ctl, &s, len_ok, now);
                        if !self.ready {
                            self.report.received.entry((s.origin, s.kind)).or_default();
                            if self.report.received.len() >= self.expect {
                                self.ready = true;
                                self.ctl.ready.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    None => self.report.corrupt += 1,
                }
            }
            Event::KeyframeRequest(r) if r.mid == self.mids[1] => {
                self.report.keyframe_requests += 1;
                self.schedule_key = true;
            }
            _ => {}
        }
    }
}

async fn sfu_client(p: Prepared, media: Media, ctl: Arc<Control>) -> Report {
    let mut report = Report::new(p.index, p.room);
    let socket = match UdpSocket::from_std(p.socket) {
        Ok(s) => s,
        Err(e) => {
            report.error = Some(format!("socket: {e}"));
            return report;
        }
    };
    let sources = HashMap::from([(p.mids[0].to_string(), Source::Microphone), (p.mids[1].to_string(), Source::Camera)]);
    let member = Member { id: i64::from(p.index) + 1, name: format!("load {}", p.index) };
    let mut peer = match media.join(p.room as u64, member, &p.offer, sources) {
        Ok(peer) => peer,
        Err(e) => {
            report.error = Some(format!("join: {e}"));
            return report;
        }
    };
    let mut c = SfuClient {
        rtc: p.rtc,
        socket,
        local: p.local,
        index: p.index,
        mids: p.mids,
        pts: None,
        pending: Some(p.pending),
        connected: false,
        expect: p.expect,
        ready: p.expect == 0,
        ctl: ctl.clone(),
        report,
        schedule_key: false,
    };
    if c.ready {
        ctl.ready.fetch_add(1, Ordering::Relaxed);
    }
    let mut schedule: Option<Schedule> = None;
    let mut units = Vec::new();
    let mut buf = vec![0u8; 2_000];
    let mut events_open = true;
    loop {
        let timeout = match c.drain() {
            Ok(t) => t,
            Err(e) => {
                c.report.error = Some(format!("str0m: {e}"));
                break;
            }
        };
        if ctl.stopped(ns_since_base(Instant::now())) {
            break;
        }
        let mut wake = timeout.min(Instant::now() + Duration::from_millis(50));
        if let Some(s) = &schedule {
            wake = wake.min(s.next_due());
        }
        tokio::select! {
            event = peer.events.recv(), if events_open => match event {
                Some(PeerEvent::Answer { sdp }) => {
                    let accepted = SdpAnswer::from_sdp_string(&sdp)
                        .map_err(|e| e.to_string())
                        .and_then(|a| match c.pending.take() {
                            Some(pending) => c.rtc.sdp_api().accept_answer(pending, a).map_err(|e| e.to_string()),
                            None => Err("an answer without an offer".into()),
                        });
                    if let Err(e) = accepted {
                        c.report.error = Some(format!("the SFU's answer: {e}"));
                        break;
                    }
                }
                Some(PeerEvent::Offer { sdp, .. }) => {
                    let answer = SdpOffer::from_sdp_string(&sdp)
                        .map_err(|e| e.to_string())
                        .and_then(|o| c.rtc.sdp_api().accept_offer(o).map_err(|e| e.to_string()));
                    match answer {
                        Ok(a) => {
                            if let Err(e) = peer.answer(&a.to_sdp_string()) {
                                c.report.error = Some(format!("answering: {e}"));
                                break;
                            }
                        }
                        Err(e) => {
                            c.report.error = Some(format!("the SFU's offer: {e}"));
                            break;
                        }
                    }
                }
                Some(PeerEvent::Closed { reason }) => {
                    c.report.error = Some(format!("closed by the SFU: {reason}"));
                    break;
                }
                Some(PeerEvent::Speaking { .. }) => {}
                None => events_open = false,
            },
            received = c.socket.recv_from(&mut buf) => {
                if let Ok((n, source)) = received {
                    let now = Instant::now();
                    if ctl.in_window(ns_since_base(now)) {
                        c.report.datagrams_in += 1;
                        c.report.bytes_in += n as u64;
                    }
                    if let Ok(contents) = buf[..n].try_into() {
                        let input = Input::Receive(now, Receive { proto: Protocol::Udp, source, destination: c.local, contents });
                        if let Err(e) = c.rtc.handle_input(input) {
                            c.report.error = Some(format!("str0m input: {e}"));
                            break;
                        }
                    }
                }
            }
            () = tokio::time::sleep_until(wake.into()) => {}
        }
        let now = Instant::now();
        if let Err(e) = c.rtc.handle_input(Input::Timeout(now)) {
            c.report.error = Some(format!("str0m timeout: {e}"));
            break;
        }
        if c.pts.is_none() && c.connected {
            c.pts = payload_types(&mut c.rtc, c.mids);
            if c.pts.is_some() {
                schedule = Some(Schedule::new(c.index, now));
            }
        }
        let (Some(s), Some(pts)) = (&mut schedule, c.pts) else { continue };
        if std::mem::take(&mut c.schedule_key) {
            s.force_key = true;
        }
        s.due(now, c.index, &mut c.report, &ctl, &mut units);
        for u in units.drain(..) {
            let k = usize::from(u.stamp.kind);
            let Some(writer) = c.rtc.writer(c.mids[k]) else { continue };
            let data = media_payload(&u.stamp, u.key);
            if let Err(e) = writer.write(pts[k], now, u.media_time, data) {
                c.report.error = Some(format!("writing media: {e}"));
            }
            // Let str0m packetize (and send) each unit before the next one is written.
            if let Err(e) = c.drain() {
                c.report.error = Some(format!("str0m: {e}"));
            }
        }
    }
    drop(peer);
    c.report
}

/// The payload types of Opus and VP8 the SFU accepted, once it has.
fn payload_types(rtc: &mut Rtc, mids: [Mid; 2]) -> Option<[Pt; 2]> {
    let mut pts = [None, None];
    for (k, codec) in [(0, Codec::Opus), (1, Codec::Vp8)] {
        let writer = rtc.writer(mids[k])?;
        pts[k] = writer.payload_params().find(|p| p.spec().codec == codec).map(|p| p.pt());
    }
    Some([pts[0]?, pts[1]?])
}

// --- the baseline: a plain UDP relay and its clients -------------------------------------------

#[derive(Default)]
struct RelayCounters {
    packets_in: AtomicU64,
    packets_out: AtomicU64,
    send_failed: AtomicU64,
}

/// One relay socket: every datagram from a member of a meeting goes to the meeting's others.
async fn relay_worker(socket: UdpSocket, routes: HashMap<SocketAddr, Vec<SocketAddr>>, counters: Arc<RelayCounters>) {
    let mut buf = vec![0u8; 2_000];
    loop {
        let Ok((n, source)) = socket.recv_from(&mut buf).await else { continue };
        counters.packets_in.fetch_add(1, Ordering::Relaxed);
        for to in routes.get(&source).into_iter().flatten() {
            // As the SFU does: a full socket buffer drops the datagram.
            if socket.try_send_to(&buf[..n], *to).is_ok() {
                counters.packets_out.fetch_add(1, Ordering::Relaxed);
            } else {
                counters.send_failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// A relay packet: the unit's stamp, the fragment's index and count, filler.
const RELAY_HEADER: usize = STAMP + 4;

fn fragment_sizes(len: usize) -> Vec<usize> {
    let n = len.div_ceil(RELAY_PACKET).max(1);
    (0..n).map(|i| len / n + usize::from(i < len % n)).collect()
}

async fn relay_client(
    index: u16,
    room: usize,
    socket: std::net::UdpSocket,
    relay: SocketAddr,
    ctl: Arc<Control>,
) -> Report {
    let mut report = Report::new(index, room);
    let socket = match UdpSocket::from_std(socket) {
        Ok(s) => s,
        Err(e) => {
            report.error = Some(format!("socket: {e}"));
            return report;
        }
    };
    ctl.ready.fetch_add(1, Ordering::Relaxed);
    let mut schedule = Schedule::new(index, Instant::now());
    // Video frames being reassembled: (origin, seq) -> (fragments, bytes).
    let mut frames: HashMap<(u16, u32), (u16, usize)> = HashMap::new();
    let mut units = Vec::new();
    let mut buf = vec![0u8; 2_000];
    let mut packet = vec![0x5a_u8; RELAY_PACKET + RELAY_HEADER];
    loop {
        let now = Instant::now();
        if ctl.stopped(ns_since_base(now)) {
            break;
        }
        let wake = schedule.next_due().min(now + Duration::from_millis(50));
        tokio::select! {
            received = socket.recv_from(&mut buf) => {
                let Ok((n, _)) = received else { continue };
                let now = Instant::now();
                if ctl.in_window(ns_since_base(now)) {
                    report.datagrams_in += 1;
                    report.bytes_in += n as u64;
                }
                let Some(s) = Stamp::get(&buf[..n]).filter(|_| n >= RELAY_HEADER) else {
                    report.corrupt += 1;
                    continue;
                };
                let count = u16::from_be_bytes([buf[STAMP + 2], buf[STAMP + 3]]);
                if count <= 1 {
                    report.unit_received(&ctl, &s, n == s.len as usize, now);
                } else {
                    let f = frames.entry((s.origin, s.seq)).or_default();
                    f.0 += 1;
                    f.1 += n;
                    if f.0 == count {
                        let bytes = f.1;
                        frames.remove(&(s.origin, s.seq));
                        report.unit_received(&ctl, &s, bytes == s.len as usize, now);
                    }
                }
            }
            () = tokio::time::sleep_until(wake.into()) => {}
        }
        schedule.due(Instant::now(), index, &mut report, &ctl, &mut units);
        for u in units.drain(..) {
            let sizes = fragment_sizes(u.stamp.len as usize);
            for (i, size) in sizes.iter().enumerate() {
                u.stamp.put(&mut packet[..STAMP]);
                packet[STAMP..STAMP + 2].copy_from_slice(&(i as u16).to_be_bytes());
                packet[STAMP + 2..STAMP + 4].copy_from_slice(&(sizes.len() as u16).to_be_bytes());
                let _ = socket.try_send_to(&packet[..*size], relay);
            }
        }
        if frames.len() > 10_000 {
            // Fragments of frames that lost a packet; they never complete.
            frames.clear();
        }
    }
    report
}

// --- measuring ----------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
struct CpuSnap {
    /// Thread CPU time per group of threads (sfu, relay, client, other), ns.
    groups: HashMap<String, u64>,
    /// utime + stime of the whole process (all threads, also finished ones), clock ticks.
    process_ticks: u64,
    /// Busy and all clock ticks of the machine's CPUs.
    machine_busy: u64,
    machine_all: u64,
    /// The kernel's UDP counters (/proc/net/snmp, the whole machine): datagrams dropped because
    /// a receiving socket's buffer was full, and sends that failed for want of buffer.
    udp_rcvbuf_errors: u64,
    udp_sndbuf_errors: u64,
    /// Datagrams dropped (/proc/net/udp, per socket) by the server's sockets and by all others.
    server_socket_drops: u64,
    other_socket_drops: u64,
}

/// Linux's USER_HZ, the unit of /proc/*/stat and /proc/stat.
const TICKS_PER_S: f64 = 100.0;

fn cpu_snap(server_ports: &[u16]) -> CpuSnap {
    let mut snap = CpuSnap::default();
    if let Ok(udp) = std::fs::read_to_string("/proc/net/udp") {
        for line in udp.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let port = f.get(1).and_then(|a| u16::from_str_radix(a.rsplit_once(':')?.1, 16).ok());
            let drops: u64 = f.last().and_then(|d| d.parse().ok()).unwrap_or(0);
            match port {
                Some(p) if server_ports.contains(&p) => snap.server_socket_drops += drops,
                _ => snap.other_socket_drops += drops,
            }
        }
    }
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for task in dir.flatten() {
            let path = task.path();
            let comm = std::fs::read_to_string(path.join("comm")).unwrap_or_default().trim().to_string();
            let ns = std::fs::read_to_string(path.join("schedstat"))
                .ok()
                .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
                .unwrap_or(0);
            let group = if ["sfu", "relay", "client"].contains(&comm.as_str()) { comm } else { "other".to_string() };
            *snap.groups.entry(group).or_default() += ns;
        }
    }
    if let Ok(stat) = std::fs::read_to_string("/proc/self/stat") {
        let fields: Vec<u64> = stat
            .rsplit_once(") ")
            .map_or("", |(_, rest)| rest)
            .split_whitespace()
            .skip(11)
            .take(2)
            .filter_map(|f| f.parse().ok())
            .collect();
        snap.process_ticks = fields.iter().sum();
    }
    if let Ok(snmp) = std::fs::read_to_string("/proc/net/snmp") {
        let udp: Vec<&str> = snmp.lines().filter(|l| l.starts_with("Udp: ")).collect();
        if let [names, values] = udp[..] {
            for (name, value) in names.split_whitespace().zip(values.split_whitespace()) {
                match name {
                    "RcvbufErrors" => snap.udp_rcvbuf_errors = value.parse().unwrap_or(0),
                    "SndbufErrors" => snap.udp_sndbuf_errors = value.parse().unwrap_or(0),
                    _ => {}
                }
            }
        }
    }
    if let Ok(stat) = std::fs::read_to_string("/proc/stat") {
        if let Some(line) = stat.lines().find(|l| l.starts_with("cpu ")) {
            let v: Vec<u64> = line.split_whitespace().skip(1).take(8).filter_map(|f| f.parse().ok()).collect();
            if v.len() == 8 {
                snap.machine_all = v.iter().sum();
                snap.machine_busy = snap.machine_all - v[3] - v[4];
            }
        }
    }
    snap
}

/// Waits (at most `timeout`) until other processes use less than a tenth of a core.
fn wait_quiet(timeout: Duration) {
    let start = Instant::now();
    let mut said = false;
    while start.elapsed() < timeout {
        let a = cpu_snap(&[]);
        std::thread::sleep(Duration::from_secs(1));
        let b = cpu_snap(&[]);
        let outside = b.machine_busy.saturating_sub(a.machine_busy).saturating_sub(b.process_ticks - a.process_ticks);
        if (outside as f64) < 0.1 * TICKS_PER_S {
            return;
        }
        if !said {
            eprintln!("load: other processes are busy; waiting up to {timeout:?} for them");
            said = true;
        }
    }
    if !timeout.is_zero() {
        eprintln!("load: still busy after {timeout:?}; measuring anyway");
    }
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// What happened around the measured window of one phase.
struct Timeline {
    ready: usize,
    join_s: f64,
    window_s: f64,
    cpu: (CpuSnap, CpuSnap),
    /// The server's own counters (in, out, peers) at the window's start and end.
    counters: ((u64, u64, u64), (u64, u64, u64)),
    rss_joined: u64,
    rss_end: u64,
}

async fn measure<F, Fut>(args: &Args, ctl: &Control, total: usize, server_ports: &[u16], counters: F) -> Timeline
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = (u64, u64, u64)>,
{
    let start = Instant::now();
    while ctl.ready.load(Ordering::Relaxed) < total && start.elapsed() < args.ready_timeout {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let ready = ctl.ready.load(Ordering::Relaxed);
    let join_s = start.elapsed().as_secs_f64();
    eprintln!(
        "load: {ready} of {total} clients ready after {join_s:.1} s; warm-up {:?}, then {:?} measured",
        args.warmup, args.duration
    );
    let rss_joined = rss_kb();
    let ws = Instant::now() + args.warmup;
    let we = ws + args.duration;
    let stop = we + Duration::from_millis(1_500);
    ctl.window_start.store(ns_since_base(ws), Ordering::Relaxed);
    ctl.window_end.store(ns_since_base(we), Ordering::Relaxed);
    ctl.stop.store(ns_since_base(stop), Ordering::Relaxed);
    tokio::time::sleep_until(ws.into()).await;
    let c0 = counters().await;
    let s0 = cpu_snap(server_ports);
    let t0 = Instant::now();
    tokio::time::sleep_until(we.into()).await;
    let s1 = cpu_snap(server_ports);
    let window_s = t0.elapsed().as_secs_f64();
    let c1 = counters().await;
    let rss_end = rss_kb();
    tokio::time::sleep_until(stop.into()).await;
    Timeline { ready, join_s, window_s, cpu: (s0, s1), counters: (c0, c1), rss_joined, rss_end }
}

/// Everything one phase (relay or SFU) measured.
struct Phase {
    name: &'static str,
    server_group: &'static str,
    /// What the server's counters count.
    counter_unit: &'static str,
    clients: usize,
    participants: usize,
    reports: Vec<Report>,
    timeline: Timeline,
    rss_before: u64,
    rss_prepared: u64,
    extra: Vec<(String, Value)>,
}

fn ports(range: (u16, u16), count: usize) -> Vec<u16> {
    (range.0..=range.1).take(count).collect()
}

fn run_relay(args: &Args, relay_rt: &Runtime, client_rt: &Runtime) -> Res<Phase> {
    let total = args.meetings * args.participants;
    let rss_before = rss_kb();
    let mut sockets = Vec::new();
    for _ in 0..total {
        let s = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
        s.set_nonblocking(true)?;
        sockets.push(s);
    }
    let rss_prepared = rss_kb();
    let addrs: Vec<SocketAddr> = sockets.iter().map(std::net::UdpSocket::local_addr).collect::<Result<_, _>>()?;
    let relay_ports = ports(args.relay_ports, args.workers);
    let mut relays = Vec::new();
    let counters = Arc::new(RelayCounters::default());
    let mut tasks = Vec::new();
    for (w, port) in relay_ports.iter().enumerate() {
        let socket = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, *port))?;
        socket.set_nonblocking(true)?;
        relays.push(socket.local_addr()?);
        let mut routes = HashMap::new();
        for room in (0..args.meetings).filter(|r| r % relay_ports.len() == w) {
            let members = &addrs[room * args.participants..(room + 1) * args.participants];
            for m in members {
                routes.insert(*m, members.iter().filter(|o| *o != m).copied().collect::<Vec<_>>());
            }
        }
        let _guard = relay_rt.enter();
        tasks.push(relay_rt.spawn(relay_worker(UdpSocket::from_std(socket)?, routes, counters.clone())));
    }
    let ctl = Control::new();
    let mut clients = Vec::new();
    for (i, socket) in sockets.into_iter().enumerate() {
        let room = i / args.participants;
        let relay = relays[room % relays.len()];
        let _guard = client_rt.enter();
        clients.push(client_rt.spawn(relay_client(i as u16, room, socket, relay, ctl.clone())));
    }
    let timeline = client_rt.block_on(measure(args, &ctl, total, &relay_ports, || async {
        (counters.packets_in.load(Ordering::Relaxed), counters.packets_out.load(Ordering::Relaxed), 0)
    }));
    let reports = client_rt.block_on(collect(clients));
    for t in tasks {
        t.abort();
    }
    let extra = vec![("relay_send_failed".to_string(), json!(counters.send_failed.load(Ordering::Relaxed)))];
    Ok(Phase {
        name: "UDP relay (baseline)",
        server_group: "relay",
        counter_unit: "datagrams",
        clients: total,
        participants: args.participants,
        reports,
        timeline,
        rss_before,
        rss_prepared,
        extra,
    })
}

fn run_sfu(args: &Args, sfu_rt: &Runtime, client_rt: &Runtime) -> Res<Phase> {
    let total = args.meetings * args.participants;
    let dir = scratch_dir();
    let config = MediaConfig {
        bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        udp_ports: args.sfu_ports.0..=args.sfu_ports.1,
        public_ip: None,
        recordings_dir: dir.join("recordings"),
    };
    let media = sfu_rt.block_on(Media::start(config))?;
    eprintln!("load: the SFU listens on {:?}", media.addresses());
    let rss_before = rss_kb();
    let mut prepared = Vec::new();
    for i in 0..total {
        prepared.push(prepare(i as u16, i / args.participants, args.participants)?);
    }
    let rss_prepared = rss_kb();
    let ctl = Control::new();
    let mut clients = Vec::new();
    for p in prepared {
        clients.push(client_rt.spawn(sfu_client(p, media.clone(), ctl.clone())));
    }
    let sfu_ports: Vec<u16> = media.addresses().iter().map(SocketAddr::port).collect();
    let timeline = client_rt.block_on(measure(args, &ctl, total, &sfu_ports, || async {
        let s: MediaStats = media.stats().await;
        (s.packets_in, s.packets_out, s.peers)
    }));
    let reports = client_rt.block_on(collect(clients));
    drop(media);
    let _ = std::fs::remove_dir_all(&dir);
    let extra = vec![
        ("sfu_peers_in_window".to_string(), json!(timeline.counters.1 .2)),
        ("sfu_workers".to_string(), json!(args.workers)),
    ];
    Ok(Phase {
        name: "SFU (kaigi-media)",
        server_group: "sfu",
        counter_unit: "media units (MediaStats)",
        clients: total,
        participants: args.participants,
        reports,
        timeline,
        rss_before,
        rss_prepared,
        extra,
    })
}

async fn collect(handles: Vec<tokio::task::JoinHandle<Report>>) -> Vec<Report> {
    let mut out = Vec::new();
    for h in handles {
        match h.await {
            Ok(r) => out.push(r),
            Err(e) => out.push(Report { error: Some(format!("client task: {e}")), ..Report::default() }),
        }
    }
    out
}

/// A directory for the recordings the SFU never makes: under the build's target directory.
fn scratch_dir() -> PathBuf {
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(std::env::temp_dir);
    target.join(format!("kaigi-media-load-{}", std::process::id()))
}

// --- the figures ---------------------------------------------------------------------------------

fn percentile(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    f64::from(sorted[rank - 1]) / 1_000.0
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

fn analyse(p: &Phase) -> Value {
    let t = &p.timeline;
    let w = t.window_s;
    let by_index: HashMap<u16, &Report> = p.reports.iter().map(|r| (r.index, r)).collect();
    let mut rooms: HashMap<usize, Vec<u16>> = HashMap::new();
    for r in &p.reports {
        rooms.entry(r.room).or_default().push(r.index);
    }
    // Loss per stream: one sender's track at one receiver.
    let mut losses = Vec::new();
    let mut expected_streams = 0usize;
    let mut delivering = 0usize;
    let mut units = [0u64; 2];
    for r in &p.reports {
        for origin in rooms.get(&r.room).into_iter().flatten().filter(|o| **o != r.index) {
            let Some(sender) = by_index.get(origin) else { continue };
            for k in [AUDIO, VIDEO] {
                expected_streams += 1;
                let sent = sender.sent_in_window[usize::from(k)];
                let got = r.received.get(&(*origin, k)).map_or(0, |s| s.len() as u64);
                units[usize::from(k)] += got;
                if got > 0 {
                    delivering += 1;
                }
                if sent > 0 {
                    losses.push(100.0 * (sent.saturating_sub(got)) as f64 / sent as f64);
                }
            }
        }
    }
    let mean_loss = if losses.is_empty() { f64::NAN } else { losses.iter().sum::<f64>() / losses.len() as f64 };
    let worst_loss = losses.iter().copied().fold(0.0, f64::max);
    let lossy = losses.iter().filter(|l| **l > 0.0).count();
    let mut latency = serde_json::Map::new();
    let mut all: Vec<u32> = Vec::new();
    for k in [AUDIO, VIDEO] {
        let mut v: Vec<u32> = p.reports.iter().flat_map(|r| r.latency_us[usize::from(k)].iter().copied()).collect();
        v.sort_unstable();
        latency.insert(
            KINDS[usize::from(k)].into(),
            json!({"p50_ms": round(percentile(&v, 0.5), 2), "p99_ms": round(percentile(&v, 0.99), 2), "max_ms": round(percentile(&v, 1.0), 2), "samples": v.len()}),
        );
        all.extend(v);
        let mut h: Vec<u32> = p.reports.iter().flat_map(|r| r.held_us[usize::from(k)].iter().copied()).collect();
        h.sort_unstable();
        if !h.is_empty() {
            latency.insert(
                format!("{}_held_in_receiver", KINDS[usize::from(k)]),
                json!({"p50_ms": round(percentile(&h, 0.5), 2), "p99_ms": round(percentile(&h, 0.99), 2), "max_ms": round(percentile(&h, 1.0), 2)}),
            );
        }
    }
    all.sort_unstable();
    latency.insert(
        "all".into(),
        json!({"p50_ms": round(percentile(&all, 0.5), 2), "p99_ms": round(percentile(&all, 0.99), 2), "max_ms": round(percentile(&all, 1.0), 2)}),
    );
    let (s0, s1) = &t.cpu;
    let group_s = |g: &str| {
        s1.groups.get(g).copied().unwrap_or(0).saturating_sub(s0.groups.get(g).copied().unwrap_or(0)) as f64 / 1e9
    };
    let server_s = group_s(p.server_group);
    let client_s = group_s("client");
    let other_s = group_s("other");
    let process_s = (s1.process_ticks.saturating_sub(s0.process_ticks)) as f64 / TICKS_PER_S;
    let machine_busy_s = (s1.machine_busy.saturating_sub(s0.machine_busy)) as f64 / TICKS_PER_S;
    let machine_all_s = (s1.machine_all.saturating_sub(s0.machine_all)) as f64 / TICKS_PER_S;
    let server_cores = server_s / w;
    let datagrams: u64 = p.reports.iter().map(|r| r.datagrams_in).sum();
    let bytes: u64 = p.reports.iter().map(|r| r.bytes_in).sum();
    let units_per_s = (units[0] + units[1]) as f64 / w;
    let datagrams_per_s = datagrams as f64 / w;
    let ((ci, co, _), (ci1, co1, _)) = t.counters;
    let errors: Vec<String> =
        p.reports.iter().filter_map(|r| r.error.as_ref().map(|e| format!("client {}: {e}", r.index))).collect();
    let n = p.clients as f64;
    let mib = |kb: u64| round(kb as f64 / 1024.0, 1);
    let per_participant = |kb: u64| (kb.saturating_sub(p.rss_before) as f64 * 1024.0 / n).round();
    let mut v = json!({
        "phase": p.name,
        "meetings": p.clients / p.participants.max(1),
        "participants_per_meeting": p.participants,
        "clients": p.clients,
        "clients_ready": t.ready,
        "join_s": round(t.join_s, 2),
        "window_s": round(w, 2),
        "streams_expected": expected_streams,
        "streams_delivering": delivering,
        "delivered_units_per_s": round(units_per_s, 0),
        "delivered_audio_packets_per_s": round(units[0] as f64 / w, 0),
        "delivered_video_frames_per_s": round(units[1] as f64 / w, 0),
        "client_datagrams_in_per_s": round(datagrams_per_s, 0),
        "client_mbit_in_per_s": round(bytes as f64 * 8.0 / w / 1e6, 1),
        "server_counter_unit": p.counter_unit,
        "server_in_per_s": round((ci1 - ci) as f64 / w, 0),
        "server_out_per_s": round((co1 - co) as f64 / w, 0),
        "cpu": {
            "server_threads_s": round(server_s, 2),
            "server_cores": round(server_cores, 3),
            "client_threads_s": round(client_s, 2),
            "client_cores": round(client_s / w, 3),
            "other_threads_s": round(other_s, 2),
            "process_s": round(process_s, 2),
            "process_cores": round(process_s / w, 3),
            "machine_busy_cores": round(machine_busy_s / w, 3),
            "machine_cores": round(machine_all_s / w, 2),
            "outside_process_cores": round((machine_busy_s - process_s).max(0.0) / w, 3),
        },
        "udp_rcvbuf_errors_per_s": round(s1.udp_rcvbuf_errors.saturating_sub(s0.udp_rcvbuf_errors) as f64 / w, 0),
        "server_socket_drops_per_s": round(s1.server_socket_drops.saturating_sub(s0.server_socket_drops) as f64 / w, 0),
        "client_socket_drops_per_s": round(s1.other_socket_drops.saturating_sub(s0.other_socket_drops) as f64 / w, 0),
        "udp_sndbuf_errors_per_s": round(s1.udp_sndbuf_errors.saturating_sub(s0.udp_sndbuf_errors) as f64 / w, 0),
        // Other processes used more than a tenth of the machine during the window.
        "disturbed": (machine_busy_s - process_s) > 0.1 * machine_all_s,
        "per_server_core": {
            "datagrams_per_s": round(datagrams_per_s / server_cores, 0),
            "units_per_s": round(units_per_s / server_cores, 0),
            "streams": round(delivering as f64 / server_cores, 0),
        },
        "latency": Value::Object(latency),
        "loss_pct": {"mean": round(mean_loss, 3), "worst": round(worst_loss, 2), "streams_with_loss": lossy},
        "rss_mib": {"before": mib(p.rss_before), "clients_created": mib(p.rss_prepared), "all_joined": mib(t.rss_joined), "end": mib(t.rss_end)},
        "rss_bytes_per_participant": {"all_joined": per_participant(t.rss_joined), "end": per_participant(t.rss_end)},
        "skipped_sends": p.reports.iter().map(|r| r.skipped).sum::<u64>(),
        "keyframe_requests": p.reports.iter().map(|r| r.keyframe_requests).sum::<u64>(),
        "keyframes_received": p.reports.iter().map(|r| r.keyframes_received).sum::<u64>(),
        "keyframe_mismatch": p.reports.iter().map(|r| r.keyframe_mismatch).sum::<u64>(),
        "corrupt_units": p.reports.iter().map(|r| r.corrupt).sum::<u64>(),
        "errors": errors.len(),
        "first_errors": errors.iter().take(5).collect::<Vec<_>>(),
    });
    if let Some(o) = v.as_object_mut() {
        for (k, x) in &p.extra {
            o.insert(k.clone(), x.clone());
        }
    }
    v
}

fn get<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| &v[k])
}

fn show(v: &Value) -> String {
    match v {
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if n.is_f64() {
                format!("{f}")
            } else {
                thousands(f as u64)
            }
        }
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string().into_bytes();
    let groups: Vec<String> = digits.rchunks(3).rev().map(|g| String::from_utf8_lossy(g).into_owned()).collect();
    groups.join(",")
}

fn print_table(results: &[Value]) {
    let rows: &[(&str, &str)] = &[
        ("clients ready", "clients_ready"),
        ("join time (all ready), s", "join_s"),
        ("measured window, s", "window_s"),
        ("streams expected", "streams_expected"),
        ("streams delivering", "streams_delivering"),
        ("delivered audio packets/s", "delivered_audio_packets_per_s"),
        ("delivered video frames/s", "delivered_video_frames_per_s"),
        ("datagrams into clients/s", "client_datagrams_in_per_s"),
        ("Mbit/s into clients", "client_mbit_in_per_s"),
        ("server in/s (its own counter)", "server_in_per_s"),
        ("server out/s (its own counter)", "server_out_per_s"),
        ("server threads, cores", "cpu.server_cores"),
        ("client threads, cores", "cpu.client_cores"),
        ("whole process, cores", "cpu.process_cores"),
        ("machine busy, cores", "cpu.machine_busy_cores"),
        ("  of which other processes", "cpu.outside_process_cores"),
        ("disturbed by other processes", "disturbed"),
        ("datagrams/s per server core", "per_server_core.datagrams_per_s"),
        ("streams per server core", "per_server_core.streams"),
        ("audio latency p50, ms", "latency.audio.p50_ms"),
        ("audio latency p99, ms", "latency.audio.p99_ms"),
        ("audio latency max, ms", "latency.audio.max_ms"),
        ("video frame latency p50, ms", "latency.video.p50_ms"),
        ("video frame latency p99, ms", "latency.video.p99_ms"),
        ("video frame latency max, ms", "latency.video.max_ms"),
        ("  of which in the receiving str0m, p50", "latency.video_held_in_receiver.p50_ms"),
        ("  of which in the receiving str0m, p99", "latency.video_held_in_receiver.p99_ms"),
        ("loss per stream, mean %", "loss_pct.mean"),
        ("loss per stream, worst %", "loss_pct.worst"),
        ("streams with any loss", "loss_pct.streams_with_loss"),
        ("RSS before clients, MiB", "rss_mib.before"),
        ("RSS all joined, MiB", "rss_mib.all_joined"),
        ("RSS at end, MiB", "rss_mib.end"),
        ("RSS per participant (joined), bytes", "rss_bytes_per_participant.all_joined"),
        ("RSS per participant (end), bytes", "rss_bytes_per_participant.end"),
        ("UDP drops, full receive buffer /s", "udp_rcvbuf_errors_per_s"),
        ("  at the server's sockets /s", "server_socket_drops_per_s"),
        ("  at the clients' sockets /s", "client_socket_drops_per_s"),
        ("UDP drops, full send buffer /s", "udp_sndbuf_errors_per_s"),
        ("sends skipped (clients behind)", "skipped_sends"),
        ("key frame requests", "keyframe_requests"),
        ("VP8 key frames received (str0m's mark)", "keyframes_received"),
        ("  str0m's key mark differs from the tag", "keyframe_mismatch"),
        ("corrupt units", "corrupt_units"),
        ("client errors", "errors"),
    ];
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let mut header = format!("{:width$}", "");
    for r in results {
        header.push_str(&format!(" | {:>22}", show(&r["phase"])));
    }
    println!("{header}");
    for (label, path) in rows {
        let mut line = format!("{label:width$}");
        for r in results {
            line.push_str(&format!(" | {:>22}", show(get(r, path))));
        }
        println!("{line}");
    }
    for r in results {
        for e in r["first_errors"].as_array().into_iter().flatten() {
            println!("{}: {}", show(&r["phase"]), show(e));
        }
    }
}

// --- main ----------------------------------------------------------------------------------------

struct Args {
    meetings: usize,
    participants: usize,
    duration: Duration,
    warmup: Duration,
    ready_timeout: Duration,
    quiet_timeout: Duration,
    sfu_ports: (u16, u16),
    relay_ports: (u16, u16),
    sfu: bool,
    relay: bool,
    threads: usize,
    /// SFU workers (and relay sockets): one per core, as Media::start does.
    workers: usize,
}

fn parse_args() -> Res<Args> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut a = Args {
        meetings: 10,
        participants: 4,
        duration: Duration::from_secs(20),
        warmup: Duration::from_secs(3),
        ready_timeout: Duration::from_secs(60),
        quiet_timeout: Duration::ZERO,
        sfu_ports: (40_000, 40_001),
        relay_ports: (40_010, 40_011),
        sfu: true,
        relay: true,
        threads: cores,
        workers: 0,
    };
    let range = |v: &str| -> Res<(u16, u16)> {
        let (lo, hi) = v.split_once('-').unwrap_or((v, v));
        Ok((lo.parse()?, hi.parse()?))
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--meetings" => a.meetings = value()?.parse()?,
            "--participants" => a.participants = value()?.parse()?,
            "--duration" => a.duration = Duration::from_secs_f64(value()?.parse()?),
            "--warmup" => a.warmup = Duration::from_secs_f64(value()?.parse()?),
            "--ready-timeout" => a.ready_timeout = Duration::from_secs_f64(value()?.parse()?),
            "--quiet-timeout" => a.quiet_timeout = Duration::from_secs_f64(value()?.parse()?),
            "--sfu-ports" => a.sfu_ports = range(&value()?)?,
            "--relay-ports" => a.relay_ports = range(&value()?)?,
            "--threads" => a.threads = value()?.parse()?,
            "--only" => match value()?.as_str() {
                "sfu" => a.relay = false,
                "relay" => a.sfu = false,
                "both" => {}
                other => return Err(format!("--only sfu|relay|both, not {other}").into()),
            },
            "-h" | "--help" => {
                println!("{}", HELP);
                std::process::exit(0);
            }
            other => return Err(format!("unknown flag {other} (see --help)").into()),
        }
    }
    if a.participants < 2 || a.meetings == 0 || a.meetings * a.participants > usize::from(u16::MAX) {
        return Err("at least one meeting of at least two participants".into());
    }
    // Media::start makes one worker per port of the range, at most one per core.
    a.workers = (usize::from(a.sfu_ports.1.saturating_sub(a.sfu_ports.0)) + 1).min(cores);
    Ok(a)
}

const HELP: &str = "load: synthetic str0m clients through kaigi-media's SFU, beside a plain UDP relay
  --meetings M (10) --participants N (4) --duration S (20) --warmup S (3) --ready-timeout S (60)
  --quiet-timeout S (0: before each phase, wait up to S seconds for other processes to use < 10% of a core)
  --sfu-ports A-B (40000-40001) --relay-ports A-B (40010-40011) --threads T (cores)
  --only sfu|relay|both (both)";

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name"))?.split_once(": ").map(|(_, m)| m.to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    format!("{cores} cores, {cpu}")
}

fn main() -> Res<()> {
    let args = parse_args()?;
    base();
    let runtime = |name: &str| {
        tokio::runtime::Builder::new_multi_thread().worker_threads(args.threads).thread_name(name).enable_all().build()
    };
    let client_rt = runtime("client")?;
    let (delta, key) = frame_sizes();
    println!(
        "kaigi-media load: {} meetings x {} participants ({} clients), {:?} measured after {:?} of warm-up; {}",
        args.meetings,
        args.participants,
        args.meetings * args.participants,
        args.duration,
        args.warmup,
        machine()
    );
    println!(
        "each client sends Opus {} B every {:?} and VP8 {} frames/s ({} B, key frames {} B every {} frames; {} kbit/s); \
         {} tokio worker threads per runtime, {} SFU workers / relay sockets",
        AUDIO_BYTES,
        AUDIO_EVERY,
        VIDEO_FPS,
        delta,
        key,
        KEY_EVERY,
        VIDEO_BITS_PER_S / 1000,
        args.threads,
        args.workers
    );
    println!(
        "the clients run in this process on the same cores as the server: their CPU (client threads) is not the \
         server's, but it competes with it for the machine's {} cores",
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    );
    let mut results = Vec::new();
    if args.relay {
        wait_quiet(args.quiet_timeout);
        let relay_rt = runtime("relay")?;
        let phase = run_relay(&args, &relay_rt, &client_rt)?;
        results.push(analyse(&phase));
        relay_rt.shutdown_timeout(Duration::from_secs(2));
        std::thread::sleep(Duration::from_secs(1));
    }
    if args.sfu {
        wait_quiet(args.quiet_timeout);
        let sfu_rt = runtime("sfu")?;
        let phase = run_sfu(&args, &sfu_rt, &client_rt)?;
        results.push(analyse(&phase));
        sfu_rt.shutdown_timeout(Duration::from_secs(2));
    }
    println!();
    print_table(&results);
    let line = json!({
        "meetings": args.meetings,
        "participants": args.participants,
        "duration_s": args.duration.as_secs_f64(),
        "machine": machine(),
        "results": results,
    });
    println!("{line}");
    Ok(())
}
