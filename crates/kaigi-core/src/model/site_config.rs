//! Site configuration both faces read: the site's tracking codes (ten slots, what each asks of a
//! scheduler, its list of values), the defaults and security options of its meetings, a user's
//! own tracking code values, and the meeting templates kaigi derives from the meeting types.

use serde::{Deserialize, Serialize};

use crate::model::{EntryExitTone, MeetingTypeDef};

/// How a tracking code's value is given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TrackingInput {
    #[default]
    Text,
    /// One of the code's options.
    Select,
    /// One of the options or any text.
    EditableSelect,
    /// Chosen in the host's profile only (not when scheduling).
    HostProfileSelect,
}

/// What a page (the host profile, a service's scheduler) makes of a tracking code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TrackingUse {
    #[default]
    Optional,
    Required,
    AdminSet,
    NotUsed,
    /// Only for the service `All`: each service says for itself.
    NotApplicable,
}

/// The services a tracking code's scheduling use is given for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TrackingService {
    All,
    MeetingCenter,
    EventCenter,
    TrainingCenter,
    SupportCenter,
}

impl TrackingService {
    pub const EACH: [TrackingService; 4] = [
        TrackingService::MeetingCenter,
        TrackingService::EventCenter,
        TrackingService::TrainingCenter,
        TrackingService::SupportCenter,
    ];
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrackingOption {
    pub value: String,
    pub default: bool,
}

/// The settings of one tracking-code slot beyond its name (the name stays in
/// [`crate::model::SiteSettings::tracking_code_names`], where the XML API and the CLI read it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrackingCodeDef {
    /// 1 to 10: the code is the meetings' `trackingCode<slot>`.
    pub slot: u8,
    pub input: TrackingInput,
    pub host_profile: TrackingUse,
    /// Per service, as given (empty: not used when scheduling).
    pub schedule_start: Vec<(TrackingService, TrackingUse)>,
    pub options: Vec<TrackingOption>,
}

/// A tracking code of the site: its slot, name and settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingCode {
    pub slot: u8,
    pub name: String,
    pub def: TrackingCodeDef,
}

impl TrackingCode {
    /// What the code asks of the scheduler of `service`: its own entry, else the `All` entry
    /// (unless that is `notApplicable`), else not used. For `All` itself: its entry, else
    /// `notApplicable` when services have their own entries.
    pub fn use_for(&self, service: TrackingService) -> TrackingUse {
        let find = |s| self.def.schedule_start.iter().find(|(x, _)| *x == s).map(|(_, u)| *u);
        if service == TrackingService::All {
            return find(TrackingService::All).unwrap_or(if self.def.schedule_start.is_empty() {
                TrackingUse::NotUsed
            } else {
                TrackingUse::NotApplicable
            });
        }
        match (find(service), find(TrackingService::All)) {
            (Some(u), _) => u,
            (None, Some(all)) if all != TrackingUse::NotApplicable => all,
            _ => TrackingUse::NotUsed,
        }
    }
}

/// A tracking code as a host sees it when scheduling for a service: what the scheduler makes of
/// it, and its options with the host's own value as the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostTrackingCode {
    pub code: TrackingCode,
    pub use_: TrackingUse,
    pub options: Vec<TrackingOption>,
}

/// What an administrator sends to create or replace a tracking code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackingCodeWrite {
    pub name: String,
    pub input: TrackingInput,
    pub host_profile: TrackingUse,
    /// None: sent as `null` (only with [`TrackingInput::HostProfileSelect`]).
    pub schedule_start: Option<Vec<(TrackingService, TrackingUse)>>,
    pub options: Vec<TrackingOption>,
}

/// One of a user's own tracking code values (the default a scheduler offers them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserTrackingValue {
    pub slot: u8,
    pub value: String,
}

/// A tracking code value as a request names it: the code by name, and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedTrackingValue {
    pub name: String,
    pub value: String,
}

/// The teleconference a new meeting offers by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TelephonySupport {
    /// kaigi runs no telephony of its own.
    #[default]
    None,
    WebexTeleconferencing,
    Other,
}

/// Rules of a strong meeting password (applied while `requireStrongPassword` is on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PasswordCriteria {
    pub mixed_case: bool,
    pub min_length: u32,
    pub min_numeric: u32,
    pub min_alpha: u32,
    pub min_special: u32,
    pub disallow_dynamic_web_text: bool,
    pub disallow_list: bool,
    pub disallow_values: Vec<String>,
}

