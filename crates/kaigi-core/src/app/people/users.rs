//! The user service's use cases: create, change, read, deactivate and list users; personal rooms;
//! email-change verification; login/logout links and user cards.

use chrono::{DateTime, Utc};

use crate::error::{ConflictOn, Duplicate, Entity, Error, Field, LicenseError, Result, StoreError};
use crate::model::{
    language, ActiveState, Caller, Deactivation, LanguageChoice, LicensePlan, Mail, NewUser, Page, PendingEmail,
    PersonalRoom, PersonalRoomLinks, SeatChange, Site, User, UserCard, UserChange, UserFields, UserQuery,
};
use crate::rules::credentials::credentials_revoked;
use crate::rules::licence::{holds_seat, plan_in_force};
use crate::rules::limits::{MAX_USERS_PER_DELETE, MAX_USER_NAME, PERSONAL_ROOM_GRACE};
use crate::rules::links::url_encode;
use crate::rules::mail;
use crate::rules::secrets::token_hash;
use crate::rules::validate::clean_text;
use crate::rules::validate::people::{valid_user_email, valid_webex_id};
use crate::Kaigi;

pub(super) fn store_conflict(e: StoreError) -> Error {
    match e {
        StoreError::Conflict(ConflictOn::WebExId) => Error::Duplicate(Duplicate::WebExId),
        StoreError::Conflict(ConflictOn::Email) => Error::Duplicate(Duplicate::Email),
        StoreError::SeatLimit(seats) => Error::License(LicenseError::ExceededSiteHostLimit { seats }),
        other => Error::Store(other),
    }
}

impl Kaigi {
    async fn plan_now(&self, site: &Site) -> Result<LicensePlan> {
        let history = self.store.license_plans(site.id).await?;
        Ok(plan_in_force(&history, self.now()))
    }

    fn resolve_language(&self, choice: &LanguageChoice) -> Result<u16> {
        match choice {
            LanguageChoice::Id(id) => language::by_id(*id).map(|l| l.id),
            LanguageChoice::Name(name) => language::by_name(name).map(|l| l.id),
        }
        .ok_or_else(|| Error::invalid(Field::Language, "is not a language the site knows"))
    }

    /// Applies request fields to `user` (validation included); privileges only where `may_grant`.
    fn apply_fields(&self, site: &Site, user: &mut User, fields: &UserFields) -> Result<()> {
        if let Some(v) = &fields.first_name {
            user.first_name = clean_text(Field::FirstName, v, MAX_USER_NAME)?;
        }
        if let Some(v) = &fields.last_name {
            user.last_name = clean_text(Field::LastName, v, MAX_USER_NAME)?;
        }
        if let Some(pw) = &fields.password {
            if (pw.chars().count() as u32) < site.settings.min_password_length {
                return Err(Error::invalid(
                    Field::Password,
                    format!("must have at least {} characters", site.settings.min_password_length),
                ));
            }
            if pw.len() > 256 {
                return Err(Error::invalid(Field::Password, "is too long"));
            }
        }
        for (name, value) in &fields.privileges {
            if !user.privileges.set_by_name(name, *value) {
                tracing::debug!(privilege = %name, "ignoring an unknown privilege");
            }
        }
        if let Some(active) = fields.active {
            user.active = active;
        }
        if let Some(choice) = &fields.language {
            user.language_id = self.resolve_language(choice)?;
        }
        if let Some(tz) = fields.time_zone_id {
            if crate::rules::timezone::by_id(tz).is_none() {
                return Err(Error::invalid(Field::TimeZone, "must be one of the 62 time zones (0-61)"));
            }
            user.time_zone_id = tz;
        }
        if let Some(list) = &fields.scheduling_permission {
            user.scheduling_permission = list.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        }
        if let Some(types) = &fields.meeting_types {
            for id in types {
                if site.settings.meeting_type(*id).is_none() {
                    return Err(Error::invalid(Field::MeetingType, format!("{id} is not a meeting type of this site")));
                }
            }
            user.meeting_types = types.clone();
        }
        fields.profile.apply(&mut user.profile);
        Ok(())
    }

