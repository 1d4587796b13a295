//! Mail leaving the outbox: the store keeps each mail's delivery state, the transport hands one
//! mail to an SMTP server.
//!
//! Mails are written to the outbox by the store methods that make the change they tell about, in
//! the same transaction. The mail worker takes due mails (holding them with a lease, so two
//! instances never send one mail at the same time), sends them and records each attempt.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreError;
use crate::model::{Mail, MailOutcome, MailStep};

#[async_trait]
pub trait MailStore: Send + Sync {
    /// Takes up to `limit` pending mails whose next attempt is due at `now` and that no worker
    /// holds, oldest first, and holds them until `lease_until`.
    async fn take_due_mails(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Mail>, StoreError>;
    /// Records an attempt made at `at` (or, with `attempted` false, a mail given up without one)
    /// and lets the mail go, if the worker still holds it: `held_until` is the lease it was
    /// taken with. A worker whose lease ran out and was taken by another writes nothing (the
    /// other one's outcome counts). Returns whether it was recorded.
    /// Forgets mails sent or given up before `before`, at most `limit` of them; returns how many.
    async fn purge_mails(&self, before: DateTime<Utc>, limit: u32) -> Result<u64, StoreError>;
    async fn finish_mail(
        &self,
        id: i64,
        held_until: DateTime<Utc>,
        at: DateTime<Utc>,
        attempted: bool,
        step: &MailStep,
    ) -> Result<bool, StoreError>;
}

/// Hands one mail to the SMTP server, within the attempt timeout.
#[async_trait]
pub trait MailTransport: Send + Sync {
    async fn send(&self, mail: &Mail) -> MailOutcome;
}
