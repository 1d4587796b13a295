//! OAuth 2.0 for integrations: the checks of the authorize request, the single-use code a person
//! grants by signing in, the `authorization_code` and `refresh_token` grants, and Service App
//! tokens. Lifetimes are kaigi's choice, close to the vendor's: access tokens 14 days, refresh
//! tokens 90 days, codes 10 minutes. Refreshing keeps the same refresh token (as the vendor
//! does); each refresh mints a new access token and leaves earlier ones valid until they expire.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Field, OAuthError, Result};
use crate::model::{
    Credentials, Integration, IntegrationKind, OauthCode, OauthTokens, Proof, SiteId, StoredToken, TokenCaller,
    TokenKind, UserRef, VerifiedClient,
};
use crate::rules::limits::{
    ACCESS_TOKEN_DAYS, CODE_MINUTES, MAX_SCOPE_BYTES, MAX_STATE_BYTES, REFRESH_TOKEN_DAYS, TOKEN_REQUESTS_PER_MINUTE,
};
use crate::rules::scopes::{self, granted_scopes, Operation};
use crate::rules::secrets::token_hash;
use crate::Kaigi;

fn secs_until(at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (at - now).num_seconds().max(0)
}

impl Kaigi {
    /// The client and redirect URI of an authorize request. A refusal here must be shown to the
    /// person, never sent to the URI: an unknown client, a deleted one, a Service App, or a
    /// redirect URI that is not registered exactly (it may be left out when only one is).
    pub async fn verify_authorize_client(&self, client_id: &str, redirect_uri: Option<&str>) -> Result<VerifiedClient> {
        let client_id = client_id.trim();
        if client_id.is_empty() || client_id.len() > 256 {
            return Err(Error::OAuth(OAuthError::InvalidClient));
        }
        let integration = match self.store.integration_by_client_id(client_id).await? {
            Some(i) if i.revoked_at.is_none() && i.kind == IntegrationKind::Integration => i,
            _ => return Err(Error::OAuth(OAuthError::InvalidClient)),
        };
        let redirect_uri = match redirect_uri.filter(|u| !u.is_empty()) {
            Some(u) if integration.redirect_uris.iter().any(|r| r == u) => u.to_string(),
            None if integration.redirect_uris.len() == 1 => integration.redirect_uris[0].clone(),
            _ => return Err(Error::OAuth(OAuthError::RedirectMismatch)),
        };
        let site = self.store.site_by_id(integration.site_id).await?.ok_or(Error::OAuth(OAuthError::InvalidClient))?;
        Ok(VerifiedClient { integration, site, redirect_uri })
    }

    /// The rest of an authorize request, once its client is verified: `response_type` must be
    /// `code`, `state` at most [`MAX_STATE_BYTES`]; the answer is the scopes it asks for.
    pub fn check_authorize_request(
        &self,
        client: &VerifiedClient,
        response_type: &str,
        state: &str,
        scope_param: &str,
    ) -> Result<Vec<String>> {
        if state.len() > MAX_STATE_BYTES {
            return Err(Error::OAuth(OAuthError::InvalidRequest));
        }
        if response_type.trim() != "code" {
            return Err(Error::OAuth(OAuthError::UnsupportedResponseType));
        }
        self.requested_scopes(client, scope_param)
    }

    /// The scopes an authorize request asks for: space-separated, each one the integration may
    /// ask for; none, or any other, is `invalid_scope`.
    pub fn requested_scopes(&self, client: &VerifiedClient, scope_param: &str) -> Result<Vec<String>> {
        let bad = Error::OAuth(OAuthError::InvalidScope);
        if scope_param.len() > MAX_SCOPE_BYTES {
            return Err(bad);
        }
        let mut out: Vec<String> = Vec::new();
        for s in scope_param.split([' ', ',']).filter(|s| !s.is_empty()) {
            if !client.integration.scopes.iter().any(|x| x == s) {
                return Err(bad);
            }
            if !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        }
        if out.is_empty() {
            return Err(bad);
        }
        Ok(out)
    }

