//! The store suite. Every test is written once, as `async fn name(ctx: Ctx)`, and runs against
//! SQLite (a fresh temp file) and, when `KAIGI_TEST_DATABASE_URL` names a PostgreSQL database,
//! against PostgreSQL (a fresh schema). Files and schemas are removed afterwards.
//!
//! Without `KAIGI_TEST_DATABASE_URL` when it is built, the PostgreSQL half is compiled as
//! `#[ignore]`d (build.rs sets `--cfg kaigi_pg` only when the variable is set): cargo counts those
//! tests as ignored, not as passed, and `the_postgres_half_has_a_database` prints the one
//! `SKIPPED` line. With `KAIGI_STORE_SUITE_RECORD=DIR` the PostgreSQL half records each test that
//! passed on PostgreSQL in DIR, and the list it expects; `.ci/run` checks that all of them did.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::future::Future;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use kaigi_core::error::{ConflictOn, StoreError};
use kaigi_core::model::meeting_options::{
    AccessCodeOrder, AudioSupport, AutomaticLock, CallInNumbers, Conduct, EntryExitTone, Feature, Features,
    MeetingOptions, Reminder, Telephony, TrackingCodes, UnlockedJoin,
};
use kaigi_core::model::{
    ActiveState, ApiKey, Attendee, AttendeeOptions, AttendeeRecord, AttendeeRole, AttendeeStatus, AudioOptions,
    AudioType, ChatLine, DatedPlan, EventKind, ExceptionCount, HostMonth, Integration, IntegrationKind, Invitee,
    JoinStatus, LicenseAction, LicenseDecision, LicenseOutcome, LicensePlan, ListStatus, Mail, Meeting, MeetingId,
    MeetingPreferences, MeetingQuery, NewSite, OauthCode, OccurrenceException, Participant, PendingEmail, PersonalRoom,
    PhoneNumber, PreferencesWrite, Privileges, Profile, Recording, Recurrence, RepeatKind, Role, RoomOptions,
    SchedulingOptions, SeatChange, SeatPeriod, SessionEnd, SessionEvent, SessionKind, SessionState, SessionStatus,
    SessionTicket, Shape, Site, SiteId, SiteSettings, StoredToken, TokenKind, UsageRecord, User, UserId, UserOrderBy,
    UserQuery, VideoDevice, VideoOptions,
};
use kaigi_core::ports::clock::AdjustableClock;
use kaigi_core::ports::{
    ActivityStore, AttendeeStore, AuditStore, ChatStore, IntegrationStore, LicenseLogStore, StateStore, Store,
    TokenStore, UsageStore, WebhookStore,
};
use kaigi_core::rules::mail;
use kaigi_store::{open, open_in_schema, Engine, OpenError, SqlStore};
use sqlx::{AnyConnection, Connection, Executor};

mod use_cases;

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

/// The PostgreSQL database to test on. These tests are only compiled to run (not ignored) when
/// `KAIGI_TEST_DATABASE_URL` was set at build time, or when asked with `--ignored`: a missing
/// URL is a failure here, never a silent pass.
fn postgres_url() -> String {
    std::env::var("KAIGI_TEST_DATABASE_URL").ok().filter(|url| !url.is_empty()).unwrap_or_else(|| {
        panic!("KAIGI_TEST_DATABASE_URL is not set: set it to postgres://… to run the store suite on PostgreSQL")
    })
}

async fn on_postgres<F, Fut>(name: &str, test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()>,
{
    let url = postgres_url();
    let schema = format!("kaigi_test_{}", unique());
    let cleanup = Cleanup(Location::Postgres { url: url.clone(), schema: schema.clone() });
    let store = open_in_schema(&url, &schema).await.expect("open postgres");
    assert_eq!(store.engine(), Engine::Postgres);
    run(test, store, &cleanup.0).await;
    record_postgres_run(name);
}

/// With `KAIGI_STORE_SUITE_RECORD=DIR` (`.ci/run` sets it): `DIR/expected` lists every test of the
/// PostgreSQL half, and `DIR/ran/NAME` marks each one that passed on PostgreSQL.
fn record_postgres_run(name: &str) {
    let Some(dir) = std::env::var_os("KAIGI_STORE_SUITE_RECORD").filter(|d| !d.is_empty()).map(PathBuf::from) else {
        return;
    };
    std::fs::create_dir_all(dir.join("ran")).expect("make the record directory");
    let expected: String = postgres::ALL.iter().chain(postgres_only::ALL).map(|name| format!("{name}\n")).collect();
    std::fs::write(dir.join("expected"), expected).expect("record the expected tests");
    std::fs::write(dir.join("ran").join(name), "").expect("record the test");
}

/// Runs each named test against both engines; the PostgreSQL half is ignored unless built with
/// `KAIGI_TEST_DATABASE_URL` (see the top of this file).
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { crate::on_sqlite(crate::$name).await } )*
        }
        mod postgres {
            /// Every test of the PostgreSQL half.
            pub(crate) const ALL: &[&str] = &[$(stringify!($name)),*];
            $(
                #[tokio::test]
                #[cfg_attr(not(kaigi_pg), ignore = "needs PostgreSQL")]
                async fn $name() { crate::on_postgres(stringify!($name), crate::$name).await }
            )*
        }
    };
}

/// With PostgreSQL: the database the suite was built for is there. Without: ignored, and its
/// reason is the one line that says the PostgreSQL half did not run.
#[tokio::test]
#[cfg_attr(
    not(kaigi_pg),
    ignore = "SKIPPED: the PostgreSQL half of the store suite (its tests are counted as ignored); \
              set KAIGI_TEST_DATABASE_URL=postgres://… to run it"
)]
async fn the_postgres_half_has_a_database() {
    let url = postgres_url();
    let schema = format!("kaigi_test_{}", unique());
    let _cleanup = Cleanup(Location::Postgres { url: url.clone(), schema: schema.clone() });
    let store =
        open_in_schema(&url, &schema).await.unwrap_or_else(|e| panic!("cannot open the PostgreSQL database: {e}"));
    assert_eq!(store.engine(), Engine::Postgres);
    store.close().await;
}

on_both_engines!(
    sites_are_found_case_insensitively_and_unique,
    users_are_found_case_insensitively,
    duplicate_webex_id_or_email_is_a_conflict_and_writes_nothing,
    update_user_round_trips_every_field,
    seat_limit_is_enforced_in_the_transaction,
    concurrent_seat_taking_never_passes_the_limit,
    list_users_filters_orders_and_pages,
    site_administrators_are_asked_of_the_database,
    tickets_and_api_keys_round_trip,
    meeting_keys_are_reserved_once,
    outbox_is_newest_first,
    the_admin_audit_log_is_kept_per_site_newest_first,
    license_plans_are_a_dated_history,
    reopening_applies_no_migration,
    instances_starting_together_migrate_once,
    corrupt_rows_are_backend_errors,
    the_read_cache_forgets_its_own_writes_and_expires_others,
    meetings_round_trip_every_field,
    a_used_meeting_key_is_a_conflict_and_writes_nothing,
    update_meeting_replaces_the_row_and_its_invitees,
    occurrence_exceptions_are_kept_with_the_series_and_mails_with_the_change,
    deleted_meetings_are_hidden_but_calendar_links_find_them,
    list_meetings_filters_and_orders,
    list_meetings_pages_by_shape_and_cursor,
    concurrent_meeting_inserts,
    corrupt_meeting_rows_are_backend_errors,
    sixty_four_concurrent_inserts_are_all_stored,
    a_used_key_fails_only_its_own_insert_in_a_batch,
    an_unknown_host_fails_only_its_own_insert_in_a_batch,
    a_session_runs_and_ends_into_history,
    ending_a_session_is_all_or_nothing,
    recordings_are_edited_and_deleted_per_site,
    the_chat_of_a_session_is_kept_and_tied_to_its_instance_when_it_ends,
    attendees_round_trip_with_their_mails,
    deleting_attendees_is_all_or_nothing,
    attendee_status_changes_and_corrupt_rows,
    bearer_tokens_round_trip_and_revoke_with_their_children,
    integrations_round_trip_and_revoking_one_revokes_its_tokens,
    oauth_codes_are_taken_once,
    attendee_details_change_alone,
    license_decisions_round_trip_and_roll_up_hosts_per_month,
    hosts_booked_for_several_requesters_are_found,
    a_missing_earlier_migration_is_applied_after_a_later_one,
    concurrent_decisions_are_all_recorded,
    decisions_are_stored_with_their_meetings_in_a_batch,
    a_preferences_write_leaves_what_other_writers_set,
    a_meeting_write_from_a_stale_copy_is_refused,
    concurrent_login_failures_each_count,
    concurrent_join_failures_each_count_in_their_window,
    a_change_is_recorded_with_its_meeting_or_not_at_all,
    deliveries_are_fanned_out_once_taken_by_one_worker_and_kept_in_order,
    a_snapshot_restores_every_table_and_the_cache_forgets,
    the_outbox_is_emptied,
    mails_are_taken_by_one_worker_and_keep_their_delivery_state,
    usage_claims_of_two_instances_never_pass_the_limit_together,
    usage_purge_forgets_old_windows_only,
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

/// A personal token of `user` that may read schedules for an hour from t(0).
fn reading_token(hash: &str, site: SiteId, user: UserId) -> StoredToken {
    StoredToken {
        id: 0,
        token_hash: hash.into(),
        kind: TokenKind::Personal,
        site_id: site,
        user_id: user,
        client_id: None,
        scopes: vec!["meeting:schedules_read".into()],
        created_at: t(0),
        expires_at: t(3600),
        revoked_at: None,
        refresh_token_id: None,
        credential_epoch: 0,
    }
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
        preferences: MeetingPreferences::default(),
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

/// A plain one-hour meeting starting at `t(start)`, with everything derived from its key.
fn meeting(site: SiteId, host: UserId, key: u64, start: i64) -> Meeting {
    Meeting {
        id: 0,
        site_id: site,
        kind: SessionKind::Meeting,
        meeting_key: key,
        uuid: format!("{key:032x}"),
        conf_id: 100_000_000_000_000_000 + key % 1_000_000_000_000,
        host_id: host,
        scheduled_by: host,
        name: format!("Meeting {key}"),
        meeting_type: 214,
        agenda: String::new(),
        greeting: String::new(),
        location: String::new(),
        invitation: String::new(),
        is_internal: false,
        start: t(start),
        time_zone_id: 20,
        duration_minutes: 60,
        open_time_secs: 900,
        join_teleconf_before_host: false,
        list_status: ListStatus::Public,
        password: Some("pass123".into()),
        enforce_password: false,
        audio_password: Some("12345678".into()),
        enforce_audio_password: false,
        enforce_audio_login: false,
        host_key: "123456".into(),
        guest_token: format!("guest-{key}"),
        host_token: format!("host-{key}"),
        max_user_number: 100,
        invitees: vec![],
        options: MeetingOptions::default(),
        repeat: Recurrence::none(),
        series_end: Some(t(start + 3600)),
        attendee_options: AttendeeOptions::default(),
        registration_required: vec![],
        exceptions: vec![],
        status: SessionStatus::NotInProgress,
        host_joined: false,
        participants_joined: false,
        created_at: t(0),
        updated_at: t(0),
        deleted_at: None,
        revision: 0,
    }
}

fn invitee(name: &str, email: &str, role: &str) -> Invitee {
    Invitee { name: name.into(), email: email.into(), role: role.into() }
}

async fn schedule(s: &SqlStore, m: &Meeting) -> Meeting {
    let id = s.insert_meeting(m).await.expect("insert meeting");
    Meeting { id, ..m.clone() }
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
        preferences: MeetingPreferences {
            room: RoomOptions {
                topic: Some("Carol's \"war\" room".into()),
                auto_lock: true,
                auto_lock_minutes: 15,
                notify_host: true,
                support_co_host: true,
                co_hosts: vec![7, 8],
                ..RoomOptions::default()
            },
            audio: AudioOptions {
                default_audio_type: AudioType::VoipOnly,
                audio_pin: Some("1314".into()),
                office: PhoneNumber {
                    country_code: "81".into(),
                    number: "3-1234-5678".into(),
                    ..PhoneNumber::default()
                },
                ..AudioOptions::default()
            },
            video: VideoOptions {
                devices: vec![VideoDevice {
                    name: "Room 1".into(),
                    address: "room1@example.com".into(),
                    is_default: true,
                }],
            },
            scheduling: SchedulingOptions {
                join_before_host: true,
                join_before_host_minutes: 10,
                ..SchedulingOptions::default()
            },
        },
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
    let cleared = User {
        personal_room: None,
        preferences: MeetingPreferences::default(),
        pending_email: None,
        locked_until: None,
        password_hash: None,
        ..after.clone()
    };
    s.update_user(&cleared, NO_SEAT, &[]).await.expect("update");
    assert_eq!(s.user_by_id(site.id, before.id).await.expect("get"), Some(cleared.clone()));

    // A row from before migration 0010 holds the column's default and reads as no preferences.
    s.update_user(&after, NO_SEAT, &[]).await.expect("update");
    ctx.raw("UPDATE users SET preferences = '{}'").await;
    let old_row = ctx.reopen().await;
    let got = old_row.user_by_id(site.id, before.id).await.expect("get").expect("user");
    assert_eq!(got.preferences, MeetingPreferences::default());
    assert_eq!(got.personal_room, after.personal_room);
    old_row.close().await;
    s.update_user(&cleared, NO_SEAT, &[]).await.expect("update");

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

/// Issue #12: the failed-login count is one atomic update. 40 bad passwords at once, through two
/// stores on one database (two instances), lock a threshold-5 account exactly 8 times.
async fn concurrent_login_failures_each_count(ctx: Ctx) {
    let site = new_site(&ctx.store, "acme").await;
    let user = add(&ctx.store, &person(site.id, "carol", "Carol", "C")).await;
    assert!(matches!(ctx.store.record_failed_login(999_999, 5, t(60)).await, Err(StoreError::Missing)));
    let stores = [ctx.store.clone(), ctx.reopen().await];
    let results = futures_join_all((0..40).map(|i| {
        let store = stores[i % 2].clone();
        async move { store.record_failed_login(user.id, 5, t(600)).await.expect("counted") }
    }))
    .await;
    let locks = results.iter().filter(|r| r.locked_until == Some(t(600))).count();
    assert_eq!(locks, 8, "{results:?}");
    let mut counts: Vec<u32> = results.iter().map(|r| r.failed_logins).collect();
    counts.sort_unstable();
    let expected: Vec<u32> = (0..5).flat_map(|c| std::iter::repeat_n(c, 8)).collect();
    assert_eq!(counts, expected);
    let got = ctx.store.user_by_id(site.id, user.id).await.expect("get").expect("user");
    assert_eq!((got.failed_logins, got.locked_until), (0, Some(t(600))));
    // One more starts the count again and leaves the lock as it was.
    let next = ctx.store.record_failed_login(user.id, 5, t(900)).await.expect("counted");
    assert_eq!((next.failed_logins, next.locked_until), (1, None));
    let got = ctx.store.user_by_id(site.id, user.id).await.expect("get").expect("user");
    assert_eq!(got.locked_until, Some(t(600)));
    stores[1].close().await;
}

/// Issue #12: wrong meeting passwords and host keys are counted per meeting by one atomic
/// upsert. 30 at once through two stores (two instances) count 1 to 30, each once; a new window
/// starts again at 1.
async fn concurrent_join_failures_each_count_in_their_window(ctx: Ctx) {
    let site = new_site(&ctx.store, "acme").await;
    let host = add(&ctx.store, &person(site.id, "host", "Host", "H")).await;
    let m = schedule(&ctx.store, &meeting(site.id, host.id, 123_456_789, 1_000)).await;
    assert_eq!(ctx.store.join_failures(m.id, t(0)).await.expect("read"), 0);
    let stores = [ctx.store.clone(), ctx.reopen().await];
    let mut counts = futures_join_all((0..30).map(|i| {
        let store = stores[i % 2].clone();
        async move { store.count_join_failure(m.id, t(100), t(0)).await.expect("counted") }
    }))
    .await;
    counts.sort_unstable();
    assert_eq!(counts, (1..=30).collect::<Vec<u32>>());
    assert_eq!(ctx.store.join_failures(m.id, t(0)).await.expect("read"), 30);
    // The window began at 100: seen from a window starting at 100 or later, it is over.
    assert_eq!(ctx.store.join_failures(m.id, t(100)).await.expect("read"), 0);
    assert_eq!(ctx.store.count_join_failure(m.id, t(1_000), t(100)).await.expect("counted"), 1);
    assert_eq!(ctx.store.count_join_failure(m.id, t(1_001), t(100)).await.expect("counted"), 2);
    assert_eq!(ctx.store.join_failures(m.id, t(999)).await.expect("read"), 2);
    stores[1].close().await;
}

/// The booking page names a site's administrators: the database picks them (privileges are JSON
/// text), whatever else the query asks, and only this site's.
async fn site_administrators_are_asked_of_the_database(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let admin = |site_id, webex_id: &str, on: bool| {
        let mut u = person(site_id, webex_id, "A", "Dmin");
        u.privileges.site_admin = on;
        u
    };
    let zoe = add(s, &admin(site.id, "zoe", true)).await;
    add(s, &admin(site.id, "plain", false)).await;
    let amy = add(s, &admin(site.id, "Amy", true)).await;
    add(s, &admin(other.id, "elsewhere", true)).await;
    let mut ro = admin(site.id, "reader", false);
    ro.privileges.ro_site_admin = true;
    add(s, &ro).await;
    let q = UserQuery {
        site_admins_only: true,
        order: vec![(kaigi_core::model::UserOrderBy::WebExId, false)],
        limit: 100,
        ..UserQuery::default()
    };
    let page = s.list_users(site.id, &q).await.expect("list");
    assert_eq!(page.items.iter().map(|u| u.id).collect::<Vec<_>>(), vec![amy.id, zoe.id]);
    assert_eq!(page.total, 2);
    let any = UserQuery { webex_id: Some("plain".into()), match_any: true, ..q };
    assert!(s.list_users(site.id, &any).await.expect("list").items.is_empty(), "OR never widens it");
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

    let ids = |page: &kaigi_core::model::Page<User>| page.items.iter().map(|u| u.id).collect::<Vec<UserId>>();
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
        credential_epoch: 3,
    };
    s.insert_session_ticket(&ticket("old", 100)).await.expect("insert");
    s.insert_session_ticket(&ticket("new", 300)).await.expect("insert");
    assert_eq!(s.session_ticket("old").await.expect("get"), Some(ticket("old", 100)));
    assert_eq!(s.session_ticket("nope").await.expect("get"), None);
    assert_eq!(s.purge_session_tickets(t(200)).await.expect("purge"), 1);
    assert_eq!(s.session_ticket("old").await.expect("get"), None);
    assert_eq!(s.session_ticket("new").await.expect("get"), Some(ticket("new", 300)));
    assert_eq!(s.purge_session_tickets(t(200)).await.expect("purge"), 0);
    // The credential epoch: raised atomically, read past the cache.
    assert_eq!(s.credential_epoch(user.id).await.expect("epoch"), Some(0));
    s.revoke_credentials(user.id).await.expect("revoke");
    s.revoke_credentials(user.id).await.expect("revoke");
    assert_eq!(s.credential_epoch(user.id).await.expect("epoch"), Some(2));
    assert_eq!(s.credential_epoch(999_999).await.expect("epoch"), None);
    assert!(matches!(s.revoke_credentials(999_999).await, Err(StoreError::Missing)));

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

async fn bearer_tokens_round_trip_and_revoke_with_their_children(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let user = add(s, &person(site.id, "u", "U", "U")).await;
    let personal = StoredToken {
        id: 0,
        token_hash: "p1".into(),
        kind: TokenKind::Personal,
        site_id: site.id,
        user_id: user.id,
        client_id: None,
        scopes: vec!["meeting:schedules_read".into(), "meeting:schedules_write".into()],
        created_at: t(0),
        expires_at: t(3600),
        revoked_at: None,
        refresh_token_id: None,
        credential_epoch: 7,
    };
    let pid = s.insert_token(&personal).await.expect("insert personal");
    assert_eq!(s.token_by_hash("p1").await.expect("get"), Some(StoredToken { id: pid, ..personal.clone() }));
    assert_eq!(s.token_by_hash("nope").await.expect("get"), None);
    // The shape an integration's tokens take: a refresh token and an access token minted from it.
    let refresh = StoredToken {
        token_hash: "r1".into(),
        kind: TokenKind::OauthRefresh,
        client_id: Some("C0ffee".into()),
        scopes: vec!["meeting:admin_schedule_write".into()],
        ..personal.clone()
    };
    let rid = s.insert_token(&refresh).await.expect("insert refresh");
    let access = StoredToken {
        token_hash: "a1".into(),
        kind: TokenKind::OauthAccess,
        refresh_token_id: Some(rid),
        ..refresh.clone()
    };
    let aid = s.insert_token(&access).await.expect("insert access");
    assert_eq!(s.token_by_hash("a1").await.expect("get"), Some(StoredToken { id: aid, ..access.clone() }));
    // A second token with the same hash is refused.
    assert!(s.insert_token(&StoredToken { kind: TokenKind::Personal, ..access.clone() }).await.is_err());
    // Revoking the refresh token revokes what was minted from it, and nothing else.
    s.revoke_token(rid, t(10)).await.expect("revoke");
    assert_eq!(s.token_by_hash("r1").await.expect("get").and_then(|t| t.revoked_at), Some(t(10)));
    assert_eq!(s.token_by_hash("a1").await.expect("get").and_then(|t| t.revoked_at), Some(t(10)));
    assert_eq!(s.token_by_hash("p1").await.expect("get").and_then(|t| t.revoked_at), None);
    // Revoking again keeps the first time; an unknown id is Missing.
    s.revoke_token(rid, t(20)).await.expect("revoke again");
    assert_eq!(s.token_by_hash("r1").await.expect("get").and_then(|t| t.revoked_at), Some(t(10)));
    assert!(matches!(s.revoke_token(aid + 1000, t(20)).await, Err(StoreError::Missing)));
}

fn sample_integration(site: SiteId, client_id: &str) -> Integration {
    Integration {
        id: 0,
        site_id: site,
        name: "Room booker".into(),
        client_id: client_id.into(),
        secret_hash: "secret-hash".into(),
        redirect_uris: vec!["https://a.example/cb".into(), "http://127.0.0.1:9/cb?x=1".into()],
        scopes: vec!["meeting:admin_schedule_write".into(), "spark:people_read".into()],
        kind: IntegrationKind::ServiceApp,
        created_by: "boss".into(),
        created_at: t(0),
        authorized_by: None,
        authorized_at: None,
        machine_user_id: None,
        revoked_at: None,
    }
}

async fn integrations_round_trip_and_revoking_one_revokes_its_tokens(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let user = add(s, &person(site.id, "u", "U", "U")).await;
    let app = sample_integration(site.id, "Capp");
    let id = s.insert_integration(&app).await.expect("insert");
    s.insert_integration(&sample_integration(other.id, "Cother")).await.expect("insert other");
    assert_eq!(s.integration_by_client_id("Capp").await.expect("get"), Some(Integration { id, ..app.clone() }));
    assert_eq!(s.integration_by_client_id("nope").await.expect("get"), None);
    // The client id is unique on the server.
    assert!(s.insert_integration(&sample_integration(other.id, "Capp")).await.is_err());
    s.authorize_integration(id, "boss", user.id, t(5)).await.expect("authorize");
    // A second authorization (another administrator at the same time) changes nothing.
    let second = add(s, &person(site.id, "u2", "U", "U")).await;
    assert!(matches!(s.authorize_integration(id, "eve", second.id, t(6)).await, Err(StoreError::Missing)));
    let listed = s.list_integrations(site.id).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].authorized_by.as_deref(), listed[0].authorized_at, listed[0].machine_user_id),
        (Some("boss"), Some(t(5)), Some(user.id))
    );
    let token = |hash: &str, client: Option<&str>| StoredToken {
        id: 0,
        token_hash: hash.into(),
        kind: TokenKind::OauthAccess,
        site_id: site.id,
        user_id: user.id,
        client_id: client.map(str::to_string),
        scopes: vec!["spark:people_read".into()],
        created_at: t(0),
        expires_at: t(3600),
        revoked_at: None,
        refresh_token_id: None,
        credential_epoch: 0,
    };
    s.insert_token(&token("mine", Some("Capp"))).await.expect("token");
    s.insert_token(&token("theirs", Some("Cother"))).await.expect("token");
    s.insert_token(&token("personal", None)).await.expect("token");
    s.revoke_integration(id, t(9)).await.expect("revoke");
    assert_eq!(s.integration_by_client_id("Capp").await.expect("get").and_then(|i| i.revoked_at), Some(t(9)));
    assert!(s.list_integrations(site.id).await.expect("list").is_empty());
    assert_eq!(s.token_by_hash("mine").await.expect("get").and_then(|t| t.revoked_at), Some(t(9)));
    assert_eq!(s.token_by_hash("theirs").await.expect("get").and_then(|t| t.revoked_at), None);
    assert_eq!(s.token_by_hash("personal").await.expect("get").and_then(|t| t.revoked_at), None);
    assert!(matches!(s.revoke_integration(id, t(10)).await, Err(StoreError::Missing)));
    assert!(matches!(s.authorize_integration(id, "boss", user.id, t(10)).await, Err(StoreError::Missing)));
}

