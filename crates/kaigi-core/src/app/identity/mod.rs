//! Who is calling: sign-in, session tickets, API keys, personal and OAuth tokens, password checks and usage limits.

mod auth;
mod oauth;
pub(crate) mod passwords;
mod tokens;
pub(crate) mod usage;
