//! Every failure the XML API reports, with its exceptionID and reason. Core errors are mapped
//! here once; no other module builds error text. See docs/xmlapi.md for the table and for which
//! codes are kaigi's choice where the real service's code is not known.

use kaigi_core::error::{AuthFailure, Duplicate, Entity, Field, LicenseError, ScheduleError, StoreError};
use kaigi_core::Error;

/// A FAILURE answer: the HTTP status (200, except the usage limit's 403), exceptionID and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub http_status: u16,
    pub exception_id: &'static str,
    pub reason: String,
}

impl Failure {
    fn new(exception_id: &'static str, reason: impl Into<String>) -> Self {
        Self { http_status: 200, exception_id, reason: reason.into() }
    }

    /// 000000: the request could not be dispatched (unreadable, unknown operation, bad value).
    pub fn not_forwarded(detail: impl std::fmt::Display) -> Self {
        Self::new("000000", format!("Fail to forward request:{detail}"))
    }

    /// 000000 for a value that breaks the operation's rules.
    pub fn invalid(field: &str, why: &str) -> Self {
        Self::new("000000", format!("Invalid value for {field}: {why}"))
    }

    /// 000000: an element the operation does not know, refused rather than dropped.
    pub fn unknown_element(name: &str, within: &str) -> Self {
        Self::new("000000", format!("Unknown element {name} in {within}"))
    }

    /// 000053: more bodyContent elements than the site allows (at most `limit`).
    pub fn too_many_bodies(limit: u32) -> Self {
        Self::new("000053", format!("The count of BodyContent in a request must be less than {}", limit + 1))
    }

    pub fn not_served(name: &str, issue: Option<u32>) -> Self {
        match issue {
            Some(n) => Self::not_forwarded(format!(" {name} is not served by kaigi yet (planned in issue #{n})")),
            None => Self::not_forwarded(format!(" {name} is not served by kaigi")),
        }
    }
}

