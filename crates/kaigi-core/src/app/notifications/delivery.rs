//! The delivery worker's round: fan the recorded changes out to the webhooks they match, then
//! deliver what is due, each webhook's deliveries in the order of its changes.
//!
//! At least once: a delivery is marked delivered only after its receiver answered 2xx, so a
//! crash between the two sends it again (receivers drop duplicates by the delivery id). A
//! worker holds a webhook (a lease in the store) while it delivers to it, so two instances never
//! deliver one webhook's changes out of order; a crashed worker's lease runs out.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Duration;

use crate::error::Result;
use crate::model::{Attempt, Delivery, DeliveryOutcome, Site, SiteId, Webhook, WebhookStatus};
use crate::ports::WebhookTransport;
use crate::rules::limits::{
    WEBHOOK_BATCH, WEBHOOK_KEEP_DAYS, WEBHOOK_LEASE_SECS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_PURGE_BATCH,
    WEBHOOK_SEND_BUDGET_SECS,
};
use crate::rules::webhooks::{matches, retry_delay, target_allowed};
use crate::Kaigi;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    /// Changes fanned out, and the deliveries they made.
    pub changes: usize,
    pub deliveries_made: usize,
    /// Attempts, and of them delivered.
    pub attempted: usize,
    pub delivered: usize,
    /// Old deliveries and changes forgotten.
    pub purged: u64,
}

impl DeliveryRound {
    pub fn did_something(&self) -> bool {
        self.changes > 0 || self.attempted > 0 || self.purged > 0
    }
}

/// Most deliveries of one webhook sent in one round (one after the other).
const PER_WEBHOOK: u32 = 50;

impl Kaigi {
    /// One round of the delivery worker (the server runs it in a loop; tests may call it).
    pub async fn deliver_webhooks(&self, transport: Arc<dyn WebhookTransport>) -> Result<DeliveryRound> {
        let mut round = self.fan_out_changes().await?;
        round.purged = self.purge_webhook_history().await?;
        let now = self.now();
        let lease = now + Duration::seconds(WEBHOOK_LEASE_SECS);
        let batches = self.store.take_due_deliveries(now, lease, WEBHOOK_BATCH, PER_WEBHOOK).await?;
        let mut sites: HashMap<SiteId, Option<Site>> = HashMap::new();
        let mut tasks = tokio::task::JoinSet::new();
        for batch in batches {
            let Some(first) = batch.first() else { continue };
            let site = match sites.get(&first.webhook.site_id) {
                Some(site) => site.clone(),
                None => {
                    let site = self.store.site_by_id(first.webhook.site_id).await?;
                    sites.insert(first.webhook.site_id, site.clone());
                    site
                }
            };
            let site_url = site.as_ref().map(|s| self.site_address(s)).unwrap_or_default();
            let targets = site.map(|s| s.settings.webhook_targets).unwrap_or_default();
            let allowed = url::Url::parse(&first.webhook.target_url).is_ok_and(|u| target_allowed(&u, &targets));
            let transport = transport.clone();
            tasks.spawn(async move {
                // The lease must outlast the batch: after half of it, what is left waits for the
                // next round (one attempt more can take at most the attempt timeout).
                let started = tokio::time::Instant::now();
                let budget = std::time::Duration::from_secs(WEBHOOK_SEND_BUDGET_SECS);
                let mut outcomes = Vec::with_capacity(batch.len());
                for d in batch {
                    if !outcomes.is_empty() && started.elapsed() > budget {
                        break;
                    }
                    let outcome =
                        if allowed { transport.deliver(&d, &site_url).await } else { DeliveryOutcome::Refused };
                    let stop = !matches!(outcome, DeliveryOutcome::Delivered { .. });
                    outcomes.push((d, outcome));
                    if stop {
                        break;
                    }
                }
                outcomes
            });
        }
        while let Some(done) = tasks.join_next().await {
            let Ok(outcomes) = done else { continue };
            let Some((first, _)) = outcomes.first() else { continue };
            let webhook = first.webhook.id;
            round.attempted += outcomes.len();
            round.delivered += outcomes.iter().filter(|(_, o)| matches!(o, DeliveryOutcome::Delivered { .. })).count();
            let now = self.now();
            // Only the last attempt can have failed: a webhook's deliveries stop at a failure.
            let (retry_at, status) = match outcomes.last() {
                Some((d, outcome)) => self.after_attempt(d, outcome, now),
                None => (None, None),
            };
            let attempts: Vec<Attempt> =
                outcomes.into_iter().map(|(d, outcome)| Attempt { delivery: d.id, outcome, at: now }).collect();
            self.store.finish_deliveries(webhook, lease, &attempts, retry_at, status).await?;
        }
        Ok(round)
    }

