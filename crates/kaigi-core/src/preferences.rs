//! A user's meeting preferences (the REST API's `/v1/meetingPreferences`): the options of their
//! personal room, audio, video systems and scheduling. They are part of the user, so both faces
//! show one model: the personal room's key, host PIN and topic are what the XML API's GetUser
//! shows, and the scheduling delegates are the XML API's scheduling permission.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Entity, Error, Result};
use crate::license::LicenseAction;
use crate::license_log::Person;
use crate::service::Kaigi;
use crate::site::Site;
use crate::tokens::{scope, TokenCaller};
use crate::user::{User, UserId};
use crate::users::PersonalRoomLinks;

/// Longest personal room topic.
pub const MAX_TOPIC: usize = 128;
/// Most co-hosts a personal room keeps (kaigi's choice).
pub const MAX_CO_HOSTS: usize = 20;
/// Most scheduling delegates (kaigi's choice).
pub const MAX_DELEGATES: usize = 50;
/// Most video systems a user lists (kaigi's choice).
pub const MAX_VIDEO_DEVICES: usize = 10;
/// Minutes a personal room may lock after it starts.
pub const AUTO_LOCK_MINUTES: [u32; 5] = [0, 5, 10, 15, 20];
/// Minutes before the start invitees may join without the host.
pub const JOIN_BEFORE_HOST_MINUTES: [u32; 4] = [0, 5, 10, 15];
/// An audio PIN has exactly this many digits.
pub const AUDIO_PIN_LENGTH: usize = 4;
const MAX_TEXT: usize = 512;
const MAX_PHONE: usize = 30;
const MAX_COUNTRY_CODE: usize = 8;
const MAX_NAME: usize = 128;
const MAX_ADDRESS: usize = 256;

/// Everything a user chose; each part has defaults, so older rows and new fields keep loading.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeetingPreferences {
    pub room: RoomOptions,
    pub audio: AudioOptions,
    pub video: VideoOptions,
    pub scheduling: SchedulingOptions,
}

/// The personal room's options (its key and host PIN live in [`crate::user::PersonalRoom`]).
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
            stored.scheduling = scheduling.clone();
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
    fn over(&self, now: &PhoneNumber) -> PhoneNumber {
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

/// Digits that climb or fall by one all the way (1234, 4321, 0123).
fn is_run(digits: &[u8]) -> bool {
    let steps: Vec<i16> = digits.windows(2).map(|w| i16::from(w[1]) - i16::from(w[0])).collect();
    !steps.is_empty() && (steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == -1))
}

/// Why a PIN of `length` digits is refused, if it is.
fn pin_problem(pin: &str, length: usize) -> Option<String> {
    if pin.len() != length || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("must be exactly {length} digits"));
    }
    let digits: Vec<u8> = pin.bytes().map(|b| b - b'0').collect();
    if length > 1 && digits.iter().all(|d| *d == digits[0]) {
        return Some("cannot repeat one digit (like 1111)".into());
    }
    if length > 1 && is_run(&digits) {
        return Some("cannot be sequential digits (like 1234 or 4321)".into());
    }
    None
}

/// A personal room's host PIN: exactly the site's number of digits, neither one digit repeated
/// nor a run up or down.
pub fn check_host_pin(pin: &str, length: usize) -> Result<()> {
    match pin_problem(pin, length) {
        Some(why) => Err(Error::invalid("hostPin", format!("hostPin {why}."))),
        None => Ok(()),
    }
}

/// An audio PIN: the same rules with exactly four digits.
pub fn check_audio_pin(pin: &str) -> Result<()> {
    match pin_problem(pin, AUDIO_PIN_LENGTH) {
        Some(why) => Err(Error::invalid("audioPin", format!("audioPin {why}."))),
        None => Ok(()),
    }
}

/// Whether `pin` would be accepted as a host PIN of `length` digits (used when one is generated).
pub fn is_valid_host_pin(pin: &str, length: usize) -> bool {
    pin_problem(pin, length).is_none()
}

/// The site's host PIN length, within what kaigi accepts.
pub fn host_pin_length(site: &Site) -> usize {
    site.settings.host_pin_length.clamp(4, 9) as usize
}

