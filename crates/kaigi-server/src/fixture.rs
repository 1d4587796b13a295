//! Fixtures: a JSON file describing a world (sites, licence plans, users, meetings) that
//! `kaigi serve --fixture FILE` (or `POST /_kaigi/fixture`) loads in one step. Everything is
//! created through the core's use cases, as the demo site is, so every rule applies: a fixture
//! that breaks one fails to load with an error naming the entry. JSON only (see
//! docs/testing-with-kaigi.md, "Fixtures").

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Utc};
use kaigi_core::model::{Caller, Invitee, LicensePlan, MeetingFields, NewUser, SessionKind, SiteSettings, UserFields};
use kaigi_core::ports::StateStore;
use kaigi_core::rules::timezone;
use kaigi_core::Kaigi;
use serde::Deserialize;

/// Bounds of one fixture.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
pub const MAX_SITES: usize = 20;
pub const MAX_USERS: usize = 2_000;
pub const MAX_MEETINGS: usize = 2_000;
pub const MAX_INVITEES: usize = 100;
const MAX_TEXT: usize = 256;
const MAX_PRIVILEGES: usize = 64;

/// The snapshot of the state before any fixture: a failed load goes back to it at start, and
/// `POST /_kaigi/fixture` loads on top of it.
pub const BASE_SNAPSHOT: &str = "kaigi_base";

#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("cannot read the fixture {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the fixture is larger than {MAX_BYTES} bytes")]
    TooLarge,
    #[error("the fixture is not valid JSON of a fixture: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("fixture {entry}: {why}")]
    Invalid { entry: String, why: String },
    #[error("fixture {entry}: {error}")]
    Refused { entry: String, error: kaigi_core::Error },
    #[error("the store failed around loading the fixture: {0}")]
    Store(#[from] kaigi_core::error::StoreError),
}

