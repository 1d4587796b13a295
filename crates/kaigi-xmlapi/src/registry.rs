//! The operation registry: every operation of the XML API (spec §2), the service it belongs to,
//! and whether kaigi serves it. Resolving a bodyContent's `xsi:type` goes through here, and
//! docs/xmlapi-coverage.md is generated from this table.

/// The XML API's services, with their package names, response prefixes and namespaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    User,
    Meeting,
    MeetingAuo,
    Ep,
    Attendee,
    Site,
    MeetingType,
    History,
    Event,
    Training,
    Support,
    Sales,
}

pub const SERV_NS: &str = "http://www.webex.com/schemas/2002/06/service";
pub const COM_NS: &str = "http://www.webex.com/schemas/2002/06/common";
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

impl Service {
    pub const ALL: [Service; 12] = [
        Service::User,
        Service::Meeting,
        Service::MeetingAuo,
        Service::Ep,
        Service::Attendee,
        Service::Site,
        Service::MeetingType,
        Service::History,
        Service::Event,
        Service::Training,
        Service::Support,
        Service::Sales,
    ];

    /// The package in `java:com.webex.service.binding.<package>.<Op>`.
    pub fn package(self) -> &'static str {
        match self {
            Service::User => "user",
            Service::Meeting => "meeting",
            Service::MeetingAuo => "meeting.auo",
            Service::Ep => "ep",
            Service::Attendee => "attendee",
            Service::Site => "site",
            Service::MeetingType => "meetingtype",
            Service::History => "history",
            Service::Event => "event",
            Service::Training => "training",
            Service::Support => "support",
            Service::Sales => "sales",
        }
    }

    /// Other spellings of the package clients send (prefixes, schema names).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Service::User => &["use"],
            Service::Meeting => &["meet"],
            Service::MeetingAuo => &["auo", "meet.auo"],
            Service::Ep => &[],
            Service::Attendee => &["att"],
            Service::Site => &["ns1"],
            Service::MeetingType => &["mtgtype"],
            Service::History => &[],
            Service::Event => &[],
            Service::Training => &["train", "trainingsession"],
            Service::Support => &["sc", "supportsession"],
            Service::Sales => &[],
        }
    }

    /// The prefix of response elements.
    pub fn prefix(self) -> &'static str {
        match self {
            Service::User => "use",
            Service::Meeting => "meet",
            Service::MeetingAuo => "auo",
            Service::Ep => "ep",
            Service::Attendee => "att",
            Service::Site => "ns1",
            Service::MeetingType => "mtgtype",
            Service::History => "history",
            Service::Event => "event",
            Service::Training => "train",
            Service::Support => "sc",
            Service::Sales => "sales",
        }
    }

    /// The prefixes a response of this service declares on its root, after `serv` and `com`
    /// (as captured real responses do).
    pub fn root_prefixes(self) -> &'static [&'static str] {
        match self {
            Service::Meeting => &["meet", "att"],
            Service::Ep => &["ep", "meet"],
            Service::Site => &["ns1", "event"],
            other => match other.prefix() {
                "use" => &["use"],
                "auo" => &["auo"],
                "att" => &["att"],
                "mtgtype" => &["mtgtype"],
                "history" => &["history"],
                "event" => &["event"],
                "train" => &["train", "sess"],
                "sc" => &["sc"],
                _ => &["sales"],
            },
        }
    }
}

/// The namespace URI of a response prefix.
pub fn namespace_of(prefix: &str) -> &'static str {
    match prefix {
        "serv" => SERV_NS,
        "com" => COM_NS,
        "use" => "http://www.webex.com/schemas/2002/06/service/user",
        "meet" => "http://www.webex.com/schemas/2002/06/service/meeting",
        "auo" => "http://www.webex.com/schemas/2002/06/service/meeting/auo",
        "ep" => "http://www.webex.com/schemas/2002/06/service/ep",
        "att" => "http://www.webex.com/schemas/2002/06/service/attendee",
        "ns1" => "http://www.webex.com/schemas/2002/06/service/site",
        "mtgtype" => "http://www.webex.com/schemas/2002/06/service/meetingtype",
        "history" => "http://www.webex.com/schemas/2002/06/service/history",
        "event" => "http://www.webex.com/schemas/2002/06/service/event",
        "train" => "http://www.webex.com/schemas/2002/06/service/trainingsession",
        "sess" => "http://www.webex.com/schemas/2002/06/service/session",
        "sc" => "http://www.webex.com/schemas/2002/06/service/supportsession",
        _ => "http://www.webex.com/schemas/2002/06/service/sales",
    }
}

