//! The one list of elements kaigi answers that the vendor's 2011 XML schema does not know: each
//! was added to the XML API later (the 40.x release notes, `shared/spec/xmlapi.md` §6) or is a
//! documented choice of kaigi's. Every other element of every answer validates against the 2011
//! schema: `compat/test_xml_schema.py` takes exactly these elements out of the captured answers
//! and validates the rest with a real validator. The test `additions_are_published` writes this
//! list to `compat/xsd_additions.json` and to docs/xmlapi.md's table; do not edit those by hand.

/// One later addition: where it appears and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addition {
    /// The answer's `xsi:type` (`meet:getMeetingResponse`), or `*` for every answer.
    pub response: &'static str,
    /// The element's path below `serv:bodyContent`, prefixes as kaigi writes them; `*` when the
    /// whole answer is a later addition (an operation the 2011 schema does not have).
    pub path: &'static str,
    /// The release (or kaigi's choice) that adds it, as `shared/spec/xmlapi.md` cites it.
    pub source: &'static str,
}

const fn add(response: &'static str, path: &'static str, source: &'static str) -> Addition {
    Addition { response, path, source }
}

const UUID: &str =
    "40.7.0: meetingUUID in requests and answers wherever a meeting or session key is (SEED40; xmlapi.md §6)";
const AUDIO_PW: &str = "40.4.8 / 40.2.9: audioPassword, isEnforceAudioPassword, isEnforceAudioLogin (xmlapi.md §6)";
const CREATE_PW: &str = "40.1.2: the generated password in the create answer (xmlapi.md §6)";
const REG_FORM: &str = "40.6.1 / 40.4.9: registrationForm required-field flags (xmlapi.md §6)";
const SCHEDULED_PMR: &str = "40.6.0: isScheduledPMR and the series fields of LstsummarySession (xmlapi.md §3.5, §6)";
const PRIVATE: &str = "40.12: isPrivateMeeting / SupportPrivateMeeting (xmlapi.md §6)";
const GET_MEETING_2016: &str = "real GetMeeting answers (EROL 2016 capture, xmlapi.md §3.3)";
const SESSION_INFO: &str = "real GetSessionInfo answers (SEED40 sample and MOOD, xmlapi.md §3.6)";
const PMR: &str = "40.x personal room of a user (CHUB 2016 fixture, xmlapi.md §3.2)";
const USER_2016: &str = "real GetUser answers (EROL and CHUB 2016, xmlapi.md §3.2)";
const UM_ADMIN: &str = "40.6.0: umSiteAdmin privilege (xmlapi.md §6)";
const KAIGI_JBH: &str = "kaigi's choice: join before host, which REST calls enabledJoinBeforeHost (docs/xmlapi.md)";

