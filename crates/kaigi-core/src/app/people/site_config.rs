//! The site's meeting configuration as administrators read and change it (the REST API's
//! `/admin/meeting/config/*` and `/admin/meeting/userconfig/*`) and as hosts see it when they
//! schedule (`/meetings/trackingCodes`, `/meetings/sessionTypes`, `/meetings/templates`). It is
//! the configuration the XML API reads: tracking codes are the meetings' `trackingCode1` …
//! `trackingCode10` (GetSite names them), session types are the site's and a user's meeting
//! types (GetUser's `meetingTypes`), the common settings are GetSite's security options,
//! defaults and password criteria.

use crate::error::{Entity, Error, Field, Result};
use crate::model::{
    CommonSettings, CommonSettingsChange, HostTrackingCode, MeetingTemplate, MeetingTypeDef, NamedTrackingValue,
    PersonRef, PreferencesWrite, SeriesFields, SessionTypeKind, Site, SiteSettings, TemplateKind, TokenCaller,
    TrackingCode, TrackingCodeWrite, TrackingOption, TrackingService, User, UserChange, UserFields,
};
use crate::rules::limits::MAX_TRACKING_CODES;
use crate::rules::scopes::{self, Operation};
use crate::rules::validate::site_config;
use crate::Kaigi;

impl Kaigi {
    /// The caller, when the token may read the site's configuration and they read the site.
    fn config_reader(who: &TokenCaller) -> Result<&User> {
        scopes::require(who, Operation::ReadSiteConfig)?;
        let me = who.user();
        if me.privileges.reads_site() {
            Ok(me)
        } else {
            Err(Error::AccessDenied)
        }
    }

    /// The caller, when the token may change the site's configuration and they administer it.
    fn config_writer(who: &TokenCaller) -> Result<&User> {
        scopes::require(who, Operation::WriteSiteConfig)?;
        let me = who.user();
        if me.privileges.site_admin {
            Ok(me)
        } else {
            Err(Error::AccessDenied)
        }
    }

    /// The site as stored now (the token's copy may be older than a change just made).
    async fn fresh_site(&self, site: &Site) -> Result<Site> {
        self.store.site_by_id(site.id).await?.ok_or(Error::NotFound(Entity::Site))
    }

    async fn save_settings(&self, site: &Site, settings: SiteSettings) -> Result<Site> {
        self.store.update_site_settings(site.id, &settings).await?;
        Ok(Site { settings, ..site.clone() })
    }

    /// The person of the caller's site a configuration request names.
    async fn config_person(&self, site: &Site, person: &PersonRef) -> Result<User> {
        let found = match person {
            PersonRef::Id(id) => self.store.user_by_id(site.id, *id).await?,
            PersonRef::Email(e) => self.store.user_by_email(site.id, e.trim()).await?,
        };
        found.ok_or(Error::NotFound(Entity::User))
    }

    /// The user a host-facing request is about: the caller, or the host `hostEmail` names (with
    /// the administrator's read scope).
    async fn schedules_user(&self, who: &TokenCaller, host_email: Option<&str>) -> Result<User> {
        scopes::require(who, Operation::ReadSchedules)?;
        match self.named_host(who, host_email, Operation::ReadSchedules).await? {
            Some(host) => Ok(host),
            None => {
                self.store.user_by_id(who.caller.site.id, who.user().id).await?.ok_or(Error::NotFound(Entity::User))
            }
        }
    }

    // Tracking codes.

    /// The site's tracking codes, by slot.
    pub async fn site_tracking_codes(&self, who: &TokenCaller) -> Result<Vec<TrackingCode>> {
        Self::config_reader(who)?;
        Ok(self.fresh_site(&who.caller.site).await?.settings.defined_tracking_codes())
    }

    /// One tracking code of the site.
    pub async fn site_tracking_code(&self, who: &TokenCaller, slot: u8) -> Result<TrackingCode> {
        Self::config_reader(who)?;
        let site = self.fresh_site(&who.caller.site).await?;
        site.settings.defined_tracking_code(slot).ok_or(Error::NotFound(Entity::TrackingCode))
    }

