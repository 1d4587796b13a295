//! A short-lived read cache for the lookups every request makes (the site, the signed-in user,
//! the site's licence plans, live meetings, the REST caller's bearer token, credential epochs).
//!
//! What keeps it true:
//! - Writes made through this store drop the entries they touch at once.
//! - PostgreSQL: every such drop is also announced to the other instances on the same schema
//!   (LISTEN/NOTIFY, see `invalidation`), which apply it within milliseconds (the documented bound
//!   is 100 ms). While this store's notification connection is down, nothing can be heard, so the
//!   cache is emptied and bypassed (every read goes to the database) until it is back, and emptied
//!   again then.
//! - The time-to-live bounds everything else: on SQLite, writes by another process (`kaigi user …`
//!   on the CLI against a running server); on PostgreSQL, a change whose notification was lost (a
//!   crash between a commit and its notification) or a direct SQL edit.
//!
//! An entry read from the database is kept only if nothing was forgotten from its table while it
//! was being read (a [`Ticket`] taken before the read), so a row read just before a change is not
//! put back just after the change dropped it.
//!
//! Counters (entries, hits, misses per table) are relaxed atomics, read without a lock
//! ([`CacheStats`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use kaigi_core::model::{DatedPlan, Meeting, Site, SiteId, StoredToken, User, UserId};
use kaigi_core::ports::Clock;

/// How long an entry may be served without asking the database.
pub const DEFAULT_TTL: Duration = Duration::from_secs(2);
/// Live meetings are kept this many times the time-to-live (30 s by default). Only kaigi serving
/// the database writes meetings (the command line changes sites, users, plans and tokens, never
/// meetings), and every such write drops them here at once and, on PostgreSQL, on the other
/// instances; the longer life only bounds a change whose notification was lost. A booking system
/// reads thousands of meetings a few times a minute each: at 2 s nearly every read missed (issue
/// #16's spread benchmark).
const MEETING_TTL_FACTOR: u32 = 15;
/// Entries per table at most (bounds memory: six tables of at most 20,000). A full table first
/// drops its expired entries, then half of the rest, in no particular order: a working set larger
/// than the table still finds about half of it, where emptying the table found none.
const CAPACITY: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum SiteKey {
    Name(String),
    Number(i64),
    Id(SiteId),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum UserKey {
    WebExId(SiteId, String),
    Id(SiteId, UserId),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum MeetingKey {
    Key(SiteId, u64),
    Uuid(SiteId, String),
}

impl MeetingKey {
    fn site(&self) -> SiteId {
        match self {
            MeetingKey::Key(s, _) | MeetingKey::Uuid(s, _) => *s,
        }
    }
}

/// What a lookup found.
pub(crate) enum Lookup<V> {
    Hit(V),
    /// Not served from memory: read the database, then offer the result back with the ticket.
    Miss(Ticket),
}

/// Taken by a lookup that missed, before the database is read: what is then read is kept only if
/// nothing was forgotten from its table in between (the row read may predate the change that
/// forgot it). `None`: the cache is bypassed, and nothing is kept.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ticket(Option<u64>);

/// One table of the cache, as [`CacheStats`] shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableStats {
    /// Entries held now (expired ones included until replaced or dropped; at most 20,000).
    pub entries: u64,
    /// Lookups served from memory since the store was opened.
    pub hits: u64,
    /// Lookups that went to the database: absent, expired, or the cache bypassed.
    pub misses: u64,
}

/// What a store's read cache holds, how often it answered, and how it hears of other instances'
/// changes ([`crate::SqlStore::cache_stats`]). Counts are since the store was opened; reading
/// them takes no lock and touches no database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// The store has a read cache (`with_read_cache…`); without one everything else is zero.
    pub enabled: bool,
    pub sites: TableStats,
    pub users: TableStats,
    pub plans: TableStats,
    pub meetings: TableStats,
    pub tokens: TableStats,
    pub epochs: TableStats,
    /// PostgreSQL: the notification connection is up and listening, so the cache is served;
    /// while false every lookup goes to the database. Always false on SQLite, which has no
    /// notifications (there the cache is always served, and bounded by its time-to-live).
    pub listening: bool,
    /// Change notifications received (this instance's own included: re-applying them is harmless).
    pub notifications: u64,
    /// Times the notification connection was lost (or found not answering).
    pub connections_lost: u64,
    /// Times the whole cache was emptied at once: the notification connection made, lost or
    /// remade, a snapshot restored, or another instance asking for it.
    pub full_drops: u64,
    /// Changes this store made that it could not announce to the others (logged; their caches
    /// then catch up within the time-to-live).
    pub announce_failures: u64,
}

