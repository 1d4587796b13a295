use chrono::Duration;

/// Longest requester value kept; longer ones are cut.
pub const MAX_REQUESTER: usize = 128;

/// Longest range one report covers.
pub const MAX_MONTHS: u32 = 36;

/// Most refusals and violations listed one by one (all are counted).
pub const MAX_LISTED: u32 = 5_000;

/// A host whose bookings in one month were made for at least this many distinct other people
/// is taken to be a shared account.
pub const SHARED_ACCOUNT_REQUESTERS: u32 = 2;

/// How long a personal access token lives (as the vendor's developer-portal token does).
pub const PERSONAL_TOKEN_HOURS: i64 = 12;

pub const CODE_MINUTES: i64 = 10;

pub const ACCESS_TOKEN_DAYS: i64 = 14;

pub const REFRESH_TOKEN_DAYS: i64 = 90;

/// Token requests (code, refresh, Service App) one client id may make per calendar minute,
/// counted before its secret is checked: it bounds secret guessing and the access tokens a
/// looping client can pile up. kaigi's choice (Webex documents no figure).
pub const TOKEN_REQUESTS_PER_MINUTE: u32 = 120;

/// Longest `state` carried back to the integration.
pub const MAX_STATE_BYTES: usize = 1024;

/// Longest `scope` parameter read.
pub const MAX_SCOPE_BYTES: usize = 2048;

/// Longest personal room topic.
pub const MAX_TOPIC: usize = 128;

/// Most co-hosts a personal room keeps (kaigi's choice).
pub const MAX_CO_HOSTS: usize = 20;

/// Most scheduling delegates (kaigi's choice).
pub const MAX_DELEGATES: usize = 50;

/// Most video systems a user lists (kaigi's choice).
pub const MAX_VIDEO_DEVICES: usize = 10;

/// Minutes a personal room may lock after it starts.
pub const AUTO_LOCK_MINUTES: [u32; 5] = [0, 5, 10, 15, 20];

/// Minutes before the start invitees may join without the host.
pub const JOIN_BEFORE_HOST_MINUTES: [u32; 4] = [0, 5, 10, 15];

/// An audio PIN has exactly this many digits.
pub const AUDIO_PIN_LENGTH: usize = 4;

pub const MAX_PREFERENCE_TEXT: usize = 512;

pub const MAX_PHONE: usize = 30;

pub const MAX_COUNTRY_CODE: usize = 8;

pub const MAX_CONTACT_NAME: usize = 128;

pub const MAX_ADDRESS: usize = 256;

/// A personal room keeps its key when it comes back within this long (40.6.0).
pub const PERSONAL_ROOM_GRACE: Duration = Duration::days(7);

/// DelUser takes at most this many webExIds.
pub const MAX_USERS_PER_DELETE: usize = 50;

/// Most personal room ids one refresh may change (the REST API's `personalMeetingRoomIds`).
pub const MAX_ROOM_ID_REFRESH: usize = 100;

pub const MAX_USER_NAME: usize = 64;

pub const MAX_EMAIL: usize = 128;

/// Most people one directory lookup scans.
pub const DIRECTORY_SCAN: u32 = 20_000;

/// Longest meeting, in minutes (24 hours).
pub const MAX_DURATION_MINUTES: u32 = 24 * 60;

/// Longest a session may open before its start, in seconds.
pub const MAX_OPEN_TIME_SECS: u32 = 60 * 60;

/// Longest meeting password.
pub const MAX_PASSWORD: usize = 16;

/// Length of generated passwords ("UzXJuzUD428").
pub const GENERATED_PASSWORD_LEN: usize = 11;

/// Most invitees given in one scheduling request, by either API (the REST API documents 1000).
pub const MAX_INVITEES: usize = 1000;

/// Default duration when none is given.
pub const DEFAULT_DURATION_MINUTES: u32 = 60;

/// Default open time (seconds) when none is given.
pub const DEFAULT_OPEN_TIME_SECS: u32 = 900;

/// Most series one listing looks at.
pub const LIST_SCAN_LIMIT: u32 = 20_000;

/// Most characters of one tracking code (the schema's limit).
pub const MAX_TRACKING_CODE: usize = 128;

/// Most characters of a telephony text (description, location, URL).
pub const MAX_TELEPHONY_TEXT: usize = 2048;

/// Most reminder e-mail addresses of one meeting.
pub const MAX_REMIND_EMAILS: usize = 100;

/// Most integration tags of one meeting, and most characters of each.
pub const MAX_INTEGRATION_TAGS: usize = 10;

