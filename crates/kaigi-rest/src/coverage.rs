//! Which operations of the Webex Meetings REST spec kaigi serves. docs/rest-coverage.md is
//! generated from this list and the spec's operation list (spec-operations.txt); a test fails
//! when the file is stale.

/// The spec's operations: `METHOD PATH TAG` lines.
const SPEC_OPERATIONS: &str = include_str!("spec-operations.txt");

/// Operations kaigi serves (method, path as the spec writes it).
pub const SERVED: &[(&str, &str)] = &[
    ("GET", "/meetings"),
    ("POST", "/meetings"),
    ("GET", "/meetings/{meetingId}"),
    ("PUT", "/meetings/{meetingId}"),
    ("PATCH", "/meetings/{meetingId}"),
    ("DELETE", "/meetings/{meetingId}"),
    ("GET", "/meetingInvitees"),
    ("POST", "/meetingInvitees"),
    ("POST", "/meetingInvitees/bulkInsert"),
    ("GET", "/meetingInvitees/{meetingInviteeId}"),
    ("PUT", "/meetingInvitees/{meetingInviteeId}"),
    ("DELETE", "/meetingInvitees/{meetingInviteeId}"),
    ("GET", "/meetings/{meetingId}/registrants"),
    ("POST", "/meetings/{meetingId}/registrants"),
    ("GET", "/meetings/{meetingId}/registrants/{registrantId}"),
    ("DELETE", "/meetings/{meetingId}/registrants/{registrantId}"),
    ("POST", "/meetings/{meetingId}/registrants/approve"),
    ("POST", "/meetings/{meetingId}/registrants/reject"),
    ("POST", "/meetings/{meetingId}/registrants/cancel"),
    ("GET", "/meetingParticipants"),
    ("POST", "/meetingParticipants/query"),
    ("GET", "/meetingParticipants/{participantId}"),
    ("PUT", "/meetingParticipants/{participantId}"),
    ("POST", "/meetingParticipants/admit"),
    ("POST", "/meetingParticipants/callout"),
    ("POST", "/meetingParticipants/cancelCallout"),
    ("GET", "/recordings"),
    ("GET", "/recordings/{recordingId}"),
    ("DELETE", "/recordings/{recordingId}"),
    ("POST", "/recordings/softDelete"),
    ("POST", "/recordings/restore"),
    ("POST", "/recordings/purge"),
    ("POST", "/recordings/{recordingId}/accessList"),
    ("POST", "/recordings/accessList"),
    ("GET", "/admin/recordings"),
    ("DELETE", "/admin/recordings/{recordingId}"),
    ("GET", "/group/recordings"),
    ("GET", "/group/recordings/{recordingId}"),
    ("GET", "/recordingReport/accessSummary"),
    ("GET", "/recordingReport/accessDetail"),
    ("GET", "/recordingReport/meetingArchiveSummaries"),
    ("GET", "/recordingReport/meetingArchives/{archiveId}"),
    ("POST", "/meetings/join"),
    ("POST", "/meetings/reassignHost"),
    ("POST", "/meetings/{meetingId}/end"),
    ("GET", "/meetings/controls"),
    ("PUT", "/meetings/controls"),
    ("GET", "/meetings/postMeetingChats"),
    ("DELETE", "/meetings/postMeetingChats"),
    ("GET", "/meetings/{meetingId}/registration"),
    ("PUT", "/meetings/{meetingId}/registration"),
    ("DELETE", "/meetings/{meetingId}/registration"),
    ("POST", "/meetings/{meetingId}/registrants/bulkInsert"),
    ("POST", "/meetings/{meetingId}/registrants/query"),
    ("POST", "/meetings/{meetingId}/registrants/bulkDelete"),
    ("GET", "/meetings/{meetingId}/survey"),
    ("POST", "/meetings/{meetingId}/surveyLinks"),
    ("GET", "/meetings/{meetingId}/surveyResults"),
    ("GET", "/admin/meetings"),
    ("GET", "/admin/meetings/{meetingId}"),
    ("GET", "/admin/meeting/config/trackingCodes"),
    ("POST", "/admin/meeting/config/trackingCodes"),
    ("GET", "/admin/meeting/config/trackingCodes/{trackingCodeId}"),
    ("PUT", "/admin/meeting/config/trackingCodes/{trackingCodeId}"),
    ("DELETE", "/admin/meeting/config/trackingCodes/{trackingCodeId}"),
    ("GET", "/admin/meeting/userconfig/trackingCodes"),
    ("PUT", "/admin/meeting/userconfig/trackingCodes"),
    ("GET", "/meetings/trackingCodes"),
    ("GET", "/admin/meeting/config/sessionTypes"),
    ("GET", "/admin/meeting/userconfig/sessionTypes"),
    ("PUT", "/admin/meeting/userconfig/sessionTypes"),
    ("GET", "/meetings/sessionTypes"),
    ("GET", "/meetings/sessionTypes/{sessionTypeId}"),
    ("GET", "/admin/meeting/config/commonSettings"),
    ("PATCH", "/admin/meeting/config/commonSettings"),
    ("GET", "/meetings/templates"),
    ("GET", "/meetings/templates/{templateId}"),
    ("GET", "/meetingReports/usage"),
    ("GET", "/meetingReports/attendees"),
    ("PUT", "/meetings/{meetingId}/simultaneousInterpretation"),
    ("GET", "/meetings/{meetingId}/interpreters"),
    ("POST", "/meetings/{meetingId}/interpreters"),
    ("GET", "/meetings/{meetingId}/interpreters/{interpreterId}"),
    ("PUT", "/meetings/{meetingId}/interpreters/{interpreterId}"),
    ("DELETE", "/meetings/{meetingId}/interpreters/{interpreterId}"),
    ("GET", "/meetings/{meetingId}/breakoutSessions"),
    ("PUT", "/meetings/{meetingId}/breakoutSessions"),
    ("DELETE", "/meetings/{meetingId}/breakoutSessions"),
    ("GET", "/meetings/{meetingId}/invitationSources"),
    ("POST", "/meetings/{meetingId}/invitationSources"),
    ("GET", "/webhooks"),
    ("POST", "/webhooks"),
    ("GET", "/webhooks/{webhookId}"),
    ("PUT", "/webhooks/{webhookId}"),
    ("DELETE", "/webhooks/{webhookId}"),
    ("POST", "/people"),
    ("PUT", "/people/{personId}"),
    ("DELETE", "/people/{personId}"),
    ("POST", "/meetingPreferences/schedulingOptions/delegateEmails/insert"),
    ("POST", "/meetingPreferences/schedulingOptions/delegateEmails/delete"),
    ("POST", "/admin/meetingPreferences/personalMeetingRoom/refreshId"),
    ("GET", "/people"),
    ("GET", "/people/{personId}"),
    ("GET", "/people/me"),
    ("GET", "/meetingPreferences"),
    ("GET", "/meetingPreferences/personalMeetingRoom"),
    ("PUT", "/meetingPreferences/personalMeetingRoom"),
    ("GET", "/meetingPreferences/audio"),
    ("PUT", "/meetingPreferences/audio"),
    ("GET", "/meetingPreferences/video"),
    ("PUT", "/meetingPreferences/video"),
    ("GET", "/meetingPreferences/schedulingOptions"),
    ("PUT", "/meetingPreferences/schedulingOptions"),
    ("GET", "/meetingPreferences/sites"),
    ("PUT", "/meetingPreferences/sites"),
];