/// Entries with the time they were read, by the injected clock (so that tests move time instead
/// of waiting for it).
struct Table<K, V> {
    entries: RwLock<HashMap<K, (DateTime<Utc>, V)>>,
    /// Bumped by every forget, under the write lock (see [`Ticket`]).
    generation: AtomicU64,
    /// `entries.len()`, kept beside it so that counting takes no lock.
    held: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// Drops the expired entries of a full table and, when that is not enough, every other one of
/// the rest (a hash map's order has nothing to do with use, so what stays is a fair half).
fn make_room<K: Eq + Hash, V>(entries: &mut HashMap<K, (DateTime<Utc>, V)>, ttl: Duration, now: DateTime<Utc>) {
    let fresh = |at: &DateTime<Utc>| chrono::Duration::from_std(ttl).is_ok_and(|ttl| now - *at < ttl);
    entries.retain(|_, (at, _)| fresh(at));
    if entries.len() >= CAPACITY / 2 {
        let mut keep = false;
        entries.retain(|_, _| {
            keep = !keep;
            keep
        });
    }
}

impl<K: Eq + Hash, V: Clone> Table<K, V> {
    fn new() -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            held: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn lookup(&self, key: &K, ttl: Duration, now: DateTime<Utc>, serving: bool) -> Lookup<V> {
        if !serving {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return Lookup::Miss(Ticket(None));
        }
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        // Read under the lock every forget takes to write it.
        let generation = self.generation.load(Ordering::Relaxed);
        let fresh = |at: &DateTime<Utc>| chrono::Duration::from_std(ttl).is_ok_and(|ttl| now - *at < ttl);
        let found = entries.get(key).filter(|(at, _)| fresh(at)).map(|(_, v)| v.clone());
        drop(entries);
        match found {
            Some(v) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Lookup::Hit(v)
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                Lookup::Miss(Ticket(Some(generation)))
            }
        }
    }

