//! The one mapping of core errors for the pages (and for the JSON endpoints of the control plane
//! beside them): [`explain`] gives the status, the title and the message of a [`Failure`].
//!
//! The status depends on the error alone ([`status_of`]) and follows the REST face
//! (kaigi-rest `error.rs`) variant by variant, with three differences, each because a page (or
//! a lifecycle endpoint) says more than REST does:
//! - a lifecycle refusal keeps its own status: a wrong password, host key or pass, or not being
//!   a host, 403; waiting for the host and a meeting not running, 409; a participant no longer in
//!   the meeting, 404; too many wrong tries, 429 (REST answers 403 for every one);
//! - an unknown client on the consent page is a bad link (400): the person there is not the
//!   client, so there is nobody to authenticate (REST's token endpoint answers 401);
//! - a storage failure is 503 "try again later" (REST's 423 asks an API client to retry): a page
//!   is for a person, and the failure is not theirs. It is logged here.
//!
//! The text depends on the page too: each page words the error for the person in front of it
//! (the booking page names the licence, the room the meeting).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kaigi_core::error::{
    AuthFailure, Duplicate, Entity, LicenseError, OAuthError, ScheduleError, SessionError, StoreError,
};
use kaigi_core::rules::limits::{JOIN_FAILURE_WINDOW_MINUTES, MAX_CHAT_LINES_PER_SESSION};
use kaigi_core::{Error, Kaigi};
use serde_json::json;

use crate::layout;

/// Which page (or endpoint) shows the error: it chooses the words, never the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The meeting's pages (join, host, room) and the JSON lifecycle endpoints.
    Meeting,
    /// An invitation link (`j.php`).
    MeetingLink,
    /// The booking page's sign-in form.
    BookSignIn,
    /// The booking page once signed in.
    Booking,
    /// The OAuth consent page.
    Consent,
    /// The site administrator's integrations page.
    Integrations,
    /// The licence report (JSON and page).
    LicenceReport,
    /// The link of an e-mail change confirmation.
    EmailConfirmation,
    /// The site administrator's console (`/admin/{site}`).
    AdminConsole,
}

impl Page {
    /// Whether a 401 of this page asks the browser for HTTP Basic credentials.
    fn asks_for_basic(self) -> bool {
        matches!(self, Page::Integrations | Page::LicenceReport | Page::AdminConsole)
    }
}

/// What a page shows for an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: StatusCode,
    pub title: &'static str,
    pub text: String,
    /// The page it is shown on.
    pub page: Page,
}

impl IntoResponse for Failure {
    /// The failure as a page of its own (a paragraph under its title). A 401 of a page signed
    /// into with HTTP Basic asks the browser for credentials.
    fn into_response(self) -> Response {
        let mut r = layout::message(self.status, self.title, &self.text);
        if self.status == StatusCode::UNAUTHORIZED && self.page.asks_for_basic() {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"kaigi\""));
        }
        r
    }
}

/// The participant pass of a lifecycle request is missing or wrong.
pub const BAD_PASS: &str = "The participantPass is missing or is not the one the join answered for this participant \
                            (a site administrator may send HTTP Basic credentials instead).";

