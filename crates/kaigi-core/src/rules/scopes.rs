use crate::error::{Error, Field, Result};
use crate::model::{scope, Caller, Integration, Principal, TokenCaller, User};

/// What a request does, as far as scopes are concerned (each face maps its operations here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    ReadSchedules,
    WriteSchedules,
    ReadPeople,
    WritePeople,
    /// A person's card (the XML API's GetUserCard): the one thing an API key may read.
    ReadUserCard,
    /// Site settings, time zones, meeting types: any valid token.
    SiteInfo,
    ReadLicenses,
    /// The licence compliance report, scripted with a token.
    LicenceReport,
    ReadPreferences,
    WritePreferences,
    /// Mint a Service App's token.
    ServiceAppToken,
    /// Be told of meetings, their participants or their recordings by webhook: the read scope
    /// of the resource (the admin one for a site-wide webhook, `ownedBy: org`).
    WatchMeetings,
    WatchParticipants,
    WatchRecordings,
    /// Give people of the site new personal room ids (an administrator's batch).
    RefreshRoomIds,
    /// Read the participants of one's meetings (others' with the admin scope).
    ReadParticipants,
    /// Mute, expel, admit, call out: the host's own running session.
    WriteParticipants,
    /// Read and list one's recordings and their access report (others' with the admin scope).
    ReadRecordings,
    /// Delete, recycle, restore, purge and share one's recordings (others' with the admin scope).
    WriteRecordings,
    /// The administrator's recording list and the meeting archives.
    AdminReadRecordings,
    /// The administrator's delete.
    AdminWriteRecordings,
    /// An administrator's view of the site's meetings (`/admin/meetings`).
    AdminReadSchedules,
    /// Give meeting series to a new host (an administrator's batch).
    ReassignHost,
    /// Read the site's meeting configuration (tracking codes, session types, common settings)
    /// and people's tracking codes and session types.
    ReadSiteConfig,
    /// Change them.
    WriteSiteConfig,
    /// The usage report of every meeting of the site.
    ReadUsageReports,
    /// Read the post-meeting chats of one's meetings (others' with the admin scope).
    ReadTranscripts,
    /// Delete the post-meeting chats of one's meetings.
    WriteTranscripts,
}

/// Which scopes let a token do an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopePolicy {
    /// Any one of these will do; the first is the one a refusal names.
    pub any_of: &'static [&'static str],
    /// What it takes to do it for someone else (`hostEmail`, `userEmail`, every person of the
    /// site); None when nobody may.
    pub for_others: Option<&'static str>,
}