impl Default for PasswordCriteria {
    /// Four characters, nothing else (what GetSite has always shown).
    fn default() -> Self {
        Self {
            mixed_case: false,
            min_length: 4,
            min_numeric: 0,
            min_alpha: 0,
            min_special: 0,
            disallow_dynamic_web_text: false,
            disallow_list: false,
            disallow_values: Vec::new(),
        }
    }
}

/// The site's common meeting settings: the defaults and security options of its meetings (the
/// REST `commonSettings`, the XML API's GetSite `securityOptions`, `defaults`, `passwordCriteria`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CommonSettings {
    pub allow_custom_personal_room_url: bool,
    pub entry_exit_tone: EntryExitTone,
    pub join_teleconf_not_press1: bool,
    pub telephony_support: TelephonySupport,
    pub toll_free: bool,
    pub voip: bool,
    pub email_reminders: bool,
    pub join_before_host: bool,
    pub audio_before_host: bool,
    pub first_attendee_as_presenter: bool,
    pub unlist_all_meetings: bool,
    pub require_login_before_access: bool,
    pub allow_mobile_screen_capture: bool,
    pub require_strong_password: bool,
    pub password_criteria: PasswordCriteria,
}

impl Default for CommonSettings {
    fn default() -> Self {
        Self {
            allow_custom_personal_room_url: false,
            entry_exit_tone: EntryExitTone::Beep,
            join_teleconf_not_press1: false,
            telephony_support: TelephonySupport::None,
            toll_free: false,
            voip: true,
            email_reminders: true,
            join_before_host: true,
            audio_before_host: true,
            first_attendee_as_presenter: false,
            unlist_all_meetings: false,
            require_login_before_access: false,
            allow_mobile_screen_capture: true,
            require_strong_password: false,
            password_criteria: PasswordCriteria::default(),
        }
    }
}

/// A change of the common settings: what is None stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommonSettingsChange {
    pub allow_custom_personal_room_url: Option<bool>,
    pub entry_exit_tone: Option<EntryExitTone>,
    pub join_teleconf_not_press1: Option<bool>,
    pub telephony_support: Option<TelephonySupport>,
    pub toll_free: Option<bool>,
    pub voip: Option<bool>,
    pub email_reminders: Option<bool>,
    pub join_before_host: Option<bool>,
    pub audio_before_host: Option<bool>,
    pub first_attendee_as_presenter: Option<bool>,
    pub unlist_all_meetings: Option<bool>,
    pub require_login_before_access: Option<bool>,
    pub allow_mobile_screen_capture: Option<bool>,
    pub require_strong_password: Option<bool>,
    pub mixed_case: Option<bool>,
    pub min_length: Option<u32>,
    pub min_numeric: Option<u32>,
    pub min_alpha: Option<u32>,
    pub min_special: Option<u32>,
    pub disallow_dynamic_web_text: Option<bool>,
    pub disallow_list: Option<bool>,
    pub disallow_values: Option<Vec<String>>,
}

/// What kind of meeting a session type schedules, in kaigi's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionTypeKind {
    /// Meeting Center.
    Meeting,
    /// Event Center: kaigi's webinars.
    Webinar,
    Training,
    Support,
}

impl SessionTypeKind {
    /// The kind of a site meeting type, by its service.
    pub fn of(t: &MeetingTypeDef) -> SessionTypeKind {
        match t.service.as_str() {
            "EventCenter" => SessionTypeKind::Webinar,
            "TrainingCenter" => SessionTypeKind::Training,
            "SupportCenter" => SessionTypeKind::Support,
            _ => SessionTypeKind::Meeting,
        }
    }
}

/// Whether a template schedules a meeting or a webinar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    Meeting,
    Webinar,
}

/// A meeting template: kaigi offers one per meeting type the user may schedule with that is a
/// meeting (Meeting Center) or a webinar (Event Center); the first of each kind is the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingTemplate {
    /// `<kind>-<meeting type id>`, e.g. `meeting-214`.
    pub id: String,
    pub name: String,
    pub kind: TemplateKind,
    pub meeting_type: MeetingTypeDef,
    pub is_default: bool,
}