/// The status of an error, on every page: one table.
pub fn status_of(e: &Error) -> StatusCode {
    use StatusCode as S;
    match e {
        Error::NotFound(_) | Error::NoRecords | Error::Store(StoreError::Missing) => S::NOT_FOUND,
        Error::AccessDenied | Error::OthersPreferences | Error::MissingScope(_) => S::FORBIDDEN,
        Error::Auth(_) => S::UNAUTHORIZED,
        Error::Invalid { .. } | Error::PmrNeedsNonE2eeType | Error::TooManyAttendees { .. } => S::BAD_REQUEST,
        Error::Duplicate(_) => S::CONFLICT,
        Error::License(_) | Error::Store(StoreError::SeatLimit(_)) => S::FORBIDDEN,
        Error::Schedule(ScheduleError::UnknownHost | ScheduleError::NotPermittedForHost) => S::FORBIDDEN,
        Error::Schedule(ScheduleError::StartNotInFuture | ScheduleError::OutsideRecurringInterval) => S::BAD_REQUEST,
        Error::Schedule(ScheduleError::InProgress) => S::CONFLICT,
        Error::UsageLimited => S::TOO_MANY_REQUESTS,
        Error::Session(s) => match s {
            SessionError::WrongPassword
            | SessionError::WrongHostKey
            | SessionError::NotHost
            | SessionError::BadPass => S::FORBIDDEN,
            SessionError::WaitingForHost
            | SessionError::NotRunning
            | SessionError::NotInLobby
            | SessionError::ChatFull => S::CONFLICT,
            SessionError::InLobby => S::FORBIDDEN,
            SessionError::NotInSession => S::NOT_FOUND,
            SessionError::NoHostInSession => S::CONFLICT,
            SessionError::TooManyTries { .. } => S::TOO_MANY_REQUESTS,
        },
        Error::OAuth(o) => match o {
            OAuthError::Declined | OAuthError::AppNotAuthorized => S::FORBIDDEN,
            OAuthError::InvalidClient
            | OAuthError::InvalidGrant(_)
            | OAuthError::RedirectMismatch
            | OAuthError::InvalidScope
            | OAuthError::UnsupportedGrantType
            | OAuthError::UnsupportedResponseType
            | OAuthError::InvalidRequest => S::BAD_REQUEST,
        },
        Error::Store(StoreError::Conflict(_) | StoreError::Stale) => S::CONFLICT,
        Error::Store(StoreError::Backend(_)) => S::SERVICE_UNAVAILABLE,
    }
}

fn utc(unix: i64, format: &str) -> Option<String> {
    chrono::DateTime::from_timestamp(unix, 0).map(|t| t.format(format).to_string())
}