async fn oauth_codes_are_taken_once(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let user = add(s, &person(site.id, "u", "U", "U")).await;
    let id = s.insert_integration(&sample_integration(site.id, "Capp")).await.expect("insert");
    let code = OauthCode {
        code_hash: "c1".into(),
        integration_id: id,
        site_id: site.id,
        user_id: user.id,
        redirect_uri: "https://a.example/cb".into(),
        scopes: vec!["meeting:schedules_read".into(), "spark:people_read".into()],
        created_at: t(0),
        expires_at: t(600),
        credential_epoch: 4,
    };
    s.insert_oauth_code(&code).await.expect("insert code");
    assert_eq!(s.take_oauth_code("c1", t(1)).await.expect("take"), Some(code.clone()));
    assert_eq!(s.take_oauth_code("c1", t(2)).await.expect("take again"), None);
    assert_eq!(s.take_oauth_code("unknown", t(2)).await.expect("take unknown"), None);
    // A reuse before the exchange is recorded is seen by the exchange; one after finds its token.
    assert_eq!(s.mark_code_reused("c1", t(3)).await.expect("reused"), Some(None));
    assert!(s.record_code_exchange("c1", 42).await.expect("exchange"));
    assert_eq!(s.mark_code_reused("c1", t(4)).await.expect("reused"), Some(Some(42)));
    assert_eq!(s.mark_code_reused("unknown", t(4)).await.expect("unknown"), None);
    let fresh = OauthCode { code_hash: "c2".into(), ..code };
    s.insert_oauth_code(&fresh).await.expect("insert code");
    assert_eq!(s.mark_code_reused("c2", t(5)).await.expect("never taken"), None);
    s.take_oauth_code("c2", t(5)).await.expect("take");
    assert!(!s.record_code_exchange("c2", 43).await.expect("exchange"));
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

async fn occurrence_exceptions_are_kept_with_the_series_and_mails_with_the_change(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let m = schedule(s, &meeting(site.id, host.id, 600_000_001, 3_600)).await;
    assert!(s.meeting_by_key(site.id, m.meeting_key).await.expect("by key").expect("found").exceptions.is_empty());

    let moved = OccurrenceException {
        original_start: t(90_000),
        cancelled: false,
        start: t(95_400),
        duration_minutes: 45,
        title: Some("Moved — \"quoted\"".into()),
        agenda: Some(String::new()),
        password: Some("Own1".into()),
    };
    let gone = OccurrenceException {
        original_start: t(176_400),
        cancelled: true,
        start: t(176_400),
        duration_minutes: 60,
        title: None,
        agenda: None,
        password: None,
    };
    let changed = Meeting { exceptions: vec![moved, gone], updated_at: t(10), ..m.clone() };
    let note = Mail {
        kind: kaigi_core::model::MailKind::OccurrenceChanged,
        subject: "Changed: Meeting".into(),
        ..welcome(site.id, "guest@example.com", t(10))
    };
    s.update_meeting_with_mails(&changed, std::slice::from_ref(&note)).await.expect("update");
    let changed = Meeting { revision: m.revision + 1, ..changed };
    assert_eq!(s.meeting_by_key(site.id, m.meeting_key).await.expect("by key"), Some(changed.clone()));
    assert_eq!(s.meeting_by_uuid(site.id, &m.uuid).await.expect("by uuid"), Some(changed.clone()));
    let queued = s.outbox(Some(site.id), 10).await.expect("outbox");
    assert_eq!(queued, vec![Mail { id: queued[0].id, ..note.clone() }]);

    // A write that fails queues nothing.
    let r = s.update_meeting_with_mails(&Meeting { id: 999_999, ..changed.clone() }, std::slice::from_ref(&note)).await;
    assert!(matches!(r, Err(StoreError::Missing)), "{r:?}");
    assert_eq!(s.outbox(Some(site.id), 10).await.expect("outbox").len(), 1);
}

async fn a_preferences_write_leaves_what_other_writers_set(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let room = PersonalRoom { meeting_key: 600_000_777, host_pin: "4325".into(), released_at: None };
    let owner = add(s, &User { personal_room: Some(room), ..person(site.id, "owner", "Own", "Er") }).await;
    let roomless = add(s, &person(site.id, "roomless", "No", "Room")).await;
    // What a preferences request read, before an administrator changed the user.
    let read_before = s.user_by_id(site.id, owner.id).await.expect("read").expect("found");
    let mut admin_change = read_before.clone();
    admin_change.active = ActiveState::Deactivated;
    admin_change.password_hash = Some("new-hash".into());
    admin_change.privileges.site_admin = true;
    admin_change.failed_logins = 3;
    s.update_user(&admin_change, NO_SEAT, &[]).await.expect("admin change");

    let audio =
        AudioOptions { audio_pin: Some("1314".into()), toll_free: true, ..read_before.preferences.audio.clone() };
    let write = PreferencesWrite {
        audio: Some(audio.clone()),
        host_pin: Some("9081".into()),
        scheduling_permission: Some(vec!["roomless".into()]),
        ..PreferencesWrite::at(t(50))
    };
    let saved = s.update_user_preferences(site.id, owner.id, &write).await.expect("preferences");
    let stored = s.user_by_id(site.id, owner.id).await.expect("read").expect("found");
    assert_eq!(saved, stored, "the write answers the user as stored");
    assert_eq!(stored.active, ActiveState::Deactivated);
    assert_eq!(stored.password_hash.as_deref(), Some("new-hash"));
    assert!(stored.privileges.site_admin);
    assert_eq!(stored.failed_logins, 3);
    assert_eq!(stored.preferences.audio, audio);
    assert_eq!(stored.personal_room.as_ref().map(|r| r.host_pin.as_str()), Some("9081"));
    assert_eq!(stored.scheduling_permission, ["roomless"]);
    assert_eq!(stored.updated_at, t(50));

    // A write of another section keeps this one, even from a copy read before it.
    let video = VideoOptions {
        devices: vec![VideoDevice { name: "Room".into(), address: "room@example.com".into(), is_default: true }],
    };
    let write = PreferencesWrite { video: Some(video.clone()), ..PreferencesWrite::at(t(60)) };
    let stored = s.update_user_preferences(site.id, owner.id, &write).await.expect("video");
    assert_eq!((stored.preferences.audio, stored.preferences.video), (audio, video));
    assert_eq!(stored.scheduling_permission, ["roomless"], "left out, so left as it was");
    assert_eq!(stored.personal_room.as_ref().map(|r| r.host_pin.as_str()), Some("9081"));

    // Without a personal room a host PIN has nowhere to go; another site's user is not found.
    let write = PreferencesWrite { host_pin: Some("9081".into()), ..PreferencesWrite::at(t(70)) };
    let stored = s.update_user_preferences(site.id, roomless.id, &write).await.expect("roomless");
    assert_eq!(stored.personal_room, None);
    let other = new_site(s, "other").await;
    let r = s.update_user_preferences(other.id, owner.id, &write).await;
    assert!(matches!(r, Err(StoreError::Missing)), "{r:?}");
}

async fn a_meeting_write_from_a_stale_copy_is_refused(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let m = schedule(s, &meeting(site.id, host.id, 600_000_002, 3_600)).await;
    let first = s.meeting_by_key(site.id, m.meeting_key).await.expect("read").expect("found");
    let second = first.clone();
    let cancel = |at: i64| OccurrenceException {
        original_start: t(at),
        cancelled: true,
        start: t(at),
        duration_minutes: 60,
        title: None,
        agenda: None,
        password: None,
    };
    let note =
        |to: &str| Mail { kind: kaigi_core::model::MailKind::OccurrenceCancelled, ..welcome(site.id, to, t(10)) };

    let a = Meeting { exceptions: vec![cancel(90_000)], ..first.clone() };
    s.update_meeting_unless_changed(&a, &[note("a@example.com")], &[]).await.expect("first write");
    let stored = s.meeting_by_key(site.id, m.meeting_key).await.expect("read").expect("found");
    assert_eq!(stored.revision, first.revision + 1);

    // The second copy was read before the first write: refused, and its mails are not queued.
    let b = Meeting { exceptions: vec![cancel(176_400)], ..second };
    let r = s.update_meeting_unless_changed(&b, &[note("b@example.com")], &[]).await;
    assert!(matches!(r, Err(StoreError::Stale)), "{r:?}");
    let stored = s.meeting_by_key(site.id, m.meeting_key).await.expect("read").expect("found");
    assert_eq!(stored.exceptions, a.exceptions);
    let queued: Vec<String> = s.outbox(Some(site.id), 10).await.expect("outbox").into_iter().map(|m| m.to).collect();
    assert_eq!(queued, ["a@example.com"]);

    // Read again, it is written; any write (checked or not) moves the revision on.
    let b = Meeting { exceptions: vec![cancel(90_000), cancel(176_400)], ..stored.clone() };
    s.update_meeting_unless_changed(&b, &[], &[]).await.expect("after a fresh read");
    s.update_meeting(&Meeting { name: "Renamed".into(), ..b.clone() }).await.expect("plain write");
    let r = s.update_meeting_unless_changed(&b, &[], &[]).await;
    assert!(matches!(r, Err(StoreError::Stale)), "an unchecked write also counts: {r:?}");
    let stored = s.meeting_by_key(site.id, m.meeting_key).await.expect("read").expect("found");
    assert_eq!((stored.revision, stored.name.as_str()), (first.revision + 3, "Renamed"));

    // A deleted meeting is missing, not stale.
    s.delete_meeting(site.id, m.id, t(20), &[]).await.expect("delete");
    let r = s.update_meeting_unless_changed(&stored, &[], &[]).await;
    assert!(matches!(r, Err(StoreError::Missing)), "{r:?}");
}

async fn mails_are_taken_by_one_worker_and_keep_their_delivery_state(ctx: Ctx) {
    use kaigi_core::model::{MailAttachment, MailState, MailStep};
    use kaigi_core::ports::MailStore;
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let ics = MailAttachment {
        filename: "123.ics".into(),
        content_type: "text/calendar; charset=utf-8; method=REQUEST".into(),
        content: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into(),
    };
    let mails: Vec<Mail> = (0..6)
        .map(|i| {
            let m = welcome(site.id, &format!("p{i}@example.com"), t(1));
            if i == 0 {
                Mail { attachment: Some(ics.clone()), ..m }
            } else {
                m
            }
        })
        .collect();
    s.insert_user(&person(site.id, "p", "", ""), NO_SEAT, &mails).await.expect("queue");
    let queued = s.outbox(Some(site.id), 10).await.expect("outbox");
    assert!(queued.iter().all(|m| m.delivery == Default::default()), "{queued:?}");
    assert_eq!(queued.iter().filter(|m| m.attachment.as_ref() == Some(&ics)).count(), 1);

    // Two instances taking at once never take one mail twice.
    let other = ctx.reopen().await;
    let (a, b) = tokio::join!(s.take_due_mails(t(2), t(32), 4), other.take_due_mails(t(2), t(32), 4));
    let (a, b) = (a.expect("take a"), b.expect("take b"));
    let mut ids: Vec<i64> = a.iter().chain(&b).map(|m| m.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((ids.len(), a.len() + b.len()), (6, 6), "{a:?} {b:?}");
    assert!(s.take_due_mails(t(3), t(33), 10).await.expect("take").is_empty(), "all are held");
    other.close().await;

    let mut taken: Vec<Mail> = a.into_iter().chain(b).collect();
    taken.sort_by_key(|m| m.id);
    assert_eq!(taken[0].attachment.as_ref(), Some(&ics));
    let retry = MailStep::Retry { at: t(100), why: "451 try later".into() };
    let finish = |id: i64, attempted: bool, step: MailStep| async move {
        s.finish_mail(id, t(32), t(5), attempted, &step).await.expect("finish")
    };
    assert!(finish(taken[0].id, true, MailStep::Sent).await);
    assert!(finish(taken[1].id, true, retry.clone()).await);
    assert!(finish(taken[2].id, true, MailStep::Failed { why: "550 no such user".into() }).await);
    assert!(finish(taken[3].id, false, MailStep::Failed { why: "too old".into() }).await);
    // A mail finished twice keeps its first outcome; a worker that no longer holds a mail (its
    // lease ran out and another took it) writes nothing.
    assert!(!finish(taken[0].id, true, retry.clone()).await);
    assert!(!s.finish_mail(taken[4].id, t(20), t(5), true, &MailStep::Sent).await.expect("not held"));

    let state = |id: i64| async move {
        s.outbox(Some(site.id), 10).await.expect("outbox").into_iter().find(|m| m.id == id).expect("mail").delivery
    };
    let sent = state(taken[0].id).await;
    assert_eq!((sent.state, sent.attempts, sent.done_at, sent.last_error), (MailState::Sent, 1, Some(t(5)), None));
    let waiting = state(taken[1].id).await;
    assert_eq!((waiting.state, waiting.attempts), (MailState::Pending, 1));
    assert_eq!((waiting.last_attempt_at, waiting.last_error.as_deref()), (Some(t(5)), Some("451 try later")));
    let failed = state(taken[2].id).await;
    assert_eq!(
        (failed.state, failed.done_at, failed.last_error.as_deref()),
        (MailState::Failed, Some(t(5)), Some("550 no such user"))
    );
    let old = state(taken[3].id).await;
    assert_eq!((old.state, old.attempts, old.last_attempt_at), (MailState::Failed, 0, None));

    // The two left unfinished are taken again once their lease ran out (a crashed worker); the
    // retried one once its time came.
    assert!(s.take_due_mails(t(31), t(61), 10).await.expect("take").is_empty());
    let again: Vec<i64> = s.take_due_mails(t(33), t(200), 10).await.expect("take").iter().map(|m| m.id).collect();
    assert_eq!(again, [taken[4].id, taken[5].id]);
    assert!(!s.finish_mail(taken[4].id, t(32), t(40), true, &MailStep::Sent).await.expect("late worker"));
    assert_eq!(state(taken[4].id).await.state, MailState::Pending, "the late worker's outcome is not kept");
    let due = s.take_due_mails(t(100), t(130), 10).await.expect("take");
    assert_eq!(due.iter().map(|m| (m.id, m.delivery.attempts)).collect::<Vec<_>>(), [(taken[1].id, 1)]);

    // Sent and given-up mails are forgotten after a while; pending ones never this way.
    assert_eq!(s.purge_mails(t(5), 100).await.expect("purge"), 0, "nothing done before t(5)");
    assert_eq!(s.purge_mails(t(6), 100).await.expect("purge"), 3, "the sent one and the two failed ones");
    let left: Vec<i64> = s.outbox(Some(site.id), 10).await.expect("outbox").iter().map(|m| m.id).collect();
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(![taken[0].id, taken[2].id, taken[3].id].iter().any(|id| left.contains(id)));
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

async fn the_admin_audit_log_is_kept_per_site_newest_first(ctx: Ctx) {
    use kaigi_core::model::{AdminAction, AdminActionKind};
    let s = &ctx.store;
    let a = new_site(s, "a").await;
    let b = new_site(s, "b").await;
    let row = |site, at, kind, target: &str| AdminAction {
        id: 0,
        site_id: site,
        at: t(at),
        actor: "admin".into(),
        kind,
        target: target.into(),
        detail: "host=true <b>".into(),
        outcome: "done".into(),
    };
    let first = row(a.id, 1, AdminActionKind::CreateUser, "carol");
    let id1 = s.record_admin_action(&first).await.expect("first");
    let id2 = s.record_admin_action(&row(b.id, 2, AdminActionKind::CancelMeeting, "123456789")).await.expect("b");
    let refused = AdminAction {
        outcome: "refused: all 3 seats in use".into(),
        ..row(a.id, 3, AdminActionKind::AssignLicence, "dave")
    };
    let id3 = s.record_admin_action(&refused).await.expect("third");
    assert!(id1 < id2 && id2 < id3);

    let all = s.admin_actions(a.id, None, 10).await.expect("list");
    assert_eq!(all, vec![AdminAction { id: id3, ..refused }, AdminAction { id: id1, ..first.clone() }]);
    let older = s.admin_actions(a.id, Some(id3), 10).await.expect("older");
    assert_eq!(older, vec![AdminAction { id: id1, ..first }]);
    assert_eq!(s.admin_actions(a.id, None, 1).await.expect("one").len(), 1);
    let other = s.admin_actions(b.id, None, 10).await.expect("b");
    assert_eq!(other.iter().map(|r| r.kind).collect::<Vec<_>>(), [AdminActionKind::CancelMeeting]);
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
    assert_eq!(
        ctx.store.migrations_applied_at_open(),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 20, 21, 22, 24, 25, 26, 27, 28, 29]
    );
    let recorded = ctx.store.migrations().await.expect("migrations");
    assert_eq!(
        recorded.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 20, 21, 22, 24, 25, 26, 27, 28, 29]
    );
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
    // Each migration is applied once, by whichever instance got to it first.
    let mut applied: Vec<i64> = [&a, &b, &c].iter().flat_map(|s| s.migrations_applied_at_open().to_vec()).collect();
    applied.sort_unstable();
    assert_eq!(applied, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 20, 21, 22, 24, 25, 26, 27, 28, 29]);
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

// ---------------------------------------------------------------- attendees

fn attendee(m: &Meeting, email: &str, register: bool) -> Attendee {
    let mut profile = std::collections::BTreeMap::new();
    profile.insert("company".to_string(), "Acme".to_string());
    Attendee {
        id: 0,
        meeting_id: m.id,
        site_id: m.site_id,
        name: "Pat Doe".into(),
        first_name: "Pat".into(),
        last_name: "Doe".into(),
        email: email.into(),
        role: AttendeeRole::Presenter,
        join_status: JoinStatus::Register,
        status: AttendeeStatus::Pending,
        register_id: register.then_some(0),
        language: "ENGLISH".into(),
        locale: "U.S.".into(),
        time_zone_id: 4,
        email_invitations: true,
        profile,
        ip_address: "192.0.2.1".into(),
        submitted_at: t(5),
        created_at: t(6),
    }
}

async fn attendees_round_trip_with_their_mails(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "h", "H", "H")).await;
    let m = schedule(s, &meeting(site.id, host.id, 900_000_001, 0)).await;
    let rows = [attendee(&m, "Pat@Example.COM", true), attendee(&m, "sam@example.com", false)];
    let ids = s.insert_attendees(&rows, &[welcome(site.id, "pat@example.com", t(7))]).await.expect("insert");
    assert_eq!(ids.len(), 2);
    let listed = s.attendees_of(site.id, m.id).await.expect("list");
    assert_eq!(listed.len(), 2);
    let pat = &listed[0];
    assert_eq!(pat.id, ids[0]);
    // Stored lower-cased; the registerID is the attendee id.
    assert_eq!(pat.email, "pat@example.com");
    assert_eq!(pat.register_id, Some(ids[0]));
    assert_eq!(listed[1].register_id, None);
    let expected =
        Attendee { id: ids[0], email: "pat@example.com".into(), register_id: Some(ids[0]), ..rows[0].clone() };
    assert_eq!(pat, &expected);
    assert_eq!(s.attendee_by_id(site.id, ids[1]).await.expect("by id").expect("found").email, "sam@example.com");
    assert_eq!(s.meeting_key_of(site.id, m.id).await.expect("key"), Some(900_000_001));
    assert_eq!(s.meeting_key_by_conf_id(site.id, m.conf_id).await.expect("conf"), Some(900_000_001));
    assert_eq!(s.meeting_key_by_conf_id(site.id, m.conf_id + 1).await.expect("conf"), None);
    assert_eq!(s.outbox(Some(site.id), 10).await.expect("outbox").len(), 1);
    // Another site sees none of it.
    let other = new_site(s, "other").await;
    assert!(s.attendee_by_id(other.id, ids[0]).await.expect("by id").is_none());
    assert!(s.attendees_of(other.id, m.id).await.expect("list").is_empty());
}

