//! kaigi-core: the domain of a Webex-compatible meeting server. It holds every rule and knows
//! nothing of HTTP, XML or SQL; the protocol faces call its use cases and storage sits behind the
//! [`store::Store`] port.

pub mod activity_store;
pub mod admin;
pub mod attendee_store;
pub mod attendees;
pub mod auth;
pub mod booking;
pub mod clock;
pub mod error;
pub mod history;
pub mod integration_store;
pub mod integrations;
pub mod invitees;
pub mod keys;
pub mod language;
pub mod license;
pub mod license_log;
pub mod license_report;
pub mod lifecycle;
pub mod mail;
pub mod meeting;
pub mod meetings;
pub mod model;
pub mod oauth;
pub mod occurrences;
pub mod people;
pub mod preferences;
pub mod recordings;
pub mod recurrence;
pub mod room;
pub mod rrule;
pub mod secrets;
pub mod series;
pub mod service;
pub mod sessions;
pub mod site;
pub mod store;
pub mod timezone;
pub mod token_store;
pub mod tokens;
pub mod usage;
pub mod user;
pub mod users;

pub use error::{Error, Result};

pub use service::{Config, Kaigi};