/// The page's words for an error it expects, or None for the common words ([`common_text`]).
fn page_text(e: &Error, page: Page) -> Option<(&'static str, String)> {
    use Page as P;
    let t = |title: &'static str, text: &str| Some((title, text.to_string()));
    match (page, e) {
        // The meeting's pages and the lifecycle endpoints.
        (P::Meeting, Error::Session(s)) => match s {
            SessionError::WrongPassword => t("Not allowed", "The meeting password is not correct."),
            SessionError::WrongHostKey => t("Not allowed", "The host key is not correct."),
            SessionError::NotHost => t("Not allowed", "Only a host of the meeting may do this."),
            SessionError::WaitingForHost => t("Not started", "The meeting has not started; waiting for the host."),
            SessionError::NotRunning => t("Not in progress", "The meeting is not in progress."),
            SessionError::BadPass => t("Not allowed", BAD_PASS),
            SessionError::NotInSession => t("Not in the meeting", "The participant is not in this meeting."),
            SessionError::NoHostInSession => t("No host in the meeting", "No host of this meeting is in it now."),
            SessionError::NotInLobby => t("Not waiting", "The participant is not waiting in a lobby."),
            SessionError::InLobby => {
                t("Waiting in the lobby", "You are waiting in the lobby until a host lets you in.")
            }
            SessionError::ChatFull => Some((
                "Chat full",
                format!(
                    "This meeting's chat keeps at most {} lines a session; no more can be said.",
                    MAX_CHAT_LINES_PER_SESSION
                ),
            )),
            SessionError::TooManyTries { .. } => Some((
                "Too many tries",
                format!(
                    "Too many wrong meeting passwords or host keys were tried for this meeting; joining is refused \
                     for up to {JOIN_FAILURE_WINDOW_MINUTES} minutes."
                ),
            )),
        },
        (P::Meeting, Error::Auth(AuthFailure::Locked { .. })) => {
            t("Sign in", "Too many wrong passwords: the administrator's account is locked for now.")
        }
        (P::Meeting, Error::Auth(_)) => t("Sign in", "The site administrator's user name or password is not correct."),
        (P::Meeting, Error::AccessDenied) => {
            t("Not allowed", "Only a site administrator of the meeting's site may do this.")
        }
        (P::Meeting, Error::NotFound(Entity::Meeting)) => t("Meeting not found", "The meeting could not be found."),
        (P::Meeting, Error::NotFound(_)) => t("Meeting not found", "The requested resource could not be found."),
        (P::Meeting, Error::Invalid { why, .. }) => Some(("Not accepted", why.clone())),
        (P::MeetingLink, Error::NotFound(_)) => t("Meeting not found", "This link names no meeting."),

        // The booking page.
        (P::BookSignIn, Error::Auth(AuthFailure::Locked { until_unix })) => Some((
            "Book a meeting",
            format!(
                "Too many wrong passwords: this account is locked until {} UTC.",
                utc(*until_unix, "%Y-%m-%d %H:%M").unwrap_or_else(|| "1970-01-01 00:00".into())
            ),
        )),
        (P::BookSignIn | P::Consent, Error::Auth(AuthFailure::Inactive)) => {
            t("Sign in", "This account is deactivated.")
        }
        (P::BookSignIn, Error::Auth(_)) => t("Book a meeting", "The site, user name or password is not correct."),
        (P::Booking, Error::License(LicenseError::HostLicenseRequired { webex_id, plan })) => Some((
            "Book a meeting",
            format!(
                "kaigi cannot schedule this meeting in your name: {webex_id} holds no host licence on this site \
                 ({plan} plan)."
            ),
        )),
        (P::Booking, Error::License(LicenseError::ExceededSiteHostLimit { seats })) => Some((
            "Book a meeting",
            format!(
                "kaigi cannot schedule this meeting in your name: all {seats} host licences of the site are in use."
            ),
        )),
        (P::Booking, Error::AccessDenied) => t("Book a meeting", "Your account may not schedule meetings."),
        (P::Booking, Error::Schedule(ScheduleError::StartNotInFuture)) => {
            t("Book a meeting", "The start must be in the future.")
        }
        (P::Booking, Error::TooManyAttendees { max }) => {
            Some(("Book a meeting", format!("At most {max} invitees per meeting here.")))
        }
        (P::Booking, Error::NotFound(_)) => t("Meeting not found", "No such meeting of yours."),

        // The consent page.
        (P::Consent, Error::OAuth(OAuthError::RedirectMismatch)) => t(
            "This sign-in link is not valid",
            "The redirect_uri is not one this integration registered, so kaigi will not send you there. \
             Tell the integration's developer.",
        ),
        (P::Consent, Error::OAuth(_)) => t(
            "This sign-in link is not valid",
            "The client_id names no integration of kaigi (it may have been deleted).",
        ),
        (P::Consent, Error::Auth(AuthFailure::Locked { until_unix })) => Some((
            "Allow access to kaigi?",
            format!(
                "The account is locked after too many wrong passwords; try again after {}.",
                utc(*until_unix, "%H:%M UTC").unwrap_or_else(|| "a while".into())
            ),
        )),
        (P::Consent, Error::Auth(_)) => t("Allow access to kaigi?", "The user name or password is wrong."),

        // The integrations page.
        (P::Integrations, Error::Auth(AuthFailure::Locked { .. })) => {
            t("Sign in", "The account is locked after too many wrong passwords; try later.")
        }
        (P::Integrations, Error::Auth(_)) => t("Sign in", "Sign in as an administrator of this site."),
        (P::Integrations, Error::AccessDenied) => {
            t("Not allowed", "Only the site's administrators manage integrations.")
        }
        (P::Integrations, Error::NotFound(Entity::Site)) => t("Site not found", "No site has this name."),
        (P::Integrations, Error::NotFound(_)) => {
            t("Not found", "No integration of this site has this client id (it may be deleted already).")
        }

        // The licence report.
        (P::LicenceReport, Error::Auth(AuthFailure::Locked { .. })) => {
            t("Sign in", "The account is locked after too many bad passwords; try again later.")
        }
        (P::LicenceReport, Error::Auth(_)) => t("Sign in", "The request requires a valid site administrator."),
        (P::LicenceReport, Error::AccessDenied) => {
            t("Not allowed", "Only the site's administrators may read its licence report.")
        }
        (P::LicenceReport, Error::MissingScope(scope)) => Some((
            "Not allowed",
            format!("The token does not carry the scope {scope}, which the licence report needs."),
        )),
        (P::LicenceReport, Error::UsageLimited) => {
            t("Try again shortly", "Too many requests this minute; try again shortly.")
        }
        (P::LicenceReport, Error::NotFound(Entity::Site)) => t("Site not found", "The site could not be found."),

        // The administrator's console.
        (P::AdminConsole, Error::Auth(AuthFailure::Locked { .. })) => {
            t("Sign in", "The account is locked after too many wrong passwords; try later.")
        }
        (P::AdminConsole, Error::Auth(_)) => t("Sign in", "Sign in as an administrator of this site."),
        (P::AdminConsole, Error::AccessDenied) => t("Not allowed", "Only the site's administrators use its console."),
        (P::AdminConsole, Error::NotFound(Entity::Site)) => t("Site not found", "No site has this name."),
        (P::AdminConsole, Error::NotFound(Entity::User)) => {
            t("Not found", "No person of this site has this user name.")
        }
        (P::AdminConsole, Error::NotFound(Entity::Meeting)) => {
            t("Not found", "No meeting of this site has this number (it may be cancelled already).")
        }
        (
            P::AdminConsole,
            Error::License(LicenseError::ExceededSiteHostLimit { seats }) | Error::Store(StoreError::SeatLimit(seats)),
        ) => Some((
            "Licence refused",
            format!(
                "Licence refused: all {seats} host licences of the site are in use (Named User plan). \
                 Unassign a licence or raise the plan's seats first."
            ),
        )),

        // The e-mail confirmation link.
        (P::EmailConfirmation, Error::NotFound(_)) => {
            t("Link not valid", "This confirmation link is unknown, already used, or replaced by a newer request.")
        }
        (P::EmailConfirmation, Error::Duplicate(_)) => {
            t("Address in use", "Another user of the site has this email address now.")
        }
        _ => None,
    }
}