    /// A person approves on the consent page: their password is checked as any sign-in is
    /// (lockout included), and a single-use code for the granted scopes is made. When none of
    /// the requested scopes may be granted to this person, `invalid_scope`.
    pub async fn grant_code(
        &self,
        client: &VerifiedClient,
        requested: &[String],
        user: &UserRef,
        password: &str,
    ) -> Result<String> {
        let site = client.site.clone();
        let credentials = Credentials {
            site: crate::model::SiteRef::Name(site.name.clone()),
            user: Some(user.clone()),
            proof: Proof::Password(password.to_string()),
        };
        let caller = self.authenticate_at(site, &credentials).await?;
        let person = caller.require_user()?;
        let scopes = granted_scopes(requested, &client.integration, person);
        if scopes.is_empty() {
            return Err(Error::OAuth(OAuthError::InvalidScope));
        }
        let now = self.now();
        let code = self.random_token();
        let credential_epoch = self.current_credential_epoch(person.id).await?;
        self.store
            .insert_oauth_code(&OauthCode {
                code_hash: token_hash(&code),
                integration_id: client.integration.id,
                site_id: caller.site.id,
                user_id: person.id,
                redirect_uri: client.redirect_uri.clone(),
                scopes,
                created_at: now,
                expires_at: now + Duration::minutes(CODE_MINUTES),
                credential_epoch,
            })
            .await?;
        Ok(code)
    }

    /// Counts one token request of `client_id`: [`Error::UsageLimited`] past
    /// [`TOKEN_REQUESTS_PER_MINUTE`] in this minute.
    async fn count_token_request(&self, client_id: &str) -> Result<()> {
        let client = client_id.trim();
        // At most 256 bytes (cut at a character boundary): the counter's key is stored.
        let end = (0..=client.len().min(256)).rev().find(|&i| client.is_char_boundary(i)).unwrap_or(0);
        let client = client.get(..end).unwrap_or_default();
        if self.within_usage(client, "oauth-token", TOKEN_REQUESTS_PER_MINUTE).await? {
            Ok(())
        } else {
            Err(Error::UsageLimited)
        }
    }

    /// The `authorization_code` grant: the code is taken for good on first use, must be this
    /// client's, unexpired, and come with the redirect URI it was issued for (which is required,
    /// even when the authorize request left it out).
    pub async fn exchange_code(
        &self,
        client_id: &str,
        client_secret: &str,
        code: &str,
        redirect_uri: Option<&str>,
    ) -> Result<OauthTokens> {
        self.count_token_request(client_id).await?;
        let integration = self.authenticate_client(client_id, client_secret).await?;
        if code.is_empty() || code.len() > 512 {
            return Err(Error::OAuth(OAuthError::InvalidGrant("the code is unknown or already used")));
        }
        let now = self.now();
        let code_hash = token_hash(code.trim());
        let Some(taken) = self.store.take_oauth_code(&code_hash, now).await? else {
            // RFC 6749 §4.1.2: a code presented again revokes the tokens issued from it (the code
            // may have leaked; whoever holds those tokens may not be its owner).
            if let Some(exchanged) = self.store.mark_code_reused(&code_hash, now).await? {
                tracing::warn!(client_id = %integration.client_id, "an authorization code was presented twice");
                if let Some(refresh_id) = exchanged {
                    self.store.revoke_token(refresh_id, now).await?;
                }
            }
            return Err(Error::OAuth(OAuthError::InvalidGrant("the code is unknown or already used")));
        };
        if taken.integration_id != integration.id {
            return Err(Error::OAuth(OAuthError::InvalidGrant("the code was issued to another client")));
        }
        if taken.expires_at <= now {
            return Err(Error::OAuth(OAuthError::InvalidGrant("the code has expired")));
        }
        if redirect_uri.map(str::trim) != Some(taken.redirect_uri.as_str()) {
            return Err(Error::OAuth(OAuthError::RedirectMismatch));
        }
        // The password changed (or the account was deactivated) since the sign-in that made it.
        if self.store.credential_epoch(taken.user_id).await? != Some(taken.credential_epoch) {
            return Err(Error::OAuth(OAuthError::InvalidGrant("the sign-in that made the code was revoked")));
        }
        let (tokens, refresh_id) = self.issue_pair(&integration, taken.site_id, taken.user_id, taken.scopes).await?;
        // Presented again while these were being made: they are revoked at once.
        if self.store.record_code_exchange(&code_hash, refresh_id).await? {
            self.store.revoke_token(refresh_id, now).await?;
            return Err(Error::OAuth(OAuthError::InvalidGrant("the code is unknown or already used")));
        }
        Ok(tokens)
    }