/// The one table of kaigi's scope rules: operation → scopes.
pub const fn policy(op: Operation) -> ScopePolicy {
    use Operation::*;
    let (any_of, for_others): (&'static [&'static str], _) = match op {
        ReadSchedules => (&[scope::SCHEDULES_READ, scope::ADMIN_SCHEDULE_READ], Some(scope::ADMIN_SCHEDULE_READ)),
        WriteSchedules => (&[scope::SCHEDULES_WRITE, scope::ADMIN_SCHEDULE_WRITE], Some(scope::ADMIN_SCHEDULE_WRITE)),
        ReadPeople | ReadUserCard => (&[scope::PEOPLE_READ, scope::ADMIN_PEOPLE_READ], Some(scope::ADMIN_PEOPLE_READ)),
        WritePeople => (&[scope::ADMIN_PEOPLE_WRITE], None),
        SiteInfo => (&[], None),
        // Webex lets a person with spark:people_read see the licences too (their own site's).
        ReadLicenses => (&[scope::ADMIN_LICENSES_READ, scope::PEOPLE_READ], None),
        LicenceReport => (&[scope::ADMIN_LICENSES_READ], None),
        ReadPreferences => {
            (&[scope::PREFERENCES_READ, scope::ADMIN_PREFERENCES_READ], Some(scope::ADMIN_PREFERENCES_READ))
        }
        WritePreferences => {
            (&[scope::PREFERENCES_WRITE, scope::ADMIN_PREFERENCES_WRITE], Some(scope::ADMIN_PREFERENCES_WRITE))
        }
        ServiceAppToken => (&[scope::APPLICATIONS_TOKEN], None),
        WatchMeetings => (&[scope::SCHEDULES_READ, scope::ADMIN_SCHEDULE_READ], Some(scope::ADMIN_SCHEDULE_READ)),
        WatchParticipants => {
            (&[scope::PARTICIPANTS_READ, scope::ADMIN_PARTICIPANTS_READ], Some(scope::ADMIN_PARTICIPANTS_READ))
        }
        WatchRecordings => {
            (&[scope::RECORDINGS_READ, scope::ADMIN_RECORDINGS_READ], Some(scope::ADMIN_RECORDINGS_READ))
        }
        RefreshRoomIds => (&[scope::ADMIN_PREFERENCES_WRITE], None),
        ReadParticipants => {
            (&[scope::PARTICIPANTS_READ, scope::ADMIN_PARTICIPANTS_READ], Some(scope::ADMIN_PARTICIPANTS_READ))
        }
        WriteParticipants => (&[scope::PARTICIPANTS_WRITE], None),
        ReadRecordings => (&[scope::RECORDINGS_READ, scope::ADMIN_RECORDINGS_READ], Some(scope::ADMIN_RECORDINGS_READ)),
        WriteRecordings => {
            (&[scope::RECORDINGS_WRITE, scope::ADMIN_RECORDINGS_WRITE], Some(scope::ADMIN_RECORDINGS_WRITE))
        }
        AdminReadRecordings => (&[scope::ADMIN_RECORDINGS_READ], None),
        AdminWriteRecordings => (&[scope::ADMIN_RECORDINGS_WRITE], None),
        AdminReadSchedules => (&[scope::ADMIN_SCHEDULE_READ], None),
        ReassignHost => (&[scope::ADMIN_SCHEDULE_WRITE], None),
        ReadSiteConfig => (&[scope::ADMIN_CONFIG_READ, scope::ADMIN_CONFIG_WRITE], None),
        WriteSiteConfig => (&[scope::ADMIN_CONFIG_WRITE], None),
        ReadUsageReports => (&[scope::ADMIN_SCHEDULE_READ], None),
        ReadTranscripts => {
            (&[scope::TRANSCRIPTS_READ, scope::ADMIN_TRANSCRIPTS_READ], Some(scope::ADMIN_TRANSCRIPTS_READ))
        }
        WriteTranscripts => (&[scope::TRANSCRIPTS_WRITE], None),
    };
    ScopePolicy { any_of, for_others }
}

/// Ok when `granted` opens `op`; otherwise the error naming the first scope that would.
fn check(granted: &[String], op: Operation) -> Result<()> {
    let wanted = policy(op).any_of;
    match wanted.first() {
        None => Ok(()),
        Some(_) if wanted.iter().any(|w| granted.iter().any(|g| g == w)) => Ok(()),
        Some(first) => Err(Error::MissingScope(first)),
    }
}

/// Ok when the token may do `op` at all; otherwise the error naming the scope it lacks.
pub fn require(who: &TokenCaller, op: Operation) -> Result<()> {
    check(&who.scopes, op)
}

/// Whether a caller of the XML API may do `op`: an API key opens the user card only (40.6.0);
/// a caller signed in with an access token needs its scopes; a password or ticket opens all
/// (the use case then asks about privileges).
pub fn permits(caller: &Caller, op: Operation) -> Result<()> {
    if matches!(caller.principal, Principal::ApiKey(_)) && op != Operation::ReadUserCard {
        return Err(Error::AccessDenied);
    }
    match &caller.scopes {
        Some(granted) => check(granted, op),
        None => Ok(()),
    }
}

/// Whether the token may do `op` for others as well as for its own user.
pub fn for_others(who: &TokenCaller, op: Operation) -> bool {
    policy(op).for_others.is_some_and(|s| who.has(s))
}

