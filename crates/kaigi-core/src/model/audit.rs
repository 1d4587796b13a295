//! The audit log of the site administrator's console: one row per action an administrator took
//! there (who, what, on what, when, and how it ended).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::SiteId;

/// What an administrator did in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AdminActionKind {
    CreateUser,
    DeactivateUser,
    ResetPassword,
    SetPrivileges,
    AssignLicence,
    UnassignLicence,
    CancelMeeting,
}

impl AdminActionKind {
    pub const ALL: [AdminActionKind; 7] = [
        AdminActionKind::CreateUser,
        AdminActionKind::DeactivateUser,
        AdminActionKind::ResetPassword,
        AdminActionKind::SetPrivileges,
        AdminActionKind::AssignLicence,
        AdminActionKind::UnassignLicence,
        AdminActionKind::CancelMeeting,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AdminActionKind::CreateUser => "create_user",
            AdminActionKind::DeactivateUser => "deactivate_user",
            AdminActionKind::ResetPassword => "reset_password",
            AdminActionKind::SetPrivileges => "set_privileges",
            AdminActionKind::AssignLicence => "assign_licence",
            AdminActionKind::UnassignLicence => "unassign_licence",
            AdminActionKind::CancelMeeting => "cancel_meeting",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One row of the audit log. `outcome` is "done", or the refusal's words when the core refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdminAction {
    /// Given by the store; ignored on insert.
    pub id: i64,
    pub site_id: SiteId,
    pub at: DateTime<Utc>,
    /// The administrator's webExId.
    pub actor: String,
    pub kind: AdminActionKind,
    /// What it was done to: a webExId or a meeting key.
    pub target: String,
    /// More about it (the privileges set), or empty.
    pub detail: String,
    pub outcome: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_stored_name() {
        for k in AdminActionKind::ALL {
            assert_eq!(AdminActionKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(AdminActionKind::parse("drop_tables"), None);
    }
}
