//! "Now" is a parameter: use cases read the time from a [`Clock`], so tests and the control plane
//! can move it.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The wall clock shifted by an offset that can be changed at run time (time travel for tests and
/// the control plane); or pinned to a fixed instant.
#[derive(Debug, Default)]
pub struct AdjustableClock {
    offset_ms: AtomicI64,
    /// 0 = follow the wall clock; otherwise the pinned instant in unix milliseconds.
    pinned_ms: AtomicI64,
}

impl AdjustableClock {
    pub fn pinned(at: DateTime<Utc>) -> Self {
        let clock = Self::default();
        clock.pin(at);
        clock
    }

    pub fn pin(&self, at: DateTime<Utc>) {
        self.pinned_ms.store(at.timestamp_millis(), Ordering::SeqCst);
    }

    /// True while pinned to an instant (time stands still).
    pub fn is_pinned(&self) -> bool {
        self.pinned_ms.load(Ordering::SeqCst) != 0
    }

    pub fn unpin(&self) {
        self.pinned_ms.store(0, Ordering::SeqCst);
    }

    pub fn advance(&self, by: Duration) {
        if self.pinned_ms.load(Ordering::SeqCst) != 0 {
            self.pinned_ms.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
        } else {
            self.offset_ms.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
        }
    }
}

impl Clock for AdjustableClock {
    fn now(&self) -> DateTime<Utc> {
        let pinned = self.pinned_ms.load(Ordering::SeqCst);
        if pinned != 0 {
            return DateTime::from_timestamp_millis(pinned).unwrap_or_default();
        }
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_clock_moves_only_when_told() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let clock = AdjustableClock::pinned(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::days(8));
        assert_eq!(clock.now(), start + Duration::days(8));
    }
}
