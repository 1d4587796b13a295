//! iCalendar files for the links CreateMeeting hands out: drawn by the core's rule, which the
//! invitation mail's attachment uses too.

pub use kaigi_core::rules::ical::render;
