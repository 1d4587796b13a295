use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike, Utc};

use crate::error::{Error, Field, Result, ScheduleError};
use crate::model::{
    Caller, Meeting, MeetingOrder, Occurrence, OccurrenceException, ScheduleShape, ScheduledOccurrence, SessionKind,
    SessionStatus, State,
};
use crate::rules::limits::{
    DEFAULT_LIST_WINDOW_DAYS, MAX_DURATION_MINUTES, MAX_EXCEPTIONS, MAX_MINUTES, MAX_YEARS_AHEAD, MIN_MINUTES,
};
use crate::rules::timezone::TimeZoneInfo;
use crate::rules::{recurrence, timezone};

pub fn sort_occurrences(list: &mut [Occurrence], order: &[(MeetingOrder, bool)]) {
    let order: Vec<(MeetingOrder, bool)> =
        if order.is_empty() { vec![(MeetingOrder::StartTime, false)] } else { order.to_vec() };
    list.sort_by(|a, b| {
        for (field, desc) in &order {
            let ord = match field {
                MeetingOrder::StartTime => a.start.cmp(&b.start),
                MeetingOrder::Name => a.meeting.name.to_lowercase().cmp(&b.meeting.name.to_lowercase()),
                MeetingOrder::HostWebExId => a.host.webex_id.to_lowercase().cmp(&b.host.webex_id.to_lowercase()),
                MeetingOrder::HostName => {
                    a.host.display_name().to_lowercase().cmp(&b.host.display_name().to_lowercase())
                }
                MeetingOrder::Status => a.meeting.status.wire().cmp(b.meeting.status.wire()),
            };
            let ord = if *desc { ord.reverse() } else { ord };
            if ord != std::cmp::Ordering::Equal {
                return ord;
            }
        }
        a.start.cmp(&b.start).then(a.meeting.id.cmp(&b.meeting.id))
    });
}

/// The session kinds the REST API shows: meetings, and events as webinars.
pub const REST_KINDS: [SessionKind; 2] = [SessionKind::Meeting, SessionKind::Event];

/// The id of one occurrence.
pub fn occurrence_id(series: &str, start: DateTime<Utc>) -> String {
    format!("{series}_{}", start.format("%Y%m%dT%H%M%SZ"))
}

/// The zone a series' schedule is kept in.
pub fn zone_of(m: &Meeting) -> &'static TimeZoneInfo {
    timezone::by_id(m.time_zone_id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)])
}

pub fn duration_of(m: &Meeting) -> Duration {
    Duration::minutes(i64::from(m.duration_minutes))
}

/// Occurrence starts of `m` within `[from, to]`, at most `limit`.
pub fn starts_of(m: &Meeting, from: DateTime<Utc>, to: DateTime<Utc>, limit: usize) -> Vec<DateTime<Utc>> {
    let zone = zone_of(m);
    recurrence::starts_between(&m.repeat, zone.to_local(m.start), zone, from, to, limit)
}

/// The start and end of the occurrence that is running or comes next (the last one by the rule
/// when all have ended).
pub fn current_times(m: &Meeting, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    match current(m, now) {
        Some(o) => (o.start, o.end),
        None => {
            let start = starts_of(m, now - duration_of(m) + Duration::seconds(1), DateTime::<Utc>::MAX_UTC, 1)
                .first()
                .copied()
                .or(m.series_end.map(|e| e - duration_of(m)))
                .unwrap_or(m.start);
            (start, start + duration_of(m))
        }
    }
}

/// The start of the occurrence that is running or comes next.
pub fn current_start(m: &Meeting, now: DateTime<Utc>) -> DateTime<Utc> {
    current_times(m, now).0
}

pub fn series_state(m: &Meeting, now: DateTime<Utc>) -> State {
    if m.status == SessionStatus::InProgress {
        State::InProgress
    } else if m.series_end.is_some_and(|e| e <= now) {
        State::Expired
    } else {
        State::Active
    }
}

pub fn occurrence_state(m: &Meeting, o: &ScheduledOccurrence, now: DateTime<Utc>) -> State {
    if o.end <= now {
        State::Missed
    } else if current(m, now).is_some_and(|c| c.original == o.original) {
        State::Ready
    } else {
        State::Scheduled
    }
}

/// A meeting's join-before-host minutes: its open time in whole minutes, down to the offered
/// steps (an XML API openTime of 7 minutes shows as 5).
pub fn join_before_host_minutes(m: &Meeting) -> u32 {
    (m.open_time_secs / 60 / 5 * 5).min(15)
}

pub fn minute(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(t)
}

