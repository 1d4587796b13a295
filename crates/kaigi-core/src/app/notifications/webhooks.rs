//! Registering webhooks: a token's user registers them for what its scopes let it read; a site
//! administrator also for the whole site (`ownedBy: org`).

use crate::error::{Entity, Error, Field, Result, StoreError};
use crate::model::{
    NewWebhook, TokenCaller, Webhook, WebhookChange, WebhookId, WebhookOwner, WebhookResource, WebhookStatus,
};
use crate::rules::limits::MAX_WEBHOOKS_PER_SITE;
use crate::rules::scopes::{for_others, require, scope_for_others, Operation};
use crate::rules::webhooks::{check_change, check_new};
use crate::Kaigi;

fn watch(resource: WebhookResource) -> Operation {
    match resource {
        WebhookResource::Meetings => Operation::WatchMeetings,
        WebhookResource::MeetingParticipants => Operation::WatchParticipants,
        WebhookResource::Recordings => Operation::WatchRecordings,
    }
}

/// Ok when the token may hold a webhook of `resource` owned so.
fn may_watch(who: &TokenCaller, resource: WebhookResource, owner: WebhookOwner) -> Result<()> {
    let op = watch(resource);
    require(who, op)?;
    if owner == WebhookOwner::Org {
        if !who.user().privileges.site_admin {
            return Err(Error::AccessDenied);
        }
        if !for_others(who, op) {
            return Err(Error::MissingScope(scope_for_others(op)));
        }
    }
    Ok(())
}

/// A token that may watch none of the resources has no webhooks to see (the refusal names the
/// meetings scope).
fn may_see_webhooks(who: &TokenCaller) -> Result<()> {
    let ops = [Operation::WatchMeetings, Operation::WatchParticipants, Operation::WatchRecordings];
    match ops.iter().find_map(|op| require(who, *op).err()) {
        Some(e) if ops.iter().all(|op| require(who, *op).is_err()) => Err(e),
        _ => Ok(()),
    }
}

/// Whether `w` is the caller's to see and change: one they made with the same application, or a
/// site-wide one of that application when they administer the site.
fn is_theirs(who: &TokenCaller, w: &Webhook) -> bool {
    w.site_id == who.caller.site.id
        // A webhook is its application's: another integration of the same person sees none of it.
        && w.app_client_id == who.client_id
        && (w.created_by == who.user().id || (w.owned_by == WebhookOwner::Org && who.user().privileges.site_admin))
}

impl Kaigi {
    pub async fn create_webhook(&self, who: &TokenCaller, new: &NewWebhook) -> Result<Webhook> {
        may_watch(who, new.resource, new.owned_by)?;
        check_new(new, &who.caller.site.settings.webhook_targets)?;
        let mut webhook = Webhook {
            id: 0,
            site_id: who.caller.site.id,
            created_by: who.user().id,
            app_client_id: who.client_id.clone(),
            name: new.name.clone(),
            target_url: new.target_url.clone(),
            resource: new.resource,
            event: new.event,
            filter: new.filter.clone(),
            terms: new.terms.clone(),
            secret: new.secret.clone(),
            owned_by: new.owned_by,
            status: WebhookStatus::Active,
            created_at: self.now(),
        };
        webhook.id = match self.store.insert_webhook(&webhook, MAX_WEBHOOKS_PER_SITE).await {
            Ok(id) => id,
            Err(StoreError::Conflict(_)) => {
                return Err(Error::invalid(
                    Field::Name,
                    format!("a site holds at most {MAX_WEBHOOKS_PER_SITE} webhooks"),
                ))
            }
            Err(e) => return Err(e.into()),
        };
        Ok(webhook)
    }

    /// The caller's webhooks (`org_only`: the site-wide ones, for an administrator), oldest first.
    pub async fn list_webhooks(&self, who: &TokenCaller, org_only: bool, max: usize) -> Result<Vec<Webhook>> {
        may_see_webhooks(who)?;
        if org_only && !who.user().privileges.site_admin {
            return Err(Error::AccessDenied);
        }
        let all = self.store.webhooks_of_site(who.caller.site.id).await?;
        Ok(all
            .into_iter()
            .filter(|w| is_theirs(who, w) && (!org_only || w.owned_by == WebhookOwner::Org))
            .take(max)
            .collect())
    }

    pub async fn webhook(&self, who: &TokenCaller, id: WebhookId) -> Result<Webhook> {
        may_see_webhooks(who)?;
        match self.store.webhook(who.caller.site.id, id).await? {
            Some(w) if is_theirs(who, &w) => Ok(w),
            _ => Err(Error::NotFound(Entity::Webhook)),
        }
    }

    /// Changes what `change` names; `status: active` restarts a webhook kaigi stopped.
    pub async fn update_webhook(&self, who: &TokenCaller, id: WebhookId, change: &WebhookChange) -> Result<Webhook> {
        let mut w = self.webhook(who, id).await?;
        check_change(change, &who.caller.site.settings.webhook_targets)?;
        let owner = change.owned_by.unwrap_or(w.owned_by);
        may_watch(who, w.resource, owner)?;
        w.name = change.name.clone();
        w.target_url = change.target_url.clone();
        if change.secret.is_some() {
            w.secret = change.secret.clone();
        }
        w.owned_by = owner;
        if let Some(status) = change.status {
            w.status = status;
        }
        match self.store.update_webhook(&w).await {
            Ok(()) => {
                self.changes_written.notify_one();
                Ok(w)
            }
            Err(StoreError::Missing) => Err(Error::NotFound(Entity::Webhook)),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn delete_webhook(&self, who: &TokenCaller, id: WebhookId) -> Result<()> {
        let w = self.webhook(who, id).await?;
        match self.store.delete_webhook(w.site_id, w.id).await {
            Ok(()) | Err(StoreError::Missing) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Deliveries a site's webhooks have yet to make: (pending, of them failed at least once).
    pub async fn webhook_backlog(&self, site: &crate::model::Site) -> Result<(u64, u64)> {
        Ok(self.store.delivery_backlog(site.id).await?)
    }

    /// Sets the hosts and networks the site's webhooks may send to (the CLI's `site webhooks`).
    pub async fn set_webhook_targets(
        &self,
        site: &crate::model::Site,
        targets: &[String],
    ) -> Result<crate::model::Site> {
        let targets = crate::rules::webhooks::check_targets(targets)?;
        let mut settings = site.settings.clone();
        settings.webhook_targets = targets;
        self.store.update_site_settings(site.id, &settings).await?;
        Ok(crate::model::Site { settings, ..site.clone() })
    }
}
