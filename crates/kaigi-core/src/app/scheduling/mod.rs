//! Meetings and series: create, change, list and cancel meetings and their occurrences.

mod meetings;
mod occurrences;
mod series;
