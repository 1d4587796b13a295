//! kaigi's selective forwarding unit (docs/media.md): the browsers of a meeting send their
//! microphone, camera and screen to kaigi once, and kaigi forwards each stream to everyone else in
//! the meeting, without decoding it.
//!
//! WebRTC itself (ICE-lite, DTLS-SRTP, RTP/RTCP, SDP) is str0m's, in sans-IO style: this crate owns
//! the sockets and the clock and runs every peer of a meeting in one task of kaigi's tokio runtime
//! ([`worker`]). A meeting's peers always share one worker (the meeting key picks it), so
//! forwarding never crosses threads. The signalling (who offers, who answers) rides on whatever
//! the caller has: kaigi's web pages use a WebSocket (kaigi-web, `live`).
//!
//! This crate knows nothing of HTTP or of the meeting's rules: who may join, mute or record is
//! decided by the core before anything here is called.
//!
//! Time here is `std::time::Instant`, monotonic, because str0m's sans-IO API is driven by it: it
//! paces the network (timeouts, retransmissions, key frame throttling, a browser's reconnect
//! grace, recording timestamps relative to the recording's start) and never dates anything of
//! the meeting — joins, leaves, chat lines and recordings are dated by the core's clock.

mod peer;
pub mod recorder;
pub mod webm;
mod worker;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use crate::worker::Command;

/// Where the media server listens and what it tells browsers.
#[derive(Debug, Clone)]
pub struct MediaConfig {
    /// The address the UDP sockets bind to.
    pub bind: IpAddr,
    /// The UDP ports: one worker (one socket, one task) per port, at most one per core.
    pub udp_ports: RangeInclusive<u16>,
    /// The address put in the ICE candidates: what browsers send their media to (the public
    /// address of a NAT in front of kaigi). The bind address when absent.
    pub public_ip: Option<IpAddr>,
    /// Where recordings are written.
    pub recordings_dir: PathBuf,
}

/// Who a peer is in the meeting, as the core established it.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    /// The participant's id in the meeting (the core's).
    pub id: i64,
    pub name: String,
}

/// What a media section of a browser's offer carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Microphone,
    Camera,
    Screen,
}

/// One stream a browser receives: the `mid` of its transceiver, whose it is and what it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackInfo {
    pub mid: String,
    pub from: i64,
    pub source: Source,
}

/// What the media server tells one peer's signalling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum PeerEvent {
    /// The answer to the browser's offer.
    Answer { sdp: String },
    /// A new offer from kaigi (someone's streams were added or removed); `tracks` is every
    /// stream the browser receives once it answers.
    Offer { sdp: String, tracks: Vec<TrackInfo> },
    /// Who is speaking in the meeting now (participant id), if anyone.
    Speaking { id: Option<i64> },
    /// The browser's media connection is gone (ICE failed, the peer was removed, the meeting
    /// ended or the media server stopped); its signalling should close.
    Closed { reason: String },
}

/// A finished recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedMedia {
    pub path: PathBuf,
    pub bytes: u64,
    pub duration_ms: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the browser's offer cannot be read or accepted: {0}")]
    BadOffer(String),
    #[error("the media server has stopped")]
    Stopped,
    #[error("cannot bind the media UDP port {port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("recording failed: {0}")]
    Recording(std::io::Error),
}

/// The id of one browser connection (a participant may connect twice, from two tabs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerId(pub u64);

/// A running media server; cheap to clone.
#[derive(Clone)]
pub struct Media {
    workers: Arc<Vec<mpsc::UnboundedSender<Command>>>,
    addresses: Arc<Vec<SocketAddr>>,
    next_peer: Arc<AtomicU64>,
    recordings_dir: PathBuf,
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Media").field("addresses", &self.addresses).finish()
    }
}

impl Media {
    /// Binds the UDP ports and starts the workers on the current tokio runtime.
    pub async fn start(config: MediaConfig) -> Result<Media, MediaError> {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let ports: Vec<u16> = config.udp_ports.clone().take(cores).collect();
        Media::start_on(config, &ports).await
    }

