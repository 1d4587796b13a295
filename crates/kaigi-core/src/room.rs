//! A meeting's room as its web pages show it: the meeting, its host, who is in, whether it is being
//! recorded; and the pass that proves a browser is a given participant.
//!
//! Participant ids are small sequential numbers, so an id alone must not let anyone act for that
//! participant. Each join therefore gets a random secret; the participant row keeps only its
//! SHA-256, and the joiner gets a pass `<participantId>.<secret>` to present with every later
//! action (the web pages keep it in an HttpOnly cookie).

use std::fmt;

use crate::activity_store::{Participant, ParticipantId};
use crate::error::{Entity, Error, Result, SessionError};
use crate::meeting::Meeting;
use crate::secrets::token_hash;
use crate::service::Kaigi;
use crate::site::Site;
use crate::user::User;

/// `<participantId>.<secret>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantPass {
    pub participant_id: ParticipantId,
    secret: String,
}

impl ParticipantPass {
    pub(crate) fn new(participant_id: ParticipantId, secret: &str) -> Self {
        Self { participant_id, secret: secret.to_string() }
    }

    /// Whether this pass is `p`'s: its secret hashes to the one kept for the participant.
    pub(crate) fn proves(&self, p: &Participant) -> bool {
        p.id == self.participant_id && !p.token_hash.is_empty() && p.token_hash == token_hash(&self.secret)
    }

    /// None when `raw` is not shaped like a pass.
    pub fn parse(raw: &str) -> Option<Self> {
        let (id, secret) = raw.trim().split_once('.')?;
        let participant_id = id.parse().ok()?;
        let well_formed = !secret.is_empty() && secret.len() <= 128 && secret.bytes().all(|b| b.is_ascii_hexdigit());
        well_formed.then(|| Self { participant_id, secret: secret.to_string() })
    }
}

impl fmt::Display for ParticipantPass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.participant_id, self.secret)
    }
}

/// What a meeting's pages show.
#[derive(Debug, Clone)]
pub struct Room {
    pub site: Site,
    pub meeting: Meeting,
    pub host: User,
    /// The people in the running session now, by join.
    pub present: Vec<Participant>,
    pub recording: bool,
}

impl Kaigi {
    /// The room of meeting `key` on the site named `site_name` (a key of another site is not found).
    pub async fn room(&self, site_name: &str, key: u64) -> Result<Room> {
        let site = self.store.site_by_name(site_name.trim()).await?.ok_or(Error::NotFound(Entity::Meeting))?;
        let meeting = self.store.meeting_by_key(site.id, key).await?.ok_or(Error::NotFound(Entity::Meeting))?;
        let host = self.store.user_by_id(site.id, meeting.host_id).await?.ok_or(Error::NotFound(Entity::User))?;
        let mut present = self.store.session_participants(site.id, meeting.id).await?;
        present.retain(|p| p.left_at.is_none());
        let events = self.store.session_events(site.id, meeting.id).await?;
        let (recording, _) = crate::lifecycle::recording_state(&events, self.now());
        let recording = recording && !present.is_empty();
        Ok(Room { site, meeting, host, present, recording })
    }

    /// The live participant of meeting `key` that `pass` proves, or NotInSession.
    pub async fn participant_by_pass(&self, key: u64, pass: &ParticipantPass) -> Result<Participant> {
        let m = self.meeting_by_key_anywhere(key).await?;
        self.store
            .participant(m.site_id, pass.participant_id)
            .await?
            .filter(|p| p.meeting_id == m.id && p.left_at.is_none() && pass.proves(p))
            .ok_or(Error::Session(SessionError::NotInSession))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
