//! The store suite. Every test is written once, as `async fn name(ctx: Ctx)`, and runs against
//! SQLite (a fresh temp file) and, when `KAIGI_TEST_DATABASE_URL` names a PostgreSQL database,
//! against PostgreSQL (a fresh schema). Files and schemas are removed afterwards.

#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Utc};
use kaigi_core::license::{DatedPlan, LicensePlan, SeatChange};
use kaigi_core::mail::{self, Mail};
use kaigi_core::site::{NewSite, Site, SiteId, SiteSettings};
use kaigi_core::store::{ApiKey, ConflictOn, SeatPeriod, SessionTicket, Store, StoreError, UserOrderBy, UserQuery};
use kaigi_core::user::{ActiveState, PendingEmail, PersonalRoom, Privileges, Profile, User, UserId};
use kaigi_store::{open, open_in_schema, Engine, OpenError, SqlStore};
use sqlx::{AnyConnection, Connection, Executor};

// ---------------------------------------------------------------- harness

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A name no other test, run or concurrent process uses.
fn unique() -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), nanos)
}

#[derive(Clone)]
enum Location {
    Sqlite(PathBuf),
    Postgres { url: String, schema: String },
}

struct Ctx {
    store: SqlStore,
    at: Location,
}

impl Location {
    async fn open(&self) -> SqlStore {
        match self {
            Location::Sqlite(path) => open(path.to_str().expect("utf-8 path")).await.expect("open sqlite"),
            Location::Postgres { url, schema } => open_in_schema(url, schema).await.expect("open postgres"),
        }
    }

    /// A new, empty database of the same engine, removed when the guard drops.
    fn fresh(&self) -> Cleanup {
        Cleanup(match self {
            Location::Sqlite(_) => Location::Sqlite(temp_db()),
            Location::Postgres { url, .. } => {
                Location::Postgres { url: url.clone(), schema: format!("kaigi_test_{}", unique()) }
            }
        })
    }
}

fn temp_db() -> PathBuf {
    std::env::temp_dir().join(format!("kaigi-store-test-{}.db", unique()))
}

impl Ctx {
    /// A second, independent store on the same database (another kaigi instance).
    async fn reopen(&self) -> SqlStore {
        self.at.open().await
    }

    /// Runs SQL behind the store's back (to corrupt a row).
    async fn raw(&self, sql: &str) {
        let (url, sql) = match &self.at {
            Location::Sqlite(path) => (format!("sqlite://{}", path.display()), sql.to_string()),
            Location::Postgres { url, schema } => (url.clone(), format!("SET search_path TO \"{schema}\"; {sql}")),
        };
        let mut conn = AnyConnection::connect(&url).await.expect("raw connect");
        conn.execute(sql.as_str()).await.expect("raw sql");
        conn.close().await.expect("raw close");
    }
}

/// Removes the test database when dropped, also when the test panicked.
struct Cleanup(Location);

impl Drop for Cleanup {
    fn drop(&mut self) {
        match &self.0 {
            Location::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Location::Postgres { url, schema } => {
                let (url, schema) = (url.clone(), schema.clone());
                // Drop cannot await; a helper thread with its own runtime can.
                let dropped = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                    rt.block_on(kaigi_store::drop_schema(&url, &schema))
                })
                .join();
                if !std::thread::panicking() {
                    dropped.expect("clean-up thread").expect("drop schema");
                }
            }
        }
    }
}

async fn run<F, Fut>(test: F, store: SqlStore, at: &Location)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()>,
{
    let keep = store.clone();
    test(Ctx { store, at: at.clone() }).await;
    keep.close().await;
}

async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()>,
{
    let path = temp_db();
    let cleanup = Cleanup(Location::Sqlite(path.clone()));
    let store = open(path.to_str().expect("utf-8 temp dir")).await.expect("open sqlite");
    assert_eq!(store.engine(), Engine::Sqlite);
    run(test, store, &cleanup.0).await;
}

async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()>,
{
    let Ok(url) = std::env::var("KAIGI_TEST_DATABASE_URL") else {
        return;
    };
    let schema = format!("kaigi_test_{}", unique());
    let cleanup = Cleanup(Location::Postgres { url: url.clone(), schema: schema.clone() });
    let store = open_in_schema(&url, &schema).await.expect("open postgres");
    assert_eq!(store.engine(), Engine::Postgres);
    run(test, store, &cleanup.0).await;
}

/// Runs each named test against both engines.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { crate::on_sqlite(crate::$name).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { crate::on_postgres(crate::$name).await } )*
        }
    };
}