    /// Keeps `value` unless the ticket says not to (bypassed, or something was forgotten since).
    fn put(&self, ticket: Ticket, key: K, value: V, ttl: Duration, now: DateTime<Utc>) {
        let Ticket(Some(generation)) = ticket else { return };
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Relaxed) != generation {
            return;
        }
        if entries.len() >= CAPACITY {
            make_room(&mut entries, ttl, now);
        }
        entries.insert(key, (now, value));
        self.held.store(entries.len() as u64, Ordering::Relaxed);
    }

    fn clear(&self) {
        self.retain(|_| false);
    }

    fn retain(&self, keep: impl Fn(&K) -> bool) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::Relaxed);
        entries.retain(|k, _| keep(k));
        self.held.store(entries.len() as u64, Ordering::Relaxed);
    }

    fn stats(&self) -> TableStats {
        TableStats {
            entries: self.held.load(Ordering::Relaxed),
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}

pub(crate) struct ReadCache {
    ttl: Duration,
    clock: Arc<dyn Clock>,
    sites: Table<SiteKey, Option<Site>>,
    users: Table<UserKey, Option<User>>,
    plans: Table<SiteId, Vec<DatedPlan>>,
    /// Live meetings only; a miss is never remembered (new keys appear at once). One meeting is
    /// held once, under both its key (XML API) and its id (REST API).
    meetings: Table<MeetingKey, Arc<Meeting>>,
    /// Bearer tokens by the hash of the token; a miss is never remembered (a token just issued
    /// works at once). Revocations empty the table.
    tokens: Table<String, StoredToken>,
    /// Credential epochs by user id (what every ticket and token is checked against), forgotten
    /// with the tokens.
    epochs: Table<UserId, i64>,
    /// Whether entries may be served. PostgreSQL: only while the invalidation listener is
    /// connected (a change elsewhere could not be heard otherwise). SQLite: always.
    serving: AtomicBool,
    full_drops: AtomicU64,
}

impl ReadCache {
    /// A cache served at once, aging by the wall clock.
    #[cfg(test)]
    pub(crate) fn new(ttl: Duration) -> Self {
        Self::on_clock(ttl, Arc::new(kaigi_core::ports::SystemClock), true)
    }

    /// A cache whose entries age by `clock` (the application's injected clock). `serving`: false
    /// when it must wait for an invalidation listener to say it may be served.
    pub(crate) fn on_clock(ttl: Duration, clock: Arc<dyn Clock>, serving: bool) -> Self {
        Self {
            ttl,
            clock,
            sites: Table::new(),
            users: Table::new(),
            plans: Table::new(),
            meetings: Table::new(),
            tokens: Table::new(),
            epochs: Table::new(),
            serving: AtomicBool::new(serving),
            full_drops: AtomicU64::new(0),
        }
    }

    /// Starts or stops serving entries (the invalidation listener's connection came or went).
    /// Whoever calls it also empties the cache (`forget_all`): after stopping, so that a read
    /// begun before is not kept; before starting, so that nothing from the silent time is served.
    pub(crate) fn set_serving(&self, serving: bool) {
        self.serving.store(serving, Ordering::SeqCst);
    }

    pub(crate) fn is_serving(&self) -> bool {
        self.serving.load(Ordering::SeqCst)
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn meeting_ttl(&self) -> Duration {
        self.ttl.saturating_mul(MEETING_TTL_FACTOR)
    }

    pub(crate) fn epoch(&self, user: UserId) -> Lookup<i64> {
        self.epochs.lookup(&user, self.ttl, self.now(), self.is_serving())
    }

    pub(crate) fn put_epoch(&self, ticket: Ticket, user: UserId, epoch: i64) {
        self.epochs.put(ticket, user, epoch, self.ttl, self.now());
    }

    pub(crate) fn site(&self, key: &SiteKey) -> Lookup<Option<Site>> {
        self.sites.lookup(key, self.ttl, self.now(), self.is_serving())
    }

    pub(crate) fn put_site(&self, ticket: Ticket, key: SiteKey, site: Option<Site>) {
        self.sites.put(ticket, key, site, self.ttl, self.now());
    }

    pub(crate) fn user(&self, key: &UserKey) -> Lookup<Option<User>> {
        self.users.lookup(key, self.ttl, self.now(), self.is_serving())
    }

    pub(crate) fn put_user(&self, ticket: Ticket, key: UserKey, user: Option<User>) {
        self.users.put(ticket, key, user, self.ttl, self.now());
    }

    pub(crate) fn plans(&self, site: SiteId) -> Lookup<Vec<DatedPlan>> {
        self.plans.lookup(&site, self.ttl, self.now(), self.is_serving())
    }

    pub(crate) fn put_plans(&self, ticket: Ticket, site: SiteId, plans: Vec<DatedPlan>) {
        self.plans.put(ticket, site, plans, self.ttl, self.now());
    }

    pub(crate) fn meeting(&self, key: &MeetingKey) -> Lookup<Meeting> {
        match self.meetings.lookup(key, self.meeting_ttl(), self.now(), self.is_serving()) {
            Lookup::Hit(m) => Lookup::Hit(Meeting::clone(&m)),
            Lookup::Miss(ticket) => Lookup::Miss(ticket),
        }
    }

    /// Keeps a live meeting under both the key and the id it can be asked by.
    pub(crate) fn put_meeting(&self, ticket: Ticket, meeting: Meeting) {
        let (by_key, by_id) = (
            MeetingKey::Key(meeting.site_id, meeting.meeting_key),
            MeetingKey::Uuid(meeting.site_id, meeting.uuid.to_ascii_lowercase()),
        );
        let meeting = Arc::new(meeting);
        let now = self.now();
        self.meetings.put(ticket, by_key, meeting.clone(), self.meeting_ttl(), now);
        self.meetings.put(ticket, by_id, meeting, self.meeting_ttl(), now);
    }

    pub(crate) fn token(&self, token_hash: &str) -> Lookup<StoredToken> {
        self.tokens.lookup(&token_hash.to_string(), self.ttl, self.now(), self.is_serving())
    }

    pub(crate) fn put_token(&self, ticket: Ticket, token: StoredToken) {
        self.tokens.put(ticket, token.token_hash.clone(), token, self.ttl, self.now());
    }

    /// Some token was revoked, or some user's credentials.
    pub(crate) fn forget_tokens(&self) {
        self.tokens.clear();
        self.epochs.clear();
    }

    /// A meeting of `site` changed, was deleted, started or ended.
    pub(crate) fn forget_meetings(&self, site: SiteId) {
        self.meetings.retain(|k| k.site() != site);
    }

    /// A site's settings or plans changed (or a site was created).
    pub(crate) fn forget_sites(&self) {
        self.sites.clear();
        self.plans.clear();
    }

    /// Nothing kept may be true any more (a snapshot restored, the notifications interrupted).
    pub(crate) fn forget_all(&self) {
        self.forget_tokens();
        self.forget_sites();
        self.users.clear();
        self.meetings.clear();
        self.full_drops.fetch_add(1, Ordering::Relaxed);
    }

    /// A user of `site` changed (None: some user, site unknown).
    pub(crate) fn forget_users(&self, site: Option<SiteId>) {
        match site {
            Some(s) => self.users.retain(|k| match k {
                UserKey::WebExId(site, _) | UserKey::Id(site, _) => *site != s,
            }),
            None => self.users.clear(),
        }
    }

    /// The tables' counts and the full drops; the caller adds the listener's side.
    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            enabled: true,
            sites: self.sites.stats(),
            users: self.users.stats(),
            plans: self.plans.stats(),
            meetings: self.meetings.stats(),
            tokens: self.tokens.stats(),
            epochs: self.epochs.stats(),
            full_drops: self.full_drops.load(Ordering::Relaxed),
            ..CacheStats::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use kaigi_core::model::TokenKind;

    fn token(hash: &str) -> StoredToken {
        let at = DateTime::from_timestamp(1_800_000_000, 0).expect("time");
        StoredToken {
            id: 1,
            token_hash: hash.into(),
            kind: TokenKind::Personal,
            site_id: 1,
            user_id: 1,
            client_id: None,
            scopes: Vec::new(),
            created_at: at,
            expires_at: at,
            revoked_at: None,
            refresh_token_id: None,
            credential_epoch: 0,
        }
    }

    fn miss<V>(found: Lookup<V>) -> Ticket {
        match found {
            Lookup::Miss(ticket) => ticket,
            Lookup::Hit(_) => panic!("expected a miss"),
        }
    }

    fn hit<V>(found: Lookup<V>) -> V {
        match found {
            Lookup::Hit(v) => v,
            Lookup::Miss(_) => panic!("expected a hit"),
        }
    }

    #[test]
    fn a_token_read_before_a_revocation_is_not_kept_after_it() {
        let cache = ReadCache::new(Duration::from_secs(60));
        let before = miss(cache.token("read-before"));
        cache.forget_tokens();
        cache.put_token(before, token("read-before"));
        assert!(matches!(cache.token("read-before"), Lookup::Miss(_)), "the row may predate the revocation");
        let now = miss(cache.token("read-after"));
        cache.put_token(now, token("read-after"));
        assert_eq!(hit(cache.token("read-after")).token_hash, "read-after");
    }

    /// A user read while another site's users were forgotten is not kept either: the forget may
    /// have been for a change the read predates (the ticket is per table, not per key).
    #[test]
    fn any_forget_of_a_table_voids_the_tickets_taken_before_it() {
        let cache = ReadCache::new(Duration::from_secs(60));
        let key = UserKey::Id(1, 7);
        let ticket = miss(cache.user(&key));
        cache.forget_users(Some(2));
        cache.put_user(ticket, key.clone(), None);
        assert!(matches!(cache.user(&key), Lookup::Miss(_)));
        // Another table's forget does not matter.
        let ticket = miss(cache.user(&key));
        cache.forget_meetings(1);
        cache.put_user(ticket, key.clone(), None);
        assert_eq!(hit(cache.user(&key)), None);
    }

    /// While not serving, every lookup misses, nothing is kept, and nothing kept before is
    /// served; the counters say so.
    #[test]
    fn a_cache_not_serving_is_bypassed() {
        let cache = ReadCache::on_clock(Duration::from_secs(60), Arc::new(kaigi_core::ports::SystemClock), false);
        let key = SiteKey::Id(1);
        let ticket = miss(cache.site(&key));
        cache.put_site(ticket, key.clone(), None);
        assert!(matches!(cache.site(&key), Lookup::Miss(_)));
        assert_eq!(cache.stats().sites, TableStats { entries: 0, hits: 0, misses: 2 });

        cache.forget_all();
        cache.set_serving(true);
        let ticket = miss(cache.site(&key));
        cache.put_site(ticket, key.clone(), None);
        assert_eq!(hit(cache.site(&key)), None);
        assert_eq!(cache.stats().sites, TableStats { entries: 1, hits: 1, misses: 3 });

        // Going silent: a read begun while serving is not kept once the cache was emptied.
        let ticket = miss(cache.site(&SiteKey::Id(2)));
        cache.set_serving(false);
        cache.forget_all();
        cache.put_site(ticket, SiteKey::Id(2), None);
        assert!(matches!(cache.site(&key), Lookup::Miss(_)));
        let stats = cache.stats();
        assert_eq!((stats.sites.entries, stats.full_drops), (0, 2));
    }

    #[test]
    fn entries_expire_with_the_clock() {
        let clock = Arc::new(kaigi_core::ports::clock::AdjustableClock::pinned(
            DateTime::from_timestamp(1_800_000_000, 0).expect("time"),
        ));
        let cache = ReadCache::on_clock(Duration::from_secs(2), clock.clone(), true);
        let ticket = miss(cache.plans(1));
        cache.put_plans(ticket, 1, Vec::new());
        clock.advance(chrono::Duration::milliseconds(1_999));
        assert!(hit(cache.plans(1)).is_empty());
        clock.advance(chrono::Duration::milliseconds(1));
        assert!(matches!(cache.plans(1), Lookup::Miss(_)));
        assert_eq!(cache.stats().plans, TableStats { entries: 1, hits: 1, misses: 2 });
    }

    #[test]
    fn a_full_table_keeps_half_of_what_it_held_and_what_was_just_read() {
        let clock = Arc::new(kaigi_core::ports::clock::AdjustableClock::pinned(
            DateTime::from_timestamp(1_800_000_000, 0).expect("time"),
        ));
        let cache = ReadCache::on_clock(Duration::from_secs(60), clock, true);
        for id in 0..CAPACITY as i64 {
            let ticket = miss(cache.epoch(id));
            cache.put_epoch(ticket, id, id);
        }
        assert_eq!(cache.stats().epochs.entries, CAPACITY as u64);
        let ticket = miss(cache.epoch(-1));
        cache.put_epoch(ticket, -1, 7);
        assert_eq!(hit(cache.epoch(-1)), 7, "the entry that made room is kept");
        assert_eq!(cache.stats().epochs.entries, (CAPACITY / 2 + 1) as u64);
        let kept = (0..CAPACITY as i64).filter(|id| matches!(cache.epoch(*id), Lookup::Hit(_))).count();
        assert_eq!(kept, CAPACITY / 2, "half of the old entries still answer");
    }
}
