//! Finished `GET /v1/meetings/{id}` bodies, reused while everything they were drawn from is the
//! same: the whole meeting value, what the body shows of its host (id, names, email), the site,
//! the occurrence, the times shown, the zone and the state.
//!
//! Building and serializing the meeting's ~40 fields was the largest part of kaigi's own work on
//! this read, the one integrations poll most. A body is reused only after comparing every input
//! with the one just read, so no write path has to remember to forget it: a changed meeting (or a
//! state that moved with the clock) simply no longer matches and is drawn anew.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use kaigi_core::model::{Meeting, MeetingId, Site, State, User};

/// Bodies kept at most; past that the cache starts over (a body is ~1.2 KB).
const CAPACITY: usize = 4096;

/// What a body shows besides the meeting: the occurrence (by the start its rule gives it), the
/// times, the zone and the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub occurrence: Option<DateTime<Utc>>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub zone: &'static str,
    pub state: State,
}

/// The host's fields a body is drawn from (`hostUserId`, `hostDisplayName`, `hostEmail`).
struct HostShown {
    id: i64,
    first_name: String,
    last_name: String,
    webex_id: String,
    email: String,
}

impl HostShown {
    fn of(u: &User) -> Self {
        Self {
            id: u.id,
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            webex_id: u.webex_id.clone(),
            email: u.email.clone(),
        }
    }

    fn is(&self, u: &User) -> bool {
        self.id == u.id
            && self.first_name == u.first_name
            && self.last_name == u.last_name
            && self.webex_id == u.webex_id
            && self.email == u.email
    }
}

struct Rendered {
    meeting: Meeting,
    host: HostShown,
    site: (i64, String),
    view: View,
    body: Bytes,
}

impl Rendered {
    fn matches(&self, site: &Site, m: &Meeting, host: &User, view: &View) -> bool {
        self.view == *view
            && self.meeting == *m
            && self.host.is(host)
            && self.site.0 == site.id
            && self.site.1 == site.name
    }
}

#[derive(Default)]
pub struct MeetingBodies {
    bodies: Mutex<HashMap<Key, Arc<Rendered>>>,
}

/// One slot per meeting, occurrence and zone.
type Key = (MeetingId, Option<DateTime<Utc>>, &'static str);

impl MeetingBodies {
    /// The body `draw` makes for this meeting seen this way, from the cache when it was drawn
    /// from these very inputs.
    pub fn body(&self, site: &Site, m: &Meeting, host: &User, view: View, draw: impl FnOnce() -> Bytes) -> Bytes {
        let key = (m.id, view.occurrence, view.zone);
        let cached = self.lock().get(&key).cloned();
        if let Some(r) = cached.filter(|r| r.matches(site, m, host, &view)) {
            return r.body.clone();
        }
        let body = draw();
        let rendered = Rendered {
            meeting: m.clone(),
            host: HostShown::of(host),
            site: (site.id, site.name.clone()),
            view,
            body: body.clone(),
        };
        let mut bodies = self.lock();
        if bodies.len() >= CAPACITY {
            bodies.clear();
        }
        bodies.insert(key, Arc::new(rendered));
        body
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Rendered>>> {
        // Every entry is checked against its inputs before use: a panic elsewhere cannot make a
        // wrong body match.
        self.bodies.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
