//! `/v1/meetingPreferences`: a user's personal room, audio, video and scheduling options and their
//! sites. Each handler finds whose preferences it serves (the caller, or the user `userEmail`
//! names for an administrator), calls one core use case and answers the Webex objects.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::{
    AudioChange, CoHostRequest, PersonRef, PhoneChange, PhoneNumber, PreferenceAccess, RoomChange, RoomIdChoice,
    RoomIdRefresh, RoomView, SchedulingChange, Site, TokenCaller, User, VideoDevice,
};
use kaigi_core::rules::scopes::{self, Operation};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::meetings::site_matches;
use crate::params::{json_body, loose_bool, Params};
use crate::{ids, site_url, RestState};

/// The user whose preferences a request is about, after the scope, `userEmail` and `siteUrl`
/// checks, with the query's parameters.
async fn owner(
    state: &RestState,
    who: &TokenCaller,
    raw: Option<&str>,
    access: PreferenceAccess,
) -> RestResult<(User, Params)> {
    let params = Params::parse(raw)?;
    let user = state.kaigi.preferences_owner(who, params.named("userEmail")?, access).await?;
    if let Some(url) = params.get("siteUrl") {
        check_site(state, &who.caller.site, url)?;
    }
    Ok((user, params))
}

/// kaigi gives each user one site: any other `siteUrl` is not theirs.
fn check_site(state: &RestState, site: &Site, url: &str) -> RestResult<()> {
    if site_matches(state, site, url) {
        Ok(())
    } else {
        Err(Refusal::NotUsersSite { asked: url.trim().to_string(), only: site_url(state, site) }.into())
    }
}

fn room_json(view: &RoomView) -> Value {
    let o = &view.options;
    let co_hosts: Vec<Value> =
        view.co_hosts.iter().map(|u| json!({ "email": u.email, "displayName": u.display_name() })).collect();
    json!({
        "topic": view.links.title,
        "hostPin": view.links.host_pin,
        "personalMeetingRoomLink": view.links.url,
        "enabledAutoLock": o.auto_lock,
        "autoLockMinutes": o.auto_lock_minutes,
        "enabledNotifyHost": o.notify_host,
        "supportCoHost": o.support_co_host,
        "supportAnyoneAsCoHost": o.anyone_as_co_host,
        "allowFirstUserToBeCoHost": o.first_user_as_co_host,
        "allowAuthenticatedDevices": o.authenticated_devices,
        "coHosts": co_hosts,
        "sipAddress": view.links.sip_url,
        // kaigi has no video-system callback by IP address.
        "dialInIpAddress": "",
        "telephony": { "accessCode": view.links.access_code, "callInNumbers": [] },
    })
}

/// The required fields of a personal room, empty: what a user without a room is answered.
fn no_room_json() -> Value {
    json!({
        "topic": "",
        "hostPin": "",
        "personalMeetingRoomLink": "",
        "enabledAutoLock": false,
        "enabledNotifyHost": false,
        "supportCoHost": false,
        "sipAddress": "",
        "dialInIpAddress": "",
        "telephony": { "accessCode": "", "callInNumbers": [] },
    })
}

fn phone_json(p: &PhoneNumber) -> Value {
    json!({
        "countryCode": p.country_code,
        "number": p.number,
        "enabledCallInAuthentication": p.call_in_authentication,
        "enabledCallMe": p.call_me,
    })
}

fn audio_json(u: &User) -> Value {
    let a = &u.preferences.audio;
    let mut v = json!({
        "defaultAudioType": a.default_audio_type.wire(),
        "otherTeleconferenceDescription": a.other_teleconference_description,
        "enabledGlobalCallIn": a.global_call_in,
        "enabledTollFree": a.toll_free,
        "enabledAutoConnection": a.auto_connection,
        "officeNumber": phone_json(&a.office),
        "mobileNumber": phone_json(&a.mobile),
    });
    if let Some(pin) = &a.audio_pin {
        v["audioPin"] = json!(pin);
    }
    v
}

fn video_json(u: &User) -> Value {
    let devices: Vec<Value> = u
        .preferences
        .video
        .devices
        .iter()
        .map(|d| json!({ "deviceName": d.name, "deviceAddress": d.address, "isDefault": d.is_default }))
        .collect();
    json!({ "videoDevices": devices })
}

