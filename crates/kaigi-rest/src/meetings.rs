//! `/v1/meetings`: create, read, list, replace, patch and delete meeting series and single
//! occurrences, on the core's series use cases (the same meetings the XML API schedules).

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use kaigi_core::model::meeting_options::Feature;
use kaigi_core::model::{
    Instance, Invitee, Meeting, ScheduledOccurrence, SeriesFields, SeriesListing, SeriesPage, SeriesRef, SessionKind,
    SessionStatus, Site, SiteSettings, State as MState, TokenCaller, User, WriteTarget,
};
use kaigi_core::rules::links;
use kaigi_core::rules::schedule::{occurrence_id, occurrence_state, series_state};
use kaigi_core::rules::scopes::{self, Operation};
use kaigi_core::rules::{rrule, schedule, timezone};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::interpretation_json::{interpretation_out, InterpretationOut};
use crate::meeting_options::{
    audio_out, automatic_lock, meeting_options_out, options_from_body, privileges_out, tracking_out, unlocked_out,
    whole_number, AttendeePrivilegesBody, AudioConnectionBody, MeetingOptionsBody, Switches, TrackingCodeBody,
};
use crate::paging::{self, link_after, link_next, OFFSET};
use crate::params::{format_time, header_zone, json_body, loose_bool, nullable, Params, PathId};
use crate::render_cache::View;
use crate::{ids, site_url, RestState};

/// Default and largest page of `GET /v1/meetings`.
pub const DEFAULT_MAX: usize = 10;
pub const MAX_MAX: usize = 100;
/// Most invitees in a create.

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteeBody {
    email: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "loose_bool")]
    co_host: Option<bool>,
}

/// The body of POST, PUT and PATCH. Every field is optional here; the use cases say which are
/// required. Every field of the spec's body is kept or refused with a 400 that names it; fields
/// the spec does not have are ignored (docs/rest.md).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeetingBody {
    #[serde(deserialize_with = "loose_bool")]
    enabled_auto_record_meeting: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    allow_any_user_to_be_co_host: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    enable_connect_audio_before_host: Option<bool>,
    #[serde(deserialize_with = "whole_number")]
    join_before_host_minutes: Option<u32>,
    #[serde(deserialize_with = "whole_number")]
    reminder_time: Option<u32>,
    unlocked_meeting_join_security: Option<String>,
    #[serde(deserialize_with = "whole_number")]
    session_type_id: Option<u32>,
    #[serde(deserialize_with = "loose_bool")]
    enabled_webcast_view: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    enable_automatic_lock: Option<bool>,
    #[serde(deserialize_with = "whole_number")]
    automatic_lock_minutes: Option<u32>,
    #[serde(deserialize_with = "loose_bool")]
    allow_first_user_to_be_co_host: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    allow_authenticated_devices: Option<bool>,
    meeting_options: Option<MeetingOptionsBody>,
    attendee_privileges: Option<AttendeePrivilegesBody>,
    audio_connection_options: Option<AudioConnectionBody>,
    tracking_codes: Option<Vec<TrackingCodeBody>>,
    #[serde(deserialize_with = "loose_bool")]
    enabled_breakout_sessions: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    enabled_audio_watermark: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    enabled_visual_watermark: Option<bool>,
    #[serde(deserialize_with = "whole_number")]
    visual_watermark_opacity: Option<u32>,
    #[serde(deserialize_with = "loose_bool")]
    enabled_live_stream: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_attendee_login: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    restrict_to_invitees: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    adhoc: Option<bool>,
    site_url: Option<String>,
    /// Fields of the spec kaigi does not keep yet: refused when they ask for something.
    room_id: Option<Value>,
    template_id: Option<Value>,
    panelist_password: Option<Value>,
    simultaneous_interpretation: Option<Value>,
    breakout_sessions: Option<Value>,
    live_stream: Option<Value>,
    title: Option<String>,
    #[serde(deserialize_with = "nullable")]
    agenda: Option<Option<String>>,
    password: Option<String>,
    start: Option<String>,
    end: Option<String>,
    timezone: Option<String>,
    #[serde(deserialize_with = "nullable")]
    recurrence: Option<Option<String>>,
    host_email: Option<String>,
    scheduled_type: Option<String>,
    #[serde(deserialize_with = "loose_bool")]
    enabled_join_before_host: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    public_meeting: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    exclude_password: Option<bool>,
    invitees: Option<Vec<InviteeBody>>,
    registration: Option<RegistrationBody>,
    integration_tags: Option<Vec<String>>,
    #[serde(deserialize_with = "loose_bool")]
    send_email: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RegistrationBody {
    #[serde(deserialize_with = "loose_bool")]
    auto_accept_request: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_first_name: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_last_name: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_email: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_job_title: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_company_name: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_address1: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_address2: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_city: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_state: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_zip_code: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_country_region: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_work_phone: Option<bool>,
    #[serde(deserialize_with = "loose_bool")]
    require_fax: Option<bool>,
    #[serde(deserialize_with = "whole_number")]
    max_register_num: Option<u32>,
    customized_questions: Option<Vec<Value>>,
    rules: Option<Vec<Value>>,
}

