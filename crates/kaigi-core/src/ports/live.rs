//! The meetings' live media (kaigi-media, wired by kaigi-server): what the core tells it when a
//! rule decided something a browser in the meeting must feel — a host muted or removed someone,
//! recording started or stopped, the meeting ended — and the recording file it hands back.
//! Without a media server ([`NoLiveMedia`]) sessions are bookkeeping only, as before.

use async_trait::async_trait;

/// A recording file the media server finished, named by the recording's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedFile {
    pub bytes: u64,
    pub duration_ms: u64,
}

#[async_trait]
pub trait LiveMedia: Send + Sync {
    /// A host muted `participant` of the meeting `meeting_key` (or lifted it).
    fn muted(&self, meeting_key: u64, participant: i64, muted: bool);
    /// `participant` left or was removed: their browsers are disconnected.
    fn removed(&self, meeting_key: u64, participant: i64);
    /// A host admitted `participant` from the lobby.
    fn admitted(&self, meeting_key: u64, participant: i64);
    /// A host made `participant` a co-host.
    fn promoted(&self, meeting_key: u64, participant: i64);
    /// A host locked the meeting (or unlocked it).
    fn locked(&self, meeting_key: u64, locked: bool);
    /// The session ended: everyone is disconnected.
    fn ended(&self, meeting_key: u64);
    /// Recording is on or off now.
    fn recording(&self, meeting_key: u64, on: bool);
    /// The recording `name` was deleted for good: its file goes too.
    fn forget_recording(&self, name: &str);
    /// Finishes the session's recording file as `name`, if media was recorded.
    async fn finish_recording(&self, meeting_key: u64, name: &str) -> Option<RecordedFile>;
}

/// No media server: nothing to tell, no files.
pub struct NoLiveMedia;

#[async_trait]
impl LiveMedia for NoLiveMedia {
    fn muted(&self, _: u64, _: i64, _: bool) {}
    fn removed(&self, _: u64, _: i64) {}
    fn admitted(&self, _: u64, _: i64) {}
    fn locked(&self, _: u64, _: bool) {}
    fn promoted(&self, _: u64, _: i64) {}
    fn forget_recording(&self, _: &str) {}
    fn ended(&self, _: u64) {}
    fn recording(&self, _: u64, _: bool) {}
    async fn finish_recording(&self, _: u64, _: &str) -> Option<RecordedFile> {
        None
    }
}