    /// The `refresh_token` grant: a new access token; the refresh token stays the same, and the
    /// answer says how long it has left.
    pub async fn refresh_access_token(
        &self,
        client_id: &str,
        client_secret: &str,
        refresh_token: &str,
    ) -> Result<OauthTokens> {
        self.count_token_request(client_id).await?;
        let integration = self.authenticate_client(client_id, client_secret).await?;
        let bad = Error::OAuth(OAuthError::InvalidGrant("the refresh token is unknown, expired or revoked"));
        let refresh_token = refresh_token.trim();
        if refresh_token.is_empty() || refresh_token.len() > 512 {
            return Err(bad);
        }
        let now = self.now();
        let stored = match self.store.token_by_hash(&token_hash(refresh_token)).await? {
            Some(t)
                if t.kind == TokenKind::OauthRefresh
                    && t.revoked_at.is_none()
                    && t.expires_at > now
                    && t.client_id.as_deref() == Some(integration.client_id.as_str()) =>
            {
                t
            }
            _ => return Err(bad),
        };
        // A password change or a deactivation since the sign-in revoked the refresh token too.
        if self.store.credential_epoch(stored.user_id).await? != Some(stored.credential_epoch) {
            return Err(bad);
        }
        let expires_at = now + Duration::days(ACCESS_TOKEN_DAYS);
        let (access_token, _) = self
            .store_token(
                TokenKind::OauthAccess,
                &integration,
                stored.site_id,
                stored.user_id,
                &stored.scopes,
                expires_at,
                Some(stored.id),
                stored.credential_epoch,
            )
            .await?;
        Ok(OauthTokens {
            access_token,
            expires_in: secs_until(expires_at, now),
            refresh_token: refresh_token.to_string(),
            refresh_token_expires_in: secs_until(stored.expires_at, now),
            scopes: stored.scopes,
        })
    }

    /// `POST /v1/applications/{id}/token`: tokens of an authorized Service App of the caller's
    /// site, for a caller holding `spark:applications_token`. The tokens act as the app's machine
    /// account, with the app's scopes.
    pub async fn service_app_tokens(
        &self,
        who: &TokenCaller,
        application_id: &str,
        client_id: &str,
        client_secret: &str,
        target_site: Option<SiteId>,
    ) -> Result<OauthTokens> {
        scopes::require(who, Operation::ServiceAppToken)?;
        if !client_id.trim().is_empty() && client_id.trim() != application_id.trim() {
            return Err(Error::invalid(Field::ClientId, "clientId must be the application's client id"));
        }
        self.count_token_request(application_id).await?;
        let app = self.authenticate_client(application_id, client_secret).await?;
        if app.kind != IntegrationKind::ServiceApp {
            return Err(Error::invalid(Field::ApplicationId, "this application is not a Service App"));
        }
        if app.site_id != who.caller.site.id || target_site.is_some_and(|s| s != app.site_id) {
            return Err(Error::OAuth(OAuthError::AppNotAuthorized));
        }
        let Some(machine) = app.machine_user_id.filter(|_| app.authorized_at.is_some()) else {
            return Err(Error::OAuth(OAuthError::AppNotAuthorized));
        };
        let scopes = app.scopes.clone();
        self.issue_pair(&app, app.site_id, machine, scopes).await.map(|(tokens, _)| tokens)
    }

