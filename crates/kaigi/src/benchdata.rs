//! `kaigi license generate-bench-data` (hidden): fills a site with synthetic users and the
//! licence decisions a year of bookings leaves, written through the store in batches, for the
//! report benchmark (bench/license-report.sh). It prints, per month, the numbers it expects the
//! report to show, counted from its own list of bookings, so a run can be checked.
//!
//! What one booking leaves in the log: a scheduling decision; for most, a host start; a few are
//! joined by a guest who claims the host role with the host key; a few bookings are refused.
//! The meeting rows themselves are not written: the report does not read them.

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use clap::Args;
use kaigi_core::error::Field;
use kaigi_core::model::{
    DatedPlan, LicenseAction, LicenseDecision, LicenseOutcome, LicensePlan, NewSite, SeatChange, SiteSettings, User,
};
use kaigi_core::ports::Store;
use kaigi_core::rules::licence::month_of;
use kaigi_core::rules::licence_report::{format_month, parse_month};

#[derive(Args, Clone)]
pub struct BenchDataArgs {
    /// The site to create (it must not exist).
    #[arg(long, default_value = "bench")]
    pub site: String,
    #[arg(long, default_value_t = 10_000)]
    pub users: u32,
    /// Users with a host licence (the first ones).
    #[arg(long, default_value_t = 1_200)]
    pub licensed: u32,
    #[arg(long, default_value_t = 1_000_000)]
    pub meetings: u32,
    /// First month of the bookings, YYYY-MM.
    #[arg(long, default_value = "2026-01")]
    pub from: String,
    #[arg(long, default_value_t = 12)]
    pub months: u32,
    /// Active User plan: licences purchased (and the minimum is half of it).
    #[arg(long, default_value_t = 1_000)]
    pub purchased: u32,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// splitmix64: small, fast, and the same numbers on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, per_thousand: u64) -> bool {
        self.below(1000) < per_thousand
    }
}

const BATCH: usize = 5_000;

pub async fn generate(store: &dyn Store, a: &BenchDataArgs) -> Result<(), String> {
    let began = Instant::now();
    let from = parse_month(Field::From, &a.from).map_err(|e| e.to_string())?;
    let start = DateTime::parse_from_rfc3339(&format!("{}-01T00:00:00Z", format_month(from)))
        .map_err(|e| e.to_string())?
        .with_timezone(&Utc);
    let span_secs = i64::from(a.months.max(1)) * 30 * 24 * 3600;
    let settings = SiteSettings::default();
    let site = store
        .create_site(&NewSite { name: a.site.clone(), site_number: None, settings: settings.clone() }, start)
        .await
        .map_err(|e| format!("create site {}: {e}", a.site))?;
    let plan = LicensePlan::ActiveUser { purchased: a.purchased, minimum: a.purchased / 2 };
    store
        .add_license_plan(site.id, &DatedPlan { effective_from: start - Duration::days(1), plan })
        .await
        .map_err(|e| e.to_string())?;

    let mut users: Vec<User> = Vec::with_capacity(a.users as usize);
    for i in 0..a.users {
        let webex_id = format!("u{i:05}");
        let mut u = User::new_on_site(&site, webex_id.clone(), format!("{webex_id}@bench.example"), start);
        u.updated_at = start - Duration::days(1);
        u.privileges.host = i < a.licensed;
        let seat = SeatChange { before: false, after: u.privileges.host, limit: None };
        u.id = store.insert_user(&u, seat, &[]).await.map_err(|e| format!("user {webex_id}: {e}"))?;
        users.push(u);
    }
    note!("{} users in {:.1?}", users.len(), began.elapsed());

    let mut rng = Rng(a.seed);
    let mut expected_hosts: BTreeMap<u32, HashSet<i64>> = BTreeMap::new();
    let mut expected_exceptions: BTreeMap<u32, u64> = BTreeMap::new();
    let mut batch: Vec<LicenseDecision> = Vec::with_capacity(BATCH + 4);
    let licensed = a.licensed.clamp(1, a.users.max(1));
    let unlicensed = a.users.saturating_sub(licensed);
    let mut written = 0u64;
    for i in 0..a.meetings {
        let at = start + Duration::seconds(i64::try_from(rng.below(span_secs as u64)).unwrap_or(0));
        let month = month_of(&settings, at);
        // Busier months draw their hosts from a larger part of the licensed staff.
        let pool = u64::from(licensed) * (70 + (month % 100) as u64 * 3) / 100;
        let decide = |action: LicenseAction, outcome: LicenseOutcome, u: &User| LicenseDecision {
            id: 0,
            site_id: site.id,
            at,
            month,
            action,
            outcome,
            person: u.webex_id.clone(),
            user_id: Some(u.id),
            meeting_id: None,
            meeting_key: Some(100_000_000 + u64::from(i)),
            booking_name: format!("Bench meeting {i}"),
            booked_by: Some(u.webex_id.clone()),
            requester: None,
            plan: "ActiveUser".into(),
            reason: format!("{} {} (generated)", action.as_str(), outcome.as_str()),
        };
        if unlicensed > 0 && rng.chance(5) {
            let u = &users[(licensed + rng.below(u64::from(unlicensed)) as u32) as usize];
            let mut d = decide(LicenseAction::Schedule, LicenseOutcome::Refused, u);
            d.meeting_key = None;
            batch.push(d);
            *expected_exceptions.entry(month).or_default() += 1;
            continue;
        }
        let host = &users[rng.below(pool.clamp(1, u64::from(licensed))) as usize];
        let mut d = decide(LicenseAction::Schedule, LicenseOutcome::AllowedCounted, host);
        // The thread's booking account: u00000 books for many people.
        if host.id == users[0].id {
            d.requester = Some(format!("emp{:03}", rng.below(200)));
        }
        batch.push(d);
        let hosts = expected_hosts.entry(month).or_default();
        hosts.insert(host.id);
        if rng.chance(700) {
            batch.push(decide(LicenseAction::HostStart, LicenseOutcome::AllowedCounted, host));
        }
        if unlicensed > 0 && rng.chance(10) {
            let guest = &users[(licensed + rng.below(u64::from(unlicensed)) as u32) as usize];
            batch.push(decide(LicenseAction::HostKeyClaim, LicenseOutcome::Violation, guest));
            hosts.insert(guest.id);
            *expected_exceptions.entry(month).or_default() += 1;
        }
        if batch.len() >= BATCH {
            store.record_license_decisions(&batch).await.map_err(|e| e.to_string())?;
            written += batch.len() as u64;
            batch.clear();
        }
    }
    store.record_license_decisions(&batch).await.map_err(|e| e.to_string())?;
    written += batch.len() as u64;
    note!("{} meetings, {written} decisions in {:.1?}", a.meetings, began.elapsed());
    for (month, hosts) in &expected_hosts {
        out!(
            "{{\"month\":\"{}\",\"distinctHosts\":{},\"refusedAndClaims\":{}}}",
            format_month(*month),
            hosts.len(),
            expected_exceptions.get(month).copied().unwrap_or(0)
        )?;
    }
    Ok(())
}