/// The words for an error no page words itself.
fn common_text(e: &Error) -> (&'static str, String) {
    let t = |title: &'static str, text: &str| (title, text.to_string());
    match e {
        Error::Invalid { field, why } => ("Not accepted", format!("{field}: {why}")),
        Error::NotFound(_) | Error::NoRecords | Error::Store(StoreError::Missing) => {
            t("Not found", "The requested resource could not be found.")
        }
        Error::AccessDenied | Error::OthersPreferences => t("Not allowed", "You are not allowed to do this."),
        Error::MissingScope(scope) => ("Not allowed", format!("The access token is missing the scope {scope}.")),
        Error::Auth(AuthFailure::Locked { .. }) => {
            t("Sign in", "The account is locked after too many wrong passwords; try again later.")
        }
        Error::Auth(_) => t("Sign in", "The user name or password is not correct."),
        Error::Duplicate(Duplicate::Email) => t("Already in use", "Another user of the site has this email address."),
        Error::Duplicate(Duplicate::WebExId) => t("Already in use", "Another user of the site has this user name."),
        Error::Duplicate(Duplicate::Invitee) => t("Already invited", "The person is already invited."),
        Error::Duplicate(Duplicate::Registrant) => t("Already registered", "The person is already registered."),
        Error::License(LicenseError::HostLicenseRequired { webex_id, .. }) => {
            ("Not allowed", format!("{webex_id} holds no host licence on this site."))
        }
        Error::License(LicenseError::ExceededSiteHostLimit { seats }) | Error::Store(StoreError::SeatLimit(seats)) => {
            ("Not allowed", format!("All {seats} host licences of the site are in use."))
        }
        Error::Schedule(ScheduleError::UnknownHost) => t("Not allowed", "The host is not a user of this site."),
        Error::Schedule(ScheduleError::NotPermittedForHost) => {
            t("Not allowed", "Only a site administrator may schedule meetings for another host.")
        }
        Error::Schedule(ScheduleError::StartNotInFuture) => t("Not accepted", "The start must be in the future."),
        Error::Schedule(ScheduleError::InProgress) => t("In progress", "The meeting is in progress."),
        Error::Schedule(ScheduleError::OutsideRecurringInterval) => {
            t("Not accepted", "An occurrence may not be moved out of its recurring interval.")
        }
        Error::PmrNeedsNonE2eeType => ("Not accepted", e.to_string()),
        Error::TooManyAttendees { max } => ("Not accepted", format!("At most {max} invitees at once.")),
        Error::UsageLimited => t("Try again shortly", "Too many requests; try again shortly."),
        Error::Session(_) => t("Not allowed", "Not allowed in this meeting now."),
        Error::OAuth(_) => t("Not accepted", "The OAuth request was refused."),
        Error::Store(StoreError::Conflict(_)) => t("Already in use", "This is already in use."),
        Error::Store(StoreError::Stale) => {
            t("Changed meanwhile", "This was changed by another request at the same time; open it again and retry.")
        }
        Error::Store(StoreError::Backend(_)) => t("Try again later", "Something went wrong; try again later."),
    }
}

