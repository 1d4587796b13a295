//! The session lifecycle: people join a meeting (as attendee, as its host, or as a guest who
//! claims the host role with the 6-digit host key), the first host starts it, a host records and
//! ends it; ending writes the usage and attendee history and, when it was recorded, a recording.
//!
//! Who counts as the host: kaigi has no signed-in browser session yet, so "the host" is a joiner
//! whose email is the meeting host's (or an alternate host's) AND who gives the host key. The host
//! needs no meeting password. Anyone else who gives the host key also becomes HOST, after giving
//! the meeting password like any guest; that claim is recorded as a `host_key_claim` event with the
//! person, so the licence report can tell who actually hosted.
//!
//! Join before host: attendees may join a meeting nobody hosts yet only when its enable options
//! say `joinBeforeHost` true (or it allows joining the teleconference before the host); otherwise
//! they are refused with [`SessionError::WaitingForHost`].

use chrono::{DateTime, Duration, Utc};

use crate::app::notifications::changes::{change, participant_facts, recording_facts};
use crate::error::{Entity, Error, Field, Result, SessionError};
use crate::model::WebhookEvent;
use crate::model::WebhookEvent::{Created, Ended, Left, Started};
use crate::model::WebhookResource::{MeetingParticipants, Meetings, Recordings};
use crate::model::{
    Actor, AttendeeRecord, Credentials, EventKind, Feature, JoinRequest, Joined, LicenseAction, LicenseDecision,
    LicenseOutcome, Meeting, Participant, ParticipantPass, Person, Proof, Recording, Role, SessionEnd, SessionEvent,
    SessionState, SessionStatus, SiteRef, UsageRecord, UserRef,
};
use crate::model::{ChangeEvent, ChangeFacts};
use crate::rules::licence::{for_booking, month_of, plan_in_force};
use crate::rules::limits::{JOIN_FAILURE_WINDOW_MINUTES, MAX_JOIN_FAILURES};
use crate::rules::schedule;
use crate::rules::secrets::token_hash;
use crate::rules::sessions::{current_session, minutes_between, pass_proves, recording_state};
use crate::Kaigi;

impl Kaigi {
    /// When the running session of `m` really started (its last start event), if it runs.
    pub async fn actual_start(&self, m: &Meeting) -> Result<Option<DateTime<Utc>>> {
        if m.status != SessionStatus::InProgress {
            return Ok(None);
        }
        let events = self.store.session_events(m.site_id, m.id).await?;
        Ok(current_session(&events).first().filter(|e| e.kind == EventKind::Start).map(|e| e.at))
    }

    /// A meeting by its key alone (keys are unique on the whole server).
    pub async fn meeting_by_key_anywhere(&self, key: u64) -> Result<Meeting> {
        let site = self.store.site_of_meeting_key(key).await?.ok_or(Error::NotFound(Entity::Meeting))?;
        self.store.meeting_by_key(site, key).await?.ok_or(Error::NotFound(Entity::Meeting))
    }

    pub(super) fn event(m: &Meeting, kind: EventKind, p: &Participant, at: DateTime<Utc>) -> SessionEvent {
        SessionEvent {
            id: 0,
            meeting_id: m.id,
            site_id: m.site_id,
            kind,
            participant_id: (p.id != 0).then_some(p.id),
            user_id: p.user_id,
            email: p.email.clone(),
            name: p.name.clone(),
            at,
        }
    }

