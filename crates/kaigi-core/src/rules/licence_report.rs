use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::error::{Error, Field, Result};
use crate::model::{
    ActiveUserWhatIf, DatedPlan, HostMonth, LicenseAction, LicenseDecision, LicenseOutcome, LicensePlan, LicenseReport,
    Month, MonthReport, NamedUserWhatIf, PlanView, ReportData, SeatPeriod, Site, UserId, Violation, WhatIf,
};
use crate::rules::licence::plan_in_force;
use crate::rules::timezone;

/// Reads "YYYY-MM".
pub fn parse_month(field: Field, s: &str) -> Result<Month> {
    let bad = || Error::invalid(field, "must be a month as YYYY-MM, e.g. 2026-01");
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    let (y, m): (u32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok(y * 100 + m)
}

pub fn format_month(m: Month) -> String {
    format!("{:04}-{:02}", m / 100, m % 100)
}

pub fn next_month(m: Month) -> Month {
    if m % 100 == 12 {
        (m / 100 + 1) * 100 + 1
    } else {
        m + 1
    }
}

/// The months from `from` to `to`, inclusive.
pub fn months_between(from: Month, to: Month) -> Vec<Month> {
    let mut out = Vec::new();
    let mut m = from;
    while m <= to {
        out.push(m);
        m = next_month(m);
    }
    out
}

pub fn plan_at(history: &[DatedPlan], at: DateTime<Utc>) -> PlanView {
    let effective_from = history.iter().filter(|p| p.effective_from <= at).map(|p| p.effective_from).max();
    PlanView { plan: plan_in_force(history, at), effective_from }
}

pub fn exception_kind(action: LicenseAction, outcome: LicenseOutcome) -> &'static str {
    match (action, outcome) {
        (LicenseAction::JoinRefused, _) => "refused_join",
        (_, LicenseOutcome::Refused) => "refused_booking",
        (LicenseAction::HostKeyClaim, _) => "unlicensed_host_key_claim",
        _ => "unlicensed_host",
    }
}

pub fn listed(kind: &'static str, d: &LicenseDecision, reason: String) -> Violation {
    Violation {
        kind,
        person: Some(d.person.clone()),
        booking: d.meeting_key.map(|k| k.to_string()),
        booking_name: (!d.booking_name.is_empty()).then(|| d.booking_name.clone()),
        at: d.at,
        action: Some(d.action.as_str()),
        requester: d.requester.clone(),
        reason,
    }
}

/// The instant a month begins on the site's calendar.
pub fn month_start(zone_id: u16, m: Month) -> DateTime<Utc> {
    let zone = timezone::by_id(zone_id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)]);
    let local = NaiveDate::from_ymd_opt(i32::try_from(m / 100).unwrap_or(1970), m % 100, 1)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    zone.to_utc(local).unwrap_or_else(|_| local.and_utc())
}

/// Seats held during [start, end): the users, and the most held at one time.
pub fn seats_during(seats: &[SeatPeriod], start: DateTime<Utc>, end: DateTime<Utc>) -> (HashSet<UserId>, u32) {
    let overlapping: Vec<&SeatPeriod> =
        seats.iter().filter(|p| p.assigned_at < end && p.released_at.is_none_or(|r| r > start)).collect();
    let holders = overlapping.iter().map(|p| p.user_id).collect();
    // Sweep: +1 at each assignment, -1 at each release; releases first at equal instants.
    let mut steps: Vec<(DateTime<Utc>, i32)> = Vec::new();
    for p in &overlapping {
        steps.push((p.assigned_at.max(start), 1));
        if let Some(r) = p.released_at.filter(|r| *r < end) {
            steps.push((r, -1));
        }
    }
    steps.sort();
    let (mut now, mut peak) = (0i32, 0i32);
    for (_, d) in steps {
        now += d;
        peak = peak.max(now);
    }
    (holders, u32::try_from(peak).unwrap_or(0))
}

