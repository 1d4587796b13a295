//! A meeting's options as typed values, neutral to both APIs: its features (what the XML API
//! calls `enableOptions`, REST a handful of `enabled…` fields), its telephony, its tracking codes
//! and its reminder. Each face maps its own names onto these (docs/meeting-options.md has the
//! table); the core stores them and merges changes into them one leaf at a time, so a change of
//! one option keeps every other.
//!
//! Plain data: no I/O and no rules beyond "a change replaces what it names".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::meeting_setup::{BreakoutSession, Interpretation, InvitationSource};

macro_rules! features {
    ($($variant:ident => $key:literal, $default:literal;)*) => {
        /// One switch of a meeting. Variants are in the order of the 2011 meeting schema's
        /// `enableOptions`, then the switches added since and the training and event ones.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Feature {
            $($variant,)*
        }

        impl Feature {
            pub const ALL: &'static [Feature] = &[$(Feature::$variant,)*];

            /// The stable name kaigi stores the switch under.
            pub fn key(self) -> &'static str {
                match self {
                    $(Feature::$variant => $key,)*
                }
            }

            /// The value of a switch nobody set: kaigi's site default.
            pub fn default_on(self) -> bool {
                match self {
                    $(Feature::$variant => $default,)*
                }
            }
        }
    };
}

features! {
    Chat => "chat", true;
    Poll => "poll", true;
    AudioVideo => "audio_video", true;
    AttendeeList => "attendee_list", true;
    FileShare => "file_share", true;
    Presentation => "presentation", true;
    ApplicationShare => "application_share", true;
    DesktopShare => "desktop_share", true;
    WebTour => "web_tour", true;
    MeetingRecord => "meeting_record", true;
    Annotation => "annotation", true;
    ImportDocument => "import_document", true;
    SaveDocument => "save_document", true;
    PrintDocument => "print_document", true;
    Pointer => "pointer", true;
    SwitchPage => "switch_page", true;
    FullScreen => "full_screen", true;
    Thumbnail => "thumbnail", true;
    Zoom => "zoom", true;
    CopyPage => "copy_page", true;
    RemoteAppShare => "remote_app_share", true;
    RemoteDesktopShare => "remote_desktop_share", true;
    RemoteWebTour => "remote_web_tour", true;
    JavaClient => "java_client", true;
    NativeClient => "native_client", true;
    AttendeeRecordMeeting => "attendee_record_meeting", false;
    Voip => "voip", true;
    FaxIntoMeeting => "fax_into_meeting", false;
    EnableRegistration => "enable_registration", false;
    QandA => "q_and_a", true;
    Feedback => "feedback", true;
    BreakoutSessions => "breakout_sessions", false;
    Panelists => "panelists", false;
    RemoteComputer => "remote_computer", false;
    ShareWebContent => "share_web_content", true;
    UcfWebPages => "ucf_web_pages", false;
    UcfRichMedia => "ucf_rich_media", false;
    AutoDeleteAfterMeetingEnd => "auto_delete_after_meeting_end", false;
    ViewAnyDoc => "view_any_doc", true;
    ViewAnyPage => "view_any_page", true;
    AllowContactPrivate => "allow_contact_private", true;
    ChatHost => "chat_host", true;
    ChatPresenter => "chat_presenter", true;
    ChatAllAttendees => "chat_all_attendees", true;
    MultiVideo => "multi_video", true;
    Notes => "notes", true;
    ClosedCaptions => "closed_captions", false;
    SingleNote => "single_note", false;
    SendFeedback => "send_feedback", false;
    DisplayQuickStartHost => "display_quick_start_host", true;
    DisplayQuickStartAttendees => "display_quick_start_attendees", false;
    EndToEndEncryption => "end_to_end_encryption", false;
    PublicKeyInfrastructure => "public_key_infrastructure", false;
    HqVideo => "hq_video", true;
    HdVideo => "hd_video", true;
    ViewVideoThumbs => "view_video_thumbs", true;
    AutoRecord => "auto_record", false;
    JoinBeforeHost => "join_before_host", false;
    NetworkBasedRecord => "network_based_record", false;
    PresenterBreakoutSession => "presenter_breakout_session", false;
    AttendeeBreakoutSession => "attendee_breakout_session", false;
    MuteOnEntry => "mute_on_entry", false;
    VeryLargeSession => "very_large_session", false;
    AllowAnyUserToBeCoHost => "allow_any_user_to_be_co_host", false;
    ConnectAudioBeforeHost => "connect_audio_before_host", false;
    RequireAttendeeLogin => "require_attendee_login", false;
    RestrictToInvitees => "restrict_to_invitees", false;
    WebcastView => "webcast_view", false;
    AllowFirstUserToBeCoHost => "allow_first_user_to_be_co_host", false;
    AllowAuthenticatedDevices => "allow_authenticated_devices", false;
    AudioWatermark => "audio_watermark", false;
    VisualWatermark => "visual_watermark", false;
    LiveStream => "live_stream", false;
    HostUnmutesParticipants => "host_unmutes_participants", false;
    AttendeeUnmutesSelf => "attendee_unmutes_self", true;
    AudienceCallBack => "audience_call_back", false;
}