impl RegistrationBody {
    /// The registration form's required fields, by the core's names. `nested` names refused
    /// members as they sit in a meeting (`registration.rules`) rather than on their own.
    pub(crate) fn form(&self, nested: bool) -> RestResult<Vec<(String, bool)>> {
        for (name, v) in [
            ("requireFirstName", self.require_first_name),
            ("requireLastName", self.require_last_name),
            ("requireEmail", self.require_email),
        ] {
            if v == Some(false) {
                return Err(Refusal::AlwaysRequired(name).into());
            }
        }
        let lists = if nested {
            [("registration.customizedQuestions", &self.customized_questions), ("registration.rules", &self.rules)]
        } else {
            [("customizedQuestions", &self.customized_questions), ("rules", &self.rules)]
        };
        for (name, list) in lists {
            if list.as_ref().is_some_and(|l| !l.is_empty()) {
                return Err(Refusal::NotKeptSendNone(name).into());
            }
        }
        let switches = [
            self.require_job_title,
            self.require_company_name,
            self.require_address1,
            self.require_address2,
            self.require_city,
            self.require_state,
            self.require_zip_code,
            self.require_country_region,
            self.require_work_phone,
            self.require_fax,
        ];
        Ok(REGISTRATION_FORM_FIELDS
            .iter()
            .zip(switches)
            .filter_map(|((_, field), v)| v.map(|v| (field.to_string(), v)))
            .collect())
    }

    pub(crate) fn auto_accept(&self) -> Option<bool> {
        self.auto_accept_request
    }

    pub(crate) fn max_registrations(&self) -> Option<u32> {
        self.max_register_num
    }
}

/// The form's optional fields: the REST member, the core's name.
pub(crate) const REGISTRATION_FORM_FIELDS: [(&str, &str); 10] = [
    ("requireJobTitle", "title"),
    ("requireCompanyName", "company"),
    ("requireAddress1", "address1"),
    ("requireAddress2", "address2"),
    ("requireCity", "city"),
    ("requireState", "state"),
    ("requireZipCode", "postalCode"),
    ("requireCountryRegion", "country"),
    ("requireWorkPhone", "phone"),
    ("requireFax", "fax"),
];

/// The fields of the spec kaigi does not keep: a 400 naming the first one that asks for something.
fn refuse_unkept(b: &MeetingBody, state: &RestState, site: &Site) -> RestResult<()> {
    let asks = |v: &Option<Value>| match v {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => o.get("enabled").map_or(!o.is_empty(), |e| e == &Value::Bool(true)),
        Some(_) => true,
    };
    for (name, v) in [
        ("roomId", &b.room_id),
        ("templateId", &b.template_id),
        ("panelistPassword", &b.panelist_password),
        ("simultaneousInterpretation", &b.simultaneous_interpretation),
        ("breakoutSessions", &b.breakout_sessions),
        ("liveStream", &b.live_stream),
    ] {
        if asks(v) {
            return Err(Refusal::NotKeptLeaveOut(name).into());
        }
    }
    if b.adhoc == Some(true) {
        return Err(Refusal::AdhocNotServed.into());
    }
    if let Some(url) = b.site_url.as_deref().filter(|u| !u.trim().is_empty()) {
        if !site_matches(state, site, url) {
            return Err(Refusal::ForeignSite(url.to_string()).into());
        }
    }
    Ok(())
}

impl MeetingBody {
    /// The first field present that only a whole series has (an occurrence keeps its title,
    /// agenda, password, start and end of its own).
    fn series_only_field(&self) -> Option<&'static str> {
        let present = [
            ("enabledAutoRecordMeeting", self.enabled_auto_record_meeting.is_some()),
            ("allowAnyUserToBeCoHost", self.allow_any_user_to_be_co_host.is_some()),
            ("enableConnectAudioBeforeHost", self.enable_connect_audio_before_host.is_some()),
            ("joinBeforeHostMinutes", self.join_before_host_minutes.is_some()),
            ("reminderTime", self.reminder_time.is_some()),
            ("unlockedMeetingJoinSecurity", self.unlocked_meeting_join_security.is_some()),
            ("sessionTypeId", self.session_type_id.is_some()),
            ("enabledWebcastView", self.enabled_webcast_view.is_some()),
            ("enableAutomaticLock", self.enable_automatic_lock.is_some()),
            ("automaticLockMinutes", self.automatic_lock_minutes.is_some()),
            ("allowFirstUserToBeCoHost", self.allow_first_user_to_be_co_host.is_some()),
            ("allowAuthenticatedDevices", self.allow_authenticated_devices.is_some()),
            ("meetingOptions", self.meeting_options.is_some()),
            ("attendeePrivileges", self.attendee_privileges.is_some()),
            ("audioConnectionOptions", self.audio_connection_options.is_some()),
            ("trackingCodes", self.tracking_codes.is_some()),
            ("enabledBreakoutSessions", self.enabled_breakout_sessions.is_some()),
            ("enabledAudioWatermark", self.enabled_audio_watermark.is_some()),
            ("enabledVisualWatermark", self.enabled_visual_watermark.is_some()),
            ("visualWatermarkOpacity", self.visual_watermark_opacity.is_some()),
            ("enabledLiveStream", self.enabled_live_stream.is_some()),
            ("requireAttendeeLogin", self.require_attendee_login.is_some()),
            ("restrictToInvitees", self.restrict_to_invitees.is_some()),
            ("registration", self.registration.is_some()),
            ("integrationTags", self.integration_tags.is_some()),
            ("enabledJoinBeforeHost", self.enabled_join_before_host.is_some()),
            ("publicMeeting", self.public_meeting.is_some()),
            ("excludePassword", self.exclude_password.is_some()),
            ("invitees", self.invitees.is_some()),
            ("recurrence", self.recurrence.is_some()),
        ];
        present.into_iter().find(|(_, p)| *p).map(|(n, _)| n)
    }
}