    /// Defines a tracking code in the first free slot (1 to 10).
    pub async fn create_tracking_code(&self, who: &TokenCaller, w: &TrackingCodeWrite) -> Result<TrackingCode> {
        Self::config_writer(who)?;
        let site = self.fresh_site(&who.caller.site).await?;
        let codes = site.settings.defined_tracking_codes();
        let slot = (1..=MAX_TRACKING_CODES).find(|s| !codes.iter().any(|c| c.slot == *s)).ok_or_else(|| {
            Error::invalid(
                Field::Name,
                format!(
                    "The site has {MAX_TRACKING_CODES} tracking codes, as many as a site may have; delete one first."
                ),
            )
        })?;
        self.write_tracking_code(site, slot, w, &codes).await
    }

    /// Replaces a tracking code's name and settings; its slot (and so the values meetings hold
    /// for it) stays.
    pub async fn update_tracking_code(
        &self,
        who: &TokenCaller,
        slot: u8,
        w: &TrackingCodeWrite,
    ) -> Result<TrackingCode> {
        Self::config_writer(who)?;
        let site = self.fresh_site(&who.caller.site).await?;
        let codes = site.settings.defined_tracking_codes();
        if !codes.iter().any(|c| c.slot == slot) {
            return Err(Error::NotFound(Entity::TrackingCode));
        }
        self.write_tracking_code(site, slot, w, &codes).await
    }

    async fn write_tracking_code(
        &self,
        site: Site,
        slot: u8,
        w: &TrackingCodeWrite,
        codes: &[TrackingCode],
    ) -> Result<TrackingCode> {
        let (name, def) = site_config::tracking_code(slot, w, codes)?;
        let mut settings = site.settings.clone();
        let index = usize::from(slot) - 1;
        if settings.tracking_code_names.len() <= index {
            settings.tracking_code_names.resize(index + 1, String::new());
        }
        settings.tracking_code_names[index] = name;
        settings.tracking_codes.retain(|d| d.slot != slot);
        settings.tracking_codes.push(def);
        settings.tracking_codes.sort_by_key(|d| d.slot);
        let site = self.save_settings(&site, settings).await?;
        site.settings.defined_tracking_code(slot).ok_or(Error::NotFound(Entity::TrackingCode))
    }

    /// Removes a tracking code: its slot is free again (and called `trackingCode<slot>`).
    pub async fn delete_tracking_code(&self, who: &TokenCaller, slot: u8) -> Result<()> {
        Self::config_writer(who)?;
        let site = self.fresh_site(&who.caller.site).await?;
        if site.settings.defined_tracking_code(slot).is_none() {
            return Err(Error::NotFound(Entity::TrackingCode));
        }
        let mut settings = site.settings.clone();
        if let Some(name) = settings.tracking_code_names.get_mut(usize::from(slot) - 1) {
            name.clear();
        }
        settings.tracking_codes.retain(|d| d.slot != slot);
        self.save_settings(&site, settings).await?;
        Ok(())
    }

    /// A person's own tracking code values, each with its code (values of codes since deleted
    /// are left out).
    pub async fn user_tracking_codes(
        &self,
        who: &TokenCaller,
        person: &PersonRef,
    ) -> Result<(User, Vec<(TrackingCode, String)>)> {
        Self::config_reader(who)?;
        let site = self.fresh_site(&who.caller.site).await?;
        let user = self.config_person(&site, person).await?;
        let values = Self::named_values(&site.settings, &user);
        Ok((user, values))
    }

    fn named_values(settings: &SiteSettings, user: &User) -> Vec<(TrackingCode, String)> {
        let mut values: Vec<(TrackingCode, String)> = user
            .preferences
            .scheduling
            .tracking_codes
            .iter()
            .filter_map(|v| settings.defined_tracking_code(v.slot).map(|c| (c, v.value.clone())))
            .collect();
        values.sort_by_key(|(c, _)| c.slot);
        values
    }

