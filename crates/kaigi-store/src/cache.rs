//! A short-lived read cache for the lookups every request makes (the site, the signed-in user,
//! the site's licence plans, the REST caller's bearer token). Writes made through this store drop the entries they touch at once;
//! writes from elsewhere (another kaigi instance on the same PostgreSQL, or `kaigi user …` on the
//! same SQLite file) are seen after at most the time-to-live.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use kaigi_core::model::{DatedPlan, Meeting, Site, SiteId, StoredToken, User, UserId};
use kaigi_core::ports::{Clock, SystemClock};

/// How long an entry may be served without asking the database.
pub const DEFAULT_TTL: Duration = Duration::from_secs(2);
/// Entries per table before the table is emptied (bounds memory).
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

/// Entries with the time they were read, by the injected clock (so that tests move time instead
/// of waiting for it).
struct Table<K, V> {
    entries: RwLock<HashMap<K, (DateTime<Utc>, V)>>,
}

impl<K: Eq + Hash, V: Clone> Table<K, V> {
    fn new() -> Self {
        Self { entries: RwLock::new(HashMap::new()) }
    }

    fn get(&self, key: &K, ttl: Duration, now: DateTime<Utc>) -> Option<V> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        let fresh = |at: &DateTime<Utc>| chrono::Duration::from_std(ttl).is_ok_and(|ttl| now - *at < ttl);
        entries.get(key).filter(|(at, _)| fresh(at)).map(|(_, v)| v.clone())
    }

    fn put(&self, key: K, value: V, now: DateTime<Utc>) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, (now, value));
    }

    /// Puts only when `still_fresh` says so, asked while no `clear` can run.
    fn put_if(&self, key: K, value: V, now: DateTime<Utc>, still_fresh: impl FnOnce() -> bool) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if !still_fresh() {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, (now, value));
    }

    fn clear(&self) {
        self.entries.write().unwrap_or_else(|p| p.into_inner()).clear();
    }

    fn retain(&self, keep: impl Fn(&K) -> bool) {
        self.entries.write().unwrap_or_else(|p| p.into_inner()).retain(|k, _| keep(k));
    }
}

pub(crate) struct ReadCache {
    ttl: Duration,
    clock: Arc<dyn Clock>,
    sites: Table<SiteKey, Option<Site>>,
    users: Table<UserKey, Option<User>>,
    plans: Table<SiteId, Vec<DatedPlan>>,
    /// Live meetings only; a miss is never remembered (new keys appear at once).
    meetings: Table<MeetingKey, Meeting>,
    /// Bearer tokens by the hash of the token; a miss is never remembered (a token just issued
    /// works at once). Revocations through this store empty the table.
    tokens: Table<String, StoredToken>,
    /// Counts revocations, so that a token read before one is not put back after it.
    token_generation: AtomicU64,
    /// Credential epochs by user id (what every ticket and token is checked against). A change
    /// through this store forgets them at once, as it forgets tokens; another instance's change
    /// is seen within the cache's time to live, as a token revoked there is.
    epochs: Table<UserId, i64>,
}

impl ReadCache {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self::on_clock(ttl, Arc::new(SystemClock))
    }

    /// A cache whose entries age by `clock` (the application's injected clock).
    pub(crate) fn on_clock(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            ttl,
            clock,
            sites: Table::new(),
            users: Table::new(),
            plans: Table::new(),
            meetings: Table::new(),
            tokens: Table::new(),
            token_generation: AtomicU64::new(0),
            epochs: Table::new(),
        }
    }

    pub(crate) fn epoch(&self, user: UserId) -> Option<i64> {
        self.epochs.get(&user, self.ttl, self.clock.now())
    }

    /// Keeps an epoch read from the database, unless a revocation happened since `generation`.
    pub(crate) fn put_epoch(&self, generation: u64, user: UserId, epoch: i64) {
        self.epochs.put_if(user, epoch, self.clock.now(), || self.token_generation() == generation);
    }

    pub(crate) fn site(&self, key: &SiteKey) -> Option<Option<Site>> {
        self.sites.get(key, self.ttl, self.clock.now())
    }

    pub(crate) fn put_site(&self, key: SiteKey, site: Option<Site>) {
        self.sites.put(key, site, self.clock.now());
    }

    pub(crate) fn user(&self, key: &UserKey) -> Option<Option<User>> {
        self.users.get(key, self.ttl, self.clock.now())
    }

    pub(crate) fn put_user(&self, key: UserKey, user: Option<User>) {
        self.users.put(key, user, self.clock.now());
    }

    pub(crate) fn plans(&self, site: SiteId) -> Option<Vec<DatedPlan>> {
        self.plans.get(&site, self.ttl, self.clock.now())
    }

    pub(crate) fn put_plans(&self, site: SiteId, plans: Vec<DatedPlan>) {
        self.plans.put(site, plans, self.clock.now());
    }

    pub(crate) fn meeting(&self, key: &MeetingKey) -> Option<Meeting> {
        self.meetings.get(key, self.ttl, self.clock.now())
    }

    pub(crate) fn put_meeting(&self, key: MeetingKey, meeting: Meeting) {
        self.meetings.put(key, meeting, self.clock.now());
    }

    pub(crate) fn token(&self, token_hash: &str) -> Option<StoredToken> {
        self.tokens.get(&token_hash.to_string(), self.ttl, self.clock.now())
    }

    /// Where revocations stand: take it before reading a token from the database.
    pub(crate) fn token_generation(&self) -> u64 {
        self.token_generation.load(Ordering::SeqCst)
    }

    /// Keeps a token read from the database, unless a revocation happened since `generation`
    /// (the row read may predate it).
    pub(crate) fn put_token(&self, generation: u64, token: StoredToken) {
        self.tokens.put_if(token.token_hash.clone(), token, self.clock.now(), || self.token_generation() == generation);
    }

    /// Some token was revoked.
    pub(crate) fn forget_tokens(&self) {
        self.token_generation.fetch_add(1, Ordering::SeqCst);
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

    /// The whole state was replaced (a snapshot restored): nothing kept is true any more.
    pub(crate) fn forget_all(&self) {
        self.forget_tokens();
        self.forget_sites();
        self.users.clear();
        self.meetings.clear();
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

    #[test]
    fn a_token_read_before_a_revocation_is_not_kept_after_it() {
        let cache = ReadCache::new(Duration::from_secs(60));
        let before = cache.token_generation();
        cache.forget_tokens();
        cache.put_token(before, token("read-before"));
        assert!(cache.token("read-before").is_none(), "the row may predate the revocation");
        let now = cache.token_generation();
        cache.put_token(now, token("read-after"));
        assert!(cache.token("read-after").is_some());
    }
}
