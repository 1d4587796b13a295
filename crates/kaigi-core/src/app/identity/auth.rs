//! Who is calling: turns the credentials a request carries into a [`Caller`], applying the lockout
//! rule for repeated bad passwords.

use base64::Engine;
use chrono::Duration;

use crate::error::{AuthFailure, Entity, Error, Result};
use crate::model::{
    ApiKey, Caller, Credentials, IssuedTicket, Principal, Proof, SessionTicket, Site, SiteRef, User, UserRef,
};
use crate::rules::secrets::{token_hash, verify_password};
use crate::Kaigi;

impl Kaigi {
    pub async fn resolve_site(&self, site: &SiteRef) -> Result<Site> {
        let found = match site {
            SiteRef::Name(name) => self.store.site_by_name(name.trim()).await?,
            SiteRef::Number(n) => self.store.site_by_number(*n).await?,
        };
        found.ok_or(Error::NotFound(Entity::Site))
    }

    async fn find_user(&self, site: &Site, user: &UserRef) -> Result<Option<User>> {
        Ok(match user {
            UserRef::WebExId(id) => self.store.user_by_webex_id(site.id, id.trim()).await?,
            UserRef::Email(email) => self.store.user_by_email(site.id, email.trim()).await?,
        })
    }

    /// Checks the credentials. Anonymous callers are returned as such; each operation decides
    /// whether it accepts them.
    pub async fn authenticate(&self, credentials: &Credentials) -> Result<Caller> {
        let site = self.resolve_site(&credentials.site).await?;
        self.authenticate_at(site, credentials).await
    }

    /// Like [`Kaigi::authenticate`] for a site already resolved.
    pub async fn authenticate_at(&self, site: Site, credentials: &Credentials) -> Result<Caller> {
        let principal = match &credentials.proof {
            Proof::ApiKey(token) => Principal::ApiKey(self.check_api_key(&site, token).await?),
            Proof::SessionTicket(ticket) => {
                Principal::User(Box::new(self.check_ticket(&site, credentials.user.as_ref(), ticket).await?))
            }
            // The access tokens /v1/access_token issues (spec §1.3, §7): for the site they were
            // issued on, and for the person they speak for when one is named.
            Proof::AccessToken(token) => {
                let by_token = self.authenticate_bearer(token).await?;
                let named = match credentials.user.as_ref() {
                    None => true,
                    Some(UserRef::WebExId(id)) => by_token.user().webex_id.eq_ignore_ascii_case(id.trim()),
                    Some(UserRef::Email(e)) => by_token.user().email.eq_ignore_ascii_case(e.trim()),
                };
                if by_token.caller.site.id != site.id || !named {
                    return Err(Error::Auth(AuthFailure::BadAccessToken));
                }
                return Ok(Caller {
                    site,
                    principal: Principal::User(Box::new(by_token.user().clone())),
                    scopes: Some(by_token.scopes),
                });
            }
            Proof::Password(password) => {
                let user_ref = credentials.user.as_ref().ok_or(Error::Auth(AuthFailure::MissingCredentials))?;
                Principal::User(Box::new(self.check_password(&site, user_ref, password).await?))
            }
            Proof::None => match &credentials.user {
                // A user named without any proof is an authentication failure, not an anonymous call.
                Some(_) => return Err(Error::Auth(AuthFailure::BadPassword)),
                None => Principal::Anonymous,
            },
        };
        Ok(Caller { site, principal, scopes: None })
    }

    async fn check_api_key(&self, site: &Site, token: &str) -> Result<ApiKey> {
        let key = self.store.api_key_by_hash(&token_hash(token.trim())).await?;
        match key {
            Some(k) if k.site_id == site.id && k.revoked_at.is_none() => Ok(k),
            _ => Err(Error::Auth(AuthFailure::BadApiKey)),
        }
    }

    async fn check_ticket(&self, site: &Site, user_ref: Option<&UserRef>, ticket: &str) -> Result<User> {
        let now = self.now();
        let record = self.store.session_ticket(&token_hash(ticket.trim())).await?;
        let record = match record {
            Some(t) if t.site_id == site.id && t.expires_at > now => t,
            _ => return Err(Error::Auth(AuthFailure::BadTicket)),
        };
        // A password change or a deactivation since the ticket was issued revoked it.
        if self.store.credential_epoch(record.user_id).await? != Some(record.credential_epoch) {
            return Err(Error::Auth(AuthFailure::BadTicket));
        }
        let user = self.store.user_by_id(site.id, record.user_id).await?.ok_or(Error::Auth(AuthFailure::BadTicket))?;
        // A ticket speaks only for the user it was issued to.
        let same_user = match user_ref {
            None => true,
            Some(UserRef::WebExId(id)) => user.webex_id.eq_ignore_ascii_case(id.trim()),
            Some(UserRef::Email(e)) => user.email.eq_ignore_ascii_case(e.trim()),
        };
        if !same_user {
            return Err(Error::Auth(AuthFailure::BadTicket));
        }
        if !user.is_active() {
            return Err(Error::Auth(AuthFailure::Inactive));
        }
        Ok(user)
    }

    /// Verifies `password` against the fixed dummy hash: the work a wrong password costs, spent
    /// where there is no real hash to check, so that the answer time does not tell whether a
    /// user exists.
    async fn spend_one_verification(&self, password: &str) {
        let (pw, dummy, cost) = (password.to_string(), self.dummy_hash.clone(), self.config.hash_cost);
        let _ = self
            .hashing(move || {
                let phc = dummy.get_or_init(|| {
                    crate::rules::secrets::hash_password_with_salt("kaigi: no such user", cost, b"kaigi-dummy-salt")
                });
                verify_password(&pw, phc)
            })
            .await;
    }

