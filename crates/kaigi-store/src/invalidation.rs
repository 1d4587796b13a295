//! Cross-instance invalidation of the read cache, on PostgreSQL (LISTEN/NOTIFY).
//!
//! Several `kaigi serve` on one PostgreSQL each keep a read cache (`cache.rs`). Every forget a
//! store performs after a write is also announced with `pg_notify` on its schema's channel, and
//! every store with a cache listens on that channel and applies what it hears to its own cache.
//! A change committed through one instance is thus dropped from the others' caches within
//! milliseconds (docs/operations.md promises 100 ms), instead of the cache's time-to-live.
//!
//! Where the notification is sent:
//! - inside the write's transaction where the transaction is opened next to the cache handling
//!   (a token revoked, an integration deleted with its tokens, a snapshot restored: `tokens.rs`,
//!   `integrations.rs`, `state.rs`, through `SqlStore::announce_in`): PostgreSQL delivers it at
//!   the commit, never for a rolled-back change, and no commit happens without it;
//! - right after the commit, on the pool, for the writes whose transaction another module opens
//!   (sites, plans, users, credentials, meetings, sessions): `SqlStore::forget` in `lib.rs` sends
//!   it once the write returned and before its caller is answered. Threading the announcement
//!   into each of those transactions would touch every write of the crate for one statement; the
//!   price is that a crash between the commit and the notification leaves the other instances
//!   bounded by the time-to-live only. A notification for a write that failed is harmless (its
//!   forget drops entries that were true).
//!
//! The channel is per schema (`kaigi_cache:<schema>`), so stores in different schemas of one
//! database (the test suite's) never hear each other; NOTIFY never crosses databases.
//!
//! The listener ([`Listener`]) holds one connection of its own (`application_name`
//! `kaigi-invalidation:<schema>`). While it is not listening nothing can be heard, so the cache is
//! emptied and bypassed (`ReadCache::set_serving`) from the moment the connection is lost (or a
//! ping on a quiet connection goes unanswered) until it listens again, when the cache is emptied
//! once more: a change made while it was away may have been missed. It reconnects with bounded
//! backoff, and stops when its store is closed or dropped. It never announces anything itself
//! (no loop); hearing this store's own announcements again is harmless. Its waits are Tokio's
//! monotonic timers: the wall clock is not read here.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kaigi_core::model::SiteId;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::{Any, AnyPool, Executor};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::cache::ReadCache;
use crate::errors::OpenError;

/// Longest payload sent. The items are at most 21 bytes each and a write names at most a few;
/// PostgreSQL refuses payloads of 8000 bytes or more. Anything longer is sent as "everything".
const MAX_PAYLOAD: usize = 256;
/// PostgreSQL's longest name (NAMEDATALEN - 1): channels and application names are cut there.
const MAX_NAME: usize = 63;
const CHANNEL_PREFIX: &str = "kaigi_cache:";
const APPLICATION_PREFIX: &str = "kaigi-invalidation:";

/// First wait before reconnecting a lost listener; doubled after each failed attempt up to
/// [`RECONNECT_MAX`], and back to this once connected.
const RECONNECT_FIRST: Duration = Duration::from_millis(50);
const RECONNECT_MAX: Duration = Duration::from_secs(5);
/// How long one connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// After this long without a notification the connection is pinged, so that one lost without a
/// word (a network gone quiet) is noticed within `QUIET_PING + PING_TIMEOUT`, not at the
/// operating system's TCP timeout. Until then the time-to-live bounds what is served.
const QUIET_PING: Duration = Duration::from_secs(10);
const PING_TIMEOUT: Duration = Duration::from_secs(5);
/// How long closing the store waits for the listener's connection to close.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a write makes the caches forget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Forget {
    /// Bearer tokens and credential epochs (a token or a user's credentials revoked).
    Tokens,
    /// Sites and their licence plans.
    Sites,
    /// The users of one site, or of every site (None: the site is not known).
    Users(Option<SiteId>),
    /// The meetings of one site.
    Meetings(SiteId),
    /// Everything (a snapshot restored; also what an unreadable payload means).
    Everything,
}