on_both_engines!(
    sites_are_found_case_insensitively_and_unique,
    users_are_found_case_insensitively,
    duplicate_webex_id_or_email_is_a_conflict_and_writes_nothing,
    update_user_round_trips_every_field,
    seat_limit_is_enforced_in_the_transaction,
    concurrent_seat_taking_never_passes_the_limit,
    list_users_filters_orders_and_pages,
    tickets_and_api_keys_round_trip,
    meeting_keys_are_reserved_once,
    outbox_is_newest_first,
    license_plans_are_a_dated_history,
    reopening_applies_no_migration,
    instances_starting_together_migrate_once,
    corrupt_rows_are_backend_errors,
    the_read_cache_forgets_its_own_writes_and_expires_others,
);

// ---------------------------------------------------------------- fixtures

/// A time with millisecond precision (what the store keeps).
fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_700_000_000_123 + secs * 1000).expect("time")
}

const NO_SEAT: SeatChange = SeatChange { before: false, after: false, limit: None };

fn take_seat(limit: Option<u32>) -> SeatChange {
    SeatChange { before: false, after: true, limit }
}

fn release_seat() -> SeatChange {
    SeatChange { before: true, after: false, limit: None }
}

async fn new_site(s: &SqlStore, name: &str) -> Site {
    s.create_site(&NewSite { name: name.into(), site_number: None, settings: SiteSettings::default() }, t(0))
        .await
        .expect("create site")
}

fn person(site: SiteId, webex_id: &str, first: &str, last: &str) -> User {
    User {
        id: 0,
        site_id: site,
        webex_id: webex_id.into(),
        email: format!("{webex_id}@Example.com"),
        first_name: first.into(),
        last_name: last.into(),
        password_hash: None,
        privileges: Privileges::default(),
        active: ActiveState::Activated,
        language_id: 1,
        time_zone_id: 20,
        scheduling_permission: vec![],
        meeting_types: vec![214],
        profile: Profile::default(),
        personal_room: None,
        pending_email: None,
        failed_logins: 0,
        locked_until: None,
        registered_at: t(1),
        updated_at: t(1),
    }
}

fn welcome(site: SiteId, to: &str, at: DateTime<Utc>) -> Mail {
    let mut someone = person(site, "someone", "Some", "One");
    someone.email = to.to_string();
    mail::welcome(&someone, "http://127.0.0.1/", true, at)
}

async fn add(s: &SqlStore, u: &User) -> User {
    let id = s.insert_user(u, NO_SEAT, &[]).await.expect("insert user");
    User { id, ..u.clone() }
}

// ---------------------------------------------------------------- tests

async fn sites_are_found_case_insensitively_and_unique(ctx: Ctx) {
    let s = &ctx.store;
    let settings = SiteSettings { brand_name: "Acme Corp".into(), lockout_threshold: 9, ..SiteSettings::default() };
    let acme = s
        .create_site(&NewSite { name: "Acme".into(), site_number: Some(1234), settings: settings.clone() }, t(0))
        .await
        .expect("create");
    assert_eq!((acme.name.as_str(), acme.site_number, acme.created_at), ("Acme", 1234, t(0)));
    assert_eq!(acme.settings, settings);

    assert_eq!(s.site_by_name("aCME").await.expect("by name"), Some(acme.clone()));
    assert_eq!(s.site_by_number(1234).await.expect("by number"), Some(acme.clone()));
    assert_eq!(s.site_by_id(acme.id).await.expect("by id"), Some(acme.clone()));
    assert_eq!(s.site_by_name("acm").await.expect("by name"), None);

    let dup = NewSite { name: "ACME".into(), site_number: None, settings: SiteSettings::default() };
    assert!(matches!(s.create_site(&dup, t(1)).await, Err(StoreError::Conflict(ConflictOn::SiteName))));
    let dup_number = NewSite { name: "other".into(), site_number: Some(1234), settings: SiteSettings::default() };
    assert!(matches!(s.create_site(&dup_number, t(1)).await, Err(StoreError::Conflict(ConflictOn::SiteNumber))));

    // Picked numbers start at 10000 and never collide.
    let b = new_site(s, "beta").await;
    let c = new_site(s, "gamma").await;
    assert_eq!((b.site_number, c.site_number), (10_000, 10_001));
    let names: Vec<String> = s.list_sites().await.expect("list").into_iter().map(|x| x.name).collect();
    assert_eq!(names, ["Acme", "beta", "gamma"]);

    let changed = SiteSettings { pmr_enabled: false, min_password_length: 12, ..settings };
    s.update_site_settings(b.id, &changed).await.expect("update settings");
    assert_eq!(s.site_by_id(b.id).await.expect("by id").expect("site").settings, changed);
    assert!(matches!(s.update_site_settings(999_999, &changed).await, Err(StoreError::Missing)));
    s.ping().await.expect("ping");
}

