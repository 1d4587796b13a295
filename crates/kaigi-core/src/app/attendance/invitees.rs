//! Invitees and registrants of a meeting series, as the REST API manages them: one attendee
//! row each (the XML API's attendee service sees the same rows). Invitees are the attendees who
//! did not register; registrants are those who did.

use std::collections::BTreeMap;

use crate::error::{Duplicate, Entity, Error, Field, Result};
use crate::model::{
    Attendee, AttendeeId, AttendeeRole, AttendeeTarget, Caller, InviteeRequest, JoinStatus, LicenseAction, Meeting,
    MeetingRef, NewAttendee, Person, RegistrantRequest,
};
use crate::rules::licence::for_booking;
use crate::rules::limits::{MAX_ATTENDEES_PER_CALL, MAX_BULK};
use crate::rules::schedule::REST_KINDS;
use crate::Kaigi;

fn is_registrant(a: &Attendee) -> bool {
    matches!(a.join_status, JoinStatus::Register | JoinStatus::Reject)
}

impl Kaigi {
    /// A series the caller may read.
    pub(crate) async fn readable_series(&self, caller: &Caller, series: &str) -> Result<Meeting> {
        Ok(self.get_meeting(caller, &MeetingRef::Uuid(series.to_string()), &REST_KINDS).await?.0)
    }

    /// A series the caller may manage.
    pub(crate) async fn managed_series(&self, caller: &Caller, series: &str) -> Result<Meeting> {
        let m = self.readable_series(caller, series).await?;
        if !Self::may_manage(caller, &m) {
            return Err(Error::AccessDenied);
        }
        Ok(m)
    }

    /// Invites people to a series, all or none: an email already invited (or twice in the
    /// request) is a conflict. Co-hosts who are not licensed hosts of the site stay plain invitees.
    pub async fn invite(
        &self,
        caller: &Caller,
        series: &str,
        people: &[InviteeRequest],
        send_email: bool,
    ) -> Result<Vec<Attendee>> {
        if people.is_empty() {
            return Err(Error::invalid(Field::People, "at least one invitee is required"));
        }
        if people.len() > MAX_BULK {
            return Err(Error::invalid(Field::People, format!("at most {MAX_BULK} invitees in one request")));
        }
        let m = self.managed_series(caller, series).await?;
        let existing = self.store.attendees_of(caller.site.id, m.id).await?;
        let mut seen: Vec<String> = existing.iter().map(|a| a.email.to_lowercase()).collect();
        for p in people {
            let email = p.email.trim().to_lowercase();
            if seen.contains(&email) {
                return Err(Error::Duplicate(Duplicate::Invitee));
            }
            seen.push(email);
        }
        let mut requests = Vec::with_capacity(people.len());
        for p in people {
            // A co-host is asked for as an alternate host: `add_attendees` puts the licence
            // question (recorded, and a refusal leaves a plain invitee).
            let qualified = p.co_host;
            requests.push(NewAttendee {
                name: p.display_name.clone().unwrap_or_default(),
                first_name: String::new(),
                last_name: String::new(),
                email: p.email.clone(),
                role: Some(if qualified { AttendeeRole::Host } else { AttendeeRole::Attendee }),
                join_status: Some(JoinStatus::Invite),
                email_invitations: send_email,
                language: None,
                locale: None,
                time_zone_id: None,
                profile: BTreeMap::new(),
                meeting: MeetingRef::Key(m.meeting_key),
            });
        }
        let mut out = Vec::with_capacity(requests.len());
        for chunk in requests.chunks(MAX_ATTENDEES_PER_CALL) {
            out.extend(self.add_attendees(caller, chunk, false).await?);
        }
        Ok(out)
    }

    /// The invitees of a series, by email.
    pub async fn invitees_of(&self, caller: &Caller, series: &str) -> Result<(Meeting, Vec<Attendee>)> {
        let m = self.readable_series(caller, series).await?;
        let mut list: Vec<Attendee> =
            self.store.attendees_of(caller.site.id, m.id).await?.into_iter().filter(|a| !is_registrant(a)).collect();
        list.sort_by(|a, b| a.email.cmp(&b.email).then(a.id.cmp(&b.id)));
        Ok((m, list))
    }

    /// One attendee row of a series (an invitee when `registrant` is false, else a registrant).
    pub async fn series_attendee(
        &self,
        caller: &Caller,
        series: &str,
        id: AttendeeId,
        registrant: bool,
    ) -> Result<(Meeting, Attendee)> {
        let m = self.readable_series(caller, series).await?;
        let a = self.store.attendee_by_id(caller.site.id, id).await?;
        match a {
            Some(a) if a.meeting_id == m.id && is_registrant(&a) == registrant => Ok((m, a)),
            _ => Err(Error::NotFound(Entity::Attendee)),
        }
    }