pub const MAX_INTEGRATION_TAG: usize = 128;

/// Most breakout sessions planned for one meeting (the REST spec's figure).
pub const MAX_BREAKOUT_SESSIONS: usize = 100;

/// Most people assigned to the breakout sessions of one meeting, all sessions together
/// (kaigi's choice: as many as one request may invite).
pub const MAX_BREAKOUT_INVITEES: usize = MAX_INVITEES;

/// Most interpreters of one meeting (kaigi's choice; Webex documents no figure).
pub const MAX_INTERPRETERS: usize = 100;

/// Most invitation sources of one webinar (kaigi's choice; Webex documents no figure).
pub const MAX_INVITATION_SOURCES: usize = 100;

/// Most characters of a breakout session's name, an interpreter's display name and an
/// invitation source's id (kaigi's choice, as a title's).
pub const MAX_SETUP_TEXT: usize = 128;

/// Shortest REST meeting, in minutes.
pub const MIN_MINUTES: i64 = 10;

/// Longest REST meeting, in minutes (23 h 59 min).
pub const MAX_MINUTES: i64 = 23 * 60 + 59;

/// A meeting may not start this many years ahead or later.
pub const MAX_YEARS_AHEAD: i32 = 10;

/// Longest accepted title and agenda.
pub const MAX_TITLE: usize = 128;

pub const MAX_AGENDA: usize = 1300;

/// Most changed or cancelled occurrences one series keeps.
pub const MAX_EXCEPTIONS: usize = 100;

/// Tries of one occurrence change when other changes of the series keep coming first: each
/// re-reads the series (the failed write forgot the cached copy) and applies the change again;
/// after the last the request is refused as a conflict.
pub const WRITE_ATTEMPTS: u32 = 5;

/// Wrong meeting passwords and host keys one meeting takes in [`JOIN_FAILURE_WINDOW_MINUTES`]
/// (counted together, from anyone); after that every join is refused until the window passes.
pub const MAX_JOIN_FAILURES: u32 = 10;

/// The window of [`MAX_JOIN_FAILURES`], by the injected clock.
pub const JOIN_FAILURE_WINDOW_MINUTES: i64 = 15;

/// Most attendees one call may add (040015 beyond).
pub const MAX_ATTENDEES_PER_CALL: usize = 50;

/// Most invitees one bulk insert may carry.
pub const MAX_BULK: usize = 100;

pub const MAX_NAME_CHARS: usize = 128;

pub const MAX_REDIRECT_URIS: usize = 10;

pub const MAX_REDIRECT_URI_BYTES: usize = 1024;

/// Registrations a site may hold at once.
pub const MAX_INTEGRATIONS_PER_SITE: usize = 100;

/// Most site administrators the booking page names when it refers someone to them.
pub const ADMIN_LIST_LIMIT: u32 = 500;

/// Days a meeting list covers from the one end a request gives (or from now).
pub const DEFAULT_LIST_WINDOW_DAYS: i64 = 7;

/// Longest user name a sign-in form takes.
pub const MAX_SIGN_IN_USER: usize = 256;

/// Longest password a sign-in form takes (argon2 is not asked to hash more).
pub const MAX_SIGN_IN_PASSWORD: usize = 1024;

/// Webhooks one site may hold (the vendor allows a few hundred per application).
pub const MAX_WEBHOOKS_PER_SITE: usize = 1_000;

/// Longest webhook name and target URL.
pub const MAX_WEBHOOK_NAME_CHARS: usize = 256;
pub const MAX_WEBHOOK_URL_BYTES: usize = 2048;

/// Longest webhook secret (it keys HMAC-SHA1) and filter.
pub const MAX_WEBHOOK_SECRET_BYTES: usize = 256;
pub const MAX_WEBHOOK_FILTER_BYTES: usize = 1024;

/// Entries in a site's list of allowed webhook targets.
pub const MAX_WEBHOOK_TARGETS: usize = 100;

/// Attempts at one delivery before its webhook is marked inactive.
pub const WEBHOOK_MAX_ATTEMPTS: u32 = 8;

/// The first retry waits this long; each next one twice as long, up to the cap.
pub const WEBHOOK_FIRST_RETRY_SECS: i64 = 1;
pub const WEBHOOK_MAX_RETRY_SECS: i64 = 300;

/// How long one delivery attempt may take (connect, send, answer) before it counts as failed.
pub const WEBHOOK_TIMEOUT_SECS: u64 = 10;

