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

    /// The participant `pass` proves, when they may send and receive the meeting's media: in
    /// the running session and admitted (InLobby while they wait in a locked meeting's lobby).
    pub async fn media_participant(&self, key: u64, pass: &ParticipantPass) -> Result<Participant> {
        let p = self.participant_by_pass(key, pass).await?;
        if p.in_lobby {
            return Err(Error::Session(SessionError::InLobby));
        }
        Ok(p)
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