/// The operations kaigi serves. Decoding a bodyContent yields one of these or a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    AuthenticateUser,
    CreateUser,
    SetUser,
    GetUser,
    DelUser,
    LstsummaryUser,
    GetloginurlUser,
    GetlogouturlUser,
    GetLoginTicket,
    GetUserCard,
    GetMe,
    GetSite,
    LstTimeZone,
    GetAPIVersion,
    CreateMeeting,
    SetMeeting,
    GetMeeting,
    DelMeeting,
    LstsummaryMeeting,
    GethosturlMeeting,
    GetjoinurlMeeting,
    CreateTeleconferenceSession,
    GetTeleconferenceSession,
    SetTeleconferenceSession,
    LstsummarySession,
    GetSessionInfo,
    LstOpenSession,
    DelSession,
    LstCalendarSession,
    LstMeetingType,
    GetMeetingType,
    LstmeetingusageHistory,
    LstmeetingattendeeHistory,
    LsttrainingsessionHistory,
    LsttrainingattendeeHistory,
    LsteventsessionHistory,
    LsteventattendeeHistory,
    LstsupportsessionHistory,
    LstsupportattendeeHistory,
    LstrecordaccessHistory,
    LstAccessAnywhereHistory,
    LstRecording,
    GetRecordingInfo,
    SetRecordingInfo,
    DelRecording,
    CreateMeetingAttendee,
    RegisterMeetingAttendee,
    LstMeetingAttendee,
    DelMeetingAttendee,
    GetEnrollmentInfo,
    CreateTrainingSession,
    SetTrainingSession,
    GetTrainingSession,
    DelTrainingSession,
    LstsummaryTrainingSession,
    CreateEvent,
    SetEvent,
    GetEvent,
    DelEvent,
    LstsummaryEvent,
    CreateSupportSession,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Served(Op),
    /// Planned in the named issue.
    Planned(u32),
    /// Known to the API, not planned (little or no client use).
    NotPlanned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpDef {
    pub service: Service,
    pub name: &'static str,
    pub status: Status,
}

impl OpDef {
    /// The response's `xsi:type`: service prefix, lower-camel operation, `Response`.
    pub fn response_type(&self) -> String {
        let mut chars = self.name.chars();
        let first = chars.next().map(|c| c.to_ascii_lowercase()).unwrap_or_default();
        format!("{}:{}{}Response", self.service.prefix(), first, chars.as_str())
    }
}

const fn op(service: Service, name: &'static str, status: Status) -> OpDef {
    OpDef { service, name, status }
}

use Service as S;
use Status::{NotPlanned as NP, Served as Ok_};