    /// 40.6.1: a personal room needs at least one meeting type that is not end-to-end encrypted.
    fn check_pmr_meeting_types(site: &Site, user: &User) -> Result<()> {
        if !user.privileges.is_enable_pmr {
            return Ok(());
        }
        let has_plain = user.meeting_types.iter().any(|id| site.settings.meeting_type(*id).is_some_and(|t| !t.e2ee));
        if has_plain {
            Ok(())
        } else {
            Err(Error::PmrNeedsNonE2eeType)
        }
    }

    pub(super) async fn allocate_meeting_key(&self, site: &Site) -> Result<u64> {
        for _ in 0..64 {
            let key = self.keys.digits(9);
            if self.store.reserve_meeting_key(key, site.id, self.now()).await? {
                return Ok(key);
            }
        }
        Err(Error::Store(StoreError::Backend("no free meeting key after 64 tries".into())))
    }

    /// A host PIN of the site's length that the preferences would accept.
    fn new_host_pin(&self, site: &Site) -> String {
        let length = crate::rules::validate::preferences::host_pin_length(site);
        let bound = 10u64.pow(length as u32);
        for _ in 0..64 {
            let pin = format!("{:0length$}", self.keys.below(bound));
            if crate::rules::validate::preferences::is_valid_host_pin(&pin, length) {
                return pin;
            }
        }
        // Only a key source that keeps answering the same refused number gets here.
        "1357913579"[..length].to_string()
    }

    /// Gives the user the personal room their state calls for: kept, restored within the grace
    /// period, newly allocated, or released.
    async fn settle_personal_room(&self, site: &Site, user: &mut User, now: DateTime<Utc>) -> Result<()> {
        let wants_room = user.is_active() && user.privileges.is_enable_pmr && site.settings.pmr_enabled;
        match (&mut user.personal_room, wants_room) {
            (Some(room), true) if room.released_at.is_none() => {}
            (Some(room), true) if room.released_at.is_some_and(|at| now - at <= PERSONAL_ROOM_GRACE) => {
                room.released_at = None;
            }
            (_, true) => {
                let meeting_key = self.allocate_meeting_key(site).await?;
                let host_pin = self.new_host_pin(site);
                user.personal_room = Some(PersonalRoom { meeting_key, host_pin, released_at: None });
            }
            (Some(room), false) => {
                if room.released_at.is_none() {
                    room.released_at = Some(now);
                }
            }
            (None, false) => {}
        }
        Ok(())
    }

    /// CreateUser. Only user-management administrators may create users; granting an
    /// administrator role takes a full site administrator.
    pub async fn create_user(&self, caller: &Caller, req: &NewUser) -> Result<User> {
        self.add_user(caller, req, true).await
    }

    /// CreateUser's rules; `password_required` is false for people the REST API provisions (they
    /// get no password: an administrator or the person sets one later).
    pub(super) async fn add_user(&self, caller: &Caller, req: &NewUser, password_required: bool) -> Result<User> {
        let admin = caller.require_user()?;
        if !admin.privileges.manages_users() {
            return Err(Error::AccessDenied);
        }
        let site = &caller.site;
        let now = self.now();
        let webex_id = valid_webex_id(&req.webex_id)?;
        let email =
            valid_user_email(req.fields.email.as_deref().ok_or_else(|| Error::invalid(Field::Email, "is required"))?)?;
        if password_required && req.fields.password.is_none() {
            return Err(Error::invalid(Field::Password, "is required"));
        }
        let mut user = User::new_on_site(site, webex_id, email, now);
        self.apply_fields(site, &mut user, &req.fields)?;
        if !admin.privileges.site_admin && user.privileges.is_any_admin() {
            return Err(Error::AccessDenied);
        }
        Self::check_pmr_meeting_types(site, &user)?;
        // The database enforces both rules; asking first makes a clash on both report the webExId,
        // as the service does.
        if self.store.user_by_webex_id(site.id, &user.webex_id).await?.is_some() {
            return Err(Error::Duplicate(Duplicate::WebExId));
        }
        let plan = self.plan_now(site).await?;
        let seat = SeatChange::new(false, holds_seat(user.privileges.host, user.is_active()), &plan);
        self.settle_personal_room(site, &mut user, now).await?;
        let mut mails = Vec::new();
        if req.send_welcome {
            mails.push(mail::welcome(&user, &self.site_url(site), req.html_email, now));
        }
        if let Some(pw) = &req.fields.password {
            user.password_hash = Some(self.hash_password(pw).await);
        }
        let id = self.store.insert_user(&user, seat, &mails).await.map_err(store_conflict)?;
        user.id = id;
        Ok(user)
    }