async fn users_are_found_case_insensitively(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let alice = add(s, &person(site.id, "Alice", "Alice", "Liddell")).await;
    assert!(alice.id > 0);

    assert_eq!(s.user_by_id(site.id, alice.id).await.expect("by id"), Some(alice.clone()));
    assert_eq!(s.user_by_webex_id(site.id, "ALICE").await.expect("by webex id"), Some(alice.clone()));
    assert_eq!(s.user_by_email(site.id, "alice@EXAMPLE.COM").await.expect("by email"), Some(alice.clone()));
    // Nothing crosses sites.
    assert_eq!(s.user_by_id(other.id, alice.id).await.expect("by id"), None);
    assert_eq!(s.user_by_webex_id(other.id, "alice").await.expect("by webex id"), None);
    assert_eq!(s.user_by_email(site.id, "nobody@example.com").await.expect("by email"), None);
    // The same webExId on another site is another user.
    add(s, &person(other.id, "alice", "A", "L")).await;
    // A user of a site that does not exist.
    assert!(matches!(s.insert_user(&person(999_999, "x", "", ""), NO_SEAT, &[]).await, Err(StoreError::Missing)));
}

async fn duplicate_webex_id_or_email_is_a_conflict_and_writes_nothing(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    add(s, &person(site.id, "alice", "Alice", "L")).await;

    let mut same_id = person(site.id, "ALICE", "Other", "Person");
    same_id.email = "other@example.com".into();
    let mails = [welcome(site.id, "other@example.com", t(2))];
    let r = s.insert_user(&same_id, take_seat(None), &mails).await;
    assert!(matches!(r, Err(StoreError::Conflict(ConflictOn::WebExId))), "{r:?}");

    let mut same_email = person(site.id, "bob", "Bob", "B");
    same_email.email = "ALICE@example.COM".into();
    let r = s.insert_user(&same_email, take_seat(None), &mails).await;
    assert!(matches!(r, Err(StoreError::Conflict(ConflictOn::Email))), "{r:?}");

    // Nothing of the failed writes remains: no user, no seat, no mail.
    let all = s.list_users(site.id, &UserQuery { limit: 100, ..UserQuery::default() }).await.expect("list");
    assert_eq!(all.total, 1);
    assert_eq!(s.seats_held(site.id).await.expect("seats"), 0);
    assert!(s.outbox(None, 10).await.expect("outbox").is_empty());

    // Changing a user to another's webExId or email conflicts too.
    let bob = add(s, &person(site.id, "bob", "Bob", "B")).await;
    let r = s.update_user(&User { webex_id: "Alice".into(), ..bob.clone() }, NO_SEAT, &[]).await;
    assert!(matches!(r, Err(StoreError::Conflict(ConflictOn::WebExId))), "{r:?}");
    let r = s.update_user(&User { email: "alice@example.com".into(), ..bob.clone() }, NO_SEAT, &[]).await;
    assert!(matches!(r, Err(StoreError::Conflict(ConflictOn::Email))), "{r:?}");
    assert_eq!(s.user_by_id(site.id, bob.id).await.expect("get"), Some(bob));
}

