//! What a host schedules with: `/v1/meetings/templates`, `/v1/meetings/sessionTypes` and
//! `/v1/meetings/trackingCodes`, for the caller or the host `hostEmail` names (with the
//! administrator's read scope). Templates are kaigi's fixed set, one per session type the host
//! has (docs/rest.md, "Meeting templates").

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono_tz::Tz;
use kaigi_core::error::Entity;
use kaigi_core::model::{MeetingTemplate, MeetingTypeDef, SessionTypeKind, Site, TemplateKind};
use kaigi_core::rules::scopes::{self, Operation};
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::params::{format_time, header_zone, Params, PathId};
use crate::site_config::{check_site, one_of, options_json, service_wire, use_wire, SERVICES};
use crate::{site_url, RestState};

/// Templates have no language of their own: they are answered in the locale asked, `en_US` by
/// default.
const DEFAULT_LOCALE: &str = "en_US";

fn kind_wire(k: TemplateKind) -> &'static str {
    match k {
        TemplateKind::Meeting => "meeting",
        TemplateKind::Webinar => "webinar",
    }
}

fn locale_of(params: &Params) -> RestResult<String> {
    match params.get("locale") {
        None => Ok(DEFAULT_LOCALE.to_string()),
        Some(l)
            if (2..=16).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-') =>
        {
            Ok(l.to_string())
        }
        Some(_) => Err(Refusal::NotOneOf { field: "locale", allowed: vec!["a locale such as en_US"] }.into()),
    }
}

fn template_json(state: &RestState, site: &Site, t: &MeetingTemplate, locale: &str) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "locale": locale,
        "siteUrl": site_url(state, site),
        "templateType": kind_wire(t.kind),
        "isDefault": t.is_default,
        "isStandard": true,
    })
}

/// `GET /v1/meetings/templates`: filters `templateType`, `locale`, `isDefault`, `isStandard`.
pub async fn list(State(state): State<RestState>, Auth(who): Auth, RawQuery(raw): RawQuery) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadSchedules)?;
    let params = Params::parse(raw.as_deref())?;
    let templates = state.kaigi.meeting_templates(&who, params.named("hostEmail")?).await?;
    let site = &who.caller.site;
    check_site(&state, site, params.get("siteUrl"))?;
    let kind = params
        .get("templateType")
        .map(|t| one_of("templateType", t, &[TemplateKind::Meeting, TemplateKind::Webinar], kind_wire))
        .transpose()?;
    let locale = locale_of(&params)?;
    let is_default = params.flag("isDefault")?;
    let is_standard = params.flag("isStandard")?;
    let items: Vec<Value> = templates
        .iter()
        .filter(|t| kind.is_none_or(|k| t.kind == k))
        .filter(|t| is_default.is_none_or(|d| t.is_default == d))
        .filter(|_| is_standard != Some(false))
        .map(|t| template_json(&state, site, t, &locale))
        .collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `GET /v1/meetings/templates/{templateId}`: the template with the meeting it makes (starting
/// at the next full hour for an hour, in the `timezone` header's zone).
pub async fn get_one(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadSchedules)?;
    let params = Params::parse(raw.as_deref())?;
    let t = state.kaigi.meeting_template(&who, params.named("hostEmail")?, &id).await?;
    let zone = header_zone(&headers)?.unwrap_or(Tz::UTC);
    let site = &who.caller.site;
    let (start, end) = kaigi_core::rules::schedule::template_window(state.kaigi.now());
    let mut body = template_json(&state, site, &t, &locale_of(&params)?);
    body["meeting"] = json!({
        "title": t.name,
        "start": format_time(start, zone),
        "end": format_time(end, zone),
        "timezone": zone.name(),
        "scheduledType": kind_wire(t.kind),
        "sessionTypeId": t.meeting_type.id,
    });
    Ok(Json(body).into_response())
}

fn host_session_type_json(t: &MeetingTypeDef) -> Value {
    let kind = match SessionTypeKind::of(t) {
        SessionTypeKind::Webinar => "webinar",
        _ => "meeting",
    };
    json!({ "id": t.id.to_string(), "name": t.display_name, "type": kind, "attendeesCapacity": t.max_users })
}

/// `GET /v1/meetings/sessionTypes`: the meeting and webinar types of the host.
pub async fn session_types(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadSchedules)?;
    let params = Params::parse(raw.as_deref())?;
    let types = state.kaigi.host_session_types(&who, params.named("hostEmail")?).await?;
    check_site(&state, &who.caller.site, params.get("siteUrl"))?;
    let items: Vec<Value> = types.iter().map(host_session_type_json).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `GET /v1/meetings/sessionTypes/{sessionTypeId}`.
pub async fn session_type(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadSchedules)?;
    let params = Params::parse(raw.as_deref())?;
    let types = state.kaigi.host_session_types(&who, params.named("hostEmail")?).await?;
    check_site(&state, &who.caller.site, params.get("siteUrl"))?;
    let wanted = id.trim().parse::<u32>().ok();
    let t = types.iter().find(|t| Some(t.id) == wanted).ok_or(kaigi_core::Error::NotFound(Entity::SessionType))?;
    Ok(Json(host_session_type_json(t)).into_response())
}

/// `GET /v1/meetings/trackingCodes?service=…`: the site's codes as the host schedules with them.
pub async fn tracking_codes(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadSchedules)?;
    let params = Params::parse(raw.as_deref())?;
    let host_email = params.named("hostEmail")?;
    let service = params.get("service").ok_or(Refusal::Required("service"))?;
    let service = one_of("service", service, &SERVICES, service_wire)?;
    let codes = state.kaigi.host_tracking_codes(&who, host_email, service).await?;
    let site = &who.caller.site;
    check_site(&state, site, params.get("siteUrl"))?;
    let url = site_url(&state, site);
    let items: Vec<Value> = codes
        .iter()
        .map(|c| {
            json!({
                "id": c.code.slot.to_string(),
                "name": c.code.name,
                "siteUrl": url,
                "options": options_json(&c.options),
                "inputMode": crate::site_config::input_wire(c.code.def.input),
                "service": service_wire(service),
                "type": use_wire(c.use_),
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })).into_response())
}
