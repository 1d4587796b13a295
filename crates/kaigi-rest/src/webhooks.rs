//! `/v1/webhooks`: registering webhooks, and the body of a webhook delivery (the vendor's
//! envelope: the webhook's own fields, then `actorId`, `created` and `data` about the change).

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, SecondsFormat, Utc};
use kaigi_core::error::{Error, Field};
use kaigi_core::model::{
    ChangeEvent, Delivery, FilterKey, FilterTerm, NewWebhook, SiteId, TokenCaller, Webhook, WebhookChange,
    WebhookEvent, WebhookOwner, WebhookResource, WebhookStatus,
};
use kaigi_core::rules::webhooks::meeting_type_of;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::ids;
use crate::params::{json_body, Params, PathId};
use crate::RestState;

const DEFAULT_MAX: usize = 100;
const MAX_MAX: usize = 1000;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct WebhookBody {
    name: Option<String>,
    target_url: Option<String>,
    resource: Option<String>,
    event: Option<String>,
    filter: Option<String>,
    secret: Option<String>,
    owned_by: Option<String>,
    status: Option<String>,
}

fn required<'a>(v: &'a Option<String>, field: &'static str) -> RestResult<&'a str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| Refusal::Required(field).into())
}

fn owner(v: &Option<String>) -> RestResult<Option<WebhookOwner>> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some("creator") => Ok(Some(WebhookOwner::Creator)),
        Some("org") => Ok(Some(WebhookOwner::Org)),
        Some(_) => Err(Refusal::NotOneOf { field: "ownedBy", allowed: vec!["creator", "org"] }.into()),
    }
}

/// A filter's terms (`key=value&key=value`), each value percent-decoded and read as kaigi's id.
fn filter_terms(site: SiteId, filter: &str) -> RestResult<Vec<FilterTerm>> {
    let mut terms = Vec::new();
    for part in filter.split('&').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = |why: String| -> crate::error::RestError { Error::invalid(Field::WebhookFilter, why).into() };
        let (key, value) = part.split_once('=').ok_or_else(|| bad(format!("{part} is not key=value")))?;
        let value = percent_encoding::percent_decode_str(value.trim()).decode_utf8_lossy().trim().to_string();
        if value.is_empty() {
            return Err(bad(format!("{key} has no value")));
        }
        let known: Vec<&str> = FilterKey::ALL.iter().map(|k| k.name()).collect();
        let key = FilterKey::parse(key.trim())
            .ok_or_else(|| bad(format!("kaigi filters by {}; not by {key}", known.join(", "))))?;
        terms.push(match key {
            // A series, occurrence or instance id: the series is what the changes carry.
            FilterKey::MeetingId => FilterTerm::MeetingId(value.split('_').next().unwrap_or_default().to_string()),
            FilterKey::HostUserId => match ids::parse_person(&value) {
                Some((s, user)) if s == site => FilterTerm::HostUserId(user),
                _ => return Err(bad(format!("hostUserId {value} is no person of this site"))),
            },
            FilterKey::HostEmail => FilterTerm::HostEmail(value),
            FilterKey::SiteUrl => FilterTerm::SiteUrl(value),
            FilterKey::MeetingType => FilterTerm::MeetingType(value),
        });
    }
    Ok(terms)
}

fn created(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The webhook as the API answers it (its secret included, as the vendor does).
fn webhook_json(w: &Webhook) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(ids::webhook(w.site_id, w.id)));
    o.insert("name".into(), json!(w.name));
    o.insert("targetUrl".into(), json!(w.target_url));
    o.insert("resource".into(), json!(w.resource.name()));
    o.insert("event".into(), json!(w.event.name()));
    if !w.filter.is_empty() {
        o.insert("filter".into(), json!(w.filter));
    }
    if let Some(secret) = &w.secret {
        o.insert("secret".into(), json!(secret));
    }
    o.insert("status".into(), json!(w.status.name()));
    o.insert("created".into(), json!(created(w.created_at)));
    o.insert("ownedBy".into(), json!(w.owned_by.name()));
    Value::Object(o)
}

fn webhook_id(who: &TokenCaller, id: &str) -> RestResult<i64> {
    match ids::parse_webhook(id) {
        Some((site, n)) if site == who.caller.site.id => Ok(n),
        _ => Err(Error::NotFound(kaigi_core::error::Entity::Webhook).into()),
    }
}

