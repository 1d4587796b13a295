//! The XML API's names for a meeting's typed options (kaigi-core `model::meeting_options`): the
//! `enableOptions` switches of each service in its schema's order, `telephony`, `tracking` and
//! `remind`. Reading refuses a child it does not know (naming it) rather than drop it; writing
//! answers every switch of the schema with the meeting's value or the site default.

use kaigi_core::model::meeting_options::{
    AccessCodeOrder, AssistConfirm, AssistRequest, AudioSupport, CallInNumbers, EntryExitTone, Feature, Features,
    Reminder, Telephony, TrackingCodes,
};
use Feature as F;

use crate::codes::Failure;
use crate::element::Element;
use crate::values::{parse_bool, parse_num};
use crate::writer::BodyWriter;

/// Meeting Center's `enableOptions`, in the 2011 schema's order, then the switches real answers
/// carry since (schema_additions.rs lists those).
pub const MEETING_FEATURES: &[(&str, Feature)] = &[
    ("chat", F::Chat),
    ("poll", F::Poll),
    ("audioVideo", F::AudioVideo),
    ("attendeeList", F::AttendeeList),
    ("fileShare", F::FileShare),
    ("presentation", F::Presentation),
    ("applicationShare", F::ApplicationShare),
    ("desktopShare", F::DesktopShare),
    ("webTour", F::WebTour),
    ("meetingRecord", F::MeetingRecord),
    ("annotation", F::Annotation),
    ("importDocument", F::ImportDocument),
    ("saveDocument", F::SaveDocument),
    ("printDocument", F::PrintDocument),
    ("pointer", F::Pointer),
    ("switchPage", F::SwitchPage),
    ("fullScreen", F::FullScreen),
    ("thumbnail", F::Thumbnail),
    ("zoom", F::Zoom),
    ("copyPage", F::CopyPage),
    ("rcAppShare", F::RemoteAppShare),
    ("rcDesktopShare", F::RemoteDesktopShare),
    ("rcWebTour", F::RemoteWebTour),
    ("javaClient", F::JavaClient),
    ("nativeClient", F::NativeClient),
    ("attendeeRecordMeeting", F::AttendeeRecordMeeting),
    ("voip", F::Voip),
    ("faxIntoMeeting", F::FaxIntoMeeting),
    ("enableReg", F::EnableRegistration),
    ("supportQandA", F::QandA),
    ("supportFeedback", F::Feedback),
    ("supportBreakoutSessions", F::BreakoutSessions),
    ("supportPanelists", F::Panelists),
    ("supportRemoteComputer", F::RemoteComputer),
    ("supportShareWebContent", F::ShareWebContent),
    ("supportUCFWebPages", F::UcfWebPages),
    ("supportUCFRichMedia", F::UcfRichMedia),
    ("autoDeleteAfterMeetingEnd", F::AutoDeleteAfterMeetingEnd),
    ("viewAnyDoc", F::ViewAnyDoc),
    ("viewAnyPage", F::ViewAnyPage),
    ("allowContactPrivate", F::AllowContactPrivate),
    ("chatHost", F::ChatHost),
    ("chatPresenter", F::ChatPresenter),
    ("chatAllAttendees", F::ChatAllAttendees),
    ("multiVideo", F::MultiVideo),
    ("notes", F::Notes),
    ("closedCaptions", F::ClosedCaptions),
    ("singleNote", F::SingleNote),
    ("sendFeedback", F::SendFeedback),
    ("displayQuickStartHost", F::DisplayQuickStartHost),
    ("displayQuickStartAttendees", F::DisplayQuickStartAttendees),
    ("supportE2E", F::EndToEndEncryption),
    ("supportPKI", F::PublicKeyInfrastructure),
    ("HQvideo", F::HqVideo),
    ("HDvideo", F::HdVideo),
    ("viewVideoThumbs", F::ViewVideoThumbs),
    ("autoRecord", F::AutoRecord),
    ("joinBeforeHost", F::JoinBeforeHost),
];

