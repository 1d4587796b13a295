//! A WebM (Matroska subset) writer for the meetings' recordings: one VP8 video track and one
//! Opus audio track, in clusters that begin at video key frames, with Cues so players can seek.
//!
//! Hand-written: no pure-Rust crate writes WebM well (the `webm` crate binds libwebm's C++, the
//! others only read), and the subset a recording needs is a few hundred lines of EBML.
//!
//! Layout: EBML header, Segment { Void (room for a SeekHead), Info, Tracks, Cluster..., Cues }.
//! The sizes that are only known at the end (Segment, each Cluster) are written as "unknown"
//! and patched by seeking back, and the SeekHead and the Duration replace Void elements at
//! [`WebmWriter::finish`]: a recording cut short by a crash is still a playable, if
//! unseekable, live-style WebM.

use std::collections::VecDeque;
use std::io::{self, Seek, SeekFrom, Write};

/// The largest frame [`WebmWriter::write`] takes.
pub const MAX_FRAME_BYTES: usize = 4 * 1024 * 1024;

/// The size of the video track when no VP8 key frame told it.
const DEFAULT_SIZE: (u16, u16) = (640, 480);
/// A new cluster at a video key frame once the current one is this old (milliseconds).
const CLUSTER_MIN_MS: u64 = 1_000;
/// A new cluster whatever comes once the current one is this old: block timecodes are i16.
const CLUSTER_MAX_MS: u64 = 30_000;
/// Audio kept while waiting for the first video key frame: its time span, frames and bytes.
const PENDING_MAX_MS: u64 = 2_000;
const PENDING_MAX_FRAMES: usize = 100;
const PENDING_MAX_BYTES: usize = 1024 * 1024;

const VIDEO_TRACK: u8 = 1;
const AUDIO_TRACK: u8 = 2;

// Element ids (Matroska / EBML specifications), with their length marker bits.
const EBML: u32 = 0x1A45_DFA3;
const EBML_VERSION: u32 = 0x4286;
const EBML_READ_VERSION: u32 = 0x42F7;
const EBML_MAX_ID_LENGTH: u32 = 0x42F2;
const EBML_MAX_SIZE_LENGTH: u32 = 0x42F3;
const DOC_TYPE: u32 = 0x4282;
const DOC_TYPE_VERSION: u32 = 0x4287;
const DOC_TYPE_READ_VERSION: u32 = 0x4285;
const VOID: u32 = 0xEC;
const SEGMENT: u32 = 0x1853_8067;
const SEEK_HEAD: u32 = 0x114D_9B74;
const SEEK: u32 = 0x4DBB;
const SEEK_ID: u32 = 0x53AB;
const SEEK_POSITION: u32 = 0x53AC;
const INFO: u32 = 0x1549_A966;
const TIMECODE_SCALE: u32 = 0x2A_D7B1;
const MUXING_APP: u32 = 0x4D80;
const WRITING_APP: u32 = 0x5741;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_NUMBER: u32 = 0xD7;
const TRACK_UID: u32 = 0x73C5;
const TRACK_TYPE: u32 = 0x83;
const FLAG_LACING: u32 = 0x9C;
const CODEC_ID: u32 = 0x86;
const CODEC_PRIVATE: u32 = 0x63A2;
const CODEC_DELAY: u32 = 0x56AA;
const SEEK_PRE_ROLL: u32 = 0x56BB;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const AUDIO: u32 = 0xE1;
const SAMPLING_FREQUENCY: u32 = 0xB5;
const CHANNELS: u32 = 0x9F;
const CLUSTER: u32 = 0x1F43_B675;
const TIMECODE: u32 = 0xE7;
const SIMPLE_BLOCK: u32 = 0xA3;
const CUES: u32 = 0x1C53_BB6B;
const CUE_POINT: u32 = 0xBB;
const CUE_TIME: u32 = 0xB3;
const CUE_TRACK_POSITIONS: u32 = 0xB7;
const CUE_TRACK: u32 = 0xF7;
const CUE_CLUSTER_POSITION: u32 = 0xF1;

/// An 8-byte EBML size meaning "unknown": the placeholder of the Segment's and Clusters' sizes.
const UNKNOWN_SIZE: [u8; 8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
/// Room kept at the Segment's start for the SeekHead (three Seek entries need 68 bytes).
const SEEK_HEAD_ROOM: usize = 96;
/// A Duration element: a 2-byte id, a 1-byte size, an 8-byte float.
const DURATION_ROOM: usize = 11;

/// A track of the recording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Track {
    /// VP8, track number 1.
    Video,
    /// Opus, 48 kHz, 2 channels, track number 2.
    Audio,
}

impl Track {
    fn number(self) -> u8 {
        match self {
            Track::Video => VIDEO_TRACK,
            Track::Audio => AUDIO_TRACK,
        }
    }

    fn index(self) -> usize {
        match self {
            Track::Video => 0,
            Track::Audio => 1,
        }
    }
}