async fn deleting_attendees_is_all_or_nothing(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "h", "H", "H")).await;
    let m = schedule(s, &meeting(site.id, host.id, 900_000_002, 0)).await;
    let ids = s
        .insert_attendees(&[attendee(&m, "a@example.com", false), attendee(&m, "b@example.com", false)], &[])
        .await
        .expect("insert");
    let mail = welcome(site.id, "a@example.com", t(8));
    assert!(matches!(
        s.delete_attendees(site.id, &[ids[0], ids[1] + 1000], std::slice::from_ref(&mail)).await,
        Err(StoreError::Missing)
    ));
    assert_eq!(s.attendees_of(site.id, m.id).await.expect("list").len(), 2);
    assert!(s.outbox(Some(site.id), 10).await.expect("outbox").is_empty());
    s.delete_attendees(site.id, &[ids[0]], &[mail]).await.expect("delete");
    let left = s.attendees_of(site.id, m.id).await.expect("list");
    assert_eq!(left.iter().map(|a| a.id).collect::<Vec<_>>(), [ids[1]]);
    assert_eq!(s.outbox(Some(site.id), 10).await.expect("outbox").len(), 1);
}

async fn attendee_status_changes_and_corrupt_rows(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "h", "H", "H")).await;
    let m = schedule(s, &meeting(site.id, host.id, 900_000_003, 0)).await;
    let ids = s.insert_attendees(&[attendee(&m, "a@example.com", true)], &[]).await.expect("insert");
    s.set_attendee_status(site.id, ids[0], AttendeeStatus::Registered, JoinStatus::Accept, &[]).await.expect("set");
    let a = s.attendee_by_id(site.id, ids[0]).await.expect("get").expect("found");
    assert_eq!((a.status, a.join_status), (AttendeeStatus::Registered, JoinStatus::Accept));
    assert!(matches!(
        s.set_attendee_status(site.id, ids[0] + 1000, AttendeeStatus::Rejected, JoinStatus::Reject, &[]).await,
        Err(StoreError::Missing)
    ));
    ctx.raw("UPDATE attendees SET status = 'MAYBE'").await;
    assert!(matches!(s.attendee_by_id(site.id, ids[0]).await, Err(StoreError::Backend(_))));
}

async fn attendee_details_change_alone(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "h", "H", "H")).await;
    let m = schedule(s, &meeting(site.id, host.id, 900_000_004, 0)).await;
    let ids = s
        .insert_attendees(&[attendee(&m, "a@example.com", false), attendee(&m, "b@example.com", false)], &[])
        .await
        .expect("insert");
    let before = s.attendee_by_id(site.id, ids[1]).await.expect("get").expect("found");
    s.set_attendee_details(site.id, ids[0], "Renamed", AttendeeRole::Host).await.expect("set");
    let a = s.attendee_by_id(site.id, ids[0]).await.expect("get").expect("found");
    assert_eq!((a.name.as_str(), a.role, a.email.as_str()), ("Renamed", AttendeeRole::Host, "a@example.com"));
    assert_eq!(s.attendee_by_id(site.id, ids[1]).await.expect("get"), Some(before), "the other row is untouched");
    let other = new_site(s, "other").await;
    assert!(matches!(
        s.set_attendee_details(other.id, ids[0], "x", AttendeeRole::Attendee).await,
        Err(StoreError::Missing)
    ));
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
/// at most the time-to-live on SQLite, by the injected clock (the test moves it; nothing waits),
/// and within 100 ms on PostgreSQL, where they are announced.
async fn the_read_cache_forgets_its_own_writes_and_expires_others(ctx: Ctx) {
    let ttl = std::time::Duration::from_secs(2);
    let clock = Arc::new(AdjustableClock::pinned(t(0)));
    let cached = listening(ctx.reopen().await.with_read_cache_on(ttl, clock.clone())).await;
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
    if ctx.store.engine() == Engine::Postgres {
        seen_within(ACROSS_INSTANCES, "another instance's rename", || async {
            cached.user_by_webex_id(site.id, "ann").await.unwrap().unwrap().first_name == "Annie"
        })
        .await;
    } else {
        assert_eq!(cached.user_by_webex_id(site.id, "ann").await.unwrap().unwrap().first_name, "Anna");
        clock.advance(chrono::Duration::milliseconds(1_999));
        assert_eq!(cached.user_by_webex_id(site.id, "ann").await.unwrap().unwrap().first_name, "Anna", "still fresh");
        clock.advance(chrono::Duration::milliseconds(1));
        assert_eq!(cached.user_by_webex_id(site.id, "ann").await.unwrap().unwrap().first_name, "Annie", "expired");
    }
    // Sites too: a settings change through the cached store is seen at once.
    let mut settings = site.settings.clone();
    settings.max_body_contents = 3;
    cached.update_site_settings(site.id, &settings).await.unwrap();
    assert_eq!(cached.site_by_name("CACHESITE").await.unwrap().unwrap().settings.max_body_contents, 3);
    // Meetings: changes and deletions through the cached store are seen at once.
    let mut m = meeting(site.id, ann.id, 555_000_111, 5_000);
    m.id = cached.insert_meeting(&m).await.unwrap();
    assert_eq!(cached.meeting_by_key(site.id, m.meeting_key).await.unwrap().unwrap().name, m.name);
    let renamed = Meeting { name: "Renamed".into(), ..m.clone() };
    cached.update_meeting(&renamed).await.unwrap();
    assert_eq!(cached.meeting_by_key(site.id, m.meeting_key).await.unwrap().unwrap().name, "Renamed");
    assert_eq!(cached.meeting_by_uuid(site.id, &m.uuid).await.unwrap().unwrap().name, "Renamed");
    cached.delete_meeting(site.id, m.id, t(6_000), &[]).await.unwrap();
    assert!(cached.meeting_by_key(site.id, m.meeting_key).await.unwrap().is_none());
    assert!(cached.meeting_by_uuid(site.id, &m.uuid).await.unwrap().is_none());
    // Bearer tokens: one asked for before it exists is found as soon as it is issued; a revocation
    // through the cached store is seen at once.
    assert_eq!(cached.token_by_hash("cached-token").await.unwrap(), None);
    let token = reading_token("cached-token", site.id, ann.id);
    let id = cached.insert_token(&token).await.unwrap();
    assert_eq!(cached.token_by_hash("cached-token").await.unwrap().unwrap().revoked_at, None);
    cached.revoke_token(id, t(10)).await.unwrap();
    assert_eq!(cached.token_by_hash("cached-token").await.unwrap().unwrap().revoked_at, Some(t(10)));
}

// ---------------------------------------------------------------- meetings

