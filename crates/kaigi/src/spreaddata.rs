//! `kaigi site generate-spread-data` (hidden): a site the way a booking system sees it, for the
//! spread benchmark (bench/run-spread.sh) and the list benchmark: HOSTS licensed hosts, MEETINGS
//! meetings dealt round-robin over them with starts spread over the coming weeks, and one
//! personal access token per host. Everything goes through the core's use cases (users with
//! their hashed passwords, meetings with their keys, licence checks and options), so the rows are
//! the ones a real client would have made; only the concurrency is a load generator's.
//!
//! It writes two tab-separated files the benchmark's wrk scripts read:
//! `xml.tsv` (webExId, password, meetingKey) and `rest.tsv` (token, meeting id), one line per
//! meeting, in a shuffled order (so that no two neighbouring lines share a host); and
//! `people.tsv` (webExId, password, token), the site administrator first, then the hosts.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, DurationRound};
use clap::Args;
use kaigi_core::model::{Caller, LicensePlan, MeetingFields, NewUser, SessionKind, SiteSettings, UserFields};
use kaigi_core::Kaigi;

#[derive(Args, Clone)]
pub struct SpreadDataArgs {
    /// The site to create (it must not exist).
    #[arg(long, default_value = "spread")]
    pub site: String,
    #[arg(long, default_value_t = 100)]
    pub hosts: u32,
    #[arg(long, default_value_t = 10_000)]
    pub meetings: u32,
    /// Meetings created at once (the core's group commit batches them).
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Where `xml.tsv` and `rest.tsv` are written (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// Every host's password (a benchmark's, not a secret).
pub const PASSWORD: &str = "spread-pass-1";
/// The site administrator's webExId (same password).
pub const ADMIN: &str = "badmin";

/// splitmix64: the same shuffle on every machine.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub async fn generate(kaigi: Arc<Kaigi>, a: &SpreadDataArgs) -> Result<(), String> {
    let began = Instant::now();
    let hosts = a.hosts.max(1);
    // The load must not be refused by the per-user limits it is measuring around.
    let settings = SiteSettings {
        brand_name: "kaigi spread benchmark".into(),
        rest_calls_per_minute: u32::MAX / 2,
        usage_limit_per_minute: u32::MAX / 2,
        ..SiteSettings::default()
    };
    let site = kaigi
        .create_site(&a.site, settings, LicensePlan::NamedUser { seats: hosts })
        .await
        .map_err(|e| format!("create site {}: {e}", a.site))?;
    let operator = Caller::operator(site.clone());
    // A site administrator, who lists every meeting of the site (the list benchmark's admin).
    let admin = NewUser {
        webex_id: ADMIN.into(),
        fields: UserFields {
            first_name: Some("Bench".into()),
            last_name: Some("Admin".into()),
            email: Some(format!("{ADMIN}@spread.example")),
            password: Some(PASSWORD.into()),
            privileges: vec![("siteAdmin".into(), true), ("host".into(), false)],
            ..UserFields::default()
        },
        send_welcome: false,
        html_email: false,
    };
    kaigi.create_user(&operator, &admin).await.map_err(|e| format!("user {ADMIN}: {e}"))?;
    let admin_token = kaigi.create_personal_token(&site, ADMIN, None).await.map_err(|e| e.to_string())?.token;
    let mut webex_ids = Vec::with_capacity(hosts as usize);
    let mut tokens = Vec::with_capacity(hosts as usize);
    for i in 1..=hosts {
        let webex_id = format!("bhost{i:04}");
        let req = NewUser {
            webex_id: webex_id.clone(),
            fields: UserFields {
                first_name: Some("Bench".into()),
                last_name: Some(format!("Host {i}")),
                email: Some(format!("{webex_id}@spread.example")),
                password: Some(PASSWORD.into()),
                privileges: vec![("host".into(), true)],
                ..UserFields::default()
            },
            send_welcome: false,
            html_email: false,
        };
        kaigi.create_user(&operator, &req).await.map_err(|e| format!("user {webex_id}: {e}"))?;
        let token = kaigi.create_personal_token(&site, &webex_id, None).await.map_err(|e| e.to_string())?;
        webex_ids.push(webex_id);
        tokens.push(token.token);
    }
    note!("{hosts} hosts and their tokens in {:.1?}", began.elapsed());

    let first = kaigi.now().duration_trunc(Duration::hours(1)).map_err(|e| e.to_string())? + Duration::days(1);
    let concurrency = a.concurrency.max(1);
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<Result<(u32, u64, String), String>>(concurrency * 4);
    let next_index = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let webex_ids = Arc::new(webex_ids);
    for _ in 0..concurrency {
        let (kaigi, operator, done_tx, next_index, webex_ids) =
            (kaigi.clone(), operator.clone(), done_tx.clone(), next_index.clone(), webex_ids.clone());
        let total = a.meetings;
        tokio::spawn(async move {
            loop {
                let i = next_index.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let host = i % webex_ids.len() as u32;
                let fields = MeetingFields {
                    name: Some(format!("Spread meeting {i}")),
                    // A host's meetings follow each other every 30 minutes.
                    // Wall-clock times in the host's zone (the site's default).
                    start: Some((first + Duration::minutes(30 * i64::from(i / webex_ids.len() as u32))).naive_utc()),
                    duration_minutes: Some(30),
                    host_webex_id: Some(webex_ids[host as usize].clone()),
                    ..MeetingFields::default()
                };
                let made = kaigi
                    .create_meeting(&operator, SessionKind::Meeting, &fields)
                    .await
                    .map(|m| (host, m.meeting_key, m.uuid))
                    .map_err(|e| format!("meeting {i}: {e}"));
                if done_tx.send(made).await.is_err() {
                    break;
                }
            }
        });
    }
    drop(done_tx);
    let mut made = Vec::with_capacity(a.meetings as usize);
    while let Some(m) = done_rx.recv().await {
        made.push(m?);
        if made.len() % 100_000 == 0 {
            note!("{} meetings in {:.1?}", made.len(), began.elapsed());
        }
    }
    note!("{} meetings in {:.1?}", made.len(), began.elapsed());

    // Fisher–Yates, so that a wrk thread walking the file meets hosts in no order.
    let mut state = a.seed;
    for i in (1..made.len()).rev() {
        let j = (next(&mut state) % (i as u64 + 1)) as usize;
        made.swap(i, j);
    }
    std::fs::create_dir_all(&a.out).map_err(|e| format!("{}: {e}", a.out.display()))?;
    let write = |name: &str, line: &dyn Fn(&(u32, u64, String)) -> String| -> Result<(), String> {
        let path = a.out.join(name);
        let file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut w = std::io::BufWriter::new(file);
        for m in &made {
            writeln!(w, "{}", line(m)).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        w.flush().map_err(|e| format!("{}: {e}", path.display()))
    };
    write("xml.tsv", &|(host, key, _)| format!("{}\t{PASSWORD}\t{key}", webex_ids[*host as usize]))?;
    write("rest.tsv", &|(host, _, uuid)| format!("{}\t{uuid}", tokens[*host as usize]))?;
    let people = a.out.join("people.tsv");
    let mut lines = format!("{ADMIN}\t{PASSWORD}\t{admin_token}\n");
    for (webex_id, token) in webex_ids.iter().zip(&tokens) {
        lines.push_str(&format!("{webex_id}\t{PASSWORD}\t{token}\n"));
    }
    std::fs::write(&people, lines).map_err(|e| format!("{}: {e}", people.display()))?;
    out!("{{\"site\":\"{}\",\"hosts\":{hosts},\"meetings\":{}}}", a.site, made.len())?;
    Ok(())
}