impl Feature {
    pub fn from_key(key: &str) -> Option<Feature> {
        Feature::ALL.iter().copied().find(|f| f.key() == key)
    }
}

/// The switches a meeting (or a change of it) sets; a switch it does not set has its default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features(BTreeMap<Feature, bool>);

impl Features {
    pub fn get(&self, f: Feature) -> Option<bool> {
        self.0.get(&f).copied()
    }

    /// The meeting's value, or the site default.
    pub fn is_on(&self, f: Feature) -> bool {
        self.get(f).unwrap_or_else(|| f.default_on())
    }

    pub fn set(&mut self, f: Feature, on: bool) -> &mut Self {
        self.0.insert(f, on);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Feature, bool)> + '_ {
        self.0.iter().map(|(f, on)| (*f, *on))
    }

    /// Takes every switch `change` sets; keeps the others.
    pub fn merge(&mut self, change: &Features) {
        self.0.extend(change.iter());
    }
}

impl Serialize for Features {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let named: BTreeMap<&str, bool> = self.iter().map(|(f, on)| (f.key(), on)).collect();
        named.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Features {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let named = BTreeMap::<String, bool>::deserialize(d)?;
        let mut out = Features::default();
        for (key, on) in named {
            let f =
                Feature::from_key(&key).ok_or_else(|| serde::de::Error::custom(format!("unknown feature {key}")))?;
            out.set(f, on);
        }
        Ok(out)
    }
}

/// How people join the audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AudioSupport {
    None,
    CallIn,
    CallBack,
    Other,
}

/// Which access code a caller gives first to a teleconference service provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessCodeOrder {
    SubscriberFirst,
    ParticipantFirst,
}

/// Call-in numbers of a meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallInNumbers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toll: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toll_free: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub international_local: Option<String>,
}

impl CallInNumbers {
    fn merge(&mut self, change: &CallInNumbers) {
        take(&mut self.toll, &change.toll);
        take(&mut self.toll_free, &change.toll_free);
        take(&mut self.international_local, &change.international_local);
    }
}

/// A meeting's telephony; a field nobody set is None and answered with kaigi's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Telephony {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support: Option<AudioSupport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_lines: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tsp_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tsp_account_index: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_account_index: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub international_local_call_in: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_in: Option<CallInNumbers>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_code_order: Option<AccessCodeOrder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toll_free: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mp_audio: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broadcast_audio_stream: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute_upon_entry: Option<bool>,
}

fn take<T: Clone>(dst: &mut Option<T>, src: &Option<T>) {
    if let Some(v) = src {
        *dst = Some(v.clone());
    }
}

impl Telephony {
    pub fn is_empty(&self) -> bool {
        *self == Telephony::default()
    }

    /// Takes every field `change` sets, down to each call-in number; keeps the others.
    pub fn merge(&mut self, change: &Telephony) {
        take(&mut self.support, &change.support);
        take(&mut self.phone_lines, &change.phone_lines);
        take(&mut self.external_url, &change.external_url);
        take(&mut self.external_description, &change.external_description);
        take(&mut self.tsp_enabled, &change.tsp_enabled);
        take(&mut self.tsp_account_index, &change.tsp_account_index);
        take(&mut self.personal_account_index, &change.personal_account_index);
        take(&mut self.international_local_call_in, &change.international_local_call_in);
        take(&mut self.location, &change.location);
        if let Some(numbers) = &change.call_in {
            self.call_in.get_or_insert_with(CallInNumbers::default).merge(numbers);
        }
        take(&mut self.access_code_order, &change.access_code_order);
        take(&mut self.toll_free, &change.toll_free);
        take(&mut self.mp_audio, &change.mp_audio);
        take(&mut self.broadcast_audio_stream, &change.broadcast_audio_stream);
        take(&mut self.mute_upon_entry, &change.mute_upon_entry);
    }
}

