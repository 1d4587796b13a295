//! Exceptional occurrences: one occurrence of a recurring series moved, retimed, retitled or
//! cancelled on its own (REST `PUT`/`PATCH`/`DELETE` of `<series>_<start>`). The series' rule
//! still says which occurrences exist; the exceptions kept with the series
//! ([`Meeting::exceptions`]) say how one differs or that it does not take place. A change of the
//! series' start, length, zone or rule drops them all.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::auth::Caller;
use crate::error::{Entity, Error, Result, ScheduleError};
use crate::mail::{self, Mail};
use crate::meeting::{Meeting, OccurrenceException, Recurrence, SessionStatus};
use crate::meetings::{MeetingRef, MAX_PASSWORD};
use crate::recurrence;
use crate::series::{self, duration_of, starts_of, zone_of, SeriesFields, MAX_AGENDA, MAX_TITLE, REST_KINDS};
use crate::service::Kaigi;
use crate::store::StoreError;
use crate::timezone::TimeZoneInfo;
use crate::user::User;

/// Most changed or cancelled occurrences one series keeps.
pub const MAX_EXCEPTIONS: usize = 100;

/// One occurrence as it will take place.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledOccurrence {
    /// The start the series' rule gives it; its id carries this start.
    pub original: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// How it differs from its series, when it was changed on its own.
    pub exception: Option<OccurrenceException>,
}

impl ScheduledOccurrence {
    fn plain(m: &Meeting, original: DateTime<Utc>) -> Self {
        Self { original, start: original, end: original + duration_of(m), exception: None }
    }

    fn changed(e: &OccurrenceException) -> Self {
        Self {
            original: e.original_start,
            start: e.start,
            end: e.start + Duration::minutes(i64::from(e.duration_minutes)),
            exception: Some(e.clone()),
        }
    }

    pub fn is_modified(&self) -> bool {
        self.exception.is_some()
    }

    pub fn title<'a>(&'a self, m: &'a Meeting) -> &'a str {
        self.exception.as_ref().and_then(|e| e.title.as_deref()).unwrap_or(&m.name)
    }

    pub fn agenda<'a>(&'a self, m: &'a Meeting) -> &'a str {
        self.exception.as_ref().and_then(|e| e.agenda.as_deref()).unwrap_or(&m.agenda)
    }

    pub fn password<'a>(&'a self, m: &'a Meeting) -> Option<&'a str> {
        self.exception.as_ref().and_then(|e| e.password.as_deref()).or(m.password.as_deref())
    }
}

fn exception_at(m: &Meeting, original: DateTime<Utc>) -> Option<&OccurrenceException> {
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
        .map(|s| ScheduledOccurrence::plain(m, s))
        .collect();
    out.extend(
        m.exceptions
            .iter()
            .filter(|e| !e.cancelled)
            .map(ScheduledOccurrence::changed)
            .filter(|o| o.start < to && o.end > from),
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
        Some(e) => Some(ScheduledOccurrence::changed(e)),
        None => Some(ScheduledOccurrence::plain(m, original)),
    }
}

/// The occurrence that is running or comes next, if any.
pub fn current(m: &Meeting, now: DateTime<Utc>) -> Option<ScheduledOccurrence> {
    scheduled_between(m, now, DateTime::<Utc>::MAX_UTC, 1).into_iter().next()
}

fn midnight(zone: &TimeZoneInfo, day: NaiveDate) -> Option<DateTime<Utc>> {
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

/// What an occurrence's id and times hang on: a change of any of these drops the exceptions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScheduleShape {
    start: DateTime<Utc>,
    duration_minutes: u32,
    time_zone_id: u16,
    repeat: Recurrence,
}

impl ScheduleShape {
    pub(crate) fn of(m: &Meeting) -> Self {
        Self {
            start: m.start,
            duration_minutes: m.duration_minutes,
            time_zone_id: m.time_zone_id,
            repeat: m.repeat.clone(),
        }
    }
}

/// After a change of the series: its exceptions go when its schedule changed (the occurrences
/// they describe are not the series' occurrences any more); the series end covers what remains.
pub(crate) fn settle_after_series_change(m: &mut Meeting, before: &ScheduleShape) {
    if ScheduleShape::of(m) != *before || !m.repeat.is_recurring() {
        m.exceptions.clear();
    }
    refresh_series_end(m);
}