    /// Changes an invitee's display name and co-host flag (a co-host must be a licensed host of
    /// the site, else they stay a plain invitee). The email names the invitee and cannot change.
    pub async fn update_invitee(
        &self,
        caller: &Caller,
        series: &str,
        id: AttendeeId,
        change: &InviteeRequest,
    ) -> Result<Attendee> {
        let m = self.managed_series(caller, series).await?;
        let (_, a) = self.series_attendee(caller, series, id, false).await?;
        if !a.email.eq_ignore_ascii_case(change.email.trim()) {
            return Err(Error::invalid(
                Field::Email,
                "The email of an invitee cannot change; invite the other person instead.",
            ));
        }
        let role = if change.co_host {
            // Naming a co-host is a licence question: asked and recorded in the one place.
            let user = self.store.user_by_email(caller.site.id, &a.email).await?;
            let who = match &user {
                Some(u) => Person::User(u),
                None => Person::Guest(&a.email),
            };
            let asked = self.ask_licence(&caller.site, LicenseAction::Cohost, who).await?;
            let refused = asked.refused();
            self.record_licence_decisions(&[for_booking(asked.decision, &m)]).await?;
            if refused {
                AttendeeRole::Attendee
            } else {
                AttendeeRole::Host
            }
        } else {
            AttendeeRole::Attendee
        };
        let name = change.display_name.clone().map(|n| n.trim().to_string()).unwrap_or_else(|| a.name.clone());
        if name.chars().count() > 128 {
            return Err(Error::invalid(Field::DisplayName, "at most 128 characters"));
        }
        self.store.set_attendee_details(caller.site.id, id, &name, role).await?;
        // The meeting's invitee list is what alternate-host checks read: keep it in step.
        let now = self.now();
        self.rewrite_meeting(m, |m| match m.invitees.iter_mut().find(|i| i.email.eq_ignore_ascii_case(&a.email)) {
            Some(i) => {
                i.name = name.clone();
                i.role = role.wire().to_string();
                m.updated_at = now;
                true
            }
            None => false,
        })
        .await?;
        self.store.attendee_by_id(caller.site.id, id).await?.ok_or(Error::NotFound(Entity::Attendee))
    }

    /// Removes one invitee or registrant of a series.
    pub async fn remove_series_attendee(
        &self,
        caller: &Caller,
        series: &str,
        id: AttendeeId,
        registrant: bool,
        send_email: bool,
    ) -> Result<()> {
        self.managed_series(caller, series).await?;
        self.series_attendee(caller, series, id, registrant).await?;
        self.delete_attendees(caller, &AttendeeTarget::Ids(vec![id]), send_email).await
    }

    /// Registers someone for a series whose registration is on (people may register themselves;
    /// registering others needs the right to manage the meeting).
    pub async fn register(&self, caller: &Caller, series: &str, r: &RegistrantRequest) -> Result<Attendee> {
        caller.require_user()?;
        // Anyone signed in on the site may find a series to register for.
        let m = self.find_meeting(&caller.site, &MeetingRef::Uuid(series.to_string()), &REST_KINDS).await?;
        if !m.attendee_options.registration {
            return Err(Error::invalid(Field::Registration, "Registration is not supported for this meeting series."));
        }
        for field in [(Field::FirstName, &r.first_name), (Field::LastName, &r.last_name), (Field::Email, &r.email)] {
            if field.1.trim().is_empty() {
                return Err(Error::invalid(field.0, format!("{} is required", field.0)));
            }
        }
        let existing = self.store.attendees_of(caller.site.id, m.id).await?;
        if existing.iter().any(|a| is_registrant(a) && a.email.eq_ignore_ascii_case(r.email.trim())) {
            return Err(Error::Duplicate(Duplicate::Registrant));
        }
        let person = NewAttendee {
            name: String::new(),
            first_name: r.first_name.clone(),
            last_name: r.last_name.clone(),
            email: r.email.clone(),
            role: Some(AttendeeRole::Attendee),
            join_status: Some(JoinStatus::Register),
            email_invitations: r.send_email,
            language: None,
            locale: None,
            time_zone_id: None,
            profile: r.profile.clone(),
            meeting: MeetingRef::Key(m.meeting_key),
        };
        let mut added = self.add_attendees(caller, &[person], true).await?;
        added.pop().ok_or(Error::NotFound(Entity::Attendee))
    }

    /// The registrants of a series, in registration order.
    pub async fn registrants_of(&self, caller: &Caller, series: &str) -> Result<(Meeting, Vec<Attendee>)> {
        let m = self.managed_series(caller, series).await?;
        let list = self.store.attendees_of(caller.site.id, m.id).await?.into_iter().filter(is_registrant).collect();
        Ok((m, list))
    }

    /// Approves or rejects registrants of a series.
    pub async fn decide_registrants(
        &self,
        caller: &Caller,
        series: &str,
        ids: &[AttendeeId],
        approve: bool,
    ) -> Result<()> {
        for id in ids {
            self.series_attendee(caller, series, *id, true).await?;
        }
        for id in ids {
            self.decide_registration(caller, *id, approve).await?;
        }
        Ok(())
    }
}