/// The zone a body's naive times are read in, and the table zone the schedule is kept in.
/// `year`: the current year by the injected clock (zone offsets change over the years).
fn body_zone(b: &MeetingBody, header: Option<Tz>, year: i32) -> RestResult<(Tz, Option<u16>)> {
    match b.timezone.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
        Some(name) => {
            let tz: Tz = name.parse().map_err(|_| Refusal::UnknownZone(name.to_string()))?;
            let zone = timezone::by_iana(name, year).ok_or_else(|| Refusal::ZoneWithoutEquivalent(name.to_string()))?;
            Ok((tz, Some(zone.id)))
        }
        None => Ok((header.unwrap_or(Tz::UTC), None)),
    }
}

fn time_field(name: &'static str, v: &Option<String>, zone: Tz) -> RestResult<Option<DateTime<Utc>>> {
    v.as_deref()
        .map(|s| crate::params::parse_time(s, zone).ok_or_else(|| Refusal::NotDateTime(name).into()))
        .transpose()
}

/// Who the meeting is for: the caller, or (with an administrator's scope) the user `hostEmail`
/// names on the caller's site; by webExId.
pub(crate) async fn host_of(
    state: &RestState,
    who: &TokenCaller,
    host_email: Option<&str>,
    op: Operation,
) -> RestResult<Option<String>> {
    Ok(state.kaigi.named_host(who, host_email, op).await?.map(|u| u.webex_id))
}

/// Whether a handler reads or changes schedules: which scopes it needs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Access {
    Read,
    Write,
}

/// What every schedule handler with a query checks first: the caller's scope (their own, or the
/// administrator's), and that a `hostEmail` in the query names a host they may act for. Answers
/// the query's parameters.
pub(crate) async fn checked_query(
    state: &RestState,
    who: &TokenCaller,
    raw: Option<&str>,
    access: Access,
) -> RestResult<Params> {
    let op = match access {
        Access::Read => Operation::ReadSchedules,
        Access::Write => Operation::WriteSchedules,
    };
    scopes::require(who, op)?;
    let params = Params::parse(raw)?;
    host_of(state, who, params.named("hostEmail")?, op).await?;
    Ok(params)
}

fn fields(
    b: &MeetingBody,
    header: Option<Tz>,
    site: &SiteSettings,
    year: i32,
    replace: bool,
) -> RestResult<SeriesFields> {
    let webinar = match b.scheduled_type.as_deref().map(str::trim) {
        None | Some("") | Some("meeting") => false,
        Some("webinar") => true,
        Some(t) => return Err(Refusal::UnsupportedScheduledType(t.to_string()).into()),
    };
    let (zone, zone_id) = body_zone(b, header, year)?;
    let invitees = b.invitees.as_ref().map(|list| {
        list.iter()
            .map(|i| Invitee {
                name: i.display_name.clone().unwrap_or_default(),
                email: i.email.clone(),
                role: if i.co_host == Some(true) { "HOST".into() } else { "ATTENDEE".into() },
            })
            .collect()
    });
    Ok(SeriesFields {
        title: b.title.clone(),
        agenda: b.agenda.clone().map(Option::unwrap_or_default),
        password: b.password.clone(),
        start: time_field("start", &b.start, zone)?,
        end: time_field("end", &b.end, zone)?,
        zone_id,
        recurrence: b.recurrence.clone(),
        host_webex_id: None,
        join_before_host: b.enabled_join_before_host,
        public: b.public_meeting,
        exclude_password: b.exclude_password,
        invitees,
        webinar,
        registration: b.registration.as_ref().map(|r| r.auto_accept_request.unwrap_or(false)),
        registration_form: b.registration.as_ref().map(|r| r.form(true)).transpose()?,
        max_registrations: b.registration.as_ref().and_then(|r| r.max_register_num),
        join_before_host_minutes: b.join_before_host_minutes.or(replace.then_some(0)),
        // `sendEmail` (default true): the invitees this request adds are invited by mail.
        send_invitations: b.send_email.unwrap_or(true),
        meeting_type: b.session_type_id,
        join_requires_account: b.require_attendee_login.or(replace.then_some(false)),
        options: options_from_body(
            &Switches {
                enabled_auto_record_meeting: b.enabled_auto_record_meeting,
                allow_any_user_to_be_co_host: b.allow_any_user_to_be_co_host,
                enable_connect_audio_before_host: b.enable_connect_audio_before_host,
                enabled_webcast_view: b.enabled_webcast_view,
                allow_first_user_to_be_co_host: b.allow_first_user_to_be_co_host,
                allow_authenticated_devices: b.allow_authenticated_devices,
                enabled_breakout_sessions: b.enabled_breakout_sessions,
                enabled_audio_watermark: b.enabled_audio_watermark,
                enabled_visual_watermark: b.enabled_visual_watermark,
                enabled_live_stream: b.enabled_live_stream,
                restrict_to_invitees: b.restrict_to_invitees,
            },
            b.meeting_options.as_ref(),
            b.attendee_privileges.as_ref(),
            b.audio_connection_options.as_ref(),
            b.tracking_codes.as_deref(),
            b.reminder_time,
            b.unlocked_meeting_join_security.as_deref(),
            (b.enable_automatic_lock, b.automatic_lock_minutes),
            b.visual_watermark_opacity,
            b.integration_tags.as_deref(),
            site,
            replace,
        )?,
        // The core takes the requester from the first integration tag (rules::licence).
        requester: None,
    })
}