/// Writes a WebM file, frame by frame; see the module documentation.
pub struct WebmWriter<W: Write + Seek> {
    out: Output<W>,
    /// Where the Segment's data begins: the origin of SeekPosition and CueClusterPosition.
    segment_data: u64,
    info_at: u64,
    duration_at: u64,
    tracks: TracksState,
    /// Whether the first VP8 key frame came: the video frames before it are dropped.
    video_started: bool,
    /// Audio frames that came before the Tracks were written: (milliseconds, data).
    pending_audio: VecDeque<(u64, Vec<u8>)>,
    pending_bytes: usize,
    cluster: Option<Cluster>,
    /// The timecode of the last cluster, closed or open: clusters never go back in time.
    last_cluster_timecode: Option<u64>,
    /// The last timestamp written per track (video, audio).
    last_ms: [Option<u64>; 2],
    /// The largest timestamp written: the Duration.
    max_ms: u64,
    cues: Vec<CuePoint>,
}

#[derive(Clone, Copy)]
enum TracksState {
    /// Not written yet: waiting for the first VP8 key frame.
    Pending,
    /// Written at `at`; with the default pixel size, until the first key frame tells it.
    Written { at: u64, default_size: bool },
}

struct Cluster {
    /// Where the Cluster element begins, and where its 8-byte size is.
    at: u64,
    size_at: u64,
    timecode: u64,
    has_cue: bool,
}

struct CuePoint {
    time: u64,
    cluster_at: u64,
}

impl<W: Write + Seek> WebmWriter<W> {
    /// Starts a file with one VP8 video track (track 1) and one Opus audio track (track 2,
    /// 48 kHz, 2 channels). Writes the EBML header, the Segment's start and the Info; the
    /// Tracks wait for the first VP8 key frame, which tells the picture's size.
    pub fn new(out: W) -> io::Result<Self> {
        let mut out = Output::new(out)?;

        let mut header = Vec::new();
        master(&mut header, EBML, |b| {
            uint(b, EBML_VERSION, 1);
            uint(b, EBML_READ_VERSION, 1);
            uint(b, EBML_MAX_ID_LENGTH, 4);
            uint(b, EBML_MAX_SIZE_LENGTH, 8);
            bytes(b, DOC_TYPE, b"webm");
            uint(b, DOC_TYPE_VERSION, 4);
            uint(b, DOC_TYPE_READ_VERSION, 2);
        });
        id(&mut header, SEGMENT);
        header.extend_from_slice(&UNKNOWN_SIZE);
        out.write(&header)?;
        let segment_data = out.pos;

        let mut info = Vec::new();
        uint(&mut info, TIMECODE_SCALE, 1_000_000);
        bytes(&mut info, MUXING_APP, b"kaigi");
        bytes(&mut info, WRITING_APP, b"kaigi");
        let duration_offset = info.len();
        void(&mut info, DURATION_ROOM);
        let mut head = Vec::new();
        void(&mut head, SEEK_HEAD_ROOM);
        let info_at = segment_data + len64(&head);
        id(&mut head, INFO);
        size(&mut head, len64(&info));
        let duration_at = segment_data + len64(&head) + u64::try_from(duration_offset).unwrap_or(0);
        head.extend_from_slice(&info);
        out.write(&head)?;

        Ok(WebmWriter {
            out,
            segment_data,
            info_at,
            duration_at,
            tracks: TracksState::Pending,
            video_started: false,
            pending_audio: VecDeque::new(),
            pending_bytes: 0,
            cluster: None,
            last_cluster_timecode: None,
            last_ms: [None, None],
            max_ms: 0,
            cues: Vec::new(),
        })
    }

