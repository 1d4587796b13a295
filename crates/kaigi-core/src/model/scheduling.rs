use chrono::{DateTime, NaiveDateTime, Utc};

use crate::model::{
    AttendeeOptionsChange, Invitee, ListStatus, Meeting, MeetingId, MeetingOptions, OccurrenceException, Recurrence,
    SessionKind, SessionStatus, UsageRecord, User,
};

/// How a request names a meeting: its key or its meetingUUID (40.6.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetingRef {
    Key(u64),
    Uuid(String),
}

/// Scheduling fields as a request gives them; None leaves a field as it is (or at its default
/// on create).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingFields {
    pub name: Option<String>,
    pub meeting_type: Option<u32>,
    pub agenda: Option<String>,
    pub greeting: Option<String>,
    pub location: Option<String>,
    pub invitation: Option<String>,
    pub is_internal: Option<bool>,
    /// Wall-clock start in `time_zone_id` (or the host's, or the site's, zone).
    pub start: Option<NaiveDateTime>,
    pub time_zone_id: Option<u16>,
    pub duration_minutes: Option<u32>,
    pub open_time_secs: Option<u32>,
    pub join_teleconf_before_host: Option<bool>,
    pub host_webex_id: Option<String>,
    pub list_status: Option<ListStatus>,
    pub password: Option<String>,
    pub enforce_password: Option<bool>,
    pub audio_password: Option<String>,
    pub enforce_audio_password: Option<bool>,
    pub enforce_audio_login: Option<bool>,
    pub max_user_number: Option<u32>,
    pub invitees: Option<Vec<Invitee>>,
    /// The options a request sets; a change merges them leaf by leaf into the meeting's.
    pub options: MeetingOptions,
    pub repeat: Option<Recurrence>,
    /// (name, value) pairs of `attendeeOptions`.
    pub attendee_options: AttendeeOptionsChange,
    /// (field, required) pairs of `registrationForm` (40.6.1).
    pub registration_form: Option<Vec<(String, bool)>>,
    /// The person the booking is made for, when the face knows it (the booking page, REST
    /// `integrationTags`); otherwise it is read from the tracking codes (see
    /// [`crate::license_log::requester_of`]). Only the licence log keeps it.
    pub requester: Option<String>,
    /// Mail an invitation (with the meeting's .ics) to each invitee this request adds (the REST
    /// API's `sendEmail`); the XML API's scheduling calls send none.
    pub send_invitations: bool,
}

/// The links a meeting hands out, all under the public base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingLinks {
    /// iCalendar file for the host (carries the host key).
    pub host_calendar: String,
    /// iCalendar file for attendees.
    pub attendee_calendar: String,
    /// The invitation page (`j.php?MTID=…`), also the `meetingLink`.
    pub invite: String,
    pub join: String,
    pub host: String,
    pub register: Option<String>,
    pub sip: String,
}

/// One occurrence of a series, for listings.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    pub meeting: Meeting,
    pub host: User,
    pub start: DateTime<Utc>,
    /// 0 for the first occurrence.
    pub index: usize,
    /// The next occurrence that has not ended yet.
    pub is_next_upcoming: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingOrder {
    StartTime,
    Name,
    HostWebExId,
    HostName,
    Status,
}

/// A listing request (LstsummaryMeeting, LstsummarySession, LstCalendarSession).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingListing {
    pub kinds: Vec<SessionKind>,
    pub host_webex_id: Option<String>,
    pub host_email: Option<String>,
    pub meeting_key: Option<u64>,
    /// Occurrences starting within this range …
    pub start_from: Option<DateTime<Utc>>,
    pub start_to: Option<DateTime<Utc>>,
    /// … and ending within this one.
    pub end_from: Option<DateTime<Utc>>,
    pub end_to: Option<DateTime<Utc>>,
    /// Every occurrence in the range (true) or each series once (false: its first start, unless a
    /// start range asks for occurrences).
    pub expand: bool,
    /// Case-insensitive prefix of the name.
    pub name_prefix: Option<String>,
    pub status: Option<SessionStatus>,
    pub order: Vec<(MeetingOrder, bool)>,
    pub offset: u32,
    pub limit: u32,
}