    /// Joins the meeting `key`; see the module documentation for the rules.
    pub async fn join_session(&self, key: u64, req: &JoinRequest) -> Result<Joined> {
        let name = req.name.trim();
        let email = req.email.trim().to_lowercase();
        if name.is_empty() {
            return Err(Error::invalid(Field::Name, "a name is required"));
        }
        if !email.contains('@') {
            return Err(Error::invalid(Field::Email, "a valid email address is required"));
        }
        let m = self.meeting_by_key_anywhere(key).await?;
        let host = self.store.user_by_id(m.site_id, m.host_id).await?.ok_or(Error::NotFound(Entity::User))?;
        let host_key = req.host_key.as_deref().map(str::trim).filter(|k| !k.is_empty());
        let host_person = host.email.eq_ignore_ascii_case(&email)
            || m.invitees.iter().any(|i| i.role.eq_ignore_ascii_case("HOST") && i.email.eq_ignore_ascii_case(&email));
        let now = self.now();
        // Guessing is limited per meeting: once the window holds MAX_JOIN_FAILURES wrong secrets,
        // nothing is checked until it passes, so a right guess cannot be told from a wrong one.
        let window_from = now - Duration::minutes(JOIN_FAILURE_WINDOW_MINUTES);
        if self.store.join_failures(m.id, window_from).await? >= MAX_JOIN_FAILURES {
            tracing::warn!(meeting_key = m.meeting_key, "join refused: too many wrong passwords or host keys");
            return Err(Self::too_many_tries(now));
        }
        // The password first (the host person with a host key needs none), then the host key.
        let key_right = host_key.map(|k| k == m.host_key);
        if !(host_person && key_right == Some(true)) {
            if let Some(pw) = &m.password {
                let given = req.password.as_deref().map(str::trim);
                // An occurrence changed on its own may carry its own password: the current
                // occurrence's password opens it as well as the series'.
                let current = schedule::current(&m, now);
                let own = current.as_ref().and_then(|o| o.exception.as_ref()).and_then(|e| e.password.as_deref());
                if given != Some(pw.as_str()) && (own.is_none() || given != own) {
                    return Err(self.join_failure(&m, &email, SessionError::WrongPassword, now, window_from).await);
                }
            }
        }
        if key_right == Some(false) {
            return Err(self.join_failure(&m, &email, SessionError::WrongHostKey, now, window_from).await);
        }
        let key_ok = key_right == Some(true);
        let role = if key_ok { Role::Host } else { Role::Attendee };
        let jbh = m.join_teleconf_before_host || m.options.features.is_on(Feature::JoinBeforeHost);
        if role == Role::Attendee && !m.host_joined && !jbh {
            return Err(Error::Session(SessionError::WaitingForHost));
        }
        let user = self.store.user_by_email(m.site_id, &email).await?;
        let secret = self.keys.hex(24);
        // Hosting is a licence question: nothing is refused here (the session is already
        // reachable with the key), but hosting without a licence is recorded as a violation.
        let licence = if role == Role::Host {
            let site = self.store.site_by_id(m.site_id).await?.ok_or(Error::NotFound(Entity::Site))?;
            let action = if host_person { LicenseAction::HostStart } else { LicenseAction::HostKeyClaim };
            let who = match &user {
                Some(u) => Person::User(u),
                None => Person::Guest(&email),
            };
            Some(for_booking(self.ask_licence(&site, action, who).await?.decision, &m))
        } else {
            None
        };
        // A locked meeting's attendees wait in its lobby until a host admits them.
        let in_lobby = role == Role::Attendee
            && m.status == SessionStatus::InProgress
            && crate::rules::sessions::locked(&self.store.session_events(m.site_id, m.id).await?);
        let participant = Participant {
            in_lobby,
            id: 0,
            meeting_id: m.id,
            site_id: m.site_id,
            name: name.to_string(),
            email,
            user_id: user.map(|u| u.id),
            role,
            joined_at: now,
            left_at: None,
            ip_address: req.ip_address.clone(),
            client_agent: req.client_agent.clone(),
            token_hash: token_hash(&secret),
        };
        let starts = role == Role::Host && m.status == SessionStatus::NotInProgress;
        let mut events = vec![Self::event(&m, EventKind::Join, &participant, now)];
        if role == Role::Host && !host_person {
            events.push(Self::event(&m, EventKind::HostKeyClaim, &participant, now));
        }
        if starts {
            events.push(Self::event(&m, EventKind::Start, &participant, now));
        }
        let state = SessionState {
            meeting_id: m.id,
            site_id: m.site_id,
            status: if role == Role::Host { SessionStatus::InProgress } else { m.status },
            host_joined: m.host_joined || role == Role::Host,
            participants_joined: true,
            at: now,
        };
        let facts = self.change_facts(&m).await?;
        let mut changes = Vec::new();
        if starts {
            changes.push(change(&m, facts.clone(), Meetings, Started, participant.user_id, now));
        }
        let joined = ChangeFacts { participant: Some(participant_facts(&participant)), ..facts };
        changes.push(change(&m, joined, MeetingParticipants, WebhookEvent::Joined, participant.user_id, now));
        let id = self.store.record_join(&state, &participant, &events, &changes).await?;
        self.changes_recorded();
        if let Some(d) = licence {
            self.record_licence_decisions(&[d]).await?;
        }
        Ok(Joined { participant_id: id, role, pass: ParticipantPass::new(id, &secret).to_string(), in_lobby })
    }

