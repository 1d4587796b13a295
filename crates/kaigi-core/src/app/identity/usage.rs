//! Per-caller usage limits (40.4.5: GetUserCard and GetSessionInfo answer "403 forbidden" when a
//! caller exceeds the site's calls per minute).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// (caller, operation group)
type Counter = (String, &'static str);
/// (minute window, calls in it)
type Window = (i64, u32);

#[derive(Default)]
pub struct UsageLimiter {
    windows: Mutex<HashMap<Counter, Window>>,
}

impl UsageLimiter {
    /// Counts one call; false when the caller already used `per_minute` calls in this minute.
    pub fn allow(&self, caller: &str, group: &'static str, per_minute: u32, now: DateTime<Utc>) -> bool {
        let minute = now.timestamp().div_euclid(60);
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > 100_000 {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let entry = windows.entry((caller.to_string(), group)).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= per_minute {
            return false;
        }
        entry.1 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_minute_starts_a_new_count() {
        let limiter = UsageLimiter::default();
        let t = DateTime::from_timestamp(600, 0).unwrap();
        assert!(limiter.allow("a", "card", 2, t));
        assert!(limiter.allow("a", "card", 2, t));
        assert!(!limiter.allow("a", "card", 2, t));
        assert!(limiter.allow("b", "card", 2, t), "callers are counted apart");
        assert!(limiter.allow("a", "card", 2, t + chrono::Duration::seconds(60)));
    }
}
