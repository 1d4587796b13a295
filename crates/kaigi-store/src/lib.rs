//! kaigi-store: the [`Store`] port for SQLite (the embedded default) and PostgreSQL (several
//! instances sharing one database), on sqlx's `Any` driver so both engines run the same queries.
//!
//! The engine is chosen by URL (see [`open`]); each engine has its own migrations folder, applied
//! at open. Uniqueness is enforced by the database, and every write is one transaction (on
//! SQLite, concurrent meeting inserts share one: see `group_commit`).

mod activity;
mod attendees;
mod audit;
mod cache;
mod chats;
mod codec;
mod connect;
mod credentials;
mod errors;
mod group_commit;
mod integrations;
mod invalidation;
mod license_log;
mod licenses;
mod meeting_options;
mod meetings;
mod migrate;
mod outbox;
mod sites;
mod state;
mod tokens;
mod tx;
mod usage;
mod user_query;
mod users;
mod webhooks;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaigi_core::error::StoreError;
use kaigi_core::model::ApiKey;
use kaigi_core::model::DatedPlan;
use kaigi_core::model::FailedLogin;
use kaigi_core::model::Mail;
use kaigi_core::model::Meeting;
use kaigi_core::model::MeetingId;
use kaigi_core::model::MeetingQuery;
use kaigi_core::model::NewSite;
use kaigi_core::model::Page;
use kaigi_core::model::PreferencesWrite;
use kaigi_core::model::SeatChange;
use kaigi_core::model::SeatPeriod;
use kaigi_core::model::SessionTicket;
use kaigi_core::model::Site;
use kaigi_core::model::SiteId;
use kaigi_core::model::SiteSettings;
use kaigi_core::model::User;
use kaigi_core::model::UserId;
use kaigi_core::model::UserQuery;
use kaigi_core::ports::Store;
use sqlx::AnyPool;
use tokio::sync::Mutex;

pub use crate::cache::DEFAULT_TTL as DEFAULT_CACHE_TTL;
pub use crate::cache::{CacheStats, TableStats};
use crate::cache::{Lookup, MeetingKey, ReadCache, SiteKey, UserKey};
use crate::codec::{key_to_db, lc, Value};
pub use crate::connect::{Engine, Synchronous, SQLITE_BUSY_TIMEOUT_MS};
pub use crate::errors::OpenError;
use crate::group_commit::GroupCommit;
use crate::invalidation::Forget;

/// Where kaigi keeps its data when not told otherwise: `kaigi.db` in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://kaigi.db";

/// The SQL store. Cloning is cheap and shares the pools.
#[derive(Clone)]
pub struct SqlStore {
    /// Reads.
    pool: AnyPool,
    /// Write transactions (see `connect::pools`): SQLite files have a connection of their own.
    write_pool: AnyPool,
    engine: Engine,
    /// SQLite: one writer at a time in this process (see `tx`).
    write_lock: Arc<Mutex<()>>,
    /// SQLite: the meeting inserts' writer task.
    group_commit: Option<GroupCommit>,
    /// SQLite: the licence decisions' writer task (see `license_log`).
    decision_writer: Option<license_log::DecisionWriter>,
    applied_at_open: Arc<[i64]>,
    /// None: every read goes to the database.
    cache: Option<Arc<ReadCache>>,
    /// PostgreSQL: where this store announces what its writes make caches forget, so that other
    /// instances on the same schema forget it too (see `invalidation`). Also without a cache.
    channel: Option<Arc<invalidation::Channel>>,
    /// PostgreSQL with a cache: the task that hears the other instances' announcements.
    listener: Option<Arc<invalidation::Listener>>,
    /// Licence decisions recorded by this process, by outcome (see [`SqlStore::stats`]).
    decisions_recorded: Arc<license_log::DecisionCounts>,
}