    fn too_many_tries(now: DateTime<Utc>) -> Error {
        let until = now + Duration::minutes(JOIN_FAILURE_WINDOW_MINUTES);
        Error::Session(SessionError::TooManyTries { until_unix: until.timestamp() })
    }

    /// Counts a wrong password or host key for the meeting and records the refusal in the
    /// licence decision log (where the report and the site administrator see it). Returns the
    /// error to answer: the wrong secret's own, or TooManyTries once the window is full.
    async fn join_failure(
        &self,
        m: &Meeting,
        email: &str,
        wrong: SessionError,
        now: DateTime<Utc>,
        window_from: DateTime<Utc>,
    ) -> Error {
        let counted = match self.store.count_join_failure(m.id, now, window_from).await {
            Ok(n) => n,
            Err(e) => return e.into(),
        };
        let what = match wrong {
            SessionError::WrongHostKey => "a wrong host key",
            _ => "a wrong meeting password",
        };
        let reason = if counted >= MAX_JOIN_FAILURES {
            format!(
                "join refused: {what}; {counted} wrong passwords or host keys in {JOIN_FAILURE_WINDOW_MINUTES} minutes, \
                 joining is refused until the window passes"
            )
        } else {
            format!("join refused: {what} ({counted} of {MAX_JOIN_FAILURES} allowed in {JOIN_FAILURE_WINDOW_MINUTES} minutes)")
        };
        tracing::warn!(meeting_key = m.meeting_key, person = %email, "{reason}");
        if let Err(e) = self.record_join_refusal(m, email, reason, now).await {
            return e;
        }
        if counted > MAX_JOIN_FAILURES {
            return Self::too_many_tries(now);
        }
        Error::Session(wrong)
    }

    async fn record_join_refusal(&self, m: &Meeting, email: &str, reason: String, now: DateTime<Utc>) -> Result<()> {
        let site = self.store.site_by_id(m.site_id).await?.ok_or(Error::NotFound(Entity::Site))?;
        let plans = self.store.license_plans(site.id).await?;
        let user = self.store.user_by_email(m.site_id, email).await?;
        let decision = LicenseDecision {
            id: 0,
            site_id: site.id,
            at: now,
            month: month_of(&site.settings, now),
            action: LicenseAction::JoinRefused,
            outcome: LicenseOutcome::Refused,
            person: user.as_ref().map_or_else(|| email.to_string(), |u| u.webex_id.clone()),
            user_id: user.map(|u| u.id),
            meeting_id: None,
            meeting_key: None,
            booking_name: String::new(),
            booked_by: None,
            requester: None,
            plan: plan_in_force(&plans, now).name().to_string(),
            reason,
        };
        self.record_licence_decisions(&[for_booking(decision, m)]).await
    }

