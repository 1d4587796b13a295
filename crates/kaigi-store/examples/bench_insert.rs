//! Throwaway: CreateMeeting-style inserts per second on SQLite.
#![allow(clippy::unwrap_used)]
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::DateTime;
use kaigi_core::meeting::{AttendeeOptions, ListStatus, Meeting, Recurrence, SessionKind, SessionStatus};
use kaigi_core::site::{NewSite, SiteSettings};
use kaigi_core::store::Store;
use kaigi_core::user::{ActiveState, Privileges, Profile, User};

fn meeting(site: i64, host: i64, key: u64) -> Meeting {
    let t = DateTime::from_timestamp_millis(1_700_000_000_123).unwrap();
    Meeting {
        id: 0,
        site_id: site,
        kind: SessionKind::Meeting,
        meeting_key: key,
        uuid: format!("{key:032x}"),
        conf_id: 100_000_000_000_000_000 + key,
        host_id: host,
        scheduled_by: host,
        name: format!("Meeting {key}"),
        meeting_type: 214,
        agenda: String::new(),
        greeting: String::new(),
        location: String::new(),
        invitation: String::new(),
        is_internal: false,
        start: t,
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
        enable_options: vec![],
        telephony: vec![],
        tracking: vec![],
        remind: vec![],
        repeat: Recurrence::none(),
        series_end: Some(t),
        attendee_options: AttendeeOptions::default(),
        registration_required: vec![],
        status: SessionStatus::NotInProgress,
        host_joined: false,
        participants_joined: false,
        created_at: t,
        updated_at: t,
        deleted_at: None,
    }
}

const N: u64 = 3000;

async fn run(dir: &str, sync: &str, tasks: u64, tag: &str) -> (f64, Duration, Duration) {
    let path = format!("{dir}/bench-{}-{tag}.db", std::process::id());
    let url = if std::env::var("BENCH_PLAIN_URL").is_ok() {
        format!("sqlite://{path}")
    } else {
        format!("sqlite://{path}?synchronous={sync}")
    };
    let store = kaigi_store::open(&url).await.unwrap();
    let site = store
        .create_site(
            &NewSite { name: "acme".into(), site_number: None, settings: SiteSettings::default() },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let t = chrono::Utc::now();
    let host = User {
        id: 0,
        site_id: site.id,
        webex_id: "host".into(),
        email: "host@example.com".into(),
        first_name: "H".into(),
        last_name: "H".into(),
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
        registered_at: t,
        updated_at: t,
    };
    let host = store
        .insert_user(&host, kaigi_core::license::SeatChange { before: false, after: false, limit: None }, &[])
        .await
        .unwrap();
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (store, next) = (store.clone(), next.clone());
            let site = site.id;
            tokio::spawn(async move {
                let mut lat = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= N {
                        break lat;
                    }
                    let m = meeting(site, host, 500_000_000 + i);
                    let t0 = Instant::now();
                    store.insert_meeting(&m).await.unwrap();
                    lat.push(t0.elapsed());
                }
            })
        })
        .collect();
    let mut lat = Vec::new();
    for h in handles {
        lat.extend(h.await.unwrap());
    }
    let wall = start.elapsed();
    store.close().await;
    for s in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{s}"));
    }
    lat.sort();
    (N as f64 / wall.as_secs_f64(), lat[lat.len() / 2], lat[lat.len() * 99 / 100])
}

#[tokio::main]
async fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "target/tmp".into());
    let rounds: usize = std::env::args().nth(2).map(|s| s.parse().unwrap()).unwrap_or(5);
    let syncs: Vec<String> =
        std::env::var("BENCH_SYNCS").unwrap_or_else(|_| "normal,full".into()).split(',').map(String::from).collect();
    for round in 0..rounds {
        let tasks_list: Vec<u64> = std::env::var("BENCH_TASKS")
            .unwrap_or_else(|_| "1,16".into())
            .split(',')
            .map(|s| s.parse().unwrap())
            .collect();
        for &tasks in &tasks_list {
            for sync in &syncs {
                let (rps, p50, p99) = run(&dir, sync, tasks, &format!("{round}-{sync}-{tasks}")).await;
                println!(
                    "round={round} sync={sync} tasks={tasks} rps={rps:.0} p50_us={} p99_us={}",
                    p50.as_micros(),
                    p99.as_micros()
                );
            }
        }
    }
}