/// Training Center's `enableOptions` in its schema's order; the first three are of the shared
/// session schema (`sess:`).
pub const TRAINING_FEATURES: &[(&str, Feature)] = &[
    ("attendeeList", F::AttendeeList),
    ("javaClient", F::JavaClient),
    ("nativeClient", F::NativeClient),
    ("chat", F::Chat),
    ("poll", F::Poll),
    ("audioVideo", F::AudioVideo),
    ("fileShare", F::FileShare),
    ("presentation", F::Presentation),
    ("applicationShare", F::ApplicationShare),
    ("desktopShare", F::DesktopShare),
    ("webTour", F::WebTour),
    ("trainingSessionRecord", F::MeetingRecord),
    ("annotation", F::Annotation),
    ("importDocument", F::ImportDocument),
    ("saveDocument", F::SaveDocument),
    ("printDocument", F::PrintDocument),
    ("pointer", F::Pointer),
    ("switchPage", F::SwitchPage),
    ("fullScreen", F::FullScreen),
    ("thumbnail", F::Thumbnail),
    ("zoom", F::Zoom),
    ("copyPage", F::CopyPage),
    ("rcAppShare", F::RemoteAppShare),
    ("rcDesktopShare", F::RemoteDesktopShare),
    ("rcWebTour", F::RemoteWebTour),
    ("attendeeRecordTrainingSession", F::AttendeeRecordMeeting),
    ("voip", F::Voip),
    ("faxIntoTrainingSession", F::FaxIntoMeeting),
    ("autoDeleteAfterMeetingEnd", F::AutoDeleteAfterMeetingEnd),
    ("displayQuickStartHost", F::DisplayQuickStartHost),
    ("displayQuickStartAttendees", F::DisplayQuickStartAttendees),
    ("supportQandA", F::QandA),
    ("supportFeedback", F::Feedback),
    ("supportBreakoutSessions", F::BreakoutSessions),
    ("supportRemoteComputer", F::RemoteComputer),
    ("supportShareWebContent", F::ShareWebContent),
    ("supportUCFRichMedia", F::UcfRichMedia),
    ("networkBasedRecord", F::NetworkBasedRecord),
    ("presenterBreakoutSession", F::PresenterBreakoutSession),
    ("attendeeBreakoutSession", F::AttendeeBreakoutSession),
    ("supportPanelists", F::Panelists),
    ("muteOnEntry", F::MuteOnEntry),
    ("multiVideo", F::MultiVideo),
    ("veryLargeSess", F::VeryLargeSession),
];

/// The training options that belong to the shared session schema.
pub const SESSION_SCHEMA_FEATURES: [&str; 3] = ["attendeeList", "javaClient", "nativeClient"];

fn feature_named(name: &str) -> Option<Feature> {
    MEETING_FEATURES
        .iter()
        .chain(TRAINING_FEATURES)
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, f)| *f)
        // Names the 40.x training schema and older clients use for the same switches.
        .or(match name.to_ascii_lowercase().as_str() {
            "attendeesendvideo" => Some(F::MultiVideo),
            _ => None,
        })
}

/// `enableOptions`: each child a switch of any service's list, each value a boolean.
pub fn read_features(el: &Element) -> Result<Features, Failure> {
    let mut out = Features::default();
    for c in &el.children {
        let f = feature_named(&c.name).ok_or_else(|| Failure::unknown_element(&c.name, "enableOptions"))?;
        out.set(f, parse_bool(&c.name, &c.text)?);
    }
    Ok(out)
}

/// Every switch of `table` with the meeting's value or the default; `sess:` where the training
/// schema takes it from the session schema.
pub fn write_features(w: &mut BodyWriter, table: &[(&str, Feature)], features: &Features) {
    w.node("enableOptions", |w| {
        for (name, f) in table {
            let on = features.is_on(*f);
            if table.len() == TRAINING_FEATURES.len() && SESSION_SCHEMA_FEATURES.contains(name) {
                w.leaf_in("sess", name, on);
            } else {
                w.flag(name, on);
            }
        }
    });
}

fn text(c: &Element) -> Option<String> {
    Some(c.text.clone())
}

fn audio_support(name: &str, v: &str) -> Result<AudioSupport, Failure> {
    Ok(match v.trim().to_ascii_uppercase().as_str() {
        "NONE" => AudioSupport::None,
        "CALLIN" => AudioSupport::CallIn,
        "CALLBACK" => AudioSupport::CallBack,
        "OTHER" => AudioSupport::Other,
        _ => return Err(Failure::invalid(name, "must be NONE, CALLIN, CALLBACK or OTHER")),
    })
}

pub fn audio_support_wire(s: AudioSupport) -> &'static str {
    match s {
        AudioSupport::None => "NONE",
        AudioSupport::CallIn => "CALLIN",
        AudioSupport::CallBack => "CALLBACK",
        AudioSupport::Other => "OTHER",
    }
}