impl From<&Error> for Failure {
    fn from(e: &Error) -> Self {
        match e {
            Error::NotFound(Entity::User) => Failure::new("030001", "Corresponding User not found"),
            Error::NotFound(Entity::Meeting | Entity::PersonalRoom) => {
                Failure::new("060001", "Corresponding Meeting not found")
            }
            Error::NotFound(Entity::Site) => {
                Failure::not_forwarded(" unknown site; check securityContext/siteName or siteID")
            }
            Error::NotFound(Entity::ApiKey) => Failure::new("030047", "Not a valid API key (JWTToken)"),
            Error::NotFound(
                Entity::Attendee
                | Entity::Integration
                | Entity::Webhook
                | Entity::Participant
                | Entity::Recording
                | Entity::TrackingCode
                | Entity::SessionType
                | Entity::Template
                | Entity::Interpreter,
            ) => Failure::new("000015", "Sorry, no record found"),
            Error::TooManyAttendees { .. } => {
                Failure::new("040015", "Register attendee number over limit in one API call")
            }
            Error::NoRecords => Failure::new("000015", "Sorry, no record found"),
            Error::AccessDenied => Failure::new("000001", "Access denied, additional privileges are required"),
            Error::Auth(failure) => auth_failure(*failure),
            Error::Invalid { field, why } => Failure::invalid(element_of(*field), why),
            Error::Duplicate(Duplicate::WebExId) => Failure::new("030004", "The webExId already exists on this site"),
            Error::Duplicate(Duplicate::Email) => Failure::new("030005", "The email address already exists on this site"),
            Error::Duplicate(Duplicate::Invitee) => Failure::invalid("email", "the person is already an attendee"),
            Error::Duplicate(Duplicate::Registrant) => Failure::invalid("email", "the person is already registered"),
            Error::License(LicenseError::ExceededSiteHostLimit { seats }) => Failure::new(
                "030090",
                format!(
                    "exceededSiteHostLimit: all {seats} host licences of the site are in use; free one (deactivate a host \
                     or remove the host privilege) or add seats to the site's plan"
                ),
            ),
            Error::License(LicenseError::HostLicenseRequired { webex_id, plan }) => Failure::new(
                "000001",
                format!(
                    "Access denied, additional privileges are required: {webex_id} holds no host licence on this site \
                     ({plan} plan); a site administrator can assign one"
                ),
            ),
            Error::Schedule(ScheduleError::UnknownHost) => {
                Failure::new("060019", "Corresponding host webExId not found (schedule/hostWebExID)")
            }
            Error::Schedule(ScheduleError::NotPermittedForHost) => Failure::new(
                "060021",
                "You are not allowed to schedule meetings for this host: only a site administrator or a user on the \
                 host's schedulingPermission list may",
            ),
            Error::Schedule(ScheduleError::InProgress) => Failure::new("000001", "The meeting is in progress"),
            // Only the REST API moves single occurrences.
            Error::Schedule(ScheduleError::OutsideRecurringInterval) => {
                Failure::new("000001", "An occurrence cannot move out of its recurring interval")
            }
            Error::Schedule(ScheduleError::StartNotInFuture) => {
                Failure::new("060016", "The session start time must be later than the current time.")
            }
            Error::PmrNeedsNonE2eeType => {
                Failure::new("110063", "The user must have at least one non-E2EE meeting type to enable PMR.")
            }
            Error::MissingScope(scope) => Failure::new(
                "000001",
                format!("Access denied, additional privileges are required: the access token lacks {scope}"),
            ),
            Error::Session(_) | Error::OthersPreferences | Error::OAuth(_) => {
                Failure::new("000001", "Access denied, additional privileges are required")
            }
            Error::UsageLimited => Failure { http_status: 403, ..Failure::new("000045", "403 forbidden") },
            // A change that other changes of the same meeting kept overtaking (the core retried).
            Error::Store(StoreError::Stale) => {
                Failure::new("000035", "The meeting was changed by another request at the same time; retry")
            }
            Error::Store(err) => {
                tracing::error!(error = %err, "storage failed");
                Failure::new("000035", "ASService not responding")
            }
        }
    }
}

/// The XML API's element for a field the core refused (the core names fields in its own terms).
fn element_of(field: Field) -> &'static str {
    match field {
        Field::Title => "confName",
        Field::Start => "startDate",
        Field::TimeZone => "timeZoneID",
        Field::Invitees => "attendees",
        Field::People => "person",
        Field::Language => "languageID",
        Field::AttendeeId => "attendeeID",
        Field::RecurrenceEnd => "afterMeetingNumber",
        Field::Reminder => "remind",
        Field::ClientId => "clientId",
        Field::MeetingPassword => "meetingPassword",
        other => other.name(),
    }
}

fn auth_failure(failure: AuthFailure) -> Failure {
    match failure {
        AuthFailure::UnknownUser => Failure::new("030001", "Corresponding User not found"),
        AuthFailure::BadPassword => Failure::new("030002", "Incorrect user or password"),
        AuthFailure::Locked { until_unix } => {
            let until = chrono::DateTime::from_timestamp(until_unix, 0).unwrap_or_default();
            Failure::new(
                "030002",
                format!(
                    "Incorrect user or password: the account is locked after repeated failures until {} GMT",
                    until.format("%m/%d/%Y %H:%M:%S")
                ),
            )
        }
        AuthFailure::Inactive => Failure::new("030002", "Incorrect user or password: the account is deactivated"),
        AuthFailure::BadTicket => Failure::new("030047", "Not a valid session ticket"),
        AuthFailure::BadApiKey => Failure::new("030047", "Not a valid API key (JWTToken)"),
        AuthFailure::BadAccessToken => Failure::new("030047", "WebEx access token is invalid"),
        AuthFailure::MissingCredentials => Failure::new(
            "030001",
            "Corresponding User not found: securityContext needs webExID (or email) and a password or sessionTicket",
        ),
    }
}