/// Computes the report over `from..=to` (months on the site's calendar) at `now`.
pub fn compute(site: &Site, from: Month, to: Month, data: &ReportData, now: DateTime<Utc>) -> LicenseReport {
    let zone_id = site.settings.time_zone_id;
    let mut months = Vec::new();
    let mut everyone: HashSet<&str> = HashSet::new();
    let latest_active_minimum = |at: DateTime<Utc>| {
        data.plans
            .iter()
            .filter(|p| p.effective_from <= at)
            .filter_map(|p| match p.plan {
                LicensePlan::ActiveUser { minimum, .. } => Some(minimum),
                _ => None,
            })
            .next_back()
            .unwrap_or(0)
    };
    for m in months_between(from, to) {
        let start = month_start(zone_id, m);
        let end = month_start(zone_id, next_month(m));
        let plan = plan_at(&data.plans, (end - Duration::milliseconds(1)).min(now).max(start));
        let hosts: Vec<&HostMonth> = data.hosts.iter().filter(|h| h.month == m).collect();
        everyone.extend(hosts.iter().map(|h| h.person.as_str()));
        let distinct_hosts = u32::try_from(hosts.len()).unwrap_or(u32::MAX);
        let (holders, seats_assigned) = seats_during(&data.seats, start, end);
        let hosted_without_seat = hosts.iter().filter(|h| h.user_id.is_none_or(|id| !holders.contains(&id))).count();
        let needed_named_user = u32::try_from(holders.len() + hosted_without_seat).unwrap_or(u32::MAX);
        let minimum = match plan.plan {
            LicensePlan::ActiveUser { minimum, .. } => minimum,
            _ => latest_active_minimum(end),
        };
        let over_purchase =
            matches!(plan.plan, LicensePlan::ActiveUser { purchased, .. } if distinct_hosts > purchased);
        let mut violation_counts: BTreeMap<&'static str, u64> = BTreeMap::new();
        for c in data.exception_counts.iter().filter(|c| c.month == m) {
            *violation_counts.entry(exception_kind(c.action, c.outcome)).or_default() += c.count;
        }
        let mut violations: Vec<Violation> = data
            .exceptions
            .iter()
            .filter(|d| d.month == m)
            .map(|d| listed(exception_kind(d.action, d.outcome), d, d.reason.clone()))
            .collect();
        let shared: Vec<&LicenseDecision> = data.shared.iter().filter(|d| d.month == m).collect();
        if !shared.is_empty() {
            violation_counts.insert("shared_account", shared.len() as u64);
        }
        for d in shared {
            let reason = format!(
                "{} was booked on behalf of {}; one host account booked for several people this month",
                d.person,
                d.requester.as_deref().unwrap_or("someone else")
            );
            violations.push(listed("shared_account", d, reason));
        }
        if over_purchase {
            if let LicensePlan::ActiveUser { purchased, .. } = plan.plan {
                violation_counts.insert("over_purchase", 1);
                violations.push(Violation {
                    kind: "over_purchase",
                    person: None,
                    booking: None,
                    booking_name: None,
                    at: end.min(now),
                    action: None,
                    requester: None,
                    reason: format!("{distinct_hosts} distinct hosts, {purchased} Active User licences purchased"),
                });
            }
        }
        violations.sort_by(|a, b| a.at.cmp(&b.at).then(a.kind.cmp(b.kind)));
        months.push(MonthReport {
            month: format_month(m),
            plan,
            distinct_hosts,
            seats_assigned,
            needed_named_user,
            needed_active_user: distinct_hosts.max(minimum),
            active_user_minimum: minimum,
            over_purchase,
            violation_counts,
            violations,
        });
    }
    let peak = |f: fn(&MonthReport) -> u32| {
        months.iter().max_by_key(|r| (f(r), std::cmp::Reverse(r.month.clone()))).map(|r| (f(r), r.month.clone()))
    };
    let (named, named_month) = peak(|r| r.needed_named_user).unzip();
    let (active, active_month) = peak(|r| r.needed_active_user).unzip();
    let current = plan_at(&data.plans, now);
    let current_licences = match current.plan {
        LicensePlan::NamedUser { seats } => Some(seats),
        LicensePlan::ActiveUser { purchased, .. } => Some(purchased),
        LicensePlan::EnterpriseAgreement => None,
    };
    let violations_total: u64 = months.iter().flat_map(|r| r.violation_counts.values()).sum();
    let violations_listed = months.iter().map(|r| r.violations.len() as u64).sum();
    LicenseReport {
        site: site.name.clone(),
        from: format_month(from),
        to: format_month(to),
        time_zone_id: zone_id,
        generated_at: now,
        plan: current.clone(),
        plan_history: data
            .plans
            .iter()
            .map(|p| PlanView { plan: p.plan.clone(), effective_from: Some(p.effective_from) })
            .collect(),
        what_if: WhatIf {
            current,
            current_licences,
            named_user: NamedUserWhatIf {
                licences: named.unwrap_or(0),
                peak_month: named_month,
                people_who_hosted: u32::try_from(everyone.len()).unwrap_or(u32::MAX),
            },
            active_user: ActiveUserWhatIf {
                licences: active.unwrap_or(0),
                peak_month: active_month,
                minimum: latest_active_minimum(now),
                months_over_purchase: u32::try_from(months.iter().filter(|r| r.over_purchase).count())
                    .unwrap_or(u32::MAX),
            },
        },
        truncated: violations_listed < violations_total || data.shared_truncated,
        violations_total,
        violations_listed,
        months,
    }
}

