//! The use cases, one folder per capability. [`Kaigi`] wires them to the ports (store, clock,
//! keys) and the settings every use case needs; its fields are private to the core.

mod attendance;
mod console;
pub(crate) mod identity;
mod integrations;
mod licensing;
mod notifications;
mod people;
mod scheduling;
mod sessions;

pub use console::ConsolePage;
pub use notifications::{DeliveryRound, MailRound};

use crate::ports::Clock;
use crate::ports::KeyGen;
use crate::ports::Store;
use crate::rules::secrets::HashCost;
use std::sync::Arc;

use identity::passwords::VerifiedPasswords;
use identity::usage::UsageLimiter;

use chrono::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    /// Base of every link kaigi hands out (join, host, iCalendar, personal rooms), without a
    /// trailing slash, e.g. `http://127.0.0.1:8080`.
    pub public_url: String,
    pub hash_cost: HashCost,
}

impl Config {
    pub fn new(public_url: &str) -> Self {
        Self { public_url: public_url.trim_end_matches('/').to_string(), hash_cost: HashCost::RECOMMENDED }
    }

    /// The host part of the public URL (for SIP addresses), e.g. `127.0.0.1:8080` → `127.0.0.1`.
    pub fn public_host(&self) -> &str {
        let rest = self.public_url.split("://").nth(1).unwrap_or(&self.public_url);
        let host_port = rest.split('/').next().unwrap_or(rest);
        host_port.rsplit_once(':').map(|(h, _)| h).unwrap_or(host_port)
    }
}

/// The use cases' one handle. Adapters call its methods; the ports behind it are the core's own.
pub struct Kaigi {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) keys: Arc<dyn KeyGen>,
    pub(crate) config: Config,
    pub(crate) verified: VerifiedPasswords,
    pub(crate) usage: UsageLimiter,
    /// Password hashing and checking slots (one per core).
    pub(crate) hashing_slots: tokio::sync::Semaphore,
    /// A fixed argon2id hash at the configured cost, made on first use: what an unknown user's
    /// password is checked against, so it costs what a known user's wrong password costs.
    pub(crate) dummy_hash: Arc<std::sync::OnceLock<String>>,
    /// Poked when a change for webhooks is recorded, so the delivery worker need not wait for
    /// its next poll.
    pub(crate) changes_written: tokio::sync::Notify,
    /// When the delivery worker next forgets old deliveries (None: at its next round).
    pub(crate) next_webhook_purge: std::sync::Mutex<Option<chrono::DateTime<chrono::Utc>>>,
    /// When the mail worker next forgets old mails (None: at its next round).
    pub(crate) next_mail_purge: std::sync::Mutex<Option<chrono::DateTime<chrono::Utc>>>,
    /// The meetings' live media, once a media server is attached.
    live: std::sync::OnceLock<Arc<dyn crate::ports::LiveMedia>>,
}

impl Kaigi {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, keys: Arc<dyn KeyGen>, config: Config) -> Self {
        let verified = VerifiedPasswords::new(keys.as_ref(), Duration::minutes(10), 100_000);
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let hashing_slots = tokio::sync::Semaphore::new(cores);
        Self {
            store,
            clock,
            keys,
            config,
            verified,
            usage: UsageLimiter::default(),
            hashing_slots,
            dummy_hash: Arc::default(),
            changes_written: tokio::sync::Notify::new(),
            next_webhook_purge: std::sync::Mutex::new(None),
            next_mail_purge: std::sync::Mutex::new(None),
            live: std::sync::OnceLock::new(),
        }
    }

    /// Attaches the media server; the first one attached stays.
    pub fn attach_live_media(&self, live: Arc<dyn crate::ports::LiveMedia>) {
        let _ = self.live.set(live);
    }

    /// The media server, or none.
    pub(crate) fn live(&self) -> &dyn crate::ports::LiveMedia {
        match self.live.get() {
            Some(live) => live.as_ref(),
            None => &crate::ports::NoLiveMedia,
        }
    }

    /// Now, by the injected clock: the only time an adapter may use.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Answers once the database is reachable and migrated (the health check).
    pub async fn storage_ready(&self) -> crate::Result<()> {
        Ok(self.store.ping().await?)
    }

    /// A fresh tracking id for an error answer or a log line: `KAIGI_` and 32 hex digits.
    pub fn tracking_id(&self) -> String {
        format!("KAIGI_{}", self.keys.hex(16))
    }

    /// `bytes` random bytes in hex, from the injected key port (form checks, nonces).
    pub fn random_hex(&self, bytes: usize) -> String {
        self.keys.hex(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_host_drops_scheme_and_port() {
        assert_eq!(Config::new("http://127.0.0.1:8080/").public_host(), "127.0.0.1");
        assert_eq!(Config::new("https://meet.example.com").public_host(), "meet.example.com");
    }
}
