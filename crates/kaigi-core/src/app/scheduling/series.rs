//! The REST API's view of meetings: a meeting is a series (its meetingUUID is the series id) with
//! occurrences (`<series>_YYYYMMDDTHHMMSSZ`) and, once run, instances (`<series>_I_<n>`). The REST
//! API's scheduling window (10 minutes to 23 h 59 min, not in the past, less than ten years
//! ahead, whole minutes) is checked here; creating and changing then go through the same use
//! cases as the XML API, so both faces see one model. One occurrence changed or cancelled on its
//! own is the business of [`crate::occurrences`].

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::error::{Entity, Error, Field, Result, ScheduleError};
use crate::model::{
    is_series_id, AttendeeOptionsChange, Caller, HistoryQuery, Instance, ListStatus, Meeting, MeetingFields,
    MeetingQuery, MeetingRef, Recurrence, ScheduledOccurrence, SeriesFields, SeriesItem, SeriesListing, SeriesPage,
    SeriesRef, SessionKind, SessionStatus, Shape, User, WriteTarget,
};
use crate::rules::limits::{
    GENERATED_PASSWORD_LEN, JOIN_BEFORE_HOST_MINUTES, LIST_SCAN_LIMIT, MAX_AGENDA, MAX_DURATION_MINUTES, MAX_TITLE,
};
use crate::rules::schedule::{current_times, duration_of, occurrence_state, series_state, window, zone_of, REST_KINDS};
use crate::rules::validate::meeting::{required, text};
use crate::rules::{recurrence, rrule, schedule, timezone};
use crate::Kaigi;

impl Kaigi {
    /// `POST /v1/meetings`.
    pub async fn create_series(&self, caller: &Caller, f: &SeriesFields) -> Result<Meeting> {
        let title = f.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let title = title.ok_or_else(|| Error::invalid(Field::Title, "title is required"))?;
        let (Some(start), Some(end)) = (f.start, f.end) else {
            return Err(Error::invalid(Field::Start, "start and end are required"));
        };
        let (start, minutes) = window(start, end, self.now())?;
        let zone = timezone::by_id(f.zone_id.unwrap_or(timezone::GMT_ID))
            .ok_or_else(|| Error::invalid(Field::TimeZone, "unknown time zone"))?;
        let local = zone.to_local(start);
        let repeat = match &f.recurrence {
            Some(Some(text)) if !text.trim().is_empty() => Some(rrule::parse(text, local.date())?),
            _ => None,
        };
        let password = match &f.password {
            Some(p) if !p.trim().is_empty() => p.clone(),
            // The REST API always hands out a password when none is given.
            _ => self.keys.password(GENERATED_PASSWORD_LEN),
        };
        let mut mf = self.meeting_fields(f)?;
        mf.name = Some(title.to_string());
        mf.password = Some(password);
        mf.start = Some(local);
        mf.time_zone_id = Some(zone.id);
        mf.duration_minutes = Some(minutes);
        mf.repeat = repeat;
        mf.host_webex_id = f.host_webex_id.clone();
        // What the body leaves out of joining before the host comes from the host's scheduling
        // preferences (REST meetingPreferences/schedulingOptions), as the spec says.
        if f.join_before_host.is_none() || f.join_before_host_minutes.is_none() {
            let host = match f.host_webex_id.as_deref() {
                Some(id) => self.store.user_by_webex_id(caller.site.id, id).await?,
                None => caller.user().cloned(),
            };
            if let Some(host) = host {
                let prefs = &host.preferences.scheduling;
                mf.join_teleconf_before_host = mf.join_teleconf_before_host.or(Some(prefs.join_before_host));
                mf.open_time_secs = mf.open_time_secs.or(Some(prefs.join_before_host_minutes * 60));
            }
        }
        if let Some(list) = &f.invitees {
            mf.invitees = Some(list.clone());
        }
        let kind = if f.webinar { SessionKind::Event } else { SessionKind::Meeting };
        self.create_meeting(caller, kind, &mf).await
    }

