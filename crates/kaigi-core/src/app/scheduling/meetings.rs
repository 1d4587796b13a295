//! Scheduling use cases: create, change, read, delete and list meetings (and the other session
//! kinds, which share the model), with the 40.x rules: generated passwords, starts in the future,
//! who may schedule for whom, and the host-licence question asked in one place.

use chrono::{DateTime, Duration, Timelike, Utc};

use crate::app::notifications::changes::{change, facts_of};
use crate::error::{ConflictOn, Entity, Error, Field, Result, ScheduleError, StoreError};
use crate::model::WebhookEvent::{Created, Deleted, Updated};
use crate::model::WebhookResource::Meetings;
use crate::model::{
    AttendeeOptions, CalendarEntry, Caller, Invitee, LicenseAction, LicenseDecision, ListStatus, Meeting,
    MeetingFields, MeetingLinks, MeetingOptions, MeetingRef, Person, Recurrence, ScheduleShape, SessionKind,
    SessionStatus, Site, User, REGISTRATION_FIELDS,
};
use crate::rules::licence::{for_booking, on_behalf_of, requester_of};
use crate::rules::limits::{
    DEFAULT_DURATION_MINUTES, DEFAULT_OPEN_TIME_SECS, GENERATED_PASSWORD_LEN, MAX_DURATION_MINUTES, MAX_INVITEES,
    MAX_OPEN_TIME_SECS, MAX_PASSWORD, WRITE_ATTEMPTS,
};
use crate::rules::links::{self, url_encode};
use crate::rules::timezone::TimeZoneInfo;
use crate::rules::validate::meeting::{check_options, refuse_control, validate_rule};
use crate::rules::validate::{clean_text, valid_email};
use crate::rules::{recurrence, schedule, timezone};
use crate::Kaigi;

fn store_error(e: StoreError) -> Error {
    match e {
        StoreError::Missing => Error::NotFound(Entity::Meeting),
        other => Error::Store(other),
    }
}

impl Kaigi {
    /// The links of `m`, built from the public base URL.
    pub fn meeting_links(&self, site: &Site, m: &Meeting) -> MeetingLinks {
        let base = self.site_url(site);
        MeetingLinks {
            host_calendar: links::calendar_link(&base, &m.host_token, true),
            attendee_calendar: links::calendar_link(&base, &m.uuid, false),
            invite: links::invitation_link(&base, &m.uuid),
            join: links::join_link(&base, m.meeting_key),
            host: links::host_link(&base, m.meeting_key),
            register: m.attendee_options.registration.then(|| links::registration_link(&base, &m.uuid)),
            sip: format!("{}@{}.{}", m.meeting_key, site.name, self.config.public_host()),
        }
    }

