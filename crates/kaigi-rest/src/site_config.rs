//! `/v1/admin/meeting/config/*` and `/v1/admin/meeting/userconfig/*`: the site's tracking codes,
//! session types and common settings, and a person's tracking codes and session types, as
//! administrators read and change them. The values are the site configuration the XML API reads
//! (docs/rest.md, "Site configuration"); this file only maps JSON to the core's types and back.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::error::Entity;
use kaigi_core::model::{
    CommonSettings, CommonSettingsChange, EntryExitTone, MeetingTypeDef, NamedTrackingValue, PersonRef,
    SessionTypeKind, Site, TelephonySupport, TrackingCode, TrackingCodeWrite, TrackingInput, TrackingOption,
    TrackingService, TrackingUse, User,
};
use kaigi_core::rules::limits::MAX_TRACKING_CODES;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::meetings::site_matches;
use crate::params::{json_body, loose_bool, nullable, Params, PathId};
use crate::{ids, site_url, RestState};

// Wire names.

pub(crate) fn input_wire(i: TrackingInput) -> &'static str {
    match i {
        TrackingInput::Text => "text",
        TrackingInput::Select => "select",
        TrackingInput::EditableSelect => "editableSelect",
        TrackingInput::HostProfileSelect => "hostProfileSelect",
    }
}

pub(crate) fn use_wire(u: TrackingUse) -> &'static str {
    match u {
        TrackingUse::Optional => "optional",
        TrackingUse::Required => "required",
        TrackingUse::AdminSet => "adminSet",
        TrackingUse::NotUsed => "notUsed",
        TrackingUse::NotApplicable => "notApplicable",
    }
}

pub(crate) fn service_wire(s: TrackingService) -> &'static str {
    match s {
        TrackingService::All => "All",
        TrackingService::MeetingCenter => "MeetingCenter",
        TrackingService::EventCenter => "EventCenter",
        TrackingService::TrainingCenter => "TrainingCenter",
        TrackingService::SupportCenter => "SupportCenter",
    }
}

/// The value of `field` among `all` (matched exactly, as the spec's enums are), or the 400
/// naming the field and its values.
pub(crate) fn one_of<T: Copy>(field: &'static str, v: &str, all: &[T], wire: fn(T) -> &'static str) -> RestResult<T> {
    all.iter()
        .copied()
        .find(|x| wire(*x) == v.trim())
        .ok_or_else(|| Refusal::NotOneOf { field, allowed: all.iter().map(|x| wire(*x)).collect() }.into())
}

const INPUTS: [TrackingInput; 4] =
    [TrackingInput::Text, TrackingInput::Select, TrackingInput::EditableSelect, TrackingInput::HostProfileSelect];
const USES: [TrackingUse; 5] = [
    TrackingUse::Optional,
    TrackingUse::Required,
    TrackingUse::AdminSet,
    TrackingUse::NotUsed,
    TrackingUse::NotApplicable,
];
pub(crate) const SERVICES: [TrackingService; 5] = [
    TrackingService::All,
    TrackingService::MeetingCenter,
    TrackingService::EventCenter,
    TrackingService::TrainingCenter,
    TrackingService::SupportCenter,
];

/// A session type's `type` on the admin lists: kaigi's webinars are Event Center sessions.
fn admin_type_wire(t: &MeetingTypeDef) -> &'static str {
    match SessionTypeKind::of(t) {
        SessionTypeKind::Meeting => "meeting",
        SessionTypeKind::Webinar => "webinar",
        SessionTypeKind::Training => "TrainCenter",
        SessionTypeKind::Support => "SupportCenter",
    }
}

/// A `siteUrl` (query or body) must name the caller's site.
pub(crate) fn check_site(state: &RestState, site: &Site, url: Option<&str>) -> RestResult<()> {
    match url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) if !site_matches(state, site, u) => Err(Refusal::ForeignSite(u.to_string()).into()),
        _ => Ok(()),
    }
}

