//! The licence decision log. Every licence question (see [`crate::license::decide`]) is asked
//! through [`Kaigi::ask_licence`] and leaves one [`LicenseDecision`]: who, which booking, what was
//! decided and why, refusals included. The compliance report (`license_report`) is computed from
//! this log, the seat history and the plan history, so it can explain every number it shows.

use async_trait::async_trait;
use chrono::{DateTime, Datelike, Utc};

use crate::error::{Error, LicenseError, Result};
use crate::license::{decide, holds_seat, plan_in_force, LicenseAction, LicenseOutcome, LicensePlan};
use crate::meeting::{Meeting, MeetingId};
use crate::model::meeting_options::TrackingCodes;
use crate::service::Kaigi;
use crate::site::{Site, SiteId, SiteSettings};
use crate::store::StoreError;
use crate::timezone;
use crate::user::{User, UserId};

/// A calendar month as `YYYYMM` (202601 is January 2026), in the site's time zone.
pub type Month = u32;

/// Longest requester value kept; longer ones are cut.
pub const MAX_REQUESTER: usize = 128;

/// The month of `at` on `site`'s calendar (its time zone).
pub fn month_of(site: &SiteSettings, at: DateTime<Utc>) -> Month {
    let zone = timezone::by_id(site.time_zone_id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)]);
    let local = zone.to_local(at);
    u32::try_from(local.year()).unwrap_or(0) * 100 + local.month()
}

/// One recorded licence decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseDecision {
    pub id: i64,
    pub site_id: SiteId,
    pub at: DateTime<Utc>,
    pub month: Month,
    pub action: LicenseAction,
    pub outcome: LicenseOutcome,
    /// The person the question was about: their webExId when they are a site user, else their
    /// email (lower-cased).
    pub person: String,
    pub user_id: Option<UserId>,
    /// The booking, once it exists (a refused booking has none).
    pub meeting_id: Option<MeetingId>,
    pub meeting_key: Option<u64>,
    /// The booking's name (kept for refused bookings, which have no key).
    pub booking_name: String,
    /// webExId of the account that made the booking (scheduling decisions).
    pub booked_by: Option<String>,
    /// The person the booking was made for, when that is someone other than `person` (see
    /// [`requester_of`]); lower-cased.
    pub requester: Option<String>,
    /// The plan in force (its name).
    pub plan: String,
    pub reason: String,
}

impl LicenseDecision {
    /// Whether this decision makes `person` one of the month's hosts: an action that counts as
    /// hosting, which was not refused.
    pub fn counts_as_hosting(&self) -> bool {
        self.action.counts_as_hosting() && self.outcome != LicenseOutcome::Refused
    }
}

/// One person who scheduled or hosted in a month (the log's monthly roll-up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostMonth {
    pub month: Month,
    pub person: String,
    pub user_id: Option<UserId>,
}

/// How many refusals or violations of one kind a month had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionCount {
    pub month: Month,
    pub action: LicenseAction,
    pub outcome: LicenseOutcome,
    pub count: u64,
}

/// The storage port of the decision log. Month ranges are inclusive.
#[async_trait]
pub trait LicenseLogStore: Send + Sync {
    /// Appends the decisions (their `id` is ignored) in one transaction, and adds each person a
    /// decision [counts as hosting](LicenseDecision::counts_as_hosting) to that month's hosts.
    async fn record_license_decisions(&self, decisions: &[LicenseDecision]) -> Result<(), StoreError>;

    /// The people who scheduled or hosted in each month, by month then person.
    async fn license_host_months(&self, site: SiteId, from: Month, to: Month) -> Result<Vec<HostMonth>, StoreError>;

    /// Refusals and violations counted by month, action and outcome.
    async fn license_exception_counts(
        &self,
        site: SiteId,
        from: Month,
        to: Month,
    ) -> Result<Vec<ExceptionCount>, StoreError>;

    /// Refusals and violations, oldest first, at most `limit`.
    async fn license_exceptions(
        &self,
        site: SiteId,
        from: Month,
        to: Month,
        limit: u32,
    ) -> Result<Vec<LicenseDecision>, StoreError>;

    /// Scheduling decisions (not refused) made for someone other than the host, of every
    /// (month, host) that has at least `min_requesters` distinct requesters; by month, person,
    /// time; at most `limit`.
    async fn license_shared_bookings(
        &self,
        site: SiteId,
        from: Month,
        to: Month,
        min_requesters: u32,
        limit: u32,
    ) -> Result<Vec<LicenseDecision>, StoreError>;

    /// The newest decisions of the site, newest first, at most `limit`.
    async fn recent_license_decisions(&self, site: SiteId, limit: u32) -> Result<Vec<LicenseDecision>, StoreError>;
}

/// Who a licence question is about.
#[derive(Debug, Clone, Copy)]
pub enum Person<'a> {
    User(&'a User),
    /// Someone known only by the email they gave (a guest who joined).
    Guest(&'a str),
}

/// What [`Kaigi::ask_licence`] answers: the decision (not yet tied to a booking, not yet
/// recorded) and, when a free seat was given, the user as they are now.
#[derive(Debug, Clone)]
pub struct Asked {
    pub decision: LicenseDecision,
    pub updated_user: Option<User>,
    /// The plan in force.
    pub plan: &'static str,
}

impl Asked {
    pub fn refused(&self) -> bool {
        self.decision.outcome == LicenseOutcome::Refused
    }

    /// The error a refused booking answers with (the faces map it: XML FAILURE, REST 403).
    pub fn error(&self) -> Error {
        Error::License(LicenseError::HostLicenseRequired { webex_id: self.decision.person.clone(), plan: self.plan })
    }
}

/// The person a booking was made for: `given` (the booking page, REST `integrationTags`) when
/// there is one; else a tracking code named `requester` or `bookedFor`; else the tracking code the
/// site names in `requesterTrackingCode`. Trimmed, lower-cased, at most [`MAX_REQUESTER`] chars.
pub fn requester_of(settings: &SiteSettings, given: Option<&str>, tracking: &TrackingCodes) -> Option<String> {
    // The site names its code as the XML API does (`trackingCode3`); the number is the slot.
    let site_code = settings.requester_tracking_code.trim();
    let slot = site_code
        .get(..12)
        .filter(|p| p.eq_ignore_ascii_case("trackingCode"))
        .and_then(|_| site_code[12..].parse().ok());
    [given, slot.and_then(|i: u8| tracking.get(i))]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|v| !v.is_empty())
        .map(|v| v.chars().take(MAX_REQUESTER).collect::<String>().to_lowercase())
}