    /// One encoded frame: `at_ms` milliseconds since the recording began (non-decreasing per
    /// track; a frame earlier than its track's last one is written at the last one's time, and
    /// one earlier than its cluster's start, as audio and video interleave, at the cluster's
    /// start). `keyframe` for VP8 key frames (Opus frames are all key frames).
    ///
    /// Before the first VP8 key frame, video frames are dropped and audio frames kept (at most
    /// 2 s, 100 frames); after 2 s of audio alone the Tracks are written with a 640×480 video
    /// track, whose size the first key frame corrects later.
    ///
    /// Refuses a frame larger than 4 MiB ([`io::ErrorKind::InvalidInput`]), writing nothing.
    /// After any other error (the output's) the file may be damaged: stop writing to it.
    pub fn write(&mut self, track: Track, at_ms: u64, keyframe: bool, data: &[u8]) -> io::Result<()> {
        if data.len() > MAX_FRAME_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a {} byte frame is over the {MAX_FRAME_BYTES} byte limit", data.len()),
            ));
        }
        match (self.tracks, track) {
            (TracksState::Pending, Track::Video) => {
                let Some(size) = keyframe.then(|| vp8_keyframe_size(data)).flatten() else {
                    // Nothing can decode it without the key frame before it.
                    return Ok(());
                };
                self.write_tracks(size)?;
                self.video_started = true;
                // The kept audio in time order with this key frame.
                while self.pending_audio.front().is_some_and(|(ms, _)| *ms <= at_ms) {
                    self.flush_one_pending()?;
                }
                self.write_block(track, at_ms, keyframe, data)?;
                while !self.pending_audio.is_empty() {
                    self.flush_one_pending()?;
                }
                Ok(())
            }
            (TracksState::Pending, Track::Audio) => {
                self.pending_bytes += data.len();
                self.pending_audio.push_back((at_ms, data.to_vec()));
                let span = match (self.pending_audio.front(), self.pending_audio.back()) {
                    (Some((first, _)), Some((last, _))) => last.saturating_sub(*first),
                    _ => 0,
                };
                if span >= PENDING_MAX_MS
                    || self.pending_audio.len() >= PENDING_MAX_FRAMES
                    || self.pending_bytes >= PENDING_MAX_BYTES
                {
                    self.write_tracks_and_pending()?;
                }
                Ok(())
            }
            (TracksState::Written { at, default_size }, Track::Video) if !self.video_started => {
                let Some(size) = keyframe.then(|| vp8_keyframe_size(data)).flatten() else {
                    return Ok(());
                };
                if default_size {
                    // The Tracks keep their length whatever the size: rewritten in place.
                    self.out.patch(at, &tracks_element(size))?;
                    self.tracks = TracksState::Written { at, default_size: false };
                }
                self.video_started = true;
                self.write_block(track, at_ms, keyframe, data)
            }
            (TracksState::Written { .. }, _) => self.write_block(track, at_ms, keyframe, data),
        }
    }

    /// Closes the last cluster, writes the Cues, the SeekHead, the Duration and the Segment's
    /// size (seeking back), and gives the output back, positioned at the file's end.
    pub fn finish(mut self) -> io::Result<W> {
        if matches!(self.tracks, TracksState::Pending) {
            self.write_tracks_and_pending()?;
        }
        self.close_cluster()?;

        let cues_at = if self.cues.is_empty() {
            None
        } else {
            let mut cues = Vec::new();
            master(&mut cues, CUES, |b| {
                for cue in &self.cues {
                    master(b, CUE_POINT, |b| {
                        uint(b, CUE_TIME, cue.time);
                        master(b, CUE_TRACK_POSITIONS, |b| {
                            uint(b, CUE_TRACK, u64::from(VIDEO_TRACK));
                            uint(b, CUE_CLUSTER_POSITION, cue.cluster_at - self.segment_data);
                        });
                    });
                }
            });
            let at = self.out.pos;
            self.out.write(&cues)?;
            Some(at)
        };

        let mut seek_head = Vec::new();
        master(&mut seek_head, SEEK_HEAD, |b| {
            let entries = [(INFO, Some(self.info_at)), (TRACKS, Some(self.tracks_at())), (CUES, cues_at)];
            for (element, at) in entries {
                if let Some(at) = at {
                    master(b, SEEK, |b| {
                        bytes(b, SEEK_ID, &element.to_be_bytes());
                        // A fixed 8 bytes, so the SeekHead's size is known in advance.
                        id(b, SEEK_POSITION);
                        b.push(0x88);
                        b.extend_from_slice(&(at - self.segment_data).to_be_bytes());
                    });
                }
            }
        });
        // At most 68 bytes: the rest of the room stays Void (whose header takes 2).
        let rest = SEEK_HEAD_ROOM.saturating_sub(seek_head.len());
        void(&mut seek_head, rest);
        self.out.patch(self.segment_data, &seek_head)?;

        if self.max_ms > 0 {
            let mut duration = Vec::with_capacity(DURATION_ROOM);
            id(&mut duration, DURATION);
            duration.push(0x88);
            duration.extend_from_slice(&(self.max_ms as f64).to_be_bytes());
            self.out.patch(self.duration_at, &duration)?;
        }

        let segment_size = self.out.pos - self.segment_data;
        self.out.patch(self.segment_data - 8, &size8(segment_size))?;
        self.out.out.flush()?;
        Ok(self.out.out)
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.out.pos
    }

    fn tracks_at(&self) -> u64 {
        match self.tracks {
            TracksState::Written { at, .. } => at,
            TracksState::Pending => 0,
        }
    }

    fn write_tracks_and_pending(&mut self) -> io::Result<()> {
        self.write_tracks(DEFAULT_SIZE)?;
        self.tracks = TracksState::Written { at: self.tracks_at(), default_size: true };
        while !self.pending_audio.is_empty() {
            self.flush_one_pending()?;
        }
        Ok(())
    }

    fn flush_one_pending(&mut self) -> io::Result<()> {
        if let Some((ms, data)) = self.pending_audio.pop_front() {
            self.pending_bytes = self.pending_bytes.saturating_sub(data.len());
            self.write_block(Track::Audio, ms, true, &data)?;
        }
        Ok(())
    }

    fn write_tracks(&mut self, size: (u16, u16)) -> io::Result<()> {
        let at = self.out.pos;
        self.out.write(&tracks_element(size))?;
        self.tracks = TracksState::Written { at, default_size: false };
        Ok(())
    }

    fn write_block(&mut self, track: Track, at_ms: u64, keyframe: bool, data: &[u8]) -> io::Result<()> {
        let index = track.index();
        let at_ms = self.last_ms[index].map_or(at_ms, |last| at_ms.max(last));
        let video_key = track == Track::Video && keyframe;
        let new_cluster = match &self.cluster {
            None => true,
            Some(c) => {
                (video_key && at_ms >= c.timecode.saturating_add(CLUSTER_MIN_MS))
                    || at_ms > c.timecode.saturating_add(CLUSTER_MAX_MS)
            }
        };
        if new_cluster {
            self.close_cluster()?;
            let timecode = self.last_cluster_timecode.map_or(at_ms, |last| at_ms.max(last));
            self.open_cluster(timecode)?;
        }
        let Some(cluster) = self.cluster.as_mut() else {
            return Err(io::Error::other("no open cluster"));
        };
        // Never before the cluster's start, never past the i16 range (CLUSTER_MAX_MS < i16::MAX).
        let relative = at_ms.saturating_sub(cluster.timecode).min(CLUSTER_MAX_MS);
        let at_ms = cluster.timecode + relative;
        if video_key && !cluster.has_cue {
            cluster.has_cue = true;
            self.cues.push(CuePoint { time: at_ms, cluster_at: cluster.at });
        }
        let relative = i16::try_from(relative).unwrap_or(i16::MAX);

        let mut block = Vec::with_capacity(16);
        id(&mut block, SIMPLE_BLOCK);
        size(&mut block, len64(data) + 4);
        size(&mut block, u64::from(track.number()));
        block.extend_from_slice(&relative.to_be_bytes());
        block.push(if keyframe || track == Track::Audio { 0x80 } else { 0x00 });
        self.out.write(&block)?;
        self.out.write(data)?;

        self.last_ms[index] = Some(at_ms);
        self.max_ms = self.max_ms.max(at_ms);
        Ok(())
    }

    fn open_cluster(&mut self, timecode: u64) -> io::Result<()> {
        let at = self.out.pos;
        let mut head = Vec::with_capacity(24);
        id(&mut head, CLUSTER);
        let size_at = at + len64(&head);
        head.extend_from_slice(&UNKNOWN_SIZE);
        uint(&mut head, TIMECODE, timecode);
        self.out.write(&head)?;
        self.cluster = Some(Cluster { at, size_at, timecode, has_cue: false });
        self.last_cluster_timecode = Some(timecode);
        Ok(())
    }

    fn close_cluster(&mut self) -> io::Result<()> {
        if let Some(cluster) = self.cluster.take() {
            let data_size = self.out.pos - (cluster.size_at + 8);
            self.out.patch(cluster.size_at, &size8(data_size))?;
        }
        Ok(())
    }
}