fn call_in_numbers(c: &Element) -> Result<CallInNumbers, Failure> {
    let mut n = CallInNumbers::default();
    if c.children.is_empty() {
        // A bare number: the toll number.
        n.toll = (!c.text.is_empty()).then(|| c.text.clone());
        return Ok(n);
    }
    for g in &c.children {
        match g.name.to_ascii_lowercase().as_str() {
            "tollnum" => n.toll = text(g),
            "tollfreenum" => n.toll_free = text(g),
            "intllocalnum" => n.international_local = text(g),
            _ => return Err(Failure::unknown_element(&g.name, "callInNum")),
        }
    }
    Ok(n)
}

/// `telephony` (and the teleconference block's shared fields).
pub fn read_telephony(el: &Element) -> Result<Telephony, Failure> {
    let mut t = Telephony::default();
    for c in &el.children {
        let name = c.name.as_str();
        let v = c.text.as_str();
        match name.to_ascii_lowercase().as_str() {
            "telephonysupport" => t.support = Some(audio_support(name, v)?),
            "numphonelines" => t.phone_lines = Some(parse_num(name, v)?),
            "exttelephonyurl" => t.external_url = text(c),
            "exttelephonydescription" => t.external_description = text(c),
            "enabletsp" => t.tsp_enabled = Some(parse_bool(name, v)?),
            "tspaccountindex" => t.tsp_account_index = Some(parse_num(name, v)?),
            "personalaccountindex" => t.personal_account_index = Some(parse_num(name, v)?),
            "intllocalcallin" => t.international_local_call_in = Some(parse_bool(name, v)?),
            "teleconflocation" => t.location = text(c),
            "callinnum" => t.call_in = Some(call_in_numbers(c)?),
            "tspaccesscodeorder" => {
                t.access_code_order = Some(match v.trim().to_ascii_uppercase().as_str() {
                    "SUBSCRIBER_1ST" => AccessCodeOrder::SubscriberFirst,
                    "PARTICIPANT_1ST" => AccessCodeOrder::ParticipantFirst,
                    _ => return Err(Failure::invalid(name, "must be SUBSCRIBER_1ST or PARTICIPANT_1ST")),
                })
            }
            "tollfree" => t.toll_free = Some(parse_bool(name, v)?),
            "ismpaudio" => t.mp_audio = Some(parse_bool(name, v)?),
            "broadcastaudiostream" => t.broadcast_audio_stream = Some(parse_bool(name, v)?),
            "muteuponentry" => t.mute_upon_entry = Some(parse_bool(name, v)?),
            _ => return Err(Failure::unknown_element(name, "telephony")),
        }
    }
    Ok(t)
}

/// What a service's `telephony` answers, in its schema's order. `extra` writes the event schema's
/// own fields between `tspAccessCodeOrder` and `tollFree`.
pub fn write_telephony(w: &mut BodyWriter, prefix: &'static str, t: &Telephony, meeting: bool) {
    w.node("telephony", |w| {
        let support = t.support.unwrap_or(AudioSupport::CallIn);
        w.leaf_in(prefix, "telephonySupport", audio_support_wire(support));
        w.leaf_in(prefix, "numPhoneLines", t.phone_lines.unwrap_or(50));
        if let Some(u) = &t.external_url {
            w.leaf_in(prefix, "extTelephonyURL", u);
        }
        if let Some(d) = &t.external_description {
            w.leaf_in(prefix, "extTelephonyDescription", d);
        }
        w.leaf_in(prefix, "enableTSP", t.tsp_enabled.unwrap_or(false));
        if let Some(i) = t.tsp_account_index {
            w.leaf_in(prefix, "tspAccountIndex", i);
        }
        if let Some(i) = t.personal_account_index {
            w.leaf_in(prefix, "personalAccountIndex", i);
        }
        w.leaf_in(prefix, "intlLocalCallIn", t.international_local_call_in.unwrap_or(false));
        if let Some(l) = &t.location {
            w.leaf_in(prefix, "teleconfLocation", l);
        }
        if let Some(n) = &t.call_in {
            w.node_in(prefix, "callInNum", |w| {
                w.leaf_in("serv", "tollNum", n.toll.as_deref().unwrap_or(""));
                if let Some(v) = &n.toll_free {
                    w.leaf_in("serv", "tollFreeNum", v);
                }
                if let Some(v) = &n.international_local {
                    w.leaf_in("serv", "intlLocalNum", v);
                }
            });
        }
        if let Some(o) = t.access_code_order {
            let wire = match o {
                AccessCodeOrder::SubscriberFirst => "SUBSCRIBER_1ST",
                AccessCodeOrder::ParticipantFirst => "PARTICIPANT_1ST",
            };
            w.leaf_in(prefix, "tspAccessCodeOrder", wire);
        }
        if !meeting && prefix == "event" {
            if let Some(b) = t.broadcast_audio_stream {
                w.leaf_in(prefix, "broadcastAudioStream", b);
            }
        }
        w.leaf_in(prefix, "tollFree", t.toll_free.unwrap_or(false));
        if meeting {
            w.leaf_in(prefix, "isMPAudio", t.mp_audio.unwrap_or(false));
        } else if prefix == "event" {
            if let Some(b) = t.mute_upon_entry {
                w.leaf_in(prefix, "muteUponEntry", b);
            }
        }
    });
}

