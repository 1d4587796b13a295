//! The XML API's 62 time zones (timeZoneID 0..=61). Being written; see docs/timezones.md.