/// `POST /v1/webhooks`.
pub async fn create(State(state): State<RestState>, Auth(who): Auth, body: Body) -> RestResult<Response> {
    let b: WebhookBody = json_body(body).await?;
    let name = required(&b.name, "name")?;
    let target_url = required(&b.target_url, "targetUrl")?;
    let resource = required(&b.resource, "resource")?;
    let resource = WebhookResource::parse(resource).ok_or_else(|| Refusal::NotOneOf {
        field: "resource",
        allowed: WebhookResource::ALL.iter().map(|r| r.name()).collect(),
    })?;
    let event = required(&b.event, "event")?;
    let event = WebhookEvent::parse(event).ok_or_else(|| Refusal::NotOneOf {
        field: "event",
        allowed: WebhookEvent::ALL.iter().map(|e| e.name()).collect(),
    })?;
    if b.status.as_deref().is_some_and(|s| s.trim() != "active") {
        return Err(Refusal::NotOneOf { field: "status", allowed: vec!["active"] }.into());
    }
    let filter = b.filter.as_deref().map(str::trim).unwrap_or_default().to_string();
    let new = NewWebhook {
        name: name.to_string(),
        target_url: target_url.to_string(),
        resource,
        event,
        terms: filter_terms(who.caller.site.id, &filter)?,
        filter,
        secret: b.secret.clone().filter(|s| !s.is_empty()),
        owned_by: owner(&b.owned_by)?.unwrap_or(WebhookOwner::Creator),
    };
    let w = state.kaigi.create_webhook(&who, &new).await?;
    Ok(Json(webhook_json(&w)).into_response())
}

/// `GET /v1/webhooks?max=&ownedBy=org`.
pub async fn list(State(state): State<RestState>, Auth(who): Auth, RawQuery(raw): RawQuery) -> RestResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    let max = match params.number("max")? {
        None => DEFAULT_MAX,
        Some(n) if (1..=MAX_MAX as u64).contains(&n) => usize::try_from(n).unwrap_or(MAX_MAX),
        Some(_) => return Err(Refusal::MaxOutOfRange(MAX_MAX).into()),
    };
    let org_only = match params.named("ownedBy")? {
        None => false,
        Some("org") => true,
        Some(_) => return Err(Refusal::NotOneOf { field: "ownedBy", allowed: vec!["org"] }.into()),
    };
    let hooks = state.kaigi.list_webhooks(&who, org_only, max).await?;
    let items: Vec<Value> = hooks.iter().map(webhook_json).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `GET /v1/webhooks/{webhookId}`.
pub async fn get_one(State(state): State<RestState>, Auth(who): Auth, PathId(id): PathId) -> RestResult<Response> {
    let w = state.kaigi.webhook(&who, webhook_id(&who, &id)?).await?;
    Ok(Json(webhook_json(&w)).into_response())
}

/// `PUT /v1/webhooks/{webhookId}`: `name` and `targetUrl` (required), `secret`, `ownedBy`,
/// `status: active` (restarts a webhook kaigi stopped). `resource`, `event` and `filter` cannot
/// change (the vendor's PUT does not take them): sending a different one is refused.
pub async fn put(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    body: Body,
) -> RestResult<Response> {
    let b: WebhookBody = json_body(body).await?;
    let id = webhook_id(&who, &id)?;
    let current = state.kaigi.webhook(&who, id).await?;
    let unchangeable = [
        ("resource", b.resource.as_deref(), current.resource.name().to_string()),
        ("event", b.event.as_deref(), current.event.name().to_string()),
        ("filter", b.filter.as_deref(), current.filter.clone()),
    ];
    for (field, sent, kept) in unchangeable {
        if sent.is_some_and(|s| s.trim() != kept) {
            let why = format!("{field} cannot be changed; delete the webhook and create another");
            let field = match field {
                "resource" => Field::WebhookResource,
                "event" => Field::WebhookEvent,
                _ => Field::WebhookFilter,
            };
            return Err(Error::invalid(field, why).into());
        }
    }
    // The vendor's PUT reactivates a webhook and never deactivates one; a client that sends back
    // the status it read (wxc-sdk does) changes nothing.
    let status = match b.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("active") => Some(WebhookStatus::Active),
        Some("inactive") if current.status == WebhookStatus::Inactive => None,
        Some("inactive") => {
            let why = "a webhook cannot be deactivated; delete it instead (status takes only active)";
            return Err(Error::invalid(Field::WebhookStatus, why).into());
        }
        Some(_) => return Err(Refusal::NotOneOf { field: "status", allowed: vec!["active"] }.into()),
    };
    let change = WebhookChange {
        name: required(&b.name, "name")?.to_string(),
        target_url: required(&b.target_url, "targetUrl")?.to_string(),
        secret: b.secret.clone().filter(|s| !s.is_empty()),
        owned_by: owner(&b.owned_by)?,
        status,
    };
    let w = state.kaigi.update_webhook(&who, id, &change).await?;
    Ok(Json(webhook_json(&w)).into_response())
}