/// Every operation of spec §2, in the spec's order.
pub static OPERATIONS: &[OpDef] = &[
    op(S::User, "AuthenticateUser", Ok_(Op::AuthenticateUser)),
    op(S::User, "CreateUser", Ok_(Op::CreateUser)),
    op(S::User, "SetUser", Ok_(Op::SetUser)),
    op(S::User, "GetUser", Ok_(Op::GetUser)),
    op(S::User, "DelUser", Ok_(Op::DelUser)),
    op(S::User, "LstsummaryUser", Ok_(Op::LstsummaryUser)),
    op(S::User, "LstUser", NP),
    op(S::User, "GetloginurlUser", Ok_(Op::GetloginurlUser)),
    op(S::User, "GetlogouturlUser", Ok_(Op::GetlogouturlUser)),
    op(S::User, "GetLoginTicket", Ok_(Op::GetLoginTicket)),
    op(S::User, "ActivateUser", NP),
    op(S::User, "InactivateUser", NP),
    op(S::User, "UploadPMRImage", NP),
    op(S::User, "DelSessionTemplates", NP),
    op(S::User, "AssignWebACDQueues", NP),
    op(S::User, "AssignWebACDAgents", NP),
    op(S::User, "GetUserCard", Ok_(Op::GetUserCard)),
    op(S::User, "GetMe", Ok_(Op::GetMe)),
    op(S::Meeting, "CreateMeeting", Ok_(Op::CreateMeeting)),
    op(S::Meeting, "SetMeeting", Ok_(Op::SetMeeting)),
    op(S::Meeting, "GetMeeting", Ok_(Op::GetMeeting)),
    op(S::Meeting, "DelMeeting", Ok_(Op::DelMeeting)),
    op(S::Meeting, "LstsummaryMeeting", Ok_(Op::LstsummaryMeeting)),
    op(S::Meeting, "LstMeeting", NP),
    op(S::Meeting, "GethosturlMeeting", Ok_(Op::GethosturlMeeting)),
    op(S::Meeting, "GetjoinurlMeeting", Ok_(Op::GetjoinurlMeeting)),
    op(S::MeetingAuo, "CreateTeleconferenceSession", Ok_(Op::CreateTeleconferenceSession)),
    op(S::MeetingAuo, "GetTeleconferenceSession", Ok_(Op::GetTeleconferenceSession)),
    op(S::MeetingAuo, "SetTeleconferenceSession", Ok_(Op::SetTeleconferenceSession)),
    op(S::Ep, "GetAPIVersion", Ok_(Op::GetAPIVersion)),
    op(S::Ep, "LstsummarySession", Ok_(Op::LstsummarySession)),
    op(S::Ep, "GetSessionInfo", Ok_(Op::GetSessionInfo)),
    op(S::Ep, "LstOpenSession", Ok_(Op::LstOpenSession)),
    op(S::Ep, "DelSession", Ok_(Op::DelSession)),
    op(S::Ep, "LstRecording", Ok_(Op::LstRecording)),
    op(S::Ep, "GetRecordingInfo", Ok_(Op::GetRecordingInfo)),
    op(S::Ep, "SetRecordingInfo", Ok_(Op::SetRecordingInfo)),
    op(S::Ep, "DelRecording", Ok_(Op::DelRecording)),
    op(S::Ep, "GetJoinSessionInfo", NP),
    op(S::Ep, "CreateContacts", NP),
    op(S::Ep, "LstContact", NP),
    op(S::Ep, "CreateDistList", NP),
    op(S::Ep, "SetDistList", NP),
    op(S::Ep, "LstDistList", NP),
    op(S::Ep, "GetOneClickSettings", NP),
    op(S::Ep, "SetupOneClickSettings", NP),
    op(S::Ep, "LstCalendarSession", Ok_(Op::LstCalendarSession)),
    op(S::Ep, "DetectSessionByCallback", NP),
    op(S::Ep, "SetOneClickSettings", NP),
    op(S::Attendee, "CreateMeetingAttendee", Ok_(Op::CreateMeetingAttendee)),
    op(S::Attendee, "RegisterMeetingAttendee", Ok_(Op::RegisterMeetingAttendee)),
    op(S::Attendee, "LstMeetingAttendee", Ok_(Op::LstMeetingAttendee)),
    op(S::Attendee, "DelMeetingAttendee", Ok_(Op::DelMeetingAttendee)),
    op(S::Attendee, "GetEnrollmentInfo", Ok_(Op::GetEnrollmentInfo)),
    op(S::Attendee, "GetFeedbackInfo", NP),
    op(S::Site, "GetSite", Ok_(Op::GetSite)),
    op(S::Site, "SetSite", NP),
    op(S::Site, "LstTimeZone", Ok_(Op::LstTimeZone)),
    op(S::Site, "GetWebACDQueues", NP),
    op(S::MeetingType, "LstMeetingType", Ok_(Op::LstMeetingType)),
    op(S::MeetingType, "GetMeetingType", Ok_(Op::GetMeetingType)),
    op(S::History, "LstmeetingusageHistory", Ok_(Op::LstmeetingusageHistory)),
    op(S::History, "LstmeetingattendeeHistory", Ok_(Op::LstmeetingattendeeHistory)),
    op(S::History, "LsttrainingsessionHistory", Ok_(Op::LsttrainingsessionHistory)),
    op(S::History, "LsttrainingattendeeHistory", Ok_(Op::LsttrainingattendeeHistory)),
    op(S::History, "LsteventsessionHistory", Ok_(Op::LsteventsessionHistory)),
    op(S::History, "LsteventattendeeHistory", Ok_(Op::LsteventattendeeHistory)),
    op(S::History, "LstsupportsessionHistory", Ok_(Op::LstsupportsessionHistory)),
    op(S::History, "LstsupportattendeeHistory", Ok_(Op::LstsupportattendeeHistory)),
    op(S::History, "LstrecordaccessHistory", Ok_(Op::LstrecordaccessHistory)),
    op(S::History, "LstrecordaccessDetailHistory", NP),
    op(S::History, "LstsalesSessionHistory", NP),
    op(S::History, "LstsalesAttendeeHistory", NP),
    op(S::History, "LstAccessAnywhereHistory", Ok_(Op::LstAccessAnywhereHistory)),
    op(S::Event, "CreateEvent", Ok_(Op::CreateEvent)),
    op(S::Event, "SetEvent", Ok_(Op::SetEvent)),
    op(S::Event, "GetEvent", Ok_(Op::GetEvent)),
    op(S::Event, "DelEvent", Ok_(Op::DelEvent)),
    op(S::Event, "LstsummaryEvent", Ok_(Op::LstsummaryEvent)),
    op(S::Event, "LstrecordedEvent", NP),
    op(S::Event, "LstsummaryProgram", NP),
    op(S::Event, "SendInvitationEmail", NP),
    op(S::Event, "UploadEventImage", NP),
    op(S::Training, "CreateTrainingSession", Ok_(Op::CreateTrainingSession)),
    op(S::Training, "SetTrainingSession", Ok_(Op::SetTrainingSession)),
    op(S::Training, "GetTrainingSession", Ok_(Op::GetTrainingSession)),
    op(S::Training, "DelTrainingSession", Ok_(Op::DelTrainingSession)),
    op(S::Training, "LstsummaryTrainingSession", Ok_(Op::LstsummaryTrainingSession)),
    op(S::Training, "LstTrainingSession", NP),
    op(S::Training, "GetLabInfo", NP),
    op(S::Training, "GetLabSchedule", NP),
    op(S::Training, "CheckLabAvailability", NP),
    op(S::Training, "ReserveLab", NP),
    op(S::Training, "LstScheduledTests", NP),
    op(S::Training, "GetTestInformation", NP),
    op(S::Training, "AddScheduledTest", NP),
    op(S::Training, "SetScheduledTest", NP),
    op(S::Training, "DelScheduledTest", NP),
    op(S::Training, "LstLibTests", NP),
    op(S::Training, "DelLibTests", NP),
    op(S::Training, "CopyLibTests", NP),
    op(S::Training, "UploadIMStest", NP),
    op(S::Training, "GetIMStestDetails", NP),
    op(S::Training, "GetIMStestResult", NP),
    op(S::Support, "CreateSupportSession", Ok_(Op::CreateSupportSession)),
    op(S::Sales, "CreateSalesSession", NP),
    op(S::Sales, "SetSalesSession", NP),
    op(S::Sales, "GetSalesSession", NP),
    op(S::Sales, "DelSalesSession", NP),
    op(S::Sales, "LstsummarySalesSession", NP),
    op(S::Sales, "LstProducts", NP),
    op(S::Sales, "AddProducts", NP),
    op(S::Sales, "SetProducts", NP),
    op(S::Sales, "CreateAccount", NP),
    op(S::Sales, "SetAccount", NP),
    op(S::Sales, "LstAccounts", NP),
    op(S::Sales, "CreateOpportunity", NP),
    op(S::Sales, "SetOpportunity", NP),
    op(S::Sales, "LstOpportunities", NP),
];

