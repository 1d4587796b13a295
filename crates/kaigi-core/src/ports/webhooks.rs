//! Webhooks in the store (the registrations, the outbox of changes, the deliveries), and the
//! transport that carries one delivery to its receiver.
//!
//! Changes are written by the store methods that make them (a meeting's insert, update and
//! delete; a join, a leave, a session's end; a recording's deletion), in the same transaction,
//! so that a change is never made without its event nor an event recorded for a change that
//! was rolled back. The delivery worker then fans each change out to the webhooks it matches
//! and delivers them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreError;
use crate::model::{
    Attempt, ChangeEvent, ChangeId, Delivery, DeliveryOutcome, SiteId, Webhook, WebhookId, WebhookStatus,
};

#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Inserts the webhook (its `id` is ignored) and returns its id; Conflict when the site
    /// holds `limit` already (counted in the same transaction).
    async fn insert_webhook(&self, webhook: &Webhook, limit: usize) -> Result<WebhookId, StoreError>;
    async fn webhook(&self, site: SiteId, id: WebhookId) -> Result<Option<Webhook>, StoreError>;
    /// The site's webhooks, oldest first.
    async fn webhooks_of_site(&self, site: SiteId) -> Result<Vec<Webhook>, StoreError>;
    /// Replaces the stored webhook `w.id`; Missing when it is gone.
    async fn update_webhook(&self, webhook: &Webhook) -> Result<(), StoreError>;
    /// Deletes it and what it had yet to deliver; Missing when it is gone.
    async fn delete_webhook(&self, site: SiteId, id: WebhookId) -> Result<(), StoreError>;

    /// Changes not yet fanned out, oldest first.
    async fn unsent_changes(&self, limit: u32) -> Result<Vec<ChangeEvent>, StoreError>;
    /// Records the deliveries of `changes` (pairs of webhook and change; a pair recorded before
    /// is left as it is) and marks the changes fanned out, in one transaction.
    async fn fan_out(
        &self,
        changes: &[ChangeId],
        deliveries: &[(WebhookId, ChangeId)],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Takes up to `webhooks` active webhooks that have deliveries due (their retry time has
    /// come) and that no worker holds, holds each until `lease_until`, and returns, for each, up
    /// to `per_webhook` of its undelivered deliveries in the order of their changes.
    async fn take_due_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        webhooks: u32,
        per_webhook: u32,
    ) -> Result<Vec<Vec<Delivery>>, StoreError>;
    /// Records the attempts a worker made at the webhook's deliveries (delivered, or failed), the
    /// time the webhook may be tried again and its new status when a failure stopped it, and lets
    /// other workers take it again — unless another worker holds it by now (its lease is no
    /// longer `lease`): one transaction.
    async fn finish_deliveries(
        &self,
        webhook: WebhookId,
        lease: DateTime<Utc>,
        attempts: &[Attempt],
        retry_at: Option<DateTime<Utc>>,
        webhook_status: Option<WebhookStatus>,
    ) -> Result<(), StoreError>;
    /// Lets other workers take the webhook again, if it is still held with `lease`.
    async fn release_webhook(&self, id: WebhookId, lease: DateTime<Utc>) -> Result<(), StoreError>;
    /// Forgets deliveries made before `before`, and changes fanned out before it that have no
    /// delivery left to make; at most `limit` rows of each. Returns how many rows went.
    async fn purge_webhook_history(&self, before: DateTime<Utc>, limit: u32) -> Result<u64, StoreError>;
    /// Deliveries not yet made (for operators and tests): (pending, of them failed at least once).
    async fn delivery_backlog(&self, site: SiteId) -> Result<(u64, u64), StoreError>;
}

/// Carries one delivery to its target: renders the body, signs it and POSTs it, without
/// following redirects and within the attempt timeout.
#[async_trait]
pub trait WebhookTransport: Send + Sync {
    /// `site_url` is the site's address without its scheme (the body's `siteUrl`).
    async fn deliver(&self, delivery: &Delivery, site_url: &str) -> DeliveryOutcome;
}
