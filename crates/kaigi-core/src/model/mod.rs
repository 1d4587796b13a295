//! Plain data: what kaigi keeps and what use cases take and give. No I/O and no rules; every
//! type is re-exported here, so `kaigi_core::model::Meeting` is the one path a face needs.

pub mod activity;
pub mod attendee;
pub mod audit;
pub mod caller;
pub mod integration;
pub mod language;
pub mod licence;
pub mod licence_report;
pub mod mail;
pub mod meeting;
pub mod meeting_options;
pub mod meeting_setup;
pub mod people;
pub mod preferences;
pub mod query;
pub mod scheduling;
pub mod scope;
pub mod site;
pub mod site_config;
pub mod token;
pub mod user;
pub mod webhook;

pub use activity::*;
pub use attendee::*;
pub use audit::*;
pub use caller::*;
pub use integration::*;
pub use licence::*;
pub use licence_report::*;
pub use mail::*;
pub use meeting::*;
pub use meeting_options::*;
pub use meeting_setup::*;
pub use people::*;
pub use preferences::*;
pub use query::*;
pub use scheduling::*;
pub use site::*;
pub use site_config::*;
pub use token::*;
pub use user::*;
pub use webhook::*;