/// A described world.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Fixture {
    pub sites: Vec<FixtureSite>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FixtureSite {
    pub name: String,
    pub brand_name: Option<String>,
    /// The XML API `timeZoneID` (0..=61) ...
    pub time_zone_id: Option<u16>,
    /// ... or an IANA name (`Asia/Tokyo`).
    pub time_zone: Option<String>,
    pub language_id: Option<u16>,
    #[serde(default)]
    pub require_meeting_password: bool,
    #[serde(default)]
    pub require_email_change_confirmation: bool,
    pub pmr_enabled: Option<bool>,
    #[serde(default)]
    pub license_auto_assign: bool,
    /// Hosts and address ranges the site's webhooks may call (e.g. `127.0.0.0/8`).
    #[serde(default)]
    pub webhook_targets: Vec<String>,
    /// `{"kind": "namedUser", "seats": 5}`, `{"kind": "activeUser", "purchased": 10,
    /// "minimum": 5}` or `{"kind": "enterpriseAgreement"}`.
    pub license_plan: LicensePlan,
    #[serde(default)]
    pub users: Vec<FixtureUser>,
    #[serde(default)]
    pub meetings: Vec<FixtureMeeting>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FixtureUser {
    #[serde(rename = "webExId")]
    pub webex_id: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub password: String,
    /// Holds a host licence (the `host` privilege; a Named User seat).
    #[serde(default)]
    pub host: bool,
    #[serde(default)]
    pub site_admin: bool,
    pub time_zone_id: Option<u16>,
    /// Further XML API privileges by wire name (`isEnablePMR`, `roSiteAdmin`, …).
    #[serde(default)]
    pub privileges: BTreeMap<String, bool>,
    /// Queue the welcome mail (in the outbox).
    #[serde(default)]
    pub send_welcome: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FixtureMeeting {
    /// The host's webExId.
    pub host: String,
    pub title: String,
    /// RFC 3339 (`2030-06-20T10:00:00Z`), or a wall-clock time (`2030-06-20T10:00:00`) in the
    /// meeting's zone ...
    pub start: Option<String>,
    /// ... or an ISO 8601 duration from now by kaigi's clock (`P1D`, `PT2H30M`).
    pub start_in: Option<String>,
    pub duration_minutes: Option<u32>,
    /// Default: the host's zone.
    pub time_zone_id: Option<u16>,
    pub password: Option<String>,
    pub agenda: Option<String>,
    #[serde(default)]
    pub invitees: Vec<FixtureInvitee>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FixtureInvitee {
    pub email: String,
    pub name: Option<String>,
    /// ATTENDEE (default), PRESENTER or HOST (an alternate host).
    pub role: Option<String>,
}

/// What a load made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    pub sites: usize,
    pub users: usize,
    pub meetings: usize,
}

fn invalid(entry: &str, why: impl Into<String>) -> FixtureError {
    FixtureError::Invalid { entry: entry.to_string(), why: why.into() }
}

fn text(entry: &str, field: &str, value: &str) -> Result<(), FixtureError> {
    if value.chars().count() > MAX_TEXT {
        return Err(invalid(entry, format!("{field} is longer than {MAX_TEXT} characters")));
    }
    Ok(())
}

fn zone_ok(entry: &str, id: Option<u16>) -> Result<(), FixtureError> {
    match id {
        Some(id) if timezone::by_id(id).is_none() => Err(invalid(entry, format!("timeZoneId {id} is not 0..=61"))),
        _ => Ok(()),
    }
}

impl Fixture {
    /// Parses and checks the bounds (what the core's rules do not: counts and lengths).
    pub fn parse(raw: &[u8]) -> Result<Fixture, FixtureError> {
        if raw.len() > MAX_BYTES {
            return Err(FixtureError::TooLarge);
        }
        let fixture: Fixture = serde_json::from_slice(raw)?;
        fixture.check()?;
        Ok(fixture)
    }

    /// Reads `path` (at most [`MAX_BYTES`]) and parses it.
    pub fn read(path: &Path) -> Result<Fixture, FixtureError> {
        let read_error = |source| FixtureError::Read { path: path.display().to_string(), source };
        let size = std::fs::metadata(path).map_err(read_error)?.len();
        if size > MAX_BYTES as u64 {
            return Err(FixtureError::TooLarge);
        }
        Fixture::parse(&std::fs::read(path).map_err(read_error)?)
    }

    fn check(&self) -> Result<(), FixtureError> {
        if self.sites.is_empty() || self.sites.len() > MAX_SITES {
            return Err(invalid("sites", format!("must list 1 to {MAX_SITES} sites")));
        }
        let users: usize = self.sites.iter().map(|s| s.users.len()).sum();
        if users > MAX_USERS {
            return Err(invalid("users", format!("{users} users; at most {MAX_USERS} in one fixture")));
        }
        let meetings: usize = self.sites.iter().map(|s| s.meetings.len()).sum();
        if meetings > MAX_MEETINGS {
            return Err(invalid("meetings", format!("{meetings} meetings; at most {MAX_MEETINGS} in one fixture")));
        }
        for (i, site) in self.sites.iter().enumerate() {
            let at = site_entry(i, site);
            text(&at, "name", &site.name)?;
            text(&at, "brandName", site.brand_name.as_deref().unwrap_or_default())?;
            zone_ok(&at, site.time_zone_id)?;
            if site.time_zone_id.is_some() && site.time_zone.is_some() {
                return Err(invalid(&at, "give timeZoneId or timeZone, not both"));
            }
            if let Some(name) = &site.time_zone {
                text(&at, "timeZone", name)?;
                if timezone::by_iana(name, 2026).is_none() {
                    return Err(invalid(&at, format!("timeZone {name:?} is not a zone kaigi knows")));
                }
            }
            if site.webhook_targets.len() > 32 {
                return Err(invalid(&at, "at most 32 webhookTargets"));
            }
            for t in &site.webhook_targets {
                text(&at, "webhookTargets", t)?;
            }
            for (j, u) in site.users.iter().enumerate() {
                let at = format!("{at}.users[{j}] ({})", short(&u.webex_id));
                for (field, value) in [
                    ("webExId", u.webex_id.as_str()),
                    ("email", &u.email),
                    ("firstName", u.first_name.as_deref().unwrap_or_default()),
                    ("lastName", u.last_name.as_deref().unwrap_or_default()),
                    ("password", &u.password),
                ] {
                    text(&at, field, value)?;
                }
                zone_ok(&at, u.time_zone_id)?;
                if u.privileges.len() > MAX_PRIVILEGES {
                    return Err(invalid(&at, format!("at most {MAX_PRIVILEGES} privileges")));
                }
                for name in u.privileges.keys() {
                    text(&at, "a privilege's name", name)?;
                }
            }
            for (j, m) in site.meetings.iter().enumerate() {
                let at = format!("{at}.meetings[{j}] ({})", short(&m.title));
                for (field, value) in [
                    ("host", m.host.as_str()),
                    ("title", &m.title),
                    ("start", m.start.as_deref().unwrap_or_default()),
                    ("startIn", m.start_in.as_deref().unwrap_or_default()),
                    ("password", m.password.as_deref().unwrap_or_default()),
                ] {
                    text(&at, field, value)?;
                }
                if m.agenda.as_deref().is_some_and(|a| a.chars().count() > 2_500) {
                    return Err(invalid(&at, "agenda is longer than 2,500 characters"));
                }
                if m.start.is_some() == m.start_in.is_some() {
                    return Err(invalid(&at, "give one of start or startIn"));
                }
                zone_ok(&at, m.time_zone_id)?;
                if m.invitees.len() > MAX_INVITEES {
                    return Err(invalid(&at, format!("at most {MAX_INVITEES} invitees")));
                }
                for inv in &m.invitees {
                    text(&at, "an invitee's email", &inv.email)?;
                    text(&at, "an invitee's name", inv.name.as_deref().unwrap_or_default())?;
                    text(&at, "an invitee's role", inv.role.as_deref().unwrap_or_default())?;
                }
            }
        }
        Ok(())
    }
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

fn site_entry(i: usize, site: &FixtureSite) -> String {
    format!("sites[{i}] ({})", short(&site.name))
}

impl FixtureSite {
    fn settings(&self) -> SiteSettings {
        let defaults = SiteSettings::default();
        let zone = self
            .time_zone_id
            .or_else(|| self.time_zone.as_deref().and_then(|n| timezone::by_iana(n, 2026)).map(|z| z.id))
            .unwrap_or(defaults.time_zone_id);
        SiteSettings {
            brand_name: self.brand_name.clone().unwrap_or_else(|| defaults.brand_name.clone()),
            time_zone_id: zone,
            language_id: self.language_id.unwrap_or(defaults.language_id),
            require_meeting_password: self.require_meeting_password,
            require_email_change_confirmation: self.require_email_change_confirmation,
            pmr_enabled: self.pmr_enabled.unwrap_or(defaults.pmr_enabled),
            license_auto_assign: self.license_auto_assign,
            webhook_targets: self.webhook_targets.clone(),
            ..defaults
        }
    }
}

/// The wall-clock start of `m` in `zone`, by kaigi's clock `now` for `startIn`.
fn local_start(
    entry: &str,
    m: &FixtureMeeting,
    zone: &timezone::TimeZoneInfo,
    now: DateTime<Utc>,
) -> Result<NaiveDateTime, FixtureError> {
    if let Some(after) = &m.start_in {
        let d = crate::iso_duration::parse_duration(after)
            .ok_or_else(|| invalid(entry, "startIn must be an ISO 8601 duration such as P1D or PT2H"))?;
        return Ok(zone.to_local(now + d));
    }
    let start = m.start.as_deref().unwrap_or_default();
    if let Ok(at) = DateTime::parse_from_rfc3339(start) {
        return Ok(zone.to_local(at.with_timezone(&Utc)));
    }
    NaiveDateTime::parse_from_str(start, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(start, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            invalid(entry, "start must be RFC 3339 (2030-06-20T10:00:00Z) or a wall-clock 2030-06-20T10:00:00")
        })
}

/// Creates the fixture's world through the core's use cases, in order: each site with its plan,
/// its users, then its meetings. Stops at the first refusal, naming the entry.
pub async fn load(kaigi: &Kaigi, fixture: &Fixture) -> Result<Loaded, FixtureError> {
    let mut loaded = Loaded::default();
    for (i, fs) in fixture.sites.iter().enumerate() {
        let at = site_entry(i, fs);
        let refused = |entry: &str| {
            let entry = entry.to_string();
            move |error| FixtureError::Refused { entry, error }
        };
        if kaigi.find_site(fs.name.trim()).await.map_err(refused(&at))?.is_some() {
            return Err(invalid(&at, "a site of this name exists already (a fixture makes its sites)"));
        }
        let site = kaigi.create_site(&fs.name, fs.settings(), fs.license_plan.clone()).await.map_err(refused(&at))?;
        loaded.sites += 1;
        let operator = Caller::operator(site.clone());
        for (j, u) in fs.users.iter().enumerate() {
            let at = format!("{at}.users[{j}] ({})", short(&u.webex_id));
            let mut privileges = vec![("host".to_string(), u.host)];
            if u.site_admin {
                privileges.push(("siteAdmin".to_string(), true));
            }
            privileges.extend(u.privileges.iter().map(|(k, v)| (k.clone(), *v)));
            let req = NewUser {
                webex_id: u.webex_id.clone(),
                fields: UserFields {
                    first_name: u.first_name.clone(),
                    last_name: u.last_name.clone(),
                    email: Some(u.email.clone()),
                    password: Some(u.password.clone()),
                    time_zone_id: u.time_zone_id,
                    privileges,
                    ..UserFields::default()
                },
                send_welcome: u.send_welcome,
                html_email: false,
            };
            kaigi.create_user(&operator, &req).await.map_err(refused(&at))?;
            loaded.users += 1;
        }
        for (j, m) in fs.meetings.iter().enumerate() {
            let at = format!("{at}.meetings[{j}] ({})", short(&m.title));
            let host = kaigi
                .user_by_webex_id(&site, m.host.trim())
                .await
                .map_err(refused(&at))?
                .ok_or_else(|| invalid(&at, format!("host {:?} is not a user of the site", m.host)))?;
            let zone_id = m.time_zone_id.unwrap_or(host.time_zone_id);
            let zone = timezone::by_id(zone_id)
                .or_else(|| timezone::by_id(site.settings.time_zone_id))
                .ok_or_else(|| invalid(&at, "the meeting's zone is unknown"))?;
            let start = local_start(&at, m, zone, kaigi.now())?;
            let invitees = m
                .invitees
                .iter()
                .map(|i| Invitee {
                    name: i.name.clone().unwrap_or_else(|| i.email.clone()),
                    email: i.email.clone(),
                    role: i.role.clone().unwrap_or_else(|| "ATTENDEE".to_string()).to_ascii_uppercase(),
                })
                .collect::<Vec<_>>();
            let fields = MeetingFields {
                name: Some(m.title.clone()),
                agenda: m.agenda.clone(),
                start: Some(start),
                time_zone_id: Some(zone.id),
                duration_minutes: m.duration_minutes,
                host_webex_id: Some(host.webex_id.clone()),
                password: m.password.clone(),
                invitees: (!invitees.is_empty()).then_some(invitees),
                ..MeetingFields::default()
            };
            kaigi.create_meeting(&operator, SessionKind::Meeting, &fields).await.map_err(refused(&at))?;
            loaded.meetings += 1;
        }
    }
    Ok(loaded)
}

/// Loads `fixture` with the state before it kept as [`BASE_SNAPSHOT`]; a fixture that fails to
/// load leaves the state as it was (the base is restored).
pub async fn load_at_start(kaigi: &Kaigi, state: &dyn StateStore, fixture: &Fixture) -> Result<Loaded, FixtureError> {
    state.save_snapshot(BASE_SNAPSHOT).await?;
    match load(kaigi, fixture).await {
        Ok(loaded) => Ok(loaded),
        Err(e) => {
            state.restore_snapshot(BASE_SNAPSHOT).await?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_shapes_are_checked_before_anything_is_made() {
        let ok = r#"{"sites": [{"name": "a", "licensePlan": {"kind": "enterpriseAgreement"}}]}"#;
        assert!(Fixture::parse(ok.as_bytes()).is_ok());
        let unknown = r#"{"sites": [{"name": "a", "licensePlan": {"kind": "enterpriseAgreement"}, "colour": 1}]}"#;
        assert!(matches!(Fixture::parse(unknown.as_bytes()), Err(FixtureError::Parse(_))));
        let long = format!(
            r#"{{"sites": [{{"name": "{}", "licensePlan": {{"kind": "enterpriseAgreement"}}}}]}}"#,
            "a".repeat(300)
        );
        let e = Fixture::parse(long.as_bytes()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("sites[0]") && e.contains("longer than"), "{e}");
        let no_start = r#"{"sites": [{"name": "a", "licensePlan": {"kind": "enterpriseAgreement"},
            "meetings": [{"host": "x", "title": "T"}]}]}"#;
        let e = Fixture::parse(no_start.as_bytes()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("meetings[0] (T)") && e.contains("start"), "{e}");
        assert!(Fixture::parse(br#"{"sites": []}"#).is_err());
        let zone = r#"{"sites": [{"name": "a", "timeZoneId": 99, "licensePlan": {"kind": "enterpriseAgreement"}}]}"#;
        assert!(Fixture::parse(zone.as_bytes()).is_err());
    }
}