/// The ten tracking codes (1 to 10) a meeting may carry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingCodes(BTreeMap<u8, String>);

impl TrackingCodes {
    pub const SLOTS: u8 = 10;

    pub fn get(&self, index: u8) -> Option<&str> {
        self.0.get(&index).map(String::as_str)
    }

    /// Sets code `index` (1 to 10); None for any other index.
    pub fn set(&mut self, index: u8, value: String) -> Option<&mut Self> {
        if !(1..=Self::SLOTS).contains(&index) {
            return None;
        }
        self.0.insert(index, value);
        Some(self)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (u8, &str)> + '_ {
        self.0.iter().map(|(i, v)| (*i, v.as_str()))
    }

    /// Takes every code `change` sets; an empty code removes that slot's code.
    pub fn merge(&mut self, change: &TrackingCodes) {
        for (i, v) in &change.0 {
            if v.is_empty() {
                self.0.remove(i);
            } else {
                self.0.insert(*i, v.clone());
            }
        }
    }
}

/// A meeting's reminder; None fields are unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_email: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_mobile: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_ahead: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_ahead: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes_ahead: Option<u32>,
}

impl Reminder {
    pub fn is_empty(&self) -> bool {
        *self == Reminder::default()
    }

    /// Takes every field `change` sets (a list of e-mails as a whole); keeps the others.
    pub fn merge(&mut self, change: &Reminder) {
        take(&mut self.enabled, &change.enabled);
        take(&mut self.emails, &change.emails);
        take(&mut self.send_email, &change.send_email);
        take(&mut self.mobile, &change.mobile);
        take(&mut self.send_mobile, &change.send_mobile);
        take(&mut self.days_ahead, &change.days_ahead);
        take(&mut self.hours_ahead, &change.hours_ahead);
        take(&mut self.minutes_ahead, &change.minutes_ahead);
    }
}

/// The sound when someone joins or leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryExitTone {
    Beep,
    NoTone,
    AnnounceName,
}

/// Who may join while the meeting is unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnlockedJoin {
    AllowJoin,
    AllowJoinWithLobby,
    BlockFromJoin,
}

/// How people connect to the audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AudioConnection {
    WebexAudio,
    Voip,
    Other,
    None,
}

/// Whether everyone takes notes or one person does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoteTaking {
    AllowAll,
    AllowOne,
}

/// Whether the meeting locks itself, and how many minutes after its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AutomaticLock {
    Off,
    AfterMinutes(u32),
}

/// Assistance asked of the service for a meeting (the schema's `meetingAssistType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssistRequest {
    None,
    DryRun,
    Consult,
    LiveEventSupport,
    AudioStreaming,
    Video,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssistConfirm {
    Pending,
    Confirmed,
    Cancelled,
}

/// How a meeting runs, beyond its switches: tones, lobby, audio, notes, automatic lock,
/// assistance. None fields are unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conduct {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_exit_tone: Option<EntryExitTone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unlocked_join: Option<UnlockedJoin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_connection: Option<AudioConnection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_taking: Option<NoteTaking>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatic_lock: Option<AutomaticLock>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assist_request: Option<AssistRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assist_confirm: Option<AssistConfirm>,
    /// Opacity of the visual watermark, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visual_watermark_opacity: Option<u32>,
    /// Labels an integration puts on the meeting (REST `integrationTags`); a change replaces them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_tags: Option<Vec<String>>,
    /// Simultaneous interpretation and its interpreters (REST `simultaneousInterpretation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<Interpretation>,
    /// Breakout sessions planned before the meeting; a change replaces them all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakout_sessions: Option<Vec<BreakoutSession>>,
    /// A webinar's invitation sources; a change replaces them all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_sources: Option<Vec<InvitationSource>>,
}