    /// The live participant `id` of meeting `m`.
    /// The participant of `m` that `pass` proves: BadPass when the secret is not that
    /// participant's (participant ids are sequential, so an id alone proves nothing), NotInSession
    /// when they have left.
    pub(super) async fn live_participant(&self, m: &Meeting, actor: &Actor) -> Result<Participant> {
        let (id, pass) = match actor {
            Actor::Participant(pass) => (pass.participant_id, Some(pass)),
            Actor::SiteAdmin { participant, user, password } => {
                self.require_site_admin_of(m, user, password).await?;
                (*participant, None)
            }
            Actor::Vouched(v) => (v.participant, None),
        };
        let p =
            self.store.participant(m.site_id, id).await?.filter(|p| p.meeting_id == m.id).ok_or(Error::Session(
                if pass.is_some() { SessionError::BadPass } else { SessionError::NotInSession },
            ))?;
        if pass.is_some_and(|pass| !pass_proves(pass, &p)) {
            return Err(Error::Session(SessionError::BadPass));
        }
        if p.left_at.is_some() {
            return Err(Error::Session(SessionError::NotInSession));
        }
        Ok(p)
    }

    /// Signs `user` in on the meeting's site with `password` (as any sign-in: lockout included);
    /// AccessDenied unless they are a site administrator.
    async fn require_site_admin_of(&self, m: &Meeting, user: &UserRef, password: &str) -> Result<()> {
        let site = self.store.site_by_id(m.site_id).await?.ok_or(Error::NotFound(Entity::Site))?;
        let credentials = Credentials {
            site: SiteRef::Number(site.site_number),
            user: Some(user.clone()),
            proof: Proof::Password(password.to_string()),
        };
        let caller = self.authenticate_at(site, &credentials).await?;
        match caller.user() {
            Some(u) if u.privileges.site_admin => Ok(()),
            _ => Err(Error::AccessDenied),
        }
    }

    pub(super) async fn running_host(&self, m: &Meeting, actor: &Actor) -> Result<Participant> {
        let p = self.live_participant(m, actor).await?;
        if p.role != Role::Host {
            return Err(Error::Session(SessionError::NotHost));
        }
        if m.status != SessionStatus::InProgress {
            return Err(Error::Session(SessionError::NotRunning));
        }
        Ok(p)
    }

    pub async fn leave_session(&self, key: u64, actor: &Actor) -> Result<()> {
        let m = self.meeting_by_key_anywhere(key).await?;
        let p = self.live_participant(&m, actor).await?;
        self.record_leave_of(&m, &p).await
    }

    /// Records that `p` left `m`'s running session now: by leaving, or expelled by a host.
    pub(super) async fn record_leave_of(&self, m: &Meeting, p: &Participant) -> Result<()> {
        let now = self.now();
        let event = Self::event(m, EventKind::Leave, p, now);
        let left = self.participant_left(m, p, now).await?;
        self.store.record_leave(m.site_id, p.id, &event, &[left]).await?;
        self.changes_recorded();
        self.live().removed(m.meeting_key, p.id);
        Ok(())
    }

    /// A browser left the meeting's media for good (closed, or gone past its grace): `p` leaves,
    /// and when nobody is left in the running session, it ends.
    pub async fn left_the_room(&self, key: u64, actor: &Actor) -> Result<()> {
        let m = self.meeting_by_key_anywhere(key).await?;
        let p = self.live_participant(&m, actor).await?;
        self.record_leave_of(&m, &p).await?;
        let m = self.meeting_by_key_anywhere(key).await?;
        let present = self.store.session_participants(m.site_id, m.id).await?;
        // Who waits in the lobby keeps no meeting going: with nobody admitted left, it ends.
        if m.status == SessionStatus::InProgress && present.iter().all(|a| a.left_at.is_some() || a.in_lobby) {
            self.end_running(&m, &p).await?;
        }
        Ok(())
    }