/// `tracking`: `trackingCode1` … `trackingCode10`; also the person a booking is for, which kaigi
/// reads from a `requester` or `bookedFor` child (docs/licensing.md).
pub fn read_tracking(el: &Element) -> Result<(TrackingCodes, Option<String>), Failure> {
    let mut codes = TrackingCodes::default();
    let mut requester = None;
    for c in &el.children {
        let lower = c.name.to_ascii_lowercase();
        if lower == "requester" || lower == "bookedfor" {
            requester = Some(c.text.clone());
            continue;
        }
        let slot = lower.strip_prefix("trackingcode").and_then(|n| n.parse::<u8>().ok());
        match slot {
            Some(i) if codes.set(i, c.text.clone()).is_some() => {}
            _ => return Err(Failure::unknown_element(&c.name, "tracking")),
        }
    }
    Ok((codes, requester))
}

pub fn write_tracking(w: &mut BodyWriter, codes: &TrackingCodes) {
    w.node("tracking", |w| {
        for (i, v) in codes.iter() {
            w.leaf_in("com", &format!("trackingCode{i}"), v);
        }
    });
}

/// `remind`; `emails` as `email` children (or one text of addresses separated by `;`).
pub fn read_remind(el: &Element) -> Result<Reminder, Failure> {
    let mut r = Reminder::default();
    for c in &el.children {
        let name = c.name.as_str();
        let v = c.text.as_str();
        match name.to_ascii_lowercase().as_str() {
            "enablereminder" => r.enabled = Some(parse_bool(name, v)?),
            "emails" => {
                let list: Vec<String> = if c.children.is_empty() {
                    v.split([';', ',']).map(str::trim).filter(|e| !e.is_empty()).map(str::to_string).collect()
                } else {
                    c.children.iter().map(|e| e.text.clone()).filter(|e| !e.is_empty()).collect()
                };
                r.emails = Some(list);
            }
            "sendemail" => r.send_email = Some(parse_bool(name, v)?),
            "mobile" => r.mobile = text(c),
            "sendmobile" => r.send_mobile = Some(parse_bool(name, v)?),
            "daysahead" => r.days_ahead = Some(parse_num(name, v)?),
            "hoursahead" => r.hours_ahead = Some(parse_num(name, v)?),
            "minutesahead" => r.minutes_ahead = Some(parse_num(name, v)?),
            _ => return Err(Failure::unknown_element(name, "remind")),
        }
    }
    Ok(r)
}

/// `remind` in the meeting (and session) schema's order, with what was set.
pub fn write_remind(w: &mut BodyWriter, prefix: &'static str, r: &Reminder) {
    w.node("remind", |w| {
        if let Some(v) = r.enabled {
            w.leaf_in(prefix, "enableReminder", v);
        }
        if let Some(list) = &r.emails {
            w.node_in(prefix, "emails", |w| {
                for e in list {
                    w.leaf_in(prefix, "email", e);
                }
            });
        }
        if let Some(v) = r.send_email {
            w.leaf_in(prefix, "sendEmail", v);
        }
        if let Some(v) = &r.mobile {
            w.leaf_in(prefix, "mobile", v);
        }
        if let Some(v) = r.send_mobile {
            w.leaf_in(prefix, "sendMobile", v);
        }
        for (name, v) in [("daysAhead", r.days_ahead), ("hoursAhead", r.hours_ahead), ("minutesAhead", r.minutes_ahead)]
        {
            if let Some(v) = v {
                w.leaf_in(prefix, name, v);
            }
        }
    });
}

/// `entryExitTone`: the name (BEEP, NOTONE, ANNOUNCENAME) or the number the meeting schema types
/// it as (kaigi's choice: 0 BEEP, 1 NOTONE, 2 ANNOUNCENAME; docs/meeting-options.md).
pub fn read_tone(v: &str) -> Result<EntryExitTone, Failure> {
    Ok(match v.trim().to_ascii_uppercase().as_str() {
        "BEEP" | "0" => EntryExitTone::Beep,
        "NOTONE" | "1" => EntryExitTone::NoTone,
        "ANNOUNCENAME" | "2" => EntryExitTone::AnnounceName,
        _ => return Err(Failure::invalid("entryExitTone", "must be BEEP, NOTONE or ANNOUNCENAME (0, 1 or 2)")),
    })
}

