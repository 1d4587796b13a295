use chrono::{DateTime, Utc};

use crate::model::{ActiveState, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserOrderBy {
    Id,
    WebExId,
    FirstName,
    LastName,
    Email,
    Active,
    RegistrationDate,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// Case-insensitive exact matches.
    pub webex_id: Option<String>,
    pub email: Option<String>,
    /// Case-insensitive prefix matches.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub active: Option<ActiveState>,
    pub registered_from: Option<DateTime<Utc>>,
    pub registered_to: Option<DateTime<Utc>>,
    /// true: a user matches when any given filter matches (listMethod OR); false: all must (AND).
    pub match_any: bool,
    /// Restricts the list to this one user (a caller who may see only themselves).
    pub only_user: Option<UserId>,
    /// Only site administrators (always combined with AND, whatever `match_any` says).
    pub site_admins_only: bool,
    /// (field, descending); empty = by id ascending.
    pub order: Vec<(UserOrderBy, bool)>,
    /// Rows to skip.
    pub offset: u32,
    /// Most rows to return.
    pub limit: u32,
}

/// One page of a list and the number of matches in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}
