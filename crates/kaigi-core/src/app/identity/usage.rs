//! Per-caller usage limits, counted in the database so that every kaigi instance on it shares one
//! count (issue #16): REST calls per user (the site's `rest_calls_per_minute`), GetSessionInfo and
//! GetUserCard calls per caller (40.4.5: "403 forbidden" past the site's `usage_limit_per_minute`)
//! and OAuth token requests per client id (`TOKEN_REQUESTS_PER_MINUTE`).
//!
//! A count belongs to a counter (caller and group) and a calendar minute of the injected clock.
//! The database keeps it ([`UsageStore::claim_usage`]: one atomic statement grants
//! min(want, limit − used)). A database write on every call would sit on the path of every REST
//! request (and SQLite writes one at a time), so an instance claims a chunk of calls at once and
//! spends it from memory; only when its allowance is empty does it ask again. Hence:
//!
//! - **never more**: across all instances, the calls allowed in a minute never exceed the limit
//!   (each allowed call was granted by the database before);
//! - **bounded shortfall**: each instance holds back at most one unspent chunk per counter, so N
//!   instances together allow at least limit − N × [`chunk`] calls before refusing (one instance
//!   alone allows exactly the limit);
//! - **bounded cost**: at most about 100 claims per counter, minute and instance (see [`chunk`]);
//!   once the database grants less than asked, the instance asks no more that minute.
//!
//! Instances read the minute from their own clocks: keep them in step (NTP); windows are kept
//! [`KEEP_MINUTES`] minutes, well beyond any sane skew.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::app::Kaigi;
use crate::error::StoreError;
use crate::ports::UsageStore;

/// Limits up to this many calls a minute are counted exactly: every call claims one from the
/// database. That is at most 100 claims per counter and minute (under two a second), the same
/// order as larger limits cost, and it covers the site's usage limit (default 60), where a chunk
/// held back would be a visible share of the limit.
pub const EXACT_UP_TO: u32 = 100;
/// Above [`EXACT_UP_TO`], a chunk is this fraction of the limit (rounded up): at most 50 full
/// claims and one refused claim per counter, minute and instance; an instance holds back at most
/// 2% of the limit (+1).
pub const CLAIMS_PER_MINUTE: u32 = 50;
/// The largest chunk, so that what instances hold back stays small in absolute terms for very
/// large limits (load tests); above 50,000 a minute, claims are limit / 1,000 + 1 a minute.
pub const MAX_CHUNK: u32 = 1_000;
/// Counters kept in memory. When a new counter finds the map full, counters of earlier minutes
/// are dropped, and if that is not enough, all of them: a dropped counter loses only its unspent
/// allowance (fewer calls allowed that minute, never more).
pub const MAX_COUNTERS: usize = 100_000;
/// Windows that started this many minutes before the current one are forgotten by the database.
pub const KEEP_MINUTES: i64 = 5;
/// Windows forgotten by one purge. The first claim of each minute purges; when a purge is full,
/// the next claim purges again, so purging keeps up with any number of counters.
pub const PURGE_BATCH: u32 = 1_000;

/// Calls one claim asks the database for when the limit is `per_minute`.
pub fn chunk(per_minute: u32) -> u32 {
    if per_minute <= EXACT_UP_TO {
        1
    } else {
        per_minute.div_ceil(CLAIMS_PER_MINUTE).min(MAX_CHUNK)
    }
}