/// How long a worker holds a delivery it took before another worker (another instance, or the
/// same one after a crash) may take it: longer than an attempt may last.
pub const WEBHOOK_LEASE_SECS: i64 = 30;

/// How long a worker keeps sending one webhook's batch before leaving the rest to its next round:
/// with one more attempt (at most [`WEBHOOK_TIMEOUT_SECS`]) it stays inside the lease.
pub const WEBHOOK_SEND_BUDGET_SECS: u64 = 15;

const _: () = assert!(WEBHOOK_SEND_BUDGET_SECS + WEBHOOK_TIMEOUT_SECS < WEBHOOK_LEASE_SECS as u64);

/// Changes fanned out, and deliveries attempted, per round of the delivery worker.
pub const WEBHOOK_BATCH: u32 = 200;

/// Days a made delivery, and a change with nothing left to deliver, are kept (for operators
/// looking at what was sent) before the worker forgets them.
pub const WEBHOOK_KEEP_DAYS: i64 = 7;

/// Rows of each kind one purge removes (it runs again while there is more).
pub const WEBHOOK_PURGE_BATCH: u32 = 10_000;
/// Tracking codes a site may define: the XML API's slots `trackingCode1` … `trackingCode10`.
pub const MAX_TRACKING_CODES: u8 = 10;
/// Longest tracking code name, and longest value of one of its options or of a user's value.
pub const MAX_TRACKING_TEXT: usize = 120;
/// Most options of one tracking code.
pub const MAX_TRACKING_OPTIONS: usize = 500;
/// Most entries of a tracking code's `scheduleStartCodes` (one per service and `All`).
pub const MAX_SCHEDULE_START_CODES: usize = 5;
/// Largest value of a strong-password criterion (minimum length, digits, letters, specials).
pub const MAX_PASSWORD_CRITERION: u32 = 12;
/// Most passwords on the site's list of disallowed meeting passwords.
pub const MAX_DISALLOWED_PASSWORDS: usize = 100;

/// Attempts at one mail before it is marked failed (a 5xx answer fails it at once).
pub const MAIL_MAX_ATTEMPTS: u32 = 8;
/// The wait after a mail's first failed attempt; it doubles after each further failure, up to
/// [`MAIL_MAX_RETRY_SECS`] (30 s, 1, 2, 4, 8, 16, 30 min: the 8th attempt comes about an hour
/// after the first).
pub const MAIL_FIRST_RETRY_SECS: i64 = 30;
pub const MAIL_MAX_RETRY_SECS: i64 = 1_800;
/// A mail not sent this long after it was written is marked failed instead of sent late (mails
/// queued while no SMTP server was configured are not all sent at once when one is).
pub const MAIL_MAX_AGE_HOURS: i64 = 24;
/// How long a worker holds the mails it took (other instances leave them alone meanwhile); a
/// crashed worker's mails are taken again after it. Longer than a batch's SMTP attempts take.
pub const MAIL_LEASE_SECS: i64 = 300;
/// Mails taken in one round, sent [`MAIL_PARALLEL`] at a time: a round ends within the lease
/// even when every attempt times out (16 / 4 × 60 s < 300 s).
pub const MAIL_BATCH: u32 = 16;
/// Mails one worker hands to the SMTP server at the same time.
pub const MAIL_PARALLEL: usize = 4;
/// Seconds one SMTP attempt may take (connect, TLS, the whole dialogue).
pub const MAIL_TIMEOUT_SECS: u64 = 60;
/// Most rows one page of the administrator's console lists (people, meetings, webhooks, mails,
/// audit rows).
pub const MAX_CONSOLE_PAGE: u32 = 100;
/// Longest text kept in a field of an audit row (longer is cut).
pub const MAX_AUDIT_TEXT: usize = 1024;

/// Days a sent (or given-up) mail is kept in the outbox before the mail worker forgets it; a
/// pending mail is never dropped this way.
pub const MAIL_KEEP_DAYS: i64 = 30;

/// Mails one purge forgets (it runs again while there is more).
pub const MAIL_PURGE_BATCH: u32 = 10_000;

/// Longest line of the in-meeting chat, in characters (the room page's input takes as many).
pub const MAX_CHAT_CHARS: usize = 2_000;
/// Most chat lines one session keeps; the next is refused (`SessionError::ChatFull`).
pub const MAX_CHAT_LINES_PER_SESSION: u32 = 5_000;
/// Chat lines of the running session a browser gets when it enters the room (the newest).
pub const ROOM_CHAT_SHOWN: u32 = 500;