    /// Sets a person's own values of the codes `values` names; their other values stay.
    pub async fn set_user_tracking_codes(
        &self,
        who: &TokenCaller,
        person: &PersonRef,
        values: &[NamedTrackingValue],
    ) -> Result<(User, Vec<(TrackingCode, String)>)> {
        Self::config_writer(who)?;
        let site = self.fresh_site(&who.caller.site).await?;
        let user = self.config_person(&site, person).await?;
        let given = site_config::user_tracking_values(&site.settings, values)?;
        let mut merged = user.preferences.scheduling.tracking_codes.clone();
        merged.retain(|v| !given.iter().any(|g| g.slot == v.slot));
        merged.extend(given);
        merged.sort_by_key(|v| v.slot);
        let write = PreferencesWrite { tracking_codes: Some(merged), ..PreferencesWrite::at(self.now()) };
        let user = self.save_preferences(&user, &write).await?;
        let values = Self::named_values(&site.settings, &user);
        Ok((user, values))
    }

    /// The tracking codes a host may give when scheduling for `service`: the site's options,
    /// with the host's own value as the default when they have one (the site's default is then
    /// not the default).
    pub async fn host_tracking_codes(
        &self,
        who: &TokenCaller,
        host_email: Option<&str>,
        service: TrackingService,
    ) -> Result<Vec<HostTrackingCode>> {
        let user = self.schedules_user(who, host_email).await?;
        let site = self.fresh_site(&who.caller.site).await?;
        let own = Self::named_values(&site.settings, &user);
        let codes = site.settings.defined_tracking_codes();
        Ok(codes
            .into_iter()
            .map(|code| {
                let mut options = code.def.options.clone();
                if let Some((_, value)) = own.iter().find(|(c, _)| c.slot == code.slot) {
                    for o in &mut options {
                        o.default = false;
                    }
                    match options.iter_mut().find(|o| &o.value == value) {
                        Some(o) => o.default = true,
                        None => options.insert(0, TrackingOption { value: value.clone(), default: true }),
                    }
                }
                let use_ = code.use_for(service);
                HostTrackingCode { code, use_, options }
            })
            .collect())
    }

    // Session types.

    /// The site's session (meeting) types.
    pub async fn site_session_types(&self, who: &TokenCaller) -> Result<Vec<MeetingTypeDef>> {
        Self::config_reader(who)?;
        Ok(self.fresh_site(&who.caller.site).await?.settings.meeting_types)
    }

    fn types_of(settings: &SiteSettings, user: &User) -> Vec<MeetingTypeDef> {
        user.meeting_types.iter().filter_map(|id| settings.meeting_type(*id).cloned()).collect()
    }

    /// A person's session types (their meeting types that the site still has).
    pub async fn user_session_types(
        &self,
        who: &TokenCaller,
        person: &PersonRef,
    ) -> Result<(User, Vec<MeetingTypeDef>)> {
        Self::config_reader(who)?;
        let site = self.fresh_site(&who.caller.site).await?;
        let user = self.config_person(&site, person).await?;
        let types = Self::types_of(&site.settings, &user);
        Ok((user, types))
    }

    /// Gives a person exactly the session types `ids` names (each a type of the site): the
    /// meeting types the XML API's GetUser shows and its CreateMeeting accepts.
    pub async fn set_user_session_types(
        &self,
        who: &TokenCaller,
        person: &PersonRef,
        ids: &[u32],
    ) -> Result<(User, Vec<MeetingTypeDef>)> {
        Self::config_writer(who)?;
        let site = self.fresh_site(&who.caller.site).await?;
        let user = self.config_person(&site, person).await?;
        let mut types: Vec<u32> = Vec::with_capacity(ids.len());
        for id in ids {
            if site.settings.meeting_type(*id).is_none() {
                return Err(Error::invalid(
                    Field::SessionTypeIds,
                    format!("sessionTypeIds: {id} is not a session type of this site."),
                ));
            }
            if !types.contains(id) {
                types.push(*id);
            }
        }
        let change = UserChange {
            webex_id: user.webex_id.clone(),
            new_webex_id: None,
            fields: UserFields { meeting_types: Some(types), ..UserFields::default() },
        };
        let caller = crate::model::Caller { site: site.clone(), ..who.caller.clone() };
        let user = self.set_user(&caller, &change).await?;
        let types = Self::types_of(&site.settings, &user);
        Ok((user, types))
    }

