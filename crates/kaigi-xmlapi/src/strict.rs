//! Strict reading (`kaigi site requests --strict true`): an element the operation's schema does
//! not know is refused with FAILURE 000000 naming it, as the real service refused `listStatus` in
//! a meeting's `accessControl` (spec §3.3, CIE #4), instead of being read as one of kaigi's
//! lenient aliases. Off by default: legacy clients send oddities that the lenient reader accepts.
//!
//! The lists are the 2011 meeting schema's request elements plus the 40.x additions of
//! schema_additions.rs; kaigi applies them to the meeting service's CreateMeeting and SetMeeting.

use crate::codes::Failure;
use crate::element::Element;
use crate::options::MEETING_FEATURES;

const TOP: &[&str] = &[
    "accessControl",
    "metaData",
    "participants",
    "enableOptions",
    "schedule",
    "telephony",
    "tracking",
    "repeat",
    "remind",
    "attendeeOptions",
    "assistService",
    "registrationForm",
    "meetingkey",
    "meetingUUID",
];

fn children_of(block: &str) -> Option<&'static [&'static str]> {
    Some(match block {
        "accessControl" => &[
            "listToPublic",
            "isPublic",
            "meetingPassword",
            "enforcePassword",
            "audioPassword",
            "isEnforceAudioPassword",
            "isEnforceAudioLogin",
        ],
        "metaData" => &[
            "confName",
            "meetingType",
            "agenda",
            "greeting",
            "location",
            "invitation",
            "setNonMTOptions",
            "sessionTemplate",
            "isInternal",
        ],
        "participants" => &["maxUserNumber", "attendees"],
        "schedule" => &[
            "startDate",
            "timeZoneID",
            "timeZone",
            "duration",
            "openTime",
            "hostWebExID",
            "templateFilePath",
            "showFilePath",
            "showFileStartMode",
            "showFileContPlayFlag",
            "showFileInterVal",
            "entryExitTone",
            "extURL",
            "extNotifyTime",
            "joinNotifyURL",
            "joinTeleconfBeforeHost",
        ],
        "telephony" => &[
            "telephonySupport",
            "numPhoneLines",
            "extTelephonyURL",
            "extTelephonyDescription",
            "enableTSP",
            "tspAccountIndex",
            "personalAccountIndex",
            "intlLocalCallIn",
            "teleconfLocation",
            "callInNum",
            "tspConference",
            "tspAccessCodeOrder",
            "tollFree",
            "isMPAudio",
        ],
        "tracking" => &[
            "trackingCode1",
            "trackingCode2",
            "trackingCode3",
            "trackingCode4",
            "trackingCode5",
            "trackingCode6",
            "trackingCode7",
            "trackingCode8",
            "trackingCode9",
            "trackingCode10",
        ],
        "repeat" => &[
            "repeatType",
            "interval",
            "afterMeetingNumber",
            "dayInWeek",
            "expirationDate",
            "dayInMonth",
            "weekInMonth",
            "monthInYear",
            "dayInYear",
        ],
        "remind" => &[
            "enableReminder",
            "emails",
            "sendEmail",
            "mobile",
            "sendMobile",
            "daysAhead",
            "hoursAhead",
            "minutesAhead",
        ],
        "attendeeOptions" => &[
            "request",
            "registration",
            "auto",
            "emailInvitations",
            "participantLimit",
            "excludePassword",
            "joinRequiresAccount",
        ],
        "assistService" => &["assistRequest", "assistConfirm"],
        _ => return None,
    })
}

/// CreateMeeting and SetMeeting under the meeting schema's names only.
pub fn check_meeting_request(body: &Element) -> Result<(), Failure> {
    for top in &body.children {
        let Some(known) = TOP.iter().find(|n| n.eq_ignore_ascii_case(&top.name)) else {
            return Err(Failure::unknown_element(&top.name, "the request (strict reading)"));
        };
        let allowed: Vec<&str> = match *known {
            "enableOptions" => MEETING_FEATURES.iter().map(|(n, _)| *n).collect(),
            other => match children_of(other) {
                Some(list) => list.to_vec(),
                None => continue,
            },
        };
        for c in &top.children {
            if !allowed.iter().any(|n| n.eq_ignore_ascii_case(&c.name)) {
                return Err(Failure::unknown_element(&c.name, &format!("{known} (strict reading)")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_services_refusal_is_reproduced() {
        let cie = Element::parse(
            "<b><accessControl><listStatus>PUBLIC</listStatus></accessControl><metaData><confName>x</confName></metaData></b>",
        )
        .unwrap();
        let f = check_meeting_request(&cie).unwrap_err();
        assert!(f.reason.contains("listStatus"), "{}", f.reason);
        let fine = Element::parse(
            "<b><accessControl><meetingPassword>p</meetingPassword></accessControl><enableOptions><chat>true</chat></enableOptions></b>",
        )
        .unwrap();
        assert!(check_meeting_request(&fine).is_ok());
        let top = Element::parse("<b><teleport/></b>").unwrap();
        assert!(check_meeting_request(&top).unwrap_err().reason.contains("teleport"));
    }
}
