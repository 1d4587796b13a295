//! A meeting's room as its web pages show it: the meeting, its host, who is in, whether it is being
//! recorded; and the pass that proves a browser is a given participant.
//!
//! Participant ids are small sequential numbers, so an id alone must not let anyone act for that
//! participant. Each join therefore gets a random secret; the participant row keeps only its
//! SHA-256, and the joiner gets a pass `<participantId>.<secret>` to present with every later
//! action (the web pages keep it in an HttpOnly cookie).

use crate::error::{Entity, Error, Result, SessionError};
use crate::model::{Participant, ParticipantPass, Room};
use crate::rules::sessions::pass_proves;
use crate::Kaigi;

impl Kaigi {
    /// The room of meeting `key` on the site named `site_name` (a key of another site is not found).
    pub async fn room(&self, site_name: &str, key: u64) -> Result<Room> {
        let site = self.store.site_by_name(site_name.trim()).await?.ok_or(Error::NotFound(Entity::Meeting))?;
        let meeting = self.store.meeting_by_key(site.id, key).await?.ok_or(Error::NotFound(Entity::Meeting))?;
        let host = self.store.user_by_id(site.id, meeting.host_id).await?.ok_or(Error::NotFound(Entity::User))?;
        let mut present = self.store.session_participants(site.id, meeting.id).await?;
        present.retain(|p| p.left_at.is_none());
        let events = self.store.session_events(site.id, meeting.id).await?;
        let (recording, _) = crate::rules::sessions::recording_state(&events, self.now());
        let recording = recording && !present.is_empty();
        Ok(Room { site, meeting, host, present, recording })
    }

    /// The live participant of meeting `key` that `pass` proves, or NotInSession.
    pub async fn participant_by_pass(&self, key: u64, pass: &ParticipantPass) -> Result<Participant> {
        let m = self.meeting_by_key_anywhere(key).await?;
        self.store
            .participant(m.site_id, pass.participant_id)
            .await?
            .filter(|p| p.meeting_id == m.id && p.left_at.is_none() && pass_proves(pass, p))
            .ok_or(Error::Session(SessionError::NotInSession))
    }
}

impl Kaigi {
    /// A host in the room mutes `target` (or lets them speak again): kept on the participant,
    /// as the REST participants API keeps it, and told to the media server.
    pub async fn mute_in_room(&self, key: u64, actor: &crate::model::Actor, target: i64, muted: bool) -> Result<()> {
        let m = self.meeting_by_key_anywhere(key).await?;
        self.running_host(&m, actor).await?;
        let p = self.store.participant(m.site_id, target).await?;
        let p = p
            .filter(|p| p.meeting_id == m.id && p.left_at.is_none())
            .ok_or(Error::Session(SessionError::NotInSession))?;
        match self.store.set_participant_muted(m.site_id, p.id, muted).await {
            Err(crate::error::StoreError::Missing) => return Err(Error::Session(SessionError::NotInSession)),
            other => other?,
        }
        self.live().muted(key, p.id, muted);
        Ok(())
    }

    /// A host locks the running session (who joins then waits in the lobby) or unlocks it.
    pub async fn set_room_locked(&self, key: u64, actor: &crate::model::Actor, locked: bool) -> Result<()> {
        let m = self.meeting_by_key_anywhere(key).await?;
        let p = self.running_host(&m, actor).await?;
        let events = self.store.session_events(m.site_id, m.id).await?;
        if crate::rules::sessions::locked(&events) != locked {
            let kind = if locked { crate::model::EventKind::Lock } else { crate::model::EventKind::Unlock };
            self.store.record_event(&Self::event(&m, kind, &p, self.now())).await?;
        }
        self.live().locked(key, locked);
        Ok(())
    }

    /// A host in the room admits `target` from the lobby.
    pub async fn admit_in_room(&self, key: u64, actor: &crate::model::Actor, target: i64) -> Result<()> {
        let m = self.meeting_by_key_anywhere(key).await?;
        self.running_host(&m, actor).await?;
        self.admit_waiting(&m, target).await
    }

    /// Lets `target` of `m`'s running session in from the lobby; NotInLobby when not waiting.
    pub(super) async fn admit_waiting(&self, m: &crate::model::Meeting, target: i64) -> Result<()> {
        match self.store.admit_participant(m.site_id, target).await {
            Err(crate::error::StoreError::Missing) => Err(Error::Session(SessionError::NotInLobby)),
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
    pub async fn make_cohost_in_room(&self, key: u64, actor: &crate::model::Actor, target: i64) -> Result<()> {
        let m = self.meeting_by_key_anywhere(key).await?;
        self.running_host(&m, actor).await?;
        let p = self.store.participant(m.site_id, target).await?;
        let p = p
            .filter(|p| p.meeting_id == m.id && p.left_at.is_none() && !p.in_lobby)
            .ok_or(Error::Session(SessionError::NotInSession))?;
        if p.role == crate::model::Role::Host {
            return Ok(());
        }
        let site = self.store.site_by_id(m.site_id).await?.ok_or(Error::NotFound(crate::error::Entity::Site))?;
        let user = self.store.user_by_email(m.site_id, &p.email).await?;
        let who = match &user {
            Some(u) => crate::model::Person::User(u),
            None => crate::model::Person::Guest(&p.email),
        };
        let asked = self.ask_licence(&site, crate::model::LicenseAction::Cohost, who).await?;
        let refused = asked.refused();
        let error = refused.then(|| asked.error());
        self.record_licence_decisions(&[crate::rules::licence::for_booking(asked.decision, &m)]).await?;
        if let Some(e) = error {
            return Err(e);
        }
        let event = Self::event(&m, crate::model::EventKind::CoHost, &p, self.now());
        match self.store.make_participant_host(m.site_id, p.id, &event).await {
            Err(crate::error::StoreError::Missing) => return Err(Error::Session(SessionError::NotInSession)),
            other => other?,
        }
        self.live().promoted(key, p.id);
        Ok(())
    }

    /// A host in the room removes `target` from the running session.
    pub async fn remove_from_room(&self, key: u64, actor: &crate::model::Actor, target: i64) -> Result<()> {
        let m = self.meeting_by_key_anywhere(key).await?;
        self.running_host(&m, actor).await?;
        let p = self.store.participant(m.site_id, target).await?;
        let p = p
            .filter(|p| p.meeting_id == m.id && p.left_at.is_none())
            .ok_or(Error::Session(SessionError::NotInSession))?;
        self.record_leave_of(&m, &p).await
    }
}

#[cfg(test)]
mod tests {
    use crate::model::ParticipantPass;

    #[test]
    fn passes_round_trip_and_reject_junk() {
        let pass = ParticipantPass::new(17, "00ff");
        assert_eq!(pass.to_string(), "17.00ff");
        assert_eq!(ParticipantPass::parse("17.00ff"), Some(pass));
        for junk in ["", "17", "17.", ".00ff", "x.00ff", "17.zz", "17.00ff.1"] {
            assert_eq!(ParticipantPass::parse(junk), None, "{junk}");
        }
    }
}
