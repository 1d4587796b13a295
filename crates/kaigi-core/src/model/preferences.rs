use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{PersonalRoomLinks, User, UserId, UserTrackingValue};

/// Everything a user chose; each part has defaults, so older rows and new fields keep loading.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeetingPreferences {
    pub room: RoomOptions,
    pub audio: AudioOptions,
    pub video: VideoOptions,
    pub scheduling: SchedulingOptions,
}

/// The personal room's options (its key and host PIN live in [`crate::model::PersonalRoom`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoomOptions {
    /// None: the room is called "<first name>'s Personal Room".
    pub topic: Option<String>,
    pub auto_lock: bool,
    pub auto_lock_minutes: u32,
    pub notify_host: bool,
    pub support_co_host: bool,
    pub anyone_as_co_host: bool,
    pub first_user_as_co_host: bool,
    pub authenticated_devices: bool,
    /// Users of the site who may host the room without its owner.
    pub co_hosts: Vec<UserId>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AudioType {
    #[default]
    #[serde(rename = "webexAudio")]
    WebexAudio,
    #[serde(rename = "voipOnly")]
    VoipOnly,
    #[serde(rename = "otherTeleconferenceService")]
    OtherTeleconferenceService,
    #[serde(rename = "none")]
    None,
}

impl AudioType {
    pub const ALL: [AudioType; 4] =
        [AudioType::WebexAudio, AudioType::VoipOnly, AudioType::OtherTeleconferenceService, AudioType::None];

    pub fn wire(self) -> &'static str {
        match self {
            AudioType::WebexAudio => "webexAudio",
            AudioType::VoipOnly => "voipOnly",
            AudioType::OtherTeleconferenceService => "otherTeleconferenceService",
            AudioType::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.wire() == s.trim())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PhoneNumber {
    pub country_code: String,
    pub number: String,
    pub call_in_authentication: bool,
    pub call_me: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AudioOptions {
    pub default_audio_type: AudioType,
    pub other_teleconference_description: String,
    pub global_call_in: bool,
    pub toll_free: bool,
    pub auto_connection: bool,
    pub audio_pin: Option<String>,
    pub office: PhoneNumber,
    pub mobile: PhoneNumber,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VideoDevice {
    pub name: String,
    pub address: String,
    pub is_default: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VideoOptions {
    pub devices: Vec<VideoDevice>,
}

/// Scheduling options; the delegates are the user's scheduling permission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SchedulingOptions {
    pub join_before_host: bool,
    pub join_before_host_minutes: u32,
    pub auto_share_recording: bool,
    pub webex_assistant: bool,
    /// The user's own tracking code values, by slot (REST `userconfig/trackingCodes`, the XML
    /// API's GetUser `tracking`): the values a scheduler offers them first. Written apart from the
    /// other scheduling options ([`PreferencesWrite::tracking_codes`]).
    pub tracking_codes: Vec<UserTrackingValue>,
}

/// What one change of preferences writes ([`crate::store::Store::update_user_preferences`]):
/// each section given replaces the stored one; what is None stays as stored. Nothing else of the
/// user is written, so a deactivation, a new password or new privileges saved meanwhile stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferencesWrite {
    pub room: Option<RoomOptions>,
    /// The personal room's host PIN (written only when the user has a room).
    pub host_pin: Option<String>,
    pub audio: Option<AudioOptions>,
    pub video: Option<VideoOptions>,
    pub scheduling: Option<SchedulingOptions>,
    /// The scheduling delegates' webex ids (the user's scheduling permission).
    pub scheduling_permission: Option<Vec<String>>,
    /// The user's tracking code values (kept with the scheduling options, written apart).
    pub tracking_codes: Option<Vec<UserTrackingValue>>,
    pub updated_at: DateTime<Utc>,
}

impl PreferencesWrite {
    /// A write that changes nothing but `updated_at`; set the sections to change.
    pub fn at(updated_at: DateTime<Utc>) -> Self {
        Self {
            room: None,
            host_pin: None,
            audio: None,
            video: None,
            scheduling: None,
            scheduling_permission: None,
            tracking_codes: None,
            updated_at,
        }
    }

    /// The stored preferences `stored` with this write's sections in place.
    pub fn apply_to(&self, stored: &mut MeetingPreferences) {
        if let Some(room) = &self.room {
            stored.room = room.clone();
        }
        if let Some(audio) = &self.audio {
            stored.audio = audio.clone();
        }
        if let Some(video) = &self.video {
            stored.video = video.clone();
        }
        if let Some(scheduling) = &self.scheduling {
            // The tracking code values are a section of their own: a change of the other
            // scheduling options keeps them as stored.
            let kept = std::mem::take(&mut stored.scheduling.tracking_codes);
            stored.scheduling = SchedulingOptions { tracking_codes: kept, ..scheduling.clone() };
        }
        if let Some(codes) = &self.tracking_codes {
            stored.scheduling.tracking_codes = codes.clone();
        }
    }
}

/// A co-host as a request names one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoHostRequest {
    pub email: Option<String>,
}

/// `PUT /meetingPreferences/personalMeetingRoom`: the fields marked required must be present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomChange {
    pub topic: Option<String>,
    pub host_pin: Option<String>,
    pub auto_lock: Option<bool>,
    pub auto_lock_minutes: Option<u32>,
    pub notify_host: Option<bool>,
    pub support_co_host: Option<bool>,
    pub anyone_as_co_host: Option<bool>,
    pub first_user_as_co_host: Option<bool>,
    pub authenticated_devices: Option<bool>,
    pub co_hosts: Option<Vec<CoHostRequest>>,
}

/// A change of audio options; None leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AudioChange {
    pub default_audio_type: Option<String>,
    pub other_teleconference_description: Option<String>,
    pub global_call_in: Option<bool>,
    pub toll_free: Option<bool>,
    pub auto_connection: Option<bool>,
    pub audio_pin: Option<String>,
    pub office: Option<PhoneChange>,
    pub mobile: Option<PhoneChange>,
}

/// A change of one phone number; None leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhoneChange {
    pub country_code: Option<String>,
    pub number: Option<String>,
    pub call_in_authentication: Option<bool>,
    pub call_me: Option<bool>,
}

impl PhoneChange {
    /// The number `now` with this change made.
    pub fn over(&self, now: &PhoneNumber) -> PhoneNumber {
        PhoneNumber {
            country_code: self.country_code.clone().unwrap_or_else(|| now.country_code.clone()),
            number: self.number.clone().unwrap_or_else(|| now.number.clone()),
            call_in_authentication: self.call_in_authentication.unwrap_or(now.call_in_authentication),
            call_me: self.call_me.unwrap_or(now.call_me),
        }
    }
}

/// A change of scheduling options; None leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchedulingChange {
    pub join_before_host: Option<bool>,
    pub join_before_host_minutes: Option<u32>,
    pub auto_share_recording: Option<bool>,
    pub webex_assistant: Option<bool>,
    pub delegate_emails: Option<Vec<String>>,
}

/// A personal room as the preferences show it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomView {
    pub links: PersonalRoomLinks,
    pub options: RoomOptions,
    /// The co-hosts who are still users of the site.
    pub co_hosts: Vec<User>,
}

/// Whether the preferences are read or changed: which scopes are needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreferenceAccess {
    Read,
    Write,
}