    /// The zone a schedule is read in: the request's, else the host's, else the site's.
    fn schedule_zone(site: &Site, host: &User, requested: Option<u16>) -> Result<&'static TimeZoneInfo> {
        let id = requested.unwrap_or(host.time_zone_id);
        timezone::by_id(id)
            .or_else(|| if requested.is_none() { timezone::by_id(site.settings.time_zone_id) } else { None })
            .ok_or_else(|| Error::invalid(Field::TimeZone, "must be one of the 62 time zones (0-61)"))
    }

    /// Who the meeting is for: the caller, or the user `schedule/hostWebExID` names when the
    /// caller may schedule for them (a site administrator, or someone on their scheduling
    /// permission list).
    async fn resolve_host(&self, caller: &Caller, named: Option<&str>) -> Result<User> {
        let me = caller.require_user()?;
        let Some(id) = named.map(str::trim).filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case(&me.webex_id)) else {
            return Ok(me.clone());
        };
        let host = self
            .store
            .user_by_webex_id(caller.site.id, id)
            .await?
            .ok_or(Error::Schedule(ScheduleError::UnknownHost))?;
        if me.privileges.site_admin || host.permits_scheduling_by(&me.webex_id) {
            Ok(host)
        } else {
            Err(Error::Schedule(ScheduleError::NotPermittedForHost))
        }
    }

    /// The licence question for the host of a booking. A refusal is recorded and answered with
    /// the licence error; otherwise the decision (to record once the booking is stored) and the
    /// host as they are now (a free seat may have been given).
    async fn host_licence(
        &self,
        caller: &Caller,
        host: User,
        booking_name: &str,
        requester: Option<String>,
    ) -> Result<(LicenseDecision, User)> {
        let asked = self.ask_licence(&caller.site, LicenseAction::Schedule, Person::User(&host)).await?;
        let mut d = asked.decision.clone();
        d.booked_by = caller.user().map(|u| u.webex_id.clone());
        d.requester = on_behalf_of(requester, &host);
        d.booking_name = booking_name.trim().chars().take(512).collect();
        if asked.refused() {
            self.record_licence_decisions(&[d]).await?;
            return Err(asked.error());
        }
        Ok((d, asked.updated_user.unwrap_or(host)))
    }

    /// The licence question for each alternate host (invitee with role HOST) not in `before`:
    /// one who may not host stays invited as an attendee (as the REST API does with co-hosts).
    async fn alternate_host_licences(
        &self,
        site: &Site,
        host: &User,
        m: &mut Meeting,
        before: &[Invitee],
    ) -> Result<Vec<LicenseDecision>> {
        let mut decisions = Vec::new();
        for i in m.invitees.iter_mut() {
            let is_alternate = i.role == "HOST" && !i.email.eq_ignore_ascii_case(&host.email);
            let was_alternate = before.iter().any(|b| b.role == "HOST" && b.email.eq_ignore_ascii_case(&i.email));
            if !is_alternate || was_alternate {
                continue;
            }
            let user = self.store.user_by_email(site.id, &i.email).await?;
            let who = match &user {
                Some(u) => Person::User(u),
                None => Person::Guest(&i.email),
            };
            let asked = self.ask_licence(site, LicenseAction::AlternateHost, who).await?;
            if asked.refused() {
                i.role = "ATTENDEE".into();
            }
            decisions.push(asked.decision);
        }
        Ok(decisions)
    }

    pub(crate) fn may_manage(caller: &Caller, m: &Meeting) -> bool {
        let Some(me) = caller.user() else { return false };
        me.id == m.host_id
            || me.id == m.scheduled_by
            || me.privileges.site_admin
            || m.invitees.iter().any(|i| i.role.eq_ignore_ascii_case("HOST") && i.email.eq_ignore_ascii_case(&me.email))
    }

    fn may_read(caller: &Caller, m: &Meeting) -> bool {
        Self::may_manage(caller, m) || caller.user().is_some_and(|u| u.privileges.ro_site_admin)
    }

    /// A meeting of the caller's site by key or uuid, of the given kinds (all when empty).
    pub async fn find_meeting(&self, site: &Site, r: &MeetingRef, kinds: &[SessionKind]) -> Result<Meeting> {
        let found = match r {
            MeetingRef::Key(k) => self.store.meeting_by_key(site.id, *k).await?,
            MeetingRef::Uuid(u) => self.store.meeting_by_uuid(site.id, u.trim()).await?,
        };
        found.filter(|m| kinds.is_empty() || kinds.contains(&m.kind)).ok_or(Error::NotFound(Entity::Meeting))
    }

    /// Applies the request's non-schedule fields to `m`, validating each.
    fn apply_meeting_fields(&self, site: &Site, host: &User, m: &mut Meeting, f: &MeetingFields) -> Result<()> {
        if let Some(v) = &f.name {
            let name = clean_text(Field::Title, v, 512)?;
            refuse_control(Field::Title, &name)?;
            if name.is_empty() {
                return Err(Error::invalid(Field::Title, "must not be empty"));
            }
            m.name = name;
        }
        if let Some(t) = f.meeting_type {
            if site.settings.meeting_type(t).is_none() {
                return Err(Error::invalid(Field::MeetingType, format!("{t} is not a meeting type of this site")));
            }
            if !host.meeting_types.contains(&t) {
                return Err(Error::invalid(Field::MeetingType, format!("{t} is not among the host's meeting types")));
            }
            m.meeting_type = t;
        }
        for (dst, src, field, max) in [
            (&mut m.agenda, &f.agenda, Field::Agenda, 2500),
            (&mut m.greeting, &f.greeting, Field::Greeting, 2500),
            (&mut m.location, &f.location, Field::Location, 512),
            (&mut m.invitation, &f.invitation, Field::Invitation, 2500),
        ] {
            if let Some(v) = src {
                *dst = clean_text(field, v, max)?;
            }
        }
        if let Some(v) = f.is_internal {
            m.is_internal = v;
        }
        if let Some(d) = f.duration_minutes {
            if d == 0 || d > MAX_DURATION_MINUTES {
                return Err(Error::invalid(Field::Duration, format!("must be 1 to {MAX_DURATION_MINUTES} minutes")));
            }
            m.duration_minutes = d;
        }
        if let Some(o) = f.open_time_secs {
            if o > MAX_OPEN_TIME_SECS {
                return Err(Error::invalid(Field::OpenTime, format!("must be 0 to {MAX_OPEN_TIME_SECS} seconds")));
            }
            m.open_time_secs = o;
        }
        if let Some(v) = f.join_teleconf_before_host {
            m.join_teleconf_before_host = v;
        }
        if let Some(v) = f.list_status {
            m.list_status = v;
        }
        if let Some(pw) = &f.password {
            let pw = pw.trim();
            if pw.chars().count() > MAX_PASSWORD {
                return Err(Error::invalid(Field::MeetingPassword, format!("at most {MAX_PASSWORD} characters")));
            }
            // The site's strong-password rules (REST commonSettings), while they are on.
            if let Some(why) = crate::rules::validate::site_config::password_problem(&site.settings.common, pw)
                .filter(|_| !pw.is_empty())
            {
                return Err(Error::invalid(Field::MeetingPassword, why));
            }
            m.password = if pw.is_empty() { None } else { Some(pw.to_string()) };
        }
        if let Some(v) = f.enforce_password {
            m.enforce_password = v;
        }
        if let Some(pw) = &f.audio_password {
            let pw = pw.trim();
            if !pw.is_empty() && (!pw.chars().all(|c| c.is_ascii_digit()) || pw.len() > 16) {
                return Err(Error::invalid(Field::AudioPassword, "must be up to 16 digits"));
            }
            m.audio_password = if pw.is_empty() { None } else { Some(pw.to_string()) };
        }
        if let Some(v) = f.enforce_audio_password {
            m.enforce_audio_password = v;
        }
        if let Some(v) = f.enforce_audio_login {
            m.enforce_audio_login = v;
        }
        if let Some(v) = f.max_user_number {
            m.max_user_number = v;
        }
        if let Some(list) = &f.invitees {
            if list.len() > MAX_INVITEES {
                return Err(Error::invalid(Field::Invitees, format!("at most {MAX_INVITEES} per request")));
            }
            m.invitees = list
                .iter()
                .map(|i| {
                    let role = i.role.trim().to_ascii_uppercase();
                    let role = if role.is_empty() { "ATTENDEE".to_string() } else { role };
                    if !matches!(role.as_str(), "ATTENDEE" | "PRESENTER" | "HOST" | "LIMITED") {
                        return Err(Error::invalid(Field::Role, "must be ATTENDEE, PRESENTER, HOST or LIMITED"));
                    }
                    Ok(Invitee { name: clean_text(Field::Name, &i.name, 256)?, email: valid_email(&i.email)?, role })
                })
                .collect::<Result<_>>()?;
        }
        check_options(&f.options)?;
        m.options.merge(&f.options);
        f.attendee_options.apply_to(&mut m.attendee_options);
        if let Some(form) = &f.registration_form {
            for (field, required) in form {
                let Some(name) = REGISTRATION_FIELDS.iter().find(|n| n.eq_ignore_ascii_case(field)) else {
                    return Err(Error::invalid(
                        Field::RegistrationForm,
                        format!("{field} is not a registration field"),
                    ));
                };
                m.registration_required.retain(|n| n != name);
                if *required {
                    m.registration_required.push((*name).to_string());
                }
            }
        }
        Ok(())
    }

    /// Sets the schedule (start, zone, repeat) from the request, checking the start is in the future.
    fn apply_schedule(
        &self,
        site: &Site,
        host: &User,
        m: &mut Meeting,
        f: &MeetingFields,
        creating: bool,
    ) -> Result<()> {
        let now = self.now();
        let zone_changed = f.time_zone_id.is_some();
        let zone = Self::schedule_zone(site, host, f.time_zone_id.or((!creating).then_some(m.time_zone_id)))?;
        m.time_zone_id = zone.id;
        if let Some(rule) = &f.repeat {
            validate_rule(rule)?;
            m.repeat = rule.clone();
        }
        let local_start = match f.start {
            Some(s) => s,
            None if creating => {
                // kaigi's choice: a meeting without a start begins in five minutes (the service
                // refuses starts that are not in the future, and clients use now + 5 minutes).
                let soon = now + Duration::minutes(5);
                zone.to_local(soon).with_second(0).unwrap_or(zone.to_local(soon))
            }
            None => {
                let old = timezone::by_id(m.time_zone_id).unwrap_or(zone);
                old.to_local(m.start)
            }
        };
        let first = recurrence::first_start(&m.repeat, local_start, zone).ok_or_else(|| {
            Error::invalid(Field::Start, "is not a time that exists in the time zone or has no occurrence")
        })?;
        if (f.start.is_some() || creating || zone_changed || f.repeat.is_some()) && first <= now {
            return Err(Error::Schedule(ScheduleError::StartNotInFuture));
        }
        m.start = first;
        m.series_end = if m.repeat.is_recurring() {
            recurrence::series_end(
                &m.repeat,
                zone.to_local(first),
                zone,
                Duration::minutes(i64::from(m.duration_minutes)),
            )
        } else {
            Some(first + Duration::minutes(i64::from(m.duration_minutes)))
        };
        Ok(())
    }

    /// Schedules a session of `kind` (CreateMeeting, CreateTeleconferenceSession, …).
    pub async fn create_meeting(&self, caller: &Caller, kind: SessionKind, f: &MeetingFields) -> Result<Meeting> {
        let me = caller.require_user()?.clone();
        let site = &caller.site;
        let host = self.resolve_host(caller, f.host_webex_id.as_deref()).await?;
        let requester = requester_of(&site.settings, f.requester.as_deref(), &f.options);
        let (schedule, host) =
            self.host_licence(caller, host, f.name.as_deref().unwrap_or_default(), requester).await?;
        let now = self.now();
        let default_type = host
            .meeting_types
            .iter()
            .copied()
            .find(|t| site.settings.meeting_type(*t).is_some_and(|d| !d.e2ee && d.service == kind.service_type()))
            .or_else(|| host.meeting_types.first().copied())
            .unwrap_or(0);
        let mut m = Meeting {
            id: 0,
            site_id: site.id,
            kind,
            meeting_key: 0,
            uuid: self.keys.time_ordered_hex(now, 16),
            conf_id: self.keys.digits(18),
            host_id: host.id,
            scheduled_by: me.id,
            name: String::new(),
            meeting_type: default_type,
            agenda: String::new(),
            greeting: String::new(),
            location: String::new(),
            invitation: String::new(),
            is_internal: false,
            start: now,
            time_zone_id: host.time_zone_id,
            duration_minutes: DEFAULT_DURATION_MINUTES,
            open_time_secs: DEFAULT_OPEN_TIME_SECS,
            join_teleconf_before_host: false,
            list_status: ListStatus::Public,
            password: None,
            enforce_password: false,
            audio_password: None,
            enforce_audio_password: false,
            enforce_audio_login: false,
            host_key: format!("{:06}", self.keys.below(1_000_000)),
            guest_token: self.keys.hex(16),
            host_token: self.keys.time_ordered_hex(now, 16),
            max_user_number: site.settings.meeting_type(default_type).map(|t| t.max_users).unwrap_or(1000),
            invitees: Vec::new(),
            options: MeetingOptions::default(),
            repeat: Recurrence::none(),
            series_end: None,
            attendee_options: AttendeeOptions { auto: true, ..AttendeeOptions::default() },
            registration_required: Vec::new(),
            exceptions: Vec::new(),
            status: SessionStatus::NotInProgress,
            host_joined: false,
            participants_joined: false,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            revision: 0,
        };
        self.apply_meeting_fields(site, &host, &mut m, f)?;
        if m.name.is_empty() && kind == SessionKind::Support {
            // CreateSupportSession may omit metaData: the session is named after its host.
            m.name = format!("{} {} support session", host.first_name, host.last_name).trim().to_string();
        }
        if m.name.is_empty() {
            return Err(Error::invalid(Field::Title, "is required"));
        }
        self.apply_schedule(site, &host, &mut m, f, true)?;
        let mut decisions = vec![schedule];
        decisions.extend(self.alternate_host_licences(site, &host, &mut m, &[]).await?);
        // 40.1.2: on a site that requires passwords, a meeting without one gets one.
        if m.password.is_none() && site.settings.require_meeting_password {
            m.password = Some(self.keys.password(GENERATED_PASSWORD_LEN));
        }
        if m.audio_password.is_none() {
            m.audio_password = Some(self.keys.digits(8).to_string());
        }
        for _ in 0..64 {
            m.meeting_key = self.keys.digits(9);
            let tied: Vec<LicenseDecision> = decisions.iter().cloned().map(|d| for_booking(d, &m)).collect();
            let created = change(&m, facts_of(&m, &host.email), Meetings, Created, Some(me.id), now);
            match self.store.insert_meeting_with_decisions(&m, &tied, &[created]).await {
                Ok(id) => {
                    m.id = id;
                    self.changes_recorded();
                    // A new meeting has no attendees yet: only invitees need rows.
                    if !m.invitees.is_empty() {
                        self.attendees_for_invitees(&m, f.send_invitations).await?;
                    }
                    return Ok(m);
                }
                Err(StoreError::Conflict(ConflictOn::MeetingKey)) => continue,
                Err(e) => return Err(Error::Store(e)),
            }
        }
        Err(Error::Store(StoreError::Backend("no free meeting key after 64 tries".into())))
    }

    /// Changes a meeting (SetMeeting and friends). The host may change only to someone the caller
    /// may schedule for, and who holds a licence. A change that another change of the meeting
    /// overtook (one occurrence cancelled meanwhile) is applied again to the meeting as it is now.
    pub async fn set_meeting(
        &self,
        caller: &Caller,
        r: &MeetingRef,
        kinds: &[SessionKind],
        f: &MeetingFields,
    ) -> Result<Meeting> {
        caller.require_user()?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.set_meeting_once(caller, r, kinds, f).await {
                Err(Error::Store(StoreError::Stale)) if attempts < WRITE_ATTEMPTS => continue,
                done => return done,
            }
        }
    }

    /// Writes `m` after `change` (which answers whether it changed anything). When another write
    /// of the meeting came first, `change` is applied again to the meeting as stored now (the
    /// failed write forgot the cached copy), so that neither write undoes the other.
    pub(crate) async fn rewrite_meeting(&self, mut m: Meeting, change: impl Fn(&mut Meeting) -> bool) -> Result<()> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            if !change(&mut m) {
                return Ok(());
            }
            match self.store.update_meeting_unless_changed(&m, &[], &[]).await {
                Err(StoreError::Stale) if attempts < WRITE_ATTEMPTS => {
                    let now = self.store.meeting_by_key(m.site_id, m.meeting_key).await?;
                    m = now.ok_or(Error::NotFound(Entity::Meeting))?;
                }
                done => return done.map_err(store_error),
            }
        }
    }

    /// One try of [`Kaigi::set_meeting`]; Stale when the meeting changed after it was read.
    async fn set_meeting_once(
        &self,
        caller: &Caller,
        r: &MeetingRef,
        kinds: &[SessionKind],
        f: &MeetingFields,
    ) -> Result<Meeting> {
        let site = &caller.site;
        let mut m = self.find_meeting(site, r, kinds).await?;
        if !Self::may_manage(caller, &m) {
            return Err(Error::AccessDenied);
        }
        let mut decisions = Vec::new();
        let host = match f.host_webex_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(named) => {
                let host = self.resolve_host(caller, Some(named)).await?;
                if host.id == m.host_id {
                    host
                } else {
                    let mut options = m.options.clone();
                    options.merge(&f.options);
                    let requester = requester_of(&site.settings, f.requester.as_deref(), &options);
                    let (d, host) = self.host_licence(caller, host, &m.name, requester).await?;
                    decisions.push(d);
                    host
                }
            }
            None => self.store.user_by_id(site.id, m.host_id).await?.ok_or(Error::NotFound(Entity::User))?,
        };
        m.host_id = host.id;
        let before = m.invitees.clone();
        let shape = ScheduleShape::of(&m);
        self.apply_meeting_fields(site, &host, &mut m, f)?;
        self.apply_schedule(site, &host, &mut m, f, false)?;
        schedule::settle_after_series_change(&mut m, &shape);
        if f.invitees.is_some() {
            decisions.extend(self.alternate_host_licences(site, &host, &mut m, &before).await?);
        }
        m.updated_at = self.now();
        let actor = caller.user().map(|u| u.id);
        let updated = change(&m, facts_of(&m, &host.email), Meetings, Updated, actor, m.updated_at);
        self.store.update_meeting_unless_changed(&m, &[], &[updated]).await.map_err(store_error)?;
        self.changes_recorded();
        m.revision += 1;
        let decisions: Vec<LicenseDecision> = decisions.into_iter().map(|d| for_booking(d, &m)).collect();
        self.record_licence_decisions(&decisions).await?;
        if f.invitees.is_some() {
            self.attendees_for_invitees(&m, f.send_invitations).await?;
        }
        Ok(m)
    }

    /// Reads a meeting with its host.
    pub async fn get_meeting(&self, caller: &Caller, r: &MeetingRef, kinds: &[SessionKind]) -> Result<(Meeting, User)> {
        caller.require_user()?;
        let m = self.find_meeting(&caller.site, r, kinds).await?;
        if !Self::may_read(caller, &m) {
            return Err(Error::AccessDenied);
        }
        let host = self.store.user_by_id(caller.site.id, m.host_id).await?.ok_or(Error::NotFound(Entity::User))?;
        Ok((m, host))
    }

    /// Deletes a meeting; its key stays reserved and its calendar links announce the cancellation.
    pub async fn delete_meeting(&self, caller: &Caller, r: &MeetingRef, kinds: &[SessionKind]) -> Result<Meeting> {
        caller.require_user()?;
        let mut m = self.find_meeting(&caller.site, r, kinds).await?;
        if !Self::may_manage(caller, &m) {
            return Err(Error::AccessDenied);
        }
        let now = self.now();
        let actor = caller.user().map(|u| u.id);
        let deleted = change(&m, self.change_facts(&m).await?, Meetings, Deleted, actor, now);
        self.store.delete_meeting(caller.site.id, m.id, now, &[deleted]).await.map_err(store_error)?;
        self.changes_recorded();
        m.deleted_at = Some(now);
        Ok(m)
    }

    /// GethosturlMeeting.
    pub async fn host_url(&self, caller: &Caller, r: &MeetingRef) -> Result<(Meeting, String)> {
        let (m, _) = self.get_meeting(caller, r, &[]).await?;
        if !Self::may_manage(caller, &m) {
            return Err(Error::AccessDenied);
        }
        let url = self.meeting_links(&caller.site, &m).host;
        Ok((m, url))
    }

    /// GetjoinurlMeeting: anyone signed in on the site may ask; the name, email and password given
    /// are carried in the link.
    pub async fn join_url(
        &self,
        caller: &Caller,
        r: &MeetingRef,
        name: Option<&str>,
        email: Option<&str>,
        password: Option<&str>,
    ) -> Result<(Meeting, MeetingLinks, String)> {
        caller.require_user()?;
        let m = self.find_meeting(&caller.site, r, &[]).await?;
        let links = self.meeting_links(&caller.site, &m);
        let mut join = links.join.clone();
        for (param, value) in [("AN", name), ("AE", email), ("PW", password)] {
            if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
                join.push_str(&format!("&{param}={}", url_encode(v)));
            }
        }
        Ok((m, links, join))
    }
}