fn check_topic(topic: &str) -> Result<String> {
    let t = topic.trim();
    let n = t.chars().count();
    if n == 0 || n > MAX_TOPIC {
        return Err(Error::invalid("topic", format!("topic must be 1 to {MAX_TOPIC} characters.")));
    }
    Ok(t.to_string())
}

fn check_choice(field: &'static str, value: u32, allowed: &[u32]) -> Result<u32> {
    if allowed.contains(&value) {
        Ok(value)
    } else {
        let list: Vec<String> = allowed.iter().map(u32::to_string).collect();
        Err(Error::invalid(field, format!("{field} must be one of {}.", list.join(", "))))
    }
}

fn required<T>(field: &'static str, value: Option<T>) -> Result<T> {
    value.ok_or_else(|| Error::invalid(field, format!("{field} is required.")))
}

fn check_text(field: &'static str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(Error::invalid(field, format!("{field} is longer than {max} characters.")));
    }
    Ok(v.to_string())
}

fn looks_like_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !v.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn check_phone(field: &'static str, p: &PhoneNumber) -> Result<PhoneNumber> {
    let country_code = check_text(field, &p.country_code, MAX_COUNTRY_CODE)?;
    let number = check_text(field, &p.number, MAX_PHONE)?;
    let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !digits_only(&country_code) || !digits_only(&number) {
        return Err(Error::invalid(field, format!("{field} may hold only digits, spaces and + - ( ) .")));
    }
    Ok(PhoneNumber { country_code, number, ..p.clone() })
}

/// Checks a list of video systems: named, with an email-like address, and exactly one default
/// when there are any.
pub fn check_video(devices: &[VideoDevice]) -> Result<VideoOptions> {
    if devices.len() > MAX_VIDEO_DEVICES {
        return Err(Error::invalid("videoDevices", format!("At most {MAX_VIDEO_DEVICES} videoDevices.")));
    }
    let mut out = Vec::with_capacity(devices.len());
    for d in devices {
        let name = check_text("deviceName", &d.name, MAX_NAME)?;
        if name.is_empty() {
            return Err(Error::invalid("deviceName", "deviceName cannot be empty."));
        }
        let address = check_text("deviceAddress", &d.address, MAX_ADDRESS)?;
        if !looks_like_email(&address) {
            return Err(Error::invalid(
                "deviceAddress",
                format!("deviceAddress {address} is not an email-like address."),
            ));
        }
        out.push(VideoDevice { name, address, is_default: d.is_default });
    }
    let defaults = out.iter().filter(|d| d.is_default).count();
    if !out.is_empty() && defaults != 1 {
        return Err(Error::invalid("isDefault", "Exactly one of the videoDevices must be the default (isDefault)."));
    }
    Ok(VideoOptions { devices: out })
}

impl Kaigi {
    /// Whose preferences a request reads or changes: the caller's own, or, with `userEmail` and an
    /// administrator's preferences scope, those of another user of the same site.
    pub async fn preferences_owner(
        &self,
        who: &TokenCaller,
        user_email: Option<&str>,
        access: PreferenceAccess,
    ) -> Result<User> {
        let (own, admin) = match access {
            PreferenceAccess::Read => (scope::PREFERENCES_READ, scope::ADMIN_PREFERENCES_READ),
            PreferenceAccess::Write => (scope::PREFERENCES_WRITE, scope::ADMIN_PREFERENCES_WRITE),
        };
        if !who.has(own) && !who.has(admin) {
            return Err(Error::MissingScope(own));
        }
        let site = who.caller.site.id;
        let me = who.user();
        let email = user_email.map(str::trim).filter(|e| !e.is_empty());
        match email {
            Some(e) if !e.eq_ignore_ascii_case(&me.email) => {
                if !who.has(admin) {
                    return Err(Error::OthersPreferences);
                }
                self.store.user_by_email(site, e).await?.ok_or(Error::OthersPreferences)
            }
            // Fresh from the store: the token's copy may be older than a change just made.
            _ => self.store.user_by_id(site, me.id).await?.ok_or(Error::NotFound(Entity::User)),
        }
    }

