//! Expanding a repeat rule into occurrences. Dates are counted in the meeting's own time zone
//! (a weekly 10:00 meeting stays at 10:00 across a daylight-saving change) and each occurrence is
//! then turned into UTC.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, Utc, Weekday};

use crate::model::{Recurrence, RepeatKind};
use crate::rules::timezone::TimeZoneInfo;

/// No series is expanded past this many occurrences.
pub const MAX_OCCURRENCES: usize = 1000;
/// … nor further than this many years after its first start.
const MAX_YEARS: i32 = 20;

pub fn week_start(d: NaiveDate) -> NaiveDate {
    // Weeks run Sunday to Saturday, as the service's calendars show them.
    d - Duration::days(i64::from(d.weekday().num_days_from_sunday()))
}

pub fn last_day_of_month(year: i32, month: u32) -> u32 {
    let first_next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    first_next.and_then(|d| d.pred_opt()).map(|d| d.day()).unwrap_or(28)
}

/// The n-th `weekday` of a month (5 = the last one).
pub fn nth_weekday(year: i32, month: u32, n: u32, weekday: Weekday) -> Option<NaiveDate> {
    if n >= 5 {
        let last = NaiveDate::from_ymd_opt(year, month, last_day_of_month(year, month))?;
        let back = (7 + last.weekday().num_days_from_sunday() - weekday.num_days_from_sunday()) % 7;
        return Some(last - Duration::days(i64::from(back)));
    }
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n as u8)
}

/// The day of `month` a monthly or yearly rule picks; a day past the month's end (31 in April)
/// falls on its last day.
pub fn day_in(rule: &Recurrence, year: i32, month: u32, first: NaiveDate) -> Option<NaiveDate> {
    match (rule.week_in_month, rule.days_in_week.first()) {
        (Some(n), Some(day)) => nth_weekday(year, month, n, *day),
        _ => {
            let day = rule.day_in_month.unwrap_or(first.day()).clamp(1, 31);
            NaiveDate::from_ymd_opt(year, month, day.min(last_day_of_month(year, month)))
        }
    }
}

/// Candidate dates in order, from the first start's date on, as the rule defines them.
pub fn dates(rule: &Recurrence, first: NaiveDate) -> Box<dyn Iterator<Item = NaiveDate> + '_> {
    let interval = rule.interval.max(1);
    match rule.kind {
        RepeatKind::NoRepeat | RepeatKind::Constant => Box::new(std::iter::once(first)),
        RepeatKind::Daily if !rule.days_in_week.is_empty() => {
            Box::new(first.iter_days().filter(move |d| rule.days_in_week.contains(&d.weekday())))
        }
        RepeatKind::Daily => Box::new(first.iter_days().step_by(interval as usize)),
        RepeatKind::Weekly => {
            let mut days: Vec<Weekday> =
                if rule.days_in_week.is_empty() { vec![first.weekday()] } else { rule.days_in_week.clone() };
            days.sort_by_key(|d| d.num_days_from_sunday());
            days.dedup();
            let start = week_start(first);
            Box::new(
                (0u64..)
                    .map(move |k| start + Duration::weeks((k * u64::from(interval)) as i64))
                    .flat_map(move |week| {
                        days.clone()
                            .into_iter()
                            .map(move |d| week + Duration::days(i64::from(d.num_days_from_sunday())))
                    })
                    .filter(move |d| *d >= first),
            )
        }
        RepeatKind::Monthly => Box::new(
            (0u32..)
                .filter_map(move |k| first.with_day(1)?.checked_add_months(Months::new(k * interval)))
                .filter_map(move |m| day_in(rule, m.year(), m.month(), first))
                .filter(move |d| *d >= first),
        ),
        RepeatKind::Yearly => Box::new(
            (0i32..)
                .map(move |k| first.year() + k * interval as i32)
                .filter_map(move |y| day_in(rule, y, rule.month_in_year.unwrap_or(first.month()).clamp(1, 12), first))
                .filter(move |d| *d >= first),
        ),
    }
}

/// The starts (UTC) of a series whose first start is `first_local` in `zone`, that fall within
/// `[from, to]`, at most `limit` of them. The rule's own end (occurrence count, expiration date)
/// and the caps ([`MAX_OCCURRENCES`], 20 years) apply.
pub fn starts_between(
    rule: &Recurrence,
    first_local: NaiveDateTime,
    zone: &TimeZoneInfo,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: usize,
) -> Vec<DateTime<Utc>> {
    let time = first_local.time();
    let horizon = first_local.date().with_year(first_local.year() + MAX_YEARS).unwrap_or(first_local.date());
    let count_cap = rule.occurrences.map(|n| n as usize).unwrap_or(MAX_OCCURRENCES).min(MAX_OCCURRENCES);
    let mut out = Vec::new();
    for (n, date) in dates(rule, first_local.date()).enumerate() {
        if n >= count_cap || date > horizon || rule.expiration.is_some_and(|e| date > e) {
            break;
        }
        let Ok(start) = zone.to_utc(date.and_time(time)) else { continue };
        if start > to {
            break;
        }
        if start >= from {
            out.push(start);
            if out.len() >= limit {
                break;
            }
        }
    }
    out
}

/// The first start of a series (the first date the rule picks on or after `first_local`).
pub fn first_start(rule: &Recurrence, first_local: NaiveDateTime, zone: &TimeZoneInfo) -> Option<DateTime<Utc>> {
    let date = dates(rule, first_local.date()).next()?;
    zone.to_utc(date.and_time(first_local.time())).ok()
}

