//! Meetings and series: create, change, list and cancel meetings and their occurrences.

mod booking;
mod listing;
mod meetings;
mod occurrences;
mod reassign;
mod series;
mod setup;
