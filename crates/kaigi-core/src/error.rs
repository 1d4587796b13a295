//! The one error type of kaigi's core. Each protocol face maps it to its wire form exactly once
//! (XML: exceptionID + reason; REST: status + Webex error JSON); nothing else invents error text.

/// What kind of thing was not found; the faces choose their code from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Site,
    User,
    Meeting,
    ApiKey,
    Attendee,
    /// A user's personal room (they have none in use).
    PersonalRoom,
    /// An integration or Service App of the site.
    Integration,
    Webhook,
    /// A participant of a meeting's session (REST participants).
    Participant,
    /// A recording (REST recordings).
    Recording,
    /// A tracking code of the site.
    TrackingCode,
    /// A session (meeting) type of the site, or one the user may not use.
    SessionType,
    /// A meeting template.
    Template,
    /// An interpreter of a meeting's simultaneous interpretation.
    Interpreter,
}

/// Why an OAuth request (authorize, token, Service App token) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthError {
    /// Unknown client id, a wrong secret, or a deleted integration.
    InvalidClient,
    /// The code or refresh token cannot be used: the reason.
    InvalidGrant(&'static str),
    /// The redirect URI is not registered, or not the one the code was issued for.
    RedirectMismatch,
    /// No scope asked for, one the integration may not ask for, or none the person may grant.
    InvalidScope,
    UnsupportedGrantType,
    UnsupportedResponseType,
    /// A request parameter is out of bounds (an authorize request's `state` too long).
    InvalidRequest,
    /// The person declined on the consent page.
    Declined,
    /// The Service App is not authorized for the site (or belongs to another site).
    AppNotAuthorized,
}

/// Why an authentication attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No such user on this site.
    UnknownUser,
    /// The password did not match.
    BadPassword,
    /// Too many bad passwords: locked until the given time (unix seconds).
    Locked { until_unix: i64 },
    /// The user exists but is deactivated.
    Inactive,
    /// An unknown or expired session ticket.
    BadTicket,
    /// An unknown, revoked or malformed API key.
    BadApiKey,
    /// An OAuth access token (`webExAccessToken` or AuthenticateUser `accessToken`) that kaigi
    /// does not know.
    BadAccessToken,
    /// The request named no user where one is needed.
    MissingCredentials,
}

/// Which value broke a uniqueness rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicate {
    WebExId,
    Email,
    /// The person is already invited to the meeting.
    Invitee,
    /// The person is already registered for the meeting.
    Registrant,
}

/// A licence rule said no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LicenseError {
    /// Activating or granting host to this user would exceed the site's host seats.
    ExceededSiteHostLimit { seats: u32 },
    /// This person would host (or be scheduled as host) without a host licence.
    HostLicenseRequired { webex_id: String, plan: &'static str },
}

/// Why a scheduling request was refused before any licence question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleError {
    /// `schedule/hostWebExID` names nobody on the site (060019).
    UnknownHost,
    /// The caller may not schedule for that host (060021).
    NotPermittedForHost,
    /// The start is not after now (060016, 40.2.0).
    StartNotInFuture,
    /// The meeting is running and cannot be changed now (REST).
    InProgress,
    /// One occurrence of a series was moved out of its recurring interval (REST update rule 5).
    OutsideRecurringInterval,
}

/// Why a lifecycle step (join, record, end) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionError {
    /// The meeting password was missing or wrong.
    WrongPassword,
    /// A host key was given and it is not the meeting's.
    WrongHostKey,
    /// Attendees may not join before the host, and no host has joined.
    WaitingForHost,
    /// Only a host of the running session may do this.
    NotHost,
    /// The participant is not (or no longer) in this session.
    NotInSession,
    /// No host of the meeting is in its running session (to act as the one who ends it).
    NoHostInSession,
    /// The session is not running.
    NotRunning,
    /// The participant pass given for an action is missing or not the one the join answered.
    BadPass,
    /// Too many wrong meeting passwords or host keys for this meeting lately; refused until the
    /// given time (unix seconds).
    TooManyTries { until_unix: i64 },
    /// Admitting someone who is not waiting in a lobby: kaigi's sessions have no lobby.
    NotInLobby,
    /// The participant waits in the lobby of a locked meeting: they take part (chat) only once a
    /// host admits them.
    InLobby,
    /// The running session's chat holds as many lines as a session keeps (the limits'
    /// `MAX_CHAT_LINES_PER_SESSION`); no more are kept.
    ChatFull,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0:?} not found")]
    NotFound(Entity),
    /// A list or lookup that found nothing.
    #[error("no record found")]
    NoRecords,
    #[error("access denied, additional privileges are required")]
    AccessDenied,
    #[error("authentication failed: {0:?}")]
    Auth(AuthFailure),
    #[error("invalid {field}: {why}")]
    Invalid { field: Field, why: String },
    #[error("{0:?} already exists")]
    Duplicate(Duplicate),
    #[error("licence: {0:?}")]
    License(LicenseError),
    #[error("scheduling: {0:?}")]
    Schedule(ScheduleError),
    /// PMR cannot be enabled for a user whose only meeting types are end-to-end encrypted (40.6.1).
    #[error("the user must have at least one non-E2EE meeting type to enable PMR")]
    PmrNeedsNonE2eeType,
    /// More attendees in one call than allowed (040015, 42.1).
    #[error("more than {max} attendees in one call")]
    TooManyAttendees { max: usize },
    /// The per-caller usage limit of an operation was reached (40.4.5).
    #[error("usage limit reached")]
    UsageLimited,
    #[error("session: {0:?}")]
    Session(SessionError),
    /// The bearer token lacks the scope an operation needs (REST API).
    #[error("the access token is missing the scope {0}")]
    MissingScope(&'static str),
    /// `userEmail` named someone else without an administrator's preferences scope, or no user
    /// of the caller's site (REST meeting preferences).
    #[error("not permitted to view or change other user's preferences")]
    OthersPreferences,
    #[error("oauth: {0:?}")]
    OAuth(OAuthError),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
}