/// What a failure the person cannot fix says on each page.
fn unavailable_text(page: Page) -> &'static str {
    match page {
        Page::MeetingLink => "The meeting could not be read.",
        Page::EmailConfirmation => "The change could not be saved.",
        _ => "Something went wrong; try again later.",
    }
}

/// The one mapping: the status, title and text `page` shows for `e`. A failure of kaigi's own
/// (5xx) is logged here, and shown without its details.
pub fn explain(e: &Error, page: Page) -> Failure {
    let status = status_of(e);
    if status.is_server_error() {
        tracing::error!(error = %e, page = ?page, "page failed");
        return Failure { status, title: "Try again later", text: unavailable_text(page).to_string(), page };
    }
    let (title, text) = page_text(e, page).unwrap_or_else(|| common_text(e));
    Failure { status, title, text, page }
}

/// The error as a page of its own (see [`Failure`]'s `into_response`).
pub fn failure_page(e: &Error, page: Page) -> Response {
    explain(e, page).into_response()
}

/// A Webex-style JSON error `{message, errors:[{description}], trackingId}` of the control plane's
/// JSON endpoints (the lifecycle endpoints, the licence report).
pub fn json_response(kaigi: &Kaigi, status: StatusCode, message: &str) -> Response {
    let tracking = kaigi.tracking_id();
    let body = json!({ "message": message, "errors": [{ "description": message }], "trackingId": tracking });
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// The error as JSON (see [`json_response`]), through the same mapping as the pages.
pub fn json_failure(kaigi: &Kaigi, e: &Error, page: Page) -> Response {
    let f = explain(e, page);
    let mut r = json_response(kaigi, f.status, &f.text);
    if f.status == StatusCode::UNAUTHORIZED && page.asks_for_basic() {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"kaigi\""));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaigi_core::error::{ConflictOn, Field};

    const PAGES: [Page; 9] = [
        Page::Meeting,
        Page::MeetingLink,
        Page::BookSignIn,
        Page::Booking,
        Page::Consent,
        Page::Integrations,
        Page::LicenceReport,
        Page::EmailConfirmation,
        Page::AdminConsole,
    ];

    /// The table: each error and the status every page answers for it.
    fn table() -> Vec<(Error, u16)> {
        vec![
            (Error::NotFound(Entity::Meeting), 404),
            (Error::NotFound(Entity::Site), 404),
            (Error::NoRecords, 404),
            (Error::AccessDenied, 403),
            (Error::Auth(AuthFailure::BadPassword), 401),
            (Error::Auth(AuthFailure::Locked { until_unix: 1_780_305_300 }), 401),
            (Error::invalid(Field::Name, "a name is required"), 400),
            (Error::Duplicate(Duplicate::Email), 409),
            (Error::License(LicenseError::HostLicenseRequired { webex_id: "carol".into(), plan: "Named User" }), 403),
            (Error::License(LicenseError::ExceededSiteHostLimit { seats: 3 }), 403),
            (Error::Schedule(ScheduleError::StartNotInFuture), 400),
            (Error::Schedule(ScheduleError::InProgress), 409),
            (Error::TooManyAttendees { max: 50 }, 400),
            (Error::UsageLimited, 429),
            (Error::MissingScope("spark-admin:licenses_read"), 403),
            (Error::Session(SessionError::WrongPassword), 403),
            (Error::Session(SessionError::WaitingForHost), 409),
            (Error::Session(SessionError::NotInSession), 404),
            (Error::Session(SessionError::TooManyTries { until_unix: 0 }), 429),
            (Error::OAuth(OAuthError::InvalidClient), 400),
            (Error::OAuth(OAuthError::RedirectMismatch), 400),
            (Error::OAuth(OAuthError::Declined), 403),
            (Error::Store(StoreError::Conflict(ConflictOn::Email)), 409),
            (Error::Store(StoreError::Stale), 409),
            (Error::Store(StoreError::Missing), 404),
            (Error::Store(StoreError::SeatLimit(3)), 403),
            (Error::Store(StoreError::Backend("disk full".into())), 503),
        ]
    }

    #[test]
    fn every_page_answers_an_error_with_the_same_status() {
        for (e, status) in table() {
            for page in PAGES {
                let f = explain(&e, page);
                assert_eq!(f.status.as_u16(), status, "{e:?} on {page:?}");
                assert!(!f.text.is_empty() && !f.title.is_empty(), "{e:?} on {page:?}");
            }
        }
    }

    #[test]
    fn a_stale_write_is_a_conflict_everywhere_as_in_rest() {
        for page in PAGES {
            let f = explain(&Error::Store(StoreError::Stale), page);
            assert_eq!(f.status, StatusCode::CONFLICT, "{page:?}");
            assert!(f.text.contains("another request"), "{}", f.text);
        }
    }

    #[test]
    fn a_failure_of_kaigis_own_shows_no_details() {
        let e = Error::Store(StoreError::Backend("password=hunter2 at db.internal".into()));
        for page in PAGES {
            let f = explain(&e, page);
            assert_eq!((f.status, f.title), (StatusCode::SERVICE_UNAVAILABLE, "Try again later"));
            assert!(!f.text.contains("hunter2") && !f.text.contains("db.internal"), "{}", f.text);
        }
        assert_eq!(explain(&e, Page::MeetingLink).text, "The meeting could not be read.");
    }

    #[test]
    fn each_page_words_the_errors_it_expects() {
        let text = |e: Error, page: Page| explain(&e, page).text;
        assert_eq!(
            text(Error::Session(SessionError::WrongPassword), Page::Meeting),
            "The meeting password is not correct."
        );
        assert_eq!(
            text(Error::Session(SessionError::WaitingForHost), Page::Meeting),
            "The meeting has not started; waiting for the host."
        );
        assert_eq!(text(Error::invalid(Field::Name, "a name is required"), Page::Meeting), "a name is required");
        assert_eq!(text(Error::invalid(Field::Title, "too long"), Page::Booking), "title: too long");
        let licence =
            Error::License(LicenseError::HostLicenseRequired { webex_id: "carol".into(), plan: "Named User" });
        assert!(text(licence, Page::Booking).contains("carol holds no host licence on this site (Named User plan)"));
        assert_eq!(
            text(Error::Auth(AuthFailure::Locked { until_unix: 1_780_305_300 }), Page::BookSignIn),
            "Too many wrong passwords: this account is locked until 2026-06-01 09:15 UTC."
        );
        assert_eq!(text(Error::Auth(AuthFailure::Inactive), Page::Consent), "This account is deactivated.");
        assert!(text(Error::OAuth(OAuthError::InvalidClient), Page::Consent).contains("client_id"));
        assert!(text(Error::OAuth(OAuthError::RedirectMismatch), Page::Consent).contains("redirect_uri"));
        assert!(text(Error::AccessDenied, Page::LicenceReport).contains("administrators"));
        assert!(text(Error::MissingScope("spark-admin:licenses_read"), Page::LicenceReport)
            .contains("spark-admin:licenses_read"));
        let link = explain(&Error::NotFound(Entity::Meeting), Page::MeetingLink);
        assert_eq!((link.title, link.text.as_str()), ("Meeting not found", "This link names no meeting."));
        let full = explain(&Error::License(LicenseError::ExceededSiteHostLimit { seats: 3 }), Page::AdminConsole);
        assert_eq!(full.status, StatusCode::FORBIDDEN);
        assert!(full.text.contains("all 3 host licences of the site are in use"), "{}", full.text);
        let taken = explain(&Error::Duplicate(Duplicate::Email), Page::EmailConfirmation);
        assert_eq!((taken.status.as_u16(), taken.title), (409, "Address in use"));
    }

    #[test]
    fn a_refused_basic_sign_in_asks_the_browser_for_credentials() {
        let e = Error::Auth(AuthFailure::BadPassword);
        let www = |r: &Response| r.headers().get(header::WWW_AUTHENTICATE).is_some();
        assert!(www(&failure_page(&e, Page::Integrations)));
        assert!(!www(&failure_page(&e, Page::Meeting)));
        assert_eq!(failure_page(&e, Page::Integrations).status(), StatusCode::UNAUTHORIZED);
    }
}
