//! Telling integrations what happened: webhooks (registered over REST), the changes recorded
//! for them, and the delivery of each change to each webhook it matches.

pub(crate) mod changes;
mod delivery;
mod mail;
mod webhooks;

pub use delivery::DeliveryRound;
pub use mail::MailRound;