    /// The session types a host schedules meetings and webinars with (Training and Support
    /// Center types are not REST session types).
    pub async fn host_session_types(&self, who: &TokenCaller, host_email: Option<&str>) -> Result<Vec<MeetingTypeDef>> {
        let user = self.schedules_user(who, host_email).await?;
        let site = self.fresh_site(&who.caller.site).await?;
        Ok(Self::types_of(&site.settings, &user)
            .into_iter()
            .filter(|t| matches!(SessionTypeKind::of(t), SessionTypeKind::Meeting | SessionTypeKind::Webinar))
            .collect())
    }

    // Templates.

    /// The meeting templates of a host: one per session type they schedule with, a meeting
    /// template for each Meeting Center type and a webinar template for each Event Center type;
    /// the first of each kind is its default.
    pub async fn meeting_templates(&self, who: &TokenCaller, host_email: Option<&str>) -> Result<Vec<MeetingTemplate>> {
        let types = self.host_session_types(who, host_email).await?;
        let mut out: Vec<MeetingTemplate> = Vec::with_capacity(types.len());
        for t in types {
            let kind = match SessionTypeKind::of(&t) {
                SessionTypeKind::Webinar => TemplateKind::Webinar,
                _ => TemplateKind::Meeting,
            };
            let prefix = match kind {
                TemplateKind::Meeting => "meeting",
                TemplateKind::Webinar => "webinar",
            };
            let is_default = !out.iter().any(|o| o.kind == kind);
            out.push(MeetingTemplate {
                id: format!("{prefix}-{}", t.id),
                name: t.display_name.clone(),
                kind,
                meeting_type: t,
                is_default,
            });
        }
        Ok(out)
    }

    /// One meeting template of a host, by id.
    pub async fn meeting_template(
        &self,
        who: &TokenCaller,
        host_email: Option<&str>,
        id: &str,
    ) -> Result<MeetingTemplate> {
        let id = id.trim();
        self.meeting_templates(who, host_email)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(Error::NotFound(Entity::Template))
    }

    /// Fills a new meeting from the host's template `id`: its session type and kind, and, when
    /// neither start nor end is given, the template's time. A session type, or a kind the request
    /// named (`kind_given`), that disagrees with the template is refused, naming the template.
    pub async fn apply_template(
        &self,
        who: &TokenCaller,
        host_email: Option<&str>,
        id: &str,
        kind_given: bool,
        f: &mut SeriesFields,
    ) -> Result<()> {
        let bad = |why: String| Error::invalid(Field::TemplateId, why);
        let t = match self.meeting_template(who, host_email, id).await {
            Ok(t) => t,
            Err(Error::NotFound(_)) => {
                return Err(bad(format!("{id} is none of the host's meeting templates (GET /v1/meetings/templates)")))
            }
            Err(e) => return Err(e),
        };
        let webinar = t.kind == TemplateKind::Webinar;
        if kind_given && f.webinar != webinar {
            let kind = if webinar { "webinar" } else { "meeting" };
            return Err(bad(format!("{id} makes a {kind}; scheduledType says otherwise")));
        }
        match f.meeting_type {
            Some(given) if given != t.meeting_type.id => {
                return Err(bad(format!(
                    "{id} has session type {}; sessionTypeId {given} disagrees",
                    t.meeting_type.id
                )))
            }
            _ => f.meeting_type = Some(t.meeting_type.id),
        }
        f.webinar = webinar;
        if f.start.is_none() && f.end.is_none() {
            let (start, end) = crate::rules::schedule::template_window(self.now());
            f.start = Some(start);
            f.end = Some(end);
        }
        Ok(())
    }

    // Common settings.

    /// The site's common meeting settings.
    pub async fn common_settings(&self, who: &TokenCaller) -> Result<CommonSettings> {
        Self::config_reader(who)?;
        Ok(self.fresh_site(&who.caller.site).await?.settings.common)
    }

    /// Changes what `change` names of the common settings; the rest stays.
    pub async fn update_common_settings(
        &self,
        who: &TokenCaller,
        change: &CommonSettingsChange,
    ) -> Result<CommonSettings> {
        Self::config_writer(who)?;
        let site = self.fresh_site(&who.caller.site).await?;
        let common = site_config::common_settings(&site.settings.common, change)?;
        let settings = SiteSettings { common, ..site.settings.clone() };
        Ok(self.save_settings(&site, settings).await?.settings.common)
    }
}
