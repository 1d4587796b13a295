//! The participants of a meeting's sessions, as the REST participants API reads and changes them.
//! They are the lifecycle's own join and leave records (the rows `session_participants` reads and
//! the XML API's attendee history is written from): a running session's people, or an ended
//! session's.
//!
//! Reading needs the meeting's host, an alternate host, or an administrator who reads the site
//! with the token's admin scope. Changing (mute, expel, admit) needs the host or an alternate host,
//! and a participant who is in the running session. kaigi carries no media: muting is a state
//! kept and answered back. Its sessions have no lobby, so nobody can be admitted.

use chrono::{DateTime, Utc};

use crate::error::{Entity, Error, Result, SessionError};
use crate::model::{
    Meeting, ParticipantChange, ParticipantId, ParticipantItem, ParticipantQuery, ParticipantRecord, SessionStatus,
    TokenCaller, UsageRecord, User,
};
use crate::rules::scopes::{self, Operation};
use crate::Kaigi;

/// Whether `user` is an alternate host of `m`.
fn co_host_of(m: &Meeting, email: &str) -> bool {
    m.invitees.iter().any(|i| i.role.eq_ignore_ascii_case("HOST") && i.email.eq_ignore_ascii_case(email))
}

fn within(t: DateTime<Utc>, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> bool {
    from.is_none_or(|f| t >= f) && to.is_none_or(|e| t < e)
}

impl Kaigi {
    /// The meeting of series `series` on the caller's site, if the caller may do `op` on it (see
    /// its participants, its post-meeting chats): its host or an alternate host, or, for an
    /// operation others may do with an admin scope, an administrator who reads the site and whose
    /// token has that scope (`host_email`, when given, must be its host).
    pub(super) async fn participants_meeting(
        &self,
        who: &TokenCaller,
        series: &str,
        host_email: Option<&str>,
        op: Operation,
    ) -> Result<(Meeting, User)> {
        scopes::require(who, op)?;
        let named = self.named_host(who, host_email, op).await?;
        let site = who.caller.site.id;
        let m = self.store.meeting_by_uuid(site, series).await?.ok_or(Error::NotFound(Entity::Meeting))?;
        if named.as_ref().is_some_and(|h| h.id != m.host_id) {
            return Err(Error::NotFound(Entity::Meeting));
        }
        let me = &who.user;
        let hosts = m.host_id == me.id || co_host_of(&m, &me.email);
        let admin = me.privileges.reads_site() && scopes::for_others(who, op);
        if !hosts && !admin {
            return Err(Error::AccessDenied);
        }
        let host = self.store.user_by_id(site, m.host_id).await?.ok_or(Error::NotFound(Entity::User))?;
        Ok((m, host))
    }

    fn participant_item(
        &self,
        m: &Meeting,
        host: &User,
        r: ParticipantRecord,
        usages: &[UsageRecord],
        running_start: Option<DateTime<Utc>>,
    ) -> ParticipantItem {
        let usage = r.usage_id.and_then(|id| usages.iter().find(|u| u.id == id).cloned());
        let session_start = match &usage {
            Some(u) => Some(u.start),
            None => running_start,
        };
        let email = r.participant.email.clone();
        ParticipantItem {
            invitee: m.invitees.iter().any(|i| i.email.eq_ignore_ascii_case(&email)),
            co_host: co_host_of(m, &email),
            participant: r.participant,
            muted: r.muted,
            meeting: m.clone(),
            host: host.clone(),
            usage,
            session_start,
        }
    }

    pub(super) async fn usages_of(&self, m: &Meeting) -> Result<Vec<UsageRecord>> {
        let mut all = self.store.usage_history(m.site_id).await?;
        all.retain(|u| u.meeting_id == m.id);
        Ok(all)
    }

    /// `GET /meetingParticipants` and its query by email: the people of one session of the series
    /// `series` — the ended session `q.instance`, else the running session, else the last ended
    /// session whose start lies in the window — by join.
    pub async fn meeting_participants(
        &self,
        who: &TokenCaller,
        series: &str,
        host_email: Option<&str>,
        q: &ParticipantQuery,
    ) -> Result<Vec<ParticipantItem>> {
        let (m, host) = self.participants_meeting(who, series, host_email, Operation::ReadParticipants).await?;
        let usages = self.usages_of(&m).await?;
        let records = self.store.participant_records(m.site_id, m.id).await?;
        let running = records.iter().any(|r| r.usage_id.is_none());
        let running_start = self.actual_start(&m).await?;
        let chosen: Option<i64> = match q.instance {
            Some(n) => {
                let u = usages.iter().find(|u| u64::try_from(u.id).is_ok_and(|id| id == n));
                Some(u.ok_or(Error::NotFound(Entity::Meeting))?.id)
            }
            None if running
                && within(running_start.unwrap_or(self.now()), q.session_start_from, q.session_start_to) =>
            {
                None
            }
            None => {
                let last = usages.iter().rev().find(|u| within(u.start, q.session_start_from, q.session_start_to));
                match last {
                    Some(u) => Some(u.id),
                    None => return Ok(Vec::new()),
                }
            }
        };
        let mut out = Vec::new();
        for r in records {
            let p = &r.participant;
            let wanted = r.usage_id == chosen
                && within(p.joined_at, q.joined_from, q.joined_to)
                && q.emails.as_ref().is_none_or(|list| list.iter().any(|e| e.eq_ignore_ascii_case(&p.email)));
            if wanted {
                out.push(self.participant_item(&m, &host, r, &usages, running_start));
            }
        }
        Ok(out)
    }

    /// One participant of the series `series`, by id.
    pub async fn meeting_participant(
        &self,
        who: &TokenCaller,
        series: &str,
        id: ParticipantId,
        host_email: Option<&str>,
    ) -> Result<ParticipantItem> {
        self.participant_for(who, series, id, host_email, Operation::ReadParticipants).await
    }

    async fn participant_for(
        &self,
        who: &TokenCaller,
        series: &str,
        id: ParticipantId,
        host_email: Option<&str>,
        op: Operation,
    ) -> Result<ParticipantItem> {
        let (m, host) = self.participants_meeting(who, series, host_email, op).await?;
        let r = self
            .store
            .participant_record(m.site_id, id)
            .await?
            .filter(|r| r.participant.meeting_id == m.id)
            .ok_or(Error::NotFound(Entity::Participant))?;
        let usages = if r.usage_id.is_some() { self.usages_of(&m).await? } else { Vec::new() };
        let running_start = self.actual_start(&m).await?;
        Ok(self.participant_item(&m, &host, r, &usages, running_start))
    }

    /// `PUT /meetingParticipants/{id}`: the host or an alternate host expels (the participant's
    /// leave is recorded as the lifecycle records any leave), mutes or unmutes a participant of the
    /// running session. `admit` changes nothing: nobody waits in a lobby in kaigi (the vendor
    /// documents admitting someone not in the lobby as a no-op).
    pub async fn change_participant(
        &self,
        who: &TokenCaller,
        series: &str,
        id: ParticipantId,
        change: &ParticipantChange,
    ) -> Result<ParticipantItem> {
        let item = self.participant_for(who, series, id, None, Operation::WriteParticipants).await?;
        let live = item.usage.is_none()
            && item.participant.left_at.is_none()
            && item.meeting.status == SessionStatus::InProgress;
        if !live {
            return Err(Error::Session(SessionError::NotInSession));
        }
        if change.expel == Some(true) {
            self.record_leave_of(&item.meeting, &item.participant).await?;
        } else {
            // `admit` lets a participant waiting in the lobby in; of someone not in the lobby it
            // is a no-op, as the vendor documents it.
            if change.admit == Some(true) && item.participant.in_lobby {
                self.admit_waiting(&item.meeting, item.participant.id).await?;
            }
            if let Some(muted) = change.muted {
                match self.store.set_participant_muted(item.meeting.site_id, id, muted).await {
                    Err(crate::error::StoreError::Missing) => {
                        return Err(Error::Session(SessionError::NotInSession));
                    }
                    other => other?,
                }
                self.live().muted(item.meeting.meeting_key, id, muted);
            }
        }
        self.participant_for(who, series, id, None, Operation::WriteParticipants).await
    }

    /// `POST /meetingParticipants/admit`: every id must name a participant of a meeting the caller
    /// hosts; none can be waiting, as kaigi's sessions have no lobby.
    pub async fn admit_participants(&self, who: &TokenCaller, ids: &[(String, ParticipantId)]) -> Result<()> {
        // Every one must be the caller's to admit and waiting, before anyone is let in.
        let mut waiting = Vec::new();
        for (series, id) in ids {
            let item = self.participant_for(who, series, *id, None, Operation::WriteParticipants).await?;
            let live = item.usage.is_none() && item.participant.left_at.is_none();
            if !(live && item.participant.in_lobby) {
                return Err(Error::Session(SessionError::NotInLobby));
            }
            waiting.push(item);
        }
        for item in waiting {
            self.admit_waiting(&item.meeting, item.participant.id).await?;
        }
        Ok(())
    }
}
