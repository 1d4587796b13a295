//! Plain data of the domain, with no I/O and no rules (DESIGN.md, "The core's rooms"). The rest of
//! the core's data types move here as the core is reshaped (issue #13).

pub mod meeting_options;