impl Forget {
    /// Drops what `self` names from `cache`.
    pub(crate) fn apply(self, cache: &ReadCache) {
        match self {
            Forget::Tokens => cache.forget_tokens(),
            Forget::Sites => cache.forget_sites(),
            Forget::Users(site) => cache.forget_users(site),
            Forget::Meetings(site) => cache.forget_meetings(site),
            Forget::Everything => cache.forget_all(),
        }
    }

    /// One item of a payload: `t`, `s`, `u`, `u<site>`, `m<site>` or `*`.
    fn item(self) -> String {
        match self {
            Forget::Tokens => "t".into(),
            Forget::Sites => "s".into(),
            Forget::Users(None) => "u".into(),
            Forget::Users(Some(site)) => format!("u{site}"),
            Forget::Meetings(site) => format!("m{site}"),
            Forget::Everything => "*".into(),
        }
    }

    fn parse_item(item: &str) -> Forget {
        let site = |rest: &str| rest.parse::<SiteId>().ok();
        match item.split_at_checked(1) {
            Some(("t", "")) => Forget::Tokens,
            Some(("s", "")) => Forget::Sites,
            Some(("u", "")) => Forget::Users(None),
            Some(("u", rest)) => site(rest).map_or(Forget::Everything, |s| Forget::Users(Some(s))),
            Some(("m", rest)) => site(rest).map_or(Forget::Everything, Forget::Meetings),
            // `*`, and what a newer kaigi might send that this one cannot read.
            _ => Forget::Everything,
        }
    }
}

/// The payload naming `what`: its items separated by spaces (`u3 t`).
pub(crate) fn payload(what: &[Forget]) -> String {
    let text = what.iter().map(|f| f.item()).collect::<Vec<_>>().join(" ");
    if text.is_empty() || text.len() > MAX_PAYLOAD {
        Forget::Everything.item()
    } else {
        text
    }
}

/// What a payload names; an empty or unreadable one means everything.
pub(crate) fn parse(payload: &str) -> Vec<Forget> {
    let what: Vec<Forget> = payload.split_whitespace().map(Forget::parse_item).collect();
    if what.is_empty() {
        vec![Forget::Everything]
    } else {
        what
    }
}

/// FNV-1a, 64 bits: stable across processes and versions, to shorten a long schema name.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// `prefix` and `schema`, within PostgreSQL's name length: a schema name too long (or with
/// characters other than ASCII letters, digits and `_`) is cut and followed by its hash.
fn name_for(prefix: &str, schema: &str) -> String {
    let plain = schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain && prefix.len() + schema.len() <= MAX_NAME {
        return format!("{prefix}{schema}");
    }
    let hash = format!("{:016x}", fnv1a(schema));
    let room = MAX_NAME - prefix.len() - hash.len() - 1;
    let kept: String = schema.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(room).collect();
    format!("{prefix}{kept}:{hash}")
}

/// A PostgreSQL store's notification channel: where it announces, and where its listener
/// listens.
pub(crate) struct Channel {
    url: String,
    name: String,
    application_name: String,
    announce_failures: AtomicU64,
}

impl Channel {
    /// The channel of the schema `pool`'s connections work in (their `current_schema()`, so that
    /// a store opened without a schema and one opened in `public` share it).
    pub(crate) async fn of(pool: &AnyPool, url: &str) -> Result<Channel, OpenError> {
        let row = sqlx::query("SELECT COALESCE(current_schema()::text, '') AS schema")
            .fetch_one(pool)
            .await
            .map_err(|e| OpenError::Connect(e.to_string()))?;
        let schema: String = sqlx::Row::try_get(&row, "schema").map_err(|e| OpenError::Connect(e.to_string()))?;
        Ok(Channel::for_schema(url, &schema))
    }

    fn for_schema(url: &str, schema: &str) -> Channel {
        Channel {
            url: url.to_string(),
            name: name_for(CHANNEL_PREFIX, schema),
            application_name: name_for(APPLICATION_PREFIX, schema),
            announce_failures: AtomicU64::new(0),
        }
    }

