//! The REST names of a meeting's typed options (kaigi-core `model::meeting_options`), both ways:
//! `meetingOptions`, `attendeePrivileges`, `audioConnectionOptions`, `trackingCodes`, the
//! `enabled…` switches, `reminderTime`, `unlockedMeetingJoinSecurity`, `integrationTags`. The
//! same fields the XML API reads as `enableOptions`, `telephony`, `tracking` and `remind`
//! (docs/meeting-options.md has the table).

use kaigi_core::model::meeting_options::{
    AudioConnection, AutomaticLock, EntryExitTone, Feature, Features, MeetingOptions, NoteTaking, TrackingCodes,
    UnlockedJoin,
};
use kaigi_core::model::SiteSettings;
use serde::{Deserialize, Deserializer, Serialize};
use Feature as F;

use crate::error::{Refusal, RestResult};
use crate::params::loose_bool;

/// A number the spec types as `number`: `5` and `5.0` alike; a fraction is refused.
pub fn whole_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => {
            let whole = n.as_u64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64));
            whole
                .and_then(|w| u32::try_from(w).ok())
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole number of the allowed range")))
        }
        Some(other) => Err(serde::de::Error::custom(format!("{other} is not a number"))),
    }
}

/// `meetingOptions` of a request or an answer.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeetingOptionsBody {
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_chat: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_video: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_polling: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_note: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note_type: Option<String>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_file_transfer: Option<bool>,
    #[serde(rename = "enabledUCFRichMedia", deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_ucf_rich_media: Option<bool>,
}

/// `attendeePrivileges` of a request or an answer.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AttendeePrivilegesBody {
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_share_content: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_save_document: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_print_document: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_annotate: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_view_participant_list: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_view_thumbnails: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_remote_control: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_view_any_document: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_view_any_page: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_contact_operator_privately: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_chat_host: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_chat_presenter: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_chat_other_participants: Option<bool>,
}

/// `audioConnectionOptions` of a request or an answer.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AudioConnectionBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_connection_type: Option<String>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_toll_free_call_in: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_global_call_in: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub enabled_audience_call_back: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_and_exit_tone: Option<String>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub allow_host_to_unmute_participants: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub allow_attendee_to_unmute_self: Option<bool>,
    #[serde(deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
    pub mute_attendee_upon_entry: Option<bool>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackingCodeBody {
    pub name: String,
    pub value: String,
}

/// The switches of the meeting body, in REST's names.
#[derive(Debug, Default)]
pub struct Switches {
    pub enabled_auto_record_meeting: Option<bool>,
    pub allow_any_user_to_be_co_host: Option<bool>,
    pub enable_connect_audio_before_host: Option<bool>,
    pub enabled_webcast_view: Option<bool>,
    pub allow_first_user_to_be_co_host: Option<bool>,
    pub allow_authenticated_devices: Option<bool>,
    pub enabled_breakout_sessions: Option<bool>,
    pub enabled_audio_watermark: Option<bool>,
    pub enabled_visual_watermark: Option<bool>,
    pub enabled_live_stream: Option<bool>,
    pub restrict_to_invitees: Option<bool>,
}

fn enum_of<T: Copy>(field: &'static str, value: &str, table: &[(&'static str, T)]) -> RestResult<T> {
    let found = table.iter().find(|(n, _)| *n == value).map(|(_, v)| *v);
    Ok(found.ok_or_else(|| Refusal::NotOneOf { field, allowed: table.iter().map(|(n, _)| *n).collect() })?)
}