/// The twelve months ending with the current one on the site's calendar, as ("YYYY-MM", "YYYY-MM").
pub fn last_twelve_months(site: &Site, now: DateTime<Utc>) -> (String, String) {
    let to = crate::rules::licence::month_of(&site.settings, now);
    let from = if to % 100 == 12 { to - 11 } else { (to / 100 - 1) * 100 + to % 100 + 1 };
    (format_month(from), format_month(to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DatedPlan;
    use crate::model::ExceptionCount;
    use crate::model::HostMonth;
    use crate::model::LicenseAction;
    use crate::model::LicenseDecision;
    use crate::model::LicenseOutcome;
    use crate::model::LicensePlan;
    use crate::model::Month;
    use crate::model::ReportData;
    use crate::model::SeatPeriod;
    use crate::model::Site;
    use crate::model::SiteSettings;
    use crate::model::UserId;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn site() -> Site {
        Site {
            id: 1,
            name: "demo".into(),
            site_number: 1,
            settings: SiteSettings::default(),
            created_at: at("2025-01-01T00:00:00Z"),
        }
    }

    fn host(month: Month, person: &str, user_id: Option<UserId>) -> HostMonth {
        HostMonth { month, person: person.into(), user_id }
    }

    fn seat(user_id: UserId, from: &str, to: Option<&str>) -> SeatPeriod {
        SeatPeriod { user_id, assigned_at: at(from), released_at: to.map(at) }
    }

    fn exception(
        month: Month,
        when: &str,
        action: LicenseAction,
        outcome: LicenseOutcome,
        person: &str,
    ) -> LicenseDecision {
        LicenseDecision {
            id: 0,
            site_id: 1,
            at: at(when),
            month,
            action,
            outcome,
            person: person.into(),
            user_id: None,
            meeting_id: Some(7),
            meeting_key: Some(123456789),
            booking_name: "Weekly".into(),
            booked_by: None,
            requester: None,
            plan: "NamedUser".into(),
            reason: "r".into(),
        }
    }

    #[test]
    fn months_are_read_and_written_as_yyyy_mm() {
        assert_eq!(parse_month(Field::From, "2026-01").unwrap(), 202601);
        assert_eq!(parse_month(Field::From, " 2026-12 ").unwrap(), 202612);
        for bad in ["2026", "2026-13", "2026-00", "26-01", "x-y", "", "2026-1-1"] {
            assert!(parse_month(Field::From, bad).is_err(), "{bad}");
        }
        assert_eq!(format_month(202603), "2026-03");
        assert_eq!(months_between(202511, 202602), [202511, 202512, 202601, 202602]);
    }

    #[test]
    fn the_default_range_is_the_last_twelve_months() {
        let s = site();
        assert_eq!(last_twelve_months(&s, at("2026-11-25T12:00:00Z")), ("2025-12".into(), "2026-11".into()));
        assert_eq!(last_twelve_months(&s, at("2026-12-25T12:00:00Z")), ("2026-01".into(), "2026-12".into()));
        assert_eq!(last_twelve_months(&s, at("2026-01-25T12:00:00Z")), ("2025-02".into(), "2026-01".into()));
    }

    #[test]
    fn seats_assigned_is_the_most_held_at_one_time() {
        let seats = [
            seat(1, "2025-12-01T00:00:00Z", None),
            seat(2, "2026-01-05T00:00:00Z", Some("2026-01-10T00:00:00Z")),
            seat(3, "2026-01-10T00:00:00Z", Some("2026-01-20T00:00:00Z")),
            seat(4, "2026-02-01T00:00:00Z", None),
        ];
        let (holders, peak) = seats_during(&seats, at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00Z"));
        // 2 leaves when 3 arrives: never more than two at once, though three people held one.
        assert_eq!(peak, 2);
        assert_eq!(holders, HashSet::from([1, 2, 3]));
    }

    #[test]
    fn a_year_of_the_threads_company_under_named_then_active() {
        use crate::model::LicenseAction::*;
        use crate::model::LicenseOutcome::*;
        let data = ReportData {
            plans: vec![
                DatedPlan { effective_from: at("2025-06-01T00:00:00Z"), plan: LicensePlan::NamedUser { seats: 2 } },
                DatedPlan {
                    effective_from: at("2026-02-15T00:00:00Z"),
                    plan: LicensePlan::ActiveUser { purchased: 2, minimum: 2 },
                },
            ],
            seats: vec![seat(1, "2025-06-01T00:00:00Z", None), seat(2, "2025-06-01T00:00:00Z", None)],
            hosts: vec![
                host(202601, "host01", Some(1)),
                host(202601, "emp001@demo.example", None),
                host(202602, "host01", Some(1)),
                host(202602, "host02", Some(2)),
                host(202602, "emp002", Some(12)),
                host(202603, "host01", Some(1)),
            ],
            exception_counts: vec![
                ExceptionCount { month: 202601, action: HostKeyClaim, outcome: Violation, count: 1 },
                ExceptionCount { month: 202601, action: Schedule, outcome: Refused, count: 3 },
            ],
            exceptions: vec![
                exception(202601, "2026-01-10T00:00:00Z", HostKeyClaim, Violation, "emp001@demo.example"),
                exception(202601, "2026-01-09T00:00:00Z", Schedule, Refused, "emp009"),
            ],
            shared: vec![],
            shared_truncated: false,
        };
        let r = compute(&site(), 202601, 202603, &data, at("2026-03-20T00:00:00Z"));
        let row = |i: usize| {
            let m = &r.months[i];
            (m.distinct_hosts, m.seats_assigned, m.needed_named_user, m.needed_active_user, m.over_purchase)
        };
        // January: two seats; the guest who claimed the host role needed a third.
        assert_eq!(row(0), (2, 2, 3, 2, false));
        // February ends on Active User (2 purchased) with three distinct hosts: over the purchase.
        assert_eq!(row(1), (3, 2, 3, 3, true));
        assert_eq!(r.months[1].plan.plan.name(), "ActiveUser");
        assert_eq!(row(2), (1, 2, 2, 2, false), "the minimum holds in a quiet month");
        assert_eq!(r.months[0].plan.plan, LicensePlan::NamedUser { seats: 2 });
        let jan = &r.months[0];
        assert_eq!(jan.violation_counts["refused_booking"], 3);
        assert_eq!(jan.violation_counts["unlicensed_host_key_claim"], 1);
        let kinds: Vec<&str> = jan.violations.iter().map(|v| v.kind).collect();
        assert_eq!(kinds, ["refused_booking", "unlicensed_host_key_claim"], "by time");
        assert_eq!(jan.violations[1].booking.as_deref(), Some("123456789"));
        assert_eq!(r.months[1].violation_counts["over_purchase"], 1);
        assert_eq!(r.violations_total, 5);
        assert!(r.truncated, "two refusals are counted but not listed");
        assert_eq!(r.what_if.named_user.licences, 3);
        assert_eq!(r.what_if.named_user.peak_month.as_deref(), Some("2026-01"));
        assert_eq!(r.what_if.named_user.people_who_hosted, 4);
        assert_eq!((r.what_if.active_user.licences, r.what_if.active_user.minimum), (3, 2));
        assert_eq!(r.what_if.active_user.months_over_purchase, 1);
        assert_eq!(r.what_if.current_licences, Some(2));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["months"][0]["month"], "2026-01");
        assert_eq!(json["months"][0]["neededNamedUser"], 3);
        assert_eq!(json["plan"]["kind"], "activeUser");
        assert_eq!(json["months"][0]["violations"][0]["kind"], "refused_booking");
    }

    #[test]
    fn shared_accounts_are_listed_with_each_booking() {
        let mut a =
            exception(202604, "2026-04-01T00:00:00Z", LicenseAction::Schedule, LicenseOutcome::Allowed, "booking");
        a.requester = Some("emp001".into());
        let mut b = a.clone();
        b.requester = Some("emp002".into());
        b.at = at("2026-04-02T00:00:00Z");
        let data = ReportData { shared: vec![a, b], ..ReportData::default() };
        let r = compute(&site(), 202604, 202604, &data, at("2026-05-01T00:00:00Z"));
        let m = &r.months[0];
        assert_eq!(m.violation_counts["shared_account"], 2);
        assert_eq!(m.violations[1].requester.as_deref(), Some("emp002"));
        assert_eq!(m.violations[1].person.as_deref(), Some("booking"));
        assert_eq!(r.plan.plan, LicensePlan::EnterpriseAgreement, "no plan yet: not limited");
    }
}