/// The requester of a booking for `host`, unless it is the host themselves.
pub fn on_behalf_of(requester: Option<String>, host: &User) -> Option<String> {
    requester.filter(|r| !r.eq_ignore_ascii_case(&host.webex_id) && !r.eq_ignore_ascii_case(&host.email))
}

impl Kaigi {
    /// The one place a licence question is asked: finds the plan in force, gives a free seat when
    /// the site allows it, and returns the decision for the caller to tie to its booking and
    /// record with [`Kaigi::record_licence_decisions`].
    pub async fn ask_licence(&self, site: &Site, action: LicenseAction, who: Person<'_>) -> Result<Asked> {
        let now = self.now();
        let plans = self.store.license_plans(site.id).await?;
        let plan = plan_in_force(&plans, now);
        let user = match who {
            Person::User(u) => Some(u),
            Person::Guest(_) => None,
        };
        let mut free_seat = false;
        if let (LicensePlan::NamedUser { seats }, Some(u)) = (&plan, user) {
            if action.is_booking()
                && site.settings.license_auto_assign
                && u.is_active()
                && !holds_seat(u.privileges.host, true)
            {
                free_seat = self.store.seats_held(site.id).await? < *seats;
            }
        }
        let mut verdict = decide(&plan, action, user, free_seat);
        let mut updated_user = None;
        if verdict.outcome == LicenseOutcome::AutoAssigned {
            let webex_id = user.map(|u| u.webex_id.clone()).unwrap_or_default();
            match self.assign_license(site, &webex_id).await {
                Ok(u) => updated_user = Some(u),
                // Someone took the last seat meanwhile.
                Err(Error::License(LicenseError::ExceededSiteHostLimit { .. })) => {
                    verdict = decide(&plan, action, user, false);
                }
                Err(e) => return Err(e),
            }
        }
        let (person, user_id) = match who {
            Person::User(u) => (u.webex_id.clone(), Some(u.id)),
            Person::Guest(email) => (email.trim().to_lowercase(), None),
        };
        let decision = LicenseDecision {
            id: 0,
            site_id: site.id,
            at: now,
            month: month_of(&site.settings, now),
            action,
            outcome: verdict.outcome,
            person,
            user_id,
            meeting_id: None,
            meeting_key: None,
            booking_name: String::new(),
            booked_by: None,
            requester: None,
            plan: plan.name().to_string(),
            reason: verdict.reason,
        };
        Ok(Asked { decision, updated_user, plan: plan.name() })
    }

    pub async fn record_licence_decisions(&self, decisions: &[LicenseDecision]) -> Result<()> {
        if !decisions.is_empty() {
            self.store.record_license_decisions(decisions).await?;
        }
        Ok(())
    }
}

/// Ties a decision to a booking.
pub fn for_booking(mut d: LicenseDecision, m: &Meeting) -> LicenseDecision {
    d.meeting_id = (m.id != 0).then_some(m.id);
    d.meeting_key = (m.meeting_key != 0).then_some(m.meeting_key);
    d.booking_name = m.name.clone();
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_follow_the_site_time_zone() {
        // 2026-01-31 16:00 UTC is already 1 February in Tokyo (zone 49, +09:00).
        let at = DateTime::parse_from_rfc3339("2026-01-31T16:00:00Z").unwrap().with_timezone(&Utc);
        let tokyo = SiteSettings { time_zone_id: 49, ..SiteSettings::default() };
        assert_eq!(month_of(&tokyo, at), 202602);
        assert_eq!(month_of(&SiteSettings::default(), at), 202601);
    }

    #[test]
    fn the_requester_comes_from_the_caller_then_the_site_code() {
        let plain = SiteSettings::default();
        let coded = SiteSettings { requester_tracking_code: "trackingCode3".into(), ..SiteSettings::default() };
        let mut tracking = TrackingCodes::default();
        tracking.set(1, "Sales".into());
        tracking.set(3, " Emp007 ".into());
        assert_eq!(requester_of(&plain, None, &tracking), None, "no tracking code is a requester by default");
        assert_eq!(requester_of(&coded, None, &tracking).as_deref(), Some("emp007"));
        assert_eq!(requester_of(&coded, Some("emp001"), &tracking).as_deref(), Some("emp001"));
        assert_eq!(requester_of(&coded, Some("  "), &tracking).as_deref(), Some("emp007"), "blank given is ignored");
    }

    #[test]
    fn booking_for_oneself_is_not_on_behalf_of_anyone() {
        let mut host = crate::admin::tests::sample_user();
        host.webex_id = "host01".into();
        host.email = "host01@demo.example".into();
        assert_eq!(on_behalf_of(Some("host01@demo.example".into()), &host), None);
        assert_eq!(on_behalf_of(Some("HOST01".into()), &host), None);
        assert_eq!(on_behalf_of(Some("emp005".into()), &host).as_deref(), Some("emp005"));
    }
}