async fn meetings_round_trip_every_field(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let admin = add(s, &person(site.id, "admin", "Admin", "A")).await;

    let full = Meeting {
        kind: SessionKind::Training,
        uuid: "0123456789abcdef0123456789abcdef".into(),
        conf_id: 987_654_321_098_765_432,
        scheduled_by: admin.id,
        name: "Quarterly \"review\" — Ček".into(),
        meeting_type: 218,
        agenda: "line one\nline 'two'".into(),
        greeting: "Welcome!".into(),
        location: "Room 7 <b>".into(),
        invitation: "Join us & bring coffee".into(),
        is_internal: true,
        time_zone_id: 61,
        duration_minutes: 90,
        open_time_secs: 300,
        join_teleconf_before_host: true,
        list_status: ListStatus::Unlisted,
        password: Some("Pa$$w0rd".into()),
        enforce_password: true,
        audio_password: Some("00424242".into()),
        enforce_audio_password: true,
        enforce_audio_login: true,
        host_key: "654321".into(),
        max_user_number: 500,
        invitees: vec![
            invitee("Zoe", "zoe@example.com", "ATTENDEE"),
            invitee("Alt Host", "alt@example.com", "HOST"),
            invitee("Ann", "ann@example.com", "PRESENTER"),
            invitee("Lim", "lim@example.com", "LIMITED"),
        ],
        options: every_option(),
        repeat: Recurrence {
            kind: RepeatKind::Weekly,
            interval: 2,
            days_in_week: vec![Weekday::Mon, Weekday::Wed, Weekday::Fri],
            day_in_month: Some(15),
            week_in_month: Some(5),
            month_in_year: Some(12),
            expiration: NaiveDate::from_ymd_opt(2030, 12, 31),
            occurrences: Some(10),
        },
        series_end: Some(t(90_000)),
        attendee_options: AttendeeOptions {
            request: true,
            registration: true,
            auto: false,
            email_invitations: true,
            participant_limit: 250,
            exclude_password: true,
            join_requires_account: true,
        },
        registration_required: vec!["phone".into(), "company".into(), "country".into()],
        status: SessionStatus::InProgress,
        host_joined: true,
        participants_joined: true,
        created_at: t(-50),
        updated_at: t(-10),
        ..meeting(site.id, host.id, 123_456_789, 1_000)
    };
    let full = schedule(s, &full).await;
    assert!(full.id > 0);
    assert_eq!(s.meeting_by_key(site.id, 123_456_789).await.expect("by key"), Some(full.clone()));
    assert_eq!(
        s.meeting_by_uuid(site.id, "0123456789ABCDEF0123456789ABCDEF").await.expect("by uuid"),
        Some(full.clone())
    );
    assert_eq!(s.meeting_by_calendar_token(site.id, &full.host_token).await.expect("by token"), Some(full.clone()));

    // The empty forms: no passwords, no end, no invitees, no repeat.
    let bare = Meeting {
        kind: SessionKind::Support,
        password: None,
        audio_password: None,
        series_end: None,
        repeat: Recurrence { kind: RepeatKind::Constant, ..Recurrence::none() },
        list_status: ListStatus::Private,
        ..meeting(site.id, host.id, 2, 2_000)
    };
    let bare = schedule(s, &bare).await;
    assert_ne!(bare.id, full.id);
    assert_eq!(s.meeting_by_key(site.id, 2).await.expect("by key"), Some(bare.clone()));
    assert_eq!(s.meeting_by_uuid(site.id, &bare.uuid).await.expect("by uuid"), Some(bare.clone()));

    // The uuid and invitee emails are kept lower-cased.
    let shouting = Meeting {
        uuid: "ABCDEF0123456789ABCDEF0123456789".into(),
        invitees: vec![invitee("Bo", "Bo@Example.COM", "HOST")],
        ..meeting(site.id, host.id, 3, 3_000)
    };
    schedule(s, &shouting).await;
    let got = s.meeting_by_key(site.id, 3).await.expect("by key").expect("meeting");
    assert_eq!(got.uuid, "abcdef0123456789abcdef0123456789");
    assert_eq!(got.invitees, [invitee("Bo", "bo@example.com", "HOST")]);
    assert_eq!(
        s.meeting_by_uuid(site.id, "abcdef0123456789ABCDEF0123456789").await.expect("uuid").map(|m| m.id),
        Some(got.id)
    );

    // Nothing crosses sites.
    assert_eq!(s.meeting_by_key(other.id, 123_456_789).await.expect("by key"), None);
    assert_eq!(s.meeting_by_uuid(other.id, &full.uuid).await.expect("by uuid"), None);
    assert_eq!(s.meeting_by_calendar_token(other.id, &full.uuid).await.expect("by token"), None);
    assert_eq!(s.meeting_by_key(site.id, 999).await.expect("by key"), None);

    // An unknown site or host: Missing, and the key stays free.
    let r = s.insert_meeting(&meeting(999_999, host.id, 77, 0)).await;
    assert!(matches!(r, Err(StoreError::Missing)), "{r:?}");
    let r = s.insert_meeting(&meeting(site.id, 999_999, 77, 0)).await;
    assert!(matches!(r, Err(StoreError::Missing)), "{r:?}");
    assert!(s.reserve_meeting_key(77, site.id, t(0)).await.expect("reserve"));
    // Keys the database cannot hold.
    let r = s.insert_meeting(&meeting(site.id, host.id, u64::MAX, 0)).await;
    assert!(matches!(r, Err(StoreError::Backend(_))), "{r:?}");
}

async fn a_used_meeting_key_is_a_conflict_and_writes_nothing(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let elsewhere = add(s, &person(other.id, "host", "Host", "H")).await;

    // Reserved before (by reserve_meeting_key) …
    assert!(s.reserve_meeting_key(111_111_111, other.id, t(0)).await.expect("reserve"));
    let r = s.insert_meeting(&meeting(site.id, host.id, 111_111_111, 100)).await;
    assert!(matches!(r, Err(StoreError::Conflict(ConflictOn::MeetingKey))), "{r:?}");

    // … or by another meeting, on any site.
    let first = schedule(s, &meeting(site.id, host.id, 222_222_222, 100)).await;
    assert!(!s.reserve_meeting_key(222_222_222, site.id, t(1)).await.expect("reserve"), "insert reserves its key");
    let dup = Meeting {
        uuid: "ffffffffffffffffffffffffffffffff".into(),
        invitees: vec![invitee("Alt", "alt@example.com", "HOST")],
        ..meeting(other.id, elsewhere.id, 222_222_222, 50)
    };
    let r = s.insert_meeting(&dup).await;
    assert!(matches!(r, Err(StoreError::Conflict(ConflictOn::MeetingKey))), "{r:?}");
    let r = s.insert_meeting(&Meeting { site_id: site.id, host_id: host.id, ..dup.clone() }).await;
    assert!(matches!(r, Err(StoreError::Conflict(ConflictOn::MeetingKey))), "{r:?}");

    // Nothing of the failed inserts remains: no meeting row, no invitee.
    assert_eq!(s.meeting_by_uuid(other.id, &dup.uuid).await.expect("by uuid"), None);
    assert_eq!(s.meeting_by_uuid(site.id, &dup.uuid).await.expect("by uuid"), None);
    assert_eq!(s.meeting_by_key(other.id, 111_111_111).await.expect("by key"), None);
    let all = MeetingQuery { limit: 100, ..MeetingQuery::default() };
    assert_eq!(s.list_meetings(site.id, &all).await.expect("list"), std::slice::from_ref(&first));
    assert!(s.list_meetings(other.id, &all).await.expect("list").is_empty());
    let by_alt = MeetingQuery { hosts: Some(vec![(0, "alt@example.com".into())]), ..all.clone() };
    assert!(s.list_meetings(site.id, &by_alt).await.expect("list").is_empty());
    assert!(s.list_meetings(other.id, &by_alt).await.expect("list").is_empty());

    // A deleted meeting's key stays taken.
    s.delete_meeting(site.id, first.id, t(5), &[]).await.expect("delete");
    let r = s.insert_meeting(&meeting(site.id, host.id, 222_222_222, 100)).await;
    assert!(matches!(r, Err(StoreError::Conflict(ConflictOn::MeetingKey))), "{r:?}");
}

async fn update_meeting_replaces_the_row_and_its_invitees(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let new_host = add(s, &person(site.id, "newhost", "New", "Host")).await;
    let m = Meeting {
        invitees: vec![
            invitee("A", "a@example.com", "ATTENDEE"),
            invitee("B", "b@example.com", "HOST"),
            invitee("C", "c@example.com", "PRESENTER"),
        ],
        ..meeting(site.id, host.id, 500_000_001, 100)
    };
    let m = schedule(s, &m).await;
    let neighbour = schedule(
        s,
        &Meeting {
            invitees: vec![invitee("N", "n@example.com", "HOST")],
            ..meeting(site.id, host.id, 500_000_002, 200)
        },
    )
    .await;

    let changed = Meeting {
        host_id: new_host.id,
        name: "Renamed".into(),
        start: t(150),
        series_end: None,
        repeat: Recurrence { kind: RepeatKind::Daily, ..Recurrence::none() },
        password: None,
        audio_password: Some("999".into()),
        attendee_options: AttendeeOptions { registration: true, ..AttendeeOptions::default() },
        registration_required: vec!["fax".into()],
        options: MeetingOptions {
            features: {
                let mut f = Features::default();
                f.set(Feature::Chat, false);
                f
            },
            ..MeetingOptions::default()
        },
        invitees: vec![invitee("C", "c@example.com", "HOST"), invitee("D", "d@example.com", "ATTENDEE")],
        updated_at: t(20),
        ..m.clone()
    };
    s.update_meeting(&changed).await.expect("update");
    let changed = Meeting { revision: m.revision + 1, ..changed };
    assert_eq!(s.meeting_by_key(site.id, m.meeting_key).await.expect("by key"), Some(changed.clone()));
    // The old alternate host is gone from listings, the new one is found.
    let alt = |email: &str| MeetingQuery { hosts: Some(vec![(0, email.into())]), limit: 10, ..MeetingQuery::default() };
    assert!(s.list_meetings(site.id, &alt("b@example.com")).await.expect("list").is_empty());
    assert_eq!(s.list_meetings(site.id, &alt("c@example.com")).await.expect("list"), std::slice::from_ref(&changed));
    // Other meetings' invitees are untouched.
    assert_eq!(s.meeting_by_key(site.id, neighbour.meeting_key).await.expect("by key"), Some(neighbour.clone()));

    let emptied = Meeting { invitees: vec![], ..changed.clone() };
    s.update_meeting(&emptied).await.expect("update");
    let emptied = Meeting { revision: changed.revision + 1, ..emptied };
    assert_eq!(s.meeting_by_uuid(site.id, &m.uuid).await.expect("by uuid"), Some(emptied.clone()));

    // No such meeting, another site's, or a deleted one: Missing, and nothing changes.
    let r = s.update_meeting(&Meeting { id: 999_999, ..changed.clone() }).await;
    assert!(matches!(r, Err(StoreError::Missing)), "{r:?}");
    let r = s.update_meeting(&Meeting { site_id: other.id, ..changed.clone() }).await;
    assert!(matches!(r, Err(StoreError::Missing)), "{r:?}");
    assert_eq!(s.meeting_by_uuid(site.id, &m.uuid).await.expect("by uuid"), Some(emptied.clone()));
    s.delete_meeting(site.id, m.id, t(30), &[]).await.expect("delete");
    let r = s.update_meeting(&changed).await;
    assert!(matches!(r, Err(StoreError::Missing)), "{r:?}");
    let gone = s.meeting_by_calendar_token(site.id, &m.uuid).await.expect("by token").expect("meeting");
    assert_eq!(gone, Meeting { deleted_at: Some(t(30)), ..emptied });
}

