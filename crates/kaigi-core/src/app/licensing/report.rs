//! The licence compliance report: per month, who scheduled or hosted, the seats held, what the
//! site would need under each plan, and every refusal and violation with the booking behind it;
//! plus a what-if for switching plans. The store answers with small, pre-grouped results (the
//! monthly host roll-up, counts, the listed exceptions); everything here is pure computation over
//! them. Definitions are in docs/licensing.md.

use crate::error::{AuthFailure, Error, Field, Result};
use crate::model::{Caller, LicenseReport, ReportData};
use crate::rules::licence_report::{compute, last_twelve_months, months_between, parse_month};
use crate::rules::limits::{MAX_LISTED, MAX_MONTHS, SHARED_ACCOUNT_REQUESTERS};
use crate::rules::scopes::{self, Operation};
use crate::Kaigi;

impl Kaigi {
    /// The compliance report of the caller's site over `from..=to` ("YYYY-MM"); a month not
    /// given (or blank) is that end of the last twelve months. Site administrators (also
    /// read-only ones) only.
    pub async fn license_report(&self, caller: &Caller, from: Option<&str>, to: Option<&str>) -> Result<LicenseReport> {
        let me = caller.require_user()?;
        if !(me.privileges.site_admin || me.privileges.ro_site_admin) {
            return Err(Error::AccessDenied);
        }
        let (default_from, default_to) = last_twelve_months(&caller.site, self.now());
        let given = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let from = given(from).unwrap_or(default_from);
        let to = given(to).unwrap_or(default_to);
        let (from, to) = (parse_month(Field::From, &from)?, parse_month(Field::To, &to)?);
        if to < from {
            return Err(Error::invalid(Field::To, "must not be before from"));
        }
        if months_between(from, to).len() > MAX_MONTHS as usize {
            return Err(Error::invalid(Field::To, format!("a report covers at most {MAX_MONTHS} months")));
        }
        let site = &caller.site;
        let s = &self.store;
        let mut shared =
            s.license_shared_bookings(site.id, from, to, SHARED_ACCOUNT_REQUESTERS, MAX_LISTED + 1).await?;
        let shared_truncated = shared.len() > MAX_LISTED as usize;
        shared.truncate(MAX_LISTED as usize);
        let data = ReportData {
            plans: s.license_plans(site.id).await?,
            seats: s.seat_history(site.id).await?,
            hosts: s.license_host_months(site.id, from, to).await?,
            exception_counts: s.license_exception_counts(site.id, from, to).await?,
            exceptions: s.license_exceptions(site.id, from, to, MAX_LISTED).await?,
            shared,
            shared_truncated,
        };
        Ok(compute(site, from, to, &data, self.now()))
    }

    /// The caller behind a bearer token that may read the licence report of site `site_name` (a
    /// scripted report): a user of that very site whose token carries the licence scope.
    pub async fn licence_report_reader(&self, token: &str, site_name: &str) -> Result<Caller> {
        let who = self.authenticate_bearer(token).await?;
        if !who.caller.site.name.eq_ignore_ascii_case(site_name) {
            // A token of another site names nobody here.
            return Err(Error::Auth(AuthFailure::BadAccessToken));
        }
        scopes::require(&who, Operation::LicenceReport)?;
        Ok(who.caller)
    }
}