/// The REST scheduling window: whole minutes; a start in the current minute moves to the next
/// one; not in the past; 10 minutes to 23 h 59 min; less than ten years ahead. Returns the start
/// and the length in minutes.
pub fn window(start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>) -> Result<(DateTime<Utc>, u32)> {
    let (mut s, e) = (minute(start), minute(end));
    if s < minute(now) || e <= now {
        return Err(Error::Schedule(ScheduleError::StartNotInFuture));
    }
    if s <= now {
        s += Duration::minutes(1);
    }
    let minutes = (e - s).num_minutes();
    if e <= s {
        return Err(Error::invalid(Field::End, "The end must be after the start."));
    }
    if !(MIN_MINUTES..=MAX_MINUTES).contains(&minutes) {
        return Err(Error::invalid(
            Field::End,
            "The meeting must last at least 10 minutes and at most 23 hours 59 minutes.",
        ));
    }
    let limit = now
        .checked_add_months(chrono::Months::new(12 * MAX_YEARS_AHEAD.unsigned_abs()))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    if s >= limit {
        return Err(Error::invalid(
            Field::Start,
            format!("The start must be less than {MAX_YEARS_AHEAD} years ahead."),
        ));
    }
    Ok((s, u32::try_from(minutes).unwrap_or(MAX_DURATION_MINUTES)))
}

pub fn exception_at(m: &Meeting, original: DateTime<Utc>) -> Option<&OccurrenceException> {
    m.exceptions.iter().find(|e| e.original_start == original)
}

/// The occurrences of `m` that take place and overlap `[from, to)` (start before `to`, end after
/// `from`), by start, at most `limit`.
pub fn scheduled_between(
    m: &Meeting,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: usize,
) -> Vec<ScheduledOccurrence> {
    let earliest = from.checked_sub_signed(duration_of(m) - Duration::seconds(1)).unwrap_or(DateTime::<Utc>::MIN_UTC);
    // Enough rule starts that, once the excepted ones are set aside, `limit` remain.
    let wanted = limit.saturating_add(m.exceptions.len()).min(recurrence::MAX_OCCURRENCES);
    let mut out: Vec<ScheduledOccurrence> = starts_of(m, earliest, to, wanted)
        .into_iter()
        .filter(|s| *s < to && exception_at(m, *s).is_none())
        .map(|s| plain_occurrence(m, s))
        .collect();
    out.extend(
        m.exceptions.iter().filter(|e| !e.cancelled).map(changed_occurrence).filter(|o| o.start < to && o.end > from),
    );
    out.sort_by_key(|o| (o.start, o.original));
    out.truncate(limit);
    out
}

/// The occurrence whose rule start is `original`, unless there is none or it was cancelled.
pub fn occurrence(m: &Meeting, original: DateTime<Utc>) -> Option<ScheduledOccurrence> {
    if starts_of(m, original, original, 1).first() != Some(&original) {
        return None;
    }
    match exception_at(m, original) {
        Some(e) if e.cancelled => None,
        Some(e) => Some(changed_occurrence(e)),
        None => Some(plain_occurrence(m, original)),
    }
}

/// The occurrence that is running or comes next, if any.
pub fn current(m: &Meeting, now: DateTime<Utc>) -> Option<ScheduledOccurrence> {
    scheduled_between(m, now, DateTime::<Utc>::MAX_UTC, 1).into_iter().next()
}

pub fn midnight(zone: &TimeZoneInfo, day: NaiveDate) -> Option<DateTime<Utc>> {
    zone.to_utc(day.and_time(NaiveTime::MIN)).ok()
}

/// The "recurring interval" an occurrence may move within (rule 5 of the REST update rules):
/// from 00:00 of its own day to 00:00 of the next occurrence's day, both in the series' zone;
/// the last occurrence has no upper bound. kaigi's choice: the first occurrence has the same
/// lower bound as the others (its own day), so that a series is never found before its first day.
pub fn recurring_interval(m: &Meeting, original: DateTime<Utc>) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
    let zone = zone_of(m);
    let lower = midnight(zone, zone.to_local(original).date()).unwrap_or(original);
    let next = starts_of(m, original + Duration::seconds(1), DateTime::<Utc>::MAX_UTC, 1).first().copied();
    let upper = next.map(|n| midnight(zone, zone.to_local(n).date()).unwrap_or(n));
    (lower, upper)
}

/// Rule 5: only the new start is checked; the interval includes its lower bound, not its upper.
pub fn check_interval(m: &Meeting, original: DateTime<Utc>, new_start: DateTime<Utc>) -> Result<()> {
    let (lower, upper) = recurring_interval(m, original);
    if new_start < lower || upper.is_some_and(|u| new_start >= u) {
        return Err(Error::Schedule(ScheduleError::OutsideRecurringInterval));
    }
    Ok(())
}

/// After a change of the series: its exceptions go when its schedule changed (the occurrences
/// they describe are not the series' occurrences any more); the series end covers what remains.
pub fn settle_after_series_change(m: &mut Meeting, before: &ScheduleShape) {
    if ScheduleShape::of(m) != *before || !m.repeat.is_recurring() {
        m.exceptions.clear();
    }
    refresh_series_end(m);
}