    /// The change for webhooks of `p` leaving `m` at `at`.
    async fn participant_left(&self, m: &Meeting, p: &Participant, at: DateTime<Utc>) -> Result<ChangeEvent> {
        let gone = Participant { left_at: Some(at), ..p.clone() };
        let facts = ChangeFacts { participant: Some(participant_facts(&gone)), ..self.change_facts(m).await? };
        let mut left = change(m, facts, MeetingParticipants, Left, p.user_id, at);
        left.subject_id = p.id;
        Ok(left)
    }

    /// Starts recording, or stops it when it is on; returns whether it is on now. Hosts only.
    pub async fn toggle_recording(&self, key: u64, actor: &Actor) -> Result<bool> {
        let m = self.meeting_by_key_anywhere(key).await?;
        let p = self.running_host(&m, actor).await?;
        let now = self.now();
        let events = self.store.session_events(m.site_id, m.id).await?;
        let (on, _) = recording_state(&events, now);
        let kind = if on { EventKind::RecordStop } else { EventKind::RecordStart };
        self.store.record_event(&Self::event(&m, kind, &p, now)).await?;
        self.live().recording(m.meeting_key, !on);
        Ok(!on)
    }

    /// Ends the running session. Hosts only. Returns its usage record.
    pub async fn end_session(&self, key: u64, actor: &Actor) -> Result<UsageRecord> {
        let m = self.meeting_by_key_anywhere(key).await?;
        let p = self.running_host(&m, actor).await?;
        self.end_running(&m, &p).await
    }

