//! Integrations and Service Apps: registered on one site by its administrator, each with a
//! public client id, a secret shown once, the redirect URIs it may send people back to and the
//! scopes it may ask for. A Service App is also authorized once by an administrator; its tokens
//! then act as a machine account of the site (see [`Kaigi::authorize_service_app`]).

use crate::error::{Entity, Error, Field, OAuthError, Result, StoreError};
use crate::model::{
    ActiveState, Caller, Integration, IntegrationKind, NewIntegration, Privileges, RegisteredIntegration, SeatChange,
    User, UserId,
};
use crate::rules::limits::{MAX_INTEGRATIONS_PER_SITE, MAX_NAME_CHARS, MAX_REDIRECT_URIS};
use crate::rules::scopes::parse_scopes;
use crate::rules::secrets::token_hash;
use crate::rules::validate::integration::check_redirect_uri;
use crate::Kaigi;

fn require_site_admin(caller: &Caller) -> Result<&User> {
    let me = caller.require_user()?;
    if me.privileges.site_admin {
        Ok(me)
    } else {
        Err(Error::AccessDenied)
    }
}

impl Kaigi {
    /// Registers an integration or Service App on the caller's site (site administrators only).
    pub async fn create_integration(&self, caller: &Caller, req: &NewIntegration) -> Result<RegisteredIntegration> {
        let me = require_site_admin(caller)?;
        let name = req.name.trim();
        if name.is_empty() {
            return Err(Error::invalid(Field::Name, "name is required"));
        }
        if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(Error::invalid(
                Field::Name,
                format!("at most {MAX_NAME_CHARS} characters, no control characters"),
            ));
        }
        let mut uris: Vec<String> = Vec::new();
        for u in req.redirect_uris.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
            check_redirect_uri(u)?;
            if !uris.iter().any(|x| x == u) {
                uris.push(u.to_string());
            }
        }
        if uris.len() > MAX_REDIRECT_URIS {
            return Err(Error::invalid(Field::RedirectUri, format!("at most {MAX_REDIRECT_URIS} redirect URIs")));
        }
        if uris.is_empty() && req.kind == IntegrationKind::Integration {
            return Err(Error::invalid(Field::RedirectUri, "an integration needs at least one redirect URI"));
        }
        let scopes = parse_scopes(&req.scopes)?;
        if scopes.is_empty() {
            return Err(Error::invalid(Field::Scope, "name at least one scope"));
        }
        if self.store.list_integrations(caller.site.id).await?.len() >= MAX_INTEGRATIONS_PER_SITE {
            return Err(Error::invalid(
                Field::Name,
                format!("a site holds at most {MAX_INTEGRATIONS_PER_SITE} integrations"),
            ));
        }
        let client_id = format!("C{}", self.keys.hex(32));
        let client_secret = self.keys.hex(32);
        let mut integration = Integration {
            id: 0,
            site_id: caller.site.id,
            name: name.to_string(),
            client_id,
            secret_hash: token_hash(&client_secret),
            redirect_uris: uris,
            scopes,
            kind: req.kind,
            created_by: me.webex_id.clone(),
            created_at: self.now(),
            authorized_by: None,
            authorized_at: None,
            machine_user_id: None,
            revoked_at: None,
        };
        integration.id = self.store.insert_integration(&integration).await?;
        Ok(RegisteredIntegration { integration, client_secret })
    }

    /// The caller's site's integrations (site administrators only).
    pub async fn list_integrations(&self, caller: &Caller) -> Result<Vec<Integration>> {
        require_site_admin(caller)?;
        Ok(self.store.list_integrations(caller.site.id).await?)
    }

    /// An integration of the caller's site that is not revoked.
    async fn own_integration(&self, caller: &Caller, client_id: &str) -> Result<Integration> {
        match self.store.integration_by_client_id(client_id.trim()).await? {
            Some(i) if i.site_id == caller.site.id && i.revoked_at.is_none() => Ok(i),
            _ => Err(Error::NotFound(Entity::Integration)),
        }
    }

    /// Authorizes a Service App for the caller's site (site administrators only). Its tokens act
    /// as a machine account made now: a site administrator without a licence and without a
    /// password, so it can book only for licensed hosts (`hostEmail`) and never sign in.
    /// Authorizing again changes nothing; of two administrators authorizing at once, the first
    /// makes the account and the second is answered with the app as the first authorized it.
    pub async fn authorize_service_app(&self, caller: &Caller, client_id: &str) -> Result<Integration> {
        let me = require_site_admin(caller)?;
        let app = self.own_integration(caller, client_id).await?;
        if app.kind != IntegrationKind::ServiceApp {
            return Err(Error::invalid(Field::ClientId, "only a Service App is authorized this way"));
        }
        if app.authorized_at.is_some() {
            return Ok(app);
        }
        let now = self.now();
        let handle = app.client_id.get(1..13).unwrap_or(&app.client_id).to_lowercase();
        let webex_id = format!("serviceapp-{handle}");
        let mut machine =
            User::new_on_site(&caller.site, webex_id.clone(), format!("{webex_id}@serviceapp.invalid"), now);
        machine.first_name = app.name.chars().take(64).collect();
        machine.last_name = "(Service App)".into();
        machine.privileges = Privileges { site_admin: true, ..Privileges::default() };
        machine.meeting_types = Vec::new();
        let no_seat = SeatChange { before: false, after: false, limit: None };
        let machine_id = match self.store.insert_user(&machine, no_seat, &[]).await {
            Ok(id) => id,
            // The account exists: another authorization of this app is under way or done.
            Err(StoreError::Conflict(_)) => return self.authorized_meanwhile(caller, client_id).await,
            Err(e) => return Err(e.into()),
        };
        match self.store.authorize_integration(app.id, &me.webex_id, machine_id, now).await {
            Ok(()) => {}
            // Authorized or deleted since it was read: the account just made serves nothing.
            Err(StoreError::Missing) => {
                self.deactivate_machine_account(app.site_id, machine_id).await?;
                return self.authorized_meanwhile(caller, client_id).await;
            }
            Err(e) => return Err(e.into()),
        }
        Ok(Integration {
            authorized_by: Some(me.webex_id.clone()),
            authorized_at: Some(now),
            machine_user_id: Some(machine_id),
            ..app
        })
    }

    /// The app as another authorization left it: authorized (the answer to a repeated
    /// authorization), deleted (not found), or still being authorized.
    async fn authorized_meanwhile(&self, caller: &Caller, client_id: &str) -> Result<Integration> {
        let app = self.own_integration(caller, client_id).await?;
        if app.authorized_at.is_some() {
            return Ok(app);
        }
        Err(Error::invalid(
            Field::ClientId,
            "another administrator is authorizing this Service App now; reload the list",
        ))
    }

    async fn deactivate_machine_account(&self, site: i64, id: UserId) -> Result<()> {
        if let Some(mut machine) = self.store.user_by_id(site, id).await? {
            machine.active = ActiveState::Deactivated;
            machine.updated_at = self.now();
            let no_seat = SeatChange { before: false, after: false, limit: None };
            self.store.update_user(&machine, no_seat, &[]).await?;
            self.store.revoke_credentials(machine.id).await?;
        }
        Ok(())
    }

    /// Deletes an integration (site administrators only): its client id, codes and every token
    /// issued to it stop working at once; a Service App's machine account is deactivated.
    pub async fn delete_integration(&self, caller: &Caller, client_id: &str) -> Result<()> {
        require_site_admin(caller)?;
        let app = self.own_integration(caller, client_id).await?;
        self.store.revoke_integration(app.id, self.now()).await?;
        // Read again after the revocation: an authorization that finished between the first
        // read and the revocation has made a machine account the first read did not name. One
        // that finishes later fails on the revoked row and deactivates its own account.
        let revoked = self.store.integration_by_client_id(&app.client_id).await?;
        if let Some(id) = revoked.and_then(|i| i.machine_user_id).or(app.machine_user_id) {
            self.deactivate_machine_account(app.site_id, id).await?;
        }
        Ok(())
    }

    /// The integration whose secret this is; unknown, revoked or a wrong secret are alike.
    pub(crate) async fn authenticate_client(&self, client_id: &str, secret: &str) -> Result<Integration> {
        let bad = Error::OAuth(OAuthError::InvalidClient);
        let (client_id, secret) = (client_id.trim(), secret.trim());
        if client_id.is_empty() || client_id.len() > 256 || secret.is_empty() || secret.len() > 256 {
            return Err(bad);
        }
        match self.store.integration_by_client_id(client_id).await? {
            Some(i) if i.revoked_at.is_none() && i.secret_hash == token_hash(secret) => Ok(i),
            _ => Err(bad),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::limits::MAX_REDIRECT_URI_BYTES;
    use crate::rules::scopes::parse_scopes;
    use crate::rules::validate::integration::check_redirect_uri;

    #[test]
    fn scopes_must_be_known_and_are_deduplicated() {
        let got = parse_scopes(&["meeting:schedules_read spark:people_read".into(), "meeting:schedules_read".into()])
            .expect("known");
        assert_eq!(got, ["meeting:schedules_read", "spark:people_read"]);
        assert!(parse_scopes(&["spark:all".into()]).is_err());
    }

    #[test]
    fn redirect_uris_are_absolute_http_without_fragments() {
        assert!(check_redirect_uri("https://app.example/callback?x=1").is_ok());
        assert!(check_redirect_uri("http://127.0.0.1:9/cb").is_ok());
        for bad in
            ["javascript:alert(1)", "https:///nohost", "https://a.example/#frag", "https://a.example/ x", "/relative"]
        {
            assert!(check_redirect_uri(bad).is_err(), "{bad}");
        }
        assert!(check_redirect_uri(&format!("https://a.example/{}", "x".repeat(MAX_REDIRECT_URI_BYTES))).is_err());
        // Non-ASCII is refused with the reason; its percent-encoded form is taken.
        let Err(Error::Invalid { why, .. }) = check_redirect_uri("https://a.example/rückruf") else {
            panic!("non-ASCII accepted")
        };
        assert!(why.contains("ASCII"), "{why}");
        assert!(check_redirect_uri("https://a.example/r%C3%BCckruf").is_ok());
    }
}
