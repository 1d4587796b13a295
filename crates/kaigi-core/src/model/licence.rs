use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, LicenseError};
use crate::model::{MeetingId, SiteId, User, UserId};

/// One stretch of time a user held a host seat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatPeriod {
    pub user_id: UserId,
    pub assigned_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
}

/// A calendar month as `YYYYMM` (202601 is January 2026), in the site's time zone.
pub type Month = u32;

/// One recorded licence decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseDecision {
    pub id: i64,
    pub site_id: SiteId,
    pub at: DateTime<Utc>,
    pub month: Month,
    pub action: LicenseAction,
    pub outcome: LicenseOutcome,
    /// The person the question was about: their webExId when they are a site user, else their
    /// email (lower-cased).
    pub person: String,
    pub user_id: Option<UserId>,
    /// The booking, once it exists (a refused booking has none).
    pub meeting_id: Option<MeetingId>,
    pub meeting_key: Option<u64>,
    /// The booking's name (kept for refused bookings, which have no key).
    pub booking_name: String,
    /// webExId of the account that made the booking (scheduling decisions).
    pub booked_by: Option<String>,
    /// The person the booking was made for, when that is someone other than `person` (see
    /// [`requester_of`]); lower-cased.
    pub requester: Option<String>,
    /// The plan in force (its name).
    pub plan: String,
    pub reason: String,
}

impl LicenseDecision {
    /// Whether this decision makes `person` one of the month's hosts: an action that counts as
    /// hosting, which was not refused.
    pub fn counts_as_hosting(&self) -> bool {
        self.action.counts_as_hosting() && self.outcome != LicenseOutcome::Refused
    }
}

/// One person who scheduled or hosted in a month (the log's monthly roll-up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostMonth {
    pub month: Month,
    pub person: String,
    pub user_id: Option<UserId>,
}

/// How many refusals or violations of one kind a month had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionCount {
    pub month: Month,
    pub action: LicenseAction,
    pub outcome: LicenseOutcome,
    pub count: u64,
}

/// Who a licence question is about.
#[derive(Debug, Clone, Copy)]
pub enum Person<'a> {
    User(&'a User),
    /// Someone known only by the email they gave (a guest who joined).
    Guest(&'a str),
}

/// What the licence question of a use case answers: the decision (not yet tied to a booking, not yet
/// recorded) and, when a free seat was given, the user as they are now.
#[derive(Debug, Clone)]
pub struct Asked {
    pub decision: LicenseDecision,
    pub updated_user: Option<User>,
    /// The plan in force.
    pub plan: &'static str,
}

impl Asked {
    pub fn refused(&self) -> bool {
        self.decision.outcome == LicenseOutcome::Refused
    }

    /// The error a refused booking answers with (the faces map it: XML FAILURE, REST 403).
    pub fn error(&self) -> Error {
        Error::License(LicenseError::HostLicenseRequired { webex_id: self.decision.person.clone(), plan: self.plan })
    }
}

/// A site's licence plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum LicensePlan {
    /// N seats, each assigned to one person.
    #[serde(rename_all = "camelCase")]
    NamedUser { seats: u32 },
    /// Counted as the distinct hosts of each calendar month, with a contractual minimum.
    #[serde(rename_all = "camelCase")]
    ActiveUser { purchased: u32, minimum: u32 },
    /// Not limited; reported only.
    EnterpriseAgreement,
}

impl LicensePlan {
    /// How many people may hold host rights at once, if the plan limits it.
    pub fn host_seat_limit(&self) -> Option<u32> {
        match self {
            LicensePlan::NamedUser { seats } => Some(*seats),
            LicensePlan::ActiveUser { .. } | LicensePlan::EnterpriseAgreement => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            LicensePlan::NamedUser { .. } => "NamedUser",
            LicensePlan::ActiveUser { .. } => "ActiveUser",
            LicensePlan::EnterpriseAgreement => "EnterpriseAgreement",
        }
    }
}

/// A plan and the moment it took effect; a site's plans form a dated history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedPlan {
    pub effective_from: DateTime<Utc>,
    pub plan: LicensePlan,
}

