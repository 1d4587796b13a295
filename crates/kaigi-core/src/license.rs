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

    #[test]
    fn only_taking_a_seat_is_limited() {
        let named = LicensePlan::NamedUser { seats: 2 };
        assert_eq!(SeatChange::new(false, true, &named).limit, Some(2));
        assert_eq!(SeatChange::new(true, true, &named).limit, None);
        assert_eq!(SeatChange::new(true, false, &named).limit, None);
        assert_eq!(SeatChange::new(false, true, &LicensePlan::EnterpriseAgreement).limit, None);
    }
}