    /// When the caller's token expires (`GET /v1/authorizations/tokenExpiry`).
    pub fn token_expiry(&self, who: &TokenCaller) -> DateTime<Utc> {
        who.expires_at
    }

    async fn issue_pair(
        &self,
        integration: &Integration,
        site: SiteId,
        user: i64,
        scopes: Vec<String>,
    ) -> Result<(OauthTokens, i64)> {
        let now = self.now();
        let refresh_expires = now + Duration::days(REFRESH_TOKEN_DAYS);
        let access_expires = now + Duration::days(ACCESS_TOKEN_DAYS);
        let epoch = self.current_credential_epoch(user).await?;
        let (refresh_token, refresh_id) = self
            .store_token(TokenKind::OauthRefresh, integration, site, user, &scopes, refresh_expires, None, epoch)
            .await?;
        let (access_token, _) = self
            .store_token(
                TokenKind::OauthAccess,
                integration,
                site,
                user,
                &scopes,
                access_expires,
                Some(refresh_id),
                epoch,
            )
            .await?;
        let tokens = OauthTokens {
            access_token,
            expires_in: secs_until(access_expires, now),
            refresh_token,
            refresh_token_expires_in: secs_until(refresh_expires, now),
            scopes,
        };
        Ok((tokens, refresh_id))
    }

    #[allow(clippy::too_many_arguments)]
    async fn store_token(
        &self,
        kind: TokenKind,
        integration: &Integration,
        site: SiteId,
        user: i64,
        scopes: &[String],
        expires_at: DateTime<Utc>,
        refresh_token_id: Option<i64>,
        credential_epoch: i64,
    ) -> Result<(String, i64)> {
        let token = self.random_token();
        let id = self
            .store
            .insert_token(&StoredToken {
                id: 0,
                token_hash: token_hash(&token),
                kind,
                site_id: site,
                user_id: user,
                client_id: Some(integration.client_id.clone()),
                scopes: scopes.to_vec(),
                created_at: self.now(),
                expires_at,
                revoked_at: None,
                refresh_token_id,
                credential_epoch,
            })
            .await?;
        Ok((token, id))
    }

    /// 48 random bytes, URL-safe base64: tokens and codes.
    pub(crate) fn random_token(&self) -> String {
        let mut raw = [0u8; 48];
        self.keys.fill(&mut raw);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scope;
    use crate::model::Integration;
    use crate::model::IntegrationKind;
    use crate::model::Privileges;
    use crate::rules::scopes::granted_scopes;

    fn integration(scopes: &[&str]) -> Integration {
        Integration {
            id: 1,
            site_id: 1,
            name: "booker".into(),
            client_id: "Cabc".into(),
            secret_hash: String::new(),
            redirect_uris: vec!["https://app.example/cb".into()],
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            kind: IntegrationKind::Integration,
            created_by: "boss".into(),
            created_at: DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default(),
            authorized_by: None,
            authorized_at: None,
            machine_user_id: None,
            revoked_at: None,
        }
    }

    #[test]
    fn granted_scopes_are_requested_and_registered_and_allowed_by_the_role() {
        let app = integration(&[scope::ADMIN_SCHEDULE_WRITE, scope::SCHEDULES_READ, scope::PEOPLE_READ]);
        let requested: Vec<String> =
            [scope::ADMIN_SCHEDULE_WRITE, scope::SCHEDULES_READ, scope::SCHEDULES_WRITE].map(String::from).to_vec();
        let mut user = crate::model::user::fixtures::sample_user();
        user.privileges = Privileges::default();
        // Not an administrator: the admin scope is left out; schedules_write is not registered.
        assert_eq!(granted_scopes(&requested, &app, &user), [scope::SCHEDULES_READ]);
        user.privileges.site_admin = true;
        assert_eq!(granted_scopes(&requested, &app, &user), [scope::ADMIN_SCHEDULE_WRITE, scope::SCHEDULES_READ]);
    }
}
