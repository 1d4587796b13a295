//! `/v1/people` and `/v1/people/me`: the site's directory, each person with the licences they hold.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::{PeopleQuery, PersonWrite, PostalAddress, Site, TokenCaller, User, UserId};
use kaigi_core::rules::scopes::{self, Operation};
use kaigi_core::rules::timezone;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::meetings::site_matches;
use crate::paging::{link_next, OFFSET};
use crate::params::{json_body, loose_bool, Params, PathId};
use crate::{ids, site_url, RestState};

/// Default and largest page of `GET /v1/people`.
const DEFAULT_MAX: usize = 100;
const MAX_MAX: usize = 1000;
/// Most ids one `id` filter may name.
const MAX_IDS: usize = 85;

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub fn person_json(state: &RestState, site: &Site, u: &User) -> Value {
    let url = site_url(state, site);
    let licensed = kaigi_core::rules::licence::holds_seat(u.privileges.host, u.is_active());
    let licenses: Vec<String> = if licensed { vec![ids::licence(site.id)] } else { Vec::new() };
    let site_urls = if licensed { vec![url] } else { vec![format!("{url}#attendee")] };
    let zone = timezone::by_id(u.time_zone_id).map(|z| z.iana.name()).unwrap_or("UTC");
    let mut person = json!({
        "id": ids::person(site.id, u.id),
        "emails": [u.email],
        "phoneNumbers": [],
        "displayName": u.display_name(),
        "nickName": u.first_name,
        "firstName": u.first_name,
        "lastName": u.last_name,
        "orgId": ids::org(site.id),
        "roles": [],
        "licenses": licenses,
        "siteUrls": site_urls,
        "timezone": zone,
        "created": stamp(u.registered_at),
        "lastModified": stamp(u.updated_at),
        "status": "unknown",
        "invitePending": "false",
        "loginEnabled": if u.is_active() { "true" } else { "false" },
        "type": "person",
    });
    if !u.profile.title.is_empty() {
        person["title"] = json!(u.profile.title);
    }
    let address = PostalAddress::of(&u.profile);
    if !address.is_empty() {
        person["addresses"] = json!([{
            "type": "work",
            "streetAddress": address.street,
            "locality": address.locality,
            "region": address.region,
            "postalCode": address.postal_code,
            "country": address.country,
        }]);
    }
    person
}

/// `GET /v1/people/me`: any valid token.
pub async fn me(State(state): State<RestState>, Auth(who): Auth) -> RestResult<Response> {
    // Reading oneself is reading people, as docs/rest.md says (found by the role matrix).
    require_people(&who)?;
    let me = state.kaigi.get_me(&who.caller).await?;
    Ok(Json(person_json(&state, &who.caller.site, &me)).into_response())
}

fn require_people(who: &kaigi_core::model::TokenCaller) -> RestResult<()> {
    Ok(scopes::require(who, Operation::ReadPeople)?)
}

/// `GET /v1/people/{personId}`.
pub async fn get_one(State(state): State<RestState>, Auth(who): Auth, PathId(id): PathId) -> RestResult<Response> {
    require_people(&who)?;
    let site = &who.caller.site;
    let user_id = match ids::parse_person(&id) {
        Some((s, u)) if s == site.id => u,
        _ => return Err(Refusal::UnknownPerson.into()),
    };
    let user = state.kaigi.person(&who.caller, user_id).await?;
    Ok(Json(person_json(&state, site, &user)).into_response())
}

