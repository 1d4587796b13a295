//! Exceptional occurrences: one occurrence of a recurring series moved, retimed, retitled or
//! cancelled on its own (REST `PUT`/`PATCH`/`DELETE` of `<series>_<start>`). The series' rule
//! still says which occurrences exist; the exceptions kept with the series
//! ([`Meeting::exceptions`]) say how one differs or that it does not take place. A change of the
//! series' start, length, zone or rule drops them all.

use crate::rules::schedule::exception_of;
use chrono::{DateTime, Utc};

use crate::app::notifications::changes;
use crate::error::{Entity, Error, Field, Result, ScheduleError, StoreError};
use crate::model::WebhookEvent::{Deleted, Updated};
use crate::model::{
    Caller, Mail, Meeting, MeetingRef, OccurrenceChange, ScheduledOccurrence, SeriesFields, SessionStatus, User,
};
use crate::model::{ChangeEvent, WebhookEvent, WebhookResource};
use crate::rules::limits::{MAX_AGENDA, MAX_PASSWORD, MAX_TITLE, WRITE_ATTEMPTS};
use crate::rules::schedule::{check_interval, keep_exception, occurrence, REST_KINDS};
use crate::rules::validate::meeting::{filled, required};
use crate::rules::{mail, schedule};
use crate::Kaigi;

