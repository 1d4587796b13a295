use chrono::{DateTime, Utc};

use crate::model::SiteId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Welcome,
    EmailChangeConfirmation,
    Invitation,
    RegistrationConfirmation,
    AttendeeCancellation,
    /// One occurrence of a series was changed on its own (REST).
    OccurrenceChanged,
    /// One occurrence of a series was cancelled (REST).
    OccurrenceCancelled,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Welcome => "welcome",
            MailKind::EmailChangeConfirmation => "email-change",
            MailKind::Invitation => "invitation",
            MailKind::RegistrationConfirmation => "registration",
            MailKind::AttendeeCancellation => "attendee-cancellation",
            MailKind::OccurrenceChanged => "occurrence-changed",
            MailKind::OccurrenceCancelled => "occurrence-cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "welcome" => Some(MailKind::Welcome),
            "email-change" => Some(MailKind::EmailChangeConfirmation),
            "invitation" => Some(MailKind::Invitation),
            "registration" => Some(MailKind::RegistrationConfirmation),
            "attendee-cancellation" => Some(MailKind::AttendeeCancellation),
            "occurrence-changed" => Some(MailKind::OccurrenceChanged),
            "occurrence-cancelled" => Some(MailKind::OccurrenceCancelled),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// 0 until stored.
    pub id: i64,
    pub site_id: SiteId,
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub html: bool,
    /// BCP 47 tag of the language the mail is written in.
    pub language: String,
    pub created_at: DateTime<Utc>,
}

/// One occurrence of a series as changed on its own: what its mails tell.
#[derive(Debug, Clone, Copy)]
pub struct OccurrenceChange<'a> {
    /// The occurrence's title (its own, or the series').
    pub meeting: &'a str,
    /// The start it had before.
    pub was: DateTime<Utc>,
    pub starts: DateTime<Utc>,
    pub join_url: &'a str,
}
