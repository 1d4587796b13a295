//! Meetings (and, with the same shape, teleconference sessions, training sessions, events and
//! support sessions): identity, schedule, passwords, options, attendees and state.

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::model::{MeetingOptions, SiteId, UserId};

pub type MeetingId = i64;

/// Which center a session belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SessionKind {
    Meeting,
    Teleconference,
    Training,
    Event,
    Support,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Meeting => "meeting",
            SessionKind::Teleconference => "teleconference",
            SessionKind::Training => "training",
            SessionKind::Event => "event",
            SessionKind::Support => "support",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "meeting" => SessionKind::Meeting,
            "teleconference" => SessionKind::Teleconference,
            "training" => SessionKind::Training,
            "event" => SessionKind::Event,
            "support" => SessionKind::Support,
            _ => return None,
        })
    }

    /// The `serviceType` of the general session service.
    pub fn service_type(self) -> &'static str {
        match self {
            SessionKind::Meeting | SessionKind::Teleconference => "MeetingCenter",
            SessionKind::Training => "TrainingCenter",
            SessionKind::Event => "EventCenter",
            SessionKind::Support => "SupportCenter",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListStatus {
    Public,
    Private,
    Unlisted,
}

impl ListStatus {
    pub fn wire(self) -> &'static str {
        match self {
            ListStatus::Public => "PUBLIC",
            ListStatus::Private => "PRIVATE",
            ListStatus::Unlisted => "UNLISTED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "PUBLIC" => Some(ListStatus::Public),
            "PRIVATE" => Some(ListStatus::Private),
            "UNLISTED" => Some(ListStatus::Unlisted),
            _ => None,
        }
    }
}

/// How a series repeats (the XML API's `repeat` block).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RepeatKind {
    NoRepeat,
    Daily,
    Weekly,
    Monthly,
    Yearly,
    /// "Constant": no fixed time, always open; listed once.
    Constant,
}

impl RepeatKind {
    pub fn wire(self) -> &'static str {
        match self {
            RepeatKind::NoRepeat => "NO_REPEAT",
            RepeatKind::Daily => "DAILY",
            RepeatKind::Weekly => "WEEKLY",
            RepeatKind::Monthly => "MONTHLY",
            RepeatKind::Yearly => "YEARLY",
            RepeatKind::Constant => "CONSTANT",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_uppercase().as_str() {
            "NO_REPEAT" | "" => RepeatKind::NoRepeat,
            "DAILY" => RepeatKind::Daily,
            "WEEKLY" => RepeatKind::Weekly,
            "MONTHLY" => RepeatKind::Monthly,
            "YEARLY" => RepeatKind::Yearly,
            "CONSTANT" => RepeatKind::Constant,
            _ => return None,
        })
    }
}

/// A recurrence rule, read in the meeting's own time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recurrence {
    pub kind: RepeatKind,
    /// Every `interval` days / weeks / months / years (1 = every).
    pub interval: u32,
    /// Weekly: the days; Daily: when given, weekdays only (the "every weekday" form);
    /// Monthly with `week_in_month`: the day of that week.
    pub days_in_week: Vec<Weekday>,
    /// Monthly / yearly: day of the month (1..=31).
    pub day_in_month: Option<u32>,
    /// Monthly / yearly: the n-th week (1..=4, 5 = last).
    pub week_in_month: Option<u32>,
    /// Yearly: the month (1..=12).
    pub month_in_year: Option<u32>,
    /// The last day an occurrence may start on (local date).
    pub expiration: Option<NaiveDate>,
    /// At most this many occurrences (`afterMeetingNumber`).
    pub occurrences: Option<u32>,
}

impl Recurrence {
    pub fn none() -> Self {
        Self {
            kind: RepeatKind::NoRepeat,
            interval: 1,
            days_in_week: Vec::new(),
            day_in_month: None,
            week_in_month: None,
            month_in_year: None,
            expiration: None,
            occurrences: None,
        }
    }

    pub fn is_recurring(&self) -> bool {
        !matches!(self.kind, RepeatKind::NoRepeat | RepeatKind::Constant)
    }
}

/// `attendeeOptions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AttendeeOptions {
    pub request: bool,
    pub registration: bool,
    /// Registrations are approved automatically.
    pub auto: bool,
    pub email_invitations: bool,
    pub participant_limit: u32,
    pub exclude_password: bool,
    pub join_requires_account: bool,
}

/// A change of a meeting's attendee options: None leaves an option as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttendeeOptionsChange {
    pub request: Option<bool>,
    pub registration: Option<bool>,
    pub auto: Option<bool>,
    pub email_invitations: Option<bool>,
    pub participant_limit: Option<u32>,
    pub exclude_password: Option<bool>,
    pub join_requires_account: Option<bool>,
}

impl AttendeeOptionsChange {
    /// `o` with every option this change gives.
    pub fn apply_to(&self, o: &mut AttendeeOptions) {
        let set = |dst: &mut bool, v: Option<bool>| {
            if let Some(v) = v {
                *dst = v;
            }
        };
        set(&mut o.request, self.request);
        set(&mut o.registration, self.registration);
        set(&mut o.auto, self.auto);
        set(&mut o.email_invitations, self.email_invitations);
        set(&mut o.exclude_password, self.exclude_password);
        set(&mut o.join_requires_account, self.join_requires_account);
        if let Some(n) = self.participant_limit {
            o.participant_limit = n;
        }
    }
}