/// (caller, operation group)
type Counter = (String, &'static str);

/// One counter's state in this instance.
struct Slot {
    /// The minute the rest of the slot is about.
    minute: i64,
    /// Calls granted by the database to this instance and not yet spent.
    allowance: u32,
    /// The database granted less than asked: the minute's calls are used up (for `limit`).
    used_up: bool,
    /// The limit `used_up` was learnt under; a different limit asks the database again.
    limit: u32,
    /// Held while a claim is in flight, so one claim per counter runs at a time.
    gate: Arc<tokio::sync::Mutex<()>>,
}

impl Slot {
    fn new(minute: i64, limit: u32) -> Self {
        Slot { minute, allowance: 0, used_up: false, limit, gate: Arc::default() }
    }

    fn move_to(&mut self, minute: i64, limit: u32) {
        if self.minute != minute {
            self.minute = minute;
            self.allowance = 0;
            self.used_up = false;
        }
        if self.limit != limit {
            self.limit = limit;
            self.used_up = false;
        }
    }
}

/// What the allowance in memory says about one call.
enum Turn {
    Allowed,
    Refused,
    /// The allowance is empty: claim more, holding this gate.
    Claim(Arc<tokio::sync::Mutex<()>>),
}

#[derive(Default)]
pub struct UsageLimiter {
    slots: Mutex<HashMap<Counter, Slot>>,
    /// The minute of the last purge of old windows.
    purged_minute: AtomicI64,
}

impl UsageLimiter {
    /// Counts one call of `caller` in `group`; Ok(false) when the counter's `per_minute` calls of
    /// this minute (of `now`) are used up, by this instance and the others on the database.
    pub async fn allow<S: UsageStore + ?Sized>(
        &self,
        store: &S,
        caller: &str,
        group: &'static str,
        per_minute: u32,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let minute = now.timestamp().div_euclid(60);
        let gate = match self.spend(caller, group, per_minute, minute) {
            Turn::Allowed => return Ok(true),
            Turn::Refused => return Ok(false),
            Turn::Claim(gate) => gate,
        };
        // Callers that find the allowance empty together queue here: the first claims a chunk,
        // the others spend it instead of each asking the database.
        let _turn = gate.lock().await;
        match self.spend(caller, group, per_minute, minute) {
            Turn::Allowed => return Ok(true),
            Turn::Refused => return Ok(false),
            Turn::Claim(_) => {}
        }
        self.purge_if_due(store, minute).await;
        let want = chunk(per_minute);
        let granted = store.claim_usage(&format!("{group}:{caller}"), window_start(minute), want, per_minute).await?;
        Ok(self.credit(caller, group, minute, want, granted))
    }

    /// The hot path: one short critical section, no waiting.
    fn spend(&self, caller: &str, group: &'static str, limit: u32, minute: i64) -> Turn {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let key = (caller.to_string(), group);
        if slots.len() >= MAX_COUNTERS && !slots.contains_key(&key) {
            slots.retain(|_, s| s.minute == minute);
            if slots.len() >= MAX_COUNTERS {
                slots.clear();
            }
        }
        let slot = slots.entry(key).or_insert_with(|| Slot::new(minute, limit));
        slot.move_to(minute, limit);
        if slot.allowance > 0 {
            slot.allowance -= 1;
            Turn::Allowed
        } else if slot.used_up {
            Turn::Refused
        } else {
            Turn::Claim(slot.gate.clone())
        }
    }

    /// Takes one of the `granted` calls for this call and keeps the rest for the counter's next
    /// calls in `minute` (dropped when the counter moved on or was dropped meanwhile).
    fn credit(&self, caller: &str, group: &'static str, minute: i64, want: u32, granted: u32) -> bool {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = slots.get_mut(&(caller.to_string(), group)).filter(|s| s.minute == minute) {
            slot.allowance += granted.saturating_sub(1);
            slot.used_up = granted < want;
        }
        granted > 0
    }

    /// Forgets old windows in the database once a minute (more often while there is a backlog).
    /// A failure is logged and retried by the next claim: the count itself does not depend on it.
    async fn purge_if_due<S: UsageStore + ?Sized>(&self, store: &S, minute: i64) {
        let last = self.purged_minute.load(Ordering::Relaxed);
        if last == minute
            || self.purged_minute.compare_exchange(last, minute, Ordering::Relaxed, Ordering::Relaxed).is_err()
        {
            return;
        }
        let again = match store.purge_usage(window_start(minute - KEEP_MINUTES), PURGE_BATCH).await {
            Ok(forgotten) => forgotten >= u64::from(PURGE_BATCH),
            Err(e) => {
                tracing::warn!(error = %e, "forgetting old usage windows failed");
                true
            }
        };
        if again {
            let _ = self.purged_minute.compare_exchange(minute, last, Ordering::Relaxed, Ordering::Relaxed);
        }
    }
}