/// `GET /v1/people`: by `email`, `displayName` (prefix) or `id` (comma-separated); administrators
/// may list everyone.
pub async fn list(State(state): State<RestState>, Auth(who): Auth, RawQuery(raw): RawQuery) -> RestResult<Response> {
    require_people(&who)?;
    let params = Params::parse(raw.as_deref())?;
    let site = who.caller.site.clone();
    let max = params.number("max")?.map(|m| m as usize).unwrap_or(DEFAULT_MAX);
    if max == 0 || max > MAX_MAX {
        return Err(Refusal::MaxOutOfRange(MAX_MAX).into());
    }
    let offset = params.number(OFFSET)?.unwrap_or(0) as usize;
    let mut not_found = Vec::new();
    let ids_filter = match params.get("id") {
        Some(list) => {
            let wanted: Vec<&str> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
            if wanted.len() > MAX_IDS {
                return Err(Refusal::TooManyIds(MAX_IDS).into());
            }
            let mut found = Vec::new();
            for w in wanted {
                match ids::parse_person(w) {
                    Some((s, u)) if s == site.id => found.push(u),
                    _ => not_found.push(w.to_string()),
                }
            }
            Some(found)
        }
        None => None,
    };
    let q = PeopleQuery {
        email: params.get("email").map(str::to_string),
        display_name: params.get("displayName").map(str::to_string),
        ids: ids_filter,
        list_all: scopes::for_others(&who, Operation::ReadPeople),
        offset,
        limit: max,
    };
    let (people, more) = state.kaigi.find_people(&who.caller, &q).await?;
    if let Some(wanted) = &q.ids {
        for id in wanted {
            if !people.iter().any(|p| p.id == *id) {
                not_found.push(ids::person(site.id, *id));
            }
        }
    }
    let items: Vec<Value> = people.iter().map(|u| person_json(&state, &site, u)).collect();
    let mut body = json!({ "items": items });
    if q.ids.is_some() {
        body["notFoundIds"] = json!(not_found);
    }
    let mut response = Json(body).into_response();
    link_next(&mut response, &state.kaigi.config().public_url, "/v1/people", &params, offset + people.len(), more);
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddressBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    country: Option<String>,
    locality: Option<String>,
    region: Option<String>,
    street_address: Option<String>,
    postal_code: Option<String>,
}

/// The body of `POST /v1/people` and `PUT /v1/people/{personId}`: every field of the spec, so each
/// is kept or refused by name.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonBody {
    emails: Option<Vec<String>>,
    phone_numbers: Option<Vec<Value>>,
    extension: Option<String>,
    location_id: Option<String>,
    display_name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    /// The vendor sets it to the first name, whatever is sent; so does kaigi.
    #[allow(dead_code)]
    nick_name: Option<String>,
    avatar: Option<String>,
    org_id: Option<String>,
    roles: Option<Vec<String>>,
    licenses: Option<Vec<String>>,
    department: Option<String>,
    manager: Option<String>,
    manager_id: Option<String>,
    title: Option<String>,
    addresses: Option<Vec<AddressBody>>,
    site_urls: Option<Vec<String>>,
    #[serde(default, deserialize_with = "loose_bool")]
    login_enabled: Option<bool>,
}

/// Whether the person holds the site's licence, by `licenses` and `siteUrls` (None: neither says).
/// `licenses` lists licence ids (an entry may list several, separated by commas); `siteUrls` names
/// the site plainly for a host and with `#attendee` for an attendee.
fn host_role(state: &RestState, site: &Site, b: &PersonBody) -> RestResult<Option<bool>> {
    let ours = ids::licence(site.id);
    let by_licence = match &b.licenses {
        None => None,
        Some(list) => {
            let mut host = false;
            for id in list.iter().flat_map(|l| l.split(',')).map(str::trim).filter(|l| !l.is_empty()) {
                if id != ours {
                    return Err(Refusal::ForeignLicence { id: id.to_string(), ours }.into());
                }
                host = true;
            }
            Some(host)
        }
    };
    let mut by_site = None;
    for entry in b.site_urls.iter().flatten().map(|u| u.trim()).filter(|u| !u.is_empty()) {
        let lower = entry.to_ascii_lowercase();
        let (url, host) = match lower.strip_suffix("#attendee") {
            Some(_) => (&entry[..entry.len() - "#attendee".len()], false),
            None => (entry, true),
        };
        if !site_matches(state, site, url) {
            return Err(Refusal::ForeignSiteUrl { asked: entry.to_string(), only: site_url(state, site) }.into());
        }
        if by_site.is_some_and(|h| h != host) {
            return Err(Refusal::SiteRoleConflict(site_url(state, site)).into());
        }
        by_site = Some(host);
    }
    match (by_licence, by_site) {
        (Some(l), Some(s)) if l != s => Err(Refusal::SiteRoleConflict(site_url(state, site)).into()),
        (Some(l), _) => Ok(Some(l)),
        (None, s) => Ok(s),
    }
}