pub const LATER_ADDITIONS: &[Addition] = &[
    add("*", "**/meetingUUID", UUID),
    add(
        "ns1:getSiteResponse",
        "ns1:siteInstance/ns1:siteCommonOptions",
        "40.6.0: siteCommonOptions/SupportXMLAPIReturnScheduledPMR (SEED40, xmlapi.md §6)",
    ),
    add("use:getUserCardResponse", "*", "40.6.0: GetUserCard with an API key (xmlapi.md §6)"),
    add("use:getMeResponse", "*", "40.6.0: GetMe (xmlapi.md §2.1, §6)"),
    add(
        "ep:lstCalendarSessionResponse",
        "*",
        "40.x: LstCalendarSession (SEED40 list of meetingUUID operations, xmlapi.md §6)",
    ),
    add(
        "use:authenticateUserResponse",
        "use:createTime",
        "AuthenticateUser with a password or token (DOCREF, CHUB; xmlapi.md §2.1)",
    ),
    add(
        "use:authenticateUserResponse",
        "use:timeToLive",
        "AuthenticateUser with a password or token (DOCREF, CHUB; xmlapi.md §2.1)",
    ),
    add("ep:getAPIVersionResponse", "ep:apiVer", "GetAPIVersion of 39.x and later (DOCREF, xmlapi.md §3.9)"),
    add("meet:createMeetingResponse", "meet:meetingPassword", CREATE_PW),
    add("event:createEventResponse", "event:eventPassword", CREATE_PW),
    add("train:createTrainingSessionResponse", "train:sessionPassword", CREATE_PW),
    add("auo:createTeleconferenceSessionResponse", "auo:sessionPassword", CREATE_PW),
    add("meet:getMeetingResponse", "meet:accessControl/meet:audioPassword", AUDIO_PW),
    add("meet:getMeetingResponse", "meet:accessControl/meet:isEnforceAudioPassword", AUDIO_PW),
    add("meet:getMeetingResponse", "meet:accessControl/meet:isEnforceAudioLogin", AUDIO_PW),
    add("train:getTrainingSessionResponse", "sess:accessControl/sess:audioPassword", AUDIO_PW),
    add("train:getTrainingSessionResponse", "sess:accessControl/sess:isEnforceAudioPassword", AUDIO_PW),
    add("event:getEventResponse", "event:accessControl/event:audioPassword", AUDIO_PW),
    add("event:getEventResponse", "event:accessControl/event:isEnforceAudioPassword", AUDIO_PW),
    add("auo:getTeleconferenceSessionResponse", "auo:accessControl/auo:audioPassword", AUDIO_PW),
    add("auo:getTeleconferenceSessionResponse", "auo:accessControl/auo:isEnforceAudioPassword", AUDIO_PW),
    add("meet:getMeetingResponse", "meet:registrationForm", REG_FORM),
    add("meet:getMeetingResponse", "meet:enableOptions/meet:HQvideo", GET_MEETING_2016),
    add("meet:getMeetingResponse", "meet:enableOptions/meet:HDvideo", GET_MEETING_2016),
    add("meet:getMeetingResponse", "meet:enableOptions/meet:viewVideoThumbs", GET_MEETING_2016),
    add("meet:getMeetingResponse", "meet:enableOptions/meet:autoRecord", GET_MEETING_2016),
    add("meet:getMeetingResponse", "meet:enableOptions/meet:joinBeforeHost", KAIGI_JBH),
    add("meet:getMeetingResponse", "meet:schedule/meet:firstAttendeeAsPresenter", GET_MEETING_2016),
    add("meet:getMeetingResponse", "meet:telePresence", GET_MEETING_2016),
    add("meet:getMeetingResponse", "meet:meetingLink", "DEVPY reads GetMeeting's meetingLink (xmlapi.md §3.3)"),
    add("meet:getMeetingResponse", "meet:sipURL", "40.x GetMeeting sample (SEED40, xmlapi.md §3.3)"),
    add("meet:getMeetingResponse", "meet:displayMeetingUrl", "40.x GetMeeting sample (SEED40, xmlapi.md §3.3)"),
    add("meet:getMeetingResponse", "meet:isPrivateMeeting", PRIVATE),
    add("ep:getSessionInfoResponse", "ep:isLocked", SESSION_INFO),
    add("ep:getSessionInfoResponse", "ep:hostKey", SESSION_INFO),
    add("ep:getSessionInfoResponse", "ep:meetingLink", SESSION_INFO),
    add("ep:getSessionInfoResponse", "ep:supportE2E", SESSION_INFO),
    add("ep:getSessionInfoResponse", "ep:isPrivateMeeting", PRIVATE),
    add("ep:lstsummarySessionResponse", "ep:session/ep:isTCSingleRecurrence", SCHEDULED_PMR),
    add("ep:lstsummarySessionResponse", "ep:session/ep:isAllowJBH", SCHEDULED_PMR),
    add("ep:lstsummarySessionResponse", "ep:session/ep:isCETMeeting", SCHEDULED_PMR),
    add("ep:lstsummarySessionResponse", "ep:session/ep:isException", SCHEDULED_PMR),
    add("ep:lstsummarySessionResponse", "ep:session/ep:isNextUpcomingInstance", SCHEDULED_PMR),
    add("ep:lstsummarySessionResponse", "ep:session/ep:seriesMeetingKey", SCHEDULED_PMR),
    add("ep:lstsummarySessionResponse", "ep:session/ep:recurrenceId", SCHEDULED_PMR),
    add("ep:lstsummarySessionResponse", "ep:session/ep:isScheduledPMR", SCHEDULED_PMR),
    add("ep:lstsummarySessionResponse", "ep:session/ep:isPrivateMeeting", PRIVATE),
    add("ep:lstRecordingResponse", "ep:recording/ep:password", "LstRecording's recording password (xmlapi.md §3.7)"),
    add("ep:lstRecordingResponse", "ep:recording/ep:recordingUUID", "42.11.1: recordingUUID (HELP42, xmlapi.md §3.7)"),
    add("mtgtype:lstMeetingTypeResponse", "mtgtype:meetingType/mtgtype:SupportPrivateMeeting", PRIVATE),
    add("mtgtype:getMeetingTypeResponse", "mtgtype:SupportPrivateMeeting", PRIVATE),
    add("use:getUserResponse", "use:privilege/use:HQvideo", USER_2016),
    add("use:getUserResponse", "use:privilege/use:HDvideo", USER_2016),
    add("use:getUserResponse", "use:privilege/use:isEnableCET", USER_2016),
    add("use:getUserResponse", "use:privilege/use:isEnablePMR", USER_2016),
    add("use:getUserResponse", "use:privilege/use:umSiteAdmin", UM_ADMIN),
    add("use:getUserResponse", "use:myWebEx/use:additionalRecordingStorage", USER_2016),
    add("use:getUserResponse", "use:personalTeleconf/use:joinBeforeHost", USER_2016),
    add("use:getUserResponse", "use:personalMeetingRoom/use:title", PMR),
    add("use:getUserResponse", "use:personalMeetingRoom/use:personalMeetingRoomURL", PMR),
    add("use:getUserResponse", "use:personalMeetingRoom/use:sipURL", PMR),
    add("use:getUserResponse", "use:personalMeetingRoom/use:accessCode", PMR),
    add("use:getUserResponse", "use:personalMeetingRoom/use:hostPIN", PMR),
    add("use:getUserResponse", "use:personalMeetingRoom/use:applyPMRForInstantMeeting", PMR),
    add("use:getUserResponse", "use:personalMeetingRoom/use:PMRAutoLock", PMR),
    add("use:getUserResponse", "use:personalMeetingRoom/use:PMRAutoLockWaitTime", PMR),
    add("use:getUserResponse", "use:personalMeetingRoom/use:PRNotifications", PMR),
    add("use:lstsummaryUserResponse", "use:user/use:umSiteAdmin", UM_ADMIN),
];