    /// When the webhook may be tried again after `outcome`, and whether it stops.
    fn after_attempt(
        &self,
        d: &Delivery,
        outcome: &DeliveryOutcome,
        now: chrono::DateTime<chrono::Utc>,
    ) -> (Option<chrono::DateTime<chrono::Utc>>, Option<WebhookStatus>) {
        let attempts = d.attempts + 1;
        match outcome {
            DeliveryOutcome::Delivered { .. } => (None, None),
            DeliveryOutcome::Failed { why } => {
                let stop = attempts >= WEBHOOK_MAX_ATTEMPTS;
                tracing::info!(webhook = d.webhook.id, delivery = d.id, attempts, why = %why, stop, "webhook delivery failed");
                (Some(now + retry_delay(attempts)), stop.then_some(WebhookStatus::Inactive))
            }
            DeliveryOutcome::Refused => {
                tracing::warn!(webhook = d.webhook.id, "webhook target is not allowed by its site; webhook stopped");
                (Some(now), Some(WebhookStatus::Inactive))
            }
        }
    }

    /// Forgets what was delivered more than [`WEBHOOK_KEEP_DAYS`] ago, at most once an hour (by
    /// the injected clock) while nothing is left, at once again while there is more.
    async fn purge_webhook_history(&self) -> Result<u64> {
        let now = self.now();
        {
            let mut next = self.next_webhook_purge.lock().unwrap_or_else(|e| e.into_inner());
            if next.is_some_and(|at| now < at) {
                return Ok(0);
            }
            *next = Some(now + Duration::hours(1));
        }
        let before = now - Duration::days(WEBHOOK_KEEP_DAYS);
        let purged = self.store.purge_webhook_history(before, WEBHOOK_PURGE_BATCH).await?;
        if purged > 0 {
            // More may be left: try again next round.
            *self.next_webhook_purge.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        Ok(purged)
    }

    /// Whether the webhook's maker may still hear what it asks for: an active person, and for a
    /// site-wide webhook still a site administrator. A webhook whose maker lost that hears nothing.
    async fn still_owned(&self, w: &Webhook) -> Result<bool> {
        let maker = self.store.user_by_id(w.site_id, w.created_by).await?;
        Ok(maker.is_some_and(|u| {
            u.active == crate::model::ActiveState::Activated
                && (w.owned_by != crate::model::WebhookOwner::Org || u.privileges.site_admin)
        }))
    }

    /// Fans the oldest changes not yet fanned out to the webhooks they match.
    async fn fan_out_changes(&self) -> Result<DeliveryRound> {
        let changes = self.store.unsent_changes(WEBHOOK_BATCH).await?;
        if changes.is_empty() {
            return Ok(DeliveryRound::default());
        }
        let mut webhooks: HashMap<SiteId, (Vec<Webhook>, String)> = HashMap::new();
        let mut pairs = Vec::new();
        for c in &changes {
            if let std::collections::hash_map::Entry::Vacant(slot) = webhooks.entry(c.site_id) {
                let site_url =
                    self.store.site_by_id(c.site_id).await?.map(|s| self.site_address(&s)).unwrap_or_default();
                let mut hooks = Vec::new();
                for w in self.store.webhooks_of_site(c.site_id).await? {
                    if w.status == WebhookStatus::Active && self.still_owned(&w).await? {
                        hooks.push(w);
                    }
                }
                slot.insert((hooks, site_url));
            }
            let (hooks, site_url) = &webhooks[&c.site_id];
            pairs.extend(hooks.iter().filter(|w| matches(w, c, site_url)).map(|w| (w.id, c.id)));
        }
        let ids: Vec<i64> = changes.iter().map(|c| c.id).collect();
        self.store.fan_out(&ids, &pairs, self.now()).await?;
        Ok(DeliveryRound { changes: changes.len(), deliveries_made: pairs.len(), ..DeliveryRound::default() })
    }
}

impl Kaigi {
    /// Resolves once a change for webhooks is recorded by this instance after the call (a
    /// change recorded before it, since the last wait, resolves it at once).
    pub async fn change_recorded(&self) {
        self.changes_written.notified().await;
    }
}