    /// The personal room of `user` with its options and co-hosts; NotFound when they have none.
    pub async fn room_preferences(&self, site: &Site, user: &User) -> Result<RoomView> {
        let links = self.personal_room_links(site, user).ok_or(Error::NotFound(Entity::PersonalRoom))?;
        let options = user.preferences.room.clone();
        let mut co_hosts = Vec::with_capacity(options.co_hosts.len());
        for id in &options.co_hosts {
            if let Some(u) = self.store.user_by_id(site.id, *id).await? {
                co_hosts.push(u);
            }
        }
        Ok(RoomView { links, options, co_hosts })
    }

    /// Changes the personal room of `owner`. Every co-host must be a user of the site; one newly
    /// named is a licence question (as a co-host of a meeting is): when it is refused they are
    /// left out, as a meeting keeps such a person a plain invitee.
    pub async fn update_room_preferences(&self, site: &Site, owner: User, change: &RoomChange) -> Result<RoomView> {
        let user = owner;
        let Some(room) = user.personal_room.as_ref().filter(|r| r.released_at.is_none()) else {
            return Err(Error::NotFound(Entity::PersonalRoom));
        };
        let room_key = room.meeting_key;
        let topic = check_topic(&required("topic", change.topic.clone())?)?;
        let pin = required("hostPin", change.host_pin.clone())?.trim().to_string();
        let auto_lock = required("enabledAutoLock", change.auto_lock)?;
        let minutes = check_choice(
            "autoLockMinutes",
            required("autoLockMinutes", change.auto_lock_minutes)?,
            &AUTO_LOCK_MINUTES,
        )?;
        let notify_host = required("enabledNotifyHost", change.notify_host)?;
        let support_co_host = required("supportCoHost", change.support_co_host)?;
        let named = required("coHosts", change.co_hosts.clone())?;
        check_host_pin(&pin, host_pin_length(site))?;
        if named.len() > MAX_CO_HOSTS {
            return Err(Error::invalid("coHosts", format!("At most {MAX_CO_HOSTS} coHosts.")));
        }
        let mut co_hosts: Vec<User> = Vec::with_capacity(named.len());
        for c in &named {
            let email = c.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
            let email = email.ok_or_else(|| Error::invalid("coHosts", "Each of the coHosts needs an email."))?;
            let co =
                self.store.user_by_email(site.id, email).await?.ok_or_else(|| {
                    Error::invalid("coHosts", format!("coHosts: {email} is not a user of this site."))
                })?;
            if co.id == user.id {
                return Err(Error::invalid("coHosts", "coHosts cannot name the owner of the personal room."));
            }
            if !co_hosts.iter().any(|u| u.id == co.id) {
                co_hosts.push(co);
            }
        }
        let before = user.preferences.room.co_hosts.clone();
        let mut kept = Vec::with_capacity(co_hosts.len());
        let mut decisions = Vec::new();
        for co in co_hosts {
            if before.contains(&co.id) {
                kept.push(co);
                continue;
            }
            let asked = self.ask_licence(site, LicenseAction::Cohost, Person::User(&co)).await?;
            let refused = asked.refused();
            let mut decision = asked.decision;
            decision.meeting_key = Some(room_key);
            decision.booking_name = topic.clone();
            decisions.push(decision);
            if !refused {
                kept.push(asked.updated_user.unwrap_or(co));
            }
        }
        self.record_licence_decisions(&decisions).await?;
        let previous = &user.preferences.room;
        let room = RoomOptions {
            topic: Some(topic),
            auto_lock,
            auto_lock_minutes: minutes,
            notify_host,
            support_co_host,
            anyone_as_co_host: change.anyone_as_co_host.unwrap_or(previous.anyone_as_co_host),
            first_user_as_co_host: change.first_user_as_co_host.unwrap_or(previous.first_user_as_co_host),
            authenticated_devices: change.authenticated_devices.unwrap_or(previous.authenticated_devices),
            co_hosts: kept.iter().map(|u| u.id).collect(),
        };
        let write = PreferencesWrite { room: Some(room), host_pin: Some(pin), ..PreferencesWrite::at(self.now()) };
        let user = self.save_preferences(&user, &write).await?;
        self.room_preferences(site, &user).await
    }

