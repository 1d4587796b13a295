use crate::model::User;

/// Whether a change of the user ends their sessions and tokens: a new password, or a deactivation.
pub fn credentials_revoked(before: &User, after: &User, new_password: bool) -> bool {
    new_password || (before.is_active() && !after.is_active())
}
