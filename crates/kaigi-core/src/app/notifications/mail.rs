//! The mail worker's round: take the mails that are due, hand them to the SMTP server a few at a
//! time, record what each attempt gave.
//!
//! At least once: a mail is marked sent only after the server took it, so a crash between the
//! two sends it again once its lease runs out. While a worker holds a mail (a lease in the
//! store) no other instance takes it.

use std::sync::Arc;

use chrono::Duration;

use crate::error::Result;
use crate::model::{MailState, MailStep};
use crate::ports::MailTransport;
use crate::rules::limits::{
    MAIL_BATCH, MAIL_KEEP_DAYS, MAIL_LEASE_SECS, MAIL_MAX_AGE_HOURS, MAIL_PARALLEL, MAIL_PURGE_BATCH,
};
use crate::rules::mail::{after_attempt, too_old};
use crate::Kaigi;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailRound {
    /// Mails handed to the SMTP server, and of them taken.
    pub attempted: usize,
    pub sent: usize,
    /// Mails that will be tried again, and mails given up (this round).
    pub retrying: usize,
    pub failed: usize,
    /// Old sent or given-up mails forgotten.
    pub purged: u64,
}

impl MailRound {
    pub fn did_something(&self) -> bool {
        self.attempted > 0 || self.failed > 0 || self.purged > 0
    }
}

impl Kaigi {
    /// One round of the mail worker (the server runs it in a loop; tests may call it).
    pub async fn send_mails(&self, transport: Arc<dyn MailTransport>) -> Result<MailRound> {
        let now = self.now();
        let lease = now + Duration::seconds(MAIL_LEASE_SECS);
        let mut round = MailRound { purged: self.purge_old_mails(now).await?, ..MailRound::default() };
        let mails = self.store.take_due_mails(now, lease, MAIL_BATCH).await?;
        let mut queue = mails.into_iter();
        let mut tasks = tokio::task::JoinSet::new();
        loop {
            while tasks.len() < MAIL_PARALLEL {
                let Some(mail) = queue.next() else { break };
                debug_assert_eq!(mail.delivery.state, MailState::Pending);
                if too_old(mail.created_at, now) {
                    let why = format!("not sent within {MAIL_MAX_AGE_HOURS} hours of being written");
                    tracing::warn!(mail = mail.id, kind = mail.kind.as_str(), "{why}; marked failed");
                    self.store.finish_mail(mail.id, lease, now, false, &MailStep::Failed { why }).await?;
                    round.failed += 1;
                    continue;
                }
                let transport = transport.clone();
                tasks.spawn(async move {
                    let outcome = transport.send(&mail).await;
                    (mail, outcome)
                });
            }
            let Some(done) = tasks.join_next().await else { break };
            let Ok((mail, outcome)) = done else { continue };
            let at = self.now();
            let step = after_attempt(mail.delivery.attempts, &outcome, at);
            round.attempted += 1;
            match &step {
                MailStep::Sent => round.sent += 1,
                MailStep::Retry { at: next, why } => {
                    tracing::info!(mail = mail.id, kind = mail.kind.as_str(), attempts = mail.delivery.attempts + 1, next = %next, why = %why, "mail not sent; will try again");
                    round.retrying += 1;
                }
                MailStep::Failed { why } => {
                    tracing::warn!(mail = mail.id, kind = mail.kind.as_str(), attempts = mail.delivery.attempts + 1, why = %why, "mail not sent; marked failed");
                    round.failed += 1;
                }
            }
            if !self.store.finish_mail(mail.id, lease, at, true, &step).await? {
                tracing::warn!(
                    mail = mail.id,
                    "a mail's lease ran out before its attempt ended; another worker has it"
                );
            }
        }
        Ok(round)
    }
}

impl Kaigi {
    /// Forgets mails sent or given up more than [`MAIL_KEEP_DAYS`] ago, at most once an hour (by
    /// the injected clock) while nothing is left, at once again while there is more.
    async fn purge_old_mails(&self, now: chrono::DateTime<chrono::Utc>) -> Result<u64> {
        {
            let mut next = self.next_mail_purge.lock().unwrap_or_else(|e| e.into_inner());
            if next.is_some_and(|at| now < at) {
                return Ok(0);
            }
            *next = Some(now + Duration::hours(1));
        }
        let purged = self.store.purge_mails(now - Duration::days(MAIL_KEEP_DAYS), MAIL_PURGE_BATCH).await?;
        if purged > 0 {
            *self.next_mail_purge.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        Ok(purged)
    }
}
