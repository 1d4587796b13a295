//! Attendee use cases: invite, register, list, remove, approve or decline registrations.
//!
//! Who may: whoever may manage the meeting (host, booker, alternate host, site administrator)
//! manages its attendees; read-only site administrators may also list them. RegisterMeetingAttendee
//! is also open to any signed-in user of the site when every person it registers is that user
//! (same email): people register themselves. Attendees added with role HOST are the meeting's
//! alternate hosts: they are kept in the meeting's invitee list, which the host checks read.

use std::collections::BTreeMap;

use crate::error::{Entity, Error, Field, Result, StoreError};
use crate::model::{
    Attendee, AttendeeId, AttendeeRole, AttendeeStatus, AttendeeTarget, Caller, Invitee, JoinStatus, LicenseAction,
    Mail, Meeting, MeetingRef, NewAttendee, Page, Person,
};
use crate::rules::licence::for_booking;
use crate::rules::limits::MAX_ATTENDEES_PER_CALL;
use crate::rules::mail;
use crate::rules::validate::valid_email;
use crate::Kaigi;

fn missing(e: StoreError) -> Error {
    match e {
        StoreError::Missing => Error::NotFound(Entity::Attendee),
        other => Error::Store(other),
    }
}

impl Kaigi {
    /// The live meeting an attendee row belongs to.
    async fn meeting_of(&self, site: crate::model::SiteId, id: crate::model::MeetingId) -> Result<Meeting> {
        let key = self.store.meeting_key_of(site, id).await?.ok_or(Error::NotFound(Entity::Meeting))?;
        self.store.meeting_by_key(site, key).await?.ok_or(Error::NotFound(Entity::Meeting))
    }

    async fn managed_meeting(&self, caller: &Caller, r: &MeetingRef) -> Result<Meeting> {
        let m = self.find_meeting(&caller.site, r, &[]).await?;
        if !Self::may_manage(caller, &m) {
            return Err(Error::AccessDenied);
        }
        Ok(m)
    }

