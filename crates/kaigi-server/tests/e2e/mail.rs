//! Mail leaving the outbox by SMTP: the real transport (lettre) sends to an SMTP receiver on
//! 127.0.0.1 (see `smtp_sink`); the worker's rounds are run by the test, and time is moved on
//! the injected clock for retries.

use std::sync::Arc;

use chrono::Duration;
use kaigi_core::model::{MailKind, MailState};
use kaigi_core::ports::MailTransport;
use kaigi_core::rules::limits::MAIL_MAX_ATTEMPTS;
use kaigi_core::rules::mail::retry_delay;
use kaigi_server::mail_delivery::SmtpTransport;

use crate::smtp_sink::{mime_parts, SmtpSink};
use crate::support::*;

fn transport(sink: &SmtpSink) -> Arc<dyn MailTransport> {
    Arc::new(SmtpTransport::new(&sink.url(), "Kaigi <kaigi@kaigi.test>").expect("SMTP settings"))
}

/// Runs rounds until one attempts nothing (everything due was sent or put off).
async fn send_all(s: &TestServer, t: &Arc<dyn MailTransport>) -> usize {
    let mut attempted = 0;
    loop {
        let round = s.kaigi.send_mails(t.clone()).await.expect("mail round");
        if !round.did_something() {
            return attempted;
        }
        attempted += round.attempted;
    }
}

async fn welcome(s: &TestServer, id: &str) {
    let body = format!(
        "<firstName>{id}</firstName><lastName>Test</lastName><webExId>{id}</webExId><password>pass-{id}</password>\
         <email>{id}@acme.example</email><sendWelcome>true</sendWelcome>"
    );
    s.as_admin("user.CreateUser", &body).await.assert_success();
}

fn header<'a>(data: &'a str, name: &str) -> &'a str {
    let head = data.split("\r\n\r\n").next().unwrap();
    head.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
        .unwrap_or_else(|| panic!("no {name} header in {head}"))
}

#[tokio::test]
async fn welcome_invitation_and_email_change_reach_the_smtp_server() {
    let s = TestServer::start().await;
    let sink = SmtpSink::start().await;
    let t = transport(&sink);
    welcome(&s, "jan").await;
    let r = s
        .call(
            "alice",
            PW,
            "meeting.CreateMeeting",
            "<metaData><confName>Quarterly review</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate>\
             <duration>45</duration></schedule>",
        )
        .await;
    r.assert_success();
    let key = r.value(&["meetingkey"]);
    let calendar = r.value(&["iCalendarURL", "attendee"]).replace("http://kaigi.test", "");
    let invite = format!(
        "<person><name>Carol</name><email>carol@guest.example</email><type>VISITOR</type></person>\
         <role>ATTENDEE</role><sessionKey>{key}</sessionKey><emailInvitations>TRUE</emailInvitations>"
    );
    s.call("alice", PW, "attendee.CreateMeetingAttendee", &invite).await.assert_success();
    s.call("alice", PW, "user.SetUser", "<webExId>alice</webExId><email>alice@new.example</email>")
        .await
        .assert_success();

    assert_eq!(send_all(&s, &t).await, 3);
    let got = sink.received();
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(got.iter().all(|m| m.from == "kaigi@kaigi.test"));
    let to = |addr: &str| got.iter().find(|m| m.to == [addr]).unwrap_or_else(|| panic!("nothing to {addr}"));

    let jan = to("jan@acme.example");
    assert_eq!(header(&jan.data, "Subject"), "Welcome to Webex");
    assert_eq!(header(&jan.data, "From"), "Kaigi <kaigi@kaigi.test>");
    assert!(mime_parts(&jan.data)[0].1.contains("jan"));

    let change = to("alice@new.example");
    assert_eq!(header(&change.data, "Subject"), "Webex Account Change Confirmation");
    assert!(mime_parts(&change.data)[0].1.contains("http://kaigi.test/_kaigi/confirm-email?token="));

    // The invitation: its text, and the meeting's calendar file as the web serves it.
    let carol = to("carol@guest.example");
    assert_eq!(header(&carol.data, "Subject"), "Invitation: Quarterly review");
    assert!(header(&carol.data, "Content-Type").starts_with("multipart/mixed"));
    let parts = mime_parts(&carol.data);
    assert_eq!(parts.len(), 2, "{parts:#?}");
    assert!(parts[0].0.contains("content-type: text/plain") && parts[0].1.contains("Quarterly review"));
    let (ics_headers, ics) = &parts[1];
    assert!(ics_headers.contains("content-type: text/calendar; charset=utf-8; method=request"), "{ics_headers}");
    assert!(ics_headers.contains(&format!("attachment; filename=\"{key}.ics\"")), "{ics_headers}");
    let m = s.store.meeting_by_key(s.site.id, key.parse().unwrap()).await.unwrap().expect("meeting");
    assert!(ics.contains(&format!("UID:{}@kaigi\r\n", m.uuid)), "{ics}");
    assert!(ics.contains(&format!("DTSTART:{}\r\n", m.start.format("%Y%m%dT%H%M%SZ"))), "{ics}");
    assert!(ics.contains("SUMMARY:Quarterly review\r\n") && ics.contains("METHOD:REQUEST\r\n"));
    assert!(!ics.contains("Host key"), "the attendees' file, not the host's");
    assert_eq!(&s.get(&calendar).await.1, ics, "the attachment is the file behind iCalendarURL");

    // The outbox keeps each mail's delivery.
    let outbox = s.outbox().await;
    assert_eq!(outbox.len(), 3);
    for mail in &outbox {
        assert_eq!((mail.delivery.state, mail.delivery.attempts), (MailState::Sent, 1), "{mail:?}");
        assert_eq!(mail.delivery.done_at, Some(start_time()));
    }
    assert!(outbox.iter().any(|m| m.kind == MailKind::Invitation && m.attachment.is_some()));
    assert_eq!(send_all(&s, &t).await, 0, "a sent mail is not sent again");
}