async fn deleted_meetings_are_hidden_but_calendar_links_find_them(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let m = Meeting {
        uuid: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
        host_token: "HostTokenCaseMatters".into(),
        invitees: vec![invitee("Alt", "alt@example.com", "HOST")],
        ..meeting(site.id, host.id, 600_000_001, 100)
    };
    let m = schedule(s, &m).await;
    let kept = schedule(s, &meeting(site.id, host.id, 600_000_002, 200)).await;

    // Live: found by either token.
    assert_eq!(
        s.meeting_by_calendar_token(site.id, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await.expect("t"),
        Some(m.clone())
    );
    assert_eq!(s.meeting_by_calendar_token(site.id, "HostTokenCaseMatters").await.expect("t"), Some(m.clone()));
    assert_eq!(s.meeting_by_calendar_token(site.id, "hosttokencasematters").await.expect("t"), None);

    // Deleting on another site, or something that is not there: Missing.
    assert!(matches!(s.delete_meeting(other.id, m.id, t(10), &[]).await, Err(StoreError::Missing)));
    assert!(matches!(s.delete_meeting(site.id, 999_999, t(10), &[]).await, Err(StoreError::Missing)));
    s.delete_meeting(site.id, m.id, t(10), &[]).await.expect("delete");
    assert!(matches!(s.delete_meeting(site.id, m.id, t(11), &[]).await, Err(StoreError::Missing)));

    assert_eq!(s.meeting_by_key(site.id, m.meeting_key).await.expect("by key"), None);
    assert_eq!(s.meeting_by_uuid(site.id, &m.uuid).await.expect("by uuid"), None);
    let all = MeetingQuery { limit: 100, ..MeetingQuery::default() };
    assert_eq!(s.list_meetings(site.id, &all).await.expect("list"), std::slice::from_ref(&kept));
    let alt = MeetingQuery { hosts: Some(vec![(host.id, "alt@example.com".into())]), ..all.clone() };
    assert_eq!(s.list_meetings(site.id, &alt).await.expect("list"), [kept]);
    let by_key = MeetingQuery { meeting_key: Some(m.meeting_key), ..all };
    assert!(s.list_meetings(site.id, &by_key).await.expect("list").is_empty());

    // Calendar links still find it, deleted at the first deletion's time, invitees and all.
    let deleted = Meeting { deleted_at: Some(t(10)), ..m.clone() };
    assert_eq!(s.meeting_by_calendar_token(site.id, &m.uuid).await.expect("t"), Some(deleted.clone()));
    assert_eq!(s.meeting_by_calendar_token(site.id, "HostTokenCaseMatters").await.expect("t"), Some(deleted));
    assert_eq!(s.meeting_by_calendar_token(other.id, &m.uuid).await.expect("t"), None);
    assert_eq!(s.meeting_by_calendar_token(site.id, "nope").await.expect("t"), None);
}

async fn list_meetings_filters_and_orders(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let alice = add(s, &person(site.id, "alice", "Alice", "A")).await;
    let bob = add(s, &person(site.id, "bob", "Bob", "B")).await;
    let carol = add(s, &person(site.id, "carol", "Carol", "C")).await;
    let outsider = add(s, &person(other.id, "alice", "Alice", "Elsewhere")).await;

    let at = |host: &User, key: u64, kind: SessionKind, start: i64, end: Option<i64>| Meeting {
        kind,
        series_end: end.map(t),
        ..meeting(site.id, host.id, key, start)
    };
    use SessionKind::{Event, Support, Training};
    // m4 starts with m1 and sorts after it by id.
    let m1 = schedule(s, &at(&alice, 700_000_001, SessionKind::Meeting, 100, Some(200))).await;
    let m2 = Meeting {
        invitees: vec![invitee("Alice", "alice@example.com", "HOST"), invitee("Dan", "dan@example.com", "ATTENDEE")],
        ..at(&bob, 700_000_002, Training, 50, None)
    };
    let m2 = schedule(s, &m2).await;
    let m3 = Meeting {
        invitees: vec![invitee("Alice", "alice@example.com", "ATTENDEE")],
        ..at(&bob, 700_000_003, SessionKind::Meeting, 300, Some(400))
    };
    let m3 = schedule(s, &m3).await;
    let m4 = schedule(s, &at(&carol, 700_000_004, Event, 100, Some(150))).await;
    let gone = schedule(s, &at(&alice, 700_000_005, SessionKind::Meeting, 120, Some(130))).await;
    s.delete_meeting(site.id, gone.id, t(1), &[]).await.expect("delete");
    let foreign = schedule(
        s,
        &Meeting {
            invitees: vec![invitee("Alice", "alice@example.com", "HOST")],
            ..meeting(other.id, outsider.id, 700_000_006, 100)
        },
    )
    .await;

    let list = |q: MeetingQuery| async move {
        let got = s.list_meetings(site.id, &MeetingQuery { limit: 100, ..q }).await.expect("list");
        got.into_iter().map(|m| m.meeting_key).collect::<Vec<u64>>()
    };
    let keys = |ms: &[&Meeting]| ms.iter().map(|m| m.meeting_key).collect::<Vec<u64>>();
    let q = MeetingQuery::default;

    // Everything live, by start then id; with invitees.
    assert_eq!(list(q()).await, keys(&[&m2, &m1, &m4, &m3]));
    let all = s.list_meetings(site.id, &MeetingQuery { limit: 100, ..q() }).await.expect("list");
    assert_eq!(all, [m2.clone(), m1.clone(), m4.clone(), m3.clone()]);

    // Kinds.
    assert_eq!(list(MeetingQuery { kinds: vec![SessionKind::Meeting], ..q() }).await, keys(&[&m1, &m3]));
    assert_eq!(list(MeetingQuery { kinds: vec![Event, Training], ..q() }).await, keys(&[&m2, &m4]));
    assert!(list(MeetingQuery { kinds: vec![Support], ..q() }).await.is_empty());

    // Hosts: by id, or alternate host (role HOST) by email, case-insensitively; attendees don't count.
    let hosts = |h: Vec<(UserId, &str)>| MeetingQuery {
        hosts: Some(h.into_iter().map(|(id, e)| (id, e.to_string())).collect()),
        ..q()
    };
    assert_eq!(list(hosts(vec![(alice.id, "ALICE@Example.com")])).await, keys(&[&m2, &m1]));
    assert_eq!(list(hosts(vec![(bob.id, "bob@example.com")])).await, keys(&[&m2, &m3]));
    assert_eq!(list(hosts(vec![(999_999, "alice@example.com")])).await, keys(&[&m2]));
    assert_eq!(
        list(hosts(vec![(carol.id, "carol@example.com"), (bob.id, "bob@example.com")])).await,
        keys(&[&m2, &m4, &m3])
    );
    assert!(list(hosts(vec![])).await.is_empty());
    assert!(list(hosts(vec![(outsider.id, "nobody@example.com")])).await.is_empty());

    // One key; another site's key finds nothing.
    assert_eq!(list(MeetingQuery { meeting_key: Some(m3.meeting_key), ..q() }).await, keys(&[&m3]));
    assert!(list(MeetingQuery { meeting_key: Some(foreign.meeting_key), ..q() }).await.is_empty());

    // Overlap with [from, to], both ends inclusive; a series without an end overlaps any later time.
    assert_eq!(list(MeetingQuery { to: Some(t(99)), ..q() }).await, keys(&[&m2]));
    assert_eq!(list(MeetingQuery { to: Some(t(100)), ..q() }).await, keys(&[&m2, &m1, &m4]));
    assert_eq!(list(MeetingQuery { from: Some(t(201)), ..q() }).await, keys(&[&m2, &m3]));
    assert_eq!(list(MeetingQuery { from: Some(t(5_000)), ..q() }).await, keys(&[&m2]));
    let window = |from, to| MeetingQuery { from: Some(t(from)), to: Some(t(to)), ..q() };
    assert_eq!(list(window(150, 300)).await, keys(&[&m2, &m1, &m4, &m3]));
    assert_eq!(list(window(151, 299)).await, keys(&[&m2, &m1]));
    assert_eq!(list(window(0, 10)).await, Vec::<u64>::new());

    // All together.
    let q_all = MeetingQuery {
        kinds: vec![Training, SessionKind::Meeting],
        hosts: Some(vec![(alice.id, "alice@example.com".into())]),
        from: Some(t(0)),
        to: Some(t(1_000)),
        meeting_key: Some(m2.meeting_key),
        limit: 100,
        ..MeetingQuery::default()
    };
    assert_eq!(s.list_meetings(site.id, &q_all).await.expect("list"), std::slice::from_ref(&m2));

    // The limit; 0 asks for nothing.
    let limited = |limit| MeetingQuery { limit, ..MeetingQuery::default() };
    assert_eq!(s.list_meetings(site.id, &limited(2)).await.expect("list"), [m2.clone(), m1.clone()]);
    assert!(s.list_meetings(site.id, &limited(0)).await.expect("list").is_empty());

    // Nothing crosses sites.
    assert_eq!(s.list_meetings(other.id, &limited(100)).await.expect("list"), [foreign]);
    let alice_elsewhere = MeetingQuery { hosts: Some(vec![(alice.id, "alice@example.com".into())]), limit: 100, ..q() };
    assert_eq!(s.list_meetings(other.id, &alice_elsewhere).await.expect("list").len(), 1);
    assert!(s.list_meetings(999_999, &limited(100)).await.expect("list").is_empty());
}

async fn list_meetings_pages_by_shape_and_cursor(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let alice = add(s, &person(site.id, "alice", "Alice", "A")).await;
    let bob = add(s, &person(site.id, "bob", "Bob", "B")).await;
    // Single meetings end one duration (60 minutes) after their start; the others repeat.
    let single =
        |key: u64, start: i64| Meeting { series_end: Some(t(start + 3600)), ..meeting(site.id, alice.id, key, start) };
    let s1 = schedule(s, &single(710_000_001, 100)).await;
    let s2 = schedule(s, &single(710_000_002, 200)).await;
    let s3 = schedule(s, &single(710_000_003, 200)).await;
    let weekly =
        schedule(s, &Meeting { series_end: Some(t(900_000)), ..meeting(site.id, alice.id, 710_000_004, 150) }).await;
    let open = schedule(s, &Meeting { series_end: None, ..meeting(site.id, alice.id, 710_000_005, 50) }).await;
    // Bob's single meeting with Alice as alternate host.
    let alt = Meeting {
        invitees: vec![invitee("Alice", "alice@example.com", "HOST")],
        series_end: Some(t(3_750)),
        ..meeting(site.id, bob.id, 710_000_006, 150)
    };
    let alt = schedule(s, &alt).await;

    let alice_q = MeetingQuery {
        hosts: Some(vec![(alice.id, "alice@example.com".into())]),
        limit: 100,
        ..MeetingQuery::default()
    };
    let list = |q: MeetingQuery| async move {
        s.list_meetings(site.id, &q).await.expect("list").into_iter().map(|m| m.meeting_key).collect::<Vec<u64>>()
    };
    let keys = |ms: &[&Meeting]| ms.iter().map(|m| m.meeting_key).collect::<Vec<u64>>();
    assert_eq!(list(alice_q.clone()).await, keys(&[&open, &s1, &weekly, &alt, &s2, &s3]));
    let singles = MeetingQuery { shape: Some(Shape::Single), ..alice_q.clone() };
    assert_eq!(list(singles.clone()).await, keys(&[&s1, &alt, &s2, &s3]));
    let repeating = MeetingQuery { shape: Some(Shape::Repeating), ..alice_q.clone() };
    assert_eq!(list(repeating).await, keys(&[&open, &weekly]));

    // Keyset pages: after (start, id), ties at one start broken by id; hosted and alternate-hosted
    // rows merged in that order, the limit applied to the merge.
    let page = |after: Option<&Meeting>, limit| MeetingQuery {
        after: after.map(|m| (m.start, m.id)),
        limit,
        ..singles.clone()
    };
    assert_eq!(list(page(None, 2)).await, keys(&[&s1, &alt]));
    assert_eq!(list(page(Some(&alt), 2)).await, keys(&[&s2, &s3]));
    assert_eq!(list(page(Some(&s2), 2)).await, keys(&[&s3]));
    assert!(list(page(Some(&s3), 2)).await.is_empty());

    // One series by its uuid, in any case.
    let by_uuid = MeetingQuery { uuid: Some(weekly.uuid.to_ascii_uppercase()), ..alice_q };
    assert_eq!(list(by_uuid).await, keys(&[&weekly]));
}

async fn concurrent_meeting_inserts(ctx: Ctx) {
    let site = new_site(&ctx.store, "acme").await;
    let host = add(&ctx.store, &person(site.id, "host", "Host", "H")).await;
    // Two stores on one database, as two kaigi instances would be.
    let stores = [ctx.store.clone(), ctx.reopen().await];

    // Distinct keys: all succeed.
    let mut tasks = Vec::new();
    for i in 0..16u64 {
        let store = stores[usize::from(i % 2 == 1)].clone();
        let m = Meeting {
            invitees: vec![
                invitee("A", &format!("a{i}@example.com"), "HOST"),
                invitee("B", "b@example.com", "ATTENDEE"),
            ],
            ..meeting(site.id, host.id, 800_000_000 + i, 100 + i64::try_from(i).unwrap())
        };
        tasks.push(tokio::spawn(async move { store.insert_meeting(&m).await }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.expect("task").expect("insert"));
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 16);
    let all = ctx.store.list_meetings(site.id, &MeetingQuery { limit: 100, ..MeetingQuery::default() }).await.unwrap();
    assert_eq!(all.len(), 16);
    assert!(all.iter().all(|m| m.invitees.len() == 2));

    // The same key: exactly one wins, the others conflict.
    let mut tasks = Vec::new();
    for i in 0..16u64 {
        let store = stores[usize::from(i % 2 == 1)].clone();
        let m = Meeting {
            uuid: format!("{:032x}", 0xdead_0000 + i),
            invitees: vec![invitee("A", &format!("same{i}@example.com"), "HOST")],
            ..meeting(site.id, host.id, 900_000_000, 1_000)
        };
        tasks.push(tokio::spawn(async move { store.insert_meeting(&m).await }));
    }
    let (mut won, mut conflicts) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => won += 1,
            Err(StoreError::Conflict(ConflictOn::MeetingKey)) => conflicts += 1,
            Err(e) => panic!("unexpected error: {e:?}"),
        }
    }
    assert_eq!((won, conflicts), (1, 15));
    let q = MeetingQuery { meeting_key: Some(900_000_000), limit: 100, ..MeetingQuery::default() };
    let winner = ctx.store.list_meetings(site.id, &q).await.unwrap();
    assert_eq!(winner.len(), 1);
    assert_eq!(winner[0].invitees.len(), 1);
    let all = ctx.store.list_meetings(site.id, &MeetingQuery { limit: 100, ..MeetingQuery::default() }).await.unwrap();
    assert_eq!(all.len(), 17);
    stores[1].close().await;
}

async fn corrupt_meeting_rows_are_backend_errors(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let m = schedule(s, &meeting(site.id, host.id, 42, 100)).await;
    ctx.raw("UPDATE meetings SET recurrence = '{not json' WHERE meeting_key = 42").await;
    assert!(matches!(s.meeting_by_key(site.id, 42).await, Err(StoreError::Backend(_))));
    let q = MeetingQuery { limit: 10, ..MeetingQuery::default() };
    assert!(matches!(s.list_meetings(site.id, &q).await, Err(StoreError::Backend(_))));
    ctx.raw("UPDATE meetings SET recurrence = '{\"kind\":\"NoRepeat\"}' WHERE meeting_key = 42").await;
    assert!(matches!(s.meeting_by_uuid(site.id, &m.uuid).await, Err(StoreError::Backend(_))));
    ctx.raw(&format!(
        "UPDATE meetings SET recurrence = '{}', status = 'LATE' WHERE meeting_key = 42",
        recurrence_json()
    ))
    .await;
    assert!(matches!(s.meeting_by_key(site.id, 42).await, Err(StoreError::Backend(_))));
    ctx.raw("UPDATE meetings SET status = 'INPROGRESS', kind = 'webinar' WHERE meeting_key = 42").await;
    assert!(matches!(s.meeting_by_calendar_token(site.id, &m.host_token).await, Err(StoreError::Backend(_))));
    ctx.raw("UPDATE meetings SET kind = 'meeting' WHERE meeting_key = 42").await;
    let back = s.meeting_by_key(site.id, 42).await.expect("by key").expect("meeting");
    assert_eq!(back, Meeting { status: SessionStatus::InProgress, ..m });
}

fn recurrence_json() -> String {
    serde_json::to_string(&Recurrence::none()).expect("json")
}

// ---------------------------------------------------------------- group commit (SQLite)