fn window_start(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(minute.saturating_mul(60), 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl Kaigi {
    /// Counts one call of `caller` in `group` against `per_minute` calls a minute, shared by every
    /// instance on the database; Ok(false) when this minute's calls are used up.
    pub(crate) async fn within_usage(&self, caller: &str, group: &'static str, per_minute: u32) -> crate::Result<bool> {
        Ok(self.usage.allow(self.store.as_ref(), caller, group, per_minute, self.now()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, AtomicU64};

    use async_trait::async_trait;

    /// The database's count in a map (the store suite tests the real one on both engines):
    /// grants what `claim_usage` promises, and counts claims and how many run at once.
    #[derive(Default)]
    struct Counts {
        used: Mutex<HashMap<(String, i64), u32>>,
        claims: AtomicU32,
        in_flight: AtomicU32,
        most_in_flight: AtomicU32,
        purges: Mutex<Vec<DateTime<Utc>>>,
        /// What each purge answers it forgot.
        purge_answer: AtomicU64,
    }

    #[async_trait]
    impl UsageStore for Counts {
        async fn claim_usage(
            &self,
            counter: &str,
            at: DateTime<Utc>,
            want: u32,
            limit: u32,
        ) -> Result<u32, StoreError> {
            let running = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.most_in_flight.fetch_max(running, Ordering::SeqCst);
            // The claim is "in the database": other callers run meanwhile.
            tokio::task::yield_now().await;
            let granted = {
                let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
                let u = used.entry((counter.to_string(), at.timestamp())).or_default();
                let granted = want.min(limit.saturating_sub(*u));
                *u += granted;
                granted
            };
            self.claims.fetch_add(1, Ordering::SeqCst);
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok(granted)
        }

        async fn purge_usage(&self, before: DateTime<Utc>, _max: u32) -> Result<u64, StoreError> {
            self.purges.lock().unwrap_or_else(|p| p.into_inner()).push(before);
            Ok(self.purge_answer.load(Ordering::SeqCst))
        }
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("time")
    }

    async fn calls(limiter: &UsageLimiter, store: &Counts, n: u32, limit: u32, now: DateTime<Utc>) -> u32 {
        let mut allowed = 0;
        for _ in 0..n {
            if limiter.allow(store, "u1", "rest", limit, now).await.expect("counted") {
                allowed += 1;
            }
        }
        allowed
    }

    #[test]
    fn chunks_are_exact_for_small_limits_and_a_fiftieth_of_larger_ones() {
        assert_eq!([0, 1, 3, 60, 100].map(chunk), [1; 5], "exact up to 100 a minute");
        assert_eq!([101, 120, 600, 6_000, 50_000].map(chunk), [3, 3, 12, 120, 1_000]);
        assert_eq!([50_001, 1_000_000, u32::MAX].map(chunk), [1_000; 3], "capped");
        for limit in 1..=60_000 {
            let c = chunk(limit);
            // Claims of one instance in a minute: the full ones and one that is refused.
            assert!(limit.div_ceil(c) <= EXACT_UP_TO, "{limit} a minute costs too many claims");
            // What one instance may hold back.
            assert!(limit <= EXACT_UP_TO || c <= limit / 50 + 1, "{limit}: chunk {c} is over 2%");
        }
    }

    #[tokio::test]
    async fn one_instance_allows_exactly_the_limit_and_claims_once_per_chunk() {
        let (limiter, store) = (UsageLimiter::default(), Counts::default());
        assert_eq!(calls(&limiter, &store, 700, 600, at(0)).await, 600);
        // 50 chunks of 12, and the claim that found the minute used up; then no more claims.
        assert_eq!(store.claims.load(Ordering::SeqCst), 51);
        assert_eq!(calls(&limiter, &store, 10, 600, at(59)).await, 0);
        assert_eq!(store.claims.load(Ordering::SeqCst), 51);
        // Small limits are exact: one claim per call.
        assert_eq!(calls(&limiter, &store, 5, 3, at(60)).await, 3);
        assert_eq!(store.claims.load(Ordering::SeqCst), 55);
    }

    #[tokio::test]
    async fn a_new_minute_starts_a_new_count_and_callers_count_apart() {
        let (limiter, store) = (UsageLimiter::default(), Counts::default());
        let t = at(0);
        assert!(limiter.allow(&store, "a", "card", 2, t).await.expect("counted"));
        assert!(limiter.allow(&store, "a", "card", 2, t).await.expect("counted"));
        assert!(!limiter.allow(&store, "a", "card", 2, t).await.expect("counted"));
        assert!(limiter.allow(&store, "b", "card", 2, t).await.expect("counted"), "callers are counted apart");
        assert!(limiter.allow(&store, "a", "info", 2, t).await.expect("counted"), "groups are counted apart");
        assert!(limiter.allow(&store, "a", "card", 2, t + chrono::Duration::seconds(60)).await.expect("counted"));
    }

    #[tokio::test]
    async fn instances_sharing_a_database_never_pass_the_limit_together() {
        let store = Counts::default();
        let instances = [UsageLimiter::default(), UsageLimiter::default(), UsageLimiter::default()];
        for limit in [3, 100, 600, 6_000] {
            let now = at(i64::from(limit) * 60);
            let mut allowed = 0;
            for i in 0..limit * 2 {
                let limiter = &instances[(i as usize * 7 / 3) % 3];
                if limiter.allow(&store, "u1", "rest", limit, now).await.expect("counted") {
                    allowed += 1;
                }
            }
            assert!(allowed <= limit, "{limit}: {allowed} allowed");
            assert!(allowed + 3 * chunk(limit) >= limit, "{limit}: only {allowed} allowed");
        }
    }

    #[tokio::test]
    async fn callers_that_find_the_allowance_empty_share_one_claim() {
        let limiter = Arc::new(UsageLimiter::default());
        let store = Arc::new(Counts::default());
        let tasks: Vec<_> = (0..48)
            .map(|_| {
                let (limiter, store) = (limiter.clone(), store.clone());
                tokio::spawn(async move { limiter.allow(store.as_ref(), "u1", "rest", 600, at(0)).await })
            })
            .collect();
        for t in tasks {
            assert!(t.await.expect("task").expect("counted"));
        }
        assert_eq!(store.most_in_flight.load(Ordering::SeqCst), 1, "one claim at a time per counter");
        assert_eq!(store.claims.load(Ordering::SeqCst), 4, "48 calls in chunks of 12");
    }

    #[tokio::test]
    async fn a_changed_limit_applies_at_once() {
        let (limiter, store) = (UsageLimiter::default(), Counts::default());
        assert_eq!(calls(&limiter, &store, 5, 3, at(0)).await, 3);
        assert_eq!(calls(&limiter, &store, 5, 5, at(1)).await, 2, "raised: two more this minute");
        assert_eq!(calls(&limiter, &store, 5, 2, at(2)).await, 0, "lowered below what was used");
    }

    #[tokio::test]
    async fn old_windows_are_purged_once_a_minute_and_again_while_behind() {
        let (limiter, store) = (UsageLimiter::default(), Counts::default());
        calls(&limiter, &store, 3, 10, at(0)).await;
        calls(&limiter, &store, 3, 10, at(30)).await;
        let minute = at(0).timestamp().div_euclid(60);
        assert_eq!(*store.purges.lock().expect("purges"), [window_start(minute - KEEP_MINUTES)]);
        // A full batch: the next claim purges again.
        store.purge_answer.store(u64::from(PURGE_BATCH), Ordering::SeqCst);
        calls(&limiter, &store, 2, 10, at(60)).await;
        assert_eq!(store.purges.lock().expect("purges").len(), 3);
        store.purge_answer.store(7, Ordering::SeqCst);
        calls(&limiter, &store, 2, 10, at(61)).await;
        assert_eq!(store.purges.lock().expect("purges").len(), 4, "caught up: no more this minute");
    }

    #[tokio::test]
    async fn the_map_of_counters_stays_bounded() {
        let (limiter, store) = (UsageLimiter::default(), Counts::default());
        for i in 0..MAX_COUNTERS {
            assert!(limiter.allow(&store, &format!("u{i}"), "rest", 2, at(0)).await.expect("counted"));
        }
        let size = || limiter.slots.lock().expect("slots").len();
        assert_eq!(size(), MAX_COUNTERS);
        // The next minute's first new counter drops the earlier minute's.
        assert!(limiter.allow(&store, "new", "rest", 2, at(60)).await.expect("counted"));
        assert_eq!(size(), 1);
        // A dropped counter's count is the database's: it goes on where it was.
        assert!(limiter.allow(&store, "u0", "rest", 1, at(0)).await.is_ok_and(|allowed| !allowed));
    }
}