/// What an iCalendar link serves.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEntry {
    pub meeting: Meeting,
    pub host: User,
    /// The host's link: the file carries the host key.
    pub for_host: bool,
    /// Occurrence starts (up to 100 from the first).
    pub starts: Vec<DateTime<Utc>>,
    pub links: MeetingLinks,
}

/// A REST meeting id, by its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeriesRef {
    Series(String),
    Occurrence { series: String, start: DateTime<Utc> },
    Instance { series: String, number: u64 },
}

pub fn is_series_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl SeriesRef {
    /// None for anything that is not one of the three shapes.
    pub fn parse(id: &str) -> Option<Self> {
        let id = id.trim();
        if id.len() > 100 {
            return None;
        }
        let (series, rest) = match id.split_once('_') {
            None => return is_series_id(id).then(|| SeriesRef::Series(id.to_ascii_lowercase())),
            Some(parts) => parts,
        };
        if !is_series_id(series) {
            return None;
        }
        let series = series.to_ascii_lowercase();
        if let Some(n) = rest.strip_prefix("I_") {
            let number = n.parse().ok().filter(|_| n.bytes().all(|b| b.is_ascii_digit()))?;
            return Some(SeriesRef::Instance { series, number });
        }
        let start = NaiveDateTime::parse_from_str(rest, "%Y%m%dT%H%M%SZ").ok()?.and_utc();
        Some(SeriesRef::Occurrence { series, start })
    }

    pub fn series(&self) -> &str {
        match self {
            SeriesRef::Series(s) | SeriesRef::Occurrence { series: s, .. } | SeriesRef::Instance { series: s, .. } => s,
        }
    }
}

/// States of series and occurrences, as the REST API names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Active,
    InProgress,
    Expired,
    Scheduled,
    Ready,
    Missed,
}

impl State {
    pub fn wire(self) -> &'static str {
        match self {
            State::Active => "active",
            State::InProgress => "inProgress",
            State::Expired => "expired",
            State::Scheduled => "scheduled",
            State::Ready => "ready",
            State::Missed => "missed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "active" => State::Active,
            "inProgress" => State::InProgress,
            "expired" => State::Expired,
            "scheduled" => State::Scheduled,
            "ready" => State::Ready,
            "missed" => State::Missed,
            _ => return None,
        })
    }
}

/// Fields of a REST create or update; None leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeriesFields {
    pub title: Option<String>,
    pub agenda: Option<String>,
    pub password: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// The zone the schedule is kept in (XML timeZoneID).
    pub zone_id: Option<u16>,
    /// RRULE text; Some(None) makes the series a single meeting.
    pub recurrence: Option<Option<String>>,
    /// The host, when an administrator schedules for someone (by webExId).
    pub host_webex_id: Option<String>,
    pub join_before_host: Option<bool>,
    pub public: Option<bool>,
    pub exclude_password: Option<bool>,
    pub invitees: Option<Vec<Invitee>>,
    /// Create a webinar (an Event Center session) rather than a meeting.
    pub webinar: bool,
    /// Registration on (with automatic approval or not).
    pub registration: Option<bool>,
    /// Registration-form fields required of registrants (names of `REGISTRATION_FIELDS`).
    pub registration_form: Option<Vec<(String, bool)>>,
    /// Most registrations accepted (0: no limit).
    pub max_registrations: Option<u32>,
    /// Minutes before the start that attendees may join (0, 5, 10 or 15).
    pub join_before_host_minutes: Option<u32>,
    /// The site meeting type (REST `sessionTypeId`).
    pub meeting_type: Option<u32>,
    /// Attendees must sign in (REST `requireAttendeeLogin`).
    pub join_requires_account: Option<bool>,
    /// Switches, telephony, tracking codes, reminder, conduct and integration tags.
    pub options: MeetingOptions,
    /// Who the booking is for, when a booking system books on someone's behalf (licence log).
    pub requester: Option<String>,
    /// `sendEmail`: invite the invitees this request adds by mail.
    pub send_invitations: bool,
}

