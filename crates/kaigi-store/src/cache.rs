//! A short-lived read cache for the lookups every request makes (the site, the signed-in user,
//! the site's licence plans, the REST caller's bearer token). Writes made through this store drop the entries they touch at once;
//! writes from elsewhere (another kaigi instance on the same PostgreSQL, or `kaigi user …` on the
//! same SQLite file) are seen after at most the time-to-live.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use kaigi_core::license::DatedPlan;
use kaigi_core::meeting::Meeting;
use kaigi_core::site::{Site, SiteId};
use kaigi_core::token_store::StoredToken;
use kaigi_core::user::{User, UserId};

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

struct Table<K, V> {
    entries: RwLock<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> Table<K, V> {
    fn new() -> Self {
        Self { entries: RwLock::new(HashMap::new()) }
    }

    fn get(&self, key: &K, ttl: Duration) -> Option<V> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries.get(key).filter(|(at, _)| at.elapsed() < ttl).map(|(_, v)| v.clone())
    }

    fn put(&self, key: K, value: V) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value));
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
    sites: Table<SiteKey, Option<Site>>,
    users: Table<UserKey, Option<User>>,
    plans: Table<SiteId, Vec<DatedPlan>>,
    /// Live meetings only; a miss is never remembered (new keys appear at once).
    meetings: Table<MeetingKey, Meeting>,
    /// Bearer tokens by the hash of the token; a miss is never remembered (a token just issued
    /// works at once). Revocations through this store empty the table.
    tokens: Table<String, StoredToken>,
}

impl ReadCache {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            sites: Table::new(),
            users: Table::new(),
            plans: Table::new(),
            meetings: Table::new(),
            tokens: Table::new(),
        }
    }

    pub(crate) fn site(&self, key: &SiteKey) -> Option<Option<Site>> {
        self.sites.get(key, self.ttl)
    }

    pub(crate) fn put_site(&self, key: SiteKey, site: Option<Site>) {
        self.sites.put(key, site);
    }

    pub(crate) fn user(&self, key: &UserKey) -> Option<Option<User>> {
        self.users.get(key, self.ttl)
    }

    pub(crate) fn put_user(&self, key: UserKey, user: Option<User>) {
        self.users.put(key, user);
    }

    pub(crate) fn plans(&self, site: SiteId) -> Option<Vec<DatedPlan>> {
        self.plans.get(&site, self.ttl)
    }

    pub(crate) fn put_plans(&self, site: SiteId, plans: Vec<DatedPlan>) {
        self.plans.put(site, plans);
    }

    pub(crate) fn meeting(&self, key: &MeetingKey) -> Option<Meeting> {
        self.meetings.get(key, self.ttl)
    }

    pub(crate) fn put_meeting(&self, key: MeetingKey, meeting: Meeting) {
        self.meetings.put(key, meeting);
    }

    pub(crate) fn token(&self, token_hash: &str) -> Option<StoredToken> {
        self.tokens.get(&token_hash.to_string(), self.ttl)
    }

    pub(crate) fn put_token(&self, token: StoredToken) {
        self.tokens.put(token.token_hash.clone(), token);
    }

    /// Some token was revoked.
    pub(crate) fn forget_tokens(&self) {
        self.tokens.clear();
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
