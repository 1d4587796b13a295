use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::{DatedPlan, ExceptionCount, HostMonth, LicenseDecision, LicensePlan, SeatPeriod};

/// A plan as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    #[serde(flatten)]
    pub plan: LicensePlan,
    /// When it took effect; None for a site that never had one (treated as not limited).
    pub effective_from: Option<DateTime<Utc>>,
}

/// One refusal or violation, with the booking that caused it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// unlicensed_host_key_claim | unlicensed_host | refused_booking | refused_join (a wrong meeting
    /// password or host key, or too many) | shared_account | over_purchase
    pub kind: &'static str,
    /// The person (webExId or email); for shared_account the host account; None for over_purchase.
    pub person: Option<String>,
    /// The meeting key, when there is a booking.
    pub booking: Option<String>,
    pub booking_name: Option<String>,
    pub at: DateTime<Utc>,
    /// The licence question behind it (schedule, host_key_claim …), when there was one.
    pub action: Option<&'static str>,
    pub requester: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MonthReport {
    /// "YYYY-MM" on the site's calendar.
    pub month: String,
    /// The plan in force at the end of the month (or now, for the current month).
    pub plan: PlanView,
    /// Distinct people who scheduled (not refused) or hosted (incl. host-key claims).
    pub distinct_hosts: u32,
    /// The most seats held at one time during the month.
    pub seats_assigned: u32,
    /// Named User licences the month needed: everyone who held a seat, plus everyone who hosted
    /// without one.
    pub needed_named_user: u32,
    /// Active User licences the month needed: distinct hosts, but not below the minimum.
    pub needed_active_user: u32,
    /// The Active User minimum used for `needed_active_user` (0 when the site never had one).
    pub active_user_minimum: u32,
    /// Active User plan in force and more distinct hosts than purchased.
    pub over_purchase: bool,
    /// Refusals and violations by kind (all of them, also those not listed).
    pub violation_counts: BTreeMap<&'static str, u64>,
    pub violations: Vec<Violation>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedUserWhatIf {
    /// Seats to buy to cover the peak month as the site is run now (`neededNamedUser`).
    pub licences: u32,
    pub peak_month: Option<String>,
    /// Distinct people who scheduled or hosted anywhere in the range: the seats needed if host
    /// rights were kept only for them.
    pub people_who_hosted: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveUserWhatIf {
    /// Licences to buy to cover the peak month (`neededActiveUser`; true-up is on the peak).
    pub licences: u32,
    pub peak_month: Option<String>,
    pub minimum: u32,
    /// Months above the purchase (only while an Active User plan was in force).
    pub months_over_purchase: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    /// The plan in force now.
    pub current: PlanView,
    /// What the current plan provides (seats or purchased licences); None when not limited.
    pub current_licences: Option<u32>,
    pub named_user: NamedUserWhatIf,
    pub active_user: ActiveUserWhatIf,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseReport {
    pub site: String,
    pub from: String,
    pub to: String,
    pub time_zone_id: u16,
    pub generated_at: DateTime<Utc>,
    /// The plan in force now.
    pub plan: PlanView,
    /// Every plan the site has had, oldest first.
    pub plan_history: Vec<PlanView>,
    pub months: Vec<MonthReport>,
    pub what_if: WhatIf,
    /// Refusals and violations in the range, and how many are listed in `months`.
    pub violations_total: u64,
    pub violations_listed: u64,
    /// Some refusals or violations are counted but not listed (more than the listing limit).
    pub truncated: bool,
}

/// What the store answers for a report.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    pub plans: Vec<DatedPlan>,
    pub seats: Vec<SeatPeriod>,
    pub hosts: Vec<HostMonth>,
    pub exception_counts: Vec<ExceptionCount>,
    pub exceptions: Vec<LicenseDecision>,
    pub shared: Vec<LicenseDecision>,
    /// Whether `shared` was cut at its limit.
    pub shared_truncated: bool,
}
