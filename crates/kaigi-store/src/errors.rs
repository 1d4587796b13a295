//! Errors: what `open` can fail with, and how database errors become [`StoreError`]s.

use kaigi_core::error::{ConflictOn, StoreError};
use sqlx::error::ErrorKind;

/// Why a store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The URL names no engine kaigi supports (only the scheme is kept: URLs may hold passwords).
    #[error(
        "unsupported database URL scheme `{0}`: use sqlite://PATH, sqlite:PATH, a file path, \
         or postgres://…"
    )]
    UnsupportedUrl(String),
    #[error("empty database URL")]
    EmptyUrl,
    /// Schema names are limited to letters, digits and `_` (they are spliced into SQL).
    #[error("invalid schema name `{0}`: use letters, digits and _ (at most 63, not starting with a digit)")]
    BadSchema(String),
    #[error("invalid SQLite synchronous level `{0}`: use synchronous=normal (the default) or synchronous=full")]
    BadSynchronous(String),
    #[error("schemas are a PostgreSQL feature; this URL opens SQLite")]
    SchemaNeedsPostgres,
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("migration {version} failed: {why}")]
    Migrate { version: i64, why: String },
}

/// Which unique index (PostgreSQL: its name; SQLite: a column its message names) means which
/// conflict. The index names are those of the migrations.
const UNIQUE_RULES: &[(&str, &str, ConflictOn)] = &[
    ("sites_name_lc_key", "sites.name_lc", ConflictOn::SiteName),
    ("sites_site_number_key", "sites.site_number", ConflictOn::SiteNumber),
    ("users_webex_id_key", "users.webex_id_lc", ConflictOn::WebExId),
    ("users_email_key", "users.email_lc", ConflictOn::Email),
    ("meeting_keys_pkey", "meeting_keys.key", ConflictOn::MeetingKey),
    ("meetings_meeting_key_key", "meetings.meeting_key", ConflictOn::MeetingKey),
];

/// Maps a database error: unique violations on a known index become `Conflict`, a foreign key
/// pointing nowhere (an unknown site or user) becomes `Missing`, anything else `Backend`.
pub(crate) fn db(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        match d.kind() {
            ErrorKind::UniqueViolation => {
                let message = d.message();
                let constraint = d.constraint();
                for (index, sqlite_column, on) in UNIQUE_RULES {
                    if constraint == Some(index) || message.contains(sqlite_column) {
                        return StoreError::Conflict(*on);
                    }
                }
            }
            ErrorKind::ForeignKeyViolation => return StoreError::Missing,
            _ => {}
        }
    }
    StoreError::Backend(e.to_string())
}

/// A stored value kaigi cannot read back (corrupt JSON, an unknown enum name, a number out of
/// range).
pub(crate) fn corrupt(what: &str, why: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("corrupt {what} in the database: {why}"))
}

/// Missing when a write touched no row.
pub(crate) fn touched(done: Result<sqlx::any::AnyQueryResult, StoreError>) -> Result<(), StoreError> {
    match done {
        Ok(d) if d.rows_affected() == 0 => Err(StoreError::Missing),
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    }
}
