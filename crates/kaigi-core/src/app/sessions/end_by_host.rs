//! A running session ended, or its recording switched, by a signed-in caller rather than by a
//! participant's pass (REST `POST /meetings/{meetingId}/end`, `PUT /meetings/controls`): the
//! caller must be allowed to manage the meeting (its host, a co-host or a site administrator).
//! The step itself is the lifecycle's own ([`Kaigi::end_session`], [`Kaigi::toggle_recording`]),
//! taken through a host who is in the session: the caller when they are, else the host who has
//! been in longest. A session no host is in any more cannot be ended this way (kaigi's choice,
//! docs/rest.md).

use crate::error::{Error, Result, SessionError};
use crate::model::{Actor, Caller, Meeting, MeetingRef, Role, SessionControls, SessionStatus, UsageRecord, Vouched};
use crate::rules::schedule::REST_KINDS;
use crate::rules::sessions::recording_state;
use crate::Kaigi;

impl Kaigi {
    /// The series `series` when the caller may manage it.
    async fn session_of_managed(&self, caller: &Caller, series: &str) -> Result<Meeting> {
        let (m, _) = self.get_meeting(caller, &MeetingRef::Uuid(series.to_string()), &REST_KINDS).await?;
        if !Self::may_manage(caller, &m) {
            return Err(Error::AccessDenied);
        }
        Ok(m)
    }

    /// The host in the running session of `m` the caller acts through.
    async fn vouched_host(&self, caller: &Caller, m: &Meeting) -> Result<Actor> {
        if m.status != SessionStatus::InProgress {
            return Err(Error::Session(SessionError::NotRunning));
        }
        let mut hosts: Vec<_> = self
            .store
            .session_participants(m.site_id, m.id)
            .await?
            .into_iter()
            .filter(|p| p.left_at.is_none() && p.role == Role::Host)
            .collect();
        hosts.sort_by_key(|p| (p.joined_at, p.id));
        let me = caller.user().map(|u| u.id);
        let chosen = hosts.iter().find(|p| p.user_id.is_some() && p.user_id == me).or_else(|| hosts.first());
        let p = chosen.ok_or(Error::Session(SessionError::NoHostInSession))?;
        Ok(Actor::Vouched(Vouched { participant: p.id }))
    }

    /// Ends the running session of a series for its host, a co-host or a site administrator.
    pub async fn end_by_host(&self, caller: &Caller, series: &str) -> Result<UsageRecord> {
        let m = self.session_of_managed(caller, series).await?;
        let actor = self.vouched_host(caller, &m).await?;
        self.end_session(m.meeting_key, &actor).await
    }

    /// Whether the series' session runs and is being recorded (read by whoever may read it).
    pub async fn session_controls(&self, caller: &Caller, series: &str) -> Result<SessionControls> {
        let (m, _) = self.get_meeting(caller, &MeetingRef::Uuid(series.to_string()), &REST_KINDS).await?;
        self.controls_of(&m).await
    }

    async fn controls_of(&self, m: &Meeting) -> Result<SessionControls> {
        if m.status != SessionStatus::InProgress {
            return Ok(SessionControls::default());
        }
        let events = self.store.session_events(m.site_id, m.id).await?;
        let (recording, _) = recording_state(&events, self.now());
        let locked = crate::rules::sessions::locked(&events);
        Ok(SessionControls { running: true, recording, locked })
    }

    /// Starts or stops recording the running session so that it is `on`; nothing changes when
    /// it already is. Answers the controls as they are then.
    pub async fn set_recording_by_host(&self, caller: &Caller, series: &str, on: bool) -> Result<SessionControls> {
        let m = self.session_of_managed(caller, series).await?;
        let actor = self.vouched_host(caller, &m).await?;
        if self.controls_of(&m).await?.recording != on {
            self.toggle_recording(m.meeting_key, &actor).await?;
        }
        self.controls_of(&m).await
    }

    /// Locks the running session (who joins then waits in the lobby) or unlocks it. Answers the
    /// controls as they are then.
    pub async fn set_locked_by_host(&self, caller: &Caller, series: &str, locked: bool) -> Result<SessionControls> {
        let m = self.session_of_managed(caller, series).await?;
        let actor = self.vouched_host(caller, &m).await?;
        self.set_room_locked(m.meeting_key, &actor, locked).await?;
        self.controls_of(&m).await
    }
}