/// `DELETE /v1/webhooks/{webhookId}`.
pub async fn delete(State(state): State<RestState>, Auth(who): Auth, PathId(id): PathId) -> RestResult<Response> {
    state.kaigi.delete_webhook(&who, webhook_id(&who, &id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The body of one delivery, as the vendor's webhooks send it. `site_url` is the site's
/// `siteUrl`.
pub fn envelope(d: &Delivery, site_url: &str) -> Value {
    let mut o = match webhook_json(&d.webhook) {
        Value::Object(o) => o,
        _ => Map::new(),
    };
    // A delivery carries no secret and no target.
    o.remove("secret");
    o.remove("targetUrl");
    // What happened, also for a webhook of `all` events.
    o.insert("event".into(), json!(d.change.event.name()));
    // Who owns the webhook: the spec's Webhook has no room for these, the envelope does.
    let w = &d.webhook;
    o.insert("orgId".into(), json!(ids::org(w.site_id)));
    o.insert("createdBy".into(), json!(ids::person(w.site_id, w.created_by)));
    if let Some(app) = &w.app_client_id {
        o.insert("appId".into(), json!(ids::application(app)));
    }
    if let Some(actor) = d.change.actor_id {
        o.insert("actorId".into(), json!(ids::person(d.change.site_id, actor)));
    }
    o.insert("created".into(), json!(created(d.change.at)));
    o.insert("data".into(), data(&d.change, site_url));
    Value::Object(o)
}

/// What the change is about, by resource: the ids a receiver reads the resource with.
fn data(c: &ChangeEvent, site_url: &str) -> Value {
    let f = &c.facts;
    let series = &f.meeting_uuid;
    // kaigi answers a running meeting, its participants and recordings by the series id (its
    // instance ids name ended sessions only).
    let instance = series.clone();
    let mut o = Map::new();
    match c.resource {
        WebhookResource::Meetings => {
            let id = match (c.event, f.occurrence) {
                (WebhookEvent::Started | WebhookEvent::Ended, _) => instance.clone(),
                (_, Some(original)) => format!("{series}_{}", original.format("%Y%m%dT%H%M%SZ")),
                (_, None) => series.clone(),
            };
            o.insert("id".into(), json!(id));
            o.insert("meetingSeriesId".into(), json!(series));
            if let Some(original) = f.occurrence {
                o.insert("scheduledMeetingId".into(), json!(format!("{series}_{}", original.format("%Y%m%dT%H%M%SZ"))));
            }
            o.insert("meetingNumber".into(), json!(f.meeting_key.to_string()));
            o.insert("title".into(), json!(f.title));
            o.insert("start".into(), json!(created(f.start)));
            o.insert("end".into(), json!(created(f.end)));
            o.insert("meetingType".into(), json!(meeting_type_of(c)));
            o.insert("state".into(), json!(meeting_state(c.event)));
        }
        WebhookResource::MeetingParticipants => {
            o.insert("id".into(), json!(ids::participant(&instance, c.subject_id)));
            o.insert("meetingId".into(), json!(instance));
            o.insert("meetingSeriesId".into(), json!(series));
            o.insert("meetingNumber".into(), json!(f.meeting_key.to_string()));
            if let Some(p) = &f.participant {
                o.insert("email".into(), json!(p.email));
                o.insert("displayName".into(), json!(p.display_name));
                o.insert("host".into(), json!(p.host));
                o.insert("joinedTime".into(), json!(created(p.joined_at)));
                if let Some(left) = p.left_at {
                    o.insert("leftTime".into(), json!(created(left)));
                }
                o.insert("state".into(), json!(if p.left_at.is_some() { "end" } else { "joined" }));
            }
            o.insert("meetingStartTime".into(), json!(created(f.start)));
        }
        WebhookResource::Recordings => {
            // The recording's REST id (as `/v1/recordings` answers it).
            let id = f.recording.as_ref().map(|r| r.recording_uuid.clone()).unwrap_or_default();
            o.insert("id".into(), json!(id));
            o.insert("meetingId".into(), json!(instance));
            o.insert("meetingSeriesId".into(), json!(series));
            if let Some(r) = &f.recording {
                o.insert("topic".into(), json!(r.topic));
                o.insert("durationSeconds".into(), json!(r.duration_s));
                o.insert("sizeBytes".into(), json!(r.size_kb * 1024));
                o.insert("format".into(), json!(r.format));
            }
            o.insert("createTime".into(), json!(created(f.end)));
            o.insert("timeRecorded".into(), json!(created(f.start)));
            o.insert("status".into(), json!(if c.event == WebhookEvent::Deleted { "deleted" } else { "available" }));
        }
    }
    o.insert("hostUserId".into(), json!(ids::person(c.site_id, f.host_id)));
    o.insert("hostEmail".into(), json!(f.host_email));
    o.insert("siteUrl".into(), json!(site_url));
    o.insert("orgId".into(), json!(ids::org(c.site_id)));
    Value::Object(o)
}

fn meeting_state(event: WebhookEvent) -> &'static str {
    match event {
        WebhookEvent::Started => "started",
        WebhookEvent::Ended => "ended",
        WebhookEvent::Deleted => "deleted",
        _ => "scheduled",
    }
}