async fn update_user_round_trips_every_field(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let before = add(s, &person(site.id, "carol", "Carol", "C")).await;

    let after = User {
        id: before.id,
        site_id: site.id,
        webex_id: "Carol.New".into(),
        email: "Carol.New@Example.org".into(),
        first_name: "Caroline".into(),
        last_name: "Ček".into(),
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        privileges: Privileges {
            host: true,
            site_admin: true,
            um_site_admin: true,
            hd_video: true,
            ..Privileges::default()
        },
        active: ActiveState::RequestToActivate,
        language_id: 19,
        time_zone_id: 61,
        scheduling_permission: vec!["alice".into(), "Bob".into()],
        meeting_types: vec![214, 215, 218],
        profile: Profile {
            title: "Dr.".into(),
            company: "Acme".into(),
            description: "line one\nline \"two\"".into(),
            phone: "+1 555 0100".into(),
            mobile_phone: "+1 555 0101".into(),
            fax: "-".into(),
            address1: "1 Main St".into(),
            address2: "Suite 2".into(),
            city: "Springfield".into(),
            state: "IL".into(),
            zip_code: "62701".into(),
            country: "US".into(),
        },
        personal_room: Some(PersonalRoom {
            meeting_key: 9_876_543_210,
            host_pin: "1234".into(),
            released_at: Some(t(50)),
        }),
        pending_email: Some(PendingEmail {
            address: "carol@new.example".into(),
            token_hash: "hash-of-token".into(),
            requested_at: t(40),
        }),
        failed_logins: 3,
        locked_until: Some(t(60)),
        registered_at: t(-100),
        updated_at: t(70),
    };
    let mails =
        [mail::email_change_confirmation(site.id, "carol@new.example", "Carol", "http://127.0.0.1/c", 1, t(70))];
    s.update_user(&after, NO_SEAT, &mails).await.expect("update");
    assert_eq!(s.user_by_id(site.id, before.id).await.expect("get"), Some(after.clone()));
    assert_eq!(s.user_by_pending_email_token("hash-of-token").await.expect("by token"), Some(after.clone()));
    assert_eq!(s.user_by_pending_email_token("other").await.expect("by token"), None);
    assert_eq!(s.outbox(Some(site.id), 10).await.expect("outbox").len(), 1);

    // And back to empty options.
    let cleared =
        User { personal_room: None, pending_email: None, locked_until: None, password_hash: None, ..after.clone() };
    s.update_user(&cleared, NO_SEAT, &[]).await.expect("update");
    assert_eq!(s.user_by_id(site.id, before.id).await.expect("get"), Some(cleared.clone()));

    // The sign-in counters alone.
    s.record_login_state(before.id, 5, Some(t(99))).await.expect("login state");
    let got = s.user_by_id(site.id, before.id).await.expect("get").expect("user");
    assert_eq!((got.failed_logins, got.locked_until), (5, Some(t(99))));
    assert_eq!(got.first_name, "Caroline");
    assert!(matches!(s.record_login_state(999_999, 0, None).await, Err(StoreError::Missing)));

    // No such user, or not on that site.
    let ghost = User { id: 999_999, ..cleared.clone() };
    assert!(matches!(s.update_user(&ghost, NO_SEAT, &mails).await, Err(StoreError::Missing)));
    let elsewhere = User { site_id: other.id, ..cleared };
    assert!(matches!(s.update_user(&elsewhere, NO_SEAT, &mails).await, Err(StoreError::Missing)));
    assert_eq!(s.outbox(None, 10).await.expect("outbox").len(), 1);
}

async fn seat_limit_is_enforced_in_the_transaction(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = |webex_id: &str, at: i64| User {
        privileges: Privileges { host: true, ..Privileges::default() },
        updated_at: t(at),
        ..person(site.id, webex_id, webex_id, "Host")
    };
    let u1 = s.insert_user(&host("h1", 1), take_seat(Some(2)), &[]).await.expect("first seat");
    let u2 = s.insert_user(&host("h2", 2), take_seat(Some(2)), &[]).await.expect("second seat");
    let mails = [welcome(site.id, "h3@example.com", t(3))];
    let r = s.insert_user(&host("h3", 3), take_seat(Some(2)), &mails).await;
    assert!(matches!(r, Err(StoreError::SeatLimit(2))), "{r:?}");
    assert_eq!(s.user_by_webex_id(site.id, "h3").await.expect("get"), None);
    assert!(s.outbox(None, 10).await.expect("outbox").is_empty());
    assert_eq!(s.seats_held(site.id).await.expect("seats"), 2);

    // An existing user taking a seat is refused the same way, and keeps the stored state.
    let plain = add(s, &person(site.id, "p", "Plain", "User")).await;
    let promoted = User { privileges: Privileges { host: true, ..Privileges::default() }, ..plain.clone() };
    let r = s.update_user(&promoted, take_seat(Some(2)), &[]).await;
    assert!(matches!(r, Err(StoreError::SeatLimit(2))), "{r:?}");
    assert_eq!(s.user_by_id(site.id, plain.id).await.expect("get"), Some(plain.clone()));

    // Freeing a seat makes room.
    let h1 = s.user_by_id(site.id, u1).await.expect("get").expect("h1");
    let demoted = User { active: ActiveState::Deactivated, updated_at: t(10), ..h1 };
    s.update_user(&demoted, release_seat(), &[]).await.expect("release");
    assert_eq!(s.seats_held(site.id).await.expect("seats"), 1);
    let u3 = s.insert_user(&host("h3", 11), take_seat(Some(2)), &mails).await.expect("seat freed");
    assert_eq!(s.seats_held(site.id).await.expect("seats"), 2);
    assert_eq!(s.outbox(None, 10).await.expect("outbox").len(), 1);

    // Keeping a seat (no limit) changes nothing.
    let h2 = s.user_by_id(site.id, u2).await.expect("get").expect("h2");
    let keep = SeatChange { before: true, after: true, limit: None };
    s.update_user(&User { first_name: "Renamed".into(), ..h2 }, keep, &[]).await.expect("keep");

    assert_eq!(
        s.seat_history(site.id).await.expect("history"),
        vec![
            SeatPeriod { user_id: u1, assigned_at: t(1), released_at: Some(t(10)) },
            SeatPeriod { user_id: u2, assigned_at: t(2), released_at: None },
            SeatPeriod { user_id: u3, assigned_at: t(11), released_at: None },
        ]
    );
}