    /// Ends `m`'s running session, by `p`: the history, the recording, the webhooks' changes.
    async fn end_running(&self, m: &Meeting, p: &Participant) -> Result<UsageRecord> {
        let (m, p) = (m.clone(), p.clone());
        let now = self.now();
        let events = self.store.session_events(m.site_id, m.id).await?;
        let start = current_session(&events).first().filter(|e| e.kind == EventKind::Start).map_or(now, |e| e.at);
        let participants = self.store.session_participants(m.site_id, m.id).await?;
        let attendees: Vec<AttendeeRecord> = participants
            .iter()
            .map(|a| {
                let left = a.left_at.unwrap_or(now);
                AttendeeRecord {
                    id: 0,
                    site_id: m.site_id,
                    usage_id: 0,
                    meeting_id: m.id,
                    name: a.name.clone(),
                    email: a.email.clone(),
                    role: a.role,
                    joined_at: a.joined_at,
                    left_at: left,
                    duration_minutes: minutes_between(a.joined_at, left),
                    ip_address: a.ip_address.clone(),
                    client_agent: a.client_agent.clone(),
                }
            })
            .collect();
        let usage = UsageRecord {
            id: 0,
            site_id: m.site_id,
            meeting_id: m.id,
            meeting_key: m.meeting_key,
            uuid: m.uuid.clone(),
            conf_id: m.conf_id,
            name: m.name.clone(),
            kind: m.kind,
            host_id: m.host_id,
            start,
            end: now,
            duration_minutes: minutes_between(start, now),
            total_participants: u32::try_from(attendees.len()).unwrap_or(u32::MAX),
            total_people_minutes: attendees.iter().map(|a| a.duration_minutes).sum(),
        };
        let (on, mut recorded_secs) = recording_state(&events, now);
        let explicit = current_session(&events).iter().any(|e| e.kind == EventKind::RecordStart);
        let auto = m.options.features.is_on(Feature::AutoRecord);
        if auto && !explicit {
            recorded_secs = (now - start).num_seconds().max(0);
        }
        let uuid = self.keys.hex(16);
        // The media server's file, when browsers were recorded: its real length and size.
        let file = if explicit || auto { self.live().finish_recording(m.meeting_key, &uuid).await } else { None };
        let recording = if explicit || auto {
            let site = self.store.site_by_id(m.site_id).await?.ok_or(Error::NotFound(Entity::Site))?;
            let base = &self.config.public_url;
            let duration_s = match file {
                Some(f) => u32::try_from(f.duration_ms.div_ceil(1000)).unwrap_or(u32::MAX),
                None => u32::try_from(recorded_secs).unwrap_or(u32::MAX),
            };
            Some(Recording {
                id: 0,
                site_id: m.site_id,
                meeting_id: m.id,
                meeting_key: m.meeting_key,
                meeting_uuid: m.uuid.clone(),
                conf_id: m.conf_id,
                host_id: m.host_id,
                kind: m.kind,
                name: format!("{}-{}", m.name, start.format("%Y%m%d %H%M")),
                description: String::new(),
                created_at: now,
                duration_s,
                // Without a file: about 256 kbit/s of MP4, as the bookkeeping-only sessions
                // always answered.
                size_kb: file.map_or(u64::from(duration_s) * 32, |f| f.bytes.div_ceil(1024)),
                format: if file.is_some() { "WEBM".into() } else { "MP4".into() },
                stream_url: format!("{base}/{}/ldr.php?RCID={uuid}", site.name),
                file_url: format!("{base}/{}/lsr.php?RCID={uuid}", site.name),
                password: m.password.clone(),
                recording_uuid: uuid,
                deleted_at: None,
            })
        } else {
            None
        };
        let mut end_events = Vec::new();
        if on {
            end_events.push(Self::event(&m, EventKind::RecordStop, &p, now));
        }
        end_events.push(Self::event(&m, EventKind::End, &p, now));
        let state = SessionState {
            meeting_id: m.id,
            site_id: m.site_id,
            status: SessionStatus::NotInProgress,
            host_joined: false,
            participants_joined: false,
            at: now,
        };
        let facts = self.change_facts(&m).await?;
        let mut changes = Vec::new();
        for live in participants.iter().filter(|a| a.left_at.is_none()) {
            changes.push(self.participant_left(&m, live, now).await?);
        }
        changes.push(change(&m, facts.clone(), Meetings, Ended, p.user_id, now));
        if let Some(r) = &recording {
            let made = ChangeFacts { recording: Some(recording_facts(r)), ..facts };
            changes.push(change(&m, made, Recordings, Created, p.user_id, now));
        }
        let end = SessionEnd { state, usage: usage.clone(), attendees, recording, events: end_events, changes };
        let id = self.store.end_session(&end).await?;
        self.changes_recorded();
        self.live().ended(m.meeting_key);
        Ok(UsageRecord { id, ..usage })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventKind;
    use crate::model::SessionEvent;
    use crate::rules::sessions::minutes_between;
    use crate::rules::sessions::recording_state;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap_or_default()
    }

    fn ev(kind: EventKind, secs: i64) -> SessionEvent {
        SessionEvent {
            id: 0,
            meeting_id: 1,
            site_id: 1,
            kind,
            participant_id: None,
            user_id: None,
            email: String::new(),
            name: String::new(),
            at: at(secs),
        }
    }

    #[test]
    fn a_started_minute_counts() {
        assert_eq!(minutes_between(at(0), at(0)), 0);
        assert_eq!(minutes_between(at(0), at(1)), 1);
        assert_eq!(minutes_between(at(0), at(120)), 2);
    }

    #[test]
    fn recording_time_adds_up_within_the_current_session() {
        let events = vec![
            ev(EventKind::Start, 0),
            ev(EventKind::RecordStart, 10),
            ev(EventKind::End, 20),
            ev(EventKind::Start, 100),
            ev(EventKind::RecordStart, 110),
            ev(EventKind::RecordStop, 170),
            ev(EventKind::RecordStart, 200),
        ];
        assert_eq!(recording_state(&events, at(230)), (true, 90));
        assert_eq!(recording_state(&events[..6], at(230)), (false, 60));
    }
}
