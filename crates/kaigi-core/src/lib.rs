//! kaigi-core: the domain of a Webex-compatible meeting server. It holds every rule and knows
//! nothing of HTTP, XML or SQL; the protocol faces call its use cases and storage sits behind the
//! [`ports::Store`] port.
//!
//! The rooms (DESIGN.md, "The core's rooms"), with imports running one way,
//! `app` → `rules`, `ports` → `model` → `error`:
//! - [`error`]: the one error type of the core, storage errors included.
//! - [`model`]: plain data.
//! - [`rules`]: pure functions of (data, now), and every limit.
//! - [`ports`]: the store traits, the clock and key generation.
//! - [`app`]: the use cases, methods of [`Kaigi`].

pub mod app;
pub mod error;
pub mod model;
pub mod ports;
pub mod rules;

pub use app::{Config, Kaigi};
pub use error::{Error, Result};