/// The series ends with its last occurrence by the rule, or later when an occurrence was moved
/// past that (listings find a series up to its end).
fn refresh_series_end(m: &mut Meeting) {
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

fn store_error(e: StoreError) -> Error {
    match e {
        StoreError::Missing => Error::NotFound(Entity::Meeting),
        other => Error::Store(other),
    }
}

fn required(f: &SeriesFields) -> Result<()> {
    for (name, given) in [
        ("title", f.title.is_some()),
        ("password", f.password.is_some()),
        ("start", f.start.is_some()),
        ("end", f.end.is_some()),
    ] {
        if !given {
            return Err(Error::invalid(name, format!("{name} is required")));
        }
    }
    Ok(())
}

/// Puts `e` in place of the exception for the same occurrence, or adds it within the bound.
fn keep_exception(m: &mut Meeting, e: OccurrenceException) -> Result<()> {
    let full = m.exceptions.len() >= MAX_EXCEPTIONS;
    match m.exceptions.iter_mut().find(|x| x.original_start == e.original_start) {
        Some(slot) => *slot = e,
        None if full => {
            return Err(Error::invalid(
                "meetingId",
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

impl Kaigi {
    /// A recurring series the caller may change, with its host; not while it is running.
    async fn series_to_change(&self, caller: &Caller, series: &str) -> Result<(Meeting, User)> {
        let (m, host) = self.get_meeting(caller, &MeetingRef::Uuid(series.to_string()), &REST_KINDS).await?;
        if !Self::may_manage(caller, &m) {
            return Err(Error::AccessDenied);
        }
        if m.status == SessionStatus::InProgress {
            return Err(Error::Schedule(ScheduleError::InProgress));
        }
        Ok((m, host))
    }

    fn invitee_mails(&self, m: &Meeting, write: impl Fn(&str, &str) -> Mail) -> Vec<Mail> {
        m.invitees
            .iter()
            .map(|i| write(&i.email, if i.name.trim().is_empty() { &i.email } else { &i.name }))
            .collect()
    }

    /// `PUT` (`replace`: title, password, start and end required) or `PATCH` of one occurrence
    /// of a recurring series: title, agenda, password, start and end are kept for it alone; its
    /// siblings stay as they are. Invitees are told when `send_email`.
    pub async fn update_occurrence(
        &self,
        caller: &Caller,
        series: &str,
        original: DateTime<Utc>,
        f: &SeriesFields,
        replace: bool,
        send_email: bool,
    ) -> Result<(Meeting, User, ScheduledOccurrence)> {
        if replace {
            required(f)?;
        }
        if matches!(&f.recurrence, Some(Some(r)) if !r.trim().is_empty()) {
            return Err(Error::invalid(
                "recurrence",
                "An occurrence has no recurrence of its own; change the meeting series instead.",
            ));
        }
        let (mut m, host) = self.series_to_change(caller, series).await?;
        let occ = occurrence(&m, original).ok_or(Error::NotFound(Entity::Meeting))?;
        let now = self.now();
        if occ.end <= now {
            return Err(Error::Schedule(ScheduleError::StartNotInFuture));
        }
        let mut e = occ.exception.clone().unwrap_or(OccurrenceException {
            original_start: original,
            cancelled: false,
            start: occ.start,
            duration_minutes: m.duration_minutes,
            title: None,
            agenda: None,
            password: None,
        });
        if f.start.is_some() || f.end.is_some() {
            let start = f.start.unwrap_or(occ.start);
            let end = f.end.unwrap_or(start + (occ.end - occ.start));
            let (start, minutes) = series::window(start, end, now)?;
            check_interval(&m, original, start)?;
            e.start = start;
            e.duration_minutes = minutes;
        }
        if let Some(t) = &f.title {
            let t = t.trim();
            if t.is_empty() {
                return Err(Error::invalid("title", "title must not be empty"));
            }
            if t.chars().count() > MAX_TITLE {
                return Err(Error::invalid("title", format!("at most {MAX_TITLE} characters")));
            }
            e.title = Some(t.to_string());
        }
        if let Some(a) = &f.agenda {
            if a.chars().count() > MAX_AGENDA {
                return Err(Error::invalid("agenda", format!("at most {MAX_AGENDA} characters")));
            }
            e.agenda = Some(a.trim().to_string());
        }
        if let Some(p) = &f.password {
            let p = p.trim();
            if p.is_empty() {
                return Err(Error::invalid("password", "password must not be empty"));
            }
            if p.chars().count() > MAX_PASSWORD {
                return Err(Error::invalid("password", format!("at most {MAX_PASSWORD} characters")));
            }
            e.password = Some(p.to_string());
        }
        keep_exception(&mut m, e)?;
        m.updated_at = now;
        let changed = occurrence(&m, original).ok_or(Error::NotFound(Entity::Meeting))?;
        let mails = if send_email {
            let join = self.meeting_links(&caller.site, &m).invite;
            let title = changed.title(&m).to_string();
            self.invitee_mails(&m, |to, name| {
                mail::occurrence_changed(caller.site.id, to, name, &title, original, changed.start, &join, now)
            })
        } else {
            Vec::new()
        };
        self.store.update_meeting_with_mails(&m, &mails).await.map_err(store_error)?;
        Ok((m, host, changed))
    }

    /// `DELETE` of one occurrence of a recurring series: it no longer takes place (its id then
    /// answers 404); the series and the other occurrences stay. Invitees are told when
    /// `send_email`.
    pub async fn cancel_occurrence(
        &self,
        caller: &Caller,
        series: &str,
        original: DateTime<Utc>,
        send_email: bool,
    ) -> Result<()> {
        let (mut m, _) = self.series_to_change(caller, series).await?;
        let occ = occurrence(&m, original).ok_or(Error::NotFound(Entity::Meeting))?;
        let title = occ.title(&m).to_string();
        let mut e = occ.exception.clone().unwrap_or(OccurrenceException {
            original_start: original,
            cancelled: false,
            start: occ.start,
            duration_minutes: m.duration_minutes,
            title: None,
            agenda: None,
            password: None,
        });
        e.cancelled = true;
        keep_exception(&mut m, e)?;
        let now = self.now();
        m.updated_at = now;
        let mails = if send_email {
            self.invitee_mails(&m, |to, name| {
                mail::occurrence_cancelled(caller.site.id, to, name, &title, occ.start, now)
            })
        } else {
            Vec::new()
        };
        self.store.update_meeting_with_mails(&m, &mails).await.map_err(store_error)
    }
}
