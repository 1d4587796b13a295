//! Mail by SMTP: the transport (the MIME message, the SMTP dialogue with lettre on rustls) and the
//! worker that runs the core's mail rounds for as long as the server runs.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use kaigi_core::model::{Mail, MailOutcome};
use kaigi_core::ports::MailTransport;
use kaigi_core::rules::limits::MAIL_TIMEOUT_SECS;
use kaigi_core::Kaigi;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How long the worker rests when a round found nothing due (mails written meanwhile, and
/// retries coming due, are found on the next round).
const IDLE_POLL: Duration = Duration::from_secs(1);

/// Why the SMTP settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SmtpConfigError {
    #[error("--smtp-url is not an SMTP URL lettre understands (smtp://, smtps://; ?tls=required): {0}")]
    Url(lettre::transport::smtp::Error),
    #[error("--smtp-from {from:?} is not a mail address: {why}")]
    From { from: String, why: String },
}

/// Sends each mail in its own SMTP session (no pool: a mail worker sends a few at a time), as
/// `--smtp-url` says: `smtp://` in the clear, `smtp://…?tls=required` with STARTTLS,
/// `smtps://` over TLS, `user:pass@` to authenticate. TLS is rustls with the webpki roots.
pub struct SmtpTransport {
    smtp: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The server as logged (the URL without its credentials).
    server: String,
}

impl SmtpTransport {
    pub fn new(url: &str, from: &str) -> Result<Self, SmtpConfigError> {
        let from_text = from;
        let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(SmtpConfigError::Url)?
            .timeout(Some(Duration::from_secs(MAIL_TIMEOUT_SECS)))
            .build();
        let from =
            from.parse::<Mailbox>().map_err(|e| SmtpConfigError::From { from: from.into(), why: e.to_string() })?;
        let transport = Self { smtp, from, server: without_credentials(url) };
        // lettre re-reads the From header when it builds a message: refuse at start a sender it
        // would refuse on every mail (an IP literal as its domain, for one).
        let probe = Mail {
            id: 0,
            site_id: 0,
            kind: kaigi_core::model::MailKind::Welcome,
            to: transport.from.email.to_string(),
            subject: String::new(),
            body: String::new(),
            html: false,
            language: String::new(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            attachment: None,
            delivery: Default::default(),
        };
        transport.message(&probe).map_err(|why| SmtpConfigError::From { from: from_text.into(), why })?;
        Ok(transport)
    }

    /// The server, for the log: scheme, host and port, no user or password.
    pub fn server(&self) -> &str {
        &self.server
    }

    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// The MIME message of `mail`: its text (plain or HTML) alone, or with its attachment as
    /// multipart/mixed.
    pub fn message(&self, mail: &Mail) -> Result<Message, String> {
        let to = mail.to.parse::<Mailbox>().map_err(|e| format!("{:?} is not a mail address: {e}", mail.to))?;
        let text = if mail.html { SinglePart::html(mail.body.clone()) } else { SinglePart::plain(mail.body.clone()) };
        let builder = Message::builder().from(self.from.clone()).to(to).subject(mail.subject.clone());
        let built = match &mail.attachment {
            None => builder.singlepart(text),
            Some(a) => {
                let kind = ContentType::parse(&a.content_type)
                    .map_err(|e| format!("attachment type {:?}: {e}", a.content_type))?;
                let file = Attachment::new(a.filename.clone()).body(a.content.clone(), kind);
                builder.multipart(MultiPart::mixed().singlepart(text).singlepart(file))
            }
        };
        built.map_err(|e| format!("cannot build the message: {e}"))
    }
}

fn without_credentials(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}:{}",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.port().map_or(String::new(), |p| p.to_string())
        )
        .trim_end_matches(':')
        .to_string(),
        Err(_) => "(unparsable URL)".to_string(),
    }
}

#[async_trait]
impl MailTransport for SmtpTransport {
    async fn send(&self, mail: &Mail) -> MailOutcome {
        let message = match self.message(mail) {
            Ok(m) => m,
            Err(why) => return MailOutcome::Permanent { why },
        };
        match self.smtp.send(message).await {
            Ok(_) => MailOutcome::Sent,
            // A 5xx answer: this mail will not be taken however often it is sent.
            Err(e) if e.is_permanent() => MailOutcome::Permanent { why: e.to_string() },
            // 4xx, a connection, TLS or authentication problem, a timeout: maybe later.
            Err(e) => MailOutcome::Transient { why: e.to_string() },
        }
    }
}

/// The From address when `--smtp-from` is not given: `kaigi@` the public URL's host, or
/// `kaigi@localhost` when that host is an IP address (lettre cannot write an address literal in
/// a From header).
pub fn default_from(public_url: &str) -> String {
    let host = url::Url::parse(public_url).ok().and_then(|u| match u.host() {
        Some(url::Host::Domain(d)) => Some(d.to_string()),
        _ => None,
    });
    format!("kaigi@{}", host.as_deref().unwrap_or("localhost"))
}

/// Runs mail rounds until the task is dropped: at once while there is work, then again after a
/// short rest.
pub fn spawn_worker(kaigi: Arc<Kaigi>, transport: Arc<dyn MailTransport>) -> tokio::task::JoinHandle<()> {
    spawn_worker_counted(kaigi, transport, None, crate::drain::Flag::new())
}

/// [`spawn_worker`], counting what each round did into `metrics`, and ending after the round
/// under way once `stop` is raised (a mail cut off in the middle of its SMTP session would be
/// sent again when its lease runs out).
pub fn spawn_worker_counted(
    kaigi: Arc<Kaigi>,
    transport: Arc<dyn MailTransport>,
    metrics: Option<Arc<crate::metrics::Metrics>>,
    stop: crate::drain::Flag,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while !stop.is_raised() {
            let done = kaigi.send_mails(transport.clone()).await;
            if let (Ok(round), Some(m)) = (&done, &metrics) {
                m.mail_round(round);
            }
            match done {
                Ok(round) if round.did_something() => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "mail round failed; trying again shortly"),
            }
            tokio::select! {
                _ = tokio::time::sleep(IDLE_POLL) => {}
                _ = stop.raised() => {}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_sender_is_at_the_public_host() {
        assert_eq!(default_from("https://meet.acme.example/x"), "kaigi@meet.acme.example");
        assert_eq!(default_from("http://127.0.0.1:8080"), "kaigi@localhost");
        for url in ["https://meet.acme.example", "http://127.0.0.1:8080", "http://[::1]:8080", "nonsense"] {
            assert!(SmtpTransport::new("smtp://127.0.0.1", &default_from(url)).is_ok(), "{url}: {}", default_from(url));
        }
    }

    #[test]
    fn a_sender_lettre_cannot_write_is_refused_at_start() {
        assert!(SmtpTransport::new("smtp://127.0.0.1", "kaigi@[127.0.0.1]").is_err());
        assert!(SmtpTransport::new("smtp://127.0.0.1", "Meetings <kaigi@acme.example>").is_ok());
    }

    #[test]
    fn credentials_stay_out_of_the_log() {
        assert_eq!(without_credentials("smtps://u:secret@mail.example:465"), "smtps://mail.example:465");
        assert_eq!(without_credentials("smtp://mail.example?tls=required"), "smtp://mail.example");
        assert!(SmtpTransport::new("smtp://u:p@127.0.0.1:2525?tls=required", "kaigi@acme.example").is_ok());
        assert!(SmtpTransport::new("http://127.0.0.1", "kaigi@acme.example").is_err());
        assert!(SmtpTransport::new("smtp://127.0.0.1", "not an address").is_err());
    }
}