    fn meeting_fields(&self, f: &SeriesFields) -> Result<MeetingFields> {
        if let Some(minutes) = f.join_before_host_minutes {
            if !JOIN_BEFORE_HOST_MINUTES.contains(&minutes) {
                return Err(Error::invalid(Field::JoinBeforeHostMinutes, "must be 0, 5, 10 or 15"));
            }
        }
        let mut mf = MeetingFields {
            name: text(Field::Title, &f.title, MAX_TITLE)?
                .map(|t| crate::rules::validate::meeting::refuse_control(Field::Title, t.trim()).map(|()| t))
                .transpose()?,
            agenda: text(Field::Agenda, &f.agenda, MAX_AGENDA)?,
            password: f.password.clone(),
            join_teleconf_before_host: f.join_before_host,
            open_time_secs: f.join_before_host_minutes.map(|m| m * 60),
            list_status: f.public.map(|p| if p { ListStatus::Public } else { ListStatus::Private }),
            invitees: f.invitees.clone(),
            requester: f.requester.clone(),
            send_invitations: f.send_invitations,
            meeting_type: f.meeting_type,
            options: f.options.clone(),
            registration_form: f.registration_form.clone(),
            ..MeetingFields::default()
        };
        mf.attendee_options = AttendeeOptionsChange {
            exclude_password: f.exclude_password,
            join_requires_account: f.join_requires_account,
            // Registration on, approved automatically or not.
            registration: f.registration.map(|_| true),
            auto: f.registration,
            participant_limit: f.max_registrations,
            ..AttendeeOptionsChange::default()
        };
        Ok(mf)
    }

    /// A series the caller may read, by its REST id (series or occurrence); with the host and,
    /// for an occurrence, the occurrence as it takes place (a cancelled one is not found).
    pub async fn get_series(
        &self,
        caller: &Caller,
        r: &SeriesRef,
    ) -> Result<(Meeting, User, Option<ScheduledOccurrence>)> {
        let uuid = MeetingRef::Uuid(r.series().to_string());
        let (m, host) = self.get_meeting(caller, &uuid, &REST_KINDS).await?;
        match r {
            SeriesRef::Series(_) => Ok((m, host, None)),
            SeriesRef::Occurrence { start, .. } => {
                let o = schedule::occurrence(&m, *start).ok_or(Error::NotFound(Entity::Meeting))?;
                Ok((m, host, Some(o)))
            }
            // kaigi keeps no REST instances yet.
            SeriesRef::Instance { .. } => Err(Error::NotFound(Entity::Meeting)),
        }
    }

    /// What a change or delete by REST id acts on. Instances can never be changed; the one
    /// occurrence of a single meeting stands for its series.
    pub async fn write_target(&self, caller: &Caller, r: &SeriesRef) -> Result<WriteTarget> {
        match r {
            SeriesRef::Series(s) => Ok(WriteTarget::Series(s.clone())),
            SeriesRef::Instance { series, number } => Err(Error::invalid(
                Field::MeetingId,
                format!("Meeting ID '{series}_I_{number}' is not allowed for this API."),
            )),
            SeriesRef::Occurrence { start, .. } => {
                let (m, _, _) = self.get_series(caller, r).await?;
                if m.repeat.is_recurring() {
                    Ok(WriteTarget::Occurrence { series: m.uuid, start: *start })
                } else {
                    Ok(WriteTarget::Series(m.uuid))
                }
            }
        }
    }