async fn concurrent_seat_taking_never_passes_the_limit(ctx: Ctx) {
    let site = new_site(&ctx.store, "acme").await;
    // Two stores on one database, as two kaigi instances would be.
    let stores = [ctx.store.clone(), ctx.reopen().await];
    let mut tasks = Vec::new();
    for i in 0..12 {
        let store = stores[i % 2].clone();
        let user = User {
            privileges: Privileges { host: true, ..Privileges::default() },
            ..person(site.id, &format!("host{i}"), "Host", "H")
        };
        tasks.push(tokio::spawn(async move { store.insert_user(&user, take_seat(Some(2)), &[]).await }));
    }
    let (mut ok, mut refused) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => ok += 1,
            Err(StoreError::SeatLimit(2)) => refused += 1,
            Err(e) => panic!("unexpected error: {e:?}"),
        }
    }
    assert_eq!((ok, refused), (2, 10));
    assert_eq!(ctx.store.seats_held(site.id).await.expect("seats"), 2);
    let all = ctx.store.list_users(site.id, &UserQuery { limit: 10, ..UserQuery::default() }).await.expect("list");
    assert_eq!(all.total, 2);
    stores[1].close().await;
}

async fn list_users_filters_orders_and_pages(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let mk = |webex_id: &str, first: &str, last: &str, active: ActiveState, registered: i64| User {
        active,
        registered_at: t(registered),
        ..person(site.id, webex_id, first, last)
    };
    use ActiveState::*;
    let john = add(s, &mk("john", "John", "Smith", Activated, 10)).await;
    let joanna = add(s, &mk("joanna", "Joanna", "a_b", Deactivated, 20)).await;
    let ajo = add(s, &mk("ajo", "Ajo", "abc", Activated, 30)).await;
    let zed = add(s, &mk("Zed", "zed", "100%", RequestToActivate, 40)).await;
    let jo = add(s, &mk("JO", "jo", "Smith", Deactivated, 50)).await;
    add(s, &person(other.id, "john2", "John", "Elsewhere")).await;

    let ids = |page: &kaigi_core::store::Page<User>| page.items.iter().map(|u| u.id).collect::<Vec<UserId>>();
    let list = |q: UserQuery| async move { s.list_users(site.id, &UserQuery { limit: 100, ..q }).await.expect("list") };

    // Everything on the site, by id.
    let all = list(UserQuery::default()).await;
    assert_eq!((ids(&all), all.total), (vec![john.id, joanna.id, ajo.id, zed.id, jo.id], 5));
    assert_eq!(all.items[0], john);

    // Exact, case-insensitive.
    let q = list(UserQuery { webex_id: Some("JOHN".into()), ..UserQuery::default() }).await;
    assert_eq!(ids(&q), [john.id]);
    let q = list(UserQuery { email: Some("zed@example.COM".into()), ..UserQuery::default() }).await;
    assert_eq!(ids(&q), [zed.id]);
    let q = list(UserQuery { webex_id: Some("jo%".into()), ..UserQuery::default() }).await;
    assert!(q.items.is_empty());

    // Prefixes, case-insensitive, with LIKE wildcards taken literally.
    let q = list(UserQuery { first_name: Some("JO".into()), ..UserQuery::default() }).await;
    assert_eq!(ids(&q), [john.id, joanna.id, jo.id]);
    let q = list(UserQuery { last_name: Some("a_".into()), ..UserQuery::default() }).await;
    assert_eq!(ids(&q), [joanna.id]);
    let q = list(UserQuery { last_name: Some("100%".into()), ..UserQuery::default() }).await;
    assert_eq!(ids(&q), [zed.id]);
    let q = list(UserQuery { last_name: Some("%".into()), ..UserQuery::default() }).await;
    assert!(q.items.is_empty());

    // State and registration range (inclusive).
    let q = list(UserQuery { active: Some(Deactivated), ..UserQuery::default() }).await;
    assert_eq!(ids(&q), [joanna.id, jo.id]);
    let q = list(UserQuery { registered_from: Some(t(20)), registered_to: Some(t(40)), ..UserQuery::default() }).await;
    assert_eq!(ids(&q), [joanna.id, ajo.id, zed.id]);
    let q = list(UserQuery { registered_from: Some(t(45)), ..UserQuery::default() }).await;
    assert_eq!(ids(&q), [jo.id]);

    // AND (default) and OR.
    let both = UserQuery { first_name: Some("jo".into()), active: Some(Activated), ..UserQuery::default() };
    assert_eq!(ids(&list(both.clone()).await), [john.id]);
    let either = UserQuery { match_any: true, ..both };
    assert_eq!(ids(&list(either).await), [john.id, joanna.id, ajo.id, jo.id]);
    let either = UserQuery {
        webex_id: Some("zed".into()),
        email: Some("ajo@example.com".into()),
        match_any: true,
        ..UserQuery::default()
    };
    assert_eq!(ids(&list(either.clone()).await), [ajo.id, zed.id]);
    // only_user restricts whatever the method.
    let mine = list(UserQuery { only_user: Some(zed.id), ..either }).await;
    assert_eq!((ids(&mine), mine.total), (vec![zed.id], 1));
    let none = list(UserQuery { only_user: Some(john.id), webex_id: Some("zed".into()), ..UserQuery::default() }).await;
    assert_eq!((none.items.len(), none.total), (0, 0));

    // Order: several keys, descending, ties broken by id.
    let q = list(UserQuery { order: vec![(UserOrderBy::LastName, true)], ..UserQuery::default() }).await;
    assert_eq!(ids(&q), [john.id, jo.id, ajo.id, joanna.id, zed.id]);
    let q = list(UserQuery {
        order: vec![(UserOrderBy::Active, false), (UserOrderBy::RegistrationDate, true)],
        ..UserQuery::default()
    })
    .await;
    assert_eq!(ids(&q), [ajo.id, john.id, jo.id, joanna.id, zed.id]);
    let q = list(UserQuery { order: vec![(UserOrderBy::WebExId, false)], ..UserQuery::default() }).await;
    assert_eq!(ids(&q), [ajo.id, jo.id, joanna.id, john.id, zed.id]);
    let q = list(UserQuery { order: vec![(UserOrderBy::FirstName, true)], ..UserQuery::default() }).await;
    assert_eq!(ids(&q), [zed.id, john.id, joanna.id, jo.id, ajo.id]);
    let q =
        list(UserQuery { order: vec![(UserOrderBy::Email, false), (UserOrderBy::Id, true)], ..UserQuery::default() })
            .await;
    assert_eq!(ids(&q), [ajo.id, jo.id, joanna.id, john.id, zed.id]);

    // Pages: total counts every match, whatever the page.
    let page = |offset, limit| UserQuery {
        offset,
        limit,
        order: vec![(UserOrderBy::RegistrationDate, true)],
        ..UserQuery::default()
    };
    let p = s.list_users(site.id, &page(1, 2)).await.expect("page");
    assert_eq!((ids(&p), p.total), (vec![zed.id, ajo.id], 5));
    let p = s.list_users(site.id, &page(4, 2)).await.expect("page");
    assert_eq!((ids(&p), p.total), (vec![john.id], 5));
    let p = s.list_users(site.id, &page(10, 2)).await.expect("page");
    assert_eq!((p.items.len(), p.total), (0, 5));
    let p = s.list_users(site.id, &page(0, 0)).await.expect("page");
    assert_eq!((p.items.len(), p.total), (0, 5));
    let filtered = UserQuery { active: Some(Deactivated), offset: 1, limit: 1, ..UserQuery::default() };
    let p = s.list_users(site.id, &filtered).await.expect("page");
    assert_eq!((ids(&p), p.total), (vec![jo.id], 2));
}