/// Width and height from a VP8 key frame's header (RFC 6386 §9.1: a 3-byte frame tag whose
/// lowest bit is 0 for key frames, the start code 9d 01 2a, then 14-bit width and height,
/// little-endian, each with a 2-bit scale above), if `frame` is one.
pub fn vp8_keyframe_size(frame: &[u8]) -> Option<(u16, u16)> {
    let header = frame.get(..10)?;
    if header[0] & 0x01 != 0 || header[3..6] != [0x9D, 0x01, 0x2A] {
        return None;
    }
    let width = u16::from_le_bytes([header[6], header[7]]) & 0x3FFF;
    let height = u16::from_le_bytes([header[8], header[9]]) & 0x3FFF;
    (width > 0 && height > 0).then_some((width, height))
}

/// The Tracks element: the same length whatever the pixel size (fixed 2-byte values), so that
/// the default size can be rewritten in place.
fn tracks_element((width, height): (u16, u16)) -> Vec<u8> {
    let mut tracks = Vec::new();
    master(&mut tracks, TRACKS, |b| {
        master(b, TRACK_ENTRY, |b| {
            uint(b, TRACK_NUMBER, u64::from(VIDEO_TRACK));
            uint(b, TRACK_UID, u64::from(VIDEO_TRACK));
            uint(b, TRACK_TYPE, 1);
            uint(b, FLAG_LACING, 0);
            bytes(b, CODEC_ID, b"V_VP8");
            master(b, VIDEO, |b| {
                bytes(b, PIXEL_WIDTH, &width.to_be_bytes());
                bytes(b, PIXEL_HEIGHT, &height.to_be_bytes());
            });
        });
        master(b, TRACK_ENTRY, |b| {
            uint(b, TRACK_NUMBER, u64::from(AUDIO_TRACK));
            uint(b, TRACK_UID, u64::from(AUDIO_TRACK));
            uint(b, TRACK_TYPE, 2);
            uint(b, FLAG_LACING, 0);
            bytes(b, CODEC_ID, b"A_OPUS");
            bytes(b, CODEC_PRIVATE, &opus_head());
            uint(b, CODEC_DELAY, 0);
            uint(b, SEEK_PRE_ROLL, 80_000_000);
            master(b, AUDIO, |b| {
                float(b, SAMPLING_FREQUENCY, 48_000.0);
                uint(b, CHANNELS, 2);
            });
        });
    });
    tracks
}

/// The OpusHead of RFC 7845 §5.1 for 2 channels at 48 kHz, mapping family 0.
fn opus_head() -> [u8; 19] {
    let mut head = [0u8; 19];
    head[..8].copy_from_slice(b"OpusHead");
    head[8] = 1; // version
    head[9] = 2; // channels
    head[10..12].copy_from_slice(&0u16.to_le_bytes()); // pre-skip
    head[12..16].copy_from_slice(&48_000u32.to_le_bytes()); // input sample rate
    head[16..18].copy_from_slice(&0i16.to_le_bytes()); // output gain
    head[18] = 0; // channel mapping family
    head
}