/// A meeting that has run (`meetingType=meeting`): one ended session of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub usage: UsageRecord,
    pub host: User,
}

/// One item of a REST listing: a series (shown from `start` to `end`) or one of its occurrences.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesItem {
    pub meeting: Meeting,
    pub host: User,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub occurrence: Option<ScheduledOccurrence>,
}

/// What a change or delete by REST id acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteTarget {
    /// The whole series (also the one occurrence of a single meeting).
    Series(String),
    /// One occurrence of a recurring series, by the start its rule gives it.
    Occurrence { series: String, start: DateTime<Utc> },
}

/// A REST listing (`GET /v1/meetings`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesListing {
    /// List as this user (an administrator's `hostEmail`); None: the caller.
    pub host_email: Option<String>,
    /// Occurrences (`scheduledMeeting`) rather than series.
    pub occurrences: bool,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// By meeting number or series id: the window is ignored for the first, kept for the second.
    pub meeting_key: Option<u64>,
    pub series: Option<String>,
    /// Series shown at their current/next occurrence (true) or their first (false).
    pub current: bool,
    pub state: Option<State>,
    /// Occurrences changed on their own (true) or not (false); series listings ignore it.
    pub modified: Option<bool>,
    /// Only these kinds (empty: meetings and webinars).
    pub kinds: Vec<SessionKind>,
    /// Start after this item (the previous page's [`SeriesPage::next`]); None: from the first.
    pub after: Option<ListCursor>,
    pub limit: usize,
}

/// Where a listing page ends: the shown start and the meeting id of its last item. Items are
/// listed by (shown start, meeting id), which names every series and occurrence once.
pub type ListCursor = (DateTime<Utc>, MeetingId);

/// One page of a REST listing.
#[derive(Debug, Clone)]
pub struct SeriesPage {
    pub items: Vec<SeriesItem>,
    /// Where the next page starts; None on the last page.
    pub next: Option<ListCursor>,
}

impl SeriesItem {
    pub fn key(&self) -> ListCursor {
        (self.start, self.meeting.id)
    }
}

/// One occurrence as it will take place.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledOccurrence {
    /// The start the series' rule gives it; its id carries this start.
    pub original: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// How it differs from its series, when it was changed on its own.
    pub exception: Option<OccurrenceException>,
}

impl ScheduledOccurrence {
    pub fn is_modified(&self) -> bool {
        self.exception.is_some()
    }

    pub fn title<'a>(&'a self, m: &'a Meeting) -> &'a str {
        self.exception.as_ref().and_then(|e| e.title.as_deref()).unwrap_or(&m.name)
    }

    pub fn agenda<'a>(&'a self, m: &'a Meeting) -> &'a str {
        self.exception.as_ref().and_then(|e| e.agenda.as_deref()).unwrap_or(&m.agenda)
    }

    pub fn password<'a>(&'a self, m: &'a Meeting) -> Option<&'a str> {
        self.exception.as_ref().and_then(|e| e.password.as_deref()).or(m.password.as_deref())
    }
}

/// What an occurrence's id and times hang on: a change of any of these drops the exceptions.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleShape {
    start: DateTime<Utc>,
    duration_minutes: u32,
    time_zone_id: u16,
    repeat: Recurrence,
}

impl ScheduleShape {
    pub(crate) fn of(m: &Meeting) -> Self {
        Self {
            start: m.start,
            duration_minutes: m.duration_minutes,
            time_zone_id: m.time_zone_id,
            repeat: m.repeat.clone(),
        }
    }
}

/// What an employee books on the booking page: a meeting in their own name and time zone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Booking {
    pub title: String,
    /// Local time, in the booker's zone.
    pub start: NaiveDateTime,
    pub duration_minutes: u32,
    /// Addresses to invite (already split; duplicates ignoring case are dropped).
    pub invitees: Vec<String>,
}

/// A booking made. The meeting stands even when its invitations failed; `invitations_failed`
/// says why.
#[derive(Debug)]
pub struct Booked {
    pub meeting: Meeting,
    pub invitations_failed: Option<crate::error::Error>,
}