    /// SetUser. Administrators change anyone; a user changes only their own profile, password,
    /// language, time zone, scheduling permission and email (with confirmation when the site asks).
    pub async fn set_user(&self, caller: &Caller, req: &UserChange) -> Result<User> {
        let me = caller.require_user()?;
        let site = &caller.site;
        let now = self.now();
        let is_admin = me.privileges.manages_users();
        let mut user =
            self.store.user_by_webex_id(site.id, req.webex_id.trim()).await?.ok_or(Error::NotFound(Entity::User))?;
        if !is_admin && user.id != me.id {
            return Err(Error::AccessDenied);
        }
        let before = user.clone();
        let admin_only = !req.fields.privileges.is_empty()
            || req.fields.active.is_some()
            || req.fields.meeting_types.is_some()
            || req.new_webex_id.is_some();
        if !is_admin && admin_only {
            return Err(Error::AccessDenied);
        }
        // The email is handled apart: it may have to wait for confirmation.
        let mut fields = req.fields.clone();
        let new_email = fields.email.take().map(|e| valid_user_email(&e)).transpose()?;
        self.apply_fields(site, &mut user, &fields)?;
        if let Some(new_id) = &req.new_webex_id {
            user.webex_id = valid_webex_id(new_id)?;
        }
        if !me.privileges.site_admin && user.privileges.is_any_admin() && before.privileges != user.privileges {
            return Err(Error::AccessDenied);
        }
        let mut mails: Vec<Mail> = Vec::new();
        if let Some(email) = new_email.filter(|e| !e.eq_ignore_ascii_case(&before.email)) {
            if !is_admin && site.settings.require_email_change_confirmation {
                if let Some(other) = self.store.user_by_email(site.id, &email).await? {
                    if other.id != user.id {
                        return Err(Error::Duplicate(Duplicate::Email));
                    }
                }
                let token = self.keys.hex(24);
                let link = format!("{}/_kaigi/confirm-email?token={token}", self.config.public_url);
                mails.push(mail::email_change_confirmation(
                    site.id,
                    &email,
                    &user.display_name(),
                    &link,
                    user.language_id,
                    now,
                ));
                // The latest request wins: an earlier pending address and its link are forgotten.
                user.pending_email =
                    Some(PendingEmail { address: email, token_hash: token_hash(&token), requested_at: now });
            } else {
                user.email = email;
                user.pending_email = None;
            }
        }
        Self::check_pmr_meeting_types(site, &user)?;
        let plan = self.plan_now(site).await?;
        let seat = SeatChange::new(
            holds_seat(before.privileges.host, before.is_active()),
            holds_seat(user.privileges.host, user.is_active()),
            &plan,
        );
        self.settle_personal_room(site, &mut user, now).await?;
        user.updated_at = now;
        if let Some(pw) = &req.fields.password {
            user.password_hash = Some(self.hash_password(pw).await);
        }
        self.store.update_user(&user, seat, &mails).await.map_err(store_conflict)?;
        // Raised after the change is stored, so no ticket issued under the old password (or
        // while active) outlives it.
        if credentials_revoked(&before, &user, req.fields.password.is_some()) {
            self.store.revoke_credentials(user.id).await?;
        }
        Ok(user)
    }