async fn scheduling_json(state: &RestState, site: &Site, u: &User) -> RestResult<Value> {
    let s = &u.preferences.scheduling;
    Ok(json!({
        "enabledJoinBeforeHost": s.join_before_host,
        "joinBeforeHostMinutes": s.join_before_host_minutes,
        "enabledAutoShareRecording": s.auto_share_recording,
        "enabledWebexAssistantByDefault": s.webex_assistant,
        "delegateEmails": state.kaigi.delegate_emails(site, u).await?,
    }))
}

fn sites_json(state: &RestState, site: &Site) -> Value {
    json!([{ "siteUrl": site_url(state, site), "default": true }])
}

/// `GET /v1/meetingPreferences`: everything at once. The spec requires `personalMeetingRoom`; a
/// user without a personal room gets one with every required field empty (no link, no PIN:
/// kaigi's choice, docs/rest.md), and its own resource answers 404.
pub async fn get_all(State(state): State<RestState>, Auth(who): Auth, RawQuery(raw): RawQuery) -> RestResult<Response> {
    let (user, _) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Read).await?;
    let site = &who.caller.site;
    let mut body = json!({
        "audio": audio_json(&user),
        "video": video_json(&user),
        "schedulingOptions": scheduling_json(&state, site, &user).await?,
        "sites": sites_json(&state, site),
    });
    match state.kaigi.room_preferences(site, &user).await {
        Ok(view) => body["personalMeetingRoom"] = room_json(&view),
        Err(kaigi_core::Error::NotFound(_)) => body["personalMeetingRoom"] = no_room_json(),
        Err(e) => return Err(e.into()),
    }
    Ok(Json(body).into_response())
}

