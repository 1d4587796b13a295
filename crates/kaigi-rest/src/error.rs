//! The one place where a refusal becomes HTTP: a status and the Webex error JSON
//! `{message, errors:[{description}], trackingId}`. Two kinds of refusal arrive here: the core's
//! errors ([`Error`]) and the REST face's own ([`Refusal`]: a path, query or body it cannot read).
//! Nothing else in the REST face chooses a status or writes error text: handlers return a
//! `Refusal` or a core error, and [`RestError`] has no public constructor of its own.

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use kaigi_core::error::{
    AuthFailure, ConflictOn, Duplicate, Entity, Field, LicenseError, OAuthError, ScheduleError, SessionError,
    StoreError,
};
use kaigi_core::Error;

use crate::tracking;

/// Seconds a client is asked to wait before retrying a 423 or 429.
pub const RETRY_AFTER_SECS: u32 = 1;

/// A refusal as the REST API answers it. Made only here: from a core [`Error`] or a [`Refusal`].
#[derive(Debug)]
pub struct RestError {
    status: StatusCode,
    description: String,
    /// Seconds for `Retry-After` when the default ([`RETRY_AFTER_SECS`]) would be wrong: a rate
    /// limit counted per minute is over when its minute is.
    retry_after: Option<u32>,
    /// The OAuth 2.0 error code (RFC 6749 section 5.2), added as `error` beside the Webex
    /// fields on the OAuth endpoints.
    oauth: Option<&'static str>,
}

pub type RestResult<T> = Result<T, RestError>;

impl RestError {
    fn with_status(status: StatusCode, description: impl Into<String>) -> Self {
        Self { status, description: description.into(), retry_after: None, oauth: None }
    }

    /// This refusal as one item of a multi-status (207) answer: `httpStatus` (a string, as the
    /// spec types it), `message` and `errors`.
    pub(crate) fn as_item(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut o = serde_json::Map::new();
        o.insert("httpStatus".into(), self.status.as_u16().to_string().into());
        o.insert("message".into(), message(self.status).into());
        o.insert("errors".into(), serde_json::json!([{ "description": self.description }]));
        o
    }

    /// `Retry-After` in `secs` rather than [`RETRY_AFTER_SECS`] (a limit counted per minute is
    /// over when its minute is).
    pub(crate) fn retry_after(mut self, secs: u32) -> Self {
        self.retry_after = Some(secs);
        self
    }
}