fn name_of<T: Copy + PartialEq>(value: T, table: &[(&'static str, T)]) -> &'static str {
    table.iter().find(|(_, v)| *v == value).map(|(n, _)| *n).unwrap_or_default()
}

const UNLOCKED: [(&str, UnlockedJoin); 3] = [
    ("allowJoin", UnlockedJoin::AllowJoin),
    ("allowJoinWithLobby", UnlockedJoin::AllowJoinWithLobby),
    ("blockFromJoin", UnlockedJoin::BlockFromJoin),
];
const TONES: [(&str, EntryExitTone); 3] =
    [("beep", EntryExitTone::Beep), ("noTone", EntryExitTone::NoTone), ("announceName", EntryExitTone::AnnounceName)];
const AUDIO: [(&str, AudioConnection); 4] = [
    ("webexAudio", AudioConnection::WebexAudio),
    ("VoIP", AudioConnection::Voip),
    ("other", AudioConnection::Other),
    ("none", AudioConnection::None),
];
const NOTES: [(&str, NoteTaking); 2] = [("allowAll", NoteTaking::AllowAll), ("allowOne", NoteTaking::AllowOne)];

/// Everything of a meeting body that lands in the typed options. `replace` (PUT) sets what the
/// body leaves out to its default, so that the meeting is replaced as the API says.
#[allow(clippy::too_many_arguments)]
pub fn options_from_body(
    switches: &Switches,
    meeting_options: Option<&MeetingOptionsBody>,
    privileges: Option<&AttendeePrivilegesBody>,
    audio: Option<&AudioConnectionBody>,
    tracking: Option<&[TrackingCodeBody]>,
    reminder_time: Option<u32>,
    unlocked: Option<&str>,
    automatic_lock: (Option<bool>, Option<u32>),
    watermark_opacity: Option<u32>,
    integration_tags: Option<&[String]>,
    site: &SiteSettings,
    replace: bool,
) -> RestResult<MeetingOptions> {
    let mut o = MeetingOptions::default();
    let set = |f: &mut Features, feature: Feature, v: Option<bool>| match v {
        Some(on) => {
            f.set(feature, on);
        }
        None if replace => {
            f.set(feature, feature.default_on());
        }
        None => {}
    };
    let f = &mut o.features;
    let s = switches;
    set(f, F::AutoRecord, s.enabled_auto_record_meeting);
    set(f, F::AllowAnyUserToBeCoHost, s.allow_any_user_to_be_co_host);
    set(f, F::ConnectAudioBeforeHost, s.enable_connect_audio_before_host);
    set(f, F::WebcastView, s.enabled_webcast_view);
    set(f, F::AllowFirstUserToBeCoHost, s.allow_first_user_to_be_co_host);
    set(f, F::AllowAuthenticatedDevices, s.allow_authenticated_devices);
    set(f, F::BreakoutSessions, s.enabled_breakout_sessions);
    set(f, F::AudioWatermark, s.enabled_audio_watermark);
    set(f, F::VisualWatermark, s.enabled_visual_watermark);
    set(f, F::LiveStream, s.enabled_live_stream);
    set(f, F::RestrictToInvitees, s.restrict_to_invitees);
    let none = MeetingOptionsBody::default();
    let m = meeting_options.unwrap_or(&none);
    set(f, F::Chat, m.enabled_chat);
    set(f, F::MultiVideo, m.enabled_video);
    set(f, F::Poll, m.enabled_polling);
    set(f, F::Notes, m.enabled_note);
    set(f, F::FileShare, m.enabled_file_transfer);
    set(f, F::UcfRichMedia, m.enabled_ucf_rich_media);
    o.conduct.note_taking = match m.note_type.as_deref() {
        Some(t) => Some(enum_of("meetingOptions.noteType", t, &NOTES)?),
        None if replace => Some(NoteTaking::AllowAll),
        None => None,
    };
    let none = AttendeePrivilegesBody::default();
    let p = privileges.unwrap_or(&none);
    set(f, F::ShareWebContent, p.enabled_share_content);
    set(f, F::SaveDocument, p.enabled_save_document);
    set(f, F::PrintDocument, p.enabled_print_document);
    set(f, F::Annotation, p.enabled_annotate);
    set(f, F::AttendeeList, p.enabled_view_participant_list);
    set(f, F::Thumbnail, p.enabled_view_thumbnails);
    set(f, F::RemoteDesktopShare, p.enabled_remote_control);
    set(f, F::ViewAnyDoc, p.enabled_view_any_document);
    set(f, F::ViewAnyPage, p.enabled_view_any_page);
    set(f, F::AllowContactPrivate, p.enabled_contact_operator_privately);
    set(f, F::ChatHost, p.enabled_chat_host);
    set(f, F::ChatPresenter, p.enabled_chat_presenter);
    set(f, F::ChatAllAttendees, p.enabled_chat_other_participants);
    let none = AudioConnectionBody::default();
    let a = audio.unwrap_or(&none);
    set(f, F::AudienceCallBack, a.enabled_audience_call_back);
    set(f, F::HostUnmutesParticipants, a.allow_host_to_unmute_participants);
    set(f, F::AttendeeUnmutesSelf, a.allow_attendee_to_unmute_self);
    let t = &mut o.telephony;
    t.toll_free = a.enabled_toll_free_call_in.or(replace.then_some(false));
    t.international_local_call_in = a.enabled_global_call_in.or(replace.then_some(false));
    t.mute_upon_entry = a.mute_attendee_upon_entry.or(replace.then_some(false));
    let c = &mut o.conduct;
    c.audio_connection = match a.audio_connection_type.as_deref() {
        Some(v) => Some(enum_of("audioConnectionOptions.audioConnectionType", v, &AUDIO)?),
        None => replace.then_some(AudioConnection::WebexAudio),
    };
    c.entry_exit_tone = match a.entry_and_exit_tone.as_deref() {
        Some(v) => Some(enum_of("audioConnectionOptions.entryAndExitTone", v, &TONES)?),
        None => replace.then_some(EntryExitTone::Beep),
    };
    c.unlocked_join = match unlocked {
        Some(v) => Some(enum_of("unlockedMeetingJoinSecurity", v, &UNLOCKED)?),
        None => replace.then_some(UnlockedJoin::AllowJoinWithLobby),
    };
    c.automatic_lock = match automatic_lock {
        (Some(false), Some(m)) if m > 0 => return Err(Refusal::LockMinutesWithoutLock.into()),
        (Some(true), minutes) => Some(AutomaticLock::AfterMinutes(minutes.unwrap_or(0))),
        (None, Some(m)) => Some(AutomaticLock::AfterMinutes(m)),
        (Some(false), _) => Some(AutomaticLock::Off),
        (None, None) => replace.then_some(AutomaticLock::Off),
    };
    c.visual_watermark_opacity = watermark_opacity;
    c.integration_tags = match integration_tags {
        Some(tags) => Some(tags.to_vec()),
        None => replace.then(Vec::new),
    };
    if let Some(minutes) = reminder_time {
        o.remind.enabled = Some(minutes > 0);
        o.remind.minutes_ahead = Some(minutes);
    } else if replace {
        o.remind.enabled = Some(false);
        o.remind.minutes_ahead = Some(0);
    }
    if tracking.is_some() || replace {
        // The list replaces the codes: every slot it does not name is emptied.
        for i in 1..=TrackingCodes::SLOTS {
            o.tracking.set(i, String::new());
        }
        for code in tracking.unwrap_or_default() {
            let slot = site.tracking_code_slot(&code.name).ok_or_else(|| Refusal::UnknownTrackingCode {
                name: code.name.clone(),
                known: (1..=TrackingCodes::SLOTS).map(|i| site.tracking_code_name(i)).collect(),
            })?;
            o.tracking.set(slot, code.value.clone());
        }
    }
    Ok(o)
}

/// `enableAutomaticLock` and `automaticLockMinutes`.
pub fn automatic_lock(o: &MeetingOptions) -> (bool, Option<u32>) {
    match o.conduct.automatic_lock {
        Some(AutomaticLock::AfterMinutes(m)) => (true, Some(m)),
        Some(AutomaticLock::Off) | None => (false, Some(0)),
    }
}

pub fn meeting_options_out(o: &MeetingOptions) -> MeetingOptionsBody {
    let f = &o.features;
    MeetingOptionsBody {
        enabled_chat: Some(f.is_on(F::Chat)),
        enabled_video: Some(f.is_on(F::MultiVideo)),
        enabled_polling: Some(f.is_on(F::Poll)),
        enabled_note: Some(f.is_on(F::Notes)),
        note_type: Some(name_of(o.conduct.note_taking.unwrap_or(NoteTaking::AllowAll), &NOTES).to_string()),
        enabled_file_transfer: Some(f.is_on(F::FileShare)),
        enabled_ucf_rich_media: Some(f.is_on(F::UcfRichMedia)),
    }
}

pub fn privileges_out(o: &MeetingOptions) -> AttendeePrivilegesBody {
    let f = &o.features;
    AttendeePrivilegesBody {
        enabled_share_content: Some(f.is_on(F::ShareWebContent)),
        enabled_save_document: Some(f.is_on(F::SaveDocument)),
        enabled_print_document: Some(f.is_on(F::PrintDocument)),
        enabled_annotate: Some(f.is_on(F::Annotation)),
        enabled_view_participant_list: Some(f.is_on(F::AttendeeList)),
        enabled_view_thumbnails: Some(f.is_on(F::Thumbnail)),
        enabled_remote_control: Some(f.is_on(F::RemoteDesktopShare)),
        enabled_view_any_document: Some(f.is_on(F::ViewAnyDoc)),
        enabled_view_any_page: Some(f.is_on(F::ViewAnyPage)),
        enabled_contact_operator_privately: Some(f.is_on(F::AllowContactPrivate)),
        enabled_chat_host: Some(f.is_on(F::ChatHost)),
        enabled_chat_presenter: Some(f.is_on(F::ChatPresenter)),
        enabled_chat_other_participants: Some(f.is_on(F::ChatAllAttendees)),
    }
}

pub fn audio_out(o: &MeetingOptions) -> AudioConnectionBody {
    let f = &o.features;
    let t = &o.telephony;
    AudioConnectionBody {
        audio_connection_type: Some(
            name_of(o.conduct.audio_connection.unwrap_or(AudioConnection::WebexAudio), &AUDIO).to_string(),
        ),
        enabled_toll_free_call_in: Some(t.toll_free.unwrap_or(false)),
        enabled_global_call_in: Some(t.international_local_call_in.unwrap_or(false)),
        enabled_audience_call_back: Some(f.is_on(F::AudienceCallBack)),
        entry_and_exit_tone: Some(
            name_of(o.conduct.entry_exit_tone.unwrap_or(EntryExitTone::Beep), &TONES).to_string(),
        ),
        allow_host_to_unmute_participants: Some(f.is_on(F::HostUnmutesParticipants)),
        allow_attendee_to_unmute_self: Some(f.is_on(F::AttendeeUnmutesSelf)),
        mute_attendee_upon_entry: Some(t.mute_upon_entry.unwrap_or(false)),
    }
}

pub fn unlocked_out(o: &MeetingOptions) -> &'static str {
    name_of(o.conduct.unlocked_join.unwrap_or(UnlockedJoin::AllowJoinWithLobby), &UNLOCKED)
}

pub fn tracking_out(o: &MeetingOptions, site: &SiteSettings) -> Vec<TrackingCodeBody> {
    o.tracking
        .iter()
        .map(|(i, v)| TrackingCodeBody { name: site.tracking_code_name(i), value: v.to_string() })
        .collect()
}
