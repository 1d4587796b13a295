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
    /// A file sent with the mail (the invitation's .ics), if any.
    pub attachment: Option<MailAttachment>,
    /// How far its delivery got (kept by the outbox; a new mail is pending).
    pub delivery: MailDelivery,
}

/// A text file attached to a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAttachment {
    pub filename: String,
    /// Its MIME type with parameters, e.g. `text/calendar; charset=utf-8; method=REQUEST`.
    pub content_type: String,
    pub content: String,
}

/// Where a mail stands in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MailState {
    /// Not sent yet (never tried, or waiting for its next attempt).
    #[default]
    Pending,
    /// The SMTP server took it.
    Sent,
    /// Given up: refused for good, too many attempts, or too old to send.
    Failed,
}

impl MailState {
    pub fn as_str(self) -> &'static str {
        match self {
            MailState::Pending => "pending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
        }
    }
}

/// A mail's delivery state as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailDelivery {
    pub state: MailState,
    /// Attempts made so far.
    pub attempts: u32,
    /// When the SMTP server took it (state Sent), or when it was given up (state Failed).
    pub done_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The last attempt's error, as the server or the connection told it.
    pub last_error: Option<String>,
}

/// What one attempt to hand a mail to the SMTP server gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    Sent,
    /// Worth trying again later: a 4xx answer, a connection or TLS failure, a timeout.
    Transient {
        why: String,
    },
    /// Refused for good: a 5xx answer, an address that is not one.
    Permanent {
        why: String,
    },
}

/// What the outbox records after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailStep {
    Sent,
    /// Try again at `at`.
    Retry {
        at: DateTime<Utc>,
        why: String,
    },
    Failed {
        why: String,
    },
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
