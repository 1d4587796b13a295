//! The request journal (`GET /_kaigi/journal`): the last N requests in a ring buffer. No bodies
//! are kept and every text is cut to a bound, so its memory is at most N × ~700 bytes.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const DEFAULT_SIZE: usize = 1_000;
/// The largest `--journal-size` taken.
pub const MAX_SIZE: usize = 100_000;
const MAX_TEXT: usize = 200;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Counts every request journaled since start (also those pushed out).
    pub seq: u64,
    pub time: DateTime<Utc>,
    /// `xml`, `rest` or `web`.
    pub api: &'static str,
    /// `meeting.CreateMeeting`, or `POST /v1/meetings/{id}` (ids replaced).
    pub operation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    pub status: u16,
    #[serde(rename = "exceptionID", skip_serializing_if = "Option::is_none")]
    pub exception_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A fault rule answered instead of kaigi.
    pub faulted: bool,
}

/// Cuts `s` to the journal's bound on a character boundary.
pub fn bounded(s: &str) -> String {
    match s.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    pub api: Option<String>,
    pub operation: Option<String>,
    pub user: Option<String>,
    pub status: Option<u16>,
}

impl Filter {
    fn keeps(&self, e: &Entry) -> bool {
        self.api.as_deref().is_none_or(|a| a.eq_ignore_ascii_case(e.api))
            && self.operation.as_deref().is_none_or(|o| o.eq_ignore_ascii_case(&e.operation))
            && self.user.as_deref().is_none_or(|u| e.user.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(u)))
            && self.status.is_none_or(|s| s == e.status)
    }
}

pub struct Journal {
    size: usize,
    next: u64,
    entries: VecDeque<Entry>,
}

impl Journal {
    pub fn new(size: usize) -> Self {
        let size = size.clamp(1, MAX_SIZE);
        Self { size, next: 0, entries: VecDeque::with_capacity(size) }
    }

    pub fn size(&self) -> usize {
        self.size
    }

    pub fn push(&mut self, mut entry: Entry) {
        self.next += 1;
        entry.seq = self.next;
        if self.entries.len() == self.size {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// Oldest first.
    pub fn find(&self, filter: &Filter) -> Vec<Entry> {
        self.entries.iter().filter(|e| filter.keeps(e)).cloned().collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_keeps_its_last_entries_only() {
        let mut j = Journal::new(3);
        for status in 200..210 {
            j.push(Entry {
                seq: 0,
                time: DateTime::default(),
                api: "rest",
                operation: "GET /v1/people".into(),
                user: None,
                status,
                exception_id: None,
                error: None,
                faulted: false,
            });
        }
        let all = j.find(&Filter::default());
        assert_eq!(all.iter().map(|e| e.status).collect::<Vec<_>>(), [207, 208, 209]);
        assert_eq!(all[2].seq, 10);
        assert_eq!(j.find(&Filter { status: Some(208), ..Filter::default() }).len(), 1);
        assert_eq!(bounded(&"é".repeat(500)).chars().count(), MAX_TEXT);
    }
}
