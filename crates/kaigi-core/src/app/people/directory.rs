//! People and licences as the REST API shows them: a directory lookup within one site, and the
//! site's one meeting licence with its units.

use crate::error::{Entity, Error, Field, Result};
use crate::model::{Caller, LicenceSummary, LicensePlan, PeopleQuery, Site, User, UserId, UserQuery};
use crate::rules::licence::plan_in_force;
use crate::rules::limits::DIRECTORY_SCAN;
use crate::Kaigi;

impl Kaigi {
    /// People of the caller's site matching the query, one page, and whether more follow.
    /// Anyone may look people up by email or name; only administrators may list everyone.
    pub async fn find_people(&self, caller: &Caller, q: &PeopleQuery) -> Result<(Vec<User>, bool)> {
        caller.require_user()?;
        let email = q.email.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let name = q.display_name.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        if email.is_none() && name.is_none() && q.ids.is_none() && !q.list_all {
            return Err(Error::invalid(
                Field::Email,
                "Give email, displayName or id: listing everyone needs an administrator's token.",
            ));
        }
        let query = UserQuery { email: email.map(str::to_string), limit: DIRECTORY_SCAN, ..UserQuery::default() };
        let users = self.store.list_users(caller.site.id, &query).await?.items;
        let matching: Vec<User> = users
            .into_iter()
            .filter(|u| {
                name.as_deref().is_none_or(|n| {
                    u.display_name().to_lowercase().starts_with(n) || u.last_name.to_lowercase().starts_with(n)
                })
            })
            .filter(|u| q.ids.as_ref().is_none_or(|ids| ids.contains(&u.id)))
            .collect();
        let more = matching.len() > q.offset.saturating_add(q.limit);
        Ok((matching.into_iter().skip(q.offset).take(q.limit).collect(), more))
    }

    /// One person of the caller's site.
    pub async fn person(&self, caller: &Caller, id: UserId) -> Result<User> {
        caller.require_user()?;
        self.store.user_by_id(caller.site.id, id).await?.ok_or(Error::NotFound(Entity::User))
    }

    /// The site's meeting licence and how many units are in use.
    pub async fn licence_summary(&self, site: &Site) -> Result<LicenceSummary> {
        let plans = self.store.license_plans(site.id).await?;
        let plan = plan_in_force(&plans, self.now());
        let total = match &plan {
            LicensePlan::NamedUser { seats } => Some(*seats),
            LicensePlan::ActiveUser { purchased, .. } => Some(*purchased),
            LicensePlan::EnterpriseAgreement => None,
        };
        let consumed = self.store.seats_held(site.id).await?;
        Ok(LicenceSummary { plan, total, consumed })
    }
}