fn service_for(package: &str) -> Option<Service> {
    Service::ALL.into_iter().find(|s| {
        s.package().eq_ignore_ascii_case(package) || s.aliases().iter().any(|a| a.eq_ignore_ascii_case(package))
    })
}

/// Finds the operation an `xsi:type` names. Accepted forms: `java:com.webex.service.binding.<pkg>.<Op>`
/// (canonical), `<pkg>.<Op>`, `<pkg>:<op>` (schema style), any case. When the package is unknown
/// or wrong but the operation name is unique, the name alone decides (the 40.x samples themselves
/// put GetSite under `user`). A bare operation name is not accepted, as on the real service.
pub fn resolve(xsi_type: &str) -> Option<&'static OpDef> {
    let t = xsi_type.trim();
    let t = t.strip_prefix("java:").unwrap_or(t);
    let lower = t.to_ascii_lowercase();
    let t = if lower.starts_with("com.webex.service.binding.") { &t["com.webex.service.binding.".len()..] } else { t };
    let split = t.rfind(['.', ':'])?;
    let (package, name) = (&t[..split], &t[split + 1..]);
    if package.is_empty() || name.is_empty() {
        return None;
    }
    let by_name = |d: &&OpDef| d.name.eq_ignore_ascii_case(name);
    if let Some(service) = service_for(package) {
        if let Some(def) = OPERATIONS.iter().filter(|d| d.service == service).find(by_name) {
            return Some(def);
        }
    }
    let mut matches = OPERATIONS.iter().filter(by_name);
    match (matches.next(), matches.next()) {
        (Some(def), None) => Some(def),
        _ => None,
    }
}