    /// [`Media::start`] with one worker on each of `ports` (0: a port the system chooses).
    pub async fn start_on(config: MediaConfig, ports: &[u16]) -> Result<Media, MediaError> {
        let mut workers = Vec::new();
        let mut addresses = Vec::new();
        std::fs::create_dir_all(&config.recordings_dir).map_err(MediaError::Recording)?;
        for &port in ports {
            let socket =
                bind_udp(SocketAddr::new(config.bind, port)).map_err(|source| MediaError::Bind { port, source })?;
            let local = socket.local_addr().map_err(|source| MediaError::Bind { port, source })?;
            let announced = SocketAddr::new(config.public_ip.unwrap_or(local.ip()), local.port());
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(worker::run(socket, announced, rx));
            workers.push(tx);
            addresses.push(announced);
        }
        if workers.is_empty() {
            let source = std::io::Error::new(std::io::ErrorKind::InvalidInput, "the port range is empty");
            return Err(MediaError::Bind { port: *config.udp_ports.start(), source });
        }
        Ok(Media {
            workers: Arc::new(workers),
            addresses: Arc::new(addresses),
            next_peer: Arc::new(AtomicU64::new(1)),
            recordings_dir: config.recordings_dir,
        })
    }

    /// The addresses browsers are told to send media to, one per worker.
    pub fn addresses(&self) -> &[SocketAddr] {
        &self.addresses
    }

    fn worker(&self, room: u64) -> &mpsc::UnboundedSender<Command> {
        let n = self.workers.len() as u64;
        &self.workers[usize::try_from(room % n).unwrap_or(0)]
    }

    fn send(&self, room: u64, command: Command) -> Result<(), MediaError> {
        self.worker(room).send(command).map_err(|_| MediaError::Stopped)
    }

    /// Connects a browser to the meeting `room` with its SDP offer and which of its media
    /// sections carries what (by mid). The answer arrives as the first [`PeerEvent`].
    pub fn join(
        &self,
        room: u64,
        member: Member,
        offer: &str,
        sources: HashMap<String, Source>,
    ) -> Result<Peer, MediaError> {
        let offer = str0m::change::SdpOffer::from_sdp_string(offer).map_err(|e| MediaError::BadOffer(e.to_string()))?;
        let id = PeerId(self.next_peer.fetch_add(1, Ordering::Relaxed));
        let (events_tx, events) = mpsc::unbounded_channel();
        self.send(room, Command::Join { id, room, member, offer: Box::new(offer), sources, events: events_tx })?;
        Ok(Peer { id, room, media: self.clone(), events })
    }

    /// Stops forwarding `participant`'s microphone (a host muted them) until they unmute
    /// themselves, or lets it through again.
    pub fn set_muted(&self, room: u64, participant: i64, muted: bool) -> Result<(), MediaError> {
        self.send(room, Command::Mute { room, participant, muted })
    }

    /// Disconnects every browser of `participant` (removed by a host).
    pub fn remove(&self, room: u64, participant: i64, reason: &str) -> Result<(), MediaError> {
        self.send(room, Command::Remove { room, participant: Some(participant), reason: reason.into() })
    }

    /// Disconnects everyone (the meeting ended).
    pub fn close_room(&self, room: u64, reason: &str) -> Result<(), MediaError> {
        self.send(room, Command::Remove { room, participant: None, reason: reason.into() })
    }

    /// Starts writing the meeting to a file, or resumes; pauses when `on` is false.
    pub fn record(&self, room: u64, on: bool) -> Result<(), MediaError> {
        let path = self.recordings_dir.join(format!("room-{room}.webm.part"));
        self.send(room, Command::Record { room, on, path })
    }

    /// Finishes the meeting's recording, if it has one, as `<recordings_dir>/<name>.webm`.
    pub async fn finish_recording(&self, room: u64, name: &str) -> Result<Option<RecordedMedia>, MediaError> {
        let (tx, rx) = oneshot::channel();
        let path = self.recordings_dir.join(format!("{name}.webm"));
        self.send(room, Command::FinishRecording { room, path, done: tx })?;
        rx.await.map_err(|_| MediaError::Stopped)?.map_err(MediaError::Recording)
    }