/// What the store can tell about itself for `GET /metrics`, read without touching the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Open connections of the read pool, and of them idle.
    pub read_connections: u32,
    pub read_idle: u32,
    /// Open connections of the write pool, and of them idle.
    pub write_connections: u32,
    pub write_idle: u32,
    /// SQLite: writes waiting in the meeting-insert and licence-decision queues (0 on PostgreSQL).
    pub write_queue: usize,
    /// Licence decisions recorded since start, by outcome (allowed, allowed_counted,
    /// auto_assigned, refused, violation).
    pub license_decisions: [(&'static str, u64); 5],
    /// The read cache: entries, hits and misses per table, and how it hears of other instances.
    pub cache: CacheStats,
}

/// Opens (and migrates) the database `url` names:
/// `sqlite://PATH`, `sqlite:PATH` or a bare file path for SQLite (the file is created when
/// missing; the URL forms take `?synchronous=normal` (the default) or `?synchronous=full`, see
/// [`Synchronous`]); `postgres://…` or `postgresql://…` for PostgreSQL. Anything else is refused.
pub async fn open(url: &str) -> Result<SqlStore, OpenError> {
    let target = connect::resolve(url)?;
    finish_open(target, None).await
}

/// Like [`open`], for PostgreSQL only: every connection works in `schema`, created if needed.
/// Lets several independent stores (tests, say) share one database.
pub async fn open_in_schema(url: &str, schema: &str) -> Result<SqlStore, OpenError> {
    let target = connect::resolve(url)?;
    if target.engine != Engine::Postgres {
        return Err(OpenError::SchemaNeedsPostgres);
    }
    let quoted = connect::quoted_schema(schema)?;
    connect::admin_statement(
        &target.url,
        // One batch is one transaction: instances creating the same schema queue on the lock
        // instead of racing on the catalog.
        &format!(
            "SELECT 1 AS locked FROM pg_advisory_xact_lock({}, hashtext('{schema}')); \
             CREATE SCHEMA IF NOT EXISTS {quoted}",
            migrate::MIGRATION_LOCK
        ),
    )
    .await?;
    finish_open(target, Some(quoted)).await
}

/// Drops a PostgreSQL schema made by [`open_in_schema`] and everything in it (test clean-up).
pub async fn drop_schema(url: &str, schema: &str) -> Result<(), OpenError> {
    let target = connect::resolve(url)?;
    if target.engine != Engine::Postgres {
        return Err(OpenError::SchemaNeedsPostgres);
    }
    let quoted = connect::quoted_schema(schema)?;
    connect::admin_statement(&target.url, &format!("DROP SCHEMA IF EXISTS {quoted} CASCADE")).await
}

async fn finish_open(target: connect::Target, schema: Option<String>) -> Result<SqlStore, OpenError> {
    let pools = connect::pools(&target, schema).await?;
    let write_lock = Arc::new(Mutex::new(()));
    let group_commit =
        (target.engine == Engine::Sqlite).then(|| GroupCommit::spawn(pools.write.clone(), write_lock.clone()));
    let decision_writer = (target.engine == Engine::Sqlite)
        .then(|| license_log::DecisionWriter::spawn(pools.write.clone(), write_lock.clone()));
    let mut store = SqlStore {
        pool: pools.read,
        write_pool: pools.write,
        engine: target.engine,
        write_lock,
        group_commit,
        decision_writer,
        applied_at_open: Arc::from(Vec::new()),
        cache: None,
        channel: None,
        listener: None,
        decisions_recorded: Arc::default(),
    };
    store.applied_at_open = migrate::run(&store).await?.into();
    if target.engine == Engine::Postgres {
        store.channel = Some(Arc::new(invalidation::Channel::of(&store.pool, &target.url).await?));
    }
    Ok(store)
}

impl SqlStore {
    /// Connections, queued writes and licence decisions, for the server's metrics.
    pub fn stats(&self) -> StoreStats {
        let idle = |p: &AnyPool| u32::try_from(p.num_idle()).unwrap_or(u32::MAX);
        StoreStats {
            read_connections: self.pool.size(),
            read_idle: idle(&self.pool),
            write_connections: self.write_pool.size(),
            write_idle: idle(&self.write_pool),
            write_queue: self.group_commit.as_ref().map_or(0, GroupCommit::queued)
                + self.decision_writer.as_ref().map_or(0, license_log::DecisionWriter::queued),
            license_decisions: self.decisions_recorded.snapshot(),
            cache: self.cache_stats(),
        }
    }

    /// Serves the lookups every request makes (site, user, licence plans, live meetings, bearer
    /// tokens, credential epochs) from memory for up to `ttl`; writes through this store forget
    /// what they touch at once. On PostgreSQL the other instances' writes are heard too, and the
    /// cache is used only while they can be (a listener task is started: call this inside a Tokio
    /// runtime). See `cache.rs` and `invalidation.rs`.
    pub fn with_read_cache(self, ttl: std::time::Duration) -> Self {
        self.with_read_cache_on(ttl, Arc::new(kaigi_core::ports::SystemClock))
    }

    /// The read cache with entries aging by `clock`: the application's injected clock, which
    /// tests move instead of waiting.
    pub fn with_read_cache_on(mut self, ttl: std::time::Duration, clock: Arc<dyn kaigi_core::ports::Clock>) -> Self {
        // PostgreSQL: served only once the listener listens.
        let cache = Arc::new(ReadCache::on_clock(ttl, clock, self.channel.is_none()));
        self.listener = self
            .channel
            .as_ref()
            .map(|channel| Arc::new(invalidation::Listener::spawn(channel.clone(), cache.clone())));
        self.cache = Some(cache);
        self
    }

    /// The read cache's entries, hits and misses per table, and how it hears other instances'
    /// changes (PostgreSQL); all zero without a cache. Reads counters only: no lock, no database.
    pub fn cache_stats(&self) -> CacheStats {
        let Some(cache) = &self.cache else { return CacheStats::default() };
        let mut stats = cache.stats();
        if let Some(listener) = &self.listener {
            stats.listening = listener.listening();
            stats.notifications = listener.notifications();
            stats.connections_lost = listener.connections_lost();
        }
        stats.announce_failures = self.channel.as_ref().map_or(0, |c| c.announce_failures());
        stats
    }

    async fn cached_site(
        &self,
        key: SiteKey,
        load: impl std::future::Future<Output = Result<Option<Site>, StoreError>>,
    ) -> Result<Option<Site>, StoreError> {
        let Some(cache) = &self.cache else { return load.await };
        let ticket = match cache.site(&key) {
            Lookup::Hit(hit) => return Ok(hit),
            Lookup::Miss(ticket) => ticket,
        };
        let site = load.await?;
        cache.put_site(ticket, key, site.clone());
        Ok(site)
    }

    async fn cached_user(
        &self,
        key: UserKey,
        load: impl std::future::Future<Output = Result<Option<User>, StoreError>>,
    ) -> Result<Option<User>, StoreError> {
        let Some(cache) = &self.cache else { return load.await };
        let ticket = match cache.user(&key) {
            Lookup::Hit(hit) => return Ok(hit),
            Lookup::Miss(ticket) => ticket,
        };
        let user = load.await?;
        cache.put_user(ticket, key, user.clone());
        Ok(user)
    }

    async fn cached_meeting(
        &self,
        key: MeetingKey,
        load: impl std::future::Future<Output = Result<Option<Meeting>, StoreError>>,
    ) -> Result<Option<Meeting>, StoreError> {
        let Some(cache) = &self.cache else { return load.await };
        let ticket = match cache.meeting(&key) {
            Lookup::Hit(hit) => return Ok(Some(hit)),
            Lookup::Miss(ticket) => ticket,
        };
        let meeting = load.await?;
        if let Some(m) = &meeting {
            cache.put_meeting(ticket, m.clone());
        }
        Ok(meeting)
    }

    /// After a write (committed or not): forgets `what` here at once and, on PostgreSQL,
    /// announces it to the other instances before the write's caller is answered (on the pool,
    /// after the commit: see `invalidation` for why, and for the writes that announce inside
    /// their transaction instead).
    pub(crate) async fn forget(&self, what: &[Forget]) {
        self.forget_here(what);
        if let Some(channel) = &self.channel {
            channel.announce_after_commit(&self.pool, what).await;
        }
    }

    /// Forgets `what` in this store's cache only (announced already, inside the transaction).
    pub(crate) fn forget_here(&self, what: &[Forget]) {
        if let Some(cache) = &self.cache {
            for forget in what {
                forget.apply(cache);
            }
        }
    }

    /// Inside a write transaction: on PostgreSQL, announces `what` to the other instances,
    /// delivered at the commit (none for a rollback). Call [`Self::forget_here`] after the commit.
    pub(crate) async fn announce_in(&self, conn: &mut sqlx::AnyConnection, what: &[Forget]) -> Result<(), StoreError> {
        match &self.channel {
            Some(channel) => channel.announce(conn, what).await.map_err(errors::db),
            None => Ok(()),
        }
    }

    pub(crate) async fn forget_meetings(&self, site: SiteId) {
        self.forget(&[Forget::Meetings(site)]).await;
    }

    async fn forget_sites(&self) {
        self.forget(&[Forget::Sites]).await;
    }

    async fn forget_users(&self, site: Option<SiteId>) {
        self.forget(&[Forget::Users(site)]).await;
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The migration versions this `open` applied (empty when the database was up to date).
    pub fn migrations_applied_at_open(&self) -> &[i64] {
        &self.applied_at_open
    }

    /// Every migration recorded in the database: (version, applied at).
    pub async fn migrations(&self) -> Result<Vec<(i64, DateTime<Utc>)>, StoreError> {
        migrate::recorded(self).await?.into_iter().map(|(v, at)| Ok((v, codec::time(at, "applied_at")?))).collect()
    }

    /// Stops the invalidation listener, and closes the pools, waiting for connections in use to
    /// come back.
    pub async fn close(&self) {
        if let Some(listener) = &self.listener {
            listener.stop().await;
        }
        self.write_pool.close().await;
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT COUNT(*) AS n FROM kaigi_migrations").execute(&self.pool).await.map_err(errors::db)?;
        Ok(())
    }

    async fn create_site(&self, site: &NewSite, now: DateTime<Utc>) -> Result<Site, StoreError> {
        let created = self.create_site_impl(site, now).await;
        self.forget_sites().await;
        created
    }

    async fn site_by_name(&self, name: &str) -> Result<Option<Site>, StoreError> {
        let name = lc(name);
        self.cached_site(SiteKey::Name(name.clone()), self.site_where("name_lc", Value::text(name))).await
    }

    async fn site_by_number(&self, number: i64) -> Result<Option<Site>, StoreError> {
        self.cached_site(SiteKey::Number(number), self.site_where("site_number", Value::int(number))).await
    }

    async fn site_by_id(&self, id: SiteId) -> Result<Option<Site>, StoreError> {
        self.cached_site(SiteKey::Id(id), self.site_where("id", Value::int(id))).await
    }

    async fn list_sites(&self) -> Result<Vec<Site>, StoreError> {
        self.list_sites_impl().await
    }

    async fn update_site_settings(&self, id: SiteId, settings: &SiteSettings) -> Result<(), StoreError> {
        let updated = self.update_site_settings_impl(id, settings).await;
        self.forget_sites().await;
        updated
    }

    async fn add_license_plan(&self, site: SiteId, plan: &DatedPlan) -> Result<(), StoreError> {
        let added = self.add_license_plan_impl(site, plan).await;
        self.forget_sites().await;
        added
    }

    async fn license_plans(&self, site: SiteId) -> Result<Vec<DatedPlan>, StoreError> {
        let Some(cache) = &self.cache else { return self.license_plans_impl(site).await };
        let ticket = match cache.plans(site) {
            Lookup::Hit(hit) => return Ok(hit),
            Lookup::Miss(ticket) => ticket,
        };
        let plans = self.license_plans_impl(site).await?;
        cache.put_plans(ticket, site, plans.clone());
        Ok(plans)
    }

    async fn seats_held(&self, site: SiteId) -> Result<u32, StoreError> {
        self.seats_held_impl(site).await
    }

    async fn seat_history(&self, site: SiteId) -> Result<Vec<SeatPeriod>, StoreError> {
        self.seat_history_impl(site).await
    }

    async fn insert_user(&self, user: &User, seat: SeatChange, mails: &[Mail]) -> Result<UserId, StoreError> {
        let inserted = self.insert_user_impl(user, seat, mails).await;
        self.forget_users(Some(user.site_id)).await;
        inserted
    }

    async fn update_user(&self, user: &User, seat: SeatChange, mails: &[Mail]) -> Result<(), StoreError> {
        let updated = self.update_user_impl(user, seat, mails).await;
        self.forget_users(Some(user.site_id)).await;
        updated
    }

    async fn update_user_preferences(
        &self,
        site: SiteId,
        id: UserId,
        change: &PreferencesWrite,
    ) -> Result<User, StoreError> {
        let updated = self.update_user_preferences_impl(site, id, change).await;
        self.forget_users(Some(site)).await;
        updated
    }

    async fn user_by_id(&self, site: SiteId, id: UserId) -> Result<Option<User>, StoreError> {
        self.cached_user(UserKey::Id(site, id), self.user_where(Some(site), "id", Value::int(id))).await
    }

    async fn user_by_webex_id(&self, site: SiteId, webex_id: &str) -> Result<Option<User>, StoreError> {
        let id = lc(webex_id);
        self.cached_user(
            UserKey::WebExId(site, id.clone()),
            self.user_where(Some(site), "webex_id_lc", Value::text(id)),
        )
        .await
    }

    async fn user_by_email(&self, site: SiteId, email: &str) -> Result<Option<User>, StoreError> {
        self.user_where(Some(site), "email_lc", Value::text(lc(email))).await
    }

    async fn user_by_pending_email_token(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        self.user_where(None, "pending_email_token_hash", Value::text(token_hash)).await
    }

    async fn list_users(&self, site: SiteId, query: &UserQuery) -> Result<Page<User>, StoreError> {
        self.list_users_impl(site, query).await
    }

    async fn record_login_state(
        &self,
        user: UserId,
        failed_logins: u32,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let recorded = self.record_login_state_impl(user, failed_logins, locked_until).await;
        self.forget_users(None).await;
        recorded
    }

    async fn record_failed_login(
        &self,
        user: UserId,
        threshold: u32,
        lock_until: DateTime<Utc>,
    ) -> Result<FailedLogin, StoreError> {
        let recorded = self.record_failed_login_impl(user, threshold, lock_until).await;
        self.forget_users(None).await;
        recorded
    }

    async fn credential_epoch(&self, user: UserId) -> Result<Option<i64>, StoreError> {
        let Some(cache) = &self.cache else { return self.credential_epoch_impl(user).await };
        let ticket = match cache.epoch(user) {
            Lookup::Hit(hit) => return Ok(Some(hit)),
            Lookup::Miss(ticket) => ticket,
        };
        let epoch = self.credential_epoch_impl(user).await?;
        if let Some(e) = epoch {
            cache.put_epoch(ticket, user, e);
        }
        Ok(epoch)
    }

    async fn revoke_credentials(&self, user: UserId) -> Result<(), StoreError> {
        let revoked = self.revoke_credentials_impl(user).await;
        self.forget(&[Forget::Users(None), Forget::Tokens]).await;
        revoked
    }

    async fn insert_session_ticket(&self, ticket: &SessionTicket) -> Result<(), StoreError> {
        self.insert_session_ticket_impl(ticket).await
    }

    async fn session_ticket(&self, token_hash: &str) -> Result<Option<SessionTicket>, StoreError> {
        self.session_ticket_impl(token_hash).await
    }

    async fn purge_session_tickets(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.purge_session_tickets_impl(before).await
    }

    async fn insert_api_key(&self, key: &ApiKey) -> Result<i64, StoreError> {
        self.insert_api_key_impl(key).await
    }

    async fn api_key_by_hash(&self, token_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        self.api_key_by_hash_impl(token_hash).await
    }

    async fn reserve_meeting_key(&self, key: u64, site: SiteId, at: DateTime<Utc>) -> Result<bool, StoreError> {
        self.reserve_meeting_key_impl(key, site, at).await
    }

    async fn insert_meeting(&self, meeting: &Meeting) -> Result<MeetingId, StoreError> {
        self.insert_meeting_impl(meeting, &[], &[]).await
    }

    async fn insert_meeting_with_decisions(
        &self,
        meeting: &Meeting,
        decisions: &[kaigi_core::model::LicenseDecision],
        changes: &[kaigi_core::model::ChangeEvent],
    ) -> Result<MeetingId, StoreError> {
        self.insert_meeting_impl(meeting, decisions, changes).await
    }

    async fn update_meeting(&self, meeting: &Meeting) -> Result<(), StoreError> {
        self.update_meeting_with_mails(meeting, &[]).await
    }

    async fn update_meeting_with_mails(&self, meeting: &Meeting, mails: &[Mail]) -> Result<(), StoreError> {
        let updated = self.update_meeting_checked_impl(meeting, mails, &[], false).await;
        self.forget_meetings(meeting.site_id).await;
        updated
    }

    async fn update_meeting_unless_changed(
        &self,
        meeting: &Meeting,
        mails: &[Mail],
        changes: &[kaigi_core::model::ChangeEvent],
    ) -> Result<(), StoreError> {
        let updated = self.update_meeting_checked_impl(meeting, mails, changes, true).await;
        self.forget_meetings(meeting.site_id).await;
        updated
    }

    async fn meeting_by_key(&self, site: SiteId, key: u64) -> Result<Option<Meeting>, StoreError> {
        let db_key = Value::int(key_to_db(key)?);
        self.cached_meeting(MeetingKey::Key(site, key), self.live_meeting_where(site, "meeting_key", db_key)).await
    }

    async fn meeting_by_uuid(&self, site: SiteId, uuid: &str) -> Result<Option<Meeting>, StoreError> {
        let uuid = lc(uuid);
        self.cached_meeting(
            MeetingKey::Uuid(site, uuid.clone()),
            self.live_meeting_where(site, "uuid", Value::text(uuid)),
        )
        .await
    }

    async fn meeting_by_calendar_token(&self, site: SiteId, token: &str) -> Result<Option<Meeting>, StoreError> {
        self.meeting_by_calendar_token_impl(site, token).await
    }

    async fn delete_meeting(
        &self,
        site: SiteId,
        id: MeetingId,
        at: DateTime<Utc>,
        changes: &[kaigi_core::model::ChangeEvent],
    ) -> Result<(), StoreError> {
        let deleted = self.delete_meeting_impl(site, id, at, changes).await;
        self.forget_meetings(site).await;
        deleted
    }

    /// Live meetings matching `query`, by start then id; `query.limit == 0` returns none.
    async fn list_meetings(&self, site: SiteId, query: &MeetingQuery) -> Result<Vec<Meeting>, StoreError> {
        self.list_meetings_impl(site, query).await
    }

    async fn count_meetings(&self, site: SiteId, query: &MeetingQuery) -> Result<u64, StoreError> {
        self.count_meetings_impl(site, query).await
    }

    async fn outbox(&self, site: Option<SiteId>, limit: u32) -> Result<Vec<Mail>, StoreError> {
        self.outbox_impl(site, limit).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The level the URL asks for is the one every connection runs with.
    #[tokio::test]
    async fn the_url_sets_synchronous_on_every_connection() {
        for (i, (param, level)) in
            [("", 1), ("?synchronous=normal", 1), ("?synchronous=FULL", 2)].into_iter().enumerate()
        {
            let path = std::env::temp_dir().join(format!("kaigi-store-unit-{}-{i}.db", std::process::id()));
            let store = open(&format!("sqlite://{}{param}", path.display())).await.expect("open");
            for pool in [&store.pool, &store.write_pool] {
                let row = sqlx::query("PRAGMA synchronous").fetch_one(pool).await.expect("pragma");
                assert_eq!(codec::get::<i64>(&row, "synchronous").expect("level"), level, "{param}");
            }
            store.close().await;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
}
