//! Host licences: the decisions kept for each scheduling act, the compliance report and the booking page's lookups.

mod booking;
mod decisions;
mod report;