/// Inserts `meetings` concurrently, all launched before any is awaited, so that SQLite's writer
/// commits them in few transactions (see `group_commit`); the outcome of each, in order.
async fn insert_together(s: &SqlStore, meetings: &[Meeting]) -> Vec<Result<MeetingId, StoreError>> {
    let tasks: Vec<_> = meetings
        .iter()
        .map(|m| {
            let (s, m) = (s.clone(), m.clone());
            tokio::spawn(async move { s.insert_meeting(&m).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("task"));
    }
    outcomes
}

async fn sixty_four_concurrent_inserts_are_all_stored(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let meetings: Vec<Meeting> = (0..64)
        .map(|i| Meeting {
            invitees: vec![invitee("A", &format!("a{i}@example.com"), "HOST")],
            ..meeting(site.id, host.id, 300_000_000 + i, i64::try_from(i).unwrap())
        })
        .collect();
    let outcomes = insert_together(s, &meetings).await;
    for (m, outcome) in meetings.iter().zip(outcomes) {
        let stored = Meeting { id: outcome.expect("insert"), ..m.clone() };
        assert_eq!(s.meeting_by_key(site.id, m.meeting_key).await.expect("by key"), Some(stored));
    }
    let all = s.list_meetings(site.id, &MeetingQuery { limit: 100, ..MeetingQuery::default() }).await.unwrap();
    assert_eq!(all.len(), 64);
}

async fn a_used_key_fails_only_its_own_insert_in_a_batch(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    // Every third insert wants the same key; the others have keys of their own.
    let contested = 310_000_000;
    let meetings: Vec<Meeting> = (0..48)
        .map(|i| Meeting {
            uuid: format!("{:032x}", 0xbeef_0000 + i),
            invitees: vec![invitee("A", &format!("a{i}@example.com"), "HOST")],
            ..meeting(site.id, host.id, if i % 3 == 0 { contested } else { contested + i }, 0)
        })
        .collect();
    let outcomes = insert_together(s, &meetings).await;
    let mut winners = 0;
    for (m, outcome) in meetings.iter().zip(outcomes) {
        let stored = s.meeting_by_uuid(site.id, &m.uuid).await.expect("by uuid");
        match outcome {
            Ok(id) => {
                assert_eq!(stored, Some(Meeting { id, ..m.clone() }));
                winners += usize::from(m.meeting_key == contested);
            }
            Err(StoreError::Conflict(ConflictOn::MeetingKey)) if m.meeting_key == contested => {
                assert_eq!(stored, None);
            }
            Err(e) => panic!("meeting {}: {e:?}", m.meeting_key),
        }
    }
    assert_eq!(winners, 1);
    let all = s.list_meetings(site.id, &MeetingQuery { limit: 100, ..MeetingQuery::default() }).await.unwrap();
    assert_eq!(all.len(), 33);
}

async fn an_unknown_host_fails_only_its_own_insert_in_a_batch(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    // Every fourth insert names a host that does not exist.
    let meetings: Vec<Meeting> = (0..32)
        .map(|i| Meeting {
            invitees: vec![invitee("A", &format!("a{i}@example.com"), "HOST")],
            ..meeting(site.id, if i % 4 == 1 { 999_999 } else { host.id }, 320_000_000 + i, 0)
        })
        .collect();
    let outcomes = insert_together(s, &meetings).await;
    for (m, outcome) in meetings.iter().zip(outcomes) {
        let stored = s.meeting_by_key(site.id, m.meeting_key).await.expect("by key");
        if m.host_id == host.id {
            assert_eq!(stored, Some(Meeting { id: outcome.expect("insert"), ..m.clone() }));
        } else {
            assert!(matches!(outcome, Err(StoreError::Missing)), "{outcome:?}");
            assert_eq!(stored, None);
            // Its key reservation was undone with it.
            assert!(s.reserve_meeting_key(m.meeting_key, site.id, t(1)).await.expect("reserve"));
        }
    }
}

#[tokio::test]
async fn sqlite_synchronous_is_chosen_by_the_url() {
    let path = temp_db();
    let _cleanup = Cleanup(Location::Sqlite(path.clone()));
    let p = path.display();
    let good = [
        format!("sqlite://{p}?synchronous=full"),
        format!("sqlite:{p}?cache=private&synchronous=NORMAL"),
        format!("sqlite://{p}?synchronous=normal&mode=rwc"),
    ];
    for (i, url) in good.iter().enumerate() {
        let store = open(url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
        new_site(&store, &format!("site{i}")).await;
        assert_eq!(store.list_sites().await.expect("list").len(), i + 1);
        store.close().await;
    }
    for level in ["off", "extra", "", "fully"] {
        let r = open(&format!("sqlite://{p}?synchronous={level}")).await;
        assert!(matches!(&r, Err(OpenError::BadSynchronous(v)) if v == level), "{level}: {:?}", r.err());
        assert!(r.err().expect("refused").to_string().contains("synchronous=full"));
    }
}

// ---------------------------------------------------------------- crash safety (SQLite)

/// In the crash test's child process: the database file to insert into.
const CRASH_CHILD: &str = "KAIGI_CRASH_CHILD";
const CRASH_SITE: &str = "crashsite";
/// Acknowledged inserts to wait for before killing the child.
const ACKS_BEFORE_KILL: usize = 500;

/// With the default `synchronous` level, every insert acknowledged before a `kill -9` of the
/// process is there when the database is opened again.
#[tokio::test]
async fn acknowledged_meetings_survive_kill_9() {
    let path = temp_db();
    let _cleanup = Cleanup(Location::Sqlite(path.clone()));
    let url = path.to_str().expect("utf-8 path");
    let store = open(url).await.expect("open");
    let site = new_site(&store, CRASH_SITE).await;
    add(&store, &person(site.id, "host", "Host", "H")).await;
    store.close().await;

    let exe = std::env::current_exe().expect("test binary");
    let mut child = Command::new(exe)
        .args(["--exact", "crash_child", "--nocapture"])
        .env(CRASH_CHILD, url)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the child");
    let stdout = child.stdout.take().expect("child stdout");
    let (lines, printed) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    // Reads the child's acknowledgements until `enough` or its end (`None`: any number).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut acked: Vec<u64> = Vec::new();
    let mut read_acks = |enough: Option<usize>| loop {
        if enough.is_some_and(|n| acked.len() >= n) {
            return Ok(());
        }
        match printed.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => acked.extend(line.strip_prefix("acked ").map(|key| key.parse::<u64>().expect("key"))),
            Err(RecvTimeoutError::Disconnected) if enough.is_none() => return Ok(()),
            Err(e) => return Err(e),
        }
    };
    let before_kill = read_acks(Some(ACKS_BEFORE_KILL));
    child.kill().expect("SIGKILL the child");
    let status = child.wait().expect("wait for the child");
    before_kill.unwrap_or_else(|e| panic!("the child did not acknowledge {ACKS_BEFORE_KILL} inserts: {e}, {status}"));
    // What it printed before it died was acknowledged too.
    read_acks(None).expect("the child's last lines");
    assert!(acked.len() >= ACKS_BEFORE_KILL);

    let store = open(url).await.expect("reopen after the crash");
    let q = MeetingQuery { limit: u32::MAX, ..MeetingQuery::default() };
    let stored: HashSet<u64> =
        store.list_meetings(site.id, &q).await.expect("list").iter().map(|m| m.meeting_key).collect();
    let lost: Vec<&u64> = acked.iter().filter(|key| !stored.contains(key)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged meetings lost: {lost:?}", lost.len(), acked.len());
    store.close().await;
}

/// The child process of `acknowledged_meetings_survive_kill_9` (does nothing unless
/// `KAIGI_CRASH_CHILD` names a database): 16 tasks insert meetings, printing `acked KEY` for each
/// acknowledged insert, until the process is killed (or after a minute).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_child() {
    let Ok(url) = std::env::var(CRASH_CHILD) else { return };
    let store = open(&url).await.expect("open");
    let site = store.site_by_name(CRASH_SITE).await.expect("site").expect("site");
    let host = store.user_by_webex_id(site.id, "host").await.expect("host").expect("host");
    let deadline = Instant::now() + Duration::from_secs(60);
    let tasks: Vec<_> = (0..16)
        .map(|task| {
            let store = store.clone();
            tokio::spawn(async move {
                for key in (400_000_000 + task..).step_by(16) {
                    if Instant::now() > deadline {
                        break;
                    }
                    store.insert_meeting(&meeting(site.id, host.id, key, 0)).await.expect("insert");
                    println!("acked {key}");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
}

// ---------------------------------------------------------------- session activity

fn state(m: &Meeting, status: SessionStatus, host_joined: bool, at: i64) -> SessionState {
    SessionState {
        meeting_id: m.id,
        site_id: m.site_id,
        status,
        host_joined,
        participants_joined: host_joined,
        at: t(at),
    }
}

fn joiner(m: &Meeting, email: &str, role: Role, at: i64) -> Participant {
    Participant {
        id: 0,
        meeting_id: m.id,
        site_id: m.site_id,
        name: email.split('@').next().unwrap_or("").to_string(),
        email: email.into(),
        user_id: None,
        role,
        joined_at: t(at),
        left_at: None,
        ip_address: "192.0.2.7".into(),
        client_agent: "agent/1".into(),
        token_hash: format!("hash-of-{email}"),
        in_lobby: false,
    }
}

fn happened(m: &Meeting, kind: EventKind, email: &str, at: i64) -> SessionEvent {
    SessionEvent {
        id: 0,
        meeting_id: m.id,
        site_id: m.site_id,
        kind,
        participant_id: None,
        user_id: Some(m.host_id),
        email: email.into(),
        name: "Someone".into(),
        at: t(at),
    }
}

fn usage_of(m: &Meeting, start: i64, end: i64) -> UsageRecord {
    UsageRecord {
        id: 0,
        site_id: m.site_id,
        meeting_id: m.id,
        meeting_key: m.meeting_key,
        uuid: m.uuid.clone(),
        conf_id: m.conf_id,
        name: m.name.clone(),
        kind: m.kind,
        host_id: m.host_id,
        start: t(start),
        end: t(end),
        duration_minutes: 30,
        total_participants: 2,
        total_people_minutes: 40,
    }
}

fn recording_of(m: &Meeting, name: &str, at: i64) -> Recording {
    Recording {
        id: 0,
        site_id: m.site_id,
        meeting_id: m.id,
        meeting_key: m.meeting_key,
        meeting_uuid: m.uuid.clone(),
        conf_id: m.conf_id,
        host_id: m.host_id,
        kind: m.kind,
        name: name.into(),
        description: String::new(),
        created_at: t(at),
        duration_s: 1800,
        size_kb: 57_600,
        format: "MP4".into(),
        stream_url: "http://x/acme/ldr.php?RCID=1".into(),
        file_url: "http://x/acme/lsr.php?RCID=1".into(),
        password: Some("pass123".into()),
        recording_uuid: format!("{:032x}", at),
        deleted_at: None,
    }
}

async fn a_session_runs_and_ends_into_history(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let m = schedule(s, &meeting(site.id, host.id, 600_000_001, 0)).await;
    assert_eq!(s.site_of_meeting_key(600_000_001).await.unwrap(), Some(site.id));
    assert_eq!(s.site_of_meeting_key(600_000_002).await.unwrap(), None);

    let guest = joiner(&m, "guest@example.com", Role::Host, 10);
    let events = [
        happened(&m, EventKind::Join, "guest@example.com", 10),
        happened(&m, EventKind::Start, "guest@example.com", 10),
    ];
    let g = s.record_join(&state(&m, SessionStatus::InProgress, true, 10), &guest, &events, &[]).await.unwrap();
    let a = s
        .record_join(
            &state(&m, SessionStatus::InProgress, true, 20),
            &joiner(&m, "att@example.com", Role::Attendee, 20),
            &[happened(&m, EventKind::Join, "att@example.com", 20)],
            &[],
        )
        .await
        .unwrap();
    let running = s.meeting_by_key(site.id, m.meeting_key).await.unwrap().unwrap();
    assert_eq!(
        (running.status, running.host_joined, running.participants_joined),
        (SessionStatus::InProgress, true, true)
    );
    assert_eq!(s.participant(site.id, g).await.unwrap(), Some(Participant { id: g, ..guest.clone() }));
    assert_eq!(s.participant(site.id + 1000, g).await.unwrap(), None, "participants stay in their site");
    s.record_leave(site.id, a, &happened(&m, EventKind::Leave, "att@example.com", 620), &[]).await.unwrap();
    assert!(matches!(
        s.record_leave(site.id, a, &happened(&m, EventKind::Leave, "att@example.com", 630), &[]).await,
        Err(StoreError::Missing)
    ));
    s.record_event(&happened(&m, EventKind::RecordStart, "guest@example.com", 30)).await.unwrap();
    let live = s.session_participants(site.id, m.id).await.unwrap();
    assert_eq!(live.iter().map(|p| (p.id, p.left_at)).collect::<Vec<_>>(), [(g, None), (a, Some(t(620)))]);

    let attendee = |p: &Participant, left: i64, minutes: u32| AttendeeRecord {
        id: 0,
        site_id: site.id,
        usage_id: 0,
        meeting_id: m.id,
        name: p.name.clone(),
        email: p.email.clone(),
        role: p.role,
        joined_at: p.joined_at,
        left_at: t(left),
        duration_minutes: minutes,
        ip_address: p.ip_address.clone(),
        client_agent: p.client_agent.clone(),
    };
    let end = SessionEnd {
        changes: Vec::new(),
        state: state(&m, SessionStatus::NotInProgress, false, 1810),
        usage: usage_of(&m, 10, 1810),
        attendees: vec![attendee(&live[0], 1810, 30), attendee(&live[1], 620, 10)],
        recording: Some(recording_of(&m, "Meeting", 1810)),
        events: vec![happened(&m, EventKind::End, "guest@example.com", 1810)],
    };
    let usage_id = s.end_session(&end).await.unwrap();
    let ended = s.meeting_by_key(site.id, m.meeting_key).await.unwrap().unwrap();
    assert_eq!((ended.status, ended.host_joined), (SessionStatus::NotInProgress, false));
    assert!(s.session_participants(site.id, m.id).await.unwrap().is_empty(), "the session is over");
    assert_eq!(s.participant(site.id, g).await.unwrap().unwrap().left_at, Some(t(1810)));
    assert_eq!(s.usage_history(site.id).await.unwrap(), [UsageRecord { id: usage_id, ..end.usage.clone() }]);
    let history = s.attendee_history(site.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|h| h.usage_id == usage_id && h.id > 0));
    assert_eq!(history[1], AttendeeRecord { id: history[1].id, usage_id, ..end.attendees[1].clone() });
    let kinds: Vec<(EventKind, Option<i64>)> =
        s.session_events(site.id, m.id).await.unwrap().iter().map(|e| (e.kind, e.participant_id)).collect();
    assert_eq!(
        kinds,
        [
            (EventKind::Join, Some(g)),
            (EventKind::Start, Some(g)),
            (EventKind::Join, Some(a)),
            (EventKind::RecordStart, None),
            (EventKind::Leave, Some(a)),
            (EventKind::End, None),
        ]
    );
    assert_eq!(s.recordings(site.id).await.unwrap().len(), 1);
}

async fn ending_a_session_is_all_or_nothing(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let m = schedule(s, &meeting(site.id, host.id, 600_000_011, 0)).await;
    s.delete_meeting(site.id, m.id, t(5), &[]).await.unwrap();
    let end = SessionEnd {
        changes: Vec::new(),
        state: state(&m, SessionStatus::NotInProgress, false, 100),
        usage: usage_of(&m, 0, 100),
        attendees: vec![],
        recording: Some(recording_of(&m, "Meeting", 100)),
        events: vec![happened(&m, EventKind::End, "host@example.com", 100)],
    };
    assert!(matches!(s.end_session(&end).await, Err(StoreError::Missing)));
    assert!(s.usage_history(site.id).await.unwrap().is_empty());
    assert!(s.recordings(site.id).await.unwrap().is_empty());
    assert!(s.session_events(site.id, m.id).await.unwrap().is_empty());
}

async fn recordings_are_edited_and_deleted_per_site(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let m = schedule(s, &meeting(site.id, host.id, 600_000_021, 0)).await;
    for (name, at) in [("first", 100), ("second", 200)] {
        let end = SessionEnd {
            changes: Vec::new(),
            state: state(&m, SessionStatus::NotInProgress, false, at),
            usage: usage_of(&m, at - 50, at),
            attendees: vec![],
            recording: Some(recording_of(&m, name, at)),
            events: vec![],
        };
        s.end_session(&end).await.unwrap();
    }
    let list = s.recordings(site.id).await.unwrap();
    assert_eq!(list.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["second", "first"], "newest first");
    let edited = Recording { name: "renamed".into(), description: "notes".into(), password: None, ..list[1].clone() };
    s.update_recording(&edited).await.unwrap();
    assert_eq!(s.recordings(site.id).await.unwrap()[1], edited);
    assert!(matches!(
        s.update_recording(&Recording { site_id: other.id, ..edited.clone() }).await,
        Err(StoreError::Missing)
    ));
    assert!(matches!(s.delete_recording(other.id, edited.id, t(300), &[]).await, Err(StoreError::Missing)));
    s.delete_recording(site.id, edited.id, t(300), &[]).await.unwrap();
    assert!(matches!(s.delete_recording(site.id, edited.id, t(301), &[]).await, Err(StoreError::Missing)));
    assert!(matches!(s.update_recording(&edited).await, Err(StoreError::Missing)));
    assert_eq!(s.recordings(site.id).await.unwrap().len(), 1);
}

fn chat_line(m: &Meeting, p: &Participant, participant: i64, text: &str, at: i64) -> ChatLine {
    ChatLine {
        id: 0,
        uuid: format!("00000000-0000-4000-8000-{:012x}", at * 1000 + text.len() as i64),
        site_id: m.site_id,
        meeting_id: m.id,
        usage_id: None,
        participant_id: participant,
        sender_name: p.name.clone(),
        sender_email: p.email.clone(),
        sender_user_id: p.user_id,
        text: text.into(),
        at: t(at),
    }
}

async fn the_chat_of_a_session_is_kept_and_tied_to_its_instance_when_it_ends(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let other = new_site(s, "other").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    let m = schedule(s, &meeting(site.id, host.id, 600_000_031, 0)).await;
    let running = state(&m, SessionStatus::InProgress, true, 10);
    let alice = Participant { user_id: Some(host.id), ..joiner(&m, "host@example.com", Role::Host, 10) };
    let a = s.record_join(&running, &alice, &[], &[]).await.unwrap();
    let guest = joiner(&m, "guest@example.com", Role::Attendee, 20);
    let g = s.record_join(&running, &guest, &[], &[]).await.unwrap();

    let first = chat_line(&m, &alice, a, "hello", 30);
    let id = s.add_chat_line(&first, 3).await.unwrap().expect("kept");
    assert!(id > 0);
    s.add_chat_line(&chat_line(&m, &guest, g, "hi", 40), 3).await.unwrap().expect("kept");
    s.add_chat_line(&chat_line(&m, &alice, a, "third", 50), 3).await.unwrap().expect("kept");
    assert_eq!(s.add_chat_line(&chat_line(&m, &guest, g, "fourth", 60), 3).await.unwrap(), None, "the limit");
    let room = s.running_chat(site.id, m.id, 10).await.unwrap();
    assert_eq!(room.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["hello", "hi", "third"]);
    assert_eq!(room[0], ChatLine { id, ..first.clone() }, "every field round-trips");
    let newest = s.running_chat(site.id, m.id, 2).await.unwrap();
    assert_eq!(newest.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["hi", "third"], "the newest, oldest first");
    assert!(s.running_chat(other.id, m.id, 10).await.unwrap().is_empty(), "lines stay in their site");

    // Who left says nothing more; nor does anyone of another site or meeting.
    s.record_leave(site.id, g, &happened(&m, EventKind::Leave, "guest@example.com", 70), &[]).await.unwrap();
    let gone = s.add_chat_line(&chat_line(&m, &guest, g, "late", 80), 10).await;
    assert!(matches!(gone, Err(StoreError::Missing)), "{gone:?}");
    let foreign = s.add_chat_line(&ChatLine { site_id: other.id, ..chat_line(&m, &alice, a, "x", 80) }, 10).await;
    assert!(matches!(foreign, Err(StoreError::Missing)), "{foreign:?}");

    let end = SessionEnd {
        changes: Vec::new(),
        state: state(&m, SessionStatus::NotInProgress, false, 600),
        usage: usage_of(&m, 10, 600),
        attendees: vec![],
        recording: None,
        events: vec![],
    };
    let usage = s.end_session(&end).await.unwrap();
    assert!(s.running_chat(site.id, m.id, 10).await.unwrap().is_empty(), "the session is over");
    let ended = s.add_chat_line(&chat_line(&m, &alice, a, "after", 700), 10).await;
    assert!(matches!(ended, Err(StoreError::Missing)), "{ended:?}");

    // The next session's chat is its own.
    let b = s.record_join(&state(&m, SessionStatus::InProgress, true, 800), &alice, &[], &[]).await.unwrap();
    s.add_chat_line(&chat_line(&m, &alice, b, "again", 810), 3).await.unwrap().expect("a new session, a new limit");
    assert_eq!(s.running_chat(site.id, m.id, 10).await.unwrap().len(), 1);

    let page = s.instance_chats(site.id, m.id, usage, 1, 1).await.unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.items.iter().map(|l| (l.text.as_str(), l.usage_id)).collect::<Vec<_>>(), [("hi", Some(usage))]);
    assert_eq!(s.instance_chats(site.id, m.id, usage, 3, 10).await.unwrap().items, []);
    assert_eq!(s.instance_chats(other.id, m.id, usage, 0, 10).await.unwrap().total, 0);
    assert_eq!(s.delete_instance_chats(other.id, m.id, usage).await.unwrap(), 0);
    assert_eq!(s.delete_instance_chats(site.id, m.id, usage).await.unwrap(), 3);
    assert_eq!(s.instance_chats(site.id, m.id, usage, 0, 10).await.unwrap().total, 0);
    assert_eq!(s.running_chat(site.id, m.id, 10).await.unwrap().len(), 1, "the running session's stay");
}

// ---------------------------------------------------------------- licence decision log

fn decision(
    site: SiteId,
    month: u32,
    secs: i64,
    action: LicenseAction,
    outcome: LicenseOutcome,
    person: &str,
) -> LicenseDecision {
    LicenseDecision {
        id: 0,
        site_id: site,
        at: t(secs),
        month,
        action,
        outcome,
        person: person.into(),
        user_id: None,
        meeting_id: None,
        meeting_key: None,
        booking_name: format!("booking of {person}"),
        booked_by: None,
        requester: None,
        plan: "NamedUser".into(),
        reason: "because".into(),
    }
}

fn host_month(month: u32, person: &str) -> HostMonth {
    HostMonth { month, person: person.into(), user_id: None }
}

async fn license_decisions_round_trip_and_roll_up_hosts_per_month(ctx: Ctx) {
    use LicenseAction::*;
    use LicenseOutcome::*;
    let s = &ctx.store;
    let a = new_site(s, "acme").await;
    let b = new_site(s, "other").await;
    let alice = add(s, &person(a.id, "alice", "A", "A")).await;
    let m = schedule(s, &meeting(a.id, alice.id, 123_456_789, 3600)).await;
    let mut full = decision(a.id, 202601, 1, Schedule, Allowed, "alice");
    full.user_id = Some(alice.id);
    full.meeting_id = Some(m.id);
    full.meeting_key = Some(m.meeting_key);
    full.booked_by = Some("admin".into());
    full.requester = Some("emp007".into());
    let jan = vec![
        full.clone(),
        decision(a.id, 202601, 2, HostStart, Allowed, "alice"),
        decision(a.id, 202601, 3, Schedule, Refused, "bob"),
        decision(a.id, 202601, 4, HostKeyClaim, Violation, "guest@x.example"),
        decision(a.id, 202601, 5, AlternateHost, Allowed, "carol"),
    ];
    s.record_license_decisions(&jan).await.expect("record");
    s.record_license_decisions(&[
        decision(a.id, 202602, 40, Schedule, AllowedCounted, "alice"),
        decision(a.id, 202602, 41, HostStart, Violation, "dave"),
        decision(b.id, 202601, 42, Schedule, Allowed, "zed"),
    ])
    .await
    .expect("record");
    s.record_license_decisions(&[]).await.expect("nothing to record");

    // Refused bookings and mere namings are not hosting; each person counts once a month.
    assert_eq!(
        s.license_host_months(a.id, 202601, 202602).await.expect("hosts"),
        [
            HostMonth { month: 202601, person: "alice".into(), user_id: Some(alice.id) },
            host_month(202601, "guest@x.example"),
            host_month(202602, "alice"),
            host_month(202602, "dave"),
        ]
    );
    assert_eq!(s.license_host_months(a.id, 202602, 202612).await.expect("hosts").len(), 2);
    assert_eq!(s.license_host_months(b.id, 202601, 202601).await.expect("hosts"), [host_month(202601, "zed")]);

    let counts = s.license_exception_counts(a.id, 202601, 202612).await.expect("counts");
    let count = |month, action, outcome| ExceptionCount { month, action, outcome, count: 1 };
    assert_eq!(
        counts,
        [count(202601, HostKeyClaim, Violation), count(202601, Schedule, Refused), count(202602, HostStart, Violation)]
    );
    let listed: Vec<String> =
        s.license_exceptions(a.id, 202601, 202612, 2).await.expect("list").into_iter().map(|d| d.person).collect();
    assert_eq!(listed, ["bob", "guest@x.example"], "oldest first, at most the limit");

    let recent = s.recent_license_decisions(a.id, 10).await.expect("recent");
    assert_eq!(recent.len(), 7);
    let first = recent.last().unwrap().clone();
    assert!(first.id > 0);
    assert_eq!(LicenseDecision { id: 0, ..first }, full, "every field round-trips");
}

async fn hosts_booked_for_several_requesters_are_found(ctx: Ctx) {
    use LicenseAction::*;
    use LicenseOutcome::*;
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let booked = |month, secs, person: &str, requester: &str, outcome| {
        let mut d = decision(site.id, month, secs, Schedule, outcome, person);
        d.requester = Some(requester.into());
        d
    };
    s.record_license_decisions(&[
        // The thread's booking account: one licence, bookings for several employees.
        booked(202601, 1, "booking", "emp001", Allowed),
        booked(202601, 2, "booking", "emp002", Allowed),
        booked(202601, 3, "booking", "emp001", Allowed),
        // An assistant booking for one person, twice: not sharing.
        booked(202601, 4, "assist", "boss", Allowed),
        booked(202601, 5, "assist", "boss", Allowed),
        // Refused bookings did not happen.
        booked(202601, 6, "nobody", "emp003", Refused),
        booked(202601, 7, "nobody", "emp004", Refused),
        // Another month on its own.
        booked(202602, 8, "booking", "emp005", Allowed),
        decision(site.id, 202601, 9, Schedule, Allowed, "booking"),
    ])
    .await
    .expect("record");
    let found = s.license_shared_bookings(site.id, 202601, 202612, 2, 100).await.expect("shared");
    let found: Vec<(u32, String, Option<String>)> =
        found.into_iter().map(|d| (d.month, d.person, d.requester)).collect();
    assert_eq!(
        found,
        [
            (202601, "booking".to_string(), Some("emp001".to_string())),
            (202601, "booking".to_string(), Some("emp002".to_string())),
            (202601, "booking".to_string(), Some("emp001".to_string())),
        ]
    );
    assert!(s.license_shared_bookings(site.id, 202601, 202612, 3, 100).await.expect("shared").is_empty());
    assert_eq!(s.license_shared_bookings(site.id, 202601, 202612, 2, 1).await.expect("shared").len(), 1);
}

async fn a_missing_earlier_migration_is_applied_after_a_later_one(ctx: Ctx) {
    // As if version 4 had arrived after version 6 (two branches merged in either order).
    ctx.raw(
        "DROP TABLE recording_shares; DROP TABLE recordings; DROP TABLE attendee_history; DROP TABLE usage_history; \
         DROP TABLE session_events; DROP TABLE participants; DELETE FROM kaigi_migrations WHERE version = 4",
    )
    .await;
    let again = ctx.reopen().await;
    assert_eq!(again.migrations_applied_at_open(), [4]);
    let recorded: Vec<i64> = again.migrations().await.expect("migrations").iter().map(|(v, _)| *v).collect();
    assert_eq!(recorded, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 20, 21, 22, 24, 25, 26, 27, 28, 29]);
    again.close().await;
}

async fn concurrent_decisions_are_all_recorded(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let one = |i: i64| {
        let outcome = if i % 5 == 0 { LicenseOutcome::Refused } else { LicenseOutcome::Allowed };
        decision(site.id, 202601, i, LicenseAction::Schedule, outcome, &format!("host{}", i % 7))
    };
    // Callers recording at once share transactions on SQLite; each is answered after its commit.
    let results = futures_join_all((0..40).map(|i| {
        let s = s.clone();
        let d = one(i);
        async move { s.record_license_decisions(&[d]).await }
    }))
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(s.recent_license_decisions(site.id, 100).await.expect("recent").len(), 40);
    // Each host had allowed bookings among the refused ones: all seven are the month's hosts, once.
    let hosts: Vec<String> =
        s.license_host_months(site.id, 202601, 202601).await.expect("hosts").into_iter().map(|h| h.person).collect();
    assert_eq!(hosts, ["host0", "host1", "host2", "host3", "host4", "host5", "host6"]);
}

/// Runs the futures at once and collects their outputs in order.
async fn futures_join_all<F: Future + Send + 'static>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

async fn decisions_are_stored_with_their_meetings_in_a_batch(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "host", "Host", "H")).await;
    // Every fourth meeting names a host that does not exist: it and its decision are not stored.
    let meetings: Vec<Meeting> =
        (0..24).map(|i| meeting(site.id, if i % 4 == 1 { 999_999 } else { host.id }, 330_000_000 + i, 0)).collect();
    let tasks: Vec<_> = meetings
        .iter()
        .map(|m| {
            let (s, m) = (s.clone(), m.clone());
            let mut d = decision(site.id, 202601, 0, LicenseAction::Schedule, LicenseOutcome::Allowed, "host");
            d.meeting_key = Some(m.meeting_key);
            tokio::spawn(async move { s.insert_meeting_with_decisions(&m, &[d], &[]).await })
        })
        .collect();
    let mut stored = std::collections::BTreeMap::new();
    for (m, task) in meetings.iter().zip(tasks) {
        match task.await.expect("task") {
            Ok(id) => {
                stored.insert(m.meeting_key, id);
            }
            Err(e) => assert!(m.host_id != host.id, "meeting {}: {e:?}", m.meeting_key),
        }
    }
    assert_eq!(stored.len(), 18);
    let recorded: std::collections::BTreeMap<u64, i64> = s
        .recent_license_decisions(site.id, 100)
        .await
        .expect("decisions")
        .into_iter()
        .map(|d| (d.meeting_key.expect("key"), d.meeting_id.expect("meeting id")))
        .collect();
    assert_eq!(recorded, stored);
}

/// Options with every kind of value set, to see each one stored and read back.
fn every_option() -> MeetingOptions {
    let mut features = Features::default();
    features.set(Feature::Chat, true).set(Feature::Poll, false).set(Feature::AutoRecord, true);
    let mut tracking = TrackingCodes::default();
    tracking.set(1, "Sales & <Ops>".into());
    tracking.set(10, "ten".into());
    MeetingOptions {
        features,
        telephony: Telephony {
            support: Some(AudioSupport::CallIn),
            phone_lines: Some(4),
            external_description: Some("bridge".into()),
            call_in: Some(CallInNumbers { toll: Some("+1 555 0100".into()), ..CallInNumbers::default() }),
            access_code_order: Some(AccessCodeOrder::ParticipantFirst),
            ..Telephony::default()
        },
        tracking,
        remind: Reminder {
            enabled: Some(true),
            emails: Some(vec!["a@example.com".into()]),
            minutes_ahead: Some(15),
            ..Reminder::default()
        },
        conduct: Conduct {
            entry_exit_tone: Some(EntryExitTone::AnnounceName),
            unlocked_join: Some(UnlockedJoin::AllowJoinWithLobby),
            automatic_lock: Some(AutomaticLock::AfterMinutes(10)),
            // A meeting's setup (REST interpreters, breakout sessions, invitation sources).
            interpretation: Some(kaigi_core::model::Interpretation {
                enabled: true,
                interpreters: vec![kaigi_core::model::Interpreter {
                    id: "0f".repeat(16),
                    language1: "en".into(),
                    language2: "de".into(),
                    email: Some("i@example.com".into()),
                    display_name: None,
                }],
            }),
            breakout_sessions: Some(vec![kaigi_core::model::BreakoutSession {
                id: "1a".repeat(16),
                name: "Room".into(),
                invitees: vec!["p@example.com".into()],
            }]),
            invitation_sources: Some(vec![kaigi_core::model::InvitationSource {
                id: "1".into(),
                source_id: "cisco".into(),
                source_email: "s@example.com".into(),
            }]),
            ..Conduct::default()
        },
    }
}

// ---------------------------------------------------------------- webhooks

fn change_of(m: &Meeting, event: kaigi_core::model::WebhookEvent, at: i64) -> kaigi_core::model::ChangeEvent {
    use kaigi_core::model::{ChangeEvent, ChangeFacts, WebhookResource};
    ChangeEvent {
        id: 0,
        site_id: m.site_id,
        resource: WebhookResource::Meetings,
        event,
        meeting_id: m.id,
        subject_id: 0,
        actor_id: Some(m.host_id),
        at: t(at),
        facts: ChangeFacts {
            meeting_uuid: m.uuid.clone(),
            meeting_key: m.meeting_key,
            kind: m.kind,
            title: m.name.clone(),
            host_id: m.host_id,
            host_email: "host@example.com".into(),
            start: m.start,
            end: m.start,
            occurrence: None,
            participant: None,
            recording: None,
        },
    }
}

fn webhook_of(site: SiteId, by: UserId, name: &str) -> kaigi_core::model::Webhook {
    use kaigi_core::model::{Webhook, WebhookEvent, WebhookOwner, WebhookResource, WebhookStatus};
    Webhook {
        id: 0,
        site_id: site,
        created_by: by,
        app_client_id: Some("C0ffee".into()),
        name: name.into(),
        target_url: "http://127.0.0.1:9/hook".into(),
        resource: WebhookResource::Meetings,
        event: WebhookEvent::All,
        filter: "meetingType=meetingSeries".into(),
        terms: vec![kaigi_core::model::FilterTerm::MeetingType("meetingSeries".into())],
        secret: Some("s3".into()),
        owned_by: WebhookOwner::Creator,
        status: WebhookStatus::Active,
        created_at: t(1),
    }
}

async fn a_change_is_recorded_with_its_meeting_or_not_at_all(ctx: Ctx) {
    use kaigi_core::model::WebhookEvent::{Created, Deleted, Updated};
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "host", "Ho", "St")).await;
    let m = meeting(site.id, host.id, 123_456_789, 100);
    // The new meeting's id is given to its change in the same transaction.
    let id = s.insert_meeting_with_decisions(&m, &[], &[change_of(&m, Created, 1)]).await.expect("insert");
    // A meeting that is not written leaves no change: its key is taken.
    let taken = s.insert_meeting_with_decisions(&m, &[], &[change_of(&m, Created, 2)]).await;
    assert!(matches!(taken, Err(StoreError::Conflict(ConflictOn::MeetingKey))), "{taken:?}");
    let stored = s.meeting_by_key(site.id, m.meeting_key).await.unwrap().unwrap();
    // A stale update and a second delete write nothing, and record nothing.
    let stale = Meeting { revision: stored.revision + 7, ..stored.clone() };
    assert!(s.update_meeting_unless_changed(&stale, &[], &[change_of(&stored, Updated, 3)]).await.is_err());
    s.update_meeting_unless_changed(&stored, &[], &[change_of(&stored, Updated, 4)]).await.expect("update");
    s.delete_meeting(site.id, id, t(5), &[change_of(&stored, Deleted, 5)]).await.expect("delete");
    let again = s.delete_meeting(site.id, id, t(6), &[change_of(&stored, Deleted, 6)]).await;
    assert!(matches!(again, Err(StoreError::Missing)), "{again:?}");
    let changes = s.unsent_changes(100).await.expect("changes");
    let seen: Vec<_> = changes.iter().map(|c| (c.event, c.meeting_id, c.at)).collect();
    assert_eq!(seen, [(Created, id, t(1)), (Updated, id, t(4)), (Deleted, id, t(5))]);
    assert_eq!(changes[0].facts.meeting_uuid, m.uuid);
    assert_eq!(changes[0].actor_id, Some(host.id));
}