    /// Follows an email-change confirmation link: the pending address becomes the email.
    pub async fn confirm_email_change(&self, token: &str) -> Result<User> {
        let mut user = self
            .store
            .user_by_pending_email_token(&token_hash(token.trim()))
            .await?
            .ok_or(Error::NotFound(Entity::User))?;
        let pending = user.pending_email.take().ok_or(Error::NotFound(Entity::User))?;
        user.email = pending.address;
        user.updated_at = self.now();
        let seat_now = holds_seat(user.privileges.host, user.is_active());
        let seat = SeatChange { before: seat_now, after: seat_now, limit: None };
        self.store.update_user(&user, seat, &[]).await.map_err(store_conflict)?;
        Ok(user)
    }

    /// GetUser: a user reads themselves; administrators (and read-only administrators) anyone.
    pub async fn get_user(&self, caller: &Caller, webex_id: &str) -> Result<User> {
        let me = caller.require_user()?;
        let user =
            self.store.user_by_webex_id(caller.site.id, webex_id.trim()).await?.ok_or(Error::NotFound(Entity::User))?;
        if user.id != me.id && !me.privileges.reads_site() {
            return Err(Error::AccessDenied);
        }
        Self::check_pmr_meeting_types(&caller.site, &user)?;
        Ok(user)
    }

    /// GetMe: the signed-in user.
    pub async fn get_me(&self, caller: &Caller) -> Result<User> {
        let me = caller.require_user()?;
        let user = self.store.user_by_id(caller.site.id, me.id).await?.ok_or(Error::NotFound(Entity::User))?;
        Self::check_pmr_meeting_types(&caller.site, &user)?;
        Ok(user)
    }

    /// DelUser: deactivates up to 50 users, each on its own; a deactivated user's seat is freed
    /// and their personal room released (it comes back if they return within a week).
    pub async fn deactivate_users(&self, caller: &Caller, webex_ids: &[String]) -> Result<Vec<Deactivation>> {
        let me = caller.require_user()?;
        if !me.privileges.manages_users() {
            return Err(Error::AccessDenied);
        }
        if webex_ids.is_empty() {
            return Err(Error::invalid(Field::WebexId, "is required"));
        }
        if webex_ids.len() > MAX_USERS_PER_DELETE {
            return Err(Error::invalid(Field::WebexId, format!("at most {MAX_USERS_PER_DELETE} users per call")));
        }
        let mut out = Vec::with_capacity(webex_ids.len());
        for id in webex_ids {
            let change = UserChange {
                webex_id: id.clone(),
                fields: UserFields { active: Some(ActiveState::Deactivated), ..UserFields::default() },
                ..UserChange::default()
            };
            let outcome = self.set_user(caller, &change).await.map(|_| ());
            out.push(Deactivation { webex_id: id.trim().to_string(), outcome });
        }
        Ok(out)
    }

    /// LstsummaryUser: administrators list the site; anyone else sees only themselves.
    pub async fn list_users(&self, caller: &Caller, query: UserQuery) -> Result<Page<User>> {
        let me = caller.require_user()?;
        let mut query = query;
        if !me.privileges.reads_site() {
            query.only_user = Some(me.id);
        }
        query.limit = query.limit.clamp(1, 500);
        let page = self.store.list_users(caller.site.id, &query).await?;
        if page.items.is_empty() {
            return Err(Error::NoRecords);
        }
        Ok(page)
    }

    /// The site's home page.
    pub fn site_url(&self, site: &Site) -> String {
        format!("{}/{}", self.config.public_url, site.name)
    }

    /// The site's address as REST objects and webhook deliveries carry it (`siteUrl`): the public
    /// base without its scheme, then the site name, e.g. `meet.example.com/acme`.
    pub fn site_address(&self, site: &Site) -> String {
        let url = self.site_url(site);
        url.split_once("://").map(|(_, rest)| rest.to_string()).unwrap_or(url)
    }

