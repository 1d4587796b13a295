//! A host's controls in the room (docs/media.md): mute, remove, lock, admit from the lobby, make
//! co-host. Each is a host's (or co-host's) act on the running session, proved by their pass;
//! what it decides reaches the browsers through the live-media port.

use crate::error::{Entity, Error, Result, SessionError, StoreError};
use crate::model::{Actor, EventKind, LicenseAction, Meeting, Participant, Person, Role};
use crate::rules::licence::for_booking;
use crate::rules::sessions::locked;
use crate::Kaigi;

impl Kaigi {
    /// The running meeting `key`, once `actor` proved to be a host of it, and the live
    /// participant `target` of it (NotInSession when they are not in, or gone).
    async fn host_and_target(&self, key: u64, actor: &Actor, target: i64) -> Result<(Meeting, Participant)> {
        let m = self.meeting_by_key_anywhere(key).await?;
        self.running_host(&m, actor).await?;
        let p = self.store.participant(m.site_id, target).await?;
        let p = p
            .filter(|p| p.meeting_id == m.id && p.left_at.is_none())
            .ok_or(Error::Session(SessionError::NotInSession))?;
        Ok((m, p))
    }

    /// A host in the room mutes `target` (or lets them speak again): kept on the participant,
    /// as the REST participants API keeps it, and told to the media server.
    pub async fn mute_in_room(&self, key: u64, actor: &Actor, target: i64, muted: bool) -> Result<()> {
        let (m, p) = self.host_and_target(key, actor, target).await?;
        match self.store.set_participant_muted(m.site_id, p.id, muted).await {
            Err(StoreError::Missing) => return Err(Error::Session(SessionError::NotInSession)),
            other => other?,
        }
        self.live().muted(key, p.id, muted);
        Ok(())
    }

    /// A host in the room removes `target` from the running session.
    pub async fn remove_from_room(&self, key: u64, actor: &Actor, target: i64) -> Result<()> {
        let (m, p) = self.host_and_target(key, actor, target).await?;
        self.record_leave_of(&m, &p).await
    }

    /// A host locks the running session (who joins then waits in the lobby) or unlocks it.
    pub async fn set_room_locked(&self, key: u64, actor: &Actor, locking: bool) -> Result<()> {
        let m = self.meeting_by_key_anywhere(key).await?;
        let p = self.running_host(&m, actor).await?;
        let events = self.store.session_events(m.site_id, m.id).await?;
        if locked(&events) != locking {
            let kind = if locking { EventKind::Lock } else { EventKind::Unlock };
            self.store.record_event(&Self::event(&m, kind, &p, self.now())).await?;
        }
        self.live().locked(key, locking);
        Ok(())
    }

    /// A host in the room admits `target` from the lobby.
    pub async fn admit_in_room(&self, key: u64, actor: &Actor, target: i64) -> Result<()> {
        let m = self.meeting_by_key_anywhere(key).await?;
        self.running_host(&m, actor).await?;
        self.admit_waiting(&m, target).await
    }

    /// Lets `target` of `m`'s running session in from the lobby; NotInLobby when not waiting.
    pub(super) async fn admit_waiting(&self, m: &Meeting, target: i64) -> Result<()> {
        match self.store.admit_participant(m.site_id, target).await {
            Err(StoreError::Missing) => Err(Error::Session(SessionError::NotInLobby)),
            Err(e) => Err(e.into()),
            Ok(()) => {
                self.live().admitted(m.meeting_key, target);
                Ok(())
            }
        }
    }

    /// A host in the room makes `target` a co-host: a host of the running session (recording,
    /// muting, removing, ending). Co-hosting is a licence question, asked and recorded as when a
    /// co-host is named for a booking; refused, nobody is promoted.
    pub async fn make_cohost_in_room(&self, key: u64, actor: &Actor, target: i64) -> Result<()> {
        let (m, p) = self.host_and_target(key, actor, target).await?;
        if p.in_lobby {
            return Err(Error::Session(SessionError::NotInSession));
        }
        if p.role == Role::Host {
            return Ok(());
        }
        let site = self.store.site_by_id(m.site_id).await?.ok_or(Error::NotFound(Entity::Site))?;
        let user = self.store.user_by_email(m.site_id, &p.email).await?;
        let who = match &user {
            Some(u) => Person::User(u),
            None => Person::Guest(&p.email),
        };
        let asked = self.ask_licence(&site, LicenseAction::Cohost, who).await?;
        let refusal = asked.refused().then(|| asked.error());
        self.record_licence_decisions(&[for_booking(asked.decision, &m)]).await?;
        if let Some(e) = refusal {
            return Err(e);
        }
        let event = Self::event(&m, EventKind::CoHost, &p, self.now());
        match self.store.make_participant_host(m.site_id, p.id, &event).await {
            Err(StoreError::Missing) => return Err(Error::Session(SessionError::NotInSession)),
            other => other?,
        }
        self.live().promoted(key, p.id);
        Ok(())
    }
}
