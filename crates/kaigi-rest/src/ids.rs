//! Ids of people, organisations and licences: unpadded base64 of `ciscospark://us/<TYPE>/<id>`,
//! the shape clients expect. kaigi's ids carry the site and user numbers inside a UUID-shaped id.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use kaigi_core::model::{SiteId, UserId};

fn wrap(kind: &str, id: &str) -> String {
    STANDARD_NO_PAD.encode(format!("ciscospark://us/{kind}/{id}"))
}

fn unwrap(kind: &str, encoded: &str) -> Option<String> {
    let encoded = encoded.trim();
    if encoded.len() > 200 {
        return None;
    }
    let bytes = STANDARD_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .or_else(|_| STANDARD.decode(encoded))
        .or_else(|_| URL_SAFE_NO_PAD.decode(encoded.trim_end_matches('=')))
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let rest = text.strip_prefix("ciscospark://")?;
    let (_, rest) = rest.split_once('/')?;
    let (k, id) = rest.split_once('/')?;
    (k == kind).then(|| id.to_string())
}

fn uuid(site: SiteId, n: i64) -> String {
    format!("{:08x}-0000-4000-8000-{:012x}", site as u64 & 0xffff_ffff, n as u64 & 0xffff_ffff_ffff)
}

fn parse_uuid(s: &str) -> Option<(SiteId, i64)> {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 5 || parts[1] != "0000" || parts[2] != "4000" || parts[3] != "8000" {
        return None;
    }
    let site = i64::from_str_radix(parts[0], 16).ok()?;
    let n = i64::from_str_radix(parts[4], 16).ok()?;
    Some((site, n))
}

pub fn person(site: SiteId, user: UserId) -> String {
    wrap("PEOPLE", &uuid(site, user))
}

/// The (site, user) a person id names.
pub fn parse_person(id: &str) -> Option<(SiteId, UserId)> {
    parse_uuid(&unwrap("PEOPLE", id)?)
}

pub fn org(site: SiteId) -> String {
    wrap("ORGANIZATION", &uuid(site, 0))
}

/// The site an organization id names.
pub fn parse_org(id: &str) -> Option<SiteId> {
    parse_uuid(&unwrap("ORGANIZATION", id)?).map(|(site, _)| site)
}

/// The client id an application id names: the client id itself, or the vendor's shape,
/// base64 of `ciscospark://us/APPLICATION/<clientId>`.
pub fn application_client_id(id: &str) -> String {
    unwrap("APPLICATION", id).unwrap_or_else(|| id.trim().to_string())
}

pub fn webhook(site: SiteId, id: i64) -> String {
    wrap("WEBHOOK", &uuid(site, id))
}

/// The (site, webhook) a webhook id names.
pub fn parse_webhook(id: &str) -> Option<(SiteId, i64)> {
    parse_uuid(&unwrap("WEBHOOK", id)?)
}

/// A participant of a meeting, as the vendor shapes it: `<meeting instance id>_<n>`.
pub fn participant(meeting_uuid: &str, id: i64) -> String {
    format!("{meeting_uuid}_P_{id}")
}

pub fn application(client_id: &str) -> String {
    wrap("APPLICATION", client_id)
}

pub fn licence(site: SiteId) -> String {
    wrap("LICENSE", &format!("MC_{}", uuid(site, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_wrong_kinds_are_refused() {
        let id = person(3, 42);
        assert!(!id.contains('='));
        assert_eq!(parse_person(&id), Some((3, 42)));
        assert_eq!(parse_person(&format!("{id}==")), Some((3, 42)));
        assert_eq!(parse_person(&org(3)), None);
        assert_eq!(parse_person("not base64!"), None);
        let decoded = String::from_utf8(STANDARD_NO_PAD.decode(&id).unwrap()).unwrap();
        assert_eq!(decoded, "ciscospark://us/PEOPLE/00000003-0000-4000-8000-00000000002a");
    }
}