impl Kaigi {
    /// The meeting behind an iCalendar link (`j.php?MTID=m<token>`): the uuid gives the attendees'
    /// file, the host token the host's. Deleted meetings still answer, to carry the cancellation.
    pub async fn calendar_entry(&self, site_name: &str, token: &str) -> Result<CalendarEntry> {
        let site = self.store.site_by_name(site_name).await?.ok_or(Error::NotFound(Entity::Site))?;
        let token = token.trim().strip_prefix('m').unwrap_or(token.trim()).to_ascii_lowercase();
        let meeting =
            self.store.meeting_by_calendar_token(site.id, &token).await?.ok_or(Error::NotFound(Entity::Meeting))?;
        let for_host = meeting.host_token == token;
        self.calendar_of(&site, meeting, for_host).await
    }

    /// The meeting's calendar entry: its host, its occurrence starts (up to 100) and its links.
    pub(crate) async fn calendar_of(&self, site: &Site, meeting: Meeting, for_host: bool) -> Result<CalendarEntry> {
        let host = self.store.user_by_id(site.id, meeting.host_id).await?.ok_or(Error::NotFound(Entity::User))?;
        let zone = timezone::by_id(meeting.time_zone_id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)]);
        let starts = recurrence::starts_between(
            &meeting.repeat,
            zone.to_local(meeting.start),
            zone,
            meeting.start,
            DateTime::<Utc>::MAX_UTC,
            100,
        );
        let links = self.meeting_links(site, &meeting);
        Ok(CalendarEntry { for_host, meeting, host, starts, links })
    }
}