async fn deliveries_are_fanned_out_once_taken_by_one_worker_and_kept_in_order(ctx: Ctx) {
    use kaigi_core::model::{Attempt, DeliveryOutcome, WebhookEvent::Created, WebhookStatus};
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let host = add(s, &person(site.id, "host", "Ho", "St")).await;
    let hook = webhook_of(site.id, host.id, "first");
    let id = s.insert_webhook(&hook, 2).await.expect("insert");
    assert_eq!(s.webhook(site.id, id).await.unwrap(), Some(kaigi_core::model::Webhook { id, ..hook.clone() }));
    s.insert_webhook(&webhook_of(site.id, host.id, "second"), 2).await.expect("second");
    let third = s.insert_webhook(&webhook_of(site.id, host.id, "third"), 2).await;
    assert!(matches!(third, Err(StoreError::Conflict(ConflictOn::WebhookLimit))), "{third:?}");
    for key in 0..3u64 {
        let m = meeting(site.id, host.id, 200_000_000 + key, 100);
        s.insert_meeting_with_decisions(&m, &[], &[change_of(&m, Created, key as i64)]).await.unwrap();
    }
    let changes = s.unsent_changes(100).await.unwrap();
    let ids: Vec<i64> = changes.iter().map(|c| c.id).collect();
    let pairs: Vec<(i64, i64)> = ids.iter().map(|c| (id, *c)).collect();
    // Fanning out twice (two workers) records each delivery once.
    s.fan_out(&ids, &pairs, t(10)).await.unwrap();
    s.fan_out(&ids, &pairs, t(10)).await.unwrap();
    assert!(s.unsent_changes(100).await.unwrap().is_empty());
    assert_eq!(s.delivery_backlog(site.id).await.unwrap(), (3, 0));
    // One worker takes the webhook; another finds nothing while the lease holds.
    let taken = s.take_due_deliveries(t(11), t(41), 10, 2).await.unwrap();
    assert_eq!(taken.len(), 1);
    let order: Vec<i64> = taken[0].iter().map(|d| d.change.id).collect();
    assert_eq!(order, ids[..2]);
    assert!(s.take_due_deliveries(t(12), t(42), 10, 2).await.unwrap().is_empty());
    // The first is delivered; the second fails and keeps the webhook away until its retry.
    let (first, second) = (&taken[0][0], &taken[0][1]);
    let failed = DeliveryOutcome::Failed { why: "the receiver answered 500".into() };
    let attempts = [
        Attempt { delivery: first.id, outcome: DeliveryOutcome::Delivered { status: 200 }, at: t(13) },
        Attempt { delivery: second.id, outcome: failed.clone(), at: t(13) },
    ];
    s.finish_deliveries(id, t(41), &attempts, Some(t(20)), None).await.unwrap();
    assert_eq!(s.delivery_backlog(site.id).await.unwrap(), (2, 1));
    // What was delivered is forgotten after a while, with its change; what waits is kept.
    assert_eq!(s.purge_webhook_history(t(13), 100).await.unwrap(), 0, "nothing older yet");
    assert_eq!(s.purge_webhook_history(t(14), 100).await.unwrap(), 2, "the delivery made and its change");
    assert_eq!(s.delivery_backlog(site.id).await.unwrap(), (2, 1));
    assert!(s.take_due_deliveries(t(14), t(44), 10, 2).await.unwrap().is_empty(), "before its retry");
    let retried = s.take_due_deliveries(t(20), t(50), 10, 10).await.unwrap();
    let order: Vec<(i64, u32)> = retried[0].iter().map(|d| (d.change.id, d.attempts)).collect();
    assert_eq!(order, [(ids[1], 1), (ids[2], 0)], "the failed one first, then the rest");
    // A crashed worker's lease runs out; a stopped webhook is taken by nobody.
    assert_eq!(s.take_due_deliveries(t(51), t(81), 10, 10).await.unwrap().len(), 1);
    // The crashed worker coming back late does not let the webhook go under its new holder.
    s.finish_deliveries(id, t(50), &[], None, None).await.unwrap();
    s.release_webhook(id, t(50)).await.unwrap();
    assert!(s.take_due_deliveries(t(52), t(82), 10, 10).await.unwrap().is_empty(), "held by the second worker");
    let again = [Attempt { delivery: retried[0][0].id, outcome: failed, at: t(82) }];
    s.finish_deliveries(id, t(81), &again, Some(t(82)), Some(WebhookStatus::Inactive)).await.unwrap();
    assert!(s.take_due_deliveries(t(90), t(120), 10, 10).await.unwrap().is_empty());
    assert_eq!(s.webhook(site.id, id).await.unwrap().unwrap().status, WebhookStatus::Inactive);
    // Deleting the webhook takes what it had yet to deliver.
    s.delete_webhook(site.id, id).await.unwrap();
    assert_eq!(s.delivery_backlog(site.id).await.unwrap(), (0, 0));
    assert!(matches!(s.delete_webhook(site.id, id).await, Err(StoreError::Missing)));
}