    /// Changes the audio options of `owner`; what the change leaves out stays.
    pub async fn update_audio_preferences(&self, owner: User, change: &AudioChange) -> Result<User> {
        let user = owner;
        let mut audio = user.preferences.audio.clone();
        if let Some(t) = &change.default_audio_type {
            audio.default_audio_type = AudioType::parse(t).ok_or_else(|| {
                let names: Vec<&str> = AudioType::ALL.iter().map(|t| t.wire()).collect();
                Error::invalid("defaultAudioType", format!("defaultAudioType must be one of {}.", names.join(", ")))
            })?;
        }
        if let Some(d) = &change.other_teleconference_description {
            audio.other_teleconference_description = check_text("otherTeleconferenceDescription", d, MAX_TEXT)?;
        }
        if let Some(pin) = &change.audio_pin {
            let pin = pin.trim();
            if pin.is_empty() {
                audio.audio_pin = None;
            } else {
                check_audio_pin(pin)?;
                audio.audio_pin = Some(pin.to_string());
            }
        }
        if let Some(p) = &change.office {
            audio.office = check_phone("officeNumber", &p.over(&audio.office))?;
        }
        if let Some(p) = &change.mobile {
            audio.mobile = check_phone("mobileNumber", &p.over(&audio.mobile))?;
        }
        audio.global_call_in = change.global_call_in.unwrap_or(audio.global_call_in);
        audio.toll_free = change.toll_free.unwrap_or(audio.toll_free);
        audio.auto_connection = change.auto_connection.unwrap_or(audio.auto_connection);
        let write = PreferencesWrite { audio: Some(audio), ..PreferencesWrite::at(self.now()) };
        self.save_preferences(&user, &write).await
    }

    /// Replaces the video systems of `owner`.
    pub async fn update_video_preferences(&self, owner: User, devices: Option<&[VideoDevice]>) -> Result<User> {
        let video = check_video(required("videoDevices", devices)?)?;
        let write = PreferencesWrite { video: Some(video), ..PreferencesWrite::at(self.now()) };
        self.save_preferences(&owner, &write).await
    }

    /// The emails of the people who may schedule for `user` (their scheduling permission).
    pub async fn delegate_emails(&self, site: &Site, user: &User) -> Result<Vec<String>> {
        let mut out = Vec::with_capacity(user.scheduling_permission.len());
        for webex_id in &user.scheduling_permission {
            if let Some(u) = self.store.user_by_webex_id(site.id, webex_id).await? {
                out.push(u.email);
            }
        }
        Ok(out)
    }