    async fn check_password(&self, site: &Site, user_ref: &UserRef, password: &str) -> Result<User> {
        let now = self.now();
        let Some(user) = self.find_user(site, user_ref).await? else {
            self.spend_one_verification(password).await;
            return Err(Error::Auth(AuthFailure::UnknownUser));
        };
        if let Some(until) = user.locked_until {
            if until > now {
                return Err(Error::Auth(AuthFailure::Locked { until_unix: until.timestamp() }));
            }
        }
        let Some(phc) = user.password_hash.clone() else {
            self.spend_one_verification(password).await;
            return Err(Error::Auth(AuthFailure::BadPassword));
        };
        let good = if self.verified.recently_verified(user.id, &phc, password, now) {
            true
        } else {
            // Wait for a hashing slot, then look again: after a restart many requests arrive with
            // the same password, and only the first of them needs to pay for argon2.
            let Ok(_slot) = self.hashing_slots.acquire().await else {
                return Err(Error::Auth(AuthFailure::BadPassword));
            };
            if self.verified.recently_verified(user.id, &phc, password, now) {
                true
            } else {
                let (pw, hash) = (password.to_string(), phc.clone());
                let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash)).await.unwrap_or(false);
                if ok {
                    self.verified.remember(user.id, &phc, password, now);
                }
                ok
            }
        };
        // A deactivated account answers the same to a right and a wrong password (after the same
        // work), so it cannot be used to find the password out; its counters are left alone.
        if !user.is_active() {
            return Err(Error::Auth(AuthFailure::Inactive));
        }
        if !good {
            // One atomic update counts this failure: parallel bad passwords each count.
            let threshold = site.settings.lockout_threshold.max(1);
            let until = now + Duration::minutes(i64::from(site.settings.lockout_minutes));
            let state = self.store.record_failed_login(user.id, threshold, until).await?;
            if state.locked_until.is_some() {
                tracing::warn!(site = %site.name, user = %user.webex_id, "account locked after {threshold} bad passwords");
            }
            return Err(Error::Auth(AuthFailure::BadPassword));
        }
        if user.failed_logins > 0 || user.locked_until.is_some() {
            self.store.record_login_state(user.id, 0, None).await?;
        }
        Ok(user)
    }

    /// The user's credential epoch as stored now (read past every cache).
    pub(crate) async fn current_credential_epoch(&self, user: crate::model::UserId) -> Result<i64> {
        self.store.credential_epoch(user).await?.ok_or(Error::NotFound(Entity::User))
    }

    /// Runs argon2 work off the async threads, a few at a time: each check holds tens of MB for a
    /// moment, and a burst of sign-ins must not take all memory or every core.
    pub(crate) async fn hashing<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let _permit = self.hashing_slots.acquire().await.ok()?;
        tokio::task::spawn_blocking(work).await.ok()
    }

    /// An argon2id hash of `password` at the configured cost.
    pub(crate) async fn hash_password(&self, password: &str) -> String {
        let (pw, cost) = (password.to_string(), self.config.hash_cost);
        let mut salt = [0u8; 16];
        self.keys.fill(&mut salt);
        self.hashing(move || crate::rules::secrets::hash_password_with_salt(&pw, cost, &salt)).await.unwrap_or_default()
    }

    /// AuthenticateUser: a session ticket that replaces the password in later requests.
    pub async fn issue_session_ticket(&self, caller: &Caller) -> Result<IssuedTicket> {
        let user = caller.require_user()?;
        // A ticket acts with all the person's powers, so an access token trades for one only
        // when it carries every scope the person's role allows (Webex asks spark:all).
        if let Some(granted) = &caller.scopes {
            if let Some(missing) =
                crate::rules::scopes::scopes_allowed(user).into_iter().find(|s| !granted.iter().any(|g| g == s))
            {
                return Err(Error::MissingScope(missing));
            }
        }
        let now = self.now();
        let mut raw = [0u8; 48];
        self.keys.fill(&mut raw);
        let ticket = base64::engine::general_purpose::STANDARD.encode(raw);
        let ttl = caller.site.settings.session_ticket_ttl_secs.max(60);
        let credential_epoch = self.current_credential_epoch(user.id).await?;
        self.store
            .insert_session_ticket(&SessionTicket {
                token_hash: token_hash(&ticket),
                site_id: caller.site.id,
                user_id: user.id,
                created_at: now,
                expires_at: now + Duration::seconds(i64::from(ttl)),
                credential_epoch,
            })
            .await?;
        Ok(IssuedTicket { ticket, created_at_ms: now.timestamp_millis(), time_to_live_secs: ttl })
    }

    /// Creates a site API key (`kaigi apikey create`). The token is shaped like a JWT (header,
    /// claims naming the site and key, random signature) and is shown once; only its hash is kept.
    pub async fn create_api_key(&self, site: &Site, name: &str) -> Result<String> {
        let now = self.now();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let jti = self.keys.hex(16);
        let claims =
            serde_json::json!({ "iss": "kaigi", "site": site.name, "name": name, "jti": jti, "iat": now.timestamp() });
        let mut signature = [0u8; 32];
        self.keys.fill(&mut signature);
        let token = format!("{header}.{}.{}", b64.encode(claims.to_string()), b64.encode(signature));
        self.store
            .insert_api_key(&ApiKey {
                id: 0,
                site_id: site.id,
                name: name.to_string(),
                token_hash: token_hash(&token),
                created_at: now,
                revoked_at: None,
            })
            .await?;
        Ok(token)
    }
}