/// Served operations of the Webex Admin spec (not in the meetings spec).
pub const SERVED_ADMIN: &[(&str, &str)] = &[
    ("GET", "/licenses"),
    ("GET", "/licenses/{licenseId}"),
    ("POST", "/applications/{applicationId}/token"),
    ("GET", "/authorizations/tokenExpiry"),
];

/// The OAuth 2.0 endpoints of an integration, described in the vendor's guides rather than in
/// either spec.
pub const SERVED_OAUTH: &[(&str, &str)] = &[("GET", "/authorize"), ("POST", "/authorize"), ("POST", "/access_token")];

/// The spec's operations as (method, path, tag).
pub fn spec_operations() -> Vec<(&'static str, &'static str, &'static str)> {
    SPEC_OPERATIONS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut parts = l.splitn(3, ' ');
            Some((parts.next()?, parts.next()?, parts.next().unwrap_or("")))
        })
        .collect()
}

pub fn coverage_markdown() -> String {
    let ops = spec_operations();
    let served = ops.iter().filter(|(m, p, _)| SERVED.contains(&(*m, *p))).count();
    let mut md = String::from("# REST API coverage\n\n");
    md.push_str(
        "Generated from `crates/kaigi-rest/src/coverage.rs` by the test `coverage_doc_is_current`; do not edit\n",
    );
    md.push_str(
        "by hand. Run `KAIGI_UPDATE_DOCS=1 cargo test -p kaigi-rest coverage_doc_is_current` after changing it.\n",
    );
    md.push_str("The operation list is that of the Webex Meetings OpenAPI spec (`webex-meeting.json`); paths are under `/v1`.\n\n");
    md.push_str(&format!("{served} of {} operations are served.\n\n", ops.len()));
    md.push_str("| tag | method | path | state |\n|---|---|---|---|\n");
    for (m, p, tag) in &ops {
        let state = if SERVED.contains(&(*m, *p)) { "served" } else { "not yet" };
        md.push_str(&format!("| {tag} | {m} | `{p}` | {state} |\n"));
    }
    md.push_str("\nAlso served, from the Webex Admin spec (`webex-admin.json`):\n\n");
    for (m, p) in SERVED_ADMIN {
        md.push_str(&format!("- {m} `{p}`\n"));
    }
    md.push_str("\nAnd the OAuth 2.0 endpoints of integrations (in the vendor's guides, not in the specs; see docs/oauth.md):\n\n");
    for (m, p) in SERVED_OAUTH {
        md.push_str(&format!("- {m} `{p}`\n"));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_operation_is_in_the_spec() {
        let ops = spec_operations();
        assert!(ops.len() > 100);
        for (m, p) in SERVED {
            assert!(ops.iter().any(|(om, op, _)| om == m && op == p), "{m} {p} is not in the spec");
        }
    }

    #[test]
    fn coverage_doc_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rest-coverage.md");
        let want = coverage_markdown();
        if std::env::var_os("KAIGI_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &want).expect("write docs/rest-coverage.md");
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/rest-coverage.md is stale: run KAIGI_UPDATE_DOCS=1 cargo test -p kaigi-rest coverage_doc_is_current"
        );
    }
}