/// The REST face's own refusals: what it cannot read or does not serve in a request, before or
/// besides any rule of the core. One variant per rule, carrying what its text names; the status
/// and the text of each are chosen in `From<Refusal> for RestError`, below, and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    // The request as a whole.
    /// No REST route has this path.
    UnknownResource,
    /// A REST route that does not serve this method.
    MethodNotServed(Method),
    /// A page under `/v1` outside the REST router (kaigi-web's `/v1/authorize`) asked with a
    /// method it does not serve: `{path} takes {allowed}.`
    MethodNotAllowed {
        path: &'static str,
        allowed: &'static str,
    },
    /// The path's ids cannot be read.
    UnreadablePath,
    /// A query string over the limit.
    QueryTooLong,
    /// A JSON body over `limit` bytes.
    BodyTooLarge {
        limit: usize,
    },
    /// A JSON body with nothing in it.
    EmptyBody,
    /// A body that is not the JSON this request takes: serde's reason.
    BadJson(String),
    /// A form (`application/x-www-form-urlencoded`) over `limit` bytes.
    FormTooLarge {
        limit: usize,
    },
    /// A form that is not UTF-8.
    FormNotUtf8,
    /// The `timezone` header names no IANA zone.
    UnknownZoneHeader(String),
    /// `Authorization` with a scheme other than `Bearer`.
    NotBearer,

    // Parameters and fields, each named.
    /// A parameter that names someone, given empty.
    EmptyParameter(&'static str),
    NotBoolean(&'static str),
    NotNumber(&'static str),
    NotDateTime(&'static str),
    NotDigits(&'static str),
    /// A required field is missing.
    Required(&'static str),
    /// A required field of an OAuth form is missing (with the OAuth code `invalid_request`).
    OAuthRequired(&'static str),
    /// The token endpoint got no client credentials (neither form fields nor HTTP Basic).
    NoClientCredentials,
    /// A value outside its field's list of names.
    NotOneOf {
        field: &'static str,
        allowed: Vec<&'static str>,
    },
    /// `max` outside 1..=`limit`.
    MaxOutOfRange(usize),
    /// `cursor` is not one kaigi handed out.
    ForeignCursor,
    /// `id` lists more than `limit` people.
    TooManyIds(usize),

    // Ids.
    /// An id that cannot name a meeting.
    UnknownMeeting,
    /// An id that cannot name a person of the caller's site.
    UnknownPerson,
    /// An id that cannot name an invitee or a registrant.
    UnknownAttendee,
    /// An id that is not the site's licence.
    UnknownLicence,
    /// An occurrence or instance id where the registrant API needs the series id.
    NotSeriesId(String),
    /// A series or scheduled meeting id (or a running session's) where the post-meeting chats need
    /// an ended instance's id.
    NotEndedInstance(String),
    /// An occurrence or instance id where the invitee API needs the series id.
    InviteesPerSeries(String),
    /// One scheduled meeting of a recurring series, where a meeting's setup (interpreters,
    /// breakout sessions, invitation sources) is changed: kaigi keeps it per series.
    SetupPerSeries(String),
    /// `targetOrgId` names no organization.
    UnknownOrg,

    // Meeting bodies and queries.
    /// A field of the spec that kaigi does not keep, asking for something: `{field} … leave it out.`
    NotKeptLeaveOut(&'static str),
    /// A list of the spec that kaigi does not keep, not empty: `{field} … send none.`
    NotKeptSendNone(&'static str),
    /// `adhoc: true`.
    AdhocNotServed,
    /// A `siteUrl` in a meeting body that is not the caller's site.
    ForeignSite(String),
    /// A `siteUrl` in a preferences request that is not the user's one site.
    NotUsersSite {
        asked: String,
        only: String,
    },
    /// The body's `timezone` names no IANA zone.
    UnknownZone(String),
    /// The body's `timezone` is IANA, but kaigi's zone table has nothing like it.
    ZoneWithoutEquivalent(String),
    /// A body's `scheduledType` kaigi does not schedule.
    UnsupportedScheduledType(String),
    /// A list's `scheduledType` filter names no type.
    UnknownScheduledTypeFilter(String),
    /// A list's `meetingType` names no type.
    UnknownMeetingType(String),
    /// A list's `state` names no state.
    UnknownState(String),
    /// A field only a whole series has, sent to one occurrence.
    SeriesOnlyField(&'static str),
    /// `registration.{field}: false` for a field that is always required.
    AlwaysRequired(&'static str),
    /// `automaticLockMinutes` with `enableAutomaticLock: false`.
    LockMinutesWithoutLock,
    /// A tracking code name the site does not have; `known` lists the site's names.
    UnknownTrackingCode {
        name: String,
        known: Vec<String>,
    },

    // Invitees and registrants.
    /// Invited, but the core gave back nobody.
    NobodyInvited,
    /// A bulk insert naming someone already invited.
    SomeAlreadyInvited,
    /// `registrationTimeTo` before `registrationTimeFrom`.
    RegistrationWindowReversed,
    /// An approve, reject or cancel listing no registrant or more than `limit`.
    RegistrantCount(usize),
    /// An approve, reject or cancel item without a readable id.
    RegistrantWithoutId,

    // Preferences.
    /// `defaultSite=false`.
    DefaultSiteFalse,
    /// No `defaultSite`.
    DefaultSiteMissing,
    /// A personal room id refresh naming some people by `personId` and others by `email`.
    RoomIdsMixedPeople,
    /// A personal room id refresh whose items do not all give `personalMeetingRoomId`, or all
    /// `systemGenerated: true` (or an item gives both).
    RoomIdsMixedChoice,

    // People.
    /// More than one address in `emails`.
    OneEmail,
    /// More than one address in `addresses`.
    OneAddress,
    /// A licence id that is not the site's one licence.
    ForeignLicence {
        id: String,
        ours: String,
    },
    /// A `siteUrls` entry that is not the caller's site.
    ForeignSiteUrl {
        asked: String,
        only: String,
    },
    /// `siteUrls` and `licenses` give the person different roles on the site.
    SiteRoleConflict(String),
    /// An `orgId` that is not the caller's site's organization.
    ForeignOrg(String),

    // Participants and recordings.
    /// An id that cannot name a participant.
    UnknownParticipant,
    /// An id that cannot name a recording.
    UnknownRecording,
    /// A SIP call-out or its cancel: kaigi places no calls.
    NoCallOut,

    // Meeting links, hosts, controls and surveys.
    /// A request naming its subject by none, or more than one, of the fields listed.
    ExactlyOne(&'static str),
    /// `field` is required when `with` is given.
    RequiredWith {
        field: &'static str,
        with: &'static str,
    },
    /// A session control kaigi does not have (`locked`, `recordingPaused`), asked to be on.
    ControlNotKept(&'static str),
    /// A meeting's survey: kaigi's sites have no survey feature.
    NoSurvey,
    /// A list of ids (`field`) empty or longer than `limit`.
    IdCount {
        field: &'static str,
        limit: usize,
    },
    /// `restoreAll` or `purgeAll` (`field`) true together with ids.
    AllWithIds(&'static str),
    // Site configuration and reports.
    /// A userconfig request naming nobody (neither `personId` nor `email`).
    PersonRequired,
    /// A part of the settings that cannot be changed through this API.
    ReadOnlySetting(&'static str),
    /// A report's `from` after its `to`, or a window longer than `days`.
    ReportWindow {
        days: i64,
    },
    /// A report of attendees naming no meeting.
    ReportMeetingRequired,
}

impl From<Refusal> for RestError {
    fn from(r: Refusal) -> Self {
        use Refusal as R;
        use StatusCode as S;
        let (status, text): (StatusCode, String) = match r {
            R::UnknownResource => (S::NOT_FOUND, "No such REST resource in kaigi.".into()),
            R::MethodNotServed(method) => (S::METHOD_NOT_ALLOWED, format!("{method} is not served on this resource.")),
            R::MethodNotAllowed { path, allowed } => (S::METHOD_NOT_ALLOWED, format!("{path} takes {allowed}.")),
            R::UnreadablePath => (S::NOT_FOUND, "No such resource.".into()),
            R::QueryTooLong => (S::BAD_REQUEST, "The query string is too long.".into()),
            R::BodyTooLarge { limit } => {
                (S::PAYLOAD_TOO_LARGE, format!("The request body is larger than {limit} bytes."))
            }
            R::EmptyBody => (S::BAD_REQUEST, "The request body is empty; a JSON object is expected.".into()),
            R::BadJson(why) => (S::BAD_REQUEST, format!("The body is not valid JSON for this request: {why}")),
            R::FormTooLarge { limit } => (S::PAYLOAD_TOO_LARGE, format!("The form is larger than {limit} bytes.")),
            R::FormNotUtf8 => (S::BAD_REQUEST, "The form is not UTF-8.".into()),
            R::UnknownZoneHeader(name) => {
                (S::BAD_REQUEST, format!("The timezone header {name} is not an IANA time zone."))
            }
            R::NotBearer => (S::UNAUTHORIZED, "Only bearer tokens are accepted: Authorization: Bearer <token>.".into()),
            R::EmptyParameter(name) => (S::BAD_REQUEST, format!("{name} must not be empty.")),
            R::NotBoolean(name) => (S::BAD_REQUEST, format!("{name} must be true or false.")),
            R::NotNumber(name) => (S::BAD_REQUEST, format!("{name} must be a number.")),
            R::NotDateTime(name) => (S::BAD_REQUEST, format!("{name} must be an ISO 8601 date-time.")),
            R::NotDigits(name) => (S::BAD_REQUEST, format!("{name} must be digits.")),
            R::Required(name) => (S::BAD_REQUEST, format!("{name} is required.")),
            R::OAuthRequired(name) => {
                let e = RestError::with_status(S::BAD_REQUEST, format!("{name} is required."));
                return RestError { oauth: Some(oauth_code(OAuthError::InvalidRequest)), ..e };
            }
            R::NoClientCredentials => {
                let text = "client_id and client_secret are required (form fields or HTTP Basic).";
                let e = RestError::with_status(S::UNAUTHORIZED, text);
                return RestError { oauth: Some(oauth_code(OAuthError::InvalidClient)), ..e };
            }
            R::NotOneOf { field, allowed } => {
                (S::BAD_REQUEST, format!("{field} must be one of {}.", allowed.join(", ")))
            }
            R::MaxOutOfRange(limit) => (S::BAD_REQUEST, format!("max must be 1 to {limit}.")),
            R::ForeignCursor => (S::BAD_REQUEST, "cursor is not one kaigi handed out in a Link header.".into()),
            R::TooManyIds(limit) => (S::BAD_REQUEST, format!("id may name at most {limit} people.")),
            R::UnknownMeeting => return Error::NotFound(Entity::Meeting).into(),
            R::UnknownPerson => return Error::NotFound(Entity::User).into(),
            R::UnknownAttendee => return Error::NotFound(Entity::Attendee).into(),
            R::UnknownLicence => (S::NOT_FOUND, "Licence not found.".into()),
            R::NotSeriesId(id) => (S::BAD_REQUEST, format!("Meeting ID '{id}' is not allowed for this API.")),
            R::NotEndedInstance(id) => (
                S::BAD_REQUEST,
                format!(
                    "Meeting ID '{id}' is not allowed for this API: only an ended meeting instance \
                     (<meeting series id>_I_<n>) has post-meeting chats."
                ),
            ),
            R::InviteesPerSeries(id) => (
                S::BAD_REQUEST,
                format!("Meeting ID '{id}' is not allowed for this API: kaigi keeps invitees per meeting series."),
            ),
            R::SetupPerSeries(id) => (
                S::BAD_REQUEST,
                format!("Meeting ID '{id}' is not allowed for this API: kaigi keeps this setup per meeting series."),
            ),
            R::UnknownOrg => (S::BAD_REQUEST, "targetOrgId names no organization.".into()),
            R::NotKeptLeaveOut(field) => (S::BAD_REQUEST, format!("{field} is not kept by kaigi yet; leave it out.")),
            R::NotKeptSendNone(field) => (S::BAD_REQUEST, format!("{field} is not kept by kaigi yet; send none.")),
            R::AdhocNotServed => {
                (S::BAD_REQUEST, "adhoc meetings are not served by kaigi yet; leave adhoc out or false.".into())
            }
            R::ForeignSite(url) => (S::BAD_REQUEST, format!("siteUrl {url} is not this site.")),
            R::NotUsersSite { asked, only } => {
                (S::NOT_FOUND, format!("siteUrl {asked} is not a site of this user; their only site is {only}."))
            }
            R::UnknownZone(name) => (S::BAD_REQUEST, format!("timezone {name} is not an IANA time zone.")),
            R::ZoneWithoutEquivalent(name) => {
                (S::BAD_REQUEST, format!("timezone {name} has no equivalent zone in kaigi."))
            }
            R::UnsupportedScheduledType(t) => {
                (S::BAD_REQUEST, format!("scheduledType {t} is not served by kaigi yet; use meeting or webinar."))
            }
            R::UnknownScheduledTypeFilter(t) => {
                (S::BAD_REQUEST, format!("scheduledType {t} is not meeting, webinar or personalRoomMeeting."))
            }
            R::UnknownMeetingType(t) => {
                (S::BAD_REQUEST, format!("meetingType {t} is not meetingSeries, scheduledMeeting or meeting."))
            }
            R::UnknownState(s) => (S::BAD_REQUEST, format!("state {s} is not a meeting state.")),
            R::SeriesOnlyField(name) => (
                S::BAD_REQUEST,
                format!("{name} belongs to the whole series; change it on the series, not on one occurrence."),
            ),
            R::AlwaysRequired(name) => {
                (S::BAD_REQUEST, format!("registration.{name}: first name, last name and email are always required."))
            }
            R::LockMinutesWithoutLock => {
                (S::BAD_REQUEST, "automaticLockMinutes is only kept while enableAutomaticLock is true.".into())
            }
            R::UnknownTrackingCode { name, known } => (
                S::BAD_REQUEST,
                format!("trackingCodes: {name} is not a tracking code of this site ({}).", known.join(", ")),
            ),
            R::NobodyInvited => (S::NOT_FOUND, "Invitee not found.".into()),
            R::SomeAlreadyInvited => (S::CONFLICT, "Some users in the list have been invited.".into()),
            R::RegistrationWindowReversed => {
                (S::BAD_REQUEST, "registrationTimeTo must not be before registrationTimeFrom.".into())
            }
            R::RegistrantCount(limit) => (S::BAD_REQUEST, format!("registrants must list 1 to {limit} ids.")),
            R::RegistrantWithoutId => (S::BAD_REQUEST, "Each registrant needs an id.".into()),
            R::DefaultSiteFalse => {
                (S::BAD_REQUEST, "defaultSite=false: a kaigi user has one site, which stays their default.".into())
            }
            R::DefaultSiteMissing => (S::BAD_REQUEST, "defaultSite is required (defaultSite=true).".into()),
            R::RoomIdsMixedPeople => (
                S::BAD_REQUEST,
                "personalMeetingRoomIds: every item names its person by personId, or every item by email.".into(),
            ),
            R::RoomIdsMixedChoice => (
                S::BAD_REQUEST,
                "personalMeetingRoomIds: every item gives personalMeetingRoomId, or every item systemGenerated: true; never both in one item.".into(),
            ),
            R::OneEmail => (S::BAD_REQUEST, "emails: kaigi keeps one address per person; send one.".into()),
            R::OneAddress => (S::BAD_REQUEST, "addresses: kaigi keeps one (work) address per person; send one.".into()),
            R::ForeignLicence { id, ours } => {
                (S::BAD_REQUEST, format!("licenses: {id} is not a licence of this site; its one licence is {ours}."))
            }
            R::ForeignSiteUrl { asked, only } => {
                (S::BAD_REQUEST, format!("siteUrls: {asked} is not this site; its only site is {only}."))
            }
            R::SiteRoleConflict(site) => (
                S::BAD_REQUEST,
                format!("siteUrls and licenses disagree: {site}#attendee makes the person an attendee, the site's licence a host; send one."),
            ),
            R::ForeignOrg(id) => (S::BAD_REQUEST, format!("orgId {id} is not this site's organization.")),
            R::UnknownParticipant => return Error::NotFound(Entity::Participant).into(),
            R::UnknownRecording => return Error::NotFound(Entity::Recording).into(),
            R::NoCallOut => (
                S::BAD_REQUEST,
                "This site has no SIP or telephone call-out: kaigi places no calls, so none can be started or cancelled."
                    .into(),
            ),
            R::IdCount { field, limit } => (S::BAD_REQUEST, format!("{field} must list 1 to {limit} ids.")),
            R::AllWithIds(field) => (S::BAD_REQUEST, format!("{field} is true: recordingIds must be empty.")),
            R::ExactlyOne(names) => {
                (S::BAD_REQUEST, format!("Exactly one of {names} is required."))
            }
            R::RequiredWith { field, with } => (S::BAD_REQUEST, format!("{field} is required with {with}.")),
            R::ControlNotKept(field) => (
                S::BAD_REQUEST,
                format!("{field}: kaigi's meetings have no such control (no pause); send false or leave it out."),
            ),
            R::NoSurvey => (S::NOT_FOUND, "This meeting has no survey: kaigi's sites have no survey feature.".into()),
            R::PersonRequired => (S::BAD_REQUEST, "personId or email is required.".into()),
            R::ReadOnlySetting(name) => (S::BAD_REQUEST, format!("{name} is read-only; leave it out.")),
            R::ReportWindow { days } => {
                (S::BAD_REQUEST, format!("from must not be after to, and they may be at most {days} days apart."))
            }
            R::ReportMeetingRequired => {
                (S::BAD_REQUEST, "One of meetingId, meetingNumber or meetingTitle is required.".into())
            }
        };
        RestError::with_status(status, text)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        RestError::from(self).into_response()
    }
}

/// The standard `message` of each status.
fn message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "The request could not be understood by the server due to malformed syntax. See 'errors' for more details.",
        401 => "The request requires a valid access token set in the Authorization request header.",
        403 => "The server understood the request, but refused to fulfill it because the access token is missing required scopes or the user is missing required roles or licenses.",
        404 => "The requested resource could not be found.",
        405 => "The request was made to a resource using an HTTP request method that is not supported.",
        409 => "The request could not be processed because it conflicts with some established rule of the system.",
        413 => "The request is larger than the server accepts.",
        423 => "The resource is temporarily unavailable. Retry after the number of seconds in the Retry-After header.",
        429 => "Too many requests have been sent in a given amount of time and the request has been rate limited. Retry after the number of seconds in the Retry-After header.",
        _ => "The server could not answer the request.",
    }
}

fn auth_description(f: AuthFailure) -> &'static str {
    match f {
        AuthFailure::Inactive => "The user of this access token is deactivated.",
        AuthFailure::MissingCredentials => "No access token was given: send Authorization: Bearer <token>.",
        _ => "The access token is unknown, expired or revoked.",
    }
}

/// The OAuth 2.0 `error` code of a refusal (RFC 6749), as the token endpoint and the authorize
/// redirect both name it.
pub fn oauth_code(e: OAuthError) -> &'static str {
    oauth_error(e).2
}

/// Status, text and OAuth code of an OAuth refusal.
fn oauth_error(e: OAuthError) -> (StatusCode, String, &'static str) {
    use StatusCode as S;
    match e {
        OAuthError::InvalidClient => (
            S::UNAUTHORIZED,
            "The client id is unknown or deleted, or the client secret is wrong.".into(),
            "invalid_client",
        ),
        OAuthError::InvalidGrant(why) => (S::BAD_REQUEST, format!("The grant cannot be used: {why}."), "invalid_grant"),
        OAuthError::RedirectMismatch => (
            S::BAD_REQUEST,
            "redirect_uri is not the one the code was issued for (or is not registered).".into(),
            "invalid_grant",
        ),
        OAuthError::InvalidScope => {
            (S::BAD_REQUEST, "The requested scope is invalid or not allowed.".into(), "invalid_scope")
        }
        OAuthError::UnsupportedGrantType => {
            (S::BAD_REQUEST, "grant_type must be authorization_code or refresh_token.".into(), "unsupported_grant_type")
        }
        OAuthError::UnsupportedResponseType => {
            (S::BAD_REQUEST, "response_type must be code.".into(), "unsupported_response_type")
        }
        OAuthError::Declined => (S::FORBIDDEN, "The person declined the request.".into(), "access_denied"),
        OAuthError::InvalidRequest => {
            (S::BAD_REQUEST, "A parameter of the request is out of bounds.".into(), "invalid_request")
        }
        OAuthError::AppNotAuthorized => (
            S::FORBIDDEN,
            "The Service App is not authorized for this site: a site administrator must authorize it first.".into(),
            "unauthorized_client",
        ),
    }
}

impl From<Error> for RestError {
    fn from(e: Error) -> Self {
        use StatusCode as S;
        if let Error::OAuth(o) = e {
            let (status, text, code) = oauth_error(o);
            return RestError { oauth: Some(code), ..RestError::with_status(status, text) };
        }
        let (status, text): (StatusCode, String) = match e {
            Error::NotFound(Entity::Meeting) => (S::NOT_FOUND, "Meeting not found.".into()),
            Error::NotFound(Entity::User) => (S::NOT_FOUND, "Person not found.".into()),
            Error::NotFound(Entity::Site) => (S::NOT_FOUND, "Site not found.".into()),
            Error::NotFound(Entity::Attendee) => (S::NOT_FOUND, "Invitee or registrant not found.".into()),
            Error::NotFound(Entity::PersonalRoom) => {
                (S::NOT_FOUND, "The user has no personal room: personal rooms are off for them or for the site.".into())
            }
            Error::NotFound(Entity::Integration) => (S::NOT_FOUND, "Application not found.".into()),
            Error::NotFound(Entity::Webhook) => (S::NOT_FOUND, "Webhook not found.".into()),
            Error::NotFound(Entity::Participant) => (S::NOT_FOUND, "Participant not found.".into()),
            Error::NotFound(Entity::Recording) => (S::NOT_FOUND, "Recording not found.".into()),
            Error::NotFound(Entity::TrackingCode) => (S::NOT_FOUND, "Tracking code not found.".into()),
            Error::NotFound(Entity::SessionType) => (S::NOT_FOUND, "Session type not found.".into()),
            Error::NotFound(Entity::Template) => (S::NOT_FOUND, "Meeting template not found.".into()),
            Error::NotFound(Entity::Interpreter) => (S::NOT_FOUND, "Interpreter not found.".into()),
            Error::NotFound(_) | Error::NoRecords => (S::NOT_FOUND, "Not found.".into()),
            Error::AccessDenied => (S::FORBIDDEN, "You are not allowed to see or change this resource.".into()),
            Error::Auth(f) => (S::UNAUTHORIZED, auth_description(f).into()),
            Error::OthersPreferences => {
                (S::FORBIDDEN, "Not permitted to view or change other user's preferences".into())
            }
            Error::MissingScope(scope) => (S::FORBIDDEN, format!("The access token is missing the scope {scope}.")),
            Error::Invalid { field, why } => {
                let field = member_of(field);
                // A full sentence, or one naming its field, stands alone.
                let sentence =
                    why.starts_with(|c: char| c.is_uppercase()) || why.to_lowercase().contains(&field.to_lowercase());
                let text = if sentence { why } else { format!("{field}: {why}") };
                (S::BAD_REQUEST, text)
            }
            Error::Duplicate(Duplicate::Invitee) => (S::CONFLICT, "User is already a meeting invitee.".into()),
            Error::Duplicate(Duplicate::Registrant) => {
                (S::CONFLICT, "The person is already registered for this meeting.".into())
            }
            Error::Duplicate(Duplicate::Email) => {
                (S::CONFLICT, "A person of this site already has this email address.".into())
            }
            Error::Duplicate(Duplicate::WebExId) => {
                (S::CONFLICT, "A person of this site already has this user name (webExId).".into())
            }
            Error::License(LicenseError::HostLicenseRequired { webex_id, .. }) => {
                (S::FORBIDDEN, format!("{webex_id} holds no meeting licence on this site and cannot host."))
            }
            Error::License(LicenseError::ExceededSiteHostLimit { seats }) => {
                (S::FORBIDDEN, format!("Every one of the site's {seats} meeting licences is in use."))
            }
            Error::Schedule(ScheduleError::UnknownHost) => (
                S::FORBIDDEN,
                "hostEmail names no user of this site: only hosts of the token's own site may be named.".into(),
            ),
            Error::Schedule(ScheduleError::NotPermittedForHost) => {
                (S::FORBIDDEN, "Only a site administrator may schedule meetings for another host.".into())
            }
            Error::Schedule(ScheduleError::StartNotInFuture) => {
                (S::BAD_REQUEST, "Parameter 'start' or 'end' is before current time".into())
            }
            Error::Schedule(ScheduleError::InProgress) => (S::CONFLICT, "Meeting is in progress".into()),
            Error::Schedule(ScheduleError::OutsideRecurringInterval) => {
                (S::BAD_REQUEST, "meeting.err.two_meeting_schedule_at_same_day".into())
            }
            Error::PmrNeedsNonE2eeType => (S::BAD_REQUEST, e_text(&Error::PmrNeedsNonE2eeType)),
            Error::TooManyAttendees { max } => (S::BAD_REQUEST, format!("At most {max} invitees in one request.")),
            Error::UsageLimited => (S::TOO_MANY_REQUESTS, "Too many requests; retry later.".into()),
            Error::Session(SessionError::NotInSession) => {
                (S::CONFLICT, "The participant is not in the running meeting: they left, or the session ended.".into())
            }
            Error::Session(SessionError::NotInLobby) => (
                S::CONFLICT,
                "The participant is not waiting in the lobby: only who joins a meeting a host locked waits there, until admitted."
                    .into(),
            ),
            Error::Session(SessionError::NotRunning) => (S::CONFLICT, "The meeting is not in progress.".into()),
            Error::Session(SessionError::NoHostInSession) => {
                (S::CONFLICT, "No host of the meeting is in the running session.".into())
            }
            Error::Session(SessionError::NotHost) => {
                (S::FORBIDDEN, "Only a host of the running session may do this.".into())
            }
            Error::Session(s) => (S::FORBIDDEN, format!("Not allowed now: {s:?}.")),
            Error::Store(StoreError::Missing) => (S::NOT_FOUND, "Not found.".into()),
            Error::Store(StoreError::Conflict(ConflictOn::MeetingKey)) => (
                S::CONFLICT,
                "That meeting number is in use on this site (meeting numbers are never reused); choose another.".into(),
            ),
            Error::Store(StoreError::Conflict(c)) => (S::CONFLICT, format!("{c:?} is already in use.")),
            Error::Store(StoreError::Stale) => (
                S::CONFLICT,
                "The meeting was changed by another request at the same time; read it again and retry.".into(),
            ),
            Error::Store(StoreError::SeatLimit(seats)) => {
                (S::FORBIDDEN, format!("Every one of the site's {seats} meeting licences is in use."))
            }
            Error::OAuth(_) => (S::BAD_REQUEST, "The OAuth request was refused.".into()),
            Error::Store(StoreError::Backend(why)) => {
                tracing::error!(error = %why, "REST request failed in the store");
                (S::LOCKED, "The database is busy or unavailable; retry shortly.".into())
            }
        };
        RestError::with_status(status, text)
    }
}

/// The JSON member for a field the core refused (the core names fields in its own terms).
fn member_of(field: Field) -> &'static str {
    match field {
        Field::People => "items",
        Field::RecurrenceEnd => "recurrence",
        Field::ClientId => "clientId",
        Field::AttendeeId => "id",
        // The setup's lists are `items` of their own operations.
        Field::BreakoutSessions | Field::InvitationSources => "items",
        Field::Interpretation => "enabled",
        other => other.name(),
    }
}

fn e_text(e: &Error) -> String {
    e.to_string()
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({
            "message": message(self.status),
            "errors": [{ "description": self.description }],
            "trackingId": tracking::current(),
        });
        if let Some(code) = self.oauth {
            body["error"] = code.into();
            body["error_description"] = self.description.clone().into();
        }
        let mut r = (self.status, axum::Json(body)).into_response();
        if matches!(self.status.as_u16(), 423 | 429 | 503) {
            let secs = self.retry_after.unwrap_or(RETRY_AFTER_SECS);
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per rule: the pattern of its variant, a value of it, and the status and text it
    /// answers with. The patterns make one exhaustive `match`, so a new variant does not compile
    /// until it has a row here, and a changed status or text is a visible diff of this table.
    macro_rules! refusals {
        ($($pattern:pat => $sample:expr, $status:literal, $text:expr;)*) => {{
            fn listed(r: &Refusal) {
                match r {
                    $($pattern => {})*
                }
            }
            vec![$({
                let sample: Refusal = $sample;
                assert!(matches!(&sample, $pattern), "{sample:?} is in the row of another variant");
                listed(&sample);
                (sample, $status, $text)
            }),*]
        }};
    }

    #[test]
    fn every_refusal_has_its_status_and_text() {
        use Refusal as R;
        let rows: Vec<(Refusal, u16, &str)> = refusals! {
            R::UnknownResource => R::UnknownResource, 404, "No such REST resource in kaigi.";
            R::MethodNotServed(_) => R::MethodNotServed(Method::PATCH), 405, "PATCH is not served on this resource.";
            R::MethodNotAllowed { .. } => R::MethodNotAllowed { path: "/v1/authorize", allowed: "GET and POST" },
                405, "/v1/authorize takes GET and POST.";
            R::UnreadablePath => R::UnreadablePath, 404, "No such resource.";
            R::QueryTooLong => R::QueryTooLong, 400, "The query string is too long.";
            R::BodyTooLarge { .. } => R::BodyTooLarge { limit: 1048576 }, 413,
                "The request body is larger than 1048576 bytes.";
            R::EmptyBody => R::EmptyBody, 400, "The request body is empty; a JSON object is expected.";
            R::BadJson(_) => R::BadJson("expected value at line 1 column 1".into()), 400,
                "The body is not valid JSON for this request: expected value at line 1 column 1";
            R::FormTooLarge { .. } => R::FormTooLarge { limit: 16384 }, 413, "The form is larger than 16384 bytes.";
            R::FormNotUtf8 => R::FormNotUtf8, 400, "The form is not UTF-8.";
            R::UnknownZoneHeader(_) => R::UnknownZoneHeader("Mars/Base".into()), 400,
                "The timezone header Mars/Base is not an IANA time zone.";
            R::NotBearer => R::NotBearer, 401, "Only bearer tokens are accepted: Authorization: Bearer <token>.";
            R::EmptyParameter(_) => R::EmptyParameter("hostEmail"), 400, "hostEmail must not be empty.";
            R::NotBoolean(_) => R::NotBoolean("current"), 400, "current must be true or false.";
            R::NotNumber(_) => R::NotNumber("max"), 400, "max must be a number.";
            R::NotDateTime(_) => R::NotDateTime("from"), 400, "from must be an ISO 8601 date-time.";
            R::NotDigits(_) => R::NotDigits("meetingNumber"), 400, "meetingNumber must be digits.";
            R::Required(_) => R::Required("email"), 400, "email is required.";
            R::OAuthRequired(_) => R::OAuthRequired("code"), 400, "code is required.";
            R::NoClientCredentials => R::NoClientCredentials, 401,
                "client_id and client_secret are required (form fields or HTTP Basic).";
            R::NotOneOf { .. } =>
                R::NotOneOf { field: "meetingOptions.noteType", allowed: vec!["allowAll", "allowOne"] },
                400, "meetingOptions.noteType must be one of allowAll, allowOne.";
            R::MaxOutOfRange(_) => R::MaxOutOfRange(100), 400, "max must be 1 to 100.";
            R::ForeignCursor => R::ForeignCursor, 400, "cursor is not one kaigi handed out in a Link header.";
            R::TooManyIds(_) => R::TooManyIds(85), 400, "id may name at most 85 people.";
            R::UnknownMeeting => R::UnknownMeeting, 404, "Meeting not found.";
            R::UnknownPerson => R::UnknownPerson, 404, "Person not found.";
            R::UnknownAttendee => R::UnknownAttendee, 404, "Invitee or registrant not found.";
            R::UnknownLicence => R::UnknownLicence, 404, "Licence not found.";
            R::NotSeriesId(_) => R::NotSeriesId("abc_I_1".into()), 400,
                "Meeting ID 'abc_I_1' is not allowed for this API.";
            R::NotEndedInstance(_) => R::NotEndedInstance("abc".into()), 400,
                "Meeting ID 'abc' is not allowed for this API: only an ended meeting instance (<meeting series id>_I_<n>) has post-meeting chats.";
            R::InviteesPerSeries(_) => R::InviteesPerSeries("abc_I_1".into()), 400,
                "Meeting ID 'abc_I_1' is not allowed for this API: kaigi keeps invitees per meeting series.";
            R::SetupPerSeries(_) => R::SetupPerSeries("abc_20260602T100000Z".into()), 400,
                "Meeting ID 'abc_20260602T100000Z' is not allowed for this API: kaigi keeps this setup per meeting series.";
            R::UnknownOrg => R::UnknownOrg, 400, "targetOrgId names no organization.";
            R::NotKeptLeaveOut(_) => R::NotKeptLeaveOut("roomId"), 400,
                "roomId is not kept by kaigi yet; leave it out.";
            R::NotKeptSendNone(_) => R::NotKeptSendNone("registration.rules"), 400,
                "registration.rules is not kept by kaigi yet; send none.";
            R::AdhocNotServed => R::AdhocNotServed, 400,
                "adhoc meetings are not served by kaigi yet; leave adhoc out or false.";
            R::ForeignSite(_) => R::ForeignSite("other.example.com/x".into()), 400,
                "siteUrl other.example.com/x is not this site.";
            R::NotUsersSite { .. } => R::NotUsersSite { asked: "b.example/x".into(), only: "a.example/y".into() }, 404,
                "siteUrl b.example/x is not a site of this user; their only site is a.example/y.";
            R::UnknownZone(_) => R::UnknownZone("Mars/Base".into()), 400,
                "timezone Mars/Base is not an IANA time zone.";
            R::ZoneWithoutEquivalent(_) => R::ZoneWithoutEquivalent("Etc/GMT+3".into()), 400,
                "timezone Etc/GMT+3 has no equivalent zone in kaigi.";
            R::UnsupportedScheduledType(_) => R::UnsupportedScheduledType("personalRoomMeeting".into()), 400,
                "scheduledType personalRoomMeeting is not served by kaigi yet; use meeting or webinar.";
            R::UnknownScheduledTypeFilter(_) => R::UnknownScheduledTypeFilter("x".into()), 400,
                "scheduledType x is not meeting, webinar or personalRoomMeeting.";
            R::UnknownMeetingType(_) => R::UnknownMeetingType("x".into()), 400,
                "meetingType x is not meetingSeries, scheduledMeeting or meeting.";
            R::UnknownState(_) => R::UnknownState("x".into()), 400, "state x is not a meeting state.";
            R::SeriesOnlyField(_) => R::SeriesOnlyField("recurrence"), 400,
                "recurrence belongs to the whole series; change it on the series, not on one occurrence.";
            R::AlwaysRequired(_) => R::AlwaysRequired("requireEmail"), 400,
                "registration.requireEmail: first name, last name and email are always required.";
            R::LockMinutesWithoutLock => R::LockMinutesWithoutLock, 400,
                "automaticLockMinutes is only kept while enableAutomaticLock is true.";
            R::UnknownTrackingCode { .. } =>
                R::UnknownTrackingCode { name: "x".into(), known: vec!["a".into(), "b".into()] }, 400, "trackingCodes: x is not a tracking code of this site (a, b).";
            R::NobodyInvited => R::NobodyInvited, 404, "Invitee not found.";
            R::SomeAlreadyInvited => R::SomeAlreadyInvited, 409, "Some users in the list have been invited.";
            R::RegistrationWindowReversed => R::RegistrationWindowReversed, 400,
                "registrationTimeTo must not be before registrationTimeFrom.";
            R::RegistrantCount(_) => R::RegistrantCount(100), 400, "registrants must list 1 to 100 ids.";
            R::RegistrantWithoutId => R::RegistrantWithoutId, 400, "Each registrant needs an id.";
            R::DefaultSiteFalse => R::DefaultSiteFalse, 400,
                "defaultSite=false: a kaigi user has one site, which stays their default.";
            R::DefaultSiteMissing => R::DefaultSiteMissing, 400, "defaultSite is required (defaultSite=true).";
            R::RoomIdsMixedPeople => R::RoomIdsMixedPeople, 400,
                "personalMeetingRoomIds: every item names its person by personId, or every item by email.";
            R::RoomIdsMixedChoice => R::RoomIdsMixedChoice, 400,
                "personalMeetingRoomIds: every item gives personalMeetingRoomId, or every item systemGenerated: true; never both in one item.";
            R::OneEmail => R::OneEmail, 400, "emails: kaigi keeps one address per person; send one.";
            R::OneAddress => R::OneAddress, 400, "addresses: kaigi keeps one (work) address per person; send one.";
            R::ForeignLicence { .. } => R::ForeignLicence { id: "x".into(), ours: "y".into() }, 400,
                "licenses: x is not a licence of this site; its one licence is y.";
            R::ForeignSiteUrl { .. } => R::ForeignSiteUrl { asked: "b.example/x".into(), only: "a.example/y".into() },
                400, "siteUrls: b.example/x is not this site; its only site is a.example/y.";
            R::SiteRoleConflict(_) => R::SiteRoleConflict("a.example/y".into()), 400,
                "siteUrls and licenses disagree: a.example/y#attendee makes the person an attendee, the site's licence a host; send one.";
            R::ForeignOrg(_) => R::ForeignOrg("x".into()), 400, "orgId x is not this site's organization.";
            R::UnknownParticipant => R::UnknownParticipant, 404, "Participant not found.";
            R::UnknownRecording => R::UnknownRecording, 404, "Recording not found.";
            R::NoCallOut => R::NoCallOut, 400,
                "This site has no SIP or telephone call-out: kaigi places no calls, so none can be started or cancelled.";
            R::IdCount { .. } => R::IdCount { field: "recordingIds", limit: 100 }, 400,
                "recordingIds must list 1 to 100 ids.";
            R::AllWithIds(_) => R::AllWithIds("purgeAll"), 400, "purgeAll is true: recordingIds must be empty.";
            R::ExactlyOne(_) => R::ExactlyOne("meetingId, meetingNumber and webLink"), 400,
                "Exactly one of meetingId, meetingNumber and webLink is required.";
            R::RequiredWith { .. } => R::RequiredWith { field: "email", with: "displayName" }, 400,
                "email is required with displayName.";
            R::ControlNotKept(_) => R::ControlNotKept("recordingPaused"), 400,
                "recordingPaused: kaigi's meetings have no such control (no pause); send false or leave it out.";
            R::NoSurvey => R::NoSurvey, 404, "This meeting has no survey: kaigi's sites have no survey feature.";
            R::PersonRequired => R::PersonRequired, 400, "personId or email is required.";
            R::ReadOnlySetting(_) => R::ReadOnlySetting("telephonyConfig"), 400,
                "telephonyConfig is read-only; leave it out.";
            R::ReportWindow { .. } => R::ReportWindow { days: 30 }, 400,
                "from must not be after to, and they may be at most 30 days apart.";
            R::ReportMeetingRequired => R::ReportMeetingRequired, 400,
                "One of meetingId, meetingNumber or meetingTitle is required.";
        };
        for (refusal, status, text) in rows {
            let shown = format!("{refusal:?}");
            // The OAuth form's own refusals also carry the OAuth `error` code.
            let oauth = match refusal {
                R::OAuthRequired(_) => Some("invalid_request"),
                R::NoClientCredentials => Some("invalid_client"),
                _ => None,
            };
            let e = RestError::from(refusal);
            assert_eq!((e.status.as_u16(), e.description.as_str()), (status, text), "{shown}");
            assert_eq!(e.oauth, oauth, "{shown}");
            assert_eq!(e.retry_after, None, "{shown}");
        }
    }

    /// A body of the Webex error JSON, as a client reads it.
    async fn body_of(r: Response) -> (u16, serde_json::Value) {
        let status = r.status().as_u16();
        let bytes = axum::body::to_bytes(r.into_body(), 1 << 16).await.expect("a body");
        (status, serde_json::from_slice(&bytes).expect("JSON"))
    }

    /// What kaigi-web's `/v1/authorize` answers to another method, through the typed way.
    #[tokio::test]
    async fn a_refusal_answers_with_the_webex_error_json() {
        let (status, body) =
            body_of(Refusal::MethodNotAllowed { path: "/v1/authorize", allowed: "GET and POST" }.into_response()).await;
        assert_eq!(status, 405);
        assert_eq!(body["errors"][0]["description"], "/v1/authorize takes GET and POST.");
        assert_eq!(body["message"], message(StatusCode::METHOD_NOT_ALLOWED));
        let (status, body) = body_of(Refusal::OAuthRequired("code").into_response()).await;
        assert_eq!(status, 400);
        assert_eq!(
            (body["error"].as_str(), body["error_description"].as_str()),
            (Some("invalid_request"), Some("code is required."))
        );
    }
}
