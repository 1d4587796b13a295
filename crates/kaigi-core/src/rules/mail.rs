//! Mails kaigi sends. They are kept in an outbox table (and may be relayed by SMTP); the texts are
//! chosen here, in the language the request asked for.

use chrono::{DateTime, Utc};

use chrono::Duration;

use crate::model::{
    language, CalendarEntry, Mail, MailAttachment, MailDelivery, MailKind, MailOutcome, MailStep, OccurrenceChange,
    SiteId, User,
};
use crate::rules::ical;
use crate::rules::limits::{MAIL_FIRST_RETRY_SECS, MAIL_MAX_AGE_HOURS, MAIL_MAX_ATTEMPTS, MAIL_MAX_RETRY_SECS};
use crate::rules::mail::language::Language;

/// Greeting and sign-in line of the welcome mail, per language.
pub fn welcome_texts(lang: &Language) -> (&'static str, &'static str, &'static str) {
    // (subject, greeting, "your user name is")
    match lang.id {
        3 => ("欢迎使用 Webex", "您好", "您的用户名"),
        4 => ("歡迎使用 Webex", "您好", "您的使用者名稱"),
        5 => ("Webex へようこそ", "こんにちは", "ユーザー名"),
        6 => ("Webex에 오신 것을 환영합니다", "안녕하세요", "사용자 이름"),
        7 | 8 => ("Bienvenue sur Webex", "Bonjour", "Votre nom d'utilisateur"),
        9 => ("Willkommen bei Webex", "Hallo", "Ihr Benutzername"),
        10 => ("Benvenuto in Webex", "Ciao", "Il tuo nome utente"),
        11 | 12 => ("Bienvenido a Webex", "Hola", "Su nombre de usuario"),
        13 => ("Välkommen till Webex", "Hej", "Ditt användarnamn"),
        14 => ("Welkom bij Webex", "Hallo", "Uw gebruikersnaam"),
        15 | 16 => ("Bem-vindo ao Webex", "Olá", "Seu nome de usuário"),
        17 => ("Добро пожаловать в Webex", "Здравствуйте", "Ваше имя пользователя"),
        18 => ("Webex'e hoş geldiniz", "Merhaba", "Kullanıcı adınız"),
        19 => ("Vítejte ve Webexu", "Dobrý den", "Vaše uživatelské jméno"),
        20 => ("Witamy w Webex", "Dzień dobry", "Twoja nazwa użytkownika"),
        21 => ("Üdvözöljük a Webexben", "Üdvözöljük", "Az Ön felhasználóneve"),
        22 => ("Bun venit în Webex", "Bună ziua", "Numele dvs. de utilizator"),
        _ => ("Welcome to Webex", "Hello", "Your user name"),
    }
}

pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The welcome mail CreateUser sends when asked (`sendWelcome`), in the user's language; HTML when
/// `isHTMLEmail`.
pub fn welcome(user: &User, site_url: &str, html: bool, now: DateTime<Utc>) -> Mail {
    let lang = language::or_english(user.language_id);
    let (subject, hello, user_name) = welcome_texts(lang);
    let (display_name, webex_id) = (user.display_name(), &user.webex_id);
    let body = if html {
        format!(
            "<!DOCTYPE html><html lang=\"{tag}\"><body><p>{hello} {name},</p><p>{user_name}: <b>{id}</b></p>\
             <p><a href=\"{url}\">{url}</a></p></body></html>",
            tag = lang.tag,
            name = escape_html(&display_name),
            id = escape_html(webex_id),
            url = escape_html(site_url),
        )
    } else {
        format!("{hello} {display_name},\n\n{user_name}: {webex_id}\n\n{site_url}\n")
    };
    Mail {
        id: 0,
        site_id: user.site_id,
        kind: MailKind::Welcome,
        to: user.email.clone(),
        subject: subject.to_string(),
        body,
        html,
        language: lang.tag.to_string(),
        created_at: now,
        attachment: None,
        delivery: MailDelivery::default(),
    }
}