/// The series ends with its last occurrence by the rule, or later when an occurrence was moved
/// past that (listings find a series up to its end).
pub fn refresh_series_end(m: &mut Meeting) {
    let zone = zone_of(m);
    let rule_end = if m.repeat.is_recurring() {
        recurrence::series_end(&m.repeat, zone.to_local(m.start), zone, duration_of(m))
    } else {
        Some(m.start + duration_of(m))
    };
    let moved_end = m
        .exceptions
        .iter()
        .filter(|e| !e.cancelled)
        .map(|e| e.start + Duration::minutes(i64::from(e.duration_minutes)))
        .max();
    m.series_end = match (rule_end, moved_end) {
        (Some(r), Some(e)) => Some(r.max(e)),
        (r, _) => r,
    };
}

/// Puts `e` in place of the exception for the same occurrence, or adds it within the bound.
pub fn keep_exception(m: &mut Meeting, e: OccurrenceException) -> Result<()> {
    let full = m.exceptions.len() >= MAX_EXCEPTIONS;
    match m.exceptions.iter_mut().find(|x| x.original_start == e.original_start) {
        Some(slot) => *slot = e,
        None if full => {
            return Err(Error::invalid(
                Field::MeetingId,
                format!(
                    "A series keeps at most {MAX_EXCEPTIONS} changed or deleted occurrences; change the series instead."
                ),
            ))
        }
        None => {
            m.exceptions.push(e);
            m.exceptions.sort_by_key(|x| x.original_start);
        }
    }
    refresh_series_end(m);
    Ok(())
}

pub fn plain_occurrence(m: &Meeting, original: DateTime<Utc>) -> ScheduledOccurrence {
    ScheduledOccurrence { original, start: original, end: original + duration_of(m), exception: None }
}

pub fn changed_occurrence(e: &OccurrenceException) -> ScheduledOccurrence {
    ScheduledOccurrence {
        original: e.original_start,
        start: e.start,
        end: e.start + Duration::minutes(i64::from(e.duration_minutes)),
        exception: Some(e.clone()),
    }
}

/// The span a meeting list covers: an open end is [`DEFAULT_LIST_WINDOW_DAYS`] from the given
/// one; with neither, lists of ended meetings look back from `now` and schedules look ahead.
/// `to` must come after `from`.
pub fn list_window(
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    ended: bool,
) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let span = Duration::days(DEFAULT_LIST_WINDOW_DAYS);
    let (from, to) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (f, f + span),
        (None, Some(t)) => (t - span, t),
        (None, None) if ended => (now - span, now),
        (None, None) => (now, now + span),
    };
    if to <= from {
        return Err(Error::invalid(Field::To, "to must be after from."));
    }
    Ok((from, to))
}

/// The zone a caller books and reads in: their own, else their site's, else GMT.
pub fn zone_of_caller(caller: &Caller) -> &'static TimeZoneInfo {
    let id = caller.user().map_or(caller.site.settings.time_zone_id, |u| u.time_zone_id);
    timezone::by_id(id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)])
}

/// What an occurrence keeps apart from its series: its exception, or a fresh one that changes
/// nothing yet (the series' start and duration), to be changed or cancelled.
pub fn exception_of(m: &Meeting, occ: &ScheduledOccurrence) -> OccurrenceException {
    occ.exception.clone().unwrap_or(OccurrenceException {
        original_start: occ.original,
        cancelled: false,
        start: occ.start,
        duration_minutes: m.duration_minutes,
        title: None,
        agenda: None,
        password: None,
    })
}

/// The time a meeting template proposes: the next full hour after `now`, for an hour.
pub fn template_window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    use chrono::DurationRound;
    let start = now.duration_trunc(Duration::hours(1)).unwrap_or(now) + Duration::hours(1);
    (start, start + Duration::hours(1))
}

#[cfg(test)]
mod list_window_tests {
    use super::*;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + h * 3600, 0).expect("time")
    }

    #[test]
    fn an_open_end_is_a_week_from_the_other_and_ended_lists_look_back() {
        let week = Duration::days(DEFAULT_LIST_WINDOW_DAYS);
        assert_eq!(list_window(Some(t(0)), None, t(5), false).ok(), Some((t(0), t(0) + week)));
        assert_eq!(list_window(None, Some(t(0)), t(5), false).ok(), Some((t(0) - week, t(0))));
        assert_eq!(list_window(None, None, t(5), true).ok(), Some((t(5) - week, t(5))));
        assert_eq!(list_window(None, None, t(5), false).ok(), Some((t(5), t(5) + week)));
        assert!(matches!(
            list_window(Some(t(1)), Some(t(1)), t(0), false),
            Err(Error::Invalid { field: Field::To, .. })
        ));
    }
}
