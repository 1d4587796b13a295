//! The attendee part of the storage port, and the attendee model: people invited to, or
//! registered for, one meeting (the XML API's attendee service).

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::mail::Mail;
use crate::meeting::MeetingId;
use crate::site::SiteId;
use crate::store::StoreError;

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

#[async_trait]
pub trait AttendeeStore: Send + Sync + 'static {
    /// Inserts the attendees (ids ignored) and queues the mails, in one transaction; returns the
    /// new ids in order.
    async fn insert_attendees(&self, attendees: &[Attendee], mails: &[Mail]) -> Result<Vec<AttendeeId>, StoreError>;
    /// The attendees of one meeting, by id.
    async fn attendees_of(&self, site: SiteId, meeting: MeetingId) -> Result<Vec<Attendee>, StoreError>;
    /// The key of meeting `meeting` of the site (deleted or not).
    async fn meeting_key_of(&self, site: SiteId, meeting: MeetingId) -> Result<Option<u64>, StoreError>;
    /// The key of the live meeting of the site with this confID.
    async fn meeting_key_by_conf_id(&self, site: SiteId, conf_id: u64) -> Result<Option<u64>, StoreError>;
    async fn attendee_by_id(&self, site: SiteId, id: AttendeeId) -> Result<Option<Attendee>, StoreError>;
    /// Removes the attendees and queues the mails, in one transaction. Missing when any id is
    /// unknown (and then nothing is removed).
    async fn delete_attendees(&self, site: SiteId, ids: &[AttendeeId], mails: &[Mail]) -> Result<(), StoreError>;
    /// Sets status and joinStatus and queues the mails, in one transaction. Missing when there is
    /// no such attendee.
    async fn set_attendee_status(
        &self,
        site: SiteId,
        id: AttendeeId,
        status: AttendeeStatus,
        join: JoinStatus,
        mails: &[Mail],
    ) -> Result<(), StoreError>;
    /// Sets an attendee's display name and role. Missing when there is no such attendee.
    async fn set_attendee_details(
        &self,
        site: SiteId,
        id: AttendeeId,
        name: &str,
        role: AttendeeRole,
    ) -> Result<(), StoreError>;
}