/// A value the service spells differently from the 2011 schema's enumeration, because the
/// enumeration was wrong (docs/timezones.md, "2011 XSD versus the table").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueCorrection {
    /// The element's local name.
    pub element: &'static str,
    pub value: &'static str,
    pub xsd_value: &'static str,
    pub source: &'static str,
}

const TZ_TABLE: &str = "the real offset; the 2011 enumeration had it wrong (xmlapi.md §4.2, TZPHP, ZIMB)";

pub const VALUE_CORRECTIONS: &[ValueCorrection] = &[
    ValueCorrection {
        element: "timeZone",
        value: "GMT+03:30, Iran (Tehran)",
        xsd_value: "GMT+03:00, Iran (Tehran)",
        source: TZ_TABLE,
    },
    ValueCorrection {
        element: "timeZone",
        value: "GMT+04:30, Afghanistan (Kabul)",
        xsd_value: "GMT+04:00, Afghanistan (Kabul)",
        source: TZ_TABLE,
    },
    ValueCorrection {
        element: "timeZone",
        value: "GMT+09:00, Yakutsk (Yakutsk)",
        xsd_value: "GMT+09:30, Yakutsk (Yakutsk)",
        source: TZ_TABLE,
    },
    ValueCorrection {
        element: "timezone",
        value: "GMT+03:30, Iran (Tehran)",
        xsd_value: "GMT+03:00, Iran (Tehran)",
        source: TZ_TABLE,
    },
    ValueCorrection {
        element: "timezone",
        value: "GMT+04:30, Afghanistan (Kabul)",
        xsd_value: "GMT+04:00, Afghanistan (Kabul)",
        source: TZ_TABLE,
    },
    ValueCorrection {
        element: "timezone",
        value: "GMT+09:00, Yakutsk (Yakutsk)",
        xsd_value: "GMT+09:30, Yakutsk (Yakutsk)",
        source: TZ_TABLE,
    },
];