async fn tickets_and_api_keys_round_trip(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let user = add(s, &person(site.id, "u", "U", "U")).await;
    let ticket = |hash: &str, expires: i64| SessionTicket {
        token_hash: hash.into(),
        site_id: site.id,
        user_id: user.id,
        created_at: t(0),
        expires_at: t(expires),
    };
    s.insert_session_ticket(&ticket("old", 100)).await.expect("insert");
    s.insert_session_ticket(&ticket("new", 300)).await.expect("insert");
    assert_eq!(s.session_ticket("old").await.expect("get"), Some(ticket("old", 100)));
    assert_eq!(s.session_ticket("nope").await.expect("get"), None);
    assert_eq!(s.purge_session_tickets(t(200)).await.expect("purge"), 1);
    assert_eq!(s.session_ticket("old").await.expect("get"), None);
    assert_eq!(s.session_ticket("new").await.expect("get"), Some(ticket("new", 300)));
    assert_eq!(s.purge_session_tickets(t(200)).await.expect("purge"), 0);

    let key = ApiKey {
        id: 0,
        site_id: site.id,
        name: "booking".into(),
        token_hash: "k1".into(),
        created_at: t(5),
        revoked_at: None,
    };
    let id = s.insert_api_key(&key).await.expect("insert key");
    assert!(id > 0);
    assert_eq!(s.api_key_by_hash("k1").await.expect("get"), Some(ApiKey { id, ..key.clone() }));
    let revoked = ApiKey { token_hash: "k2".into(), revoked_at: Some(t(6)), ..key };
    let id2 = s.insert_api_key(&revoked).await.expect("insert key");
    assert_ne!(id, id2);
    assert_eq!(s.api_key_by_hash("k2").await.expect("get"), Some(ApiKey { id: id2, ..revoked }));
    assert_eq!(s.api_key_by_hash("k3").await.expect("get"), None);
}