/// How a user's seat changes with a write; the store records it in the seat history in the same
/// transaction and, when `limit` is set, refuses the write if the site would then hold more seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatChange {
    pub before: bool,
    pub after: bool,
    pub limit: Option<u32>,
}

impl SeatChange {
    pub fn new(before: bool, after: bool, plan: &LicensePlan) -> Self {
        // Only taking a seat can break a limit; keeping or freeing one never does.
        let limit = if after && !before { plan.host_seat_limit() } else { None };
        Self { before, after, limit }
    }
}

/// What a licence question is asked about. Every one of these goes through [`decide`] and leaves a
/// recorded decision (see `license_log`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenseAction {
    /// Being the host a booking is scheduled for (create, or a change of host).
    Schedule,
    /// Being named co-host of a booking (the REST API's `coHost` invitees).
    Cohost,
    /// Being named alternate host (an invitee with role HOST).
    AlternateHost,
    /// Taking the host role in a session with the host key, as someone who is not a host of it.
    HostKeyClaim,
    /// Joining a session as its host or an alternate host (with the host key).
    HostStart,
    /// Not a licence question: a join refused for a wrong meeting password or host key, or for
    /// too many of them (issue #12). Kept in the same log so the report and the site
    /// administrator see the guessing.
    JoinRefused,
}

impl LicenseAction {
    pub const ALL: [LicenseAction; 6] = [
        LicenseAction::Schedule,
        LicenseAction::Cohost,
        LicenseAction::AlternateHost,
        LicenseAction::HostKeyClaim,
        LicenseAction::HostStart,
        LicenseAction::JoinRefused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LicenseAction::Schedule => "schedule",
            LicenseAction::Cohost => "cohost",
            LicenseAction::AlternateHost => "alternate_host",
            LicenseAction::HostKeyClaim => "host_key_claim",
            LicenseAction::HostStart => "host_start",
            LicenseAction::JoinRefused => "join_refused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Naming someone on a booking (as opposed to acting in a running session): refused when
    /// the person holds no licence, and the only kind a free seat may be given for.
    pub fn is_booking(self) -> bool {
        matches!(self, LicenseAction::Schedule | LicenseAction::Cohost | LicenseAction::AlternateHost)
    }

    /// Whether a decision of this kind that let the person through makes them one of the month's
    /// hosts ("people who scheduled or hosted"). Being named co-host or alternate host does not:
    /// such a person counts when they actually host (a `HostStart`).
    pub fn counts_as_hosting(self) -> bool {
        matches!(self, LicenseAction::Schedule | LicenseAction::HostKeyClaim | LicenseAction::HostStart)
    }
}

/// What a licence question decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenseOutcome {
    /// The person holds a licence (Named User seat, or host rights under an Enterprise Agreement).
    Allowed,
    /// Active User plan: allowed, and the person counts as an active host of the month.
    AllowedCounted,
    /// Named User plan with auto-assignment on: the person had no seat and was given a free one.
    AutoAssigned,
    /// Refused: the booking (or the naming) did not happen.
    Refused,
    /// It happened (a session cannot be stopped half-way) and breaks the licence terms.
    Violation,
}

impl LicenseOutcome {
    pub const ALL: [LicenseOutcome; 5] = [
        LicenseOutcome::Allowed,
        LicenseOutcome::AllowedCounted,
        LicenseOutcome::AutoAssigned,
        LicenseOutcome::Refused,
        LicenseOutcome::Violation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LicenseOutcome::Allowed => "allowed",
            LicenseOutcome::AllowedCounted => "allowed_counted",
            LicenseOutcome::AutoAssigned => "auto_assigned",
            LicenseOutcome::Refused => "refused",
            LicenseOutcome::Violation => "violation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Refusals and violations: what the report lists one by one.
    pub fn is_exception(self) -> bool {
        matches!(self, LicenseOutcome::Refused | LicenseOutcome::Violation)
    }
}

/// The answer to one licence question, before it is tied to a booking and recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: LicenseOutcome,
    pub reason: String,
}

/// The site's meeting licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceSummary {
    pub plan: LicensePlan,
    /// Units bought; None when the plan does not limit them (Enterprise Agreement).
    pub total: Option<u32>,
    /// People holding host rights now.
    pub consumed: u32,
}