/// The registration form's fields and whether each is required (40.6.1).
pub const REGISTRATION_FIELDS: [&str; 10] =
    ["phone", "title", "company", "address1", "address2", "city", "state", "postalCode", "country", "fax"];

/// A person invited to, or registered for, a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitee {
    pub name: String,
    /// Stored lower-cased.
    pub email: String,
    /// ATTENDEE, PRESENTER, HOST (alternate host) or LIMITED.
    pub role: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionStatus {
    NotInProgress,
    InProgress,
}

impl SessionStatus {
    pub fn wire(self) -> &'static str {
        match self {
            SessionStatus::NotInProgress => "NOT_INPROGRESS",
            SessionStatus::InProgress => "INPROGRESS",
        }
    }
}

/// One occurrence of a recurring series changed or cancelled on its own: an "exceptional"
/// occurrence. Fields left None show the series' value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OccurrenceException {
    /// The start the series' rule gives the occurrence; its REST id carries this start.
    pub original_start: DateTime<Utc>,
    /// Deleted: the occurrence does not take place.
    #[serde(default)]
    pub cancelled: bool,
    pub start: DateTime<Utc>,
    pub duration_minutes: u32,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub agenda: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub id: MeetingId,
    pub site_id: SiteId,
    pub kind: SessionKind,
    /// 9-digit key, unique on the whole server and never reused.
    pub meeting_key: u64,
    /// 32 lowercase hex.
    pub uuid: String,
    /// 18 digits.
    pub conf_id: u64,
    pub host_id: UserId,
    /// Who made the booking (the host, an administrator or a delegate).
    pub scheduled_by: UserId,
    pub name: String,
    pub meeting_type: u32,
    pub agenda: String,
    pub greeting: String,
    pub location: String,
    pub invitation: String,
    pub is_internal: bool,
    /// First occurrence's start.
    pub start: DateTime<Utc>,
    /// The zone the schedule was given in (timeZoneID).
    pub time_zone_id: u16,
    pub duration_minutes: u32,
    /// Seconds before the start the session opens.
    pub open_time_secs: u32,
    pub join_teleconf_before_host: bool,
    pub list_status: ListStatus,
    pub password: Option<String>,
    pub enforce_password: bool,
    /// Numeric; callers dial it (40.4.8).
    pub audio_password: Option<String>,
    pub enforce_audio_password: bool,
    pub enforce_audio_login: bool,
    pub host_key: String,
    pub guest_token: String,
    /// Secret part of the host's iCalendar link.
    pub host_token: String,
    pub max_user_number: u32,
    pub invitees: Vec<Invitee>,
    /// Features, telephony, tracking codes and reminder, typed (model::meeting_options).
    pub options: MeetingOptions,
    pub repeat: Recurrence,
    /// End of the last occurrence; None when the series has no end.
    pub series_end: Option<DateTime<Utc>>,
    pub attendee_options: AttendeeOptions,
    /// Registration-form fields that are required (names from [`REGISTRATION_FIELDS`]).
    pub registration_required: Vec<String>,
    /// Occurrences of a recurring series changed or cancelled on their own (REST), at most
    /// [`crate::occurrences::MAX_EXCEPTIONS`]. A change of the series' schedule drops them.
    pub exceptions: Vec<OccurrenceException>,
    pub status: SessionStatus,
    pub host_joined: bool,
    pub participants_joined: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// Raised by the store at every change of the row; a write naming the revision it read is
    /// refused once another write came first (`Store::update_meeting_unless_changed`).
    pub revision: i64,
}

/// What meeting listings ask the store for; the core expands recurrences and pages afterwards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingQuery {
    /// Only these kinds (empty: all).
    pub kinds: Vec<SessionKind>,
    /// Meetings hosted by one of these users, or where one of them is an alternate host
    /// (invitee with role HOST, matched by email). None: all.
    pub hosts: Option<Vec<(UserId, String)>>,
    /// Series that may have an occurrence starting at or after this instant …
    pub from: Option<DateTime<Utc>>,
    /// … and at or before this one.
    pub to: Option<DateTime<Utc>>,
    pub meeting_key: Option<u64>,
    /// Only the series with this meetingUUID (lower-case).
    pub uuid: Option<String>,
    /// Only single meetings, or only series with several occurrences. None: both.
    pub shape: Option<Shape>,
    /// Only meetings after this (first start, id) in the listing order: keyset paging.
    pub after: Option<(DateTime<Utc>, MeetingId)>,
    /// Most series to return (a safety cap).
    pub limit: u32,
    /// Series to skip first, in the listing order (offset paging, as the XML API's `startFrom`).
    pub offset: u32,
    /// Only the meetings the hosts host, or only those they are alternate hosts of. None: both.
    pub role: Option<HostRole>,
}

/// How a listed host stands to a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostRole {
    /// The meeting's host.
    Host,
    /// An invitee with role HOST (matched by email).
    AlternateHost,
}

/// How many occurrences a meeting has, as listings tell them apart: a single meeting is shown at
/// its one start, so it can be paged by the stored start; a repeating series is shown at an
/// occurrence computed from its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One occurrence: its last occurrence ends one duration after its start.
    Single,
    /// Several occurrences, or no end.
    Repeating,
}