/// The zone responses use: the `timezone` header, else the body's, else UTC.
fn reply_zone(header: Option<Tz>, b: Option<&MeetingBody>) -> Tz {
    header.or_else(|| b.and_then(|b| b.timezone.as_deref()).and_then(|z| z.trim().parse().ok())).unwrap_or(Tz::UTC)
}

/// How a meeting is shown: a series (from `start` to `end`) or one occurrence, as a list item or
/// alone, and in which zone.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub occurrence: Option<&'a ScheduledOccurrence>,
    pub list_item: bool,
    pub zone: Tz,
}

impl<'a> Shown<'a> {
    fn occurrence(o: &'a ScheduledOccurrence, list_item: bool, zone: Tz) -> Self {
        Shown { start: o.start, end: o.end, occurrence: Some(o), list_item, zone }
    }
}

/// The JSON of a series, or of one of its occurrences (with what was changed on it alone).
pub fn meeting_json(state: &RestState, site: &Site, m: &Meeting, host: &User, shown: Shown) -> Value {
    serde_json::to_value(meeting_out(state, site, m, host, shown)).unwrap_or(Value::Null)
}

/// A series or occurrence as the REST API writes it, at the current state.
fn meeting_out<'a>(state: &RestState, site: &Site, m: &'a Meeting, host: &'a User, shown: Shown<'a>) -> MeetingOut<'a> {
    let state_name = shown_state(m, &shown, state.kaigi.now());
    meeting_out_in(state, site, m, host, shown, state_name)
}

/// The state of what is shown, at `now`.
fn shown_state(m: &Meeting, shown: &Shown, now: DateTime<Utc>) -> MState {
    match shown.occurrence {
        Some(o) => occurrence_state(m, o, now),
        None => series_state(m, now),
    }
}

/// A meeting's JSON object. Fields are declared in the byte order of their names, the order
/// kaigi has always written them in (a sorted map's), and serialized straight from here: building
/// a map of values first cost as much as the rest of a list page together.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MeetingOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    agenda: Option<&'a str>,
    allow_any_user_to_be_co_host: bool,
    allow_authenticated_devices: bool,
    allow_first_user_to_be_co_host: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    attendee_did_join: Option<bool>,
    attendee_privileges: AttendeePrivilegesBody,
    audio_connection_options: AudioConnectionBody,
    #[serde(skip_serializing_if = "Option::is_none")]
    automatic_lock_minutes: Option<u32>,
    enable_automatic_lock: bool,
    enable_connect_audio_before_host: bool,
    enabled_audio_watermark: bool,
    enabled_auto_record_meeting: bool,
    enabled_breakout_sessions: bool,
    enabled_join_before_host: bool,
    enabled_live_stream: bool,
    enabled_visual_watermark: bool,
    enabled_webcast_view: bool,
    end: String,
    exclude_password: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    host_did_join: Option<bool>,
    host_display_name: String,
    host_email: &'a str,
    host_key: &'a str,
    host_user_id: String,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    integration_tags: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_modified: Option<bool>,
    join_before_host_minutes: u32,
    links: [(); 0],
    meeting_number: String,
    meeting_options: MeetingOptionsBody,
    #[serde(skip_serializing_if = "Option::is_none")]
    meeting_series_id: Option<&'a str>,
    meeting_type: &'static str,
    password: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_and_video_system_password: Option<&'a str>,
    public_meeting: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    recurrence: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    register_link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration: Option<RegistrationOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reminder_time: Option<u32>,
    require_attendee_login: bool,
    restrict_to_invitees: bool,
    scheduled_type: &'static str,
    session_type_id: u32,
    simultaneous_interpretation: InterpretationOut<'a>,
    sip_address: String,
    site_url: String,
    start: String,
    state: &'static str,
    telephony: TelephonyOut,
    timezone: &'static str,
    title: &'a str,
    tracking_codes: Vec<TrackingCodeBody>,
    unlocked_meeting_join_security: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    visual_watermark_opacity: Option<u32>,
    web_link: String,
}

/// `registration` of a meeting that takes registrations.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RegistrationOut {
    auto_accept_request: bool,
    require_first_name: bool,
    require_last_name: bool,
    require_email: bool,
    require_job_title: bool,
    require_company_name: bool,
    require_address1: bool,
    require_address2: bool,
    require_city: bool,
    require_state: bool,
    require_zip_code: bool,
    require_country_region: bool,
    require_work_phone: bool,
    require_fax: bool,
    max_register_num: u32,
}

