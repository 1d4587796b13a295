//! The booking page's one use case: an employee books a meeting in their own name (the licence
//! log records them as the requester), then invites people. Scheduling itself is
//! [`Kaigi::create_meeting`], with the same licence decision as every API.

use crate::error::{Error, Result};
use crate::model::{Booked, Booking, Caller, MeetingFields, MeetingRef, NewAttendee, SessionKind};
use crate::rules::limits::MAX_ATTENDEES_PER_CALL;
use crate::rules::schedule::zone_of_caller;
use crate::rules::validate::valid_email;
use crate::Kaigi;

impl Kaigi {
    /// Books `b` for the signed-in caller: the invitees are checked before anything is written;
    /// the meeting is created, then the invitations sent (their failure leaves the meeting).
    pub async fn book_meeting(&self, caller: &Caller, b: &Booking) -> Result<Booked> {
        if b.invitees.len() > MAX_ATTENDEES_PER_CALL {
            return Err(Error::TooManyAttendees { max: MAX_ATTENDEES_PER_CALL });
        }
        let mut emails: Vec<String> = Vec::with_capacity(b.invitees.len());
        for given in &b.invitees {
            let email = valid_email(given)?;
            if !emails.contains(&email) {
                emails.push(email);
            }
        }
        let fields = MeetingFields {
            name: Some(b.title.clone()),
            start: Some(b.start),
            time_zone_id: Some(zone_of_caller(caller).id),
            duration_minutes: Some(b.duration_minutes),
            // Booked for the signed-in employee: the requester (the same person as the host, so
            // never a shared-account sign).
            requester: caller.user().map(|u| u.webex_id.clone()),
            ..MeetingFields::default()
        };
        let meeting = self.create_meeting(caller, SessionKind::Meeting, &fields).await?;
        let people: Vec<NewAttendee> = emails
            .into_iter()
            .map(|email| NewAttendee {
                name: String::new(),
                first_name: String::new(),
                last_name: String::new(),
                email,
                role: None,
                join_status: None,
                email_invitations: true,
                language: None,
                locale: None,
                time_zone_id: None,
                profile: Default::default(),
                meeting: MeetingRef::Key(meeting.meeting_key),
            })
            .collect();
        let invitations_failed =
            if people.is_empty() { None } else { self.add_attendees(caller, &people, false).await.err() };
        Ok(Booked { meeting, invitations_failed })
    }
}
