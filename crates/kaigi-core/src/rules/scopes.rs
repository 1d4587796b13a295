use crate::error::{Error, Result};
use crate::model::{scope, Integration, User};

/// Every scope a user's role allows: everyone reads and writes their own meetings and meeting
/// preferences and looks people up; site administrators also act for others; read-only
/// administrators read for others.
pub fn scopes_allowed(user: &User) -> Vec<&'static str> {
    let mut out = vec![
        scope::SCHEDULES_READ,
        scope::SCHEDULES_WRITE,
        scope::PEOPLE_READ,
        scope::PREFERENCES_READ,
        scope::PREFERENCES_WRITE,
    ];
    let p = &user.privileges;
    if p.site_admin || p.ro_site_admin {
        out.extend([
            scope::ADMIN_SCHEDULE_READ,
            scope::ADMIN_PEOPLE_READ,
            scope::ADMIN_LICENSES_READ,
            scope::ADMIN_PREFERENCES_READ,
        ]);
    }
    if p.site_admin {
        out.extend([scope::ADMIN_SCHEDULE_WRITE, scope::ADMIN_PREFERENCES_WRITE, scope::APPLICATIONS_TOKEN]);
    }
    out
}

/// Scopes granted: those asked for that the integration may ask for and the person's role
/// allows. An admin scope asked by someone who is not an administrator is left out.
pub fn granted_scopes(requested: &[String], integration: &Integration, user: &User) -> Vec<String> {
    let allowed = scopes_allowed(user);
    requested.iter().filter(|s| integration.scopes.contains(s) && allowed.contains(&s.as_str())).cloned().collect()
}

/// Every scope kaigi knows; an integration may ask only for these.
pub fn known_scopes() -> &'static [&'static str] {
    &[
        scope::SCHEDULES_READ,
        scope::SCHEDULES_WRITE,
        scope::ADMIN_SCHEDULE_READ,
        scope::ADMIN_SCHEDULE_WRITE,
        scope::PEOPLE_READ,
        scope::ADMIN_PEOPLE_READ,
        scope::ADMIN_LICENSES_READ,
        scope::APPLICATIONS_TOKEN,
    ]
}

/// Scope entries split on spaces and commas, without duplicates, each a known scope.
pub fn parse_scopes(entries: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in entries.iter().flat_map(|e| e.split([' ', ',', '\n', '\r', '\t'])).filter(|s| !s.is_empty()) {
        if !known_scopes().contains(&s) {
            let shown: String = s.chars().take(64).collect();
            return Err(Error::invalid("scope", format!("{shown} is not a scope kaigi knows")));
        }
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    Ok(out)
}
