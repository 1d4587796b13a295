//! kaigi-rest: the REST face of kaigi (`/v1/*`). Each handler authenticates the bearer token,
//! checks the scope the operation needs, calls one core use case and encodes the answer as the
//! Webex REST API does. Errors become the Webex error JSON in one place ([`error`]).

pub mod admin_meetings;
pub mod auth;
pub mod chats;
pub mod coverage;
pub mod error;
pub mod ids;
mod interpretation_json;
pub mod invitees;
pub mod licenses;
pub mod meeting_controls;
pub mod meeting_host;
pub mod meeting_join;
mod meeting_options;
pub mod meeting_setup;
pub mod meetings;
pub mod oauth;
pub mod paging;
pub mod params;
pub mod participants;
pub mod people;
pub mod preferences;
pub mod recordings;
pub mod registrants;
pub mod registration;
pub mod render_cache;
pub mod reports;
pub mod site_config;
pub mod surveys;
pub mod templates;
pub mod tracking;
pub mod webhooks;

use std::sync::Arc;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use axum::Router;
use kaigi_core::model::Site;
use kaigi_core::Kaigi;

use crate::error::Refusal;

#[derive(Clone)]
pub struct RestState {
    pub kaigi: Arc<Kaigi>,
    /// Finished `GET /v1/meetings/{id}` bodies.
    pub bodies: Arc<render_cache::MeetingBodies>,
}

/// The site's URL as REST objects carry it (`siteUrl`, e.g. `meet.example.com/acme`).
pub fn site_url(state: &RestState, site: &Site) -> String {
    state.kaigi.site_address(site)
}

/// The `/v1` routes, to be nested under `/v1`.
/// The spec's fixed paths under `/meetings/` that kaigi does not serve yet. Without a route of
/// their own they would reach `/meetings/{id}` and be answered as a meeting id ("Meeting not
/// found.", or a DELETE reaching the meeting-delete handler); they get the unknown-resource 404,
/// whatever the method. A test keeps this list equal to the spec's fixed segments that have no
/// route here.
pub const UNSERVED_MEETING_PATHS: [&str; 3] = ["pollResults", "polls", "q_and_a"];

/// The spec's fixed segments under `/meetings/` that kaigi serves with routes of their own.
pub const SERVED_MEETING_PATHS: [&str; 7] =
    ["controls", "join", "postMeetingChats", "reassignHost", "sessionTypes", "templates", "trackingCodes"];

