//! kaigi's selective forwarding unit (docs/media.md).
pub mod webm;
