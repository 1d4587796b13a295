//! Conversions between domain values and columns: times as unix milliseconds, documents as JSON
//! text, unsigned numbers as BIGINT, and a small value type for binding lists of parameters.

use chrono::{DateTime, Utc};
use kaigi_core::error::StoreError;
use serde::{de::DeserializeOwned, Serialize};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Decode, Row, Type};

use crate::errors::{corrupt, db};

pub(crate) type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// One bound parameter. Every column kaigi writes is a BIGINT or a TEXT.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Value {
    pub(crate) fn int(v: i64) -> Self {
        Value::Int(Some(v))
    }

    pub(crate) fn text(v: impl Into<String>) -> Self {
        Value::Text(Some(v.into()))
    }

    pub(crate) fn flag(v: bool) -> Self {
        Value::Int(Some(i64::from(v)))
    }
}

pub(crate) fn bind(q: AnyQuery<'_>, v: Value) -> AnyQuery<'_> {
    match v {
        Value::Int(i) => q.bind(i),
        Value::Text(t) => q.bind(t),
    }
}

/// Parameters of a statement built piece by piece, numbered as they are added (`$1`, `$2`, …),
/// or, for SQLite-only statements with many parameters, anonymous (`?`).
#[derive(Default)]
pub(crate) struct Params(pub(crate) Vec<Value>, bool);

impl Params {
    /// Placeholders written `?`, bound in order. SQLite finds a numbered parameter's slot by a
    /// linear search of the statement's parameter names, so binding a statement with thousands
    /// of `$n` parameters (a batch of meeting rows) costs time quadratic in their number.
    pub(crate) fn anonymous() -> Self {
        Params(Vec::new(), true)
    }

    /// Adds a parameter and returns its placeholder.
    pub(crate) fn add(&mut self, v: Value) -> String {
        self.0.push(v);
        if self.1 {
            "?".to_string()
        } else {
            format!("${}", self.0.len())
        }
    }

    /// Adds each value and returns their placeholders as a list: `$3, $4, $5`.
    pub(crate) fn add_list(&mut self, values: impl IntoIterator<Item = Value>) -> String {
        values.into_iter().map(|v| self.add(v)).collect::<Vec<_>>().join(", ")
    }
}

pub(crate) fn bind_all(q: AnyQuery<'_>, values: impl IntoIterator<Item = Value>) -> AnyQuery<'_> {
    values.into_iter().fold(q, bind)
}

/// The lower-cased form kept in the `*_lc` columns (and compared against them).
pub(crate) fn lc(s: &str) -> String {
    s.to_lowercase()
}

pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn opt_ms(t: Option<DateTime<Utc>>) -> Value {
    Value::Int(t.map(ms))
}

pub(crate) fn time(v: i64, what: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(v).ok_or_else(|| corrupt(what, format!("time {v} out of range")))
}

pub(crate) fn opt_time(v: Option<i64>, what: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    v.map(|v| time(v, what)).transpose()
}

/// Reads a column by name.
pub(crate) fn get<'r, T>(row: &'r AnyRow, column: &str) -> Result<T, StoreError>
where
    T: Decode<'r, Any> + Type<Any>,
{
    row.try_get(column).map_err(db)
}

/// Reads an integer column into a narrower unsigned type.
pub(crate) fn get_num<T: TryFrom<i64>>(row: &AnyRow, column: &str) -> Result<T, StoreError> {
    let v: i64 = get(row, column)?;
    T::try_from(v).map_err(|_| corrupt(column, format!("{v} out of range")))
}

pub(crate) fn get_time(row: &AnyRow, column: &str) -> Result<DateTime<Utc>, StoreError> {
    time(get(row, column)?, column)
}

pub(crate) fn get_opt_time(row: &AnyRow, column: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    opt_time(get(row, column)?, column)
}

pub(crate) fn get_json<T: DeserializeOwned>(row: &AnyRow, column: &str) -> Result<T, StoreError> {
    let text: String = get(row, column)?;
    serde_json::from_str(&text).map_err(|e| corrupt(column, e))
}

pub(crate) fn get_flag(row: &AnyRow, column: &str) -> Result<bool, StoreError> {
    Ok(get::<i64>(row, column)? != 0)
}

pub(crate) fn json<T: Serialize + ?Sized>(v: &T, what: &str) -> Result<Value, StoreError> {
    serde_json::to_string(v).map(Value::text).map_err(|e| StoreError::Backend(format!("cannot encode {what}: {e}")))
}

/// Meeting keys are u64 in the domain and BIGINT in the database.
pub(crate) fn key_to_db(key: u64) -> Result<i64, StoreError> {
    big(key, "meeting key")
}

/// A u64 as BIGINT (refused above i64::MAX).
pub(crate) fn big(v: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Backend(format!("{what} {v} is too large to store")))
}