    /// Adds attendees (CreateMeetingAttendee; `register` for RegisterMeetingAttendee). Nothing is
    /// written unless every person is valid. Returns the stored attendees in request order.
    pub async fn add_attendees(
        &self,
        caller: &Caller,
        people: &[NewAttendee],
        register: bool,
    ) -> Result<Vec<Attendee>> {
        if people.len() > MAX_ATTENDEES_PER_CALL {
            return Err(Error::TooManyAttendees { max: MAX_ATTENDEES_PER_CALL });
        }
        if people.is_empty() {
            return Err(Error::invalid(Field::People, "at least one attendee is required"));
        }
        let me = caller.require_user()?;
        let now = self.now();
        let mut meetings: Vec<Meeting> = Vec::new();
        let mut rows = Vec::with_capacity(people.len());
        let mut mails: Vec<Mail> = Vec::new();
        let mut decisions = Vec::new();
        for p in people {
            let email = valid_email(&p.email)?;
            let m = self.find_meeting(&caller.site, &p.meeting, &[]).await?;
            let self_registration = register && email.eq_ignore_ascii_case(&me.email);
            if !Self::may_manage(caller, &m) && !self_registration {
                return Err(Error::AccessDenied);
            }
            let mut role = p.role.unwrap_or(AttendeeRole::Attendee);
            let already_host = m.invitees.iter().any(|i| i.role == "HOST" && i.email.eq_ignore_ascii_case(&email));
            if role == AttendeeRole::Host && !already_host {
                // Naming an alternate host is a licence question; one who may not host stays an
                // attendee (the refusal is recorded).
                let user = self.store.user_by_email(caller.site.id, &email).await?;
                let who = match &user {
                    Some(u) => Person::User(u),
                    None => Person::Guest(&email),
                };
                let asked = self.ask_licence(&caller.site, LicenseAction::AlternateHost, who).await?;
                if asked.refused() {
                    role = AttendeeRole::Attendee;
                }
                decisions.push(for_booking(asked.decision, &m));
            }
            let registration = m.attendee_options.registration;
            let (join_status, status) = if register {
                if registration && !m.attendee_options.auto {
                    (JoinStatus::Register, AttendeeStatus::Pending)
                } else {
                    (JoinStatus::Register, AttendeeStatus::Registered)
                }
            } else {
                match p.join_status.unwrap_or(JoinStatus::Invite) {
                    JoinStatus::Invite => (JoinStatus::Invite, AttendeeStatus::Invited),
                    JoinStatus::Register => (JoinStatus::Register, AttendeeStatus::Registered),
                    JoinStatus::Accept => (JoinStatus::Accept, AttendeeStatus::Accepted),
                    JoinStatus::Reject => (JoinStatus::Reject, AttendeeStatus::Rejected),
                }
            };
            let name = match p.name.trim() {
                "" => format!("{} {}", p.first_name.trim(), p.last_name.trim()).trim().to_string(),
                n => n.to_string(),
            };
            let name = if name.is_empty() { email.clone() } else { name };
            if p.email_invitations {
                let join = self.meeting_links(&caller.site, &m).join;
                // The attendee's calendar file (as served behind iCalendarURL) goes with it.
                let entry = self.calendar_of(&caller.site, m.clone(), false).await?;
                let ics = mail::calendar_attachment(&entry);
                mails.push(mail::invitation(caller.site.id, &email, &name, &m.name, &join, ics, now));
            }
            if register {
                let pending = status == AttendeeStatus::Pending;
                mails.push(mail::registration_confirmation(caller.site.id, &email, &name, &m.name, pending, now));
            }
            rows.push(Attendee {
                id: 0,
                meeting_id: m.id,
                site_id: caller.site.id,
                name,
                first_name: p.first_name.trim().to_string(),
                last_name: p.last_name.trim().to_string(),
                email,
                role,
                join_status,
                status,
                // A registration always has its registerID (RegisterMeetingAttendee answers it,
                // its schema requires it); an invitation has one while registration is on.
                register_id: (registration || register).then_some(0),
                language: p.language.clone().unwrap_or_else(|| "ENGLISH".to_string()),
                locale: p.locale.clone().unwrap_or_else(|| "U.S.".to_string()),
                time_zone_id: p.time_zone_id.unwrap_or(m.time_zone_id),
                email_invitations: p.email_invitations,
                profile: p.profile.clone(),
                ip_address: String::new(),
                submitted_at: now,
                created_at: now,
            });
            if !meetings.iter().any(|x| x.id == m.id) {
                meetings.push(m);
            }
        }
        let ids = self.store.insert_attendees(&rows, &mails).await?;
        self.record_licence_decisions(&decisions).await?;
        let mut stored = Vec::with_capacity(rows.len());
        for id in ids {
            stored.push(self.store.attendee_by_id(caller.site.id, id).await?.ok_or(Error::NotFound(Entity::Attendee))?);
        }
        for m in meetings {
            self.rewrite_meeting(m, |m| self.sync_invitees(m, &stored, &[])).await?;
        }
        Ok(stored)
    }

    /// Mirrors attendees into the meeting's invitee list (which the host checks read): adds the
    /// new ones not yet there, removes the removed ones. true when the list changed.
    fn sync_invitees(&self, m: &mut Meeting, added: &[Attendee], removed: &[Attendee]) -> bool {
        let before = m.invitees.len();
        let mut changed = false;
        for a in removed.iter().filter(|a| a.meeting_id == m.id) {
            m.invitees.retain(|i| !i.email.eq_ignore_ascii_case(&a.email));
        }
        changed |= m.invitees.len() != before;
        for a in added.iter().filter(|a| a.meeting_id == m.id) {
            if let Some(i) = m.invitees.iter_mut().find(|i| i.email.eq_ignore_ascii_case(&a.email)) {
                if a.role == AttendeeRole::Host && !i.role.eq_ignore_ascii_case("HOST") {
                    i.role = "HOST".to_string();
                    changed = true;
                }
            } else {
                m.invitees.push(Invitee {
                    name: a.name.clone(),
                    email: a.email.clone(),
                    role: a.role.wire().to_string(),
                });
                changed = true;
            }
        }
        changed
    }

