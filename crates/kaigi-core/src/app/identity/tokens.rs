//! Bearer tokens for the REST API: which scopes a user's role allows, personal access tokens,
//! and turning a presented token into a [`Caller`] with its scopes.

use chrono::Duration;

use crate::error::{AuthFailure, Entity, Error, Field, Result, ScheduleError};
use crate::model::{Caller, IssuedToken, Principal, Site, StoredToken, TokenCaller, TokenKind, User};
use crate::rules::limits::PERSONAL_TOKEN_HOURS;
use crate::rules::scopes::{self, scopes_allowed, Operation};
use crate::rules::secrets::token_hash;
use crate::Kaigi;

impl Kaigi {
    /// A personal access token for `webex_id`, valid [`PERSONAL_TOKEN_HOURS`], with every scope
    /// the user's role allows, or only `narrow` (each of which the role must allow).
    pub async fn create_personal_token(
        &self,
        site: &Site,
        webex_id: &str,
        narrow: Option<&[String]>,
    ) -> Result<IssuedToken> {
        let user = self.store.user_by_webex_id(site.id, webex_id.trim()).await?.ok_or(Error::NotFound(Entity::User))?;
        if !user.is_active() {
            return Err(Error::Auth(AuthFailure::Inactive));
        }
        let allowed = scopes_allowed(&user);
        let scopes: Vec<String> = match narrow {
            None => allowed.iter().map(|s| s.to_string()).collect(),
            Some(wanted) => {
                let mut out = Vec::new();
                for w in wanted.iter().flat_map(|w| w.split([' ', ','])).filter(|w| !w.is_empty()) {
                    if !allowed.contains(&w) {
                        return Err(Error::invalid(Field::Scope, format!("{w} is not allowed for {}", user.webex_id)));
                    }
                    if !out.iter().any(|o| o == w) {
                        out.push(w.to_string());
                    }
                }
                if out.is_empty() {
                    return Err(Error::invalid(Field::Scope, "name at least one scope"));
                }
                out
            }
        };
        let now = self.now();
        let token = self.random_token();
        let expires_at = now + Duration::hours(PERSONAL_TOKEN_HOURS);
        let credential_epoch = self.current_credential_epoch(user.id).await?;
        self.store
            .insert_token(&StoredToken {
                id: 0,
                token_hash: token_hash(&token),
                kind: TokenKind::Personal,
                site_id: site.id,
                user_id: user.id,
                client_id: None,
                scopes: scopes.clone(),
                created_at: now,
                expires_at,
                revoked_at: None,
                refresh_token_id: None,
                credential_epoch,
            })
            .await?;
        Ok(IssuedToken { token, scopes, expires_at })
    }

    /// The host a request names with `hostEmail`: None when it names nobody or the caller. Naming
    /// someone else needs the scope that lets the token do `op` for others, and the person must be a user of the
    /// caller's site (whether they may host is asked later, with the licence question).
    pub async fn named_host(&self, who: &TokenCaller, host_email: Option<&str>, op: Operation) -> Result<Option<User>> {
        let Some(email) = host_email.map(str::trim).filter(|e| !e.is_empty()) else { return Ok(None) };
        if email.eq_ignore_ascii_case(&who.user().email) {
            return Ok(None);
        }
        who.require(scopes::scope_for_others(op))?;
        let host = self.store.user_by_email(who.caller.site.id, email).await?;
        host.map(Some).ok_or(Error::Schedule(ScheduleError::UnknownHost))
    }

    /// The caller behind `Authorization: Bearer <token>`: unknown, expired, revoked or refresh
    /// tokens, and tokens of users no longer active, are all refused alike.
    pub async fn authenticate_bearer(&self, token: &str) -> Result<TokenCaller> {
        let token = token.trim();
        let bad = Error::Auth(AuthFailure::BadAccessToken);
        if token.is_empty() || token.len() > 4096 {
            return Err(bad);
        }
        let Some(stored) = self.store.token_by_hash(&token_hash(token)).await? else { return Err(bad) };
        if !stored.kind.is_bearer() || stored.revoked_at.is_some() || stored.expires_at <= self.now() {
            return Err(bad);
        }
        // A password change or a deactivation since the token was issued revoked it.
        if self.store.credential_epoch(stored.user_id).await? != Some(stored.credential_epoch) {
            return Err(bad);
        }
        let site = self.store.site_by_id(stored.site_id).await?.ok_or(Error::Auth(AuthFailure::BadAccessToken))?;
        let user =
            self.store.user_by_id(site.id, stored.user_id).await?.ok_or(Error::Auth(AuthFailure::BadAccessToken))?;
        if !user.is_active() {
            return Err(Error::Auth(AuthFailure::Inactive));
        }
        let limit = site.settings.rest_calls_per_minute.max(1);
        if !self.within_usage(&format!("u{}", user.id), "rest", limit).await? {
            return Err(Error::UsageLimited);
        }
        // A token never grants more than the user's role allows today.
        let allowed = scopes_allowed(&user);
        let scopes = stored.scopes.into_iter().filter(|s| allowed.contains(&s.as_str())).collect();
        let caller = Caller { site, principal: Principal::User(Box::new(user.clone())), scopes: None };
        Ok(TokenCaller { caller, user, scopes, client_id: stored.client_id, expires_at: stored.expires_at })
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::scopes::scopes_allowed;

    use crate::model::scope;

    #[test]
    fn scopes_follow_the_role() {
        let mut user = crate::model::user::fixtures::sample_user();
        user.privileges = crate::model::Privileges::default();
        let plain = scopes_allowed(&user);
        assert!(plain.contains(&scope::SCHEDULES_WRITE) && plain.contains(&scope::PEOPLE_READ));
        assert!(plain.contains(&scope::PREFERENCES_READ) && plain.contains(&scope::PREFERENCES_WRITE));
        assert!(!plain.iter().any(|s| s.contains("admin")));
        user.privileges.ro_site_admin = true;
        let reader = scopes_allowed(&user);
        assert!(reader.contains(&scope::ADMIN_SCHEDULE_READ) && !reader.contains(&scope::ADMIN_SCHEDULE_WRITE));
        assert!(reader.contains(&scope::ADMIN_PREFERENCES_READ) && !reader.contains(&scope::ADMIN_PREFERENCES_WRITE));
        user.privileges.site_admin = true;
        let admin = scopes_allowed(&user);
        assert!(admin.contains(&scope::ADMIN_SCHEDULE_WRITE) && admin.contains(&scope::ADMIN_PREFERENCES_WRITE));
    }
}