    /// `PUT` (`replace`: title, password, start and end are required) and `PATCH` of a series.
    /// Changing the start, end or recurrence follows the same window as creating.
    pub async fn update_series(
        &self,
        caller: &Caller,
        series: &str,
        f: &SeriesFields,
        replace: bool,
    ) -> Result<Meeting> {
        if replace {
            required(f)?;
        }
        let r = MeetingRef::Uuid(series.to_string());
        let (m, _) = self.get_meeting(caller, &r, &REST_KINDS).await?;
        if m.status == SessionStatus::InProgress {
            return Err(Error::Schedule(ScheduleError::InProgress));
        }
        if matches!(&f.title, Some(t) if t.trim().is_empty()) {
            return Err(Error::invalid(Field::Title, "title must not be empty"));
        }
        let mut mf = self.meeting_fields(f)?;
        let zone = match f.zone_id {
            Some(id) => timezone::by_id(id).ok_or_else(|| Error::invalid(Field::TimeZone, "unknown time zone"))?,
            None => zone_of(&m),
        };
        if f.start.is_some() || f.end.is_some() {
            let start = f.start.unwrap_or(m.start);
            let end = f.end.unwrap_or(start + duration_of(&m));
            let (start, minutes) = window(start, end, self.now())?;
            mf.start = Some(zone.to_local(start));
            mf.duration_minutes = Some(minutes);
        } else if f.zone_id.is_some() {
            mf.start = Some(zone.to_local(m.start));
        }
        mf.time_zone_id = Some(zone.id);
        let first = mf.start.unwrap_or_else(|| zone.to_local(m.start)).date();
        mf.repeat = match &f.recurrence {
            Some(Some(text)) if !text.trim().is_empty() => Some(rrule::parse(text, first)?),
            Some(_) => Some(Recurrence::none()),
            None => None,
        };
        if let Some(list) = &f.invitees {
            mf.invitees = Some(list.clone());
        }
        if let Some(p) = &f.password {
            if p.trim().is_empty() {
                return Err(Error::invalid(Field::Password, "password must not be empty"));
            }
        }
        self.set_meeting(caller, &r, &REST_KINDS, &mf).await
    }

    /// The meeting key behind a join link (`…j.php?MTID=m<series id>…`) of this site.
    pub async fn meeting_by_link(&self, site: &crate::model::Site, link: &str) -> Result<Option<u64>> {
        let Some(at) = link.find("MTID=") else { return Ok(None) };
        let token: String =
            link[at + 5..].trim_start_matches('m').chars().take_while(char::is_ascii_hexdigit).collect();
        if !is_series_id(&token) {
            return Ok(None);
        }
        Ok(self.store.meeting_by_uuid(site.id, &token).await?.map(|m| m.meeting_key))
    }