    /// The meeting with this confID (LstMeetingAttendee `confID`), as a key reference.
    pub async fn meeting_by_conf_id(&self, caller: &Caller, conf_id: u64) -> Result<MeetingRef> {
        let key = self.store.meeting_key_by_conf_id(caller.site.id, conf_id).await?;
        key.map(MeetingRef::Key).ok_or(Error::NotFound(Entity::Meeting))
    }

    /// Gives every invitee of `m` (CreateMeeting/SetMeeting `participants/attendees`) an attendee
    /// row, so that LstMeetingAttendee lists them; invitees who have one already are left alone,
    /// and attendees no longer in the list (SetMeeting replaced it) are removed. No mails: the
    /// scheduling request decides about invitations itself.
    /// Attendee rows for the meeting's invitees (and none for those it no longer has); with
    /// `send_invitations`, an invitation mail to each invitee added now, in the same write.
    pub(crate) async fn attendees_for_invitees(&self, m: &Meeting, send_invitations: bool) -> Result<()> {
        let existing = self.store.attendees_of(m.site_id, m.id).await?;
        let stale: Vec<AttendeeId> = existing
            .iter()
            .filter(|a| !m.invitees.iter().any(|i| i.email.eq_ignore_ascii_case(&a.email)))
            .map(|a| a.id)
            .collect();
        if !stale.is_empty() {
            self.store.delete_attendees(m.site_id, &stale, &[]).await?;
        }
        let now = self.now();
        let rows: Vec<Attendee> = m
            .invitees
            .iter()
            .filter(|i| !existing.iter().any(|a| a.email.eq_ignore_ascii_case(&i.email)))
            .map(|i| Attendee {
                id: 0,
                meeting_id: m.id,
                site_id: m.site_id,
                name: i.name.clone(),
                first_name: String::new(),
                last_name: String::new(),
                email: i.email.to_lowercase(),
                role: AttendeeRole::parse(&i.role).unwrap_or(AttendeeRole::Attendee),
                join_status: JoinStatus::Invite,
                status: AttendeeStatus::Invited,
                register_id: m.attendee_options.registration.then_some(0),
                language: "ENGLISH".to_string(),
                locale: "U.S.".to_string(),
                time_zone_id: m.time_zone_id,
                email_invitations: false,
                profile: BTreeMap::new(),
                ip_address: String::new(),
                submitted_at: now,
                created_at: now,
            })
            .collect();
        let mut mails = Vec::new();
        if send_invitations && !rows.is_empty() {
            let site = self.store.site_by_id(m.site_id).await?.ok_or(Error::NotFound(Entity::Site))?;
            let join = self.meeting_links(&site, m).join;
            let entry = self.calendar_of(&site, m.clone(), false).await?;
            let ics = mail::calendar_attachment(&entry);
            for a in &rows {
                let name = if a.name.trim().is_empty() { a.email.as_str() } else { a.name.as_str() };
                mails.push(mail::invitation(m.site_id, &a.email, name, &m.name, &join, ics.clone(), now));
            }
        }
        if !rows.is_empty() {
            let rows: Vec<Attendee> =
                rows.into_iter().map(|a| Attendee { email_invitations: send_invitations, ..a }).collect();
            self.store.insert_attendees(&rows, &mails).await?;
        }
        Ok(())
    }

    /// The attendees of a meeting, paged (`offset` rows skipped, at most `limit`). 000015 when
    /// the meeting has none.
    pub async fn list_attendees(
        &self,
        caller: &Caller,
        r: &MeetingRef,
        offset: u32,
        limit: u32,
    ) -> Result<(Meeting, Page<Attendee>)> {
        let m = self.find_meeting(&caller.site, r, &[]).await?;
        if !Self::may_manage(caller, &m) && !caller.user().is_some_and(|u| u.privileges.ro_site_admin) {
            return Err(Error::AccessDenied);
        }
        let all = self.store.attendees_of(caller.site.id, m.id).await?;
        let total = all.len() as u64;
        let items: Vec<Attendee> = all.into_iter().skip(offset as usize).take(limit as usize).collect();
        if items.is_empty() {
            return Err(Error::NoRecords);
        }
        Ok((m, Page { items, total }))
    }