pub fn router(kaigi: Arc<Kaigi>) -> Router {
    let state = RestState { kaigi, bodies: Arc::default() };
    let mut router = Router::new();
    for segment in UNSERVED_MEETING_PATHS {
        router = router.route(&format!("/meetings/{segment}"), any(not_found));
    }
    router
        .route("/meetings", get(meetings::list).post(meetings::create))
        .route(
            "/meetings/{id}",
            get(meetings::get_one).put(meetings::put).patch(meetings::patch).delete(meetings::delete),
        )
        .route("/meetings/join", post(meeting_join::join))
        .route("/meetings/reassignHost", post(meeting_host::reassign_host))
        .route("/meetings/controls", get(meeting_controls::get).put(meeting_controls::put))
        .route("/meetings/postMeetingChats", get(chats::list).delete(chats::delete))
        .route("/meetings/{id}/end", post(meeting_host::end))
        .route(
            "/meetings/{id}/registration",
            get(registration::get).put(registration::put).delete(registration::delete),
        )
        .route("/meetings/{id}/registrants/bulkInsert", post(registration::bulk_insert))
        .route("/meetings/{id}/registrants/query", post(registration::query))
        .route("/meetings/{id}/registrants/bulkDelete", post(registration::bulk_delete))
        .route("/meetings/{id}/simultaneousInterpretation", axum::routing::put(meeting_setup::put_interpretation))
        .route(
            "/meetings/{id}/interpreters",
            get(meeting_setup::list_interpreters).post(meeting_setup::create_interpreter),
        )
        .route(
            "/meetings/{id}/interpreters/{interpreter}",
            get(meeting_setup::get_interpreter)
                .put(meeting_setup::put_interpreter)
                .delete(meeting_setup::delete_interpreter),
        )
        .route(
            "/meetings/{id}/breakoutSessions",
            get(meeting_setup::list_breakouts)
                .put(meeting_setup::put_breakouts)
                .delete(meeting_setup::delete_breakouts),
        )
        .route("/meetings/{id}/invitationSources", get(meeting_setup::list_sources).post(meeting_setup::create_sources))
        .route("/meetings/{id}/survey", get(surveys::survey))
        .route("/meetings/{id}/surveyLinks", post(surveys::links))
        .route("/meetings/{id}/surveyResults", get(surveys::results))
        .route("/admin/meetings", get(admin_meetings::list))
        .route("/admin/meetings/{id}", get(admin_meetings::get_one))
        .route("/meetings/templates", get(templates::list))
        .route("/meetings/templates/{id}", get(templates::get_one))
        .route("/meetings/sessionTypes", get(templates::session_types))
        .route("/meetings/sessionTypes/{id}", get(templates::session_type))
        .route("/meetings/trackingCodes", get(templates::tracking_codes))
        .route(
            "/admin/meeting/config/trackingCodes",
            get(site_config::list_tracking_codes).post(site_config::create_tracking_code),
        )
        .route(
            "/admin/meeting/config/trackingCodes/{id}",
            get(site_config::get_tracking_code)
                .put(site_config::put_tracking_code)
                .delete(site_config::delete_tracking_code),
        )
        .route(
            "/admin/meeting/userconfig/trackingCodes",
            get(site_config::get_user_tracking_codes).put(site_config::put_user_tracking_codes),
        )
        .route("/admin/meeting/config/sessionTypes", get(site_config::list_site_session_types))
        .route(
            "/admin/meeting/userconfig/sessionTypes",
            get(site_config::get_user_session_types).put(site_config::put_user_session_types),
        )
        .route(
            "/admin/meeting/config/commonSettings",
            get(site_config::get_common_settings).patch(site_config::patch_common_settings),
        )
        .route("/meetingReports/usage", get(reports::usage))
        .route("/meetingReports/attendees", get(reports::attendees))
        .route("/meetings/{id}/registrants", get(registrants::list).post(registrants::create))
        .route("/meetings/{id}/registrants/approve", post(registrants::approve))
        .route("/meetings/{id}/registrants/reject", post(registrants::reject))
        .route("/meetings/{id}/registrants/cancel", post(registrants::cancel))
        .route("/meetings/{id}/registrants/{registrant}", get(registrants::get_one).delete(registrants::delete))
        .route("/meetingInvitees", get(invitees::list).post(invitees::create))
        .route("/meetingInvitees/bulkInsert", post(invitees::bulk).put(invitees::bulk))
        .route("/meetingInvitees/{id}", get(invitees::get_one).put(invitees::put).delete(invitees::delete))
        .route("/people", get(people::list).post(people::create))
        .route("/people/me", get(people::me))
        .route("/people/{id}", get(people::get_one).put(people::update).delete(people::delete))
        .route("/meetingPreferences", get(preferences::get_all))
        .route("/meetingPreferences/personalMeetingRoom", get(preferences::get_room).put(preferences::put_room))
        .route("/meetingPreferences/audio", get(preferences::get_audio).put(preferences::put_audio))
        .route("/meetingPreferences/video", get(preferences::get_video).put(preferences::put_video))
        .route(
            "/meetingPreferences/schedulingOptions",
            get(preferences::get_scheduling).put(preferences::put_scheduling),
        )
        .route("/meetingPreferences/sites", get(preferences::get_sites).put(preferences::put_sites))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/webhooks/{id}", get(webhooks::get_one).put(webhooks::put).delete(webhooks::delete))
        .route("/meetingPreferences/schedulingOptions/delegateEmails/insert", post(preferences::insert_delegates))
        .route("/meetingPreferences/schedulingOptions/delegateEmails/delete", post(preferences::delete_delegates))
        .route("/admin/meetingPreferences/personalMeetingRoom/refreshId", post(preferences::refresh_room_ids))
        .route("/meetingParticipants", get(participants::list))
        .route("/meetingParticipants/query", post(participants::query))
        .route("/meetingParticipants/admit", post(participants::admit))
        .route("/meetingParticipants/callout", post(participants::callout))
        .route("/meetingParticipants/cancelCallout", post(participants::cancel_callout))
        .route("/meetingParticipants/{id}", get(participants::get_one).put(participants::put))
        .route("/recordings", get(recordings::list))
        .route("/recordings/softDelete", post(recordings::soft_delete))
        .route("/recordings/restore", post(recordings::restore))
        .route("/recordings/purge", post(recordings::purge))
        .route("/recordings/accessList", post(recordings::share_by_link))
        .route("/recordings/{id}", get(recordings::get_one).delete(recordings::delete))
        .route("/recordings/{id}/accessList", post(recordings::share_by_id))
        .route("/admin/recordings", get(recordings::admin_list))
        .route("/admin/recordings/{id}", delete(recordings::admin_delete))
        .route("/group/recordings", get(recordings::group_list))
        .route("/group/recordings/{id}", get(recordings::group_get))
        .route("/recordingReport/accessSummary", get(recordings::access_summary))
        .route("/recordingReport/accessDetail", get(recordings::access_detail))
        .route("/recordingReport/meetingArchiveSummaries", get(recordings::archive_summaries))
        .route("/recordingReport/meetingArchives/{id}", get(recordings::archive))
        .route("/licenses", get(licenses::list))
        .route("/licenses/{id}", get(licenses::get_one))
        .route("/access_token", post(oauth::access_token))
        .route("/applications/{id}/token", post(oauth::application_token))
        .route("/authorizations/tokenExpiry", get(oauth::token_expiry))
        .fallback(not_found)
        .layer(middleware::from_fn(json_method_not_allowed))
        .layer(middleware::from_fn(tracking::route_pattern))
        .layer(middleware::from_fn_with_state(state.kaigi.clone(), tracking::middleware))
        .with_state(state)
}

