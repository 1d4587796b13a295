//! The storage port for what happens in sessions: who is in a running session, the events of its
//! lifecycle (joins, host-key claims, starts, recordings, ends), the usage and attendee history
//! of ended sessions, and recordings. kaigi-store implements it; the rules are in `lifecycle`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::meeting::{MeetingId, SessionKind, SessionStatus};
use crate::site::SiteId;
use crate::store::StoreError;
use crate::user::UserId;

pub type ParticipantId = i64;

/// The role a participant holds in a running session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Attendee,
    Host,
}

impl Role {
    pub fn wire(self) -> &'static str {
        match self {
            Role::Attendee => "ATTENDEE",
            Role::Host => "HOST",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ATTENDEE" => Some(Role::Attendee),
            "HOST" => Some(Role::Host),
            _ => None,
        }
    }
}

/// One presence of a person in a session, live (`left_at` None) or past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: ParticipantId,
    pub meeting_id: MeetingId,
    pub site_id: SiteId,
    pub name: String,
    pub email: String,
    /// The site user with this email, when there is one.
    pub user_id: Option<UserId>,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
    pub ip_address: String,
    pub client_agent: String,
    /// SHA-256 (hex) of the secret that lets this participant act in the session from a web page
    /// (see [`crate::room`]).
    pub token_hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Join,
    /// A guest became host with the host key.
    HostKeyClaim,
    /// The first host joined: the session started.
    Start,
    Leave,
    RecordStart,
    RecordStop,
    End,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Join => "join",
            EventKind::HostKeyClaim => "host_key_claim",
            EventKind::Start => "start",
            EventKind::Leave => "leave",
            EventKind::RecordStart => "record_start",
            EventKind::RecordStop => "record_stop",
            EventKind::End => "end",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "join" => EventKind::Join,
            "host_key_claim" => EventKind::HostKeyClaim,
            "start" => EventKind::Start,
            "leave" => EventKind::Leave,
            "record_start" => EventKind::RecordStart,
            "record_stop" => EventKind::RecordStop,
            "end" => EventKind::End,
            _ => return None,
        })
    }
}

/// Something that happened in a session, with the person it happened to or by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEvent {
    pub id: i64,
    pub meeting_id: MeetingId,
    pub site_id: SiteId,
    pub kind: EventKind,
    pub participant_id: Option<ParticipantId>,
    pub user_id: Option<UserId>,
    pub email: String,
    pub name: String,
    pub at: DateTime<Utc>,
}

/// The live-state fields of a meeting that the lifecycle changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionState {
    pub meeting_id: MeetingId,
    pub site_id: SiteId,
    pub status: SessionStatus,
    pub host_joined: bool,
    pub participants_joined: bool,
    pub at: DateTime<Utc>,
}

/// One ended session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRecord {
    pub id: i64,
    pub site_id: SiteId,
    pub meeting_id: MeetingId,
    pub meeting_key: u64,
    pub uuid: String,
    pub conf_id: u64,
    pub name: String,
    pub kind: SessionKind,
    pub host_id: UserId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Whole minutes, rounded up.
    pub duration_minutes: u32,
    pub total_participants: u32,
    /// The sum of every participant's minutes.
    pub total_people_minutes: u32,
}

/// One participant of an ended session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeRecord {
    pub id: i64,
    pub site_id: SiteId,
    pub usage_id: i64,
    pub meeting_id: MeetingId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
    pub left_at: DateTime<Utc>,
    pub duration_minutes: u32,
    pub ip_address: String,
    pub client_agent: String,
}

/// A recording of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recording {
    pub id: i64,
    pub site_id: SiteId,
    pub meeting_id: MeetingId,
    /// The recorded session's key, meetingUUID, confID, host and kind.
    pub meeting_key: u64,
    pub meeting_uuid: String,
    pub conf_id: u64,
    pub host_id: UserId,
    pub kind: SessionKind,
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub duration_s: u32,
    /// Size in kilobytes (the wire shows megabytes).
    pub size_kb: u64,
    /// Always "MP4".
    pub format: String,
    pub stream_url: String,
    pub file_url: String,
    pub password: Option<String>,
    /// 32 lowercase hex.
    pub recording_uuid: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Everything ending a session writes, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEnd {
    pub state: SessionState,
    pub usage: UsageRecord,
    /// Their `usage_id` is ignored (the new usage row's id is used).
    pub attendees: Vec<AttendeeRecord>,
    pub recording: Option<Recording>,
    pub events: Vec<SessionEvent>,
}

#[async_trait]
pub trait ActivityStore: Send + Sync {
    /// The site of the meeting whose key this is (keys are unique on the whole server).
    async fn site_of_meeting_key(&self, key: u64) -> Result<Option<SiteId>, StoreError>;

    /// Sets the meeting's live state, inserts the participant (its `id` is ignored) and the
    /// events (their `participant_id`, when None, becomes the new participant's), in one
    /// transaction. Returns the participant's id.
    async fn record_join(
        &self,
        state: &SessionState,
        participant: &Participant,
        events: &[SessionEvent],
    ) -> Result<ParticipantId, StoreError>;

    async fn participant(&self, site: SiteId, id: ParticipantId) -> Result<Option<Participant>, StoreError>;

    /// The participants of the meeting's running session (not yet written to history), by join.
    async fn session_participants(&self, site: SiteId, meeting: MeetingId) -> Result<Vec<Participant>, StoreError>;

    /// Marks the participant gone at `at` and records the event. Missing when not live.
    async fn record_leave(&self, site: SiteId, id: ParticipantId, event: &SessionEvent) -> Result<(), StoreError>;

    async fn record_event(&self, event: &SessionEvent) -> Result<(), StoreError>;

    /// The meeting's events, oldest first.
    async fn session_events(&self, site: SiteId, meeting: MeetingId) -> Result<Vec<SessionEvent>, StoreError>;

    /// Ends the running session: state, usage, attendee history, recording and events; live
    /// participants are closed at the usage end. Returns the usage row's id.
    async fn end_session(&self, end: &SessionEnd) -> Result<i64, StoreError>;

    /// The site's usage history, by start then id.
    async fn usage_history(&self, site: SiteId) -> Result<Vec<UsageRecord>, StoreError>;

    /// The site's attendee history, by join then id.
    async fn attendee_history(&self, site: SiteId) -> Result<Vec<AttendeeRecord>, StoreError>;

    /// Recordings not deleted, newest first.
    async fn recordings(&self, site: SiteId) -> Result<Vec<Recording>, StoreError>;

    /// Replaces name, description and password of a recording not deleted. Missing otherwise.
    async fn update_recording(&self, recording: &Recording) -> Result<(), StoreError>;

    /// Marks the recording deleted. Missing when there is none or it was already deleted.
    async fn delete_recording(&self, site: SiteId, id: i64, at: DateTime<Utc>) -> Result<(), StoreError>;

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
}