/// The end of the last occurrence, or None when the rule has no end (no count, no expiration).
pub fn series_end(
    rule: &Recurrence,
    first_local: NaiveDateTime,
    zone: &TimeZoneInfo,
    duration: Duration,
) -> Option<DateTime<Utc>> {
    if rule.is_recurring() && rule.occurrences.is_none() && rule.expiration.is_none() {
        return None;
    }
    let far = DateTime::<Utc>::MAX_UTC;
    let all = starts_between(rule, first_local, zone, DateTime::<Utc>::MIN_UTC, far, MAX_OCCURRENCES);
    all.last().map(|s| *s + duration)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Recurrence;
    use crate::model::RepeatKind;
    use crate::rules::timezone;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn rule(kind: RepeatKind) -> Recurrence {
        Recurrence { kind, ..Recurrence::none() }
    }

    fn all(r: &Recurrence, first: &str, zone: u16) -> Vec<String> {
        let tz = timezone::by_id(zone).unwrap();
        starts_between(r, local(first), tz, DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC, 50)
            .into_iter()
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .collect()
    }

    #[test]
    fn weekly_stays_at_local_time_across_dst() {
        // Berlin: summer time starts on 29 March 2026.
        let r = Recurrence { occurrences: Some(3), ..rule(RepeatKind::Weekly) };
        assert_eq!(all(&r, "2026-03-20 10:00", 25), ["2026-03-20 09:00", "2026-03-27 09:00", "2026-04-03 08:00"]);
    }

    #[test]
    fn weekly_on_several_days_every_other_week() {
        let r = Recurrence {
            interval: 2,
            days_in_week: vec![Weekday::Mon, Weekday::Thu],
            occurrences: Some(5),
            ..rule(RepeatKind::Weekly)
        };
        // 2026-06-02 is a Tuesday: the first is that week's Thursday.
        assert_eq!(
            all(&r, "2026-06-02 12:00", 20),
            ["2026-06-04 12:00", "2026-06-15 12:00", "2026-06-18 12:00", "2026-06-29 12:00", "2026-07-02 12:00"]
        );
    }

    #[test]
    fn daily_with_interval_or_weekdays_and_expiration() {
        let every_third = Recurrence { interval: 3, occurrences: Some(3), ..rule(RepeatKind::Daily) };
        assert_eq!(
            all(&every_third, "2026-06-01 08:00", 20),
            ["2026-06-01 08:00", "2026-06-04 08:00", "2026-06-07 08:00"]
        );
        let weekdays = Recurrence {
            days_in_week: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
            expiration: NaiveDate::from_ymd_opt(2026, 6, 9),
            ..rule(RepeatKind::Daily)
        };
        // Fri 5 June, then Mon 8 and Tue 9.
        assert_eq!(
            all(&weekdays, "2026-06-05 08:00", 20),
            ["2026-06-05 08:00", "2026-06-08 08:00", "2026-06-09 08:00"]
        );
    }

    #[test]
    fn monthly_by_day_clamps_and_by_nth_weekday() {
        let on_31 = Recurrence { day_in_month: Some(31), occurrences: Some(3), ..rule(RepeatKind::Monthly) };
        assert_eq!(all(&on_31, "2026-01-31 09:00", 20), ["2026-01-31 09:00", "2026-02-28 09:00", "2026-03-31 09:00"]);
        let last_friday = Recurrence {
            week_in_month: Some(5),
            days_in_week: vec![Weekday::Fri],
            occurrences: Some(2),
            ..rule(RepeatKind::Monthly)
        };
        assert_eq!(all(&last_friday, "2026-06-01 09:00", 20), ["2026-06-26 09:00", "2026-07-31 09:00"]);
        let second_tuesday = Recurrence {
            week_in_month: Some(2),
            days_in_week: vec![Weekday::Tue],
            occurrences: Some(1),
            ..rule(RepeatKind::Monthly)
        };
        assert_eq!(all(&second_tuesday, "2026-06-01 09:00", 20), ["2026-06-09 09:00"]);
    }

    #[test]
    fn yearly_and_series_end() {
        let r = Recurrence {
            month_in_year: Some(3),
            day_in_month: Some(15),
            occurrences: Some(2),
            ..rule(RepeatKind::Yearly)
        };
        assert_eq!(all(&r, "2026-06-01 09:00", 20), ["2027-03-15 09:00", "2028-03-15 09:00"]);
        let tz = timezone::by_id(20).unwrap();
        let end = series_end(&r, local("2026-06-01 09:00"), tz, Duration::minutes(30)).unwrap();
        assert_eq!(end.format("%Y-%m-%d %H:%M").to_string(), "2028-03-15 09:30");
        let open = rule(RepeatKind::Weekly);
        assert_eq!(series_end(&open, local("2026-06-01 09:00"), tz, Duration::minutes(30)), None);
        let single = rule(RepeatKind::NoRepeat);
        assert_eq!(all(&single, "2026-06-01 09:00", 20), ["2026-06-01 09:00"]);
    }

    #[test]
    fn windows_and_limits() {
        let tz = timezone::by_id(20).unwrap();
        let daily = rule(RepeatKind::Daily);
        let from = local("2026-06-10 00:00").and_utc();
        let to = local("2026-06-12 23:59").and_utc();
        let got = starts_between(&daily, local("2026-06-01 09:00"), tz, from, to, 10);
        assert_eq!(got.len(), 3);
        assert_eq!(starts_between(&daily, local("2026-06-01 09:00"), tz, from, to, 2).len(), 2);
        let forever = starts_between(
            &daily,
            local("2026-06-01 09:00"),
            tz,
            DateTime::<Utc>::MIN_UTC,
            DateTime::<Utc>::MAX_UTC,
            usize::MAX,
        );
        assert_eq!(forever.len(), MAX_OCCURRENCES);
    }
}
