//! Finished GetMeeting bodies, kept per meeting and reused while the meeting, its host's webExId
//! and its site's name are what they were when the body was written.
//!
//! Writing a meeting's ~150 elements was the largest part of kaigi's own work on GetMeeting, the
//! operation clients poll most. A cached body is used only after comparing the whole meeting value
//! it was written from with the one just read, so no write path has to remember to forget it: a
//! changed meeting simply no longer matches and is written anew.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kaigi_core::model::{Meeting, MeetingId, Site, User};

/// Bodies kept at most; past that the cache starts over (GetMeeting bodies are ~5 KB).
const CAPACITY: usize = 1024;

struct Rendered {
    meeting: Meeting,
    host_webex_id: String,
    site_name: String,
    body: String,
}

impl Rendered {
    fn matches(&self, site: &Site, m: &Meeting, host: &User) -> bool {
        self.meeting == *m && self.host_webex_id == host.webex_id && self.site_name == site.name
    }
}

#[derive(Default)]
pub struct RenderCache {
    bodies: Mutex<HashMap<MeetingId, Arc<Rendered>>>,
}

impl RenderCache {
    /// The body written by `write` for `m`, from the cache when it was written for this very value.
    pub fn meeting_body(&self, site: &Site, m: &Meeting, host: &User, write: impl FnOnce() -> String) -> String {
        let cached = self.lock().get(&m.id).cloned();
        if let Some(r) = cached.filter(|r| r.matches(site, m, host)) {
            return r.body.clone();
        }
        let body = write();
        let rendered = Rendered {
            meeting: m.clone(),
            host_webex_id: host.webex_id.clone(),
            site_name: site.name.clone(),
            body: body.clone(),
        };
        let mut bodies = self.lock();
        if bodies.len() >= CAPACITY {
            bodies.clear();
        }
        bodies.insert(m.id, Arc::new(rendered));
        body
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<MeetingId, Arc<Rendered>>> {
        // A panic while holding the lock cannot leave the map half-changed in a way that matters:
        // every entry is checked against the meeting before use.
        self.bodies.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