fn registration_out(m: &Meeting) -> Option<RegistrationOut> {
    let o = &m.attendee_options;
    if !o.registration {
        return None;
    }
    let req = |f: &str| m.registration_required.iter().any(|r| r == f);
    Some(RegistrationOut {
        auto_accept_request: o.auto,
        require_first_name: true,
        require_last_name: true,
        require_email: true,
        require_job_title: req("title"),
        require_company_name: req("company"),
        require_address1: req("address1"),
        require_address2: req("address2"),
        require_city: req("city"),
        require_state: req("state"),
        require_zip_code: req("postalCode"),
        require_country_region: req("country"),
        require_work_phone: req("phone"),
        require_fax: req("fax"),
        max_register_num: o.participant_limit,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TelephonyOut {
    access_code: String,
    call_in_numbers: [(); 0],
    links: [(); 0],
}

/// A series or occurrence in a known state (the one input that moves with the clock).
fn meeting_out_in<'a>(
    state: &RestState,
    site: &Site,
    m: &'a Meeting,
    host: &'a User,
    shown: Shown<'a>,
    state_name: MState,
) -> MeetingOut<'a> {
    let Shown { start, end, occurrence, list_item, zone } = shown;
    let links = state.kaigi.meeting_links(site, m);
    let (id, kind) = match occurrence {
        Some(o) => (occurrence_id(&m.uuid, o.original), "scheduledMeeting"),
        None => (m.uuid.clone(), "meetingSeries"),
    };
    let agenda = occurrence.map_or(m.agenda.as_str(), |o| o.agenda(m));
    let joined = m.status == SessionStatus::InProgress || state_name == MState::Ready;
    let o = &m.options;
    let feature = |f: Feature| o.features.is_on(f);
    let (locks, lock_minutes) = automatic_lock(o);
    let remind = o.remind.minutes_ahead.filter(|_| o.remind.enabled != Some(false));
    MeetingOut {
        agenda: (!agenda.is_empty()).then_some(agenda),
        allow_any_user_to_be_co_host: feature(Feature::AllowAnyUserToBeCoHost),
        allow_authenticated_devices: feature(Feature::AllowAuthenticatedDevices),
        allow_first_user_to_be_co_host: feature(Feature::AllowFirstUserToBeCoHost),
        attendee_did_join: joined.then_some(m.participants_joined),
        attendee_privileges: privileges_out(o),
        audio_connection_options: audio_out(o),
        automatic_lock_minutes: lock_minutes,
        enable_automatic_lock: locks,
        enable_connect_audio_before_host: feature(Feature::ConnectAudioBeforeHost),
        enabled_audio_watermark: feature(Feature::AudioWatermark),
        enabled_auto_record_meeting: feature(Feature::AutoRecord),
        enabled_breakout_sessions: feature(Feature::BreakoutSessions),
        enabled_join_before_host: m.join_teleconf_before_host,
        enabled_live_stream: feature(Feature::LiveStream),
        enabled_visual_watermark: feature(Feature::VisualWatermark),
        enabled_webcast_view: feature(Feature::WebcastView),
        end: format_time(end, zone),
        exclude_password: m.attendee_options.exclude_password,
        host_did_join: joined.then_some(m.host_joined),
        host_display_name: host.display_name(),
        host_email: &host.email,
        host_key: &m.host_key,
        host_user_id: ids::person(site.id, host.id),
        id,
        integration_tags: o.conduct.integration_tags.as_deref().filter(|t| !t.is_empty()),
        // An occurrence names its series and says whether it was changed on its own, as the
        // service answers (the spec lists both for list items only; compat/contract.py allows them).
        is_modified: occurrence.map(ScheduledOccurrence::is_modified),
        join_before_host_minutes: schedule::join_before_host_minutes(m),
        links: [],
        meeting_number: m.meeting_key.to_string(),
        meeting_options: meeting_options_out(o),
        meeting_series_id: (list_item || occurrence.is_some()).then_some(m.uuid.as_str()),
        meeting_type: kind,
        password: occurrence.map_or(m.password.as_deref(), |o| o.password(m)).unwrap_or_default(),
        phone_and_video_system_password: m.audio_password.as_deref(),
        public_meeting: m.list_status == kaigi_core::model::ListStatus::Public,
        recurrence: if occurrence.is_some() { None } else { rrule::format(&m.repeat) },
        register_link: links.register,
        registration: registration_out(m),
        reminder_time: remind,
        require_attendee_login: m.attendee_options.join_requires_account,
        restrict_to_invitees: feature(Feature::RestrictToInvitees),
        scheduled_type: if m.kind == SessionKind::Event { "webinar" } else { "meeting" },
        session_type_id: m.meeting_type,
        simultaneous_interpretation: interpretation_out(m),
        sip_address: links.sip,
        site_url: site_url(state, site),
        start: format_time(start, zone),
        state: state_name.wire(),
        telephony: TelephonyOut { access_code: m.meeting_key.to_string(), call_in_numbers: [], links: [] },
        timezone: zone.name(),
        title: occurrence.map_or(m.name.as_str(), |o| o.title(m)),
        tracking_codes: tracking_out(o, &site.settings),
        unlocked_meeting_join_security: unlocked_out(o),
        visual_watermark_opacity: o.conduct.visual_watermark_opacity,
        web_link: links.invite,
    }
}

/// A series at its first occurrence (what create and update answer).
fn series_json(state: &RestState, site: &Site, m: &Meeting, host: &User, zone: Tz) -> Value {
    let end = m.start + schedule::duration_of(m);
    meeting_json(state, site, m, host, Shown { start: m.start, end, occurrence: None, list_item: false, zone })
}

/// An ended session (`meetingType=meeting`).
fn instance_json(state: &RestState, site: &Site, i: &Instance, zone: Tz) -> Value {
    let u = &i.usage;
    json!({
        "id": format!("{}_I_{}", u.uuid, u.id),
        // An instance names its series, alone too (compat/contract.py allows it beyond the spec).
        "meetingSeriesId": u.uuid,
        "title": u.name,
        "meetingType": "meeting",
        "state": "ended",
        "timezone": zone.name(),
        "start": format_time(u.start, zone),
        "end": format_time(u.end, zone),
        "hostUserId": ids::person(site.id, i.host.id),
        "hostDisplayName": i.host.display_name(),
        "hostEmail": i.host.email,
        "siteUrl": site_url(state, site),
        "scheduledType": if u.kind == SessionKind::Event { "webinar" } else { "meeting" },
        "webLink": links::invitation_link(&state.kaigi.site_url(site), &u.uuid),
        "enabledBreakoutSessions": false,
    })
}

fn ok_json(v: Value) -> Response {
    (StatusCode::OK, Json(v)).into_response()
}

fn parse_id(id: &str) -> RestResult<SeriesRef> {
    Ok(SeriesRef::parse(id).ok_or(Refusal::UnknownMeeting)?)
}

/// `POST /v1/meetings` → 200 and the series.
pub async fn create(
    State(state): State<RestState>,
    Auth(who): Auth,
    headers: HeaderMap,
    body: Body,
) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteSchedules)?;
    let header = header_zone(&headers)?;
    let mut b: MeetingBody = json_body(body).await?;
    let template = b.template_id.take();
    refuse_unkept(&b, &state, &who.caller.site)?;
    let mut f = fields(&b, header, &who.caller.site.settings, state.kaigi.now().year(), false)?;
    f.host_webex_id = host_of(&state, &who, b.host_email.as_deref(), Operation::WriteSchedules).await?;
    if let Some(template) = template.filter(|t| !t.is_null()) {
        from_template(&state, &who, &b, &template, &mut f).await?;
    }
    let m = state.kaigi.create_series(&who.caller, &f).await?;
    let host = state.kaigi.person(&who.caller, m.host_id).await?;
    Ok(ok_json(series_json(&state, &who.caller.site, &m, &host, reply_zone(header, Some(&b)))))
}