    /// Removes attendees; with `send_email` each gets a cancellation mail.
    pub async fn delete_attendees(&self, caller: &Caller, target: &AttendeeTarget, send_email: bool) -> Result<()> {
        let site = caller.site.id;
        let found: Vec<Attendee> = match target {
            AttendeeTarget::Ids(ids) => {
                let mut v = Vec::new();
                for id in ids {
                    v.push(self.store.attendee_by_id(site, *id).await?.ok_or(Error::NotFound(Entity::Attendee))?);
                }
                v
            }
            AttendeeTarget::Email { email, meeting } => {
                let m = self.managed_meeting(caller, meeting).await?;
                let email = email.trim().to_lowercase();
                let v: Vec<Attendee> =
                    self.store.attendees_of(site, m.id).await?.into_iter().filter(|a| a.email == email).collect();
                if v.is_empty() {
                    return Err(Error::NotFound(Entity::Attendee));
                }
                v
            }
        };
        if found.is_empty() {
            return Err(Error::invalid(Field::AttendeeId, "at least one attendee is required"));
        }
        let mut meetings: Vec<Meeting> = Vec::new();
        for a in &found {
            if meetings.iter().any(|m| m.id == a.meeting_id) {
                continue;
            }
            let m = self.meeting_of(site, a.meeting_id).await?;
            if !Self::may_manage(caller, &m) {
                return Err(Error::AccessDenied);
            }
            meetings.push(m);
        }
        let now = self.now();
        let mails: Vec<Mail> = if send_email {
            found
                .iter()
                .map(|a| {
                    let name = meetings.iter().find(|m| m.id == a.meeting_id).map(|m| m.name.as_str()).unwrap_or("");
                    mail::attendee_cancellation(site, &a.email, &a.name, name, now)
                })
                .collect()
        } else {
            Vec::new()
        };
        let ids: Vec<AttendeeId> = found.iter().map(|a| a.id).collect();
        self.store.delete_attendees(site, &ids, &mails).await.map_err(missing)?;
        for m in meetings {
            self.rewrite_meeting(m, |m| self.sync_invitees(m, &[], &found)).await?;
        }
        Ok(())
    }

    /// Approves (REGISTERED) or declines (REJECTED) a registration; the registrant is told by mail.
    pub async fn decide_registration(&self, caller: &Caller, id: AttendeeId, approve: bool) -> Result<Attendee> {
        let site = caller.site.id;
        let a = self.store.attendee_by_id(site, id).await?.ok_or(Error::NotFound(Entity::Attendee))?;
        let m = self.meeting_of(site, a.meeting_id).await?;
        if !Self::may_manage(caller, &m) {
            return Err(Error::AccessDenied);
        }
        let (status, join) = if approve {
            (AttendeeStatus::Registered, JoinStatus::Register)
        } else {
            (AttendeeStatus::Rejected, JoinStatus::Reject)
        };
        let now = self.now();
        let mails = if approve {
            vec![mail::registration_confirmation(site, &a.email, &a.name, &m.name, false, now)]
        } else {
            vec![mail::attendee_cancellation(site, &a.email, &a.name, &m.name, now)]
        };
        self.store.set_attendee_status(site, id, status, join, &mails).await.map_err(missing)?;
        self.store.attendee_by_id(site, id).await?.ok_or(Error::NotFound(Entity::Attendee))
    }

    /// GetEnrollmentInfo: the meeting and every attendee of it (000015 when none).
    pub async fn enrollment_info(&self, caller: &Caller, r: &MeetingRef) -> Result<(Meeting, Vec<Attendee>)> {
        let m = self.managed_meeting(caller, r).await?;
        let all = self.store.attendees_of(caller.site.id, m.id).await?;
        if all.is_empty() {
            return Err(Error::NoRecords);
        }
        Ok((m, all))
    }
}
