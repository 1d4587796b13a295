//! What the core needs from the outside world, one trait per area: the store (SQLite or
//! PostgreSQL, in kaigi-store), the clock and key generation.

pub mod activity;
pub mod attendees;
pub mod audit;
pub mod chats;
pub mod clock;
pub mod integrations;
pub mod keys;
pub mod licence_log;
pub mod live;
pub mod mail;
pub mod state;
pub mod store;
pub mod tokens;
pub mod usage;
pub mod webhooks;

pub use activity::ActivityStore;
pub use attendees::AttendeeStore;
pub use audit::AuditStore;
pub use chats::ChatStore;
pub use clock::{AdjustableClock, Clock, SystemClock};
pub use integrations::IntegrationStore;
pub use keys::{KeyGen, RandomKeys, SeededKeys};
pub use licence_log::LicenseLogStore;
pub use live::{LiveMedia, NoLiveMedia, RecordedFile};
pub use mail::{MailStore, MailTransport};
pub use state::StateStore;
pub use store::Store;
pub use tokens::TokenStore;
pub use usage::UsageStore;
pub use webhooks::{WebhookStore, WebhookTransport};