/// What a provisioning body asks of the core, after refusing by name what kaigi cannot keep.
fn person_write(state: &RestState, site: &Site, b: PersonBody) -> RestResult<PersonWrite> {
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    for (name, value) in [
        ("extension", &b.extension),
        ("locationId", &b.location_id),
        ("avatar", &b.avatar),
        ("department", &b.department),
        ("manager", &b.manager),
        ("managerId", &b.manager_id),
    ] {
        if given(value) {
            return Err(Refusal::NotKeptLeaveOut(name).into());
        }
    }
    if b.phone_numbers.as_ref().is_some_and(|l| !l.is_empty()) {
        return Err(Refusal::NotKeptSendNone("phoneNumbers").into());
    }
    if b.roles.iter().flatten().any(|r| !r.trim().is_empty()) {
        return Err(Refusal::NotKeptSendNone("roles").into());
    }
    if let Some(org) = b.org_id.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        if ids::parse_org(org) != Some(site.id) {
            return Err(Refusal::ForeignOrg(org.to_string()).into());
        }
    }
    let email = match b.emails.as_deref() {
        None => None,
        Some([]) => Some(String::new()),
        Some([one]) => Some(one.clone()),
        Some(_) => return Err(Refusal::OneEmail.into()),
    };
    let address = match b.addresses.as_deref() {
        None => None,
        Some([]) => Some(PostalAddress::default()),
        Some([a]) => {
            if a.kind.as_deref().is_some_and(|k| !k.trim().eq_ignore_ascii_case("work")) {
                return Err(Refusal::NotOneOf { field: "addresses.type", allowed: vec!["work"] }.into());
            }
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            Some(PostalAddress {
                street: text(&a.street_address),
                locality: text(&a.locality),
                region: text(&a.region),
                postal_code: text(&a.postal_code),
                country: text(&a.country),
            })
        }
        Some(_) => return Err(Refusal::OneAddress.into()),
    };
    let host_licence = host_role(state, site, &b)?;
    Ok(PersonWrite {
        email,
        display_name: b.display_name,
        first_name: b.first_name,
        last_name: b.last_name,
        title: b.title,
        address,
        host_licence,
        login_enabled: b.login_enabled,
    })
}

/// `minResponse`, after checking the query's booleans (`callingData` and `showAllTypes` change
/// nothing: kaigi has no calling data and one kind of role per site).
fn min_response(params: &Params) -> RestResult<bool> {
    params.flag("callingData")?;
    params.flag("showAllTypes")?;
    Ok(params.flag("minResponse")?.unwrap_or(false))
}

fn require_write(who: &TokenCaller) -> RestResult<()> {
    Ok(scopes::require(who, Operation::WritePeople)?)
}

/// The user a path's person id names on the caller's site.
fn person_of(site: &Site, id: &str) -> RestResult<UserId> {
    match ids::parse_person(id) {
        Some((s, u)) if s == site.id => Ok(u),
        _ => Err(Refusal::UnknownPerson.into()),
    }
}

/// `POST /v1/people`: an administrator adds a person to the site.
pub async fn create(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    require_write(&who)?;
    let min = min_response(&Params::parse(raw.as_deref())?)?;
    let site = &who.caller.site;
    let write = person_write(&state, site, json_body(body).await?)?;
    let user = state.kaigi.provision_person(&who, &write).await?;
    if min {
        return Ok(Json(json!({ "id": ids::person(site.id, user.id) })).into_response());
    }
    Ok(Json(person_json(&state, site, &user)).into_response())
}

/// `PUT /v1/people/{personId}`: changes what the body names; `minResponse=true` answers 204.
pub async fn update(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    require_write(&who)?;
    let min = min_response(&Params::parse(raw.as_deref())?)?;
    let site = &who.caller.site;
    let user_id = person_of(site, &id)?;
    let write = person_write(&state, site, json_body(body).await?)?;
    let user = state.kaigi.update_person(&who, user_id, &write).await?;
    if min {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(Json(person_json(&state, site, &user)).into_response())
}

/// `DELETE /v1/people/{personId}`: the person is deactivated (204).
pub async fn delete(State(state): State<RestState>, Auth(who): Auth, PathId(id): PathId) -> RestResult<Response> {
    require_write(&who)?;
    let user_id = person_of(&who.caller.site, &id)?;
    state.kaigi.remove_person(&who, user_id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