/// The output, with the position of what is written counted from where it began.
struct Output<W: Write + Seek> {
    out: W,
    base: u64,
    pos: u64,
}

impl<W: Write + Seek> Output<W> {
    fn new(mut out: W) -> io::Result<Self> {
        let base = out.stream_position()?;
        Ok(Output { out, base, pos: 0 })
    }

    fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.out.write_all(data)?;
        self.pos += len64(data);
        Ok(())
    }

    /// Overwrites bytes written before, then comes back to the end.
    fn patch(&mut self, at: u64, data: &[u8]) -> io::Result<()> {
        self.out.seek(SeekFrom::Start(self.base + at))?;
        self.out.write_all(data)?;
        self.out.seek(SeekFrom::Start(self.base + self.pos))?;
        Ok(())
    }
}

fn len64(data: &[u8]) -> u64 {
    u64::try_from(data.len()).unwrap_or(u64::MAX)
}

/// An element id: its bytes, the length marker included, without leading zero bytes.
fn id(buf: &mut Vec<u8>, id: u32) {
    let bytes = id.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count().min(3);
    buf.extend_from_slice(&bytes[skip..]);
}

/// An EBML variable-size integer in as few bytes as it takes (the all-ones values of each
/// length mean "unknown", so they take one more byte).
fn size(buf: &mut Vec<u8>, value: u64) {
    let mut length = 1;
    while length < 8 && value >= (1u64 << (7 * length)) - 1 {
        length += 1;
    }
    let marked = value | (1u64 << (7 * length));
    buf.extend_from_slice(&marked.to_be_bytes()[8 - length..]);
}

/// A size in a fixed 8 bytes, for patching an unknown-size placeholder.
fn size8(value: u64) -> [u8; 8] {
    let mut bytes = (value & 0x00FF_FFFF_FFFF_FFFF).to_be_bytes();
    bytes[0] = 0x01;
    bytes
}

fn uint(buf: &mut Vec<u8>, element: u32, value: u64) {
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count().min(7);
    id(buf, element);
    size(buf, len64(&bytes[skip..]));
    buf.extend_from_slice(&bytes[skip..]);
}

fn float(buf: &mut Vec<u8>, element: u32, value: f64) {
    id(buf, element);
    size(buf, 8);
    buf.extend_from_slice(&value.to_be_bytes());
}

fn bytes(buf: &mut Vec<u8>, element: u32, value: &[u8]) {
    id(buf, element);
    size(buf, len64(value));
    buf.extend_from_slice(value);
}

fn master(buf: &mut Vec<u8>, element: u32, children: impl FnOnce(&mut Vec<u8>)) {
    let mut inner = Vec::new();
    children(&mut inner);
    id(buf, element);
    size(buf, len64(&inner));
    buf.extend_from_slice(&inner);
}