    /// The links of a user's personal room, if they have one in use.
    pub fn personal_room_links(&self, site: &Site, user: &User) -> Option<PersonalRoomLinks> {
        let room = user.personal_room.as_ref().filter(|r| r.released_at.is_none())?;
        let first = if user.first_name.is_empty() { &user.webex_id } else { &user.first_name };
        let title = match &user.preferences.room.topic {
            Some(topic) => topic.clone(),
            None => format!("{first}'s Personal Room"),
        };
        Some(PersonalRoomLinks {
            title,
            url: format!("{}/meet/{}", self.site_url(site), user.webex_id),
            sip_url: format!("{}@{}.{}", user.webex_id, site.name, self.config.public_host()),
            access_code: room.meeting_key.to_string(),
            host_pin: room.host_pin.clone(),
        })
    }

    async fn target_user(&self, caller: &Caller, webex_id: &str) -> Result<User> {
        let me = caller.require_user()?;
        let target = if webex_id.trim().is_empty() { me.webex_id.clone() } else { webex_id.trim().to_string() };
        let user = self.store.user_by_webex_id(caller.site.id, &target).await?.ok_or(Error::NotFound(Entity::User))?;
        if user.id != me.id && !me.privileges.manages_users() {
            return Err(Error::AccessDenied);
        }
        Ok(user)
    }

    /// GetloginurlUser: a link that signs the user in (with a short-lived ticket) and then goes to
    /// `back_url`.
    pub async fn login_url(&self, caller: &Caller, webex_id: &str, back_url: Option<&str>) -> Result<String> {
        let user = self.target_user(caller, webex_id).await?;
        let as_user = Caller {
            site: caller.site.clone(),
            principal: crate::model::Principal::User(Box::new(user.clone())),
            scopes: None,
        };
        let ticket = self.issue_session_ticket(&as_user).await?;
        let mut url = format!(
            "{}/p.php?AT=LI&WID={}&TK={}",
            self.site_url(&caller.site),
            url_encode(&user.webex_id),
            url_encode(&ticket.ticket)
        );
        if let Some(back) = back_url.filter(|b| !b.trim().is_empty()) {
            url.push_str(&format!("&MU={}", url_encode(back.trim())));
        }
        Ok(url)
    }

    /// GetlogouturlUser.
    pub async fn logout_url(&self, caller: &Caller, webex_id: &str, back_url: Option<&str>) -> Result<String> {
        let user = self.target_user(caller, webex_id).await?;
        let mut url = format!("{}/p.php?AT=LO&WID={}", self.site_url(&caller.site), url_encode(&user.webex_id));
        if let Some(back) = back_url.filter(|b| !b.trim().is_empty()) {
            url.push_str(&format!("&MU={}", url_encode(back.trim())));
        }
        Ok(url)
    }

    /// GetUserCard: any signed-in user or site API key may read the card of a user of the site,
    /// within the site's per-minute usage limit.
    pub async fn user_card(&self, caller: &Caller, webex_id: &str) -> Result<UserCard> {
        if matches!(caller.principal, crate::model::Principal::Anonymous) {
            return Err(Error::Auth(crate::error::AuthFailure::MissingCredentials));
        }
        if !self.within_usage(&caller.usage_key(), "GetUserCard", caller.site.settings.usage_limit_per_minute).await? {
            return Err(Error::UsageLimited);
        }
        let user =
            self.store.user_by_webex_id(caller.site.id, webex_id.trim()).await?.ok_or(Error::NotFound(Entity::User))?;
        Ok(UserCard {
            avatar_url: format!("{}/avatar/{}.png", self.site_url(&caller.site), url_encode(&user.webex_id)),
            avatar_modified_ms: user.updated_at.timestamp_millis(),
            avatar_uploaded: false,
            personal_room: self.personal_room_links(&caller.site, &user),
        })
    }
}