/// A snapshot is every table at once: restoring it takes back sites, users, meetings and mails
/// made since, in one step, and the read cache serves nothing from before the restore.
async fn a_snapshot_restores_every_table_and_the_cache_forgets(ctx: Ctx) {
    let clock = Arc::new(AdjustableClock::pinned(t(0)));
    let s = listening(ctx.reopen().await.with_read_cache_on(std::time::Duration::from_secs(60), clock)).await;
    let site = new_site(&s, "acme").await;
    let host = add(&s, &person(site.id, "host", "Host", "H")).await;
    s.insert_meeting(&meeting(site.id, host.id, 111_111_111, 100)).await.expect("meeting");
    assert!(matches!(s.restore_snapshot("base").await, Err(StoreError::Missing)));
    s.save_snapshot("base").await.expect("save");
    // Saving again replaces it.
    s.save_snapshot("base").await.expect("save again");
    assert_eq!(s.snapshots().await.unwrap(), ["base"]);

    let later = add(&s, &person(site.id, "later", "Later", "L")).await;
    s.insert_user(&person(site.id, "mailed", "", ""), NO_SEAT, &[welcome(site.id, "m@example.com", t(5))])
        .await
        .expect("mailed");
    s.insert_meeting(&meeting(site.id, later.id, 222_222_222, 200)).await.expect("meeting");
    let other = new_site(&s, "other").await;
    // Read through the cache, so a stale copy would be served if the cache kept it.
    assert!(s.user_by_webex_id(site.id, "later").await.unwrap().is_some());
    assert!(s.meeting_by_key(site.id, 222_222_222).await.unwrap().is_some());
    assert!(s.site_by_name("other").await.unwrap().is_some());

    s.restore_snapshot("base").await.expect("restore");
    assert!(s.user_by_webex_id(site.id, "later").await.unwrap().is_none());
    assert!(s.meeting_by_key(site.id, 222_222_222).await.unwrap().is_none());
    assert!(s.site_by_name("other").await.unwrap().is_none());
    assert!(s.site_by_id(other.id).await.unwrap().is_none());
    assert!(s.outbox(None, 10).await.unwrap().is_empty());
    assert_eq!(s.user_by_webex_id(site.id, "host").await.unwrap().unwrap().id, host.id);
    assert!(s.meeting_by_key(site.id, 111_111_111).await.unwrap().is_some());
    // The store goes on: new rows get fresh ids, and restoring twice is the same state.
    let again = add(&s, &person(site.id, "again", "Again", "A")).await;
    assert!(again.id > host.id);
    s.restore_snapshot("base").await.expect("restore again");
    assert!(s.user_by_webex_id(site.id, "again").await.unwrap().is_none());
    assert!(matches!(s.save_snapshot("Bad Name").await, Err(StoreError::Backend(_))));
    assert!(matches!(s.restore_snapshot("nope").await, Err(StoreError::Missing)));
}

async fn the_outbox_is_emptied(ctx: Ctx) {
    let s = &ctx.store;
    let site = new_site(s, "acme").await;
    let mails = [welcome(site.id, "a@example.com", t(1)), welcome(site.id, "b@example.com", t(2))];
    s.insert_user(&person(site.id, "one", "", ""), NO_SEAT, &mails).await.expect("one");
    assert_eq!(s.clear_outbox().await.unwrap(), 2);
    assert!(s.outbox(None, 10).await.unwrap().is_empty());
    assert_eq!(s.clear_outbox().await.unwrap(), 0);
}

// ---------------------------------------------------------------- several instances (PostgreSQL)

/// Issue #16: a change made through one instance is seen by every other within this long. A
/// correctness bound measured by the monotonic clock, not a speed benchmark.
const ACROSS_INSTANCES: Duration = Duration::from_millis(100);
/// How long a listener may take to connect (or reconnect) before a test gives up on it.
const LISTENER_DEADLINE: Duration = Duration::from_secs(10);

/// Polls `seen` until it holds; fails when a try begun after `limit` still did not see it. It
/// yields to the runtime between tries (the listener task runs on it) instead of sleeping.
async fn seen_within<F, Fut>(limit: Duration, what: &str, mut seen: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        let tried_at = start.elapsed();
        if seen().await {
            return;
        }
        assert!(tried_at <= limit, "{what}: not seen within {limit:?}");
        tokio::task::yield_now().await;
    }
}

/// `store`, once it serves its cache: on PostgreSQL when its listener listens (its cache is
/// bypassed until then); on SQLite at once.
async fn listening(store: SqlStore) -> SqlStore {
    if store.engine() == Engine::Postgres {
        seen_within(LISTENER_DEADLINE, "the invalidation listener", || async { store.cache_stats().listening }).await;
    }
    store
}

impl Ctx {
    /// Another kaigi instance on the same PostgreSQL schema as `ctx.store`, with its own read
    /// cache aging by `clock`, once it listens for the others' changes.
    async fn cached_instance(&self, clock: Arc<AdjustableClock>) -> SqlStore {
        listening(self.reopen().await.with_read_cache_on(Duration::from_secs(3600), clock)).await
    }

    fn schema(&self) -> &str {
        match &self.at {
            Location::Postgres { schema, .. } => schema,
            Location::Sqlite(_) => panic!("a PostgreSQL test ran on SQLite"),
        }
    }

    /// Runs a query on a connection of its own and returns the first column of each row.
    async fn raw_rows<T>(&self, sql: &str) -> Vec<T>
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        let Location::Postgres { url, .. } = &self.at else { panic!("a PostgreSQL test ran on SQLite") };
        let mut conn = AnyConnection::connect(url).await.expect("raw connect");
        let rows = sqlx::query(sql).fetch_all(&mut conn).await.expect("raw query");
        conn.close().await.expect("raw close");
        rows.iter().map(|r| sqlx::Row::try_get::<T, _>(r, 0).expect("first column")).collect()
    }

    /// The backends of the listeners on this test's schema.
    async fn listener_backends(&self) -> Vec<i32> {
        self.raw_rows(&format!(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'kaigi-invalidation:{}' ORDER BY pid",
            self.schema()
        ))
        .await
    }
}

/// Reads through `store` twice and checks that the second read came from its cache (one more hit
/// in the table `hits` picks): what follows then tests the invalidation, not a bypass.
async fn read_twice<T, F, Fut>(store: &SqlStore, hits: fn(&kaigi_store::CacheStats) -> u64, read: F) -> T
where
    T: PartialEq + std::fmt::Debug,
    F: Fn() -> Fut,
    Fut: Future<Output = T>,
{
    let first = read().await;
    let before = hits(&store.cache_stats());
    let second = read().await;
    assert_eq!(hits(&store.cache_stats()), before + 1, "the second read was served from memory");
    assert_eq!(first, second);
    second
}

/// Tests that mean something on PostgreSQL only (several instances hearing each other): ignored
/// without it, like the PostgreSQL half, and recorded with it.
macro_rules! on_postgres_only {
    ($($name:ident),* $(,)?) => {
        mod postgres_only {
            /// Every PostgreSQL-only test (recorded with the PostgreSQL half).
            pub(crate) const ALL: &[&str] = &[$(stringify!($name)),*];
            $(
                #[tokio::test]
                #[cfg_attr(not(kaigi_pg), ignore = "needs PostgreSQL")]
                async fn $name() { crate::on_postgres(stringify!($name), crate::$name).await }
            )*
        }
    };
}

on_postgres_only!(
    another_instance_sees_each_change_within_100_ms,
    a_lost_listener_empties_the_cache_and_listens_again,
    stores_in_other_schemas_are_not_heard,
);

/// Two instances with read caches on one schema: what A changes, B stops serving within 100 ms.
/// B's clock never moves, so its time-to-live cannot be what shows the change. Everything is
/// made before B listens, so the only notification B can hear after each read is the change's.
async fn another_instance_sees_each_change_within_100_ms(ctx: Ctx) {
    let setup = &ctx.store;
    let site = new_site(setup, "acme").await;
    let ann = add(setup, &person(site.id, "ann", "Ann", "One")).await;
    let bob = add(setup, &person(site.id, "bob", "Bob", "Two")).await;
    let token = reading_token("across-token", site.id, ann.id);
    let token_id = setup.insert_token(&token).await.unwrap();
    let mut m = meeting(site.id, ann.id, 777_000_111, 100);
    m.id = setup.insert_meeting(&m).await.unwrap();

    let clock = Arc::new(AdjustableClock::pinned(t(0)));
    let a = ctx.cached_instance(clock.clone()).await;
    let b = ctx.cached_instance(clock.clone()).await;

    // A deactivation.
    let read = || async { b.user_by_webex_id(site.id, "ann").await.unwrap().unwrap().active };
    assert_eq!(read_twice(&b, |s| s.users.hits, read).await, ActiveState::Activated);
    a.update_user(&User { active: ActiveState::Deactivated, ..ann.clone() }, NO_SEAT, &[]).await.unwrap();
    seen_within(ACROSS_INSTANCES, "a deactivation", || async { read().await == ActiveState::Deactivated }).await;

    // A password change: the credential epoch every ticket and token is checked against.
    let epoch = || async { b.credential_epoch(bob.id).await.unwrap().unwrap() };
    let before = read_twice(&b, |s| s.epochs.hits, epoch).await;
    a.revoke_credentials(bob.id).await.unwrap();
    seen_within(ACROSS_INSTANCES, "a credential epoch", || async { epoch().await == before + 1 }).await;

    // A revoked token.
    let revoked = || async { b.token_by_hash("across-token").await.unwrap().unwrap().revoked_at };
    assert_eq!(read_twice(&b, |s| s.tokens.hits, revoked).await, None);
    a.revoke_token(token_id, t(10)).await.unwrap();
    seen_within(ACROSS_INSTANCES, "a revoked token", || async { revoked().await == Some(t(10)) }).await;

    // A deleted meeting.
    let found = || async { b.meeting_by_key(site.id, m.meeting_key).await.unwrap().is_some() };
    assert!(read_twice(&b, |s| s.meetings.hits, found).await);
    a.delete_meeting(site.id, m.id, t(20), &[]).await.unwrap();
    seen_within(ACROSS_INSTANCES, "a deleted meeting", || async { !found().await }).await;

    // A site's settings.
    let limit = || async { b.site_by_name("acme").await.unwrap().unwrap().settings.max_body_contents };
    let old = read_twice(&b, |s| s.sites.hits, limit).await;
    let settings = SiteSettings { max_body_contents: old + 1, ..site.settings.clone() };
    a.update_site_settings(site.id, &settings).await.unwrap();
    seen_within(ACROSS_INSTANCES, "a site's settings", || async { limit().await == old + 1 }).await;

    let stats = b.cache_stats();
    assert!(stats.listening && stats.notifications >= 5, "{stats:?}");
    assert_eq!((stats.connections_lost, stats.announce_failures), (0, 0), "{stats:?}");
    a.close().await;
    b.close().await;
}

/// When its notification connection is killed, an instance empties its cache, reconnects, empties
/// it again, and hears the others' changes as before; closing the store closes the connection.
async fn a_lost_listener_empties_the_cache_and_listens_again(ctx: Ctx) {
    let a = &ctx.store; // no cache: it only writes, and has no listener of its own
    let site = new_site(a, "acme").await;
    let ann = add(a, &person(site.id, "ann", "Ann", "One")).await;
    let clock = Arc::new(AdjustableClock::pinned(t(0)));
    let b = ctx.cached_instance(clock).await;
    let first_name = || async { b.user_by_webex_id(site.id, "ann").await.unwrap().unwrap().first_name };
    assert_eq!(read_twice(&b, |s| s.users.hits, first_name).await, "Ann");
    let before = b.cache_stats();
    assert_eq!((before.users.entries, before.connections_lost), (1, 0), "{before:?}");

    let backends = ctx.listener_backends().await;
    assert_eq!(backends.len(), 1, "B's listener is the one on this schema");
    let killed: Vec<bool> = ctx
        .raw_rows(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'kaigi-invalidation:{}'",
            ctx.schema()
        ))
        .await;
    assert_eq!(killed, [true]);

    seen_within(LISTENER_DEADLINE, "the lost connection", || async { b.cache_stats().connections_lost == 1 }).await;
    assert_eq!(b.cache_stats().users.entries, 0, "the cache was emptied");
    let back = listening(b).await;
    let after = back.cache_stats();
    assert!(after.full_drops >= before.full_drops + 2, "emptied when lost and when back: {before:?} {after:?}");
    let again = ctx.listener_backends().await;
    assert!(again.len() == 1 && again != backends, "a new connection: {backends:?} {again:?}");

    // Heard again.
    let first_name = || async { back.user_by_webex_id(site.id, "ann").await.unwrap().unwrap().first_name };
    assert_eq!(read_twice(&back, |s| s.users.hits, first_name).await, "Ann");
    a.update_user(&User { first_name: "Anna".into(), ..ann.clone() }, NO_SEAT, &[]).await.unwrap();
    seen_within(ACROSS_INSTANCES, "a rename after the reconnection", || async { first_name().await == "Anna" }).await;

    back.close().await;
    seen_within(LISTENER_DEADLINE, "the listener's connection closed", || async {
        ctx.listener_backends().await.is_empty()
    })
    .await;
}

/// Stores in different schemas of one database keep to themselves: X hears its own schema's
/// change and none of the many made in another schema before it (PostgreSQL delivers a
/// listener's notifications in commit order, so anything for X would have come first).
async fn stores_in_other_schemas_are_not_heard(ctx: Ctx) {
    let site = new_site(&ctx.store, "acme").await;
    add(&ctx.store, &person(site.id, "ann", "Ann", "One")).await;
    let clock = Arc::new(AdjustableClock::pinned(t(0)));
    let x = ctx.cached_instance(clock.clone()).await;
    let name = || async { x.user_by_webex_id(site.id, "ann").await.unwrap().unwrap().first_name };
    assert_eq!(read_twice(&x, |s| s.users.hits, name).await, "Ann");

    // Another schema, same ids: the same site and user ids as X's, changed in every way.
    let elsewhere = ctx.at.fresh();
    let y = listening(elsewhere.0.open().await.with_read_cache_on(Duration::from_secs(3600), clock)).await;
    let other_site = new_site(&y, "acme").await;
    assert_eq!(other_site.id, site.id, "the same ids, so that a wrong forget would drop X's entries");
    let other = add(&y, &person(other_site.id, "ann", "Ann", "Elsewhere")).await;
    y.update_user(&User { first_name: "Elsewhere".into(), ..other.clone() }, NO_SEAT, &[]).await.unwrap();
    y.revoke_credentials(other.id).await.unwrap();
    y.save_snapshot("base").await.unwrap();
    y.restore_snapshot("base").await.unwrap();
    seen_within(LISTENER_DEADLINE, "Y hearing its own changes", || async { y.cache_stats().notifications >= 5 }).await;

    // X's schema: one change, on sites.
    let settings = SiteSettings { max_body_contents: site.settings.max_body_contents + 1, ..site.settings.clone() };
    ctx.store.update_site_settings(site.id, &settings).await.unwrap();
    seen_within(LISTENER_DEADLINE, "X hearing its schema's change", || async { x.cache_stats().notifications >= 1 })
        .await;
    let stats = x.cache_stats();
    assert_eq!((stats.notifications, stats.full_drops), (1, 1), "only its own schema's, no restore: {stats:?}");
    let hits = stats.users.hits;
    assert_eq!(name().await, "Ann");
    assert_eq!(x.cache_stats().users.hits, hits + 1, "X's user was never forgotten");
    x.close().await;
    y.close().await;
}

// ---------------------------------------------------------------- usage counts

/// Two instances on one database (PostgreSQL: two stores on one schema; SQLite: two stores on one
/// file) claim calls of one counter's window at once: together they are granted exactly the limit,
/// no claim gets more than it asked, and a claim past the limit gets nothing.
async fn usage_claims_of_two_instances_never_pass_the_limit_together(ctx: Ctx) {
    const LIMIT: u32 = 500;
    let stores = [ctx.store.clone(), ctx.reopen().await];
    let grants = futures_join_all((0..8).map(|task| {
        let store = stores[task % 2].clone();
        async move {
            let mut got = Vec::new();
            for i in 0..40u32 {
                let want = 1 + (i + task as u32) % 5;
                let granted = store.claim_usage("rest:u1", t(0), want, LIMIT).await.expect("claimed");
                assert!(granted <= want, "asked {want}, granted {granted}");
                got.push(granted);
            }
            got
        }
    }))
    .await;
    let total: u32 = grants.iter().flatten().sum();
    assert_eq!(total, LIMIT, "8 × 40 claims of up to 5 asked for more than the limit");
    assert_eq!(stores[1].claim_usage("rest:u1", t(0), 3, LIMIT).await.expect("claimed"), 0);
    // Other counters and other windows count apart; a raised limit grants the difference only.
    assert_eq!(stores[0].claim_usage("rest:u2", t(0), 3, LIMIT).await.expect("claimed"), 3);
    assert_eq!(stores[0].claim_usage("rest:u1", t(60), 7, LIMIT).await.expect("claimed"), 7);
    assert_eq!(stores[0].claim_usage("rest:u1", t(0), 50, LIMIT + 10).await.expect("claimed"), 10);
    assert_eq!(stores[1].claim_usage("rest:u1", t(0), 1, 3).await.expect("claimed"), 0, "lowered below the count");
    assert_eq!(stores[1].claim_usage("rest:u3", t(0), 4, 0).await.expect("claimed"), 0, "a limit of 0");
    stores[1].close().await;
}

/// The purge forgets windows that started before the time it is given, a bounded batch at a
/// time, and leaves later windows counted.
async fn usage_purge_forgets_old_windows_only(ctx: Ctx) {
    let s = &ctx.store;
    for (counter, at) in [("a", t(0)), ("b", t(0)), ("a", t(60)), ("a", t(120)), ("b", t(180))] {
        assert_eq!(s.claim_usage(counter, at, 2, 2).await.expect("claimed"), 2);
    }
    assert_eq!(s.purge_usage(t(120), 2).await.expect("purged"), 2, "a batch of at most 2");
    assert_eq!(s.purge_usage(t(120), 10).await.expect("purged"), 1);
    assert_eq!(s.purge_usage(t(120), 10).await.expect("purged"), 0);
    // The windows at 120 and 180 are still used up; the forgotten ones count afresh.
    assert_eq!(s.claim_usage("a", t(120), 1, 2).await.expect("claimed"), 0);
    assert_eq!(s.claim_usage("b", t(180), 1, 2).await.expect("claimed"), 0);
    assert_eq!(s.claim_usage("a", t(0), 1, 2).await.expect("claimed"), 1);
    assert_eq!(s.claim_usage("a", t(60), 1, 2).await.expect("claimed"), 1);
}
