//! Webhooks: what an integration asked to be told (resource, event, filter, where), the changes
//! kaigi records for them (the outbox), and one delivery of one change to one webhook.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{MeetingId, SessionKind, SiteId, UserId};

pub type WebhookId = i64;
pub type ChangeId = i64;
pub type DeliveryId = i64;

/// What a webhook watches. Only the meetings resources exist in kaigi; the vendor's others
/// (messages, rooms, telephony ...) are refused by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WebhookResource {
    Meetings,
    MeetingParticipants,
    Recordings,
}

impl WebhookResource {
    pub const ALL: [WebhookResource; 3] =
        [WebhookResource::Meetings, WebhookResource::MeetingParticipants, WebhookResource::Recordings];

    pub fn name(self) -> &'static str {
        match self {
            WebhookResource::Meetings => "meetings",
            WebhookResource::MeetingParticipants => "meetingParticipants",
            WebhookResource::Recordings => "recordings",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// What happened to the resource. `All` is a webhook's wildcard (`event: "all"`), never a change's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WebhookEvent {
    Created,
    Updated,
    Deleted,
    Started,
    Ended,
    Joined,
    Left,
    All,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 8] = [
        WebhookEvent::Created,
        WebhookEvent::Updated,
        WebhookEvent::Deleted,
        WebhookEvent::Started,
        WebhookEvent::Ended,
        WebhookEvent::Joined,
        WebhookEvent::Left,
        WebhookEvent::All,
    ];

    pub fn name(self) -> &'static str {
        match self {
            WebhookEvent::Created => "created",
            WebhookEvent::Updated => "updated",
            WebhookEvent::Deleted => "deleted",
            WebhookEvent::Started => "started",
            WebhookEvent::Ended => "ended",
            WebhookEvent::Joined => "joined",
            WebhookEvent::Left => "left",
            WebhookEvent::All => "all",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebhookStatus {
    Active,
    /// Stopped by kaigi after deliveries kept failing, or by a refused target; PUT
    /// `status: active` starts it again, and what it missed meanwhile is delivered then.
    Inactive,
}

impl WebhookStatus {
    pub fn name(self) -> &'static str {
        match self {
            WebhookStatus::Active => "active",
            WebhookStatus::Inactive => "inactive",
        }
    }
}

/// Whose a webhook is: its creator's (events the creator may see), or the whole site's (a site
/// administrator's, events of every meeting of the site).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebhookOwner {
    Creator,
    Org,
}

impl WebhookOwner {
    pub fn name(self) -> &'static str {
        match self {
            WebhookOwner::Creator => "creator",
            WebhookOwner::Org => "org",
        }
    }
}

/// The keys a webhook's filter may name, `key=value` joined by `&`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilterKey {
    MeetingId,
    HostUserId,
    HostEmail,
    SiteUrl,
    MeetingType,
}

impl FilterKey {
    pub const ALL: [FilterKey; 5] =
        [FilterKey::MeetingId, FilterKey::HostUserId, FilterKey::HostEmail, FilterKey::SiteUrl, FilterKey::MeetingType];

    pub fn name(self) -> &'static str {
        match self {
            FilterKey::MeetingId => "meetingId",
            FilterKey::HostUserId => "hostUserId",
            FilterKey::HostEmail => "hostEmail",
            FilterKey::SiteUrl => "siteUrl",
            FilterKey::MeetingType => "meetingType",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One condition of a filter, its value as the face decoded it: ids are kaigi's own (a meeting's
/// uuid, a user's id), so the faces' id formats stay out of the rule that matches them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilterTerm {
    /// The meeting series (uuid), or one of its occurrences (`uuid_yyyymmddThhmmssZ`).
    MeetingId(String),
    HostUserId(UserId),
    HostEmail(String),
    SiteUrl(String),
    MeetingType(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: WebhookId,
    pub site_id: SiteId,
    /// The user whose token made it (`createdBy`).
    pub created_by: UserId,
    /// The integration whose token made it (`appId`); None for a personal token.
    pub app_client_id: Option<String>,
    pub name: String,
    pub target_url: String,
    pub resource: WebhookResource,
    pub event: WebhookEvent,
    /// The filter as it was sent (answered back unchanged) ...
    pub filter: String,
    /// ... and as kaigi matches it.
    pub terms: Vec<FilterTerm>,
    pub secret: Option<String>,
    pub owned_by: WebhookOwner,
    pub status: WebhookStatus,
    pub created_at: DateTime<Utc>,
}

/// A new webhook as a face read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    pub name: String,
    pub target_url: String,
    pub resource: WebhookResource,
    pub event: WebhookEvent,
    pub filter: String,
    pub terms: Vec<FilterTerm>,
    pub secret: Option<String>,
    pub owned_by: WebhookOwner,
}

/// An update: the vendor's PUT names `name` and `targetUrl` (both required), `secret`,
/// `ownedBy` and `status`; what is None is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookChange {
    pub name: String,
    pub target_url: String,
    pub secret: Option<String>,
    pub owned_by: Option<WebhookOwner>,
    pub status: Option<WebhookStatus>,
}

/// What the change was about, kept with it so that the delivery (and a filter) needs no lookup
/// of a meeting that may be gone since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeFacts {
    pub meeting_uuid: String,
    pub meeting_key: u64,
    pub kind: SessionKind,
    pub title: String,
    pub host_id: UserId,
    pub host_email: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The occurrence a change of one occurrence is about (its original start).
    pub occurrence: Option<DateTime<Utc>>,
    /// A participant's (joined, left).
    pub participant: Option<ParticipantFacts>,
    /// A recording's.
    pub recording: Option<RecordingFacts>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantFacts {
    pub display_name: String,
    pub email: String,
    pub host: bool,
    pub joined_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingFacts {
    /// The recording's uuid: its id in the REST API.
    pub recording_uuid: String,
    pub topic: String,
    pub duration_s: u32,
    pub size_kb: u64,
    pub format: String,
}

/// One change a webhook may be told of, written in the same transaction as the change itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    /// 0 until stored.
    pub id: ChangeId,
    pub site_id: SiteId,
    pub resource: WebhookResource,
    pub event: WebhookEvent,
    /// The meeting; 0 for a meeting being created (the store ties it).
    pub meeting_id: MeetingId,
    /// The participant or recording; 0 while the store has yet to give it its id.
    pub subject_id: i64,
    /// Who made the change (`actorId`); None when nobody signed in did (a guest, the lifecycle).
    pub actor_id: Option<UserId>,
    pub at: DateTime<Utc>,
    pub facts: ChangeFacts,
}

/// One change on its way to one webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: DeliveryId,
    pub webhook: Webhook,
    pub change: ChangeEvent,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The receiver answered 2xx.
    Delivered { status: u16 },
    /// Any other answer, a timeout or a connection failure: tried again later.
    Failed { why: String },
    /// The target is not one the site allows (any more): not sent at all.
    Refused,
}

/// One attempt at a delivery, as the worker records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub delivery: DeliveryId,
    pub outcome: DeliveryOutcome,
    pub at: DateTime<Utc>,
}