/// `templateId` of a new meeting (one of `/v1/meetings/templates`), applied by the core.
async fn from_template(
    state: &RestState,
    who: &TokenCaller,
    b: &MeetingBody,
    template: &Value,
    f: &mut SeriesFields,
) -> RestResult<()> {
    let Some(id) = template.as_str() else {
        let why = "must be a template id (a string)";
        return Err(kaigi_core::Error::invalid(kaigi_core::error::Field::TemplateId, why).into());
    };
    state.kaigi.apply_template(who, b.host_email.as_deref(), id, b.scheduled_type.is_some(), f).await?;
    Ok(())
}

/// `GET /v1/meetings/{id}`: a series or one occurrence.
pub async fn get_one(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> RestResult<Response> {
    let params = checked_query(&state, &who, raw.as_deref(), Access::Read).await?;
    let current = params.flag("current")?.unwrap_or(false);
    let zone = reply_zone(header_zone(&headers)?, None);
    let r = parse_id(&id)?;
    if let SeriesRef::Instance { series, number } = &r {
        let i = state.kaigi.instance(&who.caller, series, *number).await?;
        return Ok(ok_json(instance_json(&state, &who.caller.site, &i, zone)));
    }
    let (m, host, occurrence) = state.kaigi.get_series(&who.caller, &r).await?;
    let shown = match &occurrence {
        Some(o) => Shown::occurrence(o, false, zone),
        None => {
            let (start, end) = if current {
                schedule::current_times(&m, state.kaigi.now())
            } else {
                (m.start, m.start + schedule::duration_of(&m))
            };
            Shown { start, end, occurrence: None, list_item: false, zone }
        }
    };
    let site = &who.caller.site;
    let state_name = shown_state(&m, &shown, state.kaigi.now());
    let view = View {
        occurrence: occurrence.as_ref().map(|o| o.original),
        start: shown.start,
        end: shown.end,
        zone: zone.name(),
        state: state_name,
    };
    let body = state.bodies.body(site, &m, &host, view, || {
        Bytes::from(serde_json::to_vec(&meeting_out_in(&state, site, &m, &host, shown, state_name)).unwrap_or_default())
    });
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response())
}

async fn update(
    state: RestState,
    who: TokenCaller,
    id: String,
    headers: HeaderMap,
    body: Body,
    replace: bool,
) -> RestResult<Response> {
    scopes::require(&who, Operation::WriteSchedules)?;
    let header = header_zone(&headers)?;
    let r = parse_id(&id)?;
    let target = state.kaigi.write_target(&who.caller, &r).await?;
    let b: MeetingBody = json_body(body).await?;
    // hostEmail names the real host for an administrator; it never changes the host.
    host_of(&state, &who, b.host_email.as_deref(), Operation::WriteSchedules).await?;
    refuse_unkept(&b, &state, &who.caller.site)?;
    let series_id = match target {
        WriteTarget::Series(s) => s,
        WriteTarget::Occurrence { series, start } => {
            if let Some(name) = b.series_only_field() {
                return Err(Refusal::SeriesOnlyField(name).into());
            }
            let f = fields(&b, header, &who.caller.site.settings, state.kaigi.now().year(), false)?;
            let send_email = b.send_email.unwrap_or(true);
            let (m, host, o) =
                state.kaigi.update_occurrence(&who.caller, &series, start, &f, replace, send_email).await?;
            let shown = Shown::occurrence(&o, true, reply_zone(header, Some(&b)));
            return Ok(ok_json(meeting_json(&state, &who.caller.site, &m, &host, shown)));
        }
    };
    let f = fields(&b, header, &who.caller.site.settings, state.kaigi.now().year(), replace)?;
    let m = state.kaigi.update_series(&who.caller, &series_id, &f, replace).await?;
    let host = state.kaigi.person(&who.caller, m.host_id).await?;
    let mut updated = series_json(&state, &who.caller.site, &m, &host, reply_zone(header, Some(&b)));
    // PUT and PATCH answer with the list-item shape, which names the series.
    if let Value::Object(o) = &mut updated {
        o.insert("meetingSeriesId".into(), json!(m.uuid));
    }
    Ok(ok_json(updated))
}