/// docs/xmlapi-coverage.md, generated from [`OPERATIONS`].
pub fn coverage_markdown() -> String {
    let served = OPERATIONS.iter().filter(|d| matches!(d.status, Status::Served(_))).count();
    let mut md = String::new();
    md.push_str("# XML API coverage\n\n");
    md.push_str("Generated from the operation registry (`crates/kaigi-xmlapi/src/registry.rs`) by the test\n");
    md.push_str("`coverage_doc_is_current`; do not edit by hand. Run\n");
    md.push_str(
        "`KAIGI_UPDATE_DOCS=1 cargo test -p kaigi-xmlapi coverage_doc_is_current` after changing the registry.\n\n",
    );
    md.push_str(&format!("{served} of {} operations are served.\n\n", OPERATIONS.len()));
    md.push_str(
        "Validated: every answer the end-to-end tests receive is checked against the vendor's 2011 XML schema\n\
         (`compat/test_xml_schema.py`); `yes` means at least one SUCCESS answer of the operation was among them.\n\n",
    );
    md.push_str("| service (package) | operation | response type | state | validated |\n|---|---|---|---|---|\n");
    for d in OPERATIONS {
        let (state, validated) = match d.status {
            Status::Served(_) => ("served".to_string(), crate::schema_additions::validation_of(&d.response_type())),
            Status::Planned(n) => (format!("planned (#{n})"), ""),
            Status::NotPlanned => ("not planned".to_string(), ""),
        };
        md.push_str(&format!(
            "| {} | {} | `{}` | {} | {} |\n",
            d.service.package(),
            d.name,
            d.response_type(),
            state,
            validated
        ));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_every_form_clients_send() {
        let get_user = |t| resolve(t).map(|d| d.name);
        assert_eq!(get_user("java:com.webex.service.binding.user.GetUser"), Some("GetUser"));
        assert_eq!(get_user("  java:com.webex.service.binding.user.getuser "), Some("GetUser"));
        assert_eq!(get_user("user.GetUser"), Some("GetUser"));
        assert_eq!(get_user("user:getUser"), Some("GetUser"));
        assert_eq!(get_user("site.LstTimeZone"), Some("LstTimeZone"));
        assert_eq!(get_user("java:com.webex.service.binding.user.GetSite"), Some("GetSite"));
        assert_eq!(get_user("meeting.auo.CreateTeleconferenceSession"), Some("CreateTeleconferenceSession"));
        assert_eq!(resolve("java:com.webex.service.binding.user.FlyToTheMoon"), None);
        assert_eq!(resolve("GetUser"), None, "bare names are refused");
        assert_eq!(resolve(""), None);
    }

    #[test]
    fn names_are_unique_within_a_service() {
        for (i, a) in OPERATIONS.iter().enumerate() {
            for b in &OPERATIONS[i + 1..] {
                assert!(!(a.service == b.service && a.name.eq_ignore_ascii_case(b.name)), "{}", a.name);
            }
        }
    }

    /// docs/xmlapi-coverage.md must say what the registry says.
    #[test]
    fn coverage_doc_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/xmlapi-coverage.md");
        let want = coverage_markdown();
        if std::env::var_os("KAIGI_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &want).expect("write docs/xmlapi-coverage.md");
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/xmlapi-coverage.md is stale: run KAIGI_UPDATE_DOCS=1 cargo test -p kaigi-xmlapi coverage_doc_is_current"
        );
    }

    #[test]
    fn response_types_are_lower_camel() {
        let def = resolve("ep.GetAPIVersion").unwrap();
        assert_eq!(def.response_type(), "ep:getAPIVersionResponse");
        assert_eq!(resolve("site.GetSite").unwrap().response_type(), "ns1:getSiteResponse");
    }
}