/// A Void element of `total` bytes, its header included (`total` ≥ 2, < 128).
fn void(buf: &mut Vec<u8>, total: usize) {
    let content = total.saturating_sub(2);
    id(buf, VOID);
    size(buf, u64::try_from(content).unwrap_or(0));
    buf.resize(buf.len() + content, 0);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use matroska_demuxer::{Frame, MatroskaFile, TrackType};
    use std::io::Cursor;

    /// A VP8 key frame per RFC 6386 §9.1: frame tag (key frame, version 0, shown, a first
    /// partition size), start code, width and height with a scale of 1 in their top bits, then
    /// `tail` standing for the compressed data.
    fn key_frame(width: u16, height: u16, tail: &[u8]) -> Vec<u8> {
        let tag: u32 = (100 << 5) | (1 << 4);
        let mut frame = tag.to_le_bytes()[..3].to_vec();
        frame.extend_from_slice(&[0x9D, 0x01, 0x2A]);
        frame.extend_from_slice(&(width | 1 << 14).to_le_bytes());
        frame.extend_from_slice(&(height | 1 << 14).to_le_bytes());
        frame.extend_from_slice(tail);
        frame
    }

    /// A VP8 interframe: the frame tag's lowest bit set, no start code.
    fn inter_frame(tail: &[u8]) -> Vec<u8> {
        let tag: u32 = (50 << 5) | (1 << 4) | 1;
        let mut frame = tag.to_le_bytes()[..3].to_vec();
        frame.extend_from_slice(tail);
        frame
    }

    fn opus_frame(ms: u64) -> Vec<u8> {
        let mut frame = vec![0xFC];
        frame.extend_from_slice(&ms.to_be_bytes());
        frame
    }

    #[derive(Clone, Debug, PartialEq)]
    struct Written {
        track: u64,
        ms: u64,
        key: bool,
        data: Vec<u8>,
    }

    fn read_back(file: &[u8]) -> (MatroskaFile<Cursor<Vec<u8>>>, Vec<Written>) {
        let mut mkv = MatroskaFile::open(Cursor::new(file.to_vec())).unwrap();
        let mut frames = Vec::new();
        let mut frame = Frame::default();
        while mkv.next_frame(&mut frame).unwrap() {
            frames.push(Written {
                track: frame.track,
                ms: frame.timestamp,
                key: frame.is_keyframe.unwrap(),
                data: frame.data.clone(),
            });
        }
        (mkv, frames)
    }

    /// A Cluster as found by walking the file's EBML: its timecode and its blocks.
    #[derive(Debug)]
    struct ClusterSeen {
        timecode: u64,
        blocks: Vec<(u64, u64, bool)>,
    }

    fn read_id(b: &[u8], pos: &mut usize) -> u32 {
        let length = b[*pos].leading_zeros() as usize + 1;
        let id = b[*pos..*pos + length].iter().fold(0u32, |id, byte| id << 8 | u32::from(*byte));
        *pos += length;
        id
    }

    /// A size, or None for "unknown" (all ones).
    fn read_size(b: &[u8], pos: &mut usize) -> Option<u64> {
        let length = b[*pos].leading_zeros() as usize + 1;
        let mut value = u64::from(b[*pos]) & (0xFF >> length);
        for byte in &b[*pos + 1..*pos + length] {
            value = value << 8 | u64::from(*byte);
        }
        *pos += length;
        (value != (1u64 << (7 * length)) - 1).then_some(value)
    }

    fn read_uint(b: &[u8]) -> u64 {
        b.iter().fold(0, |v, byte| v << 8 | u64::from(*byte))
    }

    /// The Segment's top-level elements in order (id, where it begins) and its clusters; checks
    /// every size is known and right (the Segment's ends at the file's end, each element's at the
    /// next one's start).
    fn walk(file: &[u8]) -> (Vec<(u32, usize)>, Vec<ClusterSeen>) {
        let mut pos = 0;
        assert_eq!(read_id(file, &mut pos), EBML);
        let size = read_size(file, &mut pos).unwrap() as usize;
        pos += size;
        assert_eq!(read_id(file, &mut pos), SEGMENT);
        let size = read_size(file, &mut pos).expect("the Segment's size is patched") as usize;
        assert_eq!(pos + size, file.len());
        let (mut top, mut clusters) = (Vec::new(), Vec::new());
        while pos < file.len() {
            let start = pos;
            let element = read_id(file, &mut pos);
            let size = read_size(file, &mut pos).expect("every size is patched") as usize;
            top.push((element, start));
            if element == CLUSTER {
                let end = pos + size;
                let mut inner = pos;
                let mut cluster = ClusterSeen { timecode: u64::MAX, blocks: Vec::new() };
                while inner < end {
                    let child = read_id(file, &mut inner);
                    let child_size = read_size(file, &mut inner).unwrap() as usize;
                    let data = &file[inner..inner + child_size];
                    match child {
                        TIMECODE => cluster.timecode = read_uint(data),
                        SIMPLE_BLOCK => {
                            let mut at = 0;
                            let track = read_size(data, &mut at).unwrap();
                            let relative = i16::from_be_bytes([data[at], data[at + 1]]);
                            assert!((0..=30_000).contains(&relative), "relative timecode {relative}");
                            let key = data[at + 2] & 0x80 != 0;
                            cluster.blocks.push((track, cluster.timecode + relative as u64, key));
                        }
                        other => panic!("unexpected element {other:x} in a cluster"),
                    }
                    inner += child_size;
                }
                assert_eq!(inner, end);
                clusters.push(cluster);
            }
            pos += size;
        }
        assert_eq!(pos, file.len());
        (top, clusters)
    }

    /// Writes `input` in order, and gives the file.
    fn record(input: &[(Track, u64, bool, Vec<u8>)]) -> Vec<u8> {
        let mut writer = WebmWriter::new(Cursor::new(Vec::new())).unwrap();
        for (track, ms, key, data) in input {
            writer.write(*track, *ms, *key, data).unwrap();
        }
        let written = writer.bytes_written();
        let file = writer.finish().unwrap().into_inner();
        // All but the Cues, which finish adds (and the Tracks and the audio kept for them, if
        // no key frame nor 2 s of audio came).
        let (top, _) = walk(&file);
        let cues_at = top.iter().find(|(element, _)| *element == CUES).map_or(file.len(), |(_, at)| *at);
        let tracks_at = top.iter().find(|(element, _)| *element == TRACKS).map_or(0, |(_, at)| *at);
        assert!(written == cues_at as u64 || written == tracks_at as u64, "{written} bytes written");
        file
    }

    /// 5 s of a call: Opus every 20 ms from 0, VP8 every 50 ms from 0 with two interframes
    /// before the first key frame (at 100), then key frames at 1100, 1600 and 3000.
    fn call() -> Vec<(Track, u64, bool, Vec<u8>)> {
        let mut input = Vec::new();
        for ms in (0..5_000u64).step_by(10) {
            if ms % 50 == 0 {
                let key = [100, 1_100, 1_600, 3_000].contains(&ms);
                let frame = if key { key_frame(1280, 720, &ms.to_be_bytes()) } else { inter_frame(&ms.to_be_bytes()) };
                input.push((Track::Video, ms, key, frame));
            }
            if ms % 20 == 0 {
                input.push((Track::Audio, ms, true, opus_frame(ms)));
            }
        }
        input
    }

    #[test]
    fn a_call_reads_back_with_its_tracks_frames_and_duration() {
        let input = call();
        let file = record(&input);
        let (mut mkv, frames) = read_back(&file);

        assert_eq!(mkv.ebml_header().doc_type(), "webm");
        assert_eq!(mkv.ebml_header().doc_type_version(), 4);
        assert_eq!(mkv.ebml_header().doc_type_read_version(), 2);
        assert_eq!(mkv.info().timestamp_scale().get(), 1_000_000);
        assert_eq!(mkv.info().muxing_app(), "kaigi");
        assert_eq!(mkv.info().writing_app(), "kaigi");
        assert_eq!(mkv.info().duration(), Some(4_980.0));

        let tracks = mkv.tracks();
        assert_eq!(tracks.len(), 2);
        let video = &tracks[0];
        assert_eq!(video.track_number().get(), 1);
        assert_eq!(video.track_type(), TrackType::Video);
        assert_eq!(video.codec_id(), "V_VP8");
        let size = video.video().unwrap();
        assert_eq!((size.pixel_width().get(), size.pixel_height().get()), (1280, 720));
        let audio = &tracks[1];
        assert_eq!(audio.track_number().get(), 2);
        assert_eq!(audio.track_type(), TrackType::Audio);
        assert_eq!(audio.codec_id(), "A_OPUS");
        assert_eq!(audio.audio().unwrap().sampling_frequency(), 48_000.0);
        assert_eq!(audio.audio().unwrap().channels().get(), 2);
        assert_eq!(audio.codec_delay(), Some(0));
        assert_eq!(audio.seek_pre_roll(), Some(80_000_000));
        let head = audio.codec_private().unwrap();
        assert_eq!(head.len(), 19);
        assert_eq!(&head[..8], b"OpusHead");
        assert_eq!((head[8], head[9]), (1, 2));
        assert_eq!(u32::from_le_bytes([head[12], head[13], head[14], head[15]]), 48_000);
        assert_eq!(head[18], 0);

        // Every frame, in order, but the video before the first key frame; the audio that came
        // before it was kept.
        let expected: Vec<Written> = input
            .iter()
            .filter(|(track, ms, _, _)| *track == Track::Audio || *ms >= 100)
            .map(|(track, ms, key, data)| Written {
                track: u64::from(track.number()),
                ms: *ms,
                key: *key,
                data: data.clone(),
            })
            .collect();
        assert_eq!(frames, expected);
        assert_eq!(frames[0], Written { track: 2, ms: 0, key: true, data: opus_frame(0) });
        let first_video = frames.iter().find(|f| f.track == 1).unwrap();
        assert_eq!((first_video.ms, first_video.key), (100, true));

        // Clusters begin at the first frame, then at the key frames a second or more after
        // their cluster's start; known sizes; Cues after the clusters.
        let (top, clusters) = walk(&file);
        let top: Vec<u32> = top.iter().map(|(element, _)| *element).collect();
        assert_eq!(top, [SEEK_HEAD, VOID, INFO, TRACKS, CLUSTER, CLUSTER, CLUSTER, CUES]);
        let starts: Vec<u64> = clusters.iter().map(|c| c.timecode).collect();
        assert_eq!(starts, [0, 1_100, 3_000]);
        for cluster in &clusters[1..] {
            assert_eq!(cluster.blocks[0], (1, cluster.timecode, true));
        }
        assert!(clusters.iter().all(|c| c.blocks.iter().all(|(track, _, key)| *track == 1 || *key)));

        // The Cues take a seek to a key frame.
        mkv.seek(3_000).unwrap();
        let mut frame = Frame::default();
        assert!(mkv.next_frame(&mut frame).unwrap());
        assert_eq!((frame.track, frame.timestamp, frame.is_keyframe), (1, 3_000, Some(true)));
    }

    #[test]
    fn a_recording_without_video_is_audio_with_a_default_picture_size() {
        // 3 s of audio alone: the Tracks come after 100 frames, with 640×480.
        let input: Vec<_> = (0..150).map(|i| (Track::Audio, i * 20, true, opus_frame(i * 20))).collect();
        let file = record(&input);
        let (mkv, frames) = read_back(&file);
        let video = mkv.tracks()[0].video().unwrap();
        assert_eq!((video.pixel_width().get(), video.pixel_height().get()), (640, 480));
        assert_eq!(frames.len(), 150);
        assert!(frames.iter().zip(&input).all(|(f, i)| f.track == 2 && f.ms == i.1 && f.data == i.3));
        assert_eq!(mkv.info().duration(), Some(2_980.0));

        // Less than 2 s of audio, then the end: the Tracks are written at finish.
        let file = record(&[(Track::Audio, 0, true, opus_frame(0)), (Track::Audio, 20, true, opus_frame(20))]);
        let (mkv, frames) = read_back(&file);
        assert_eq!(mkv.tracks().len(), 2);
        assert_eq!(frames.iter().map(|f| f.ms).collect::<Vec<_>>(), [0, 20]);
    }

    #[test]
    fn video_that_starts_late_corrects_the_default_picture_size() {
        let mut input: Vec<_> = (0..150).map(|i| (Track::Audio, i * 20, true, opus_frame(i * 20))).collect();
        input.push((Track::Video, 3_000, false, inter_frame(b"dropped")));
        input.push((Track::Video, 3_010, true, key_frame(320, 240, b"first")));
        input.push((Track::Video, 3_050, false, inter_frame(b"second")));
        let file = record(&input);
        let (mkv, frames) = read_back(&file);
        let video = mkv.tracks()[0].video().unwrap();
        assert_eq!((video.pixel_width().get(), video.pixel_height().get()), (320, 240));
        let video: Vec<_> = frames.iter().filter(|f| f.track == 1).map(|f| (f.ms, f.key)).collect();
        assert_eq!(video, [(3_010, true), (3_050, false)]);
        assert_eq!(frames.len(), 152);
    }

    #[test]
    fn blocks_stay_in_their_cluster_when_tracks_interleave_out_of_order() {
        let input = vec![
            (Track::Video, 0, true, key_frame(64, 48, b"0")),
            (Track::Audio, 0, true, opus_frame(0)),
            (Track::Video, 1_000, true, key_frame(64, 48, b"1")),
            // Audio a little behind the video that opened the cluster: clamped to its start.
            (Track::Audio, 990, true, opus_frame(990)),
            (Track::Audio, 1_010, true, opus_frame(1_010)),
            // A frame before its track's last one: written at the last one's time.
            (Track::Audio, 1_005, true, opus_frame(1_005)),
        ];
        let file = record(&input);
        let (_, frames) = read_back(&file);
        let times: Vec<_> = frames.iter().map(|f| (f.track, f.ms)).collect();
        assert_eq!(times, [(1, 0), (2, 0), (1, 1_000), (2, 1_000), (2, 1_010), (2, 1_010)]);
        assert_eq!(frames[3].data, opus_frame(990));
    }

    #[test]
    fn long_stretches_without_key_frames_get_new_clusters_within_the_timecode_range() {
        let mut input = vec![(Track::Video, 0, true, key_frame(64, 48, b"k"))];
        for s in 1..100u64 {
            input.push((Track::Video, s * 1_000, false, inter_frame(&s.to_be_bytes())));
            input.push((Track::Audio, s * 1_000 + 500, true, opus_frame(s)));
        }
        let file = record(&input);
        let (mkv, frames) = read_back(&file);
        assert_eq!(frames.len(), input.len());
        assert!(frames.iter().zip(&input).all(|(f, i)| f.ms == i.1 && f.data == i.3));
        assert_eq!(mkv.info().duration(), Some(99_500.0));
        let (_, clusters) = walk(&file);
        assert!(clusters.len() >= 4, "{} clusters", clusters.len());
    }

    #[test]
    fn a_frame_over_4_mib_is_refused_and_the_file_goes_on() {
        let mut writer = WebmWriter::new(Cursor::new(Vec::new())).unwrap();
        writer.write(Track::Video, 0, true, &key_frame(64, 48, b"k")).unwrap();
        let before = writer.bytes_written();
        let error = writer.write(Track::Video, 40, false, &vec![0; MAX_FRAME_BYTES + 1]).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(writer.bytes_written(), before);
        writer.write(Track::Video, 80, false, &vec![7; MAX_FRAME_BYTES]).unwrap();
        let file = writer.finish().unwrap().into_inner();
        let (_, frames) = read_back(&file);
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[1].data.len(), MAX_FRAME_BYTES);
    }

    #[test]
    fn vp8_key_frame_sizes() {
        // The first bytes of a 640×480 key frame as an encoder writes them: frame tag b0 1f 01
        // (key frame, version 0, shown), start code, 0x0280 and 0x01e0 little-endian.
        let real = [0xB0, 0x1F, 0x01, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01, 0x39, 0x6B];
        assert_eq!(vp8_keyframe_size(&real), Some((640, 480)));
        // The scale bits are not part of the size.
        assert_eq!(vp8_keyframe_size(&key_frame(1920, 1080, &[])), Some((1920, 1080)));
        let mut scaled = real;
        scaled[7] |= 0xC0;
        scaled[9] |= 0x40;
        assert_eq!(vp8_keyframe_size(&scaled), Some((640, 480)));

        assert_eq!(vp8_keyframe_size(&inter_frame(&[0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01])), None);
        let mut no_start_code = real;
        no_start_code[4] = 0;
        assert_eq!(vp8_keyframe_size(&no_start_code), None);
        assert_eq!(vp8_keyframe_size(&real[..9]), None);
        assert_eq!(vp8_keyframe_size(&[]), None);
    }

    #[test]
    fn any_input_makes_a_readable_file() {
        // Arbitrary tracks, times (backwards too), flags and data, from a fixed xorshift.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..20 {
            let mut writer = WebmWriter::new(Cursor::new(Vec::new())).unwrap();
            for count in 0..300u64 {
                let track = if next() % 2 == 0 { Track::Video } else { Track::Audio };
                let ms = match round % 4 {
                    0 => next() % 100_000,
                    1 => next(),
                    _ => count * 15 + next() % 50,
                };
                let mut data: Vec<u8> = (0..next() % 40).map(|_| next() as u8).collect();
                if next() % 5 == 0 {
                    data = key_frame((next() % 4000) as u16, (next() % 4000) as u16, &data);
                }
                writer.write(track, ms, next() % 3 == 0, &data).unwrap();
            }
            let file = writer.finish().unwrap().into_inner();
            walk(&file);
            read_back(&file);
        }
    }
}