/// `PUT /v1/meetings/{id}`: title, password, start and end are required.
pub async fn put(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    headers: HeaderMap,
    body: Body,
) -> RestResult<Response> {
    update(state, who, id, headers, body, true).await
}

/// `PATCH /v1/meetings/{id}`: any subset; `agenda` and `recurrence` may be null to clear them.
pub async fn patch(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    headers: HeaderMap,
    body: Body,
) -> RestResult<Response> {
    update(state, who, id, headers, body, false).await
}

/// `DELETE /v1/meetings/{id}` → 204: a series, or one occurrence of a recurring series
/// (`sendEmail`, default true, tells its invitees).
pub async fn delete(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let params = checked_query(&state, &who, raw.as_deref(), Access::Write).await?;
    let send_email = params.flag("sendEmail")?.unwrap_or(true);
    let r = parse_id(&id)?;
    match state.kaigi.write_target(&who.caller, &r).await? {
        WriteTarget::Series(series_id) => {
            state.kaigi.delete_series(&who.caller, &series_id).await?;
        }
        WriteTarget::Occurrence { series, start } => {
            state.kaigi.cancel_occurrence(&who.caller, &series, start, send_email).await?;
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /v1/meetings` with the filters of the spec's list operation.
pub async fn list(
    State(state): State<RestState>,
    Auth(who): Auth,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> RestResult<Response> {
    scopes::require(&who, Operation::ReadSchedules)?;
    let params = Params::parse(raw.as_deref())?;
    let header = header_zone(&headers)?;
    let zone = header.unwrap_or(Tz::UTC);
    let host_email = params.named("hostEmail")?.map(str::to_string);
    host_of(&state, &who, host_email.as_deref(), Operation::ReadSchedules).await?;
    let max = params.number("max")?.map(|m| m as usize).unwrap_or(DEFAULT_MAX);
    if max == 0 || max > MAX_MAX {
        return Err(Refusal::MaxOutOfRange(MAX_MAX).into());
    }
    let offset = params.number(OFFSET)?.unwrap_or(0) as usize;
    let current = params.flag("current")?.unwrap_or(true);
    let kind = params.get("meetingType").unwrap_or("meetingSeries");
    let raw_state = params.get("state");
    let instance_states = ["ended", "inProgress", "lobby"];
    let state_filter = match raw_state {
        Some(s) if kind == "meeting" && instance_states.contains(&s) => None,
        Some(s) => Some(MState::parse(s).ok_or_else(|| Refusal::UnknownState(s.to_string()))?),
        None => None,
    };
    let mut asks_details = false;
    for f in [
        "hasChat",
        "hasRecording",
        "hasTranscription",
        "hasSummary",
        "hasClosedCaption",
        "hasPolls",
        "hasQA",
        "hasSlido",
    ] {
        asks_details |= params.flag(f)? == Some(true);
    }
    let mut empty = false;
    match kind {
        "meetingSeries" | "scheduledMeeting" => {}
        "meeting" => {}
        other => return Err(Refusal::UnknownMeetingType(other.to_string()).into()),
    }
    let mut kinds = Vec::new();
    if let Some(t) = params.get("scheduledType") {
        match t {
            "meeting" => kinds.push(SessionKind::Meeting),
            "webinar" => kinds.push(SessionKind::Event),
            "personalRoomMeeting" => empty = true,
            other => return Err(Refusal::UnknownScheduledTypeFilter(other.to_string()).into()),
        }
    }
    let site = &who.caller.site;
    if let Some(url) = params.get("siteUrl") {
        if !site_matches(&state, site, url) {
            empty = true;
        }
    }
    // Integration tags, rooms and instance details are not kept yet: asking for them finds
    // nothing.
    if asks_details || params.get("integrationTag").is_some() || params.get("roomId").is_some() {
        empty = true;
    }
    let modified = params.flag("isModified")?;
    let meeting_key = match (params.get("meetingNumber"), params.get("webLink")) {
        (Some(n), _) => Some(n.replace(' ', "").parse::<u64>().map_err(|_| Refusal::NotDigits("meetingNumber"))?),
        (None, Some(link)) => match state.kaigi.meeting_by_link(site, link).await? {
            Some(k) => Some(k),
            None => {
                empty = true;
                None
            }
        },
        _ => None,
    };
    let series_filter = params.get("meetingSeriesId").map(|s| s.to_ascii_lowercase());
    let occurrences = kind == "scheduledMeeting" || (series_filter.is_some() && params.get("meetingType").is_none());
    let now = state.kaigi.now();
    let from = params.time("from", zone)?;
    let to = params.time("to", zone)?;
    // Instances (ended meetings) look back from now; series and occurrences look ahead.
    let (from, to) = schedule::list_window(from, to, now, kind == "meeting")?;
    if kind == "meeting" {
        let instances = if empty || raw_state.is_some_and(|s| s != "ended") {
            Vec::new()
        } else {
            state.kaigi.instances(&who.caller, host_email.as_deref(), series_filter.as_deref(), from, to).await?
        };
        let more = instances.len() > offset.saturating_add(max);
        let page: Vec<Value> =
            instances.iter().skip(offset).take(max).map(|i| instance_json(&state, site, i, zone)).collect();
        let count = page.len();
        let mut response = ok_json(json!({ "items": page }));
        link_next(&mut response, &state.kaigi.config().public_url, "/v1/meetings", &params, offset + count, more);
        return Ok(response);
    }
    let page = if empty {
        SeriesPage { items: Vec::new(), next: None }
    } else {
        let q = SeriesListing {
            host_email,
            occurrences,
            from,
            to,
            meeting_key,
            series: series_filter,
            current,
            state: state_filter,
            modified,
            kinds,
            after: paging::cursor(&params)?,
            limit: max,
        };
        state.kaigi.list_series(&who.caller, &q).await?
    };
    let items: Vec<MeetingOut> = page
        .items
        .iter()
        .map(|i| {
            let shown = match &i.occurrence {
                Some(o) => Shown::occurrence(o, true, zone),
                None => Shown { start: i.start, end: i.end, occurrence: None, list_item: true, zone },
            };
            meeting_out(&state, site, &i.meeting, &i.host, shown)
        })
        .collect();
    let mut response = (StatusCode::OK, Json(Items { items })).into_response();
    link_after(&mut response, &state.kaigi.config().public_url, "/v1/meetings", &params, page.next);
    Ok(response)
}

#[derive(Serialize)]
struct Items<'a> {
    items: Vec<MeetingOut<'a>>,
}

/// Whether a `siteUrl` parameter names the caller's site (its URL with or without scheme, or
/// its name).
pub(crate) fn site_matches(state: &RestState, site: &Site, url: &str) -> bool {
    let url = url.trim().trim_end_matches('/');
    let bare = url.split("://").nth(1).unwrap_or(url);
    bare.eq_ignore_ascii_case(&site_url(state, site)) || url.eq_ignore_ascii_case(&site.name)
}

/// Fuzz-style property of what a REST request brings: query strings and meeting bodies, built
/// from the spec's names with values of every JSON type, never panic the decoding; each ends in
/// fields or a 400. Seeded; `KAIGI_FUZZ_ITERATIONS` and `KAIGI_FUZZ_SEED` make the long run
/// (docs/security.md, "Fuzzing").
#[cfg(test)]
mod fuzz {
    use rand::{Rng, SeedableRng};
    use serde_json::{json, Map, Value};

    use super::*;

    const NAMES: &[&str] = &[
        "title",
        "agenda",
        "password",
        "start",
        "end",
        "timezone",
        "recurrence",
        "enabledAutoRecordMeeting",
        "allowAnyUserToBeCoHost",
        "enabledJoinBeforeHost",
        "enableConnectAudioBeforeHost",
        "joinBeforeHostMinutes",
        "excludePassword",
        "publicMeeting",
        "reminderTime",
        "unlockedMeetingJoinSecurity",
        "sessionTypeId",
        "scheduledType",
        "enableAutomaticLock",
        "automaticLockMinutes",
        "invitees",
        "registration",
        "integrationTags",
        "meetingOptions",
        "attendeePrivileges",
        "audioConnectionOptions",
        "trackingCodes",
        "visualWatermarkOpacity",
        "roomId",
        "liveStream",
        "adhoc",
        "siteUrl",
        "enabledChat",
        "noteType",
        "name",
        "value",
        "email",
    ];

    fn env(name: &str, default: u64) -> u64 {
        std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    fn value(rng: &mut rand::rngs::StdRng, depth: u32) -> Value {
        match rng.gen_range(0..if depth > 2 { 6 } else { 8 }) {
            0 => Value::Null,
            1 => json!(rng.gen::<bool>()),
            2 => json!(rng.gen_range(-1_000_000i64..1_000_000)),
            3 => json!(rng.gen::<f64>() * 1e6 - 5e5),
            4 => json!(
                ["true", "False", "7", "5.0", "", "2026-07-01T10:00:00Z", "FREQ=DAILY;COUNT=3", "Asia/Tokyo", "é"]
                    [rng.gen_range(0..9)]
            ),
            5 => json!(u64::MAX),
            6 => Value::Array((0..rng.gen_range(0..4)).map(|_| value(rng, depth + 1)).collect()),
            _ => object(rng, depth + 1),
        }
    }

    fn object(rng: &mut rand::rngs::StdRng, depth: u32) -> Value {
        let mut m = Map::new();
        for _ in 0..rng.gen_range(0..8) {
            m.insert(NAMES[rng.gen_range(0..NAMES.len())].to_string(), value(rng, depth));
        }
        Value::Object(m)
    }

    #[test]
    fn bodies_and_queries_never_panic() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(env("KAIGI_FUZZ_SEED", 5));
        let site = SiteSettings::default();
        for _ in 0..env("KAIGI_FUZZ_ITERATIONS", 2000) {
            let body = object(&mut rng, 0);
            if let Ok(b) = serde_json::from_value::<MeetingBody>(body) {
                let replace = rng.gen::<bool>();
                let _ = fields(&b, None, &site, 2026, replace);
                let _ = b.series_only_field();
            }
            let raw: String = (0..rng.gen_range(0..60))
                .map(|_| *b"ab=&%2F+0:T-Z.nullmax".get(rng.gen_range(0..22)).unwrap_or(&b'a') as char)
                .collect();
            if let Ok(p) = Params::parse(Some(&raw)) {
                let _ = (p.number("max"), p.flag("current"), p.time("from", Tz::UTC), p.named("hostEmail"));
            }
        }
    }
}