/// "Webex Account Change Confirmation": sent to the new address of a pending email change.
pub fn email_change_confirmation(
    site_id: SiteId,
    to: &str,
    display_name: &str,
    confirm_url: &str,
    language_id: u16,
    now: DateTime<Utc>,
) -> Mail {
    let lang = language::or_english(language_id);
    Mail {
        id: 0,
        site_id,
        kind: MailKind::EmailChangeConfirmation,
        to: to.to_string(),
        subject: "Webex Account Change Confirmation".to_string(),
        body: format!(
            "Hello {display_name},\n\nSomeone asked to change the email address of your account to {to}.\n\
             Follow this link to confirm the change; until then your current address stays in use:\n\n{confirm_url}\n"
        ),
        html: false,
        language: lang.tag.to_string(),
        created_at: now,
        attachment: None,
        delivery: MailDelivery::default(),
    }
}

/// A plain-text mail about one meeting to one attendee.
pub fn attendee_mail(
    site_id: SiteId,
    kind: MailKind,
    to: &str,
    subject: String,
    body: String,
    now: DateTime<Utc>,
) -> Mail {
    Mail {
        id: 0,
        site_id,
        kind,
        to: to.to_string(),
        subject,
        body,
        html: false,
        language: "en-US".to_string(),
        created_at: now,
        attachment: None,
        delivery: MailDelivery::default(),
    }
}

/// The meeting's iCalendar file (the attendees' one, as served behind `iCalendarURL`) to attach
/// to a mail, named after the meeting number.
pub fn calendar_attachment(entry: &CalendarEntry) -> MailAttachment {
    let method = if entry.meeting.deleted_at.is_some() { "CANCEL" } else { "REQUEST" };
    MailAttachment {
        filename: format!("{}.ics", entry.meeting.meeting_key),
        content_type: format!("text/calendar; charset=utf-8; method={method}"),
        content: ical::render(entry, &entry.host.display_name()),
    }
}

/// The invitation an attendee gets when added with `emailInvitations` TRUE, with the meeting's
/// calendar file attached.
pub fn invitation(
    site_id: SiteId,
    to: &str,
    name: &str,
    meeting: &str,
    join_url: &str,
    ics: MailAttachment,
    now: DateTime<Utc>,
) -> Mail {
    let body = format!(
        "Hello {name},\n\nYou are invited to \"{meeting}\".\nJoin here when it starts:\n\n{join_url}\n\n\
         The attached {file} adds it to your calendar.\n",
        file = ics.filename
    );
    Mail {
        attachment: Some(ics),
        ..attendee_mail(site_id, MailKind::Invitation, to, format!("Invitation: {meeting}"), body, now)
    }
}

/// Confirms a registration; `pending` when the host still has to approve it.
pub fn registration_confirmation(
    site_id: SiteId,
    to: &str,
    name: &str,
    meeting: &str,
    pending: bool,
    now: DateTime<Utc>,
) -> Mail {
    let state = if pending {
        "Your registration was received; the host will approve or decline it."
    } else {
        "Your registration is approved."
    };
    let body = format!("Hello {name},\n\nThank you for registering for \"{meeting}\".\n{state}\n");
    attendee_mail(site_id, MailKind::RegistrationConfirmation, to, format!("Registration: {meeting}"), body, now)
}

/// Tells a removed attendee that they are no longer expected (DelMeetingAttendee `sendEmail`).
pub fn attendee_cancellation(site_id: SiteId, to: &str, name: &str, meeting: &str, now: DateTime<Utc>) -> Mail {
    let body = format!("Hello {name},\n\nYou have been removed from the attendee list of \"{meeting}\".\n");
    attendee_mail(site_id, MailKind::AttendeeCancellation, to, format!("Cancelled: {meeting}"), body, now)
}