    /// Sends the notification on `conn`. Inside a transaction it is delivered at the commit, and
    /// its failure fails the transaction.
    pub(crate) async fn announce<'c, E>(&self, conn: E, what: &[Forget]) -> Result<(), sqlx::Error>
    where
        E: Executor<'c, Database = Any>,
    {
        // `pg_notify` returns void, which the Any driver cannot read: select a constant instead.
        sqlx::query("SELECT 1 AS sent FROM pg_notify($1, $2)")
            .bind(self.name.clone())
            .bind(payload(what))
            .execute(conn)
            .await
            .map(|_| ())
    }

    /// Sends the notification on `pool`, after the write committed. A failure is not the write's:
    /// it is logged and counted, and the others catch up within the time-to-live.
    pub(crate) async fn announce_after_commit(&self, pool: &AnyPool, what: &[Forget]) {
        if let Err(error) = self.announce(pool, what).await {
            self.announce_failures.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(%error, channel = %self.name, "could not announce a change to the other instances");
        }
    }

    pub(crate) fn announce_failures(&self) -> u64 {
        self.announce_failures.load(Ordering::Relaxed)
    }

    /// One connection of its own, listening on the channel.
    async fn listen(&self) -> Result<(PgListener, PgPool), sqlx::Error> {
        let options = PgConnectOptions::from_str(&self.url)?.application_name(&self.application_name);
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(options)
            .await?;
        let mut listener = PgListener::connect_with(&pool).await?;
        // A lost connection is ours to handle (the cache must be dropped first): no silent
        // reconnection inside `try_recv`.
        listener.eager_reconnect(false);
        listener.listen(&self.name).await?;
        Ok((listener, pool))
    }
}

#[derive(Default)]
struct Counters {
    notifications: AtomicU64,
    connections_lost: AtomicU64,
}

/// The task that keeps a cache in step with the other instances; stops when dropped (with the
/// last clone of its store) or [`Listener::stop`]ped.
pub(crate) struct Listener {
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
    counters: Arc<Counters>,
    cache: Arc<ReadCache>,
}

impl Listener {
    /// Starts listening for `cache`, which must be made not serving: it is served only while
    /// the listener listens. Outside a Tokio runtime no task can start, and the cache stays
    /// bypassed (logged).
    pub(crate) fn spawn(channel: Arc<Channel>, cache: Arc<ReadCache>) -> Listener {
        let (stop, stopped) = watch::channel(false);
        let counters = Arc::new(Counters::default());
        let task = match tokio::runtime::Handle::try_current() {
            Ok(runtime) => Some(runtime.spawn(run(channel, cache.clone(), counters.clone(), stopped))),
            Err(_) => {
                tracing::warn!("no Tokio runtime to listen for other instances' changes: the read cache is not used");
                None
            }
        };
        Listener { stop, task: Mutex::new(task), counters, cache }
    }

