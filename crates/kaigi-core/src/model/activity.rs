use std::fmt;

use chrono::{DateTime, Utc};

use crate::model::{ListStatus, Meeting, MeetingId, SessionKind, SessionStatus, Site, SiteId, User, UserId, UserRef};

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
    /// Waiting in the lobby of a locked meeting until a host admits them.
    pub in_lobby: bool,
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
    /// A host made a participant co-host in the running session.
    CoHost,
    /// A host locked the meeting: who joins now waits in the lobby.
    Lock,
    Unlock,
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
            EventKind::CoHost => "cohost",
            EventKind::Lock => "lock",
            EventKind::Unlock => "unlock",
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
            "cohost" => EventKind::CoHost,
            "lock" => EventKind::Lock,
            "unlock" => EventKind::Unlock,
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
    /// The changes for webhooks; a recording's `subject_id`, when 0, becomes the new recording's.
    pub changes: Vec<crate::model::ChangeEvent>,
}

/// What a history listing may be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOrder {
    StartTime,
    ConfName,
    ConfId,
    HostName,
    TotalAttendee,
}

impl HistoryOrder {
    /// The wire's `orderBy` values kaigi sorts by; None for one it does not know (ignored).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "STARTTIME" | "JOINTIME" => HistoryOrder::StartTime,
            "CONFNAME" => HistoryOrder::ConfName,
            "CONFID" => HistoryOrder::ConfId,
            "HOSTNAME" => HistoryOrder::HostName,
            "TOTALATTENDEE" => HistoryOrder::TotalAttendee,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Only sessions of these kinds (empty: all).
    pub kinds: Vec<SessionKind>,
    pub start_from: Option<DateTime<Utc>>,
    pub start_to: Option<DateTime<Utc>>,
    pub end_from: Option<DateTime<Utc>>,
    pub end_to: Option<DateTime<Utc>>,
    pub meeting_key: Option<u64>,
    pub conf_id: Option<u64>,
    /// Case-insensitive exact match.
    pub conf_name: Option<String>,
    pub host_webex_id: Option<String>,
    /// (field, descending); empty = by start time ascending.
    pub order: Vec<(HistoryOrder, bool)>,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UsageItem {
    pub usage: UsageRecord,
    pub host: User,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttendeeItem {
    pub attendee: AttendeeRecord,
    pub usage: UsageRecord,
}

/// Who acts on a participant (leave, record, end): the participant, proven by the pass the join
/// answered, or a site administrator of the meeting's site naming the participant, or a host in
/// the session a use case of the core chose for a caller it checked ([`Vouched`]).
#[derive(Debug, Clone)]
pub enum Actor {
    Participant(ParticipantPass),
    SiteAdmin { participant: ParticipantId, user: UserRef, password: String },
    Vouched(Vouched),
}

/// A participant the core acts through for a signed-in caller who may manage the meeting (its
/// host, a co-host or a site administrator: REST's end and recording controls). Only the core
/// makes one, after that check; a face cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vouched {
    pub(crate) participant: ParticipantId,
}

/// What the controls of a meeting's session show: whether it runs and whether it is recorded.
/// kaigi keeps no lock and no pause (docs/rest.md, "Meeting controls").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionControls {
    pub running: bool,
    pub recording: bool,
    /// Who joins waits in the lobby until a host admits them.
    pub locked: bool,
}

/// What a joiner gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JoinRequest {
    pub name: String,
    pub email: String,
    pub password: Option<String>,
    pub host_key: Option<String>,
    /// Where the request came from.
    pub ip_address: String,
    pub client_agent: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    pub participant_id: ParticipantId,
    pub role: Role,
    /// Proves the bearer is this participant (see [`crate::room::ParticipantPass`]); shown once.
    pub pass: String,
    /// The meeting is locked: they wait in its lobby until a host admits them.
    pub in_lobby: bool,
}

