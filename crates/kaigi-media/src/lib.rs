//! kaigi's selective forwarding unit (docs/media.md).
