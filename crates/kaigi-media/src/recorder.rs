//! A meeting's recording: one video stream and one microphone at a time, chosen by the worker
//! (the shared screen, else the speaker), written as they arrive into a WebM file — no decoding,
//! no mixing. Pauses leave no gap in the file.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use str0m::media::{MediaData, MediaKind, Mid};

use crate::webm::{Track, WebmWriter};
use crate::{PeerId, RecordedMedia};

pub struct Recorder {
    writer: WebmWriter<BufWriter<File>>,
    path: PathBuf,
    started: Instant,
    paused_since: Option<Instant>,
    paused_total: Duration,
    video: Option<(PeerId, Mid)>,
    audio: Option<(PeerId, Mid)>,
    /// A new video source is written from its next key frame on.
    video_waits_for_key: bool,
    last_video_ms: u64,
    last_audio_ms: u64,
    frames: u64,
}

impl Recorder {
    /// Starts writing to `path` (a partial file until [`Recorder::finish`]).
    pub fn create(path: &Path, now: Instant) -> std::io::Result<Recorder> {
        let file = BufWriter::new(File::create(path)?);
        Ok(Recorder {
            writer: WebmWriter::new(file)?,
            path: path.to_path_buf(),
            started: now,
            paused_since: None,
            paused_total: Duration::ZERO,
            video: None,
            audio: None,
            video_waits_for_key: true,
            last_video_ms: 0,
            last_audio_ms: 0,
            frames: 0,
        })
    }

    pub fn set_paused(&mut self, paused: bool, now: Instant) {
        match (self.paused_since, paused) {
            (None, true) => self.paused_since = Some(now),
            (Some(since), false) => {
                self.paused_total += now.duration_since(since);
                self.paused_since = None;
                // Resuming starts the picture again at a key frame.
                self.video_waits_for_key = true;
            }
            _ => {}
        }
    }

    pub fn audio(&self) -> Option<(PeerId, Mid)> {
        self.audio
    }

    /// Follows these sources from now on; returns the video source whose key frame is needed.
    pub fn choose(&mut self, video: Option<(PeerId, Mid)>, audio: Option<(PeerId, Mid)>) -> Option<(PeerId, Mid)> {
        self.audio = audio.or(self.audio);
        if video.is_some() && video != self.video {
            self.video = video;
            self.video_waits_for_key = true;
        }
        self.video.filter(|_| self.video_waits_for_key)
    }

    /// A frame from `origin`'s stream `mid`: written when it is from a chosen source.
    pub fn offer(&mut self, origin: PeerId, mid: Mid, kind: MediaKind, data: &MediaData) -> std::io::Result<()> {
        if self.paused_since.is_some() {
            return Ok(());
        }
        let at = data.network_time.saturating_duration_since(self.started).saturating_sub(self.paused_total);
        let ms = u64::try_from(at.as_millis()).unwrap_or(u64::MAX);
        match kind {
            MediaKind::Video if self.video == Some((origin, mid)) => {
                let key = data.is_keyframe();
                if self.video_waits_for_key && !key {
                    return Ok(());
                }
                self.video_waits_for_key = false;
                self.last_video_ms = ms.max(self.last_video_ms);
                self.frames += 1;
                self.writer.write(Track::Video, self.last_video_ms, key, &data.data)
            }
            MediaKind::Audio if self.audio == Some((origin, mid)) => {
                self.last_audio_ms = ms.max(self.last_audio_ms);
                self.frames += 1;
                self.writer.write(Track::Audio, self.last_audio_ms, true, &data.data)
            }
            _ => Ok(()),
        }
    }

    /// Closes the file and moves it to `to`; nothing when no frame was recorded (the partial
    /// file is removed).
    pub fn finish(self, to: &Path) -> std::io::Result<Option<RecordedMedia>> {
        if self.frames == 0 {
            drop(self.writer);
            std::fs::remove_file(&self.path)?;
            return Ok(None);
        }
        let duration_ms = self.last_video_ms.max(self.last_audio_ms);
        let mut out = self.writer.finish()?;
        std::io::Write::flush(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.path, to)?;
        let bytes = std::fs::metadata(to)?.len();
        Ok(Some(RecordedMedia { path: to.to_path_buf(), bytes, duration_ms }))
    }
}