pub fn utc_minute(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Tells an invitee that one occurrence of a series was changed (moved, retitled, …).
pub fn occurrence_changed(site_id: SiteId, to: &str, name: &str, c: &OccurrenceChange, now: DateTime<Utc>) -> Mail {
    let body = format!(
        "Hello {name},\n\nThe occurrence of \"{meeting}\" planned for {was} has changed; it now starts at {starts}.\n\
         The other occurrences of the series are unchanged.\nJoin here when it starts:\n\n{join_url}\n",
        meeting = c.meeting,
        was = utc_minute(c.was),
        starts = utc_minute(c.starts),
        join_url = c.join_url,
    );
    attendee_mail(site_id, MailKind::OccurrenceChanged, to, format!("Changed: {}", c.meeting), body, now)
}

/// Tells an invitee that one occurrence of a series will not take place.
pub fn occurrence_cancelled(
    site_id: SiteId,
    to: &str,
    name: &str,
    meeting: &str,
    starts: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Mail {
    let body = format!(
        "Hello {name},\n\nThe occurrence of \"{meeting}\" at {starts} is cancelled.\n\
         The other occurrences of the series take place as planned.\n",
        starts = utc_minute(starts),
    );
    attendee_mail(site_id, MailKind::OccurrenceCancelled, to, format!("Cancelled: {meeting}"), body, now)
}

/// The wait before the next attempt after `attempts` failed ones: 30 s, doubling, at most 30 min.
pub fn retry_delay(attempts: u32) -> Duration {
    let exp = attempts.saturating_sub(1).min(20);
    Duration::seconds((MAIL_FIRST_RETRY_SECS << exp).min(MAIL_MAX_RETRY_SECS))
}

/// Whether a pending mail written at `created_at` is too old to be sent at `now`.
pub fn too_old(created_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - created_at > Duration::hours(MAIL_MAX_AGE_HOURS)
}

/// What the outbox records after an attempt, the mail's `attempts` before it counted: sent; a
/// transient failure retried with backoff until [`MAIL_MAX_ATTEMPTS`]; a permanent one failed.
pub fn after_attempt(attempts: u32, outcome: &MailOutcome, now: DateTime<Utc>) -> MailStep {
    let attempts = attempts.saturating_add(1);
    match outcome {
        MailOutcome::Sent => MailStep::Sent,
        MailOutcome::Permanent { why } => MailStep::Failed { why: why.clone() },
        MailOutcome::Transient { why } if attempts >= MAIL_MAX_ATTEMPTS => {
            MailStep::Failed { why: format!("{why} (gave up after {attempts} attempts)") }
        }
        MailOutcome::Transient { why } => MailStep::Retry { at: now + retry_delay(attempts), why: why.clone() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_then_give_up() {
        let now = DateTime::from_timestamp(0, 0).unwrap();
        let delays: Vec<i64> = (1..=8).map(|n| retry_delay(n).num_seconds()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1800, 1800]);
        let busy = MailOutcome::Transient { why: "451 busy".into() };
        assert_eq!(
            after_attempt(0, &busy, now),
            MailStep::Retry { at: now + Duration::seconds(30), why: "451 busy".into() }
        );
        assert!(matches!(after_attempt(MAIL_MAX_ATTEMPTS - 1, &busy, now), MailStep::Failed { .. }));
        let no = MailOutcome::Permanent { why: "550 no such user".into() };
        assert_eq!(after_attempt(0, &no, now), MailStep::Failed { why: "550 no such user".into() });
        assert_eq!(after_attempt(3, &MailOutcome::Sent, now), MailStep::Sent);
        assert!(!too_old(now, now + Duration::hours(24)) && too_old(now, now + Duration::hours(25)));
    }

    #[test]
    fn welcome_speaks_the_asked_language() {
        let now = DateTime::from_timestamp(0, 0).unwrap();
        let mut user = crate::model::user::fixtures::sample_user();
        user.language_id = 19;
        user.first_name = "Jan".into();
        let cz = welcome(&user, "http://x", true, now);
        assert_eq!(cz.language, "cs-CZ");
        assert!(cz.subject.contains("Vítejte"));
        assert!(cz.body.starts_with("<!DOCTYPE html>") && cz.body.contains("Jan"));
        user.language_id = 99;
        user.first_name = "<x>".into();
        let en = welcome(&user, "http://x", false, now);
        assert_eq!(en.language, "en-US");
        assert!(!en.html && en.body.contains("<x>"));
    }
}