pub fn tone_name(t: EntryExitTone) -> &'static str {
    match t {
        EntryExitTone::Beep => "BEEP",
        EntryExitTone::NoTone => "NOTONE",
        EntryExitTone::AnnounceName => "ANNOUNCENAME",
    }
}

pub fn tone_number(t: EntryExitTone) -> u8 {
    match t {
        EntryExitTone::Beep => 0,
        EntryExitTone::NoTone => 1,
        EntryExitTone::AnnounceName => 2,
    }
}

const ASSIST_REQUESTS: [(&str, AssistRequest); 6] = [
    ("None", AssistRequest::None),
    ("Dry Run", AssistRequest::DryRun),
    ("Consult", AssistRequest::Consult),
    ("Live Event Support", AssistRequest::LiveEventSupport),
    ("Audio Streaming", AssistRequest::AudioStreaming),
    ("Video", AssistRequest::Video),
];
const ASSIST_CONFIRMS: [(&str, AssistConfirm); 3] = [
    ("Pending", AssistConfirm::Pending),
    ("Confirmed", AssistConfirm::Confirmed),
    ("Cancelled", AssistConfirm::Cancelled),
];

/// `assistService{assistRequest assistConfirm}`.
pub fn read_assist(el: &Element) -> Result<(Option<AssistRequest>, Option<AssistConfirm>), Failure> {
    let mut out = (None, None);
    for c in &el.children {
        let v = c.text.trim();
        match c.name.to_ascii_lowercase().as_str() {
            "assistrequest" => {
                let found = ASSIST_REQUESTS.iter().find(|(n, _)| n.eq_ignore_ascii_case(v)).map(|(_, a)| *a);
                out.0 = Some(found.ok_or_else(|| {
                    Failure::invalid(
                        "assistRequest",
                        "must be None, Dry Run, Consult, Live Event Support, Audio Streaming or Video",
                    )
                })?);
            }
            "assistconfirm" => {
                let found = ASSIST_CONFIRMS.iter().find(|(n, _)| n.eq_ignore_ascii_case(v)).map(|(_, a)| *a);
                out.1 = Some(
                    found
                        .ok_or_else(|| Failure::invalid("assistConfirm", "must be Pending, Confirmed or Cancelled"))?,
                );
            }
            _ => return Err(Failure::unknown_element(&c.name, "assistService")),
        }
    }
    Ok(out)
}

pub fn write_assist(w: &mut BodyWriter, request: Option<AssistRequest>, confirm: Option<AssistConfirm>) {
    if request.is_none() && confirm.is_none() {
        return;
    }
    w.node("assistService", |w| {
        if let Some(r) = request {
            let name = ASSIST_REQUESTS.iter().find(|(_, a)| *a == r).map(|(n, _)| *n).unwrap_or("None");
            w.leaf_in("serv", "assistRequest", name);
        }
        if let Some(c) = confirm {
            let name = ASSIST_CONFIRMS.iter().find(|(_, a)| *a == c).map(|(n, _)| *n).unwrap_or("Pending");
            w.leaf_in("serv", "assistConfirm", name);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_has_a_meeting_or_training_name() {
        for f in Feature::ALL {
            let rest_only = matches!(
                f,
                F::AllowAnyUserToBeCoHost
                    | F::ConnectAudioBeforeHost
                    | F::RequireAttendeeLogin
                    | F::RestrictToInvitees
                    | F::WebcastView
                    | F::AllowFirstUserToBeCoHost
                    | F::AllowAuthenticatedDevices
                    | F::AudioWatermark
                    | F::VisualWatermark
                    | F::LiveStream
                    | F::HostUnmutesParticipants
                    | F::AttendeeUnmutesSelf
                    | F::AudienceCallBack
            );
            let named = MEETING_FEATURES.iter().chain(TRAINING_FEATURES).any(|(_, g)| g == f);
            assert!(named || rest_only, "{f:?} has no XML name");
        }
    }

    #[test]
    fn unknown_children_are_refused_by_name() {
        let el = Element::parse("<enableOptions><chat>TRUE</chat><teleport>true</teleport></enableOptions>").unwrap();
        let f = read_features(&el).unwrap_err();
        assert!(f.reason.contains("teleport"), "{}", f.reason);
        let el = Element::parse("<enableOptions><chat>maybe</chat></enableOptions>").unwrap();
        assert!(read_features(&el).unwrap_err().reason.contains("chat"));
    }
}
