//! Host licences. Every licence question is answered here, in one place, so the XML API, the REST
//! API and the booking page cannot disagree about what a plan allows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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

/// The plan in force at `at`: the latest one that took effect at or before it. A site with no plan
/// yet is treated as an Enterprise Agreement (not limited).
pub fn plan_in_force(history: &[DatedPlan], at: DateTime<Utc>) -> LicensePlan {
    history
        .iter()
        .filter(|p| p.effective_from <= at)
        .max_by_key(|p| p.effective_from)
        .map(|p| p.plan.clone())
        .unwrap_or(LicensePlan::EnterpriseAgreement)
}

/// Whether a user holds (or would hold) a host seat: an active user with host rights. On a Named
/// User site each such user occupies one seat; deactivating the user or removing host rights frees
/// it, and activating or granting host takes one.
pub fn holds_seat(is_host: bool, is_active: bool) -> bool {
    is_host && is_active
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

/// Whether `user` may host (or be scheduled as host) under `plan`. Every plan asks for an active
/// user with host rights; on a Named User site that is the same as holding a seat.
pub fn may_host(plan: &LicensePlan, user: &crate::user::User) -> Result<(), crate::error::LicenseError> {
    if holds_seat(user.privileges.host, user.is_active()) {
        Ok(())
    } else {
        Err(crate::error::LicenseError::HostLicenseRequired { webex_id: user.webex_id.clone(), plan: plan.name() })
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

/// The one licence rule. `user` is the site user the question is about (None: a guest, known only
/// by email); `free_seat` says whether the site gives free seats away automatically and one is
/// free now (only asked for a Named User plan and a booking action).
///
/// - Whoever is named on a booking as host, co-host or alternate host needs a licence: an active
///   user with host rights (on a Named User plan that is a seat). Without one the naming is
///   refused, unless a free seat may be given (Named User plan, auto-assignment on, an active
///   user). Under an Active User plan a licensed person is allowed and counted.
/// - In a running session nothing is refused: someone who hosts without a licence (a guest who
///   claims the host role with the host key, or a host whose licence was taken away after the
///   booking) is recorded as a violation.
pub fn decide(plan: &LicensePlan, action: LicenseAction, user: Option<&crate::user::User>, free_seat: bool) -> Verdict {
    let licensed = user.is_some_and(|u| holds_seat(u.privileges.host, u.is_active()));
    let verdict = |outcome, reason: String| Verdict { outcome, reason };
    if licensed {
        return match plan {
            LicensePlan::ActiveUser { .. } => verdict(
                LicenseOutcome::AllowedCounted,
                "holds host rights; counted as an active host of the month (Active User plan)".into(),
            ),
            LicensePlan::NamedUser { .. } => verdict(LicenseOutcome::Allowed, "holds a Named User seat".into()),
            LicensePlan::EnterpriseAgreement => {
                verdict(LicenseOutcome::Allowed, "holds host rights (Enterprise Agreement)".into())
            }
        };
    }
    let who = match user {
        Some(u) if !u.is_active() => "a deactivated user",
        Some(_) => "a user without a host licence",
        None => "a guest who is no user of the site",
    };
    if action.is_booking() {
        let can_take_seat = user.is_some_and(|u| u.is_active());
        if free_seat && can_take_seat && matches!(plan, LicensePlan::NamedUser { .. }) {
            return verdict(
                LicenseOutcome::AutoAssigned,
                "had no seat and was given a free one (the site assigns free seats automatically)".into(),
            );
        }
        return verdict(
            LicenseOutcome::Refused,
            format!(
                "{who} cannot be {} ({} plan): a site administrator must assign a host licence first",
                match action {
                    LicenseAction::Schedule => "scheduled as host",
                    LicenseAction::Cohost => "named co-host",
                    _ => "named alternate host",
                },
                plan.name()
            ),
        );
    }
    let what = match action {
        LicenseAction::HostKeyClaim => "claimed the host role with the host key",
        _ => "hosted the session",
    };
    verdict(LicenseOutcome::Violation, format!("{who} {what} without a host licence ({} plan)", plan.name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(s, 0).unwrap()
    }

    #[test]
    fn the_latest_plan_in_effect_wins() {
        let history = vec![
            DatedPlan { effective_from: at(100), plan: LicensePlan::NamedUser { seats: 10 } },
            DatedPlan { effective_from: at(200), plan: LicensePlan::ActiveUser { purchased: 5, minimum: 3 } },
        ];
        assert_eq!(plan_in_force(&history, at(50)), LicensePlan::EnterpriseAgreement);
        assert_eq!(plan_in_force(&history, at(150)), LicensePlan::NamedUser { seats: 10 });
        assert_eq!(plan_in_force(&history, at(250)).name(), "ActiveUser");
    }

    fn person(host: bool, active: bool) -> crate::user::User {
        let mut u = crate::admin::tests::sample_user();
        u.privileges.host = host;
        u.active = if active { crate::user::ActiveState::Activated } else { crate::user::ActiveState::Deactivated };
        u
    }

    #[test]
    fn a_licensed_host_is_allowed_and_counted_only_under_active_user() {
        let host = person(true, true);
        let named = LicensePlan::NamedUser { seats: 3 };
        let active = LicensePlan::ActiveUser { purchased: 3, minimum: 2 };
        for action in LicenseAction::ALL {
            assert_eq!(decide(&named, action, Some(&host), false).outcome, LicenseOutcome::Allowed);
            assert_eq!(decide(&active, action, Some(&host), false).outcome, LicenseOutcome::AllowedCounted);
            assert_eq!(
                decide(&LicensePlan::EnterpriseAgreement, action, Some(&host), false).outcome,
                LicenseOutcome::Allowed
            );
        }
    }

    #[test]
    fn bookings_without_a_licence_are_refused_unless_a_free_seat_may_be_given() {
        let named = LicensePlan::NamedUser { seats: 3 };
        let employee = person(false, true);
        for action in [LicenseAction::Schedule, LicenseAction::Cohost, LicenseAction::AlternateHost] {
            let refused = decide(&named, action, Some(&employee), false);
            assert_eq!(refused.outcome, LicenseOutcome::Refused);
            assert!(refused.reason.contains("assign a host licence"), "{}", refused.reason);
            assert_eq!(decide(&named, action, Some(&employee), true).outcome, LicenseOutcome::AutoAssigned);
            // A free seat is never given to a guest or a deactivated user, nor outside Named User.
            assert_eq!(decide(&named, action, None, true).outcome, LicenseOutcome::Refused);
            assert_eq!(decide(&named, action, Some(&person(true, false)), true).outcome, LicenseOutcome::Refused);
            let active = LicensePlan::ActiveUser { purchased: 3, minimum: 2 };
            assert_eq!(decide(&active, action, Some(&employee), true).outcome, LicenseOutcome::Refused);
        }
    }

    #[test]
    fn hosting_without_a_licence_is_a_violation_not_a_refusal() {
        let named = LicensePlan::NamedUser { seats: 3 };
        let claim = decide(&named, LicenseAction::HostKeyClaim, None, true);
        assert_eq!(claim.outcome, LicenseOutcome::Violation);
        assert!(claim.reason.contains("host key"), "{}", claim.reason);
        let start = decide(&named, LicenseAction::HostStart, Some(&person(false, true)), false);
        assert_eq!(start.outcome, LicenseOutcome::Violation);
    }

    #[test]
    fn names_round_trip() {
        for a in LicenseAction::ALL {
            assert_eq!(LicenseAction::parse(a.as_str()), Some(a));
        }
        for o in LicenseOutcome::ALL {
            assert_eq!(LicenseOutcome::parse(o.as_str()), Some(o));
        }
    }

    #[test]
    fn only_taking_a_seat_is_limited() {
        let named = LicensePlan::NamedUser { seats: 2 };
        assert_eq!(SeatChange::new(false, true, &named).limit, Some(2));
        assert_eq!(SeatChange::new(true, true, &named).limit, None);
        assert_eq!(SeatChange::new(true, false, &named).limit, None);
        assert_eq!(SeatChange::new(false, true, &LicensePlan::EnterpriseAgreement).limit, None);
    }
}