fn store_error(e: StoreError) -> Error {
    match e {
        StoreError::Missing => Error::NotFound(Entity::Meeting),
        other => Error::Store(other),
    }
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
        m.invitees.iter().map(|i| write(&i.email, if i.name.trim().is_empty() { &i.email } else { &i.name })).collect()
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
                Field::Recurrence,
                "An occurrence has no recurrence of its own; change the meeting series instead.",
            ));
        }
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (m, host) = self.series_to_change(caller, series).await?;
            match self.change_occurrence(caller, m, original, f, send_email).await {
                Err(Error::Store(StoreError::Stale)) if attempts < WRITE_ATTEMPTS => continue,
                Ok((m, changed)) => return Ok((m, host, changed)),
                Err(e) => return Err(e),
            }
        }
    }

    /// One try of [`Kaigi::update_occurrence`] on the series `m` as read; Stale when the series
    /// changed since.
    async fn change_occurrence(
        &self,
        caller: &Caller,
        mut m: Meeting,
        original: DateTime<Utc>,
        f: &SeriesFields,
        send_email: bool,
    ) -> Result<(Meeting, ScheduledOccurrence)> {
        let occ = occurrence(&m, original).ok_or(Error::NotFound(Entity::Meeting))?;
        let now = self.now();
        if occ.end <= now {
            return Err(Error::Schedule(ScheduleError::StartNotInFuture));
        }
        let mut e = exception_of(&m, &occ);
        if f.start.is_some() || f.end.is_some() {
            let start = f.start.unwrap_or(occ.start);
            let end = f.end.unwrap_or(start + (occ.end - occ.start));
            let (start, minutes) = schedule::window(start, end, now)?;
            check_interval(&m, original, start)?;
            e.start = start;
            e.duration_minutes = minutes;
        }
        if let Some(t) = &f.title {
            e.title = Some(filled(Field::Title, t, MAX_TITLE)?);
        }
        if let Some(a) = &f.agenda {
            if a.chars().count() > MAX_AGENDA {
                return Err(Error::invalid(Field::Agenda, format!("at most {MAX_AGENDA} characters")));
            }
            e.agenda = Some(a.trim().to_string());
        }
        if let Some(p) = &f.password {
            e.password = Some(filled(Field::Password, p, MAX_PASSWORD)?);
        }
        keep_exception(&mut m, e)?;
        m.updated_at = now;
        let changed = occurrence(&m, original).ok_or(Error::NotFound(Entity::Meeting))?;
        let mails = if send_email {
            let join_url = self.meeting_links(&caller.site, &m).invite;
            let change = OccurrenceChange {
                meeting: changed.title(&m),
                was: occ.start,
                starts: changed.start,
                join_url: &join_url,
            };
            self.invitee_mails(&m, |to, name| mail::occurrence_changed(caller.site.id, to, name, &change, now))
        } else {
            Vec::new()
        };
        let updated = self.occurrence_change(caller, &m, original, changed.start, changed.end, Updated, now).await?;
        self.store.update_meeting_unless_changed(&m, &mails, &[updated]).await.map_err(store_error)?;
        self.changes_recorded();
        m.revision += 1;
        Ok((m, changed))
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
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (m, _) = self.series_to_change(caller, series).await?;
            match self.cancel_one(caller, m, original, send_email).await {
                Err(Error::Store(StoreError::Stale)) if attempts < WRITE_ATTEMPTS => continue,
                done => return done,
            }
        }
    }

    /// One try of [`Kaigi::cancel_occurrence`] on the series `m` as read; Stale when the series
    /// changed since.
    async fn cancel_one(
        &self,
        caller: &Caller,
        mut m: Meeting,
        original: DateTime<Utc>,
        send_email: bool,
    ) -> Result<()> {
        let occ = occurrence(&m, original).ok_or(Error::NotFound(Entity::Meeting))?;
        let title = occ.title(&m).to_string();
        let mut e = exception_of(&m, &occ);
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
        let deleted = self.occurrence_change(caller, &m, original, occ.start, occ.end, Deleted, now).await?;
        self.store.update_meeting_unless_changed(&m, &mails, &[deleted]).await.map_err(store_error)?;
        self.changes_recorded();
        Ok(())
    }

    /// The change for webhooks of one occurrence of `m` (the series' uuid, the occurrence's
    /// original start, its time now).
    #[allow(clippy::too_many_arguments)]
    async fn occurrence_change(
        &self,
        caller: &Caller,
        m: &Meeting,
        original: DateTime<Utc>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        event: WebhookEvent,
        now: DateTime<Utc>,
    ) -> Result<ChangeEvent> {
        let mut facts = self.change_facts(m).await?;
        facts.occurrence = Some(original);
        facts.start = start;
        facts.end = end;
        let actor = caller.user().map(|u| u.id);
        Ok(changes::change(m, facts, WebhookResource::Meetings, event, actor, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AttendeeOptions;
    use crate::model::ListStatus;
    use crate::model::Meeting;
    use crate::model::MeetingOptions;
    use crate::model::OccurrenceException;
    use crate::model::ScheduleShape;
    use crate::model::SessionKind;
    use crate::model::SessionStatus;
    use crate::rules::limits::MAX_EXCEPTIONS;
    use crate::rules::schedule::check_interval;
    use crate::rules::schedule::current;
    use crate::rules::schedule::keep_exception;
    use crate::rules::schedule::occurrence;
    use crate::rules::schedule::recurring_interval;
    use crate::rules::schedule::refresh_series_end;
    use crate::rules::schedule::scheduled_between;
    use crate::rules::schedule::settle_after_series_change;
    use crate::rules::{rrule, timezone};
    use chrono::Duration;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// A 30-minute series at 09:30 Berlin time (UTC+1 in January) under `rule`, from 2027-01-11.
    fn berlin_series(rule: &str) -> Meeting {
        let zone = timezone::by_iana("Europe/Berlin", 2027).expect("Berlin");
        let start = at("2027-01-11T08:30:00Z");
        let repeat = rrule::parse(rule, zone.to_local(start).date()).expect("rule");
        let mut m = Meeting {
            id: 1,
            site_id: 1,
            kind: SessionKind::Meeting,
            meeting_key: 123_456_789,
            uuid: "0123456789abcdef0123456789abcdef".into(),
            conf_id: 1,
            host_id: 1,
            scheduled_by: 1,
            name: "Sync".into(),
            meeting_type: 1,
            agenda: "Series agenda".into(),
            greeting: String::new(),
            location: String::new(),
            invitation: String::new(),
            is_internal: false,
            start,
            time_zone_id: zone.id,
            duration_minutes: 30,
            open_time_secs: 900,
            join_teleconf_before_host: false,
            list_status: ListStatus::Public,
            password: Some("series".into()),
            enforce_password: false,
            audio_password: None,
            enforce_audio_password: false,
            enforce_audio_login: false,
            host_key: "123456".into(),
            guest_token: "g".into(),
            host_token: "h".into(),
            max_user_number: 10,
            invitees: Vec::new(),
            options: MeetingOptions::default(),
            repeat,
            series_end: None,
            attendee_options: AttendeeOptions::default(),
            registration_required: Vec::new(),
            exceptions: Vec::new(),
            status: SessionStatus::NotInProgress,
            host_joined: false,
            participants_joined: false,
            created_at: start,
            updated_at: start,
            deleted_at: None,
            revision: 0,
        };
        refresh_series_end(&mut m);
        m
    }

    fn moved(original: &str, start: &str, minutes: u32) -> OccurrenceException {
        OccurrenceException {
            original_start: at(original),
            cancelled: false,
            start: at(start),
            duration_minutes: minutes,
            title: Some("Moved".into()),
            agenda: None,
            password: Some("own".into()),
        }
    }

    fn cancelled(original: &str) -> OccurrenceException {
        OccurrenceException { cancelled: true, ..moved(original, original, 30) }
    }

    #[test]
    fn an_occurrence_moves_within_its_day_in_the_series_zone() {
        let m = berlin_series("FREQ=DAILY;INTERVAL=1;COUNT=3");
        let second = at("2027-01-12T08:30:00Z");
        let ok = |s: &str| check_interval(&m, second, at(s)).is_ok();
        // Its day runs from 00:00 to 24:00 Berlin time, 23:00 to 23:00 UTC: the lower bound is
        // included, the upper one is not.
        assert!(ok("2027-01-11T23:00:00Z"));
        assert!(ok("2027-01-12T22:59:00Z"));
        assert!(!ok("2027-01-11T22:59:00Z"));
        assert!(!ok("2027-01-12T23:00:00Z"));
        assert!(matches!(
            check_interval(&m, second, at("2027-01-13T08:30:00Z")),
            Err(Error::Schedule(ScheduleError::OutsideRecurringInterval))
        ));
        // The last occurrence has no upper bound; the first keeps its own day as lower bound.
        let last = at("2027-01-13T08:30:00Z");
        assert!(check_interval(&m, last, at("2027-02-20T08:30:00Z")).is_ok());
        assert!(check_interval(&m, last, at("2027-01-12T22:59:00Z")).is_err());
        assert!(check_interval(&m, at("2027-01-11T08:30:00Z"), at("2027-01-10T22:59:00Z")).is_err());
    }

    #[test]
    fn a_weekly_interval_reaches_the_next_occurrences_day() {
        let m = berlin_series("FREQ=WEEKLY;INTERVAL=1;COUNT=4");
        let first = at("2027-01-11T08:30:00Z");
        assert_eq!(recurring_interval(&m, first), (at("2027-01-10T23:00:00Z"), Some(at("2027-01-17T23:00:00Z"))));
        assert!(check_interval(&m, first, at("2027-01-15T16:00:00Z")).is_ok());
    }

    #[test]
    fn listings_show_moved_occurrences_and_leave_out_cancelled_ones() {
        let mut m = berlin_series("FREQ=DAILY;INTERVAL=1;COUNT=4");
        m.exceptions =
            vec![moved("2027-01-12T08:30:00Z", "2027-01-12T15:00:00Z", 45), cancelled("2027-01-13T08:30:00Z")];
        let all = scheduled_between(&m, at("2027-01-01T00:00:00Z"), at("2027-02-01T00:00:00Z"), 10);
        let starts: Vec<_> = all.iter().map(|o| (o.original, o.start, o.end, o.is_modified())).collect();
        assert_eq!(
            starts,
            [
                (at("2027-01-11T08:30:00Z"), at("2027-01-11T08:30:00Z"), at("2027-01-11T09:00:00Z"), false),
                (at("2027-01-12T08:30:00Z"), at("2027-01-12T15:00:00Z"), at("2027-01-12T15:45:00Z"), true),
                (at("2027-01-14T08:30:00Z"), at("2027-01-14T08:30:00Z"), at("2027-01-14T09:00:00Z"), false),
            ]
        );
        assert_eq!((all[1].title(&m), all[1].agenda(&m), all[1].password(&m)), ("Moved", "Series agenda", Some("own")));
        assert_eq!((all[0].title(&m), all[0].password(&m)), ("Sync", Some("series")));
        // A window holding only the moved time finds it; one holding only its old time does not.
        let afternoon = scheduled_between(&m, at("2027-01-12T14:00:00Z"), at("2027-01-12T16:00:00Z"), 10);
        assert_eq!(afternoon.iter().map(|o| o.original).collect::<Vec<_>>(), [at("2027-01-12T08:30:00Z")]);
        assert!(scheduled_between(&m, at("2027-01-12T08:00:00Z"), at("2027-01-12T09:00:00Z"), 10).is_empty());
        // The limit counts what takes place, not the rule's starts.
        let two = scheduled_between(&m, at("2027-01-01T00:00:00Z"), DateTime::<Utc>::MAX_UTC, 2);
        assert_eq!(
            two.iter().map(|o| o.original).collect::<Vec<_>>(),
            [at("2027-01-11T08:30:00Z"), at("2027-01-12T08:30:00Z")]
        );
        // By id: a cancelled occurrence is gone, a start the rule never gives is none.
        assert!(occurrence(&m, at("2027-01-13T08:30:00Z")).is_none());
        assert!(occurrence(&m, at("2027-01-13T09:30:00Z")).is_none());
        assert_eq!(occurrence(&m, at("2027-01-12T08:30:00Z")).map(|o| o.start), Some(at("2027-01-12T15:00:00Z")));
        // The current occurrence skips the cancelled one.
        assert_eq!(current(&m, at("2027-01-12T16:00:00Z")).map(|o| o.original), Some(at("2027-01-14T08:30:00Z")));
    }

    #[test]
    fn a_schedule_change_drops_the_exceptions_and_other_changes_keep_them() {
        let mut m = berlin_series("FREQ=DAILY;INTERVAL=1;COUNT=3");
        let rule_end = m.series_end;
        assert_eq!(rule_end, Some(at("2027-01-13T09:00:00Z")));
        keep_exception(&mut m, moved("2027-01-13T08:30:00Z", "2027-01-20T10:00:00Z", 60)).expect("kept");
        assert_eq!(m.series_end, Some(at("2027-01-20T11:00:00Z")), "the series ends with its moved last occurrence");

        let shape = ScheduleShape::of(&m);
        m.name = "Renamed".into();
        settle_after_series_change(&mut m, &shape);
        assert_eq!(m.exceptions.len(), 1, "a new title keeps the exceptions");
        assert_eq!(m.series_end, Some(at("2027-01-20T11:00:00Z")));

        for change in [
            |m: &mut Meeting| m.start += Duration::hours(1),
            |m: &mut Meeting| m.duration_minutes = 45,
            |m: &mut Meeting| m.repeat.occurrences = Some(5),
        ] {
            let mut changed = m.clone();
            let shape = ScheduleShape::of(&changed);
            change(&mut changed);
            settle_after_series_change(&mut changed, &shape);
            assert!(changed.exceptions.is_empty());
            assert_ne!(changed.series_end, Some(at("2027-01-20T11:00:00Z")));
        }
    }

    #[test]
    fn a_series_keeps_a_bounded_number_of_exceptions() {
        let mut m = berlin_series("FREQ=DAILY;INTERVAL=1");
        let first = at("2027-01-11T08:30:00Z");
        for day in 0..MAX_EXCEPTIONS as i64 {
            let original = first + Duration::days(day);
            keep_exception(
                &mut m,
                OccurrenceException { original_start: original, ..cancelled("2027-01-11T08:30:00Z") },
            )
            .expect("within the bound");
        }
        let one_more = first + Duration::days(MAX_EXCEPTIONS as i64);
        let refused = keep_exception(
            &mut m,
            OccurrenceException { original_start: one_more, ..cancelled("2027-01-11T08:30:00Z") },
        );
        assert!(matches!(refused, Err(Error::Invalid { field: Field::MeetingId, .. })));
        // Changing one already excepted still works at the bound.
        keep_exception(&mut m, moved("2027-01-12T08:30:00Z", "2027-01-12T12:00:00Z", 30)).expect("replaced");
        assert_eq!(m.exceptions.len(), MAX_EXCEPTIONS);
        assert_eq!(occurrence(&m, at("2027-01-12T08:30:00Z")).map(|o| o.start), Some(at("2027-01-12T12:00:00Z")));
    }
}
