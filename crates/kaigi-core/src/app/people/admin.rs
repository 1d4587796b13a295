//! Operator use cases: what `kaigi site|user|license|apikey` and the demo seeding do. The operator
//! acts with full rights on one site, through the same use cases the protocol faces call, so the
//! same rules apply (seat limits, uniqueness, personal rooms).

use crate::error::{ConflictOn, Entity, Error, Field, Result, StoreError};
use crate::model::{Caller, DatedPlan, LicensePlan, NewSite, Site, SiteSettings, User, UserChange, UserFields};
use crate::Kaigi;

impl Kaigi {
    /// Every site, for the operator's command line.
    pub async fn sites(&self) -> Result<Vec<Site>> {
        Ok(self.store.list_sites().await?)
    }

    /// The site of that name, if there is one (unlike [`Kaigi::site_named`], no site is no error).
    pub async fn find_site(&self, name: &str) -> Result<Option<Site>> {
        Ok(self.store.site_by_name(name).await?)
    }

    /// The user with that webExId on the site, if there is one.
    pub async fn user_by_webex_id(&self, site: &Site, webex_id: &str) -> Result<Option<User>> {
        Ok(self.store.user_by_webex_id(site.id, webex_id).await?)
    }

    /// Creates a site with its first licence plan (in force from now).
    pub async fn create_site(&self, name: &str, settings: SiteSettings, plan: LicensePlan) -> Result<Site> {
        let name = name.trim();
        let valid = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(Error::invalid(Field::SiteName, "use 1-64 letters, digits, '-' or '_'"));
        }
        let site = self
            .store
            .create_site(&NewSite { name: name.to_string(), site_number: None, settings }, self.now())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(ConflictOn::SiteName) => {
                    Error::invalid(Field::SiteName, "a site with this name exists")
                }
                other => Error::Store(other),
            })?;
        self.store.add_license_plan(site.id, &DatedPlan { effective_from: self.now(), plan }).await?;
        Ok(site)
    }

    /// Changes the site's plan from now on; the earlier plans stay in the history.
    pub async fn change_license_plan(&self, site: &Site, plan: LicensePlan) -> Result<()> {
        self.store.add_license_plan(site.id, &DatedPlan { effective_from: self.now(), plan }).await?;
        Ok(())
    }

    /// Changes how many calls a user may make per calendar minute: on the REST API (every call
    /// with a bearer token) and on the XML API's metered operations (GetUserCard,
    /// GetSessionInfo). None leaves a limit as it is; zero is refused (it would lock everyone out).
    pub async fn set_call_limits(
        &self,
        site: &Site,
        rest_per_minute: Option<u32>,
        xml_per_minute: Option<u32>,
    ) -> Result<Site> {
        let mut settings = site.settings.clone();
        for (field, limit) in [(Field::RestCallsPerMinute, rest_per_minute), (Field::XmlCallsPerMinute, xml_per_minute)]
        {
            if limit == Some(0) {
                return Err(Error::invalid(field, "must be at least 1"));
            }
        }
        if let Some(limit) = rest_per_minute {
            settings.rest_calls_per_minute = limit;
        }
        if let Some(limit) = xml_per_minute {
            settings.usage_limit_per_minute = limit;
        }
        self.store.update_site_settings(site.id, &settings).await?;
        Ok(Site { settings, ..site.clone() })
    }

    /// Names the site's tracking codes (slot 1 to 10 → name; an empty name unnames it) and turns
    /// strict request reading on or off. None leaves a setting as it is.
    pub async fn set_request_settings(
        &self,
        site: &Site,
        strict: Option<bool>,
        tracking_names: &[(u8, String)],
    ) -> Result<Site> {
        let mut settings = site.settings.clone();
        if let Some(on) = strict {
            settings.strict_requests = on;
        }
        for (slot, name) in tracking_names {
            if !(1..=10).contains(slot) {
                return Err(Error::invalid(Field::TrackingCode, "slots are 1 to 10"));
            }
            let name = name.trim();
            if name.chars().count() > 128 || name.contains(|c: char| c.is_control()) {
                return Err(Error::invalid(Field::TrackingCode, "a name is at most 128 printable characters"));
            }
            let taken = (1..=10u8)
                .any(|i| i != *slot && !name.is_empty() && settings.tracking_code_name(i).eq_ignore_ascii_case(name));
            if taken {
                return Err(Error::invalid(Field::TrackingCode, format!("{name} names another slot already")));
            }
            let index = usize::from(*slot) - 1;
            if settings.tracking_code_names.len() <= index {
                settings.tracking_code_names.resize(index + 1, String::new());
            }
            settings.tracking_code_names[index] = name.to_string();
        }
        self.store.update_site_settings(site.id, &settings).await?;
        Ok(Site { settings, ..site.clone() })
    }

    /// Changes the site's licence settings: automatic seat assignment (Named User) and the
    /// tracking code that names a booking's requester (`trackingCode1` … `trackingCode10`, or
    /// empty for none). None leaves a setting as it is.
    pub async fn set_license_settings(
        &self,
        site: &Site,
        auto_assign: Option<bool>,
        requester_tracking_code: Option<&str>,
    ) -> Result<Site> {
        let mut settings = site.settings.clone();
        if let Some(on) = auto_assign {
            settings.license_auto_assign = on;
        }
        if let Some(code) = requester_tracking_code {
            let code = code.trim();
            let n = code
                .get(..12)
                .filter(|p| p.eq_ignore_ascii_case("trackingCode"))
                .and_then(|_| code[12..].parse::<u8>().ok());
            settings.requester_tracking_code = match n {
                _ if code.is_empty() || code.eq_ignore_ascii_case("none") => String::new(),
                Some(n @ 1..=10) => format!("trackingCode{n}"),
                _ => {
                    return Err(Error::invalid(
                        Field::RequesterTrackingCode,
                        "use trackingCode1 … trackingCode10, or none",
                    ))
                }
            };
        }
        self.store.update_site_settings(site.id, &settings).await?;
        Ok(Site { settings, ..site.clone() })
    }

    pub async fn site_named(&self, name: &str) -> Result<Site> {
        self.store.site_by_name(name).await?.ok_or(Error::NotFound(Entity::Site))
    }

    /// Gives a user a host licence (host privilege; a seat on a Named User plan).
    pub async fn assign_license(&self, site: &Site, webex_id: &str) -> Result<User> {
        self.set_host(site, webex_id, true).await
    }

    /// Takes a user's host licence away, freeing the seat.
    pub async fn unassign_license(&self, site: &Site, webex_id: &str) -> Result<User> {
        self.set_host(site, webex_id, false).await
    }

    async fn set_host(&self, site: &Site, webex_id: &str, host: bool) -> Result<User> {
        let change = UserChange {
            webex_id: webex_id.to_string(),
            new_webex_id: None,
            fields: UserFields { privileges: vec![("host".into(), host)], ..UserFields::default() },
        };
        self.set_user(&Caller::operator(site.clone()), &change).await
    }
}