/// How GetSessionInfo names the session (40.1.0 added the mobile forms, 40.6.0 meetingUUID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionLookup {
    Key(u64),
    Uuid(String),
    /// `…/meet/<webExId>`
    PmrUrl(String),
    /// `<webExId>@<site…>`, `<key>@<site…>` or `<key>_<site>@…`
    SipUrl(String),
    /// `…/j.php?MTID=m<uuid>`
    MeetingLink(String),
}

/// What GetSessionInfo tells; password-gated parts only when `full`.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionView {
    /// None for a personal room.
    pub meeting: Option<Meeting>,
    pub host: User,
    pub key: u64,
    pub uuid: String,
    pub conf_id: u64,
    pub name: String,
    pub kind: SessionKind,
    pub meeting_type: u32,
    pub start: DateTime<Utc>,
    pub duration_minutes: u32,
    pub time_zone_id: u16,
    pub status: SessionStatus,
    pub list_status: ListStatus,
    pub password: Option<String>,
    pub registration: bool,
    pub is_recurring: bool,
    /// The caller is the host, an invitee, an administrator, or gave the password.
    pub full: bool,
    /// The caller may host: the host key is shown.
    pub host_view: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordingQuery {
    pub host_webex_id: Option<String>,
    pub meeting_key: Option<u64>,
    pub meeting_uuid: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    /// Case-insensitive part of the name.
    pub name: Option<String>,
    /// Empty: all.
    pub kinds: Vec<SessionKind>,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordingItem {
    pub recording: Recording,
    pub host: User,
}

/// What SetRecordingInfo may change; None leaves a value as it is, an empty password removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordingChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub password: Option<String>,
}

/// `<participantId>.<secret>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantPass {
    pub participant_id: ParticipantId,
    secret: String,
}

impl ParticipantPass {
    pub(crate) fn new(participant_id: ParticipantId, secret: &str) -> Self {
        Self { participant_id, secret: secret.to_string() }
    }

    pub(crate) fn secret(&self) -> &str {
        &self.secret
    }

    /// None when `raw` is not shaped like a pass.
    pub fn parse(raw: &str) -> Option<Self> {
        let (id, secret) = raw.trim().split_once('.')?;
        let participant_id = id.parse().ok()?;
        let well_formed = !secret.is_empty() && secret.len() <= 128 && secret.bytes().all(|b| b.is_ascii_hexdigit());
        well_formed.then(|| Self { participant_id, secret: secret.to_string() })
    }
}

impl fmt::Display for ParticipantPass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.participant_id, self.secret)
    }
}

/// What a meeting's pages show.
#[derive(Debug, Clone)]
pub struct Room {
    pub site: Site,
    pub meeting: Meeting,
    pub host: User,
    /// The people in the running session now, by join.
    pub present: Vec<Participant>,
    pub recording: bool,
}

/// A participant row as the REST participants API reads it: the presence, the ended session it
/// belongs to (None while the session runs) and whether the host muted them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantRecord {
    pub participant: Participant,
    /// The usage-history row of the ended session; None while it runs.
    pub usage_id: Option<i64>,
    pub muted: bool,
}

/// Where a recording is: available, in the recycle bin, or purged (deleted for good).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingStatus {
    Available,
    /// In the recycle bin: restorable.
    Deleted,
    /// Gone for good (the XML API's DelRecording, REST DELETE or purge).
    Purged,
}

/// A recording with its recycle-bin state and who it is shared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingEntry {
    pub recording: Recording,
    pub recycled_at: Option<DateTime<Utc>>,
    /// Lower-cased emails.
    pub shared_with: Vec<String>,
}

impl RecordingEntry {
    pub fn status(&self) -> RecordingStatus {
        if self.recording.deleted_at.is_some() {
            RecordingStatus::Purged
        } else if self.recycled_at.is_some() {
            RecordingStatus::Deleted
        } else {
            RecordingStatus::Available
        }
    }
}