impl Error {
    pub fn invalid(field: Field, why: impl Into<String>) -> Self {
        Error::Invalid { field, why: why.into() }
    }
}

/// A field of a request, in kaigi's own terms. The core names the field it refuses with one of
/// these; each face renders the name its clients know (the XML API in `codes.rs`, REST in
/// `error.rs`), so no wire vocabulary lives in the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Agenda,
    ApplicationId,
    AttendeeId,
    AttendeeOptions,
    AudioPassword,
    AudioPin,
    AutoLock,
    AutoLockMinutes,
    ClientId,
    CoHosts,
    DayInMonth,
    DefaultAudioType,
    DelegateEmails,
    DeviceAddress,
    DeviceName,
    DisplayName,
    Duration,
    Email,
    End,
    FirstName,
    From,
    HostPin,
    Interval,
    Invitees,
    IsDefault,
    JoinBeforeHostMinutes,
    Language,
    LastName,
    MeetingPassword,
    MeetingType,
    MobileNumber,
    MonthInYear,
    Name,
    NotifyHost,
    OfficeNumber,
    OpenTime,
    OtherTeleconference,
    ParticipantLimit,
    Password,
    People,
    Recurrence,
    RecurrenceEnd,
    RedirectUri,
    Registration,
    RegistrationForm,
    Reminder,
    RequesterTrackingCode,
    Role,
    Scope,
    SiteName,
    Start,
    SupportCoHost,
    Telephony,
    TimeZone,
    Title,
    To,
    Topic,
    TrackingCode,
    VideoDevices,
    WatermarkOpacity,
    WebexId,
    WeekInMonth,
    MeetingId,
    IntegrationTags,
    RestCallsPerMinute,
    XmlCallsPerMinute,
    Greeting,
    Location,
    Invitation,
    TargetUrl,
    WebhookResource,
    WebhookEvent,
    WebhookFilter,
    WebhookSecret,
    OwnedBy,
    WebhookStatus,
    WebhookTargets,
    TemplateId,
    /// A person's addresses (REST people provisioning).
    Addresses,
    /// A person's email addresses, as a list (REST people provisioning).
    Emails,
    /// The licences a person is given (REST people provisioning).
    Licenses,
    /// The sites a person has a role on (REST people provisioning).
    SiteUrls,
    /// The id a personal room is joined with (its access code).
    PersonalRoomId,
    /// A tracking code's input mode.
    InputMode,
    /// What a tracking code is on the host profile.
    HostProfileCode,
    /// What a tracking code is on each service's scheduler.
    ScheduleStartCodes,
    /// A tracking code's list of values.
    TrackingOptions,
    /// A list of tracking code values (a user's, a meeting's).
    TrackingCodes,
    /// The session (meeting) types a user may schedule with.
    SessionTypeIds,
    /// The teleconference new meetings offer.
    TelephonySupport,
    TollFree,
    Voip,
    AudioBeforeHost,
    FirstAttendeeAsPresenter,
    /// The rules of strong meeting passwords.
    PasswordCriteria,
    /// Whether simultaneous interpretation is on.
    Interpretation,
    /// A meeting's interpreters, as a list.
    Interpreters,
    /// The first and second language of an interpretation channel.
    LanguageCode1,
    LanguageCode2,
    /// A meeting's planned breakout sessions, as a list.
    BreakoutSessions,
    /// A webinar's invitation sources, as a list; one source's id and email.
    InvitationSources,
    SourceId,
    SourceEmail,
    /// A line of the in-meeting chat.
    ChatText,
}