/// The scope it takes to do `op` for someone else (a refusal names it).
pub fn scope_for_others(op: Operation) -> &'static str {
    policy(op).for_others.unwrap_or(policy(op).any_of[0])
}

/// Every scope a user's role allows: everyone reads and writes their own meetings and meeting
/// preferences and looks people up; site administrators also act for others; read-only
/// administrators read for others; full and user-management administrators provision people.
pub fn scopes_allowed(user: &User) -> Vec<&'static str> {
    let mut out = vec![
        scope::SCHEDULES_READ,
        scope::SCHEDULES_WRITE,
        scope::PEOPLE_READ,
        scope::PREFERENCES_READ,
        scope::PREFERENCES_WRITE,
        scope::PARTICIPANTS_READ,
        scope::PARTICIPANTS_WRITE,
        scope::RECORDINGS_READ,
        scope::RECORDINGS_WRITE,
        scope::TRANSCRIPTS_READ,
        scope::TRANSCRIPTS_WRITE,
    ];
    let p = &user.privileges;
    if p.site_admin || p.ro_site_admin {
        out.extend([
            scope::ADMIN_SCHEDULE_READ,
            scope::ADMIN_PEOPLE_READ,
            scope::ADMIN_LICENSES_READ,
            scope::ADMIN_PREFERENCES_READ,
            scope::ADMIN_PARTICIPANTS_READ,
            scope::ADMIN_RECORDINGS_READ,
            scope::ADMIN_CONFIG_READ,
            scope::ADMIN_TRANSCRIPTS_READ,
        ]);
    }
    if p.site_admin {
        out.extend([
            scope::ADMIN_SCHEDULE_WRITE,
            scope::ADMIN_PREFERENCES_WRITE,
            scope::APPLICATIONS_TOKEN,
            scope::ADMIN_RECORDINGS_WRITE,
            scope::ADMIN_CONFIG_WRITE,
        ]);
    }
    // Full and user-management administrators provision people (create, change, remove).
    if p.manages_users() {
        out.push(scope::ADMIN_PEOPLE_WRITE);
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
        scope::ADMIN_PEOPLE_WRITE,
        scope::ADMIN_LICENSES_READ,
        scope::APPLICATIONS_TOKEN,
        scope::PARTICIPANTS_READ,
        scope::PARTICIPANTS_WRITE,
        scope::ADMIN_PARTICIPANTS_READ,
        scope::RECORDINGS_READ,
        scope::RECORDINGS_WRITE,
        scope::ADMIN_RECORDINGS_READ,
        scope::ADMIN_RECORDINGS_WRITE,
        scope::ADMIN_CONFIG_READ,
        scope::ADMIN_CONFIG_WRITE,
        scope::TRANSCRIPTS_READ,
        scope::TRANSCRIPTS_WRITE,
        scope::ADMIN_TRANSCRIPTS_READ,
    ]
}

