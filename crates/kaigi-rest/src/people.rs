//! `/v1/people` and `/v1/people/me`: the site's directory, each person with the licences they hold.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::{PeopleQuery, Site, User};
use kaigi_core::rules::scopes::{self, Operation};
use kaigi_core::rules::timezone;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::paging::{link_next, OFFSET};
use crate::params::{Params, PathId};
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
    json!({
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
    })
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