    /// Changes the scheduling options of `owner`; the delegates become their scheduling
    /// permission (each must be another user of the site).
    pub async fn update_scheduling_preferences(
        &self,
        site: &Site,
        owner: User,
        change: &SchedulingChange,
    ) -> Result<User> {
        let user = owner;
        let mut s = user.preferences.scheduling.clone();
        if let Some(m) = change.join_before_host_minutes {
            s.join_before_host_minutes = check_choice("joinBeforeHostMinutes", m, &JOIN_BEFORE_HOST_MINUTES)?;
        }
        s.join_before_host = change.join_before_host.unwrap_or(s.join_before_host);
        s.auto_share_recording = change.auto_share_recording.unwrap_or(s.auto_share_recording);
        s.webex_assistant = change.webex_assistant.unwrap_or(s.webex_assistant);
        let mut write = PreferencesWrite { scheduling: Some(s), ..PreferencesWrite::at(self.now()) };
        if let Some(emails) = &change.delegate_emails {
            if emails.len() > MAX_DELEGATES {
                return Err(Error::invalid("delegateEmails", format!("At most {MAX_DELEGATES} delegateEmails.")));
            }
            let mut ids: Vec<String> = Vec::with_capacity(emails.len());
            for e in emails.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
                let d = self.store.user_by_email(site.id, e).await?.ok_or_else(|| {
                    Error::invalid("delegateEmails", format!("delegateEmails: {e} is not a user of this site."))
                })?;
                if d.id == user.id {
                    return Err(Error::invalid("delegateEmails", "delegateEmails cannot name the user themselves."));
                }
                if !ids.iter().any(|w| w.eq_ignore_ascii_case(&d.webex_id)) {
                    ids.push(d.webex_id);
                }
            }
            write.scheduling_permission = Some(ids);
        }
        self.save_preferences(&user, &write).await
    }

    /// Writes the preferences alone: `owner` may be a cached copy, and the rest of the user
    /// (active, password, privileges, lockout) may have changed since it was read.
    async fn save_preferences(&self, owner: &User, write: &PreferencesWrite) -> Result<User> {
        match self.store.update_user_preferences(owner.site_id, owner.id, write).await {
            Ok(user) => Ok(user),
            Err(crate::store::StoreError::Missing) => Err(Error::NotFound(Entity::User)),
            Err(e) => Err(Error::Store(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_pins_follow_the_site_length_without_runs_or_repeats() {
        for good in ["4325", "1357", "0912", "9870"] {
            assert!(check_host_pin(good, 4).is_ok(), "{good}");
        }
        for bad in ["1234", "4321", "0123", "6789", "9876", "1111", "0000", "123", "12345", "12a4", " 432", ""] {
            assert!(check_host_pin(bad, 4).is_err(), "{bad}");
        }
        assert!(check_host_pin("43251", 5).is_ok());
        assert!(check_host_pin("4325", 5).is_err(), "a site asking five digits refuses four");
        assert!(check_host_pin("56789", 5).is_err());
        assert!(check_host_pin("77777", 5).is_err());
        let err = check_host_pin("1111", 4).unwrap_err().to_string();
        assert!(err.contains("hostPin"), "{err}");
    }

    #[test]
    fn audio_pins_are_four_digits_by_the_same_rules() {
        assert!(check_audio_pin("1314").is_ok());
        for bad in ["131", "13145", "1234", "3210", "2222", "abcd"] {
            assert!(check_audio_pin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn video_systems_need_one_default() {
        let d = |name: &str, address: &str, is_default| VideoDevice {
            name: name.into(),
            address: address.into(),
            is_default,
        };
        assert!(check_video(&[]).is_ok());
        assert!(check_video(&[d("room", "room@example.com", true)]).is_ok());
        assert!(check_video(&[d("room", "room@example.com", false)]).is_err());
        assert!(check_video(&[d("a", "a@example.com", true), d("b", "b@example.com", true)]).is_err());
        assert!(check_video(&[d("", "a@example.com", true)]).is_err());
        assert!(check_video(&[d("a", "not-an-address", true)]).is_err());
        let many: Vec<VideoDevice> = (0..=MAX_VIDEO_DEVICES).map(|i| d("x", "x@example.com", i == 0)).collect();
        assert!(check_video(&many).is_err());
    }

    #[test]
    fn choices_and_topics_are_bounded() {
        assert!(check_choice("autoLockMinutes", 20, &AUTO_LOCK_MINUTES).is_ok());
        assert!(check_choice("autoLockMinutes", 7, &AUTO_LOCK_MINUTES).is_err());
        assert!(check_choice("joinBeforeHostMinutes", 20, &JOIN_BEFORE_HOST_MINUTES).is_err());
        assert!(check_topic("  ").is_err());
        assert_eq!(check_topic(" Team room ").unwrap(), "Team room");
        assert!(check_topic(&"x".repeat(MAX_TOPIC)).is_ok());
        assert!(check_topic(&"x".repeat(MAX_TOPIC + 1)).is_err());
    }

    #[test]
    fn stored_preferences_load_with_defaults_for_what_is_missing() {
        let p: MeetingPreferences = serde_json::from_str(r#"{"room":{"topic":"T"}}"#).unwrap();
        assert_eq!(p.room.topic.as_deref(), Some("T"));
        assert_eq!(p.audio.default_audio_type, AudioType::WebexAudio);
        let back: MeetingPreferences = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }
}
