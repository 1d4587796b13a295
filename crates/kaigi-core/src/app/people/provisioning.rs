//! People provisioning as the REST API does it (`POST`, `PUT`, `DELETE /v1/people`): the same
//! users as the XML API's user service, created, changed and deactivated through its use cases
//! (CreateUser, SetUser, DelUser), so seats, uniqueness and personal rooms follow one set of rules.

use crate::error::{Duplicate, Entity, Error, Field, Result};
use crate::model::{
    ActiveState, NewUser, PersonWrite, ProfilePatch, TokenCaller, User, UserChange, UserFields, UserId,
};
use crate::rules::limits::{MAX_ADDRESS, MAX_CONTACT_NAME};
use crate::rules::scopes::{self, Operation};
use crate::rules::validate::clean_text;
use crate::rules::validate::people::{names_from, valid_user_email, webex_id_for_email};
use crate::Kaigi;

/// A refusal of the email rule, named as provisioning names the field (`emails`).
fn as_emails(e: Error) -> Error {
    match e {
        Error::Invalid { why, .. } => Error::invalid(Field::Emails, why),
        other => other,
    }
}

/// The user fields a provisioning request sets; `current` is the person as stored, for a change.
fn fields_of(req: &PersonWrite, current: Option<&User>) -> Result<UserFields> {
    let stored = current.map(|u| (u.first_name.as_str(), u.last_name.as_str())).unwrap_or(("", ""));
    let (first_name, last_name) =
        names_from(req.display_name.as_deref(), req.first_name.as_deref(), req.last_name.as_deref(), stored)?;
    let email = req.email.as_deref().map(valid_user_email).transpose().map_err(as_emails)?;
    let mut profile = ProfilePatch::default();
    if let Some(title) = &req.title {
        profile.title = Some(clean_text(Field::Title, title, MAX_CONTACT_NAME)?);
    }
    if let Some(a) = &req.address {
        let part = |v: &str| clean_text(Field::Addresses, v, MAX_ADDRESS).map(Some);
        profile.address1 = part(&a.street)?;
        // A REST address has one street line: a second one kept from the XML API goes with it.
        profile.address2 = Some(String::new());
        profile.city = part(&a.locality)?;
        profile.state = part(&a.region)?;
        profile.zip_code = part(&a.postal_code)?;
        profile.country = part(&a.country)?;
    }
    let privileges = req.host_licence.map(|host| vec![("host".to_string(), host)]).unwrap_or_default();
    let active = req.login_enabled.map(|on| if on { ActiveState::Activated } else { ActiveState::Deactivated });
    Ok(UserFields { first_name, last_name, email, privileges, active, profile, ..UserFields::default() })
}

impl Kaigi {
    /// Creates a person of the caller's site (`POST /v1/people`): CreateUser's rules, with the
    /// email as webExId and no password. Holding the site's licence takes a seat, which the
    /// store grants only while one is free.
    pub async fn provision_person(&self, who: &TokenCaller, req: &PersonWrite) -> Result<User> {
        scopes::require(who, Operation::WritePeople)?;
        let email = req.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
        let email =
            valid_user_email(email.ok_or_else(|| Error::invalid(Field::Emails, "is required"))?).map_err(as_emails)?;
        if [&req.display_name, &req.first_name, &req.last_name].iter().all(|n| n.as_deref().is_none_or(str::is_empty)) {
            return Err(Error::invalid(Field::DisplayName, "Give displayName, firstName or lastName."));
        }
        let fields = fields_of(req, None)?;
        let webex_id = webex_id_for_email(&email)?;
        // The database enforces it too; asking first names the address rather than the webExId.
        if self.store.user_by_email(who.caller.site.id, &email).await?.is_some() {
            return Err(Error::Duplicate(Duplicate::Email));
        }
        let new = NewUser { webex_id, fields, send_welcome: false, html_email: false };
        self.add_user(&who.caller, &new, false).await
    }

    /// Changes a person of the caller's site (`PUT /v1/people/{id}`): SetUser with what the
    /// request names. A person whose webExId is their address keeps it so when the address changes.
    pub async fn update_person(&self, who: &TokenCaller, id: UserId, req: &PersonWrite) -> Result<User> {
        scopes::require(who, Operation::WritePeople)?;
        let user = self.store.user_by_id(who.caller.site.id, id).await?.ok_or(Error::NotFound(Entity::User))?;
        let fields = fields_of(req, Some(&user))?;
        let new_webex_id = match &fields.email {
            Some(e) if user.webex_id.eq_ignore_ascii_case(&user.email) && !e.eq_ignore_ascii_case(&user.email) => {
                Some(webex_id_for_email(e)?)
            }
            _ => None,
        };
        self.set_user(&who.caller, &UserChange { webex_id: user.webex_id.clone(), new_webex_id, fields }).await
    }

    /// Removes a person of the caller's site (`DELETE /v1/people/{id}`) as DelUser does: the
    /// person is deactivated, their seat freed, their tokens revoked and their personal room
    /// released; their meetings and history stay.
    pub async fn remove_person(&self, who: &TokenCaller, id: UserId) -> Result<()> {
        scopes::require(who, Operation::WritePeople)?;
        let user = self.store.user_by_id(who.caller.site.id, id).await?.ok_or(Error::NotFound(Entity::User))?;
        let change = UserChange {
            webex_id: user.webex_id,
            new_webex_id: None,
            fields: UserFields { active: Some(ActiveState::Deactivated), ..UserFields::default() },
        };
        self.set_user(&who.caller, &change).await.map(|_| ())
    }
}