    /// Stops the task and waits until its connection is closed.
    pub(crate) async fn stop(&self) {
        self.stop.send_replace(true);
        let task = self.task.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    pub(crate) fn listening(&self) -> bool {
        self.cache.is_serving()
    }

    pub(crate) fn notifications(&self) -> u64 {
        self.counters.notifications.load(Ordering::Relaxed)
    }

    pub(crate) fn connections_lost(&self) -> u64 {
        self.counters.connections_lost.load(Ordering::Relaxed)
    }
}

/// Why listening ended.
enum Ended {
    Stopped,
    Lost(String),
}

async fn run(channel: Arc<Channel>, cache: Arc<ReadCache>, counters: Arc<Counters>, mut stop: watch::Receiver<bool>) {
    let mut delay = RECONNECT_FIRST;
    loop {
        let connected = tokio::select! {
            biased;
            _ = stop.changed() => return,
            connected = channel.listen() => connected,
        };
        match connected {
            Ok((mut listener, pool)) => {
                // Whatever was missed before now is forgotten, then entries may be served.
                cache.forget_all();
                cache.set_serving(true);
                delay = RECONNECT_FIRST;
                tracing::debug!(channel = %channel.name, "listening for other instances' changes");
                let ended = receive(&mut listener, &cache, &counters, &mut stop).await;
                // Nothing can be heard from here on: serve nothing, and keep nothing read before.
                cache.set_serving(false);
                cache.forget_all();
                drop(listener);
                match ended {
                    Ended::Stopped => {
                        let _ = tokio::time::timeout(CLOSE_TIMEOUT, pool.close()).await;
                        return;
                    }
                    Ended::Lost(error) => {
                        counters.connections_lost.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(%error, channel = %channel.name,
                            "lost the connection that hears other instances' changes: the read cache is bypassed until it is back");
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, channel = %channel.name, retry_in_ms = delay.as_millis() as u64,
                    "cannot listen for other instances' changes: the read cache is bypassed");
            }
        }
        tokio::select! {
            biased;
            _ = stop.changed() => return,
            _ = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(RECONNECT_MAX);
    }
}

/// Applies notifications until the connection is lost or the store stops.
async fn receive(
    listener: &mut PgListener,
    cache: &ReadCache,
    counters: &Counters,
    stop: &mut watch::Receiver<bool>,
) -> Ended {
    loop {
        // `try_recv` may be cancelled: it keeps a partly read message for the next call.
        let next = tokio::select! {
            biased;
            _ = stop.changed() => return Ended::Stopped,
            next = tokio::time::timeout(QUIET_PING, listener.try_recv()) => next,
        };
        match next {
            Ok(Ok(Some(notification))) => {
                counters.notifications.fetch_add(1, Ordering::Relaxed);
                for forget in parse(notification.payload()) {
                    forget.apply(cache);
                }
            }
            Ok(Ok(None)) => return Ended::Lost("the connection was closed".into()),
            Ok(Err(error)) => return Ended::Lost(error.to_string()),
            Err(_quiet) => {
                let ping = tokio::time::timeout(PING_TIMEOUT, sqlx::query("SELECT 1").execute(&mut *listener)).await;
                match ping {
                    Ok(Ok(_)) => {}
                    Ok(Err(error)) => return Ended::Lost(error.to_string()),
                    Err(_) => return Ended::Lost("no answer to a ping".into()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_name_what_to_forget_and_read_back() {
        let what = [
            Forget::Tokens,
            Forget::Sites,
            Forget::Users(None),
            Forget::Users(Some(42)),
            Forget::Meetings(i64::MAX),
            Forget::Everything,
        ];
        let text = payload(&what);
        assert_eq!(text, format!("t s u u42 m{} *", i64::MAX));
        assert_eq!(parse(&text), what);
        // What cannot be read means everything: dropping too much is safe, too little is not.
        for odd in ["", "  ", "x", "u-", "m", "mx1", "t1", "u1.5"] {
            assert!(parse(odd).iter().all(|f| *f == Forget::Everything), "{odd:?}");
        }
        assert_eq!(payload(&[]), "*");
        assert_eq!(payload(&[Forget::Meetings(1); 100]), "*", "longer than MAX_PAYLOAD");
    }

    #[test]
    fn channels_are_per_schema_and_valid_names() {
        assert_eq!(name_for(CHANNEL_PREFIX, "public"), "kaigi_cache:public");
        assert_eq!(name_for(APPLICATION_PREFIX, "kaigi_test_1"), "kaigi-invalidation:kaigi_test_1");
        let long = "s".repeat(63);
        let (a, b) = (name_for(CHANNEL_PREFIX, &long), name_for(CHANNEL_PREFIX, &format!("{long}x")));
        assert!(a.len() <= MAX_NAME && b.len() <= MAX_NAME && a != b, "{a} {b}");
        let odd = name_for(CHANNEL_PREFIX, "Ä\"b");
        assert!(odd.is_ascii() && !odd.contains('"') && odd.len() <= MAX_NAME, "{odd}");
        assert_ne!(odd, name_for(CHANNEL_PREFIX, "b"));
    }
}
