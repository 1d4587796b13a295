//! Host licences. Every licence question is answered here, in one place, so the XML API, the REST
//! API and the booking page cannot disagree about what a plan allows.

use chrono::{DateTime, Datelike, Utc};

use crate::model::{
    DatedPlan, LicenseAction, LicenseDecision, LicenseOutcome, LicensePlan, Meeting, MeetingOptions, Month,
    SiteSettings, User, Verdict,
};
use crate::rules::limits::MAX_REQUESTER;
use crate::rules::timezone;

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

/// Whether `user` may host (or be scheduled as host) under `plan`. Every plan asks for an active
/// user with host rights; on a Named User site that is the same as holding a seat.
pub fn may_host(plan: &LicensePlan, user: &crate::model::User) -> Result<(), crate::error::LicenseError> {
    if holds_seat(user.privileges.host, user.is_active()) {
        Ok(())
    } else {
        Err(crate::error::LicenseError::HostLicenseRequired { webex_id: user.webex_id.clone(), plan: plan.name() })
    }
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
pub fn decide(
    plan: &LicensePlan,
    action: LicenseAction,
    user: Option<&crate::model::User>,
    free_seat: bool,
) -> Verdict {
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

/// The month of `at` on `site`'s calendar (its time zone).
pub fn month_of(site: &SiteSettings, at: DateTime<Utc>) -> Month {
    let zone = timezone::by_id(site.time_zone_id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)]);
    let local = zone.to_local(at);
    u32::try_from(local.year()).unwrap_or(0) * 100 + local.month()
}

/// The person a booking was made for: `given` (the booking page) when there is one; else the
/// first integration tag (a booking system names the person it books for there: kaigi's choice,
/// docs/licensing.md); else the tracking code the site names in `requesterTrackingCode`.
/// Trimmed, lower-cased, at most [`MAX_REQUESTER`] chars.
pub fn requester_of(settings: &SiteSettings, given: Option<&str>, options: &MeetingOptions) -> Option<String> {
    let tracking = &options.tracking;
    let first_tag = options.conduct.integration_tags.iter().flatten().map(|t| t.trim()).find(|t| !t.is_empty());
    // The site names its code as the XML API does (`trackingCode3`); the number is the slot.
    let site_code = settings.requester_tracking_code.trim();
    let slot = site_code
        .get(..12)
        .filter(|p| p.eq_ignore_ascii_case("trackingCode"))
        .and_then(|_| site_code[12..].parse().ok());
    [given, first_tag, slot.and_then(|i: u8| tracking.get(i))]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|v| !v.is_empty())
        .map(|v| v.chars().take(MAX_REQUESTER).collect::<String>().to_lowercase())
}

/// What a plan provides: its seats (Named User) or purchased licences (Active User); None when
/// it sets no limit (Enterprise Agreement).
pub fn capacity(plan: &LicensePlan) -> Option<u32> {
    match plan {
        LicensePlan::NamedUser { seats } => Some(*seats),
        LicensePlan::ActiveUser { purchased, .. } => Some(*purchased),
        LicensePlan::EnterpriseAgreement => None,
    }
}

/// The requester of a booking for `host`, unless it is the host themselves.
pub fn on_behalf_of(requester: Option<String>, host: &User) -> Option<String> {
    requester.filter(|r| !r.eq_ignore_ascii_case(&host.webex_id) && !r.eq_ignore_ascii_case(&host.email))
}

/// Ties a decision to a booking.
pub fn for_booking(mut d: LicenseDecision, m: &Meeting) -> LicenseDecision {
    d.meeting_id = (m.id != 0).then_some(m.id);
    d.meeting_key = (m.meeting_key != 0).then_some(m.meeting_key);
    d.booking_name = m.name.clone();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DatedPlan;
    use crate::model::LicenseAction;
    use crate::model::LicenseOutcome;
    use crate::model::LicensePlan;
    use crate::model::SeatChange;

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

    fn person(host: bool, active: bool) -> crate::model::User {
        let mut u = crate::model::user::fixtures::sample_user();
        u.privileges.host = host;
        u.active = if active { crate::model::ActiveState::Activated } else { crate::model::ActiveState::Deactivated };
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
