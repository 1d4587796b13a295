use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::model::{MeetingId, MeetingRef, SiteId};

/// The wire `attendeeId`.
pub type AttendeeId = i64;

/// What the attendee does in the meeting; HOST makes them an alternate host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendeeRole {
    Attendee,
    Presenter,
    Host,
    Limited,
}

impl AttendeeRole {
    pub fn wire(self) -> &'static str {
        match self {
            AttendeeRole::Attendee => "ATTENDEE",
            AttendeeRole::Presenter => "PRESENTER",
            AttendeeRole::Host => "HOST",
            AttendeeRole::Limited => "LIMITED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_uppercase().as_str() {
            "ATTENDEE" => AttendeeRole::Attendee,
            "PRESENTER" => AttendeeRole::Presenter,
            "HOST" => AttendeeRole::Host,
            "LIMITED" => AttendeeRole::Limited,
            _ => return None,
        })
    }
}

/// `joinStatus`: how the attendee came to the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinStatus {
    Invite,
    Register,
    Accept,
    Reject,
}

impl JoinStatus {
    pub fn wire(self) -> &'static str {
        match self {
            JoinStatus::Invite => "INVITE",
            JoinStatus::Register => "REGISTER",
            JoinStatus::Accept => "ACCEPT",
            JoinStatus::Reject => "REJECT",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_uppercase().as_str() {
            "INVITE" => JoinStatus::Invite,
            "REGISTER" => JoinStatus::Register,
            "ACCEPT" => JoinStatus::Accept,
            "REJECT" => JoinStatus::Reject,
            _ => return None,
        })
    }
}

/// Where the attendee stands; PENDING waits for the host's approval of a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendeeStatus {
    Invited,
    Registered,
    Accepted,
    Rejected,
    Pending,
}

impl AttendeeStatus {
    pub fn wire(self) -> &'static str {
        match self {
            AttendeeStatus::Invited => "INVITED",
            AttendeeStatus::Registered => "REGISTERED",
            AttendeeStatus::Accepted => "ACCEPTED",
            AttendeeStatus::Rejected => "REJECTED",
            AttendeeStatus::Pending => "PENDING",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "INVITED" => AttendeeStatus::Invited,
            "REGISTERED" => AttendeeStatus::Registered,
            "ACCEPTED" => AttendeeStatus::Accepted,
            "REJECTED" => AttendeeStatus::Rejected,
            "PENDING" => AttendeeStatus::Pending,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// 0 until stored.
    pub id: AttendeeId,
    pub meeting_id: MeetingId,
    pub site_id: SiteId,
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    /// Lower-cased.
    pub email: String,
    pub role: AttendeeRole,
    pub join_status: JoinStatus,
    pub status: AttendeeStatus,
    /// Only when the meeting has registration on. On insert, `Some(_)` asks the store to assign
    /// one (kaigi uses the attendee id itself).
    pub register_id: Option<i64>,
    pub language: String,
    pub locale: String,
    pub time_zone_id: u16,
    pub email_invitations: bool,
    /// company, title, phone and the other registration fields, by name.
    pub profile: BTreeMap<String, String>,
    pub ip_address: String,
    pub submitted_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// One person as a request gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttendee {
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub role: Option<AttendeeRole>,
    pub join_status: Option<JoinStatus>,
    pub email_invitations: bool,
    pub language: Option<String>,
    pub locale: Option<String>,
    pub time_zone_id: Option<u16>,
    pub profile: BTreeMap<String, String>,
    /// The meeting this person is for (each person may name its own session).
    pub meeting: MeetingRef,
}

/// Which attendees a removal names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttendeeTarget {
    Ids(Vec<AttendeeId>),
    Email { email: String, meeting: MeetingRef },
}

/// One invitee as a REST request gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InviteeRequest {
    pub email: String,
    pub display_name: Option<String>,
    pub co_host: bool,
}

/// A change of a series' registration form (REST `PUT /meetings/{meetingId}/registration`): what
/// it names changes, the rest stays. `form` pairs are names of
/// [`crate::model::REGISTRATION_FIELDS`] and whether the field is required.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistrationChange {
    pub auto_accept: Option<bool>,
    pub form: Vec<(String, bool)>,
    /// Most registrations accepted (0: no limit).
    pub max_registrations: Option<u32>,
}

/// One registrant as a REST request gives them; `profile` uses the registration-form names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistrantRequest {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub profile: BTreeMap<String, String>,
    pub send_email: bool,
}