/// A tracking code id: its slot, `1` to `10` (anything else names no code).
fn slot_of(id: &str) -> RestResult<u8> {
    id.trim()
        .parse::<u8>()
        .ok()
        .filter(|s| (1..=MAX_TRACKING_CODES).contains(s))
        .ok_or_else(|| kaigi_core::Error::NotFound(Entity::TrackingCode).into())
}

pub(crate) fn options_json(options: &[TrackingOption]) -> Vec<Value> {
    options.iter().map(|o| json!({ "value": o.value, "defaultValue": o.default })).collect()
}

fn tracking_code_json(state: &RestState, site: &Site, c: &TrackingCode) -> Value {
    let codes: Vec<Value> = c
        .def
        .schedule_start
        .iter()
        .map(|(s, u)| json!({ "service": service_wire(*s), "type": use_wire(*u) }))
        .collect();
    json!({
        "id": c.slot.to_string(),
        "name": c.name,
        "siteUrl": site_url(state, site),
        "options": options_json(&c.def.options),
        "inputMode": input_wire(c.def.input),
        "hostProfileCode": use_wire(c.def.host_profile),
        "scheduleStartCodes": codes,
    })
}

// Tracking codes of the site.

/// `GET /v1/admin/meeting/config/trackingCodes`.
pub async fn list_tracking_codes(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    let codes = state.kaigi.site_tracking_codes(&who).await?;
    let site = &who.caller.site;
    check_site(&state, site, params.get("siteUrl"))?;
    let items: Vec<Value> = codes.iter().map(|c| tracking_code_json(&state, site, c)).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `GET /v1/admin/meeting/config/trackingCodes/{trackingCodeId}`.
pub async fn get_tracking_code(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    let site = &who.caller.site;
    check_site(&state, site, params.get("siteUrl"))?;
    let slot = slot_of(&id);
    let code = state.kaigi.site_tracking_code(&who, slot.unwrap_or(0)).await?;
    Ok(Json(tracking_code_json(&state, site, &code)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OptionBody {
    value: Option<String>,
    #[serde(default, deserialize_with = "loose_bool")]
    default_value: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct StartCodeBody {
    service: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrackingCodeBody {
    name: Option<String>,
    site_url: Option<String>,
    options: Option<Vec<OptionBody>>,
    input_mode: Option<String>,
    host_profile_code: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    schedule_start_codes: Option<Option<Vec<StartCodeBody>>>,
}

/// The body of a create or update: every field the spec requires, each read or refused by name.
fn tracking_write(state: &RestState, site: &Site, b: TrackingCodeBody) -> RestResult<TrackingCodeWrite> {
    let site_url = b.site_url.ok_or(Refusal::Required("siteUrl"))?;
    check_site(state, site, Some(&site_url))?;
    let name = b.name.ok_or(Refusal::Required("name"))?;
    let options = b
        .options
        .ok_or(Refusal::Required("options"))?
        .into_iter()
        .map(|o| {
            let value = o.value.ok_or(Refusal::Required("options.value"))?;
            let default = o.default_value.ok_or(Refusal::Required("options.defaultValue"))?;
            Ok(TrackingOption { value, default })
        })
        .collect::<RestResult<Vec<_>>>()?;
    let input = one_of("inputMode", &b.input_mode.ok_or(Refusal::Required("inputMode"))?, &INPUTS, input_wire)?;
    let host_profile = one_of(
        "hostProfileCode",
        &b.host_profile_code.ok_or(Refusal::Required("hostProfileCode"))?,
        &USES[..4],
        use_wire,
    )?;
    let schedule_start = match b.schedule_start_codes.ok_or(Refusal::Required("scheduleStartCodes"))? {
        None => None,
        Some(list) => Some(
            list.into_iter()
                .map(|c| {
                    let service = c.service.ok_or(Refusal::Required("scheduleStartCodes.service"))?;
                    let kind = c.kind.ok_or(Refusal::Required("scheduleStartCodes.type"))?;
                    Ok((
                        one_of("scheduleStartCodes.service", &service, &SERVICES, service_wire)?,
                        one_of("scheduleStartCodes.type", &kind, &USES, use_wire)?,
                    ))
                })
                .collect::<RestResult<Vec<_>>>()?,
        ),
    };
    Ok(TrackingCodeWrite { name, input, host_profile, schedule_start, options })
}

/// `POST /v1/admin/meeting/config/trackingCodes`.
pub async fn create_tracking_code(State(state): State<RestState>, Auth(who): Auth, body: Body) -> RestResult<Response> {
    kaigi_core::rules::scopes::require(&who, kaigi_core::rules::scopes::Operation::WriteSiteConfig)?;
    let site = who.caller.site.clone();
    let w = tracking_write(&state, &site, json_body(body).await?)?;
    let code = state.kaigi.create_tracking_code(&who, &w).await?;
    Ok(Json(tracking_code_json(&state, &site, &code)).into_response())
}

/// `PUT /v1/admin/meeting/config/trackingCodes/{trackingCodeId}`: replaces the code; its id stays.
pub async fn put_tracking_code(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    body: Body,
) -> RestResult<Response> {
    kaigi_core::rules::scopes::require(&who, kaigi_core::rules::scopes::Operation::WriteSiteConfig)?;
    let site = who.caller.site.clone();
    let slot = slot_of(&id)?;
    let w = tracking_write(&state, &site, json_body(body).await?)?;
    let code = state.kaigi.update_tracking_code(&who, slot, &w).await?;
    Ok(Json(tracking_code_json(&state, &site, &code)).into_response())
}

/// `DELETE /v1/admin/meeting/config/trackingCodes/{trackingCodeId}?siteUrl=…`: 204.
pub async fn delete_tracking_code(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    kaigi_core::rules::scopes::require(&who, kaigi_core::rules::scopes::Operation::WriteSiteConfig)?;
    let params = Params::parse(raw.as_deref())?;
    let url = params.get("siteUrl").ok_or(Refusal::Required("siteUrl"))?;
    check_site(&state, &who.caller.site, Some(url))?;
    state.kaigi.delete_tracking_code(&who, slot_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// A person's tracking codes and session types.

/// The person a userconfig request names: `personId` first, else `email`.
fn person_ref(who_site: &Site, person_id: Option<&str>, email: Option<&str>) -> RestResult<PersonRef> {
    match (person_id.map(str::trim).filter(|p| !p.is_empty()), email.map(str::trim).filter(|e| !e.is_empty())) {
        (Some(id), _) => match ids::parse_person(id) {
            Some((site, user)) if site == who_site.id => Ok(PersonRef::Id(user)),
            _ => Err(Refusal::UnknownPerson.into()),
        },
        (None, Some(email)) => Ok(PersonRef::Email(email.to_string())),
        (None, None) => Err(Refusal::PersonRequired.into()),
    }
}

fn header_email(headers: &HeaderMap) -> Option<String> {
    headers.get("email").and_then(|v| v.to_str().ok()).map(|v| v.trim().to_string())
}

fn user_tracking_json(state: &RestState, site: &Site, user: &User, values: &[(TrackingCode, String)]) -> Value {
    let codes: Vec<Value> =
        values.iter().map(|(c, v)| json!({ "id": c.slot.to_string(), "name": c.name, "value": v })).collect();
    json!({
        "siteUrl": site_url(state, site),
        "personId": ids::person(site.id, user.id),
        "email": user.email,
        "trackingCodes": codes,
    })
}

/// `GET /v1/admin/meeting/userconfig/trackingCodes?personId=…` (or the `email` header).
pub async fn get_user_tracking_codes(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    kaigi_core::rules::scopes::require(&who, kaigi_core::rules::scopes::Operation::ReadSiteConfig)?;
    let params = Params::parse(raw.as_deref())?;
    let site = who.caller.site.clone();
    check_site(&state, &site, params.get("siteUrl"))?;
    let email = header_email(&headers);
    let person = person_ref(&site, params.get("personId"), email.as_deref())?;
    let (user, values) = state.kaigi.user_tracking_codes(&who, &person).await?;
    Ok(Json(user_tracking_json(&state, &site, &user, &values)).into_response())
}

#[derive(Debug, Deserialize)]
struct NamedValueBody {
    name: Option<String>,
    value: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserTrackingBody {
    site_url: Option<String>,
    person_id: Option<String>,
    email: Option<String>,
    tracking_codes: Option<Vec<NamedValueBody>>,
}

/// `PUT /v1/admin/meeting/userconfig/trackingCodes`: sets the values named; the others stay.
pub async fn put_user_tracking_codes(
    State(state): State<RestState>,
    Auth(who): Auth,
    body: Body,
) -> RestResult<Response> {
    kaigi_core::rules::scopes::require(&who, kaigi_core::rules::scopes::Operation::WriteSiteConfig)?;
    let b: UserTrackingBody = json_body(body).await?;
    let site = who.caller.site.clone();
    check_site(&state, &site, Some(b.site_url.as_deref().ok_or(Refusal::Required("siteUrl"))?))?;
    let person = person_ref(&site, b.person_id.as_deref(), b.email.as_deref())?;
    let values = b
        .tracking_codes
        .unwrap_or_default()
        .into_iter()
        .map(|v| {
            Ok(NamedTrackingValue {
                name: v.name.ok_or(Refusal::Required("trackingCodes.name"))?,
                value: v.value.ok_or(Refusal::Required("trackingCodes.value"))?,
            })
        })
        .collect::<RestResult<Vec<_>>>()?;
    let (user, values) = state.kaigi.set_user_tracking_codes(&who, &person, &values).await?;
    Ok(Json(user_tracking_json(&state, &site, &user, &values)).into_response())
}

fn session_type_json(t: &MeetingTypeDef) -> Value {
    json!({ "id": t.id.to_string(), "shortName": t.code, "name": t.display_name, "type": admin_type_wire(t) })
}

/// `GET /v1/admin/meeting/config/sessionTypes`.
pub async fn list_site_session_types(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    let types = state.kaigi.site_session_types(&who).await?;
    let site = &who.caller.site;
    check_site(&state, site, params.get("siteUrl"))?;
    let url = site_url(&state, site);
    let items: Vec<Value> = types
        .iter()
        .map(|t| {
            let mut v = session_type_json(t);
            v["siteUrl"] = json!(url);
            v
        })
        .collect();
    Ok(Json(json!({ "items": items })).into_response())
}

fn user_session_types_json(state: &RestState, site: &Site, user: &User, types: &[MeetingTypeDef]) -> Value {
    json!({
        "personId": ids::person(site.id, user.id),
        "email": user.email,
        "siteUrl": site_url(state, site),
        "sessionTypes": types.iter().map(session_type_json).collect::<Vec<_>>(),
    })
}

/// `GET /v1/admin/meeting/userconfig/sessionTypes?personId=…` (or the `email` header): one item.
pub async fn get_user_session_types(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    kaigi_core::rules::scopes::require(&who, kaigi_core::rules::scopes::Operation::ReadSiteConfig)?;
    let params = Params::parse(raw.as_deref())?;
    let site = who.caller.site.clone();
    check_site(&state, &site, params.get("siteUrl"))?;
    let email = header_email(&headers);
    let person = person_ref(&site, params.get("personId"), email.as_deref())?;
    let (user, types) = state.kaigi.user_session_types(&who, &person).await?;
    Ok(Json(json!({ "items": [user_session_types_json(&state, &site, &user, &types)] })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserSessionTypesBody {
    site_url: Option<String>,
    person_id: Option<String>,
    email: Option<String>,
    session_type_ids: Option<Vec<Value>>,
}

/// `PUT /v1/admin/meeting/userconfig/sessionTypes`: the person's session types become exactly
/// `sessionTypeIds`.
pub async fn put_user_session_types(
    State(state): State<RestState>,
    Auth(who): Auth,
    body: Body,
) -> RestResult<Response> {
    kaigi_core::rules::scopes::require(&who, kaigi_core::rules::scopes::Operation::WriteSiteConfig)?;
    let b: UserSessionTypesBody = json_body(body).await?;
    let site = who.caller.site.clone();
    check_site(&state, &site, Some(b.site_url.as_deref().ok_or(Refusal::Required("siteUrl"))?))?;
    let person = person_ref(&site, b.person_id.as_deref(), b.email.as_deref())?;
    let ids = b
        .session_type_ids
        .ok_or(Refusal::Required("sessionTypeIds"))?
        .iter()
        .map(|v| {
            let n = match v {
                Value::String(s) => s.trim().parse::<u32>().ok(),
                Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                _ => None,
            };
            n.ok_or_else(|| Refusal::NotNumber("sessionTypeIds").into())
        })
        .collect::<RestResult<Vec<u32>>>()?;
    let (user, types) = state.kaigi.set_user_session_types(&who, &person, &ids).await?;
    Ok(Json(user_session_types_json(&state, &site, &user, &types)).into_response())
}

// Common settings.

fn tone_wire(t: EntryExitTone) -> &'static str {
    match t {
        EntryExitTone::NoTone => "NoTone",
        EntryExitTone::Beep => "Beep",
        EntryExitTone::AnnounceName => "AnnounceName",
    }
}

fn telephony_wire(t: TelephonySupport) -> &'static str {
    match t {
        TelephonySupport::None => "None",
        TelephonySupport::WebexTeleconferencing => "WebexTeleconferencing",
        TelephonySupport::Other => "Other",
    }
}

fn common_json(c: &CommonSettings) -> Value {
    let p = &c.password_criteria;
    json!({
        "siteOptions": { "allowCustomPersonalRoomURL": c.allow_custom_personal_room_url },
        // kaigi runs no telephony; VoIP is the meeting's own audio.
        "telephonyConfig": {
            "allowCallIn": false,
            "allowCallBack": false,
            "allowOtherTeleconf": true,
            "allowTollFreeCallin": false,
            "allowInternationalCallin": false,
            "allowInternationalCallback": false,
            "VoIP": true,
        },
        "defaultSchedulerOptions": {
            "entryAndExitTone": tone_wire(c.entry_exit_tone),
            "joinTeleconfNotPress1": c.join_teleconf_not_press1,
            "telephonySupport": telephony_wire(c.telephony_support),
            "tollFree": c.toll_free,
            "VoIP": c.voip,
        },
        "scheduleMeetingOptions": { "emailReminders": c.email_reminders },
        "securityOptions": {
            "joinBeforeHost": c.join_before_host,
            "audioBeforeHost": c.audio_before_host,
            "firstAttendeeAsPresenter": c.first_attendee_as_presenter,
            "unlistAllMeetings": c.unlist_all_meetings,
            "requireLoginBeforeAccess": c.require_login_before_access,
            "allowMobileScreenCapture": c.allow_mobile_screen_capture,
            "requireStrongPassword": c.require_strong_password,
            "passwordCriteria": {
                "mixedCase": p.mixed_case,
                "minLength": p.min_length,
                "minNumeric": p.min_numeric,
                "minAlpha": p.min_alpha,
                "minSpecial": p.min_special,
                "disallowDynamicWebText": p.disallow_dynamic_web_text,
                "disallowList": p.disallow_list,
                "disallowValues": p.disallow_values,
            },
        },
    })
}

/// `GET /v1/admin/meeting/config/commonSettings`.
pub async fn get_common_settings(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let params = Params::parse(raw.as_deref())?;
    let common = state.kaigi.common_settings(&who).await?;
    check_site(&state, &who.caller.site, params.get("siteUrl"))?;
    Ok(Json(common_json(&common)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SiteOptionsBody {
    #[serde(default, deserialize_with = "loose_bool", rename = "allowCustomPersonalRoomURL")]
    allow_custom_personal_room_url: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SchedulerBody {
    entry_and_exit_tone: Option<String>,
    #[serde(default, deserialize_with = "loose_bool")]
    join_teleconf_not_press1: Option<bool>,
    telephony_support: Option<String>,
    #[serde(default, deserialize_with = "loose_bool")]
    toll_free: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool", rename = "VoIP")]
    voip: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScheduleOptionsBody {
    #[serde(default, deserialize_with = "loose_bool")]
    email_reminders: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CriteriaBody {
    #[serde(default, deserialize_with = "loose_bool")]
    mixed_case: Option<bool>,
    min_length: Option<u32>,
    min_numeric: Option<u32>,
    min_alpha: Option<u32>,
    min_special: Option<u32>,
    #[serde(default, deserialize_with = "loose_bool")]
    disallow_dynamic_web_text: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    disallow_list: Option<bool>,
    disallow_values: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecurityBody {
    #[serde(default, deserialize_with = "loose_bool")]
    join_before_host: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    audio_before_host: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    first_attendee_as_presenter: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    unlist_all_meetings: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    require_login_before_access: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    allow_mobile_screen_capture: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    require_strong_password: Option<bool>,
    password_criteria: Option<CriteriaBody>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CommonBody {
    site_options: Option<SiteOptionsBody>,
    default_scheduler_options: Option<SchedulerBody>,
    schedule_meeting_options: Option<ScheduleOptionsBody>,
    security_options: Option<SecurityBody>,
    telephony_config: Option<Value>,
}

const TONES: [EntryExitTone; 3] = [EntryExitTone::NoTone, EntryExitTone::Beep, EntryExitTone::AnnounceName];
const TELEPHONY: [TelephonySupport; 3] =
    [TelephonySupport::None, TelephonySupport::WebexTeleconferencing, TelephonySupport::Other];

fn common_change(b: CommonBody) -> RestResult<CommonSettingsChange> {
    if b.telephony_config.as_ref().is_some_and(|v| !v.is_null()) {
        return Err(Refusal::ReadOnlySetting("telephonyConfig").into());
    }
    let mut c = CommonSettingsChange::default();
    if let Some(s) = b.site_options {
        c.allow_custom_personal_room_url = s.allow_custom_personal_room_url;
    }
    if let Some(d) = b.default_scheduler_options {
        c.entry_exit_tone = d
            .entry_and_exit_tone
            .map(|t| one_of("defaultSchedulerOptions.entryAndExitTone", &t, &TONES, tone_wire))
            .transpose()?;
        c.telephony_support = d
            .telephony_support
            .map(|t| one_of("defaultSchedulerOptions.telephonySupport", &t, &TELEPHONY, telephony_wire))
            .transpose()?;
        c.join_teleconf_not_press1 = d.join_teleconf_not_press1;
        c.toll_free = d.toll_free;
        c.voip = d.voip;
    }
    if let Some(s) = b.schedule_meeting_options {
        c.email_reminders = s.email_reminders;
    }
    if let Some(s) = b.security_options {
        c.join_before_host = s.join_before_host;
        c.audio_before_host = s.audio_before_host;
        c.first_attendee_as_presenter = s.first_attendee_as_presenter;
        c.unlist_all_meetings = s.unlist_all_meetings;
        c.require_login_before_access = s.require_login_before_access;
        c.allow_mobile_screen_capture = s.allow_mobile_screen_capture;
        c.require_strong_password = s.require_strong_password;
        if let Some(p) = s.password_criteria {
            c.mixed_case = p.mixed_case;
            c.min_length = p.min_length;
            c.min_numeric = p.min_numeric;
            c.min_alpha = p.min_alpha;
            c.min_special = p.min_special;
            c.disallow_dynamic_web_text = p.disallow_dynamic_web_text;
            c.disallow_list = p.disallow_list;
            c.disallow_values = p.disallow_values;
        }
    }
    Ok(c)
}

/// `PATCH /v1/admin/meeting/config/commonSettings`: changes what the body names.
pub async fn patch_common_settings(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    kaigi_core::rules::scopes::require(&who, kaigi_core::rules::scopes::Operation::WriteSiteConfig)?;
    let params = Params::parse(raw.as_deref())?;
    check_site(&state, &who.caller.site, params.get("siteUrl"))?;
    let change = common_change(json_body(body).await?)?;
    let common = state.kaigi.update_common_settings(&who, &change).await?;
    Ok(Json(common_json(&common)).into_response())
}