    /// Where a finished recording named `name` is, if it is there.
    pub fn recording_path(&self, name: &str) -> Option<PathBuf> {
        let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric());
        let path = self.recordings_dir.join(format!("{name}.webm"));
        (ok && path.is_file()).then_some(path)
    }

    /// Removes the finished recording `name`'s file, if it is there.
    pub fn delete_recording(&self, name: &str) -> std::io::Result<()> {
        match self.recording_path(name) {
            Some(path) => std::fs::remove_file(path),
            None => Ok(()),
        }
    }

    /// How many peers are connected and how many streams are forwarded, over all workers.
    pub async fn stats(&self) -> MediaStats {
        let mut total = MediaStats::default();
        for w in self.workers.iter() {
            let (tx, rx) = oneshot::channel();
            if w.send(Command::Stats { done: tx }).is_ok() {
                if let Ok(s) = rx.await {
                    total.peers += s.peers;
                    total.rooms += s.rooms;
                    total.packets_in += s.packets_in;
                    total.packets_out += s.packets_out;
                }
            }
        }
        total
    }
}

/// The receive and send buffers asked of the kernel for each worker's socket (it caps them at
/// `net.core.rmem_max` / `wmem_max`): the default ~200 KB holds 10–15 ms of a busy worker's
/// datagrams, so a worker descheduled that long lost media (bench/README.md).
const SOCKET_BUFFER_BYTES: usize = 4 * 1024 * 1024;

/// A non-blocking UDP socket bound to `addr`, with [`SOCKET_BUFFER_BYTES`] buffers.
fn bind_udp(addr: SocketAddr) -> std::io::Result<tokio::net::UdpSocket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    // Smaller buffers than asked are no reason to refuse to start.
    let _ = socket.set_recv_buffer_size(SOCKET_BUFFER_BYTES);
    let _ = socket.set_send_buffer_size(SOCKET_BUFFER_BYTES);
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    tokio::net::UdpSocket::from_std(socket.into())
}

/// Counters of the media server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaStats {
    pub peers: u64,
    pub rooms: u64,
    pub packets_in: u64,
    pub packets_out: u64,
}

/// One browser's media connection; dropping it disconnects the browser's media.
pub struct Peer {
    pub id: PeerId,
    room: u64,
    media: Media,
    pub events: mpsc::UnboundedReceiver<PeerEvent>,
}

impl Peer {
    /// The browser's answer to the last [`PeerEvent::Offer`].
    pub fn answer(&self, sdp: &str) -> Result<(), MediaError> {
        let answer = str0m::change::SdpAnswer::from_sdp_string(sdp).map_err(|e| MediaError::BadOffer(e.to_string()))?;
        self.media.send(self.room, Command::Answer { id: self.id, answer: Box::new(answer) })
    }

    /// The browser says it muted or unmuted its own microphone.
    pub fn self_muted(&self, muted: bool) -> Result<(), MediaError> {
        self.media.send(self.room, Command::SelfMute { id: self.id, muted })
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.media.send(self.room, Command::Leave { id: self.id });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn media(dir: &std::path::Path) -> Media {
        let config = MediaConfig {
            bind: IpAddr::from([127, 0, 0, 1]),
            udp_ports: 0..=0,
            public_ip: None,
            recordings_dir: dir.to_path_buf(),
        };
        Media::start_on(config, &[0]).await.expect("media starts")
    }

    #[tokio::test]
    async fn a_recording_is_found_only_by_a_plain_name_inside_its_directory() {
        let dir = std::env::temp_dir().join(format!("kaigi-media-test-{}", std::process::id()));
        let m = media(&dir).await;
        std::fs::write(dir.join("abc123.webm"), b"x").expect("write");
        assert!(m.recording_path("abc123").is_some());
        for bad in ["", "../abc123", "abc123.webm", "a/b", "missing"] {
            assert!(m.recording_path(bad).is_none(), "{bad:?}");
        }
        m.delete_recording("abc123").expect("delete");
        assert!(m.recording_path("abc123").is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn an_offer_that_is_no_sdp_is_refused() {
        let dir = std::env::temp_dir().join(format!("kaigi-media-test-offer-{}", std::process::id()));
        let m = media(&dir).await;
        let member = Member { id: 1, name: "A".into() };
        assert!(matches!(m.join(7, member, "not an offer", HashMap::new()), Err(MediaError::BadOffer(_))));
        assert_eq!(m.addresses().len(), 1);
        assert!(m.addresses()[0].port() != 0, "the system chose a port");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