async fn not_found() -> Response {
    Refusal::UnknownResource.into_response()
}

/// axum answers a known path with an unknown method with an empty 405; clients get the JSON.
async fn json_method_not_allowed(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let response = next.run(req).await;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        return Refusal::MethodNotServed(method).into_response();
    }
    response
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{SERVED_MEETING_PATHS, UNSERVED_MEETING_PATHS};

    /// Every fixed segment the vendor's spec puts under `/meetings/` is either served or listed as
    /// unserved, so none can fall into `/meetings/{id}` (the spec copy is in compat/openapi).
    #[test]
    fn every_fixed_meetings_path_of_the_spec_has_its_own_route() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../compat/openapi/webex-meeting.json");
        let text = std::fs::read_to_string(path).expect("the meetings spec");
        let spec: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let fixed: BTreeSet<String> = spec["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .filter_map(|p| p.strip_prefix("/meetings/"))
            .filter_map(|rest| rest.split('/').next())
            .filter(|segment| !segment.starts_with('{'))
            .map(str::to_string)
            .collect();
        let unserved: BTreeSet<String> = UNSERVED_MEETING_PATHS.iter().map(|s| s.to_string()).collect();
        let served: BTreeSet<String> = SERVED_MEETING_PATHS.iter().map(|s| s.to_string()).collect();
        assert_eq!(fixed.difference(&served).cloned().collect::<BTreeSet<_>>(), unserved);
        assert!(served.is_subset(&fixed), "served segments are the spec's");
    }
}
