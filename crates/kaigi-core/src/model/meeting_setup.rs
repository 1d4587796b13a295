//! A meeting series' setup beyond its schedule and switches: simultaneous interpretation (its
//! interpreters), breakout sessions planned before the meeting, and a webinar's invitation
//! sources. Kept with the meeting (inside its `conduct` options), so each is read and changed
//! with the meeting and older meetings, which have none, read as having none.
//!
//! Plain data: the rules (lengths, language codes, counts) are in `rules::validate::setup`.

use serde::{Deserialize, Serialize};

/// One interpreter of a bi-directional language channel (`language1` ⇄ `language2`, ISO 639-1
/// codes in lower case). An interpreter without an email is a channel waiting for one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interpreter {
    pub id: String,
    pub language1: String,
    pub language2: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// Simultaneous interpretation of a meeting: on or off, and its interpreters in the order they
/// were added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interpretation {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpreters: Vec<Interpreter>,
}

/// What a caller asks an interpreter to be (create or change); checked by the core.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterpreterRequest {
    pub language1: String,
    pub language2: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
}

/// A breakout session planned before the meeting, with the people assigned to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakoutSession {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invitees: Vec<String>,
}

/// What a caller asks a breakout session to be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BreakoutRequest {
    pub name: String,
    pub invitees: Vec<String>,
}

/// Where a webinar's invitation was sent from (a campaign, a partner): its links carry the
/// source, so registrations and joins can be told apart by it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationSource {
    /// "1", "2", … in the order they were created.
    pub id: String,
    pub source_id: String,
    pub source_email: String,
}

/// What a caller asks an invitation source to be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvitationSourceRequest {
    pub source_id: String,
    pub source_email: String,
}
