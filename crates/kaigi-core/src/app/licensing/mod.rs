//! Host licences: the decisions kept for each scheduling act, the compliance report and the booking page's lookups.

mod admins;
mod decisions;
mod report;