impl Conduct {
    pub fn merge(&mut self, change: &Conduct) {
        take(&mut self.entry_exit_tone, &change.entry_exit_tone);
        take(&mut self.unlocked_join, &change.unlocked_join);
        take(&mut self.audio_connection, &change.audio_connection);
        take(&mut self.note_taking, &change.note_taking);
        take(&mut self.automatic_lock, &change.automatic_lock);
        take(&mut self.assist_request, &change.assist_request);
        take(&mut self.assist_confirm, &change.assist_confirm);
        take(&mut self.visual_watermark_opacity, &change.visual_watermark_opacity);
        take(&mut self.integration_tags, &change.integration_tags);
        take(&mut self.interpretation, &change.interpretation);
        take(&mut self.breakout_sessions, &change.breakout_sessions);
        take(&mut self.invitation_sources, &change.invitation_sources);
    }
}

/// Everything optional a meeting carries besides its schedule, as one value: what a create
/// sets and what a change merges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingOptions {
    pub features: Features,
    pub telephony: Telephony,
    pub tracking: TrackingCodes,
    pub remind: Reminder,
    pub conduct: Conduct,
}

impl MeetingOptions {
    pub fn merge(&mut self, change: &MeetingOptions) {
        self.features.merge(&change.features);
        self.telephony.merge(&change.telephony);
        self.tracking.merge(&change.tracking);
        self.remind.merge(&change.remind);
        self.conduct.merge(&change.conduct);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_round_trip() {
        for (i, a) in Feature::ALL.iter().enumerate() {
            assert_eq!(Feature::from_key(a.key()), Some(*a));
            assert!(Feature::ALL[i + 1..].iter().all(|b| b.key() != a.key()), "{a:?}");
        }
    }

    #[test]
    fn a_change_keeps_what_it_does_not_name() {
        let mut t = Telephony {
            support: Some(AudioSupport::CallIn),
            external_description: Some("bridge".into()),
            call_in: Some(CallInNumbers { toll: Some("+1 555".into()), ..CallInNumbers::default() }),
            ..Telephony::default()
        };
        t.merge(&Telephony {
            phone_lines: Some(8),
            call_in: Some(CallInNumbers { toll_free: Some("0800".into()), ..CallInNumbers::default() }),
            ..Telephony::default()
        });
        assert_eq!(t.support, Some(AudioSupport::CallIn));
        assert_eq!(t.external_description.as_deref(), Some("bridge"));
        assert_eq!(t.phone_lines, Some(8));
        let numbers = t.call_in.unwrap();
        assert_eq!((numbers.toll.as_deref(), numbers.toll_free.as_deref()), (Some("+1 555"), Some("0800")));

        let mut codes = TrackingCodes::default();
        codes.set(1, "a".into());
        let mut change = TrackingCodes::default();
        change.set(2, "b".into());
        codes.merge(&change);
        assert_eq!((codes.get(1), codes.get(2)), (Some("a"), Some("b")));
        assert!(codes.set(11, "x".into()).is_none());

        let mut f = Features::default();
        f.set(Feature::Chat, false);
        f.merge(Features::default().set(Feature::Poll, false));
        assert!(!f.is_on(Feature::Chat) && !f.is_on(Feature::Poll) && f.is_on(Feature::Zoom));
    }

    #[test]
    fn conduct_documents_written_before_the_setup_still_load() {
        let old: Conduct = serde_json::from_str(r#"{"entry_exit_tone":"Beep","integration_tags":["a"]}"#).unwrap();
        assert_eq!(old.entry_exit_tone, Some(EntryExitTone::Beep));
        assert!(old.interpretation.is_none() && old.breakout_sessions.is_none() && old.invitation_sources.is_none());
        let mut with = old.clone();
        with.merge(&Conduct {
            interpretation: Some(Interpretation { enabled: true, interpreters: Vec::new() }),
            ..Conduct::default()
        });
        let text = serde_json::to_string(&with).unwrap();
        assert_eq!(serde_json::from_str::<Conduct>(&text).unwrap(), with);
        assert_eq!(with.integration_tags, old.integration_tags);
    }

    #[test]
    fn features_are_stored_by_key() {
        let mut f = Features::default();
        f.set(Feature::AutoRecord, true);
        let text = serde_json::to_string(&f).unwrap();
        assert_eq!(text, r#"{"auto_record":true}"#);
        assert_eq!(serde_json::from_str::<Features>(&text).unwrap(), f);
    }
}
