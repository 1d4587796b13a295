//! The licence decision log. Every licence question (see [`crate::license::decide`]) is asked
//! through [`Kaigi::ask_licence`] and leaves one [`LicenseDecision`]: who, which booking, what was
//! decided and why, refusals included. The compliance report (`license_report`) is computed from
//! this log, the seat history and the plan history, so it can explain every number it shows.

use crate::error::{Error, LicenseError, Result};
use crate::model::{Asked, LicenseAction, LicenseDecision, LicenseOutcome, LicensePlan, Person, Site};
use crate::rules::licence::{decide, holds_seat, month_of, plan_in_force};
use crate::Kaigi;

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

#[cfg(test)]
mod tests {
    use crate::model::MeetingOptions;
    use crate::model::SiteSettings;
    use crate::rules::licence::month_of;
    use crate::rules::licence::on_behalf_of;
    use crate::rules::licence::requester_of;

    use chrono::{DateTime, Utc};

    #[test]
    fn months_follow_the_site_time_zone() {
        // 2026-01-31 16:00 UTC is already 1 February in Tokyo (zone 49, +09:00).
        let at = DateTime::parse_from_rfc3339("2026-01-31T16:00:00Z").unwrap().with_timezone(&Utc);
        let tokyo = SiteSettings { time_zone_id: 49, ..SiteSettings::default() };
        assert_eq!(month_of(&tokyo, at), 202602);
        assert_eq!(month_of(&SiteSettings::default(), at), 202601);
    }

    #[test]
    fn the_requester_comes_from_the_caller_then_the_tags_then_the_site_code() {
        let plain = SiteSettings::default();
        let coded = SiteSettings { requester_tracking_code: "trackingCode3".into(), ..SiteSettings::default() };
        let mut options = MeetingOptions::default();
        options.tracking.set(1, "Sales".into());
        options.tracking.set(3, " Emp007 ".into());
        assert_eq!(requester_of(&plain, None, &options), None, "no tracking code is a requester by default");
        assert_eq!(requester_of(&coded, None, &options).as_deref(), Some("emp007"));
        assert_eq!(requester_of(&coded, Some("emp001"), &options).as_deref(), Some("emp001"));
        assert_eq!(requester_of(&coded, Some("  "), &options).as_deref(), Some("emp007"), "blank given is ignored");
        options.conduct.integration_tags = Some(vec![" ".into(), "Emp042".into()]);
        assert_eq!(requester_of(&coded, None, &options).as_deref(), Some("emp042"), "the first tag comes first");
        assert_eq!(requester_of(&coded, Some("emp001"), &options).as_deref(), Some("emp001"));
    }

    #[test]
    fn booking_for_oneself_is_not_on_behalf_of_anyone() {
        let mut host = crate::model::user::fixtures::sample_user();
        host.webex_id = "host01".into();
        host.email = "host01@demo.example".into();
        assert_eq!(on_behalf_of(Some("host01@demo.example".into()), &host), None);
        assert_eq!(on_behalf_of(Some("HOST01".into()), &host), None);
        assert_eq!(on_behalf_of(Some("emp005".into()), &host).as_deref(), Some("emp005"));
    }
}
