use chrono::{DateTime, Utc};

use crate::model::{EventKind, Participant, ParticipantPass, SessionEvent};
use crate::rules::secrets::token_hash;

/// Whole minutes from `a` to `b`, a started minute counting as one.
pub fn minutes_between(a: DateTime<Utc>, b: DateTime<Utc>) -> u32 {
    let secs = (b - a).num_seconds().max(0);
    u32::try_from((secs + 59) / 60).unwrap_or(u32::MAX)
}

/// The events of the running session: those since its last start.
pub fn current_session(events: &[SessionEvent]) -> &[SessionEvent] {
    let from = events.iter().rposition(|e| e.kind == EventKind::Start).unwrap_or(0);
    &events[from..]
}

/// Whether recording is on now, and the seconds recorded so far (up to `now`).
pub fn recording_state(events: &[SessionEvent], now: DateTime<Utc>) -> (bool, i64) {
    let mut since: Option<DateTime<Utc>> = None;
    let mut total = 0;
    for e in current_session(events) {
        match e.kind {
            EventKind::RecordStart if since.is_none() => since = Some(e.at),
            EventKind::RecordStop => {
                if let Some(s) = since.take() {
                    total += (e.at - s).num_seconds().max(0);
                }
            }
            _ => {}
        }
    }
    if let Some(s) = since {
        total += (now - s).num_seconds().max(0);
    }
    (since.is_some(), total)
}

/// Whether a host locked the running session (its last lock or unlock was a lock): who joins
/// then waits in the lobby.
pub fn locked(events: &[SessionEvent]) -> bool {
    current_session(events)
        .iter()
        .rev()
        .find(|e| matches!(e.kind, EventKind::Lock | EventKind::Unlock))
        .is_some_and(|e| e.kind == EventKind::Lock)
}

/// Whether `pass` is `p`'s: its secret hashes to the one kept for the participant.
pub fn pass_proves(pass: &ParticipantPass, p: &Participant) -> bool {
    p.id == pass.participant_id && !p.token_hash.is_empty() && p.token_hash == token_hash(pass.secret())
}