    /// Ended sessions of the caller (or, for an administrator, of the host `host_email` names),
    /// overlapping `[from, to)`, of one series or all.
    pub async fn instances(
        &self,
        caller: &Caller,
        host_email: Option<&str>,
        series: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Instance>> {
        let me = caller.require_user()?;
        let host = match host_email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(email) if !email.eq_ignore_ascii_case(&me.email) => {
                if !me.privileges.reads_site() {
                    return Err(Error::AccessDenied);
                }
                self.store.user_by_email(caller.site.id, email).await?.ok_or(Error::NotFound(Entity::User))?
            }
            _ => me.clone(),
        };
        let q = HistoryQuery {
            kinds: REST_KINDS.to_vec(),
            host_webex_id: Some(host.webex_id.clone()),
            limit: u32::MAX,
            ..HistoryQuery::default()
        };
        let items = match self.usage_history(caller, &q).await {
            Ok(page) => page.items,
            Err(Error::NoRecords) => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(items
            .into_iter()
            .filter(|i| i.usage.start < to && i.usage.end > from)
            .filter(|i| series.is_none_or(|s| i.usage.uuid.eq_ignore_ascii_case(s)))
            .map(|i| Instance { usage: i.usage, host: i.host })
            .collect())
    }

    /// One ended session of a series, by its number.
    pub async fn instance(&self, caller: &Caller, series: &str, number: u64) -> Result<Instance> {
        let (_, host) = self.get_meeting(caller, &MeetingRef::Uuid(series.to_string()), &REST_KINDS).await?;
        let host_email = Some(host.email);
        let all = self
            .instances(caller, host_email.as_deref(), Some(series), DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)
            .await?;
        all.into_iter()
            .find(|i| u64::try_from(i.usage.id).is_ok_and(|id| id == number))
            .ok_or(Error::NotFound(Entity::Meeting))
    }

    /// `DELETE /v1/meetings/{id}` of a series.
    pub async fn delete_series(&self, caller: &Caller, series: &str) -> Result<Meeting> {
        self.delete_meeting(caller, &MeetingRef::Uuid(series.to_string()), &REST_KINDS).await
    }

    /// `GET /v1/meetings`: the caller's meetings (or, for an administrator, those of the user
    /// `host_email` names) hosted or co-hosted, one page after `q.after`.
    ///
    /// A page costs what it shows, however many meetings the host has: the host's repeating
    /// series (few) are all read and expanded, and its single meetings — shown at their stored
    /// start — are read in that order from the cursor on, only until the page is full.
    pub async fn list_series(&self, caller: &Caller, q: &SeriesListing) -> Result<SeriesPage> {
        let me = caller.require_user()?;
        let site = &caller.site;
        let who = match q.host_email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            Some(email) if !email.eq_ignore_ascii_case(&me.email) => {
                if !me.privileges.reads_site() {
                    return Err(Error::AccessDenied);
                }
                self.store.user_by_email(site.id, email).await?.ok_or(Error::NotFound(Entity::User))?
            }
            _ => me.clone(),
        };
        let by_key = q.meeting_key.is_some();
        // A series' first occurrence may have been moved earlier within its own day.
        let first_day_margin = Duration::days(2);
        let query = MeetingQuery {
            kinds: if q.kinds.is_empty() { REST_KINDS.to_vec() } else { q.kinds.clone() },
            hosts: Some(vec![(who.id, who.email.clone())]),
            from: (!by_key).then(|| {
                q.from.checked_sub_signed(Duration::minutes(i64::from(MAX_DURATION_MINUTES))).unwrap_or(q.from)
            }),
            to: (!by_key).then(|| q.to.checked_add_signed(first_day_margin).unwrap_or(q.to)),
            meeting_key: q.meeting_key,
            uuid: q.series.as_ref().map(|s| s.to_ascii_lowercase()),
            limit: LIST_SCAN_LIMIT,
            ..MeetingQuery::default()
        };
        let mut lister = Lister { kaigi: self, q, now: self.now(), hosts: HashMap::new(), items: Vec::new() };
        let repeating = MeetingQuery { shape: Some(Shape::Repeating), ..query.clone() };
        for m in self.store.list_meetings(site.id, &repeating).await? {
            lister.add(m).await?;
        }
        let wanted = q.limit.saturating_add(1);
        // Single meetings have no occurrence of their own to move: no margin after `to`.
        let mut singles =
            MeetingQuery { shape: Some(Shape::Single), after: q.after, to: (!by_key).then_some(q.to), ..query };
        let mut chunk = u32::try_from(wanted).unwrap_or(u32::MAX).max(SINGLES_CHUNK);
        let mut found = 0;
        loop {
            singles.limit = chunk;
            let rows = self.store.list_meetings(site.id, &singles).await?;
            let exhausted = rows.len() < chunk as usize;
            singles.after = rows.last().map(|m| (m.start, m.id));
            for m in rows {
                found += lister.add(m).await?;
            }
            // Every single meeting not read yet comes after the `wanted` ones found.
            if exhausted || found >= wanted {
                break;
            }
            chunk = chunk.saturating_mul(2).min(LIST_SCAN_LIMIT);
        }
        let mut items = lister.items;
        items.sort_by_key(SeriesItem::key);
        items.truncate(wanted);
        let next = match q.limit.checked_sub(1) {
            Some(last) if items.len() > q.limit => Some(items[last].key()),
            _ => None,
        };
        items.truncate(q.limit);
        Ok(SeriesPage { items, next })
    }
}

/// Single meetings read per statement when a page is filled (doubling while filters skip them).
const SINGLES_CHUNK: u32 = 64;

/// Turns listed meetings into the items of one page: occurrences in the window as they take
/// place, or series at their shown start, after the cursor and passing the filters.
struct Lister<'a> {
    kaigi: &'a Kaigi,
    q: &'a SeriesListing,
    now: DateTime<Utc>,
    hosts: HashMap<i64, User>,
    items: Vec<SeriesItem>,
}