/// `GET /v1/meetingPreferences/personalMeetingRoom`.
pub async fn get_room(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let (user, _) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Read).await?;
    let view = state.kaigi.room_preferences(&who.caller.site, &user).await?;
    Ok(Json(room_json(&view)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CoHostBody {
    email: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoomBody {
    topic: Option<String>,
    host_pin: Option<String>,
    #[serde(default, deserialize_with = "loose_bool")]
    enabled_auto_lock: Option<bool>,
    auto_lock_minutes: Option<u32>,
    #[serde(default, deserialize_with = "loose_bool")]
    enabled_notify_host: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    support_co_host: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    support_anyone_as_co_host: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    allow_first_user_to_be_co_host: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    allow_authenticated_devices: Option<bool>,
    co_hosts: Option<Vec<CoHostBody>>,
}

/// `PUT /v1/meetingPreferences/personalMeetingRoom`.
pub async fn put_room(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    let (user, _) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Write).await?;
    let b: RoomBody = json_body(body).await?;
    let change = RoomChange {
        topic: b.topic,
        host_pin: b.host_pin,
        auto_lock: b.enabled_auto_lock,
        auto_lock_minutes: b.auto_lock_minutes,
        notify_host: b.enabled_notify_host,
        support_co_host: b.support_co_host,
        anyone_as_co_host: b.support_anyone_as_co_host,
        first_user_as_co_host: b.allow_first_user_to_be_co_host,
        authenticated_devices: b.allow_authenticated_devices,
        co_hosts: b.co_hosts.map(|list| list.into_iter().map(|c| CoHostRequest { email: c.email }).collect()),
    };
    let view = state.kaigi.update_room_preferences(&who.caller.site, user, &change).await?;
    Ok(Json(room_json(&view)).into_response())
}

/// `GET /v1/meetingPreferences/audio`.
pub async fn get_audio(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let (user, _) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Read).await?;
    Ok(Json(audio_json(&user)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhoneBody {
    country_code: Option<String>,
    number: Option<String>,
    #[serde(default, deserialize_with = "loose_bool")]
    enabled_call_in_authentication: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    enabled_call_me: Option<bool>,
}

impl From<PhoneBody> for PhoneChange {
    fn from(b: PhoneBody) -> Self {
        PhoneChange {
            country_code: b.country_code,
            number: b.number,
            call_in_authentication: b.enabled_call_in_authentication,
            call_me: b.enabled_call_me,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AudioBody {
    default_audio_type: Option<String>,
    other_teleconference_description: Option<String>,
    #[serde(default, deserialize_with = "loose_bool")]
    enabled_global_call_in: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    enabled_toll_free: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    enabled_auto_connection: Option<bool>,
    audio_pin: Option<String>,
    office_number: Option<PhoneBody>,
    mobile_number: Option<PhoneBody>,
}

/// `PUT /v1/meetingPreferences/audio`: what the body leaves out stays as it is.
pub async fn put_audio(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    let (user, _) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Write).await?;
    let b: AudioBody = json_body(body).await?;
    let change = AudioChange {
        default_audio_type: b.default_audio_type,
        other_teleconference_description: b.other_teleconference_description,
        global_call_in: b.enabled_global_call_in,
        toll_free: b.enabled_toll_free,
        auto_connection: b.enabled_auto_connection,
        audio_pin: b.audio_pin,
        office: b.office_number.map(PhoneChange::from),
        mobile: b.mobile_number.map(PhoneChange::from),
    };
    let user = state.kaigi.update_audio_preferences(user, &change).await?;
    Ok(Json(audio_json(&user)).into_response())
}

/// `GET /v1/meetingPreferences/video`.
pub async fn get_video(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let (user, _) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Read).await?;
    Ok(Json(video_json(&user)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeviceBody {
    device_name: Option<String>,
    device_address: Option<String>,
    #[serde(default, deserialize_with = "loose_bool")]
    is_default: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VideoBody {
    video_devices: Option<Vec<DeviceBody>>,
}

/// `PUT /v1/meetingPreferences/video`: the list replaces the one stored.
pub async fn put_video(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    let (user, _) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Write).await?;
    let b: VideoBody = json_body(body).await?;
    let devices: Option<Vec<VideoDevice>> = b.video_devices.map(|list| {
        list.into_iter()
            .map(|d| VideoDevice {
                name: d.device_name.unwrap_or_default(),
                address: d.device_address.unwrap_or_default(),
                is_default: d.is_default.unwrap_or(false),
            })
            .collect()
    });
    let user = state.kaigi.update_video_preferences(user, devices.as_deref()).await?;
    Ok(Json(video_json(&user)).into_response())
}

/// `GET /v1/meetingPreferences/schedulingOptions`.
pub async fn get_scheduling(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let (user, _) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Read).await?;
    Ok(Json(scheduling_json(&state, &who.caller.site, &user).await?).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SchedulingBody {
    #[serde(default, deserialize_with = "loose_bool")]
    enabled_join_before_host: Option<bool>,
    join_before_host_minutes: Option<u32>,
    #[serde(default, deserialize_with = "loose_bool")]
    enabled_auto_share_recording: Option<bool>,
    #[serde(default, deserialize_with = "loose_bool")]
    enabled_webex_assistant_by_default: Option<bool>,
    delegate_emails: Option<Vec<String>>,
}

/// `PUT /v1/meetingPreferences/schedulingOptions`: what the body leaves out stays as it is.
pub async fn put_scheduling(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    let (user, _) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Write).await?;
    let b: SchedulingBody = json_body(body).await?;
    let change = SchedulingChange {
        join_before_host: b.enabled_join_before_host,
        join_before_host_minutes: b.join_before_host_minutes,
        auto_share_recording: b.enabled_auto_share_recording,
        webex_assistant: b.enabled_webex_assistant_by_default,
        delegate_emails: b.delegate_emails,
    };
    let site = &who.caller.site;
    let user = state.kaigi.update_scheduling_preferences(site, user, &change).await?;
    Ok(Json(scheduling_json(&state, site, &user).await?).into_response())
}

/// `GET /v1/meetingPreferences/sites`: a kaigi user has one site, their default.
pub async fn get_sites(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    owner(&state, &who, raw.as_deref(), PreferenceAccess::Read).await?;
    Ok(Json(json!({ "sites": sites_json(&state, &who.caller.site) })).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DefaultSiteBody {
    site_url: Option<String>,
}

/// `PUT /v1/meetingPreferences/sites?defaultSite=true`: the user's one site may be named as
/// their default (it already is); any other is not theirs.
pub async fn put_sites(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    let (_, params) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Write).await?;
    match params.flag("defaultSite")? {
        Some(true) => {}
        Some(false) => return Err(Refusal::DefaultSiteFalse.into()),
        None => return Err(Refusal::DefaultSiteMissing.into()),
    }
    let b: DefaultSiteBody = json_body(body).await?;
    let url = b.site_url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let url = url.ok_or(Refusal::Required("siteUrl"))?;
    let site = &who.caller.site;
    check_site(&state, site, url)?;
    Ok(Json(json!({ "siteUrl": site_url(&state, site), "default": true })).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DelegateEmailsBody {
    emails: Option<Vec<String>>,
}

/// `POST /v1/meetingPreferences/schedulingOptions/delegateEmails/insert`: adds delegates;
/// answers the addresses added.
pub async fn insert_delegates(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    let (user, _) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Write).await?;
    let b: DelegateEmailsBody = json_body(body).await?;
    let emails = b.emails.ok_or(Refusal::Required("emails"))?;
    let added = state.kaigi.insert_delegates(&who.caller.site, user, &emails).await?;
    Ok(Json(json!({ "emails": added })).into_response())
}

/// `POST /v1/meetingPreferences/schedulingOptions/delegateEmails/delete`: takes delegates off
/// the list (204).
pub async fn delete_delegates(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    body: Body,
) -> RestResult<Response> {
    let (user, _) = owner(&state, &who, raw.as_deref(), PreferenceAccess::Write).await?;
    let b: DelegateEmailsBody = json_body(body).await?;
    let emails = b.emails.ok_or(Refusal::Required("emails"))?;
    state.kaigi.delete_delegates(&who.caller.site, user, &emails).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoomIdItem {
    email: Option<String>,
    person_id: Option<String>,
    #[serde(default, deserialize_with = "loose_bool")]
    system_generated: Option<bool>,
    personal_meeting_room_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoomIdsBody {
    site_url: Option<String>,
    personal_meeting_room_ids: Option<Vec<RoomIdItem>>,
}

/// `POST /v1/admin/meetingPreferences/personalMeetingRoom/refreshId`: an administrator gives
/// people new personal room ids; kaigi's personal room id is the access code the room is joined
/// with (docs/rest.md).
pub async fn refresh_room_ids(State(state): State<RestState>, Auth(who): Auth, body: Body) -> RestResult<Response> {
    scopes::require(&who, Operation::RefreshRoomIds)?;
    let site = &who.caller.site;
    let b: RoomIdsBody = json_body(body).await?;
    let url = b.site_url.as_deref().map(str::trim).filter(|u| !u.is_empty()).ok_or(Refusal::Required("siteUrl"))?;
    if !site_matches(&state, site, url) {
        return Err(Refusal::ForeignSite(url.to_string()).into());
    }
    let items = b.personal_meeting_room_ids.ok_or(Refusal::Required("personalMeetingRoomIds"))?;
    let filled = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    let by_id = items.iter().all(|i| filled(&i.person_id) && !filled(&i.email));
    let by_email = items.iter().all(|i| filled(&i.email) && !filled(&i.person_id));
    if !by_id && !by_email {
        return Err(Refusal::RoomIdsMixedPeople.into());
    }
    let generated = items.iter().all(|i| i.system_generated == Some(true) && !filled(&i.personal_meeting_room_id));
    let given = items.iter().all(|i| i.system_generated != Some(true) && filled(&i.personal_meeting_room_id));
    if !generated && !given {
        return Err(Refusal::RoomIdsMixedChoice.into());
    }
    let mut wanted = Vec::with_capacity(items.len());
    for i in items {
        let person = match (i.person_id, i.email) {
            (Some(id), _) if by_id => match ids::parse_person(&id) {
                Some((s, u)) if s == site.id => PersonRef::Id(u),
                _ => return Err(Refusal::UnknownPerson.into()),
            },
            (_, email) => PersonRef::Email(email.unwrap_or_default()),
        };
        let choice = match i.personal_meeting_room_id {
            Some(id) if given => RoomIdChoice::Given(id),
            _ => RoomIdChoice::Generated,
        };
        wanted.push(RoomIdRefresh { person, choice });
    }
    let users = state.kaigi.refresh_room_ids(&who, &wanted).await?;
    let rooms: Vec<Value> = users
        .iter()
        .map(|u| {
            let code = state.kaigi.personal_room_links(site, u).map(|l| l.access_code).unwrap_or_default();
            json!({ "email": u.email, "personId": ids::person(site.id, u.id), "personalMeetingRoomId": code })
        })
        .collect();
    Ok(Json(json!({ "siteUrl": site_url(&state, site), "personalMeetingRoomIds": rooms })).into_response())
}