/// A move of recordings between the list, the recycle bin and oblivion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingMove {
    /// Available → recycle bin.
    Recycle,
    /// Recycle bin → available.
    Restore,
    /// Recycle bin → purged.
    Purge,
    /// Available or recycle bin → purged (a delete that cannot be undone).
    Delete,
}

/// A participant as the REST participants API shows it, with their meeting and session.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantItem {
    pub participant: Participant,
    pub muted: bool,
    pub meeting: Meeting,
    pub host: User,
    /// The ended session they were in; None while it runs.
    pub usage: Option<UsageRecord>,
    /// When their session started (the running one's first host join, or the ended one's start).
    pub session_start: Option<DateTime<Utc>>,
    /// They were invited to the meeting.
    pub invitee: bool,
    /// They are an alternate host of the meeting.
    pub co_host: bool,
}

/// Which participants a listing wants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParticipantQuery {
    /// Of this ended session (its usage-history id); None: the running session, else the last
    /// ended one whose start lies in the window below.
    pub instance: Option<u64>,
    pub session_start_from: Option<DateTime<Utc>>,
    pub session_start_to: Option<DateTime<Utc>>,
    pub joined_from: Option<DateTime<Utc>>,
    pub joined_to: Option<DateTime<Utc>>,
    /// Only these people (lower-cased emails); None: everyone.
    pub emails: Option<Vec<String>>,
}

/// What a host may change about a participant of the running session. `expel` wins over the rest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParticipantChange {
    pub muted: Option<bool>,
    pub admit: Option<bool>,
    pub expel: Option<bool>,
}

/// Whose recordings a REST request reads or changes.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordingAudience {
    /// The caller's own recordings, and (for reading) those shared with them.
    Own,
    /// The recordings of this host of the site (an administrator acting for them).
    Host(Box<User>),
    /// Every recording of the site (an administrator).
    Site,
}

/// The REST recording list's filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingFilter {
    /// Created in `[from, to)`; ignored when `series` is given.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Of this meeting series (its meetingUUID), and of its ended session `instance` when given.
    pub series: Option<String>,
    pub instance: Option<u64>,
    /// Case-insensitive exact topic.
    pub topic: Option<String>,
    /// Empty: all.
    pub kinds: Vec<SessionKind>,
    /// Only this format (`MP4`, `ARF`, `UPLOADED`); kaigi's recordings are all MP4.
    pub format: Option<String>,
    /// kaigi keeps no integration tags on recordings: a tag matches none.
    pub integration_tag: Option<String>,
    pub status: RecordingStatus,
}

/// A recording as the REST API shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordingView {
    pub entry: RecordingEntry,
    pub host: User,
    /// The ended session it recorded, when it is still in the history.
    pub usage: Option<UsageRecord>,
    /// It is listed because it is shared with the caller, not because they host it.
    pub shared_to_me: bool,
}

/// One ended session as the recording report's meeting archive shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingArchive {
    pub usage: UsageRecord,
    pub host: User,
    pub attendees: Vec<AttendeeRecord>,
}

/// How a request names a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordingLookup {
    /// Its REST id (the recording's 32-hex UUID).
    Id(String),
    /// Its playback or download link.
    Link(String),
}

/// One line of a meeting's in-meeting chat, said to everyone in the room. Kept with the meeting:
/// while its session runs `usage_id` is None; ending the session ties it to the ended instance
/// (its usage-history row), whose post-meeting chats it then is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    pub id: i64,
    /// Its id on the wire: a UUID (hyphenated, lowercase).
    pub uuid: String,
    pub site_id: SiteId,
    pub meeting_id: MeetingId,
    /// The ended session it was said in; None while that session runs.
    pub usage_id: Option<i64>,
    /// Who said it: the participant, their name and email as they joined, and the site user with
    /// that email, when there is one.
    pub participant_id: ParticipantId,
    pub sender_name: String,
    pub sender_email: String,
    pub sender_user_id: Option<UserId>,
    pub text: String,
    pub at: DateTime<Utc>,
}
