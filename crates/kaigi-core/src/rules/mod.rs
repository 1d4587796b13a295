//! Pure functions of (data, now): the rules a newcomer looks for. Nothing here reads a clock,
//! a store or a random source; use cases pass those in.

pub mod credentials;
pub mod ical;
pub mod licence;
pub mod licence_report;
pub mod limits;
pub mod links;
pub mod mail;
pub mod recurrence;
pub mod rrule;
pub mod schedule;
pub mod scopes;
pub mod secrets;
pub mod sessions;
pub mod timezone;
pub mod validate;
pub mod webhooks;
