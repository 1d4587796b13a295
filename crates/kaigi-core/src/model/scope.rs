//! The scopes of kaigi's REST API, by the names Webex gives them.

pub const SCHEDULES_READ: &str = "meeting:schedules_read";
pub const SCHEDULES_WRITE: &str = "meeting:schedules_write";
pub const ADMIN_SCHEDULE_READ: &str = "meeting:admin_schedule_read";
pub const ADMIN_SCHEDULE_WRITE: &str = "meeting:admin_schedule_write";
pub const PEOPLE_READ: &str = "spark:people_read";
pub const ADMIN_PEOPLE_READ: &str = "spark-admin:people_read";
pub const ADMIN_PEOPLE_WRITE: &str = "spark-admin:people_write";
pub const ADMIN_LICENSES_READ: &str = "spark-admin:licenses_read";
pub const PREFERENCES_READ: &str = "meeting:preferences_read";
pub const PREFERENCES_WRITE: &str = "meeting:preferences_write";
pub const ADMIN_PREFERENCES_READ: &str = "meeting:admin_preferences_read";
pub const ADMIN_PREFERENCES_WRITE: &str = "meeting:admin_preferences_write";
/// Lets an integration mint tokens of the site's Service Apps.
pub const APPLICATIONS_TOKEN: &str = "spark:applications_token";
pub const PARTICIPANTS_READ: &str = "meeting:participants_read";
pub const PARTICIPANTS_WRITE: &str = "meeting:participants_write";
pub const ADMIN_PARTICIPANTS_READ: &str = "meeting:admin_participants_read";
pub const RECORDINGS_READ: &str = "meeting:recordings_read";
pub const RECORDINGS_WRITE: &str = "meeting:recordings_write";
pub const ADMIN_RECORDINGS_READ: &str = "meeting:admin_recordings_read";
pub const ADMIN_RECORDINGS_WRITE: &str = "meeting:admin_recordings_write";
/// Read the site's meeting configuration: tracking codes, session types, common settings.
pub const ADMIN_CONFIG_READ: &str = "meeting:admin_config_read";
/// Change the site's meeting configuration and people's tracking codes and session types.
pub const ADMIN_CONFIG_WRITE: &str = "meeting:admin_config_write";
/// Read the post-meeting chats (and, when kaigi keeps them, transcripts) of one's meetings.
pub const TRANSCRIPTS_READ: &str = "meeting:transcripts_read";
/// Delete them.
pub const TRANSCRIPTS_WRITE: &str = "meeting:transcripts_write";
/// Read anyone's (an administrator).
pub const ADMIN_TRANSCRIPTS_READ: &str = "meeting:admin_transcripts_read";