/// Served operations that never answer SUCCESS in kaigi (it keeps no such records): only their
/// failure answers can be validated.
pub const FAILURE_ONLY: &[&str] =
    &["history:lstrecordaccessHistoryResponse", "history:lstAccessAnywhereHistoryResponse"];

/// The "validated" column of docs/xmlapi-coverage.md for a served operation's answer type; the
/// compat suite fails when an operation marked `yes` has no validated SUCCESS answer.
pub fn validation_of(response_type: &str) -> &'static str {
    if LATER_ADDITIONS.iter().any(|a| a.path == "*" && a.response.eq_ignore_ascii_case(response_type)) {
        "40.x answer, allow-listed"
    } else if FAILURE_ONLY.iter().any(|t| t.eq_ignore_ascii_case(response_type)) {
        "failures only"
    } else {
        "yes"
    }
}

/// `compat/xsd_additions.json`: the list above for the Python validator.
pub fn additions_json() -> String {
    let rows: Vec<String> = LATER_ADDITIONS
        .iter()
        .map(|a| {
            format!("  {{\"response\": \"{}\", \"path\": \"{}\", \"source\": \"{}\"}}", a.response, a.path, a.source)
        })
        .collect();
    let corrections = VALUE_CORRECTIONS.iter().map(|c| {
        format!(
            "  {{\"response\": \"*\", \"path\": \"{}\", \"value\": \"{}\", \"xsd_value\": \"{}\", \"source\": \"{}\"}}",
            c.element, c.value, c.xsd_value, c.source
        )
    });
    let rows: Vec<String> = rows.into_iter().chain(corrections).collect();
    format!("[\n{}\n]\n", rows.join(",\n"))
}

/// The table docs/xmlapi.md shows between its two markers.
pub fn additions_markdown() -> String {
    let mut md = String::from("| answer | element (below bodyContent) | added by |\n|---|---|---|\n");
    for a in LATER_ADDITIONS {
        md.push_str(&format!("| `{}` | `{}` | {} |\n", a.response, a.path, a.source));
    }
    md.push_str("\nValues spelled as the service spells them, not as the 2011 enumeration did:\n\n");
    md.push_str("| element | kaigi (and the service) | 2011 enumeration | why |\n|---|---|---|---|\n");
    for c in VALUE_CORRECTIONS {
        md.push_str(&format!("| `{}` | {} | {} | {} |\n", c.element, c.value, c.xsd_value, c.source));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str = "<!-- schema additions: begin (generated by schema_additions.rs) -->\n";
    const END: &str = "<!-- schema additions: end -->";

    #[test]
    fn additions_are_published() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let json_path = root.join("compat/xsd_additions.json");
        let doc_path = root.join("docs/xmlapi.md");
        let doc = std::fs::read_to_string(&doc_path).expect("docs/xmlapi.md");
        let (head, rest) = doc.split_once(BEGIN).expect("docs/xmlapi.md has the schema additions markers");
        let (_, tail) = rest.split_once(END).expect("docs/xmlapi.md has the end marker");
        let want_doc = format!("{head}{BEGIN}{}{END}{tail}", additions_markdown());
        if std::env::var_os("KAIGI_UPDATE_DOCS").is_some() {
            std::fs::write(&json_path, additions_json()).expect("write compat/xsd_additions.json");
            std::fs::write(&doc_path, &want_doc).expect("write docs/xmlapi.md");
        }
        let stale = "stale: run KAIGI_UPDATE_DOCS=1 cargo test -p kaigi-xmlapi additions_are_published";
        assert_eq!(std::fs::read_to_string(&json_path).unwrap_or_default(), additions_json(), "{stale}");
        assert_eq!(std::fs::read_to_string(&doc_path).unwrap_or_default(), want_doc, "{stale}");
    }

    #[test]
    fn every_addition_names_its_source() {
        for a in LATER_ADDITIONS {
            assert!(!a.source.is_empty() && a.response.contains(':') || a.response == "*", "{a:?}");
            assert!(!a.path.starts_with('/') && !a.path.ends_with('/'), "{a:?}");
            assert!(![a.response, a.path, a.source].iter().any(|f| f.contains(['"', '\\'])), "{a:?}");
        }
    }
}
