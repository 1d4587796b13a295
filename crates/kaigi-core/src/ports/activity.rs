//! The storage port for what happens in sessions: who is in a running session, the events of its
//! lifecycle (joins, host-key claims, starts, recordings, ends), the usage and attendee history
//! of ended sessions, and recordings. kaigi-store implements it; the rules are in `lifecycle`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreError;
use crate::model::{
    AttendeeRecord, ChangeEvent, MeetingId, Participant, ParticipantId, ParticipantRecord, Recording, RecordingEntry,
    RecordingMove, SessionEnd, SessionEvent, SessionState, SiteId, UsageRecord,
};

#[async_trait]
pub trait ActivityStore: Send + Sync {
    /// The site of the meeting whose key this is (keys are unique on the whole server).
    async fn site_of_meeting_key(&self, key: u64) -> Result<Option<SiteId>, StoreError>;

    /// Sets the meeting's live state, inserts the participant (its `id` is ignored) and the
    /// events (their `participant_id`, when None, becomes the new participant's), in one
    /// transaction, with the changes for webhooks (their `subject_id`, when 0, becomes the new
    /// participant's). Returns the participant's id.
    async fn record_join(
        &self,
        state: &SessionState,
        participant: &Participant,
        events: &[SessionEvent],
        changes: &[ChangeEvent],
    ) -> Result<ParticipantId, StoreError>;

    async fn participant(&self, site: SiteId, id: ParticipantId) -> Result<Option<Participant>, StoreError>;

    /// The participants of the meeting's running session (not yet written to history), by join.
    async fn session_participants(&self, site: SiteId, meeting: MeetingId) -> Result<Vec<Participant>, StoreError>;

    /// Marks the participant gone at `at` and records the event and the changes for webhooks.
    /// Missing when not live.
    async fn record_leave(
        &self,
        site: SiteId,
        id: ParticipantId,
        event: &SessionEvent,
        changes: &[ChangeEvent],
    ) -> Result<(), StoreError>;

    async fn record_event(&self, event: &SessionEvent) -> Result<(), StoreError>;

    /// The meeting's events, oldest first.
    async fn session_events(&self, site: SiteId, meeting: MeetingId) -> Result<Vec<SessionEvent>, StoreError>;

    /// Ends the running session: state, usage, attendee history, recording and events; live
    /// participants are closed at the usage end; the participants and the chat lines of the
    /// running session are tied to the new usage row. Returns the usage row's id.
    async fn end_session(&self, end: &SessionEnd) -> Result<i64, StoreError>;

    /// Sessions running now (all sites), and the people in them.
    async fn live_counts(&self) -> Result<(u64, u64), StoreError>;

    /// The site's usage history, by start then id.
    async fn usage_history(&self, site: SiteId) -> Result<Vec<UsageRecord>, StoreError>;

    /// The site's attendee history, by join then id.
    async fn attendee_history(&self, site: SiteId) -> Result<Vec<AttendeeRecord>, StoreError>;

    /// Recordings neither deleted nor in the recycle bin, newest first.
    async fn recordings(&self, site: SiteId) -> Result<Vec<Recording>, StoreError>;

    /// Replaces name, description and password of a recording not deleted. Missing otherwise.
    async fn update_recording(&self, recording: &Recording) -> Result<(), StoreError>;

    /// Marks the recording deleted, recording the changes for webhooks in the same transaction.
    /// Missing when there is none or it was already deleted.
    async fn delete_recording(
        &self,
        site: SiteId,
        id: i64,
        at: DateTime<Utc>,
        changes: &[ChangeEvent],
    ) -> Result<(), StoreError>;

    /// The wrong passwords and host keys counted for the meeting in the window that began after
    /// `window_from` (0 when its window began earlier, or none was counted).
    async fn join_failures(&self, meeting: MeetingId, window_from: DateTime<Utc>) -> Result<u32, StoreError>;

    /// Counts one wrong password or host key for the meeting, in one atomic update: when the
    /// meeting's window began at or before `window_from` a new one begins at `at`. Returns the
    /// count in the window, this failure included.
    async fn count_join_failure(
        &self,
        meeting: MeetingId,
        at: DateTime<Utc>,
        window_from: DateTime<Utc>,
    ) -> Result<u32, StoreError>;

    /// Every participant row of the meeting, of its running and its ended sessions, by join then id.
    async fn participant_records(&self, site: SiteId, meeting: MeetingId)
        -> Result<Vec<ParticipantRecord>, StoreError>;

    async fn participant_record(
        &self,
        site: SiteId,
        id: ParticipantId,
    ) -> Result<Option<ParticipantRecord>, StoreError>;

    /// Sets whether a participant of a running session is muted. Missing when they are not live.
    async fn set_participant_muted(&self, site: SiteId, id: ParticipantId, muted: bool) -> Result<(), StoreError>;

    /// Lets a participant waiting in a locked meeting's lobby in. Missing when they are not
    /// waiting (admitted already, gone, or never in the lobby).
    async fn admit_participant(&self, site: SiteId, id: ParticipantId) -> Result<(), StoreError>;

    /// Makes a live attendee of a running session a host of it (a co-host), with the event that
    /// says so, in one transaction. Missing when they are not a live, admitted attendee.
    async fn make_participant_host(
        &self,
        site: SiteId,
        id: ParticipantId,
        event: &SessionEvent,
    ) -> Result<(), StoreError>;

    /// Every recording of the site, purged ones and those in the recycle bin included, with who
    /// each is shared with; newest first.
    async fn recording_entries(&self, site: SiteId) -> Result<Vec<RecordingEntry>, StoreError>;

    /// Moves the recordings `ids`, all or none, in one transaction: Missing when one of them is not
    /// where the move starts (available to recycle or delete, in the recycle bin to restore or purge).
    /// The changes for webhooks are recorded in the same transaction.
    async fn move_recordings(
        &self,
        site: SiteId,
        ids: &[i64],
        movement: RecordingMove,
        at: DateTime<Utc>,
        changes: &[ChangeEvent],
    ) -> Result<(), StoreError>;

    /// Shares a recording with `add` and stops sharing it with `remove` (lower-cased emails), in
    /// one transaction. Missing when the recording is purged or unknown.
    async fn share_recording(&self, site: SiteId, id: i64, add: &[String], remove: &[String])
        -> Result<(), StoreError>;
}