#[tokio::test]
async fn a_refused_mail_is_tried_again_with_backoff_then_sent() {
    let s = TestServer::start().await;
    let sink = SmtpSink::start().await;
    let t = transport(&sink);
    sink.refuse(2, "451 4.3.0 mailbox busy, try again later");
    welcome(&s, "jan").await;

    assert_eq!(send_all(&s, &t).await, 1);
    assert_eq!((sink.refused(), sink.received().len()), (1, 0));
    let mail = s.outbox().await.remove(0);
    assert_eq!((mail.delivery.state, mail.delivery.attempts), (MailState::Pending, 1));
    assert!(mail.delivery.last_error.as_deref().unwrap_or("").contains("mailbox busy"), "{mail:?}");

    // Not before its time: 30 s after the first failure, then 60 s after the second.
    s.advance(retry_delay(1) - Duration::seconds(1));
    assert_eq!(send_all(&s, &t).await, 0);
    s.advance(Duration::seconds(1));
    assert_eq!(send_all(&s, &t).await, 1);
    assert_eq!(sink.refused(), 2);
    s.advance(retry_delay(2) - Duration::seconds(1));
    assert_eq!(send_all(&s, &t).await, 0);
    s.advance(Duration::seconds(1));
    assert_eq!(send_all(&s, &t).await, 1);

    let got = sink.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, ["jan@acme.example"]);
    let mail = s.outbox().await.remove(0);
    assert_eq!((mail.delivery.state, mail.delivery.attempts, mail.delivery.last_error), (MailState::Sent, 3, None));
}

#[tokio::test]
async fn a_mail_refused_every_time_is_marked_failed_after_the_last_attempt() {
    let s = TestServer::start().await;
    let sink = SmtpSink::start().await;
    let t = transport(&sink);
    sink.refuse(usize::try_from(MAIL_MAX_ATTEMPTS).unwrap() + 5, "451 4.3.0 try again later");
    welcome(&s, "jan").await;
    for attempt in 1..=MAIL_MAX_ATTEMPTS {
        assert_eq!(send_all(&s, &t).await, 1, "attempt {attempt}");
        s.advance(retry_delay(attempt));
    }
    assert_eq!(send_all(&s, &t).await, 0, "given up");
    s.advance(Duration::hours(2));
    assert_eq!(send_all(&s, &t).await, 0, "given up for good");
    assert_eq!(sink.refused(), usize::try_from(MAIL_MAX_ATTEMPTS).unwrap());
    let mail = s.outbox().await.remove(0);
    assert_eq!((mail.delivery.state, mail.delivery.attempts), (MailState::Failed, MAIL_MAX_ATTEMPTS));
    let why = mail.delivery.last_error.unwrap_or_default();
    assert!(why.contains("try again later") && why.contains("gave up after 8 attempts"), "{why}");
}

#[tokio::test]
async fn a_permanent_refusal_fails_at_once_and_an_old_mail_is_not_sent_late() {
    let s = TestServer::start().await;
    let sink = SmtpSink::start().await;
    let t = transport(&sink);
    sink.refuse(1, "550 5.1.1 no such user");
    welcome(&s, "jan").await;
    assert_eq!(send_all(&s, &t).await, 1);
    let mail = s.outbox().await.remove(0);
    assert_eq!((mail.delivery.state, mail.delivery.attempts), (MailState::Failed, 1));
    assert!(mail.delivery.last_error.unwrap_or_default().contains("no such user"));

    // Written while no SMTP server was set, and found a day and more later: given up unsent.
    welcome(&s, "ana").await;
    s.advance(Duration::hours(25));
    assert_eq!(send_all(&s, &t).await, 0);
    let ana = s.outbox().await.into_iter().find(|m| m.to == "ana@acme.example").expect("mail");
    assert_eq!((ana.delivery.state, ana.delivery.attempts), (MailState::Failed, 0));
    assert!(sink.received().is_empty());
}