impl Lister<'_> {
    /// Adds the items of `m`; how many.
    async fn add(&mut self, m: Meeting) -> Result<usize> {
        let (q, now) = (self.q, self.now);
        if q.series.as_deref().is_some_and(|s| !s.eq_ignore_ascii_case(&m.uuid)) {
            return Ok(0);
        }
        let host = match self.hosts.get(&m.host_id) {
            Some(h) => h.clone(),
            None => {
                let Some(h) = self.kaigi.store.user_by_id(m.site_id, m.host_id).await? else { return Ok(0) };
                self.hosts.insert(m.host_id, h.clone());
                h
            }
        };
        let after = |start: DateTime<Utc>| q.after.is_none_or(|cursor| (start, m.id) > cursor);
        let (mut from, to) =
            if q.meeting_key.is_some() { (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC) } else { (q.from, q.to) };
        // Occurrences overlapping [from, to) — starting before `to` and ending after `from` — and
        // not before the cursor: about one page of them (a few may start with the cursor).
        if let Some((start, _)) = q.after.filter(|_| q.occurrences) {
            from = from.max(start);
        }
        let wanted = q.limit.saturating_add(3).min(recurrence::MAX_OCCURRENCES);
        let overlapping = schedule::scheduled_between(&m, from, to, wanted);
        if overlapping.is_empty() {
            return Ok(0);
        }
        let before = self.items.len();
        if q.occurrences {
            for o in overlapping {
                if !after(o.start)
                    || q.state.is_some_and(|st| st != occurrence_state(&m, &o, now))
                    || q.modified.is_some_and(|want| want != o.is_modified())
                {
                    continue;
                }
                let (start, end) = (o.start, o.end);
                self.items.push(SeriesItem { meeting: m.clone(), host: host.clone(), start, end, occurrence: Some(o) });
            }
        } else {
            let (start, end) = if q.current { current_times(&m, now) } else { (m.start, m.start + duration_of(&m)) };
            if after(start) && q.state.is_none_or(|st| st == series_state(&m, now)) {
                self.items.push(SeriesItem { meeting: m, host, start, end, occurrence: None });
            }
        }
        Ok(self.items.len() - before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SeriesRef;
    use crate::rules::schedule::occurrence_id;
    use crate::rules::schedule::window;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn ids_have_three_shapes() {
        let s = "870f51ff287b41be84648412901e0402";
        assert_eq!(SeriesRef::parse(s), Some(SeriesRef::Series(s.into())));
        assert_eq!(
            SeriesRef::parse(&format!("{s}_20191101T120000Z")),
            Some(SeriesRef::Occurrence { series: s.into(), start: at("2019-11-01T12:00:00Z") })
        );
        assert_eq!(
            SeriesRef::parse(&format!("{s}_I_167427437874906709")),
            Some(SeriesRef::Instance { series: s.into(), number: 167427437874906709 })
        );
        assert_eq!(occurrence_id(s, at("2019-11-01T12:00:00Z")), format!("{s}_20191101T120000Z"));
        for bad in
            ["", "xyz", &s[1..], &format!("{s}_"), &format!("{s}_I_x"), &format!("{s}_2019"), &format!("{s}_I_-1")]
        {
            assert_eq!(SeriesRef::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_window_cuts_to_minutes_and_bounds_the_length() {
        let now = at("2026-06-01T09:00:30Z");
        assert_eq!(
            window(at("2026-06-01T10:00:45Z"), at("2026-06-01T10:30:10Z"), now).unwrap(),
            (at("2026-06-01T10:00:00Z"), 30)
        );
        // A start in the current minute moves to the next one.
        assert_eq!(
            window(at("2026-06-01T09:00:10Z"), at("2026-06-01T09:30:00Z"), now).unwrap().0,
            at("2026-06-01T09:01:00Z")
        );
        assert!(matches!(
            window(at("2026-06-01T08:59:00Z"), at("2026-06-01T10:00:00Z"), now),
            Err(Error::Schedule(ScheduleError::StartNotInFuture))
        ));
        assert!(window(at("2026-06-01T10:00:00Z"), at("2026-06-01T10:09:00Z"), now).is_err());
        assert!(window(at("2026-06-01T10:00:00Z"), at("2026-06-01T10:10:00Z"), now).is_ok());
        assert!(window(at("2026-06-01T10:00:00Z"), at("2026-06-02T09:59:00Z"), now).is_ok());
        assert!(window(at("2026-06-01T10:00:00Z"), at("2026-06-02T10:00:00Z"), now).is_err());
        assert!(window(at("2026-06-01T10:00:00Z"), at("2026-06-01T09:00:00Z"), now).is_err());
        assert!(window(at("2036-06-01T10:00:00Z"), at("2036-06-01T11:00:00Z"), now).is_err());
        assert!(window(at("2036-05-31T10:00:00Z"), at("2036-05-31T11:00:00Z"), now).is_ok());
    }
}