async fn meeting_keys_are_reserved_once(ctx: Ctx) {
    let s = &ctx.store;
    let a = new_site(s, "a").await;
    let b = new_site(s, "b").await;
    assert!(s.reserve_meeting_key(123_456_789, a.id, t(0)).await.expect("reserve"));
    assert!(!s.reserve_meeting_key(123_456_789, a.id, t(1)).await.expect("reserve"));
    assert!(!s.reserve_meeting_key(123_456_789, b.id, t(2)).await.expect("reserve"));
    assert!(s.reserve_meeting_key(2_987_654_321, b.id, t(3)).await.expect("reserve"));
    assert!(matches!(s.reserve_meeting_key(u64::MAX, a.id, t(4)).await, Err(StoreError::Backend(_))));
}

async fn outbox_is_newest_first(ctx: Ctx) {
    let s = &ctx.store;
    let a = new_site(s, "a").await;
    let b = new_site(s, "b").await;
    let plain = Mail { html: false, body: "plain text".into(), ..welcome(a.id, "one@example.com", t(1)) };
    s.insert_user(&person(a.id, "one", "", ""), NO_SEAT, std::slice::from_ref(&plain)).await.expect("one");
    let two = [welcome(b.id, "two@example.com", t(2)), welcome(b.id, "two-copy@example.com", t(2))];
    s.insert_user(&person(b.id, "two", "", ""), NO_SEAT, &two).await.expect("two");
    let three = welcome(a.id, "three@example.com", t(3));
    s.insert_user(&person(a.id, "three", "", ""), NO_SEAT, std::slice::from_ref(&three)).await.expect("three");

    let all = s.outbox(None, 10).await.expect("outbox");
    let to: Vec<&str> = all.iter().map(|m| m.to.as_str()).collect();
    assert_eq!(to, ["three@example.com", "two-copy@example.com", "two@example.com", "one@example.com"]);
    assert!(all.iter().all(|m| m.id > 0));
    assert_eq!(all[0], Mail { id: all[0].id, ..three });
    assert_eq!(all[3], Mail { id: all[3].id, ..plain });

    let site_a = s.outbox(Some(a.id), 1).await.expect("outbox");
    assert_eq!(site_a.iter().map(|m| m.to.as_str()).collect::<Vec<_>>(), ["three@example.com"]);
    assert_eq!(s.outbox(Some(b.id), 10).await.expect("outbox").len(), 2);
    assert_eq!(s.outbox(None, 2).await.expect("outbox").len(), 2);
}

async fn license_plans_are_a_dated_history(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    assert!(s.license_plans(site.id).await.expect("plans").is_empty());
    let later = DatedPlan { effective_from: t(200), plan: LicensePlan::ActiveUser { purchased: 5, minimum: 3 } };
    let first = DatedPlan { effective_from: t(100), plan: LicensePlan::NamedUser { seats: 10 } };
    let ea = DatedPlan { effective_from: t(300), plan: LicensePlan::EnterpriseAgreement };
    for p in [&later, &first, &ea] {
        s.add_license_plan(site.id, p).await.expect("add plan");
    }
    assert_eq!(s.license_plans(site.id).await.expect("plans"), vec![first.clone(), later, ea]);
    assert!(matches!(s.add_license_plan(999_999, &first).await, Err(StoreError::Missing)));
}

async fn reopening_applies_no_migration(ctx: Ctx) {
    assert_eq!(ctx.store.migrations_applied_at_open(), [1]);
    let recorded = ctx.store.migrations().await.expect("migrations");
    assert_eq!(recorded.iter().map(|(v, _)| *v).collect::<Vec<_>>(), [1]);
    let site = new_site(&ctx.store, "acme").await;

    let again = ctx.reopen().await;
    assert!(again.migrations_applied_at_open().is_empty());
    assert_eq!(again.migrations().await.expect("migrations"), recorded);
    assert_eq!(again.site_by_name("ACME").await.expect("site"), Some(site));
    again.close().await;
}

async fn instances_starting_together_migrate_once(ctx: Ctx) {
    let fresh = ctx.at.fresh();
    let (a, b, c) = tokio::join!(fresh.0.open(), fresh.0.open(), fresh.0.open());
    let mut applied: Vec<&[i64]> = [&a, &b, &c].iter().map(|s| s.migrations_applied_at_open()).collect();
    applied.sort();
    assert_eq!(applied, [&[][..], &[], &[1]]);
    new_site(&a, "acme").await;
    assert!(c.site_by_name("ACME").await.expect("site").is_some());
    for s in [a, b, c] {
        s.close().await;
    }
}