/// Scope entries split on spaces and commas, without duplicates, each a known scope.
pub fn parse_scopes(entries: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in entries.iter().flat_map(|e| e.split([' ', ',', '\n', '\r', '\t'])).filter(|s| !s.is_empty()) {
        if !known_scopes().contains(&s) {
            let shown: String = s.chars().take(64).collect();
            return Err(Error::invalid(Field::Scope, format!("{shown} is not a scope kaigi knows")));
        }
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::user::fixtures::sample_user;
    use crate::model::{ApiKey, Site, SiteSettings};

    fn site() -> Site {
        Site {
            id: 1,
            name: "acme".into(),
            site_number: 10000,
            settings: SiteSettings::default(),
            created_at: chrono::DateTime::from_timestamp(0, 0).expect("epoch"),
        }
    }

    fn caller(principal: Principal, scopes: Option<&[&str]>) -> Caller {
        Caller { site: site(), principal, scopes: scopes.map(|s| s.iter().map(|s| s.to_string()).collect()) }
    }

    #[test]
    fn an_api_key_opens_the_user_card_only() {
        let key = ApiKey {
            id: 1,
            site_id: 1,
            name: "k".into(),
            token_hash: String::new(),
            created_at: chrono::DateTime::from_timestamp(0, 0).expect("epoch"),
            revoked_at: None,
        };
        let c = caller(Principal::ApiKey(key), None);
        assert!(permits(&c, Operation::ReadUserCard).is_ok());
        for op in [Operation::ReadPeople, Operation::SiteInfo, Operation::ReadSchedules, Operation::WritePeople] {
            assert!(matches!(permits(&c, op), Err(Error::AccessDenied)), "{op:?}");
        }
    }

    #[test]
    fn a_token_needs_one_of_the_operations_scopes_and_names_the_first() {
        let user = Principal::User(Box::new(sample_user()));
        let reader = caller(user.clone(), Some(&[scope::ADMIN_SCHEDULE_READ]));
        assert!(permits(&reader, Operation::ReadSchedules).is_ok());
        assert!(permits(&reader, Operation::SiteInfo).is_ok(), "any token reads the site");
        assert!(matches!(
            permits(&reader, Operation::WriteSchedules),
            Err(Error::MissingScope(s)) if s == scope::SCHEDULES_WRITE
        ));
        let password = caller(user, None);
        assert!(permits(&password, Operation::WritePeople).is_ok(), "a password is not narrowed by scopes");
    }

    #[test]
    fn acting_for_others_takes_the_admin_scope() {
        assert_eq!(scope_for_others(Operation::WriteSchedules), scope::ADMIN_SCHEDULE_WRITE);
        assert_eq!(scope_for_others(Operation::ReadPreferences), scope::ADMIN_PREFERENCES_READ);
        assert_eq!(policy(Operation::LicenceReport).any_of, [scope::ADMIN_LICENSES_READ]);
    }

    #[test]
    fn site_configuration_takes_the_config_scopes_of_administrators() {
        let mut admin = sample_user();
        admin.privileges = crate::model::Privileges { site_admin: true, ..Default::default() };
        let mut reader = sample_user();
        reader.privileges = crate::model::Privileges { ro_site_admin: true, ..Default::default() };
        let mut host = sample_user();
        host.privileges = crate::model::Privileges { host: true, ..Default::default() };
        assert!(scopes_allowed(&admin).contains(&scope::ADMIN_CONFIG_WRITE));
        assert!(scopes_allowed(&reader).contains(&scope::ADMIN_CONFIG_READ));
        assert!(!scopes_allowed(&reader).contains(&scope::ADMIN_CONFIG_WRITE));
        assert!(!scopes_allowed(&host).iter().any(|s| s.starts_with("meeting:admin_config")));
        assert!(
            known_scopes().contains(&scope::ADMIN_CONFIG_READ) && known_scopes().contains(&scope::ADMIN_CONFIG_WRITE)
        );
        assert_eq!(policy(Operation::WriteSiteConfig).any_of, [scope::ADMIN_CONFIG_WRITE]);
        assert_eq!(policy(Operation::ReadSiteConfig).any_of[0], scope::ADMIN_CONFIG_READ);
    }

    #[test]
    fn everyone_reads_and_deletes_their_chats_and_administrators_read_anyones() {
        let mut host = sample_user();
        host.privileges = crate::model::Privileges { host: true, ..Default::default() };
        let mut reader = sample_user();
        reader.privileges = crate::model::Privileges { ro_site_admin: true, ..Default::default() };
        for s in [scope::TRANSCRIPTS_READ, scope::TRANSCRIPTS_WRITE] {
            assert!(scopes_allowed(&host).contains(&s) && known_scopes().contains(&s), "{s}");
        }
        assert!(!scopes_allowed(&host).contains(&scope::ADMIN_TRANSCRIPTS_READ));
        assert!(scopes_allowed(&reader).contains(&scope::ADMIN_TRANSCRIPTS_READ));
        assert_eq!(scope_for_others(Operation::ReadTranscripts), scope::ADMIN_TRANSCRIPTS_READ);
        assert_eq!(policy(Operation::WriteTranscripts).for_others, None, "only the host deletes");
    }
}