impl Field {
    /// The neutral name, used where no face renders it (logs, the web pages, the CLI).
    pub fn name(self) -> &'static str {
        match self {
            Field::MeetingId => "meetingId",
            Field::IntegrationTags => "integrationTags",
            Field::RestCallsPerMinute => "restCallsPerMinute",
            Field::XmlCallsPerMinute => "xmlCallsPerMinute",
            Field::Greeting => "greeting",
            Field::Location => "location",
            Field::Invitation => "invitation",
            Field::TargetUrl => "targetUrl",
            Field::WebhookResource => "resource",
            Field::WebhookEvent => "event",
            Field::WebhookFilter => "filter",
            Field::WebhookSecret => "secret",
            Field::OwnedBy => "ownedBy",
            Field::WebhookStatus => "status",
            Field::WebhookTargets => "webhookTargets",
            Field::TemplateId => "templateId",
            Field::Addresses => "addresses",
            Field::Emails => "emails",
            Field::Licenses => "licenses",
            Field::SiteUrls => "siteUrls",
            Field::PersonalRoomId => "personalMeetingRoomId",
            Field::InputMode => "inputMode",
            Field::HostProfileCode => "hostProfileCode",
            Field::ScheduleStartCodes => "scheduleStartCodes",
            Field::TrackingOptions => "options",
            Field::TrackingCodes => "trackingCodes",
            Field::SessionTypeIds => "sessionTypeIds",
            Field::TelephonySupport => "telephonySupport",
            Field::TollFree => "tollFree",
            Field::Voip => "VoIP",
            Field::AudioBeforeHost => "audioBeforeHost",
            Field::FirstAttendeeAsPresenter => "firstAttendeeAsPresenter",
            Field::PasswordCriteria => "passwordCriteria",
            Field::Interpretation => "simultaneousInterpretation",
            Field::Interpreters => "interpreters",
            Field::LanguageCode1 => "languageCode1",
            Field::LanguageCode2 => "languageCode2",
            Field::BreakoutSessions => "breakoutSessions",
            Field::InvitationSources => "invitationSources",
            Field::SourceId => "sourceId",
            Field::SourceEmail => "sourceEmail",
            Field::ChatText => "text",
            Field::Agenda => "agenda",
            Field::ApplicationId => "applicationId",
            Field::AttendeeId => "attendeeId",
            Field::AttendeeOptions => "attendeeOptions",
            Field::AudioPassword => "audioPassword",
            Field::AudioPin => "audioPin",
            Field::AutoLock => "enabledAutoLock",
            Field::AutoLockMinutes => "autoLockMinutes",
            Field::ClientId => "client_id",
            Field::CoHosts => "coHosts",
            Field::DayInMonth => "dayInMonth",
            Field::DefaultAudioType => "defaultAudioType",
            Field::DelegateEmails => "delegateEmails",
            Field::DeviceAddress => "deviceAddress",
            Field::DeviceName => "deviceName",
            Field::DisplayName => "displayName",
            Field::Duration => "duration",
            Field::Email => "email",
            Field::End => "end",
            Field::FirstName => "firstName",
            Field::From => "from",
            Field::HostPin => "hostPin",
            Field::Interval => "interval",
            Field::Invitees => "invitees",
            Field::IsDefault => "isDefault",
            Field::JoinBeforeHostMinutes => "joinBeforeHostMinutes",
            Field::Language => "language",
            Field::LastName => "lastName",
            // The REST API's name; the XML API renders its own (`meetingPassword`).
            Field::MeetingPassword => "password",
            Field::MeetingType => "meetingType",
            Field::MobileNumber => "mobileNumber",
            Field::MonthInYear => "monthInYear",
            Field::Name => "name",
            Field::NotifyHost => "enabledNotifyHost",
            Field::OfficeNumber => "officeNumber",
            Field::OpenTime => "openTime",
            Field::OtherTeleconference => "otherTeleconferenceDescription",
            Field::ParticipantLimit => "participantLimit",
            Field::Password => "password",
            Field::People => "people",
            Field::Recurrence => "recurrence",
            Field::RecurrenceEnd => "recurrenceEnd",
            Field::RedirectUri => "redirect_uri",
            Field::Registration => "registration",
            Field::RegistrationForm => "registrationForm",
            Field::Reminder => "reminder",
            Field::RequesterTrackingCode => "requesterTrackingCode",
            Field::Role => "role",
            Field::Scope => "scope",
            Field::SiteName => "siteName",
            Field::Start => "start",
            Field::SupportCoHost => "supportCoHost",
            Field::Telephony => "telephony",
            Field::TimeZone => "timezone",
            Field::Title => "title",
            Field::To => "to",
            Field::Topic => "topic",
            Field::TrackingCode => "trackingCode",
            Field::VideoDevices => "videoDevices",
            Field::WatermarkOpacity => "visualWatermarkOpacity",
            Field::WebexId => "webExId",
            Field::WeekInMonth => "weekInMonth",
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which uniqueness rule a write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictOn {
    SiteName,
    SiteNumber,
    WebExId,
    Email,
    MeetingKey,
    /// The site holds as many webhooks as it may.
    WebhookLimit,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("already exists: {0:?}")]
    Conflict(ConflictOn),
    /// Taking a host seat would exceed this many seats on the site.
    #[error("host seat limit of {0} reached")]
    SeatLimit(u32),
    #[error("the row to change does not exist")]
    Missing,
    /// The row changed since the copy being written was read: nothing was written.
    #[error("the row changed since it was read")]
    Stale,
    /// The database failed or is unreachable; the text is for logs, not for clients.
    #[error("backend: {0}")]
    Backend(String),
}