async fn corrupt_rows_are_backend_errors(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let user = add(s, &person(site.id, "u", "U", "U")).await;
    ctx.raw("UPDATE users SET privileges = '{not json' WHERE webex_id_lc = 'u'").await;
    assert!(matches!(s.user_by_id(site.id, user.id).await, Err(StoreError::Backend(_))));
    let q = UserQuery { limit: 10, ..UserQuery::default() };
    assert!(matches!(s.list_users(site.id, &q).await, Err(StoreError::Backend(_))));

    ctx.raw("UPDATE users SET privileges = '{}', active = 'SLEEPING' WHERE webex_id_lc = 'u'").await;
    assert!(matches!(s.user_by_webex_id(site.id, "u").await, Err(StoreError::Backend(_))));

    ctx.raw("UPDATE sites SET settings = '[1, 2]' WHERE name_lc = 'acme'").await;
    assert!(matches!(s.site_by_name("acme").await, Err(StoreError::Backend(_))));
}

// ---------------------------------------------------------------- engine choice (no database)

#[tokio::test]
async fn open_refuses_other_engines() {
    for url in ["mysql://x", "http://127.0.0.1/db", "mysql:x", ""] {
        let r = open(url).await;
        assert!(matches!(r, Err(OpenError::UnsupportedUrl(_) | OpenError::EmptyUrl)), "{url}: {:?}", r.err());
    }
    let r = open("mysql://user:secret@127.0.0.1/db").await;
    let text = r.err().expect("refused").to_string();
    assert!(text.contains("mysql") && !text.contains("secret"), "{text}");
    let path = temp_db();
    let r = open_in_schema(path.to_str().expect("utf-8"), "s").await;
    assert!(matches!(r, Err(OpenError::SchemaNeedsPostgres)));
    assert!(!path.exists());
}

#[tokio::test]
async fn sqlite_urls_in_every_form_create_the_file() {
    let dir = std::env::temp_dir();
    for form in ["sqlite://", "sqlite:", ""] {
        let path = dir.join(format!("kaigi-store-test-{} form.db", unique()));
        let url = format!("{form}{}", path.display());
        let store = open(&url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
        new_site(&store, "acme").await;
        store.close().await;
        assert!(path.exists(), "{url} made no file");
        let store = open(&url).await.expect("reopen");
        assert!(store.site_by_name("acme").await.expect("site").is_some());
        store.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

#[tokio::test]
async fn sqlite_in_memory_is_one_database() {
    let store = open("sqlite::memory:").await.expect("open in memory");
    for name in ["a", "b", "c", "d", "e"] {
        new_site(&store, name).await;
    }
    let (a, b) = (store.clone(), store.clone());
    let (x, y) = tokio::join!(a.list_sites(), b.site_by_name("C"));
    assert_eq!(x.expect("list").len(), 5);
    assert!(y.expect("get").is_some());
    store.close().await;
}

/// With the read cache on, this store's writes are seen at once; another instance's writes after
/// at most the time-to-live.
async fn the_read_cache_forgets_its_own_writes_and_expires_others(ctx: Ctx) {
    let ttl = std::time::Duration::from_millis(200);
    let cached = ctx.reopen().await.with_read_cache(ttl);
    let site = new_site(&cached, "cachesite").await;
    let ann = add(&cached, &person(site.id, "ann", "Ann", "One")).await;
    assert_eq!(cached.user_by_webex_id(site.id, "ANN").await.unwrap().unwrap().first_name, "Ann");
    // Its own write: seen at once.
    let renamed = User { first_name: "Anna".into(), ..ann.clone() };
    cached.update_user(&renamed, NO_SEAT, &[]).await.unwrap();
    assert_eq!(cached.user_by_webex_id(site.id, "ann").await.unwrap().unwrap().first_name, "Anna");
    assert_eq!(cached.user_by_id(site.id, ann.id).await.unwrap().unwrap().first_name, "Anna");
    // Another instance's write: served stale for a while, then seen.
    let other = User { first_name: "Annie".into(), ..renamed.clone() };
    ctx.store.update_user(&other, NO_SEAT, &[]).await.unwrap();
    let start = std::time::Instant::now();
    loop {
        let seen = cached.user_by_webex_id(site.id, "ann").await.unwrap().unwrap().first_name;
        if seen == "Annie" {
            break;
        }
        assert_eq!(seen, "Anna");
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "the cache never expired");
        tokio::task::yield_now().await;
    }
    // Sites too: a settings change through the cached store is seen at once.
    let mut settings = site.settings.clone();
    settings.max_body_contents = 3;
    cached.update_site_settings(site.id, &settings).await.unwrap();
    assert_eq!(cached.site_by_name("CACHESITE").await.unwrap().unwrap().settings.max_body_contents, 3);
}
