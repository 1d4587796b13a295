//! A series' registration form and its registrants in bulk (REST `/meetings/{meetingId}/registration`,
//! `/registrants/bulkInsert` and `/bulkDelete`). The form is the meeting's registration options and
//! required fields, the ones the XML API's SetMeeting changes; changes go through
//! [`Kaigi::set_meeting`], so the `meetings updated` change is recorded as for any other.

use crate::error::{Duplicate, Error, Field, Result};
use crate::model::{
    Attendee, AttendeeId, AttendeeOptionsChange, Caller, JoinStatus, Meeting, MeetingFields, MeetingRef,
    RegistrantRequest, RegistrationChange,
};
use crate::rules::limits::MAX_BULK;
use crate::rules::schedule::REST_KINDS;
use crate::Kaigi;

fn registration_off() -> Error {
    Error::invalid(Field::Registration, "Registration is not supported for this meeting series.")
}

impl Kaigi {
    /// The series with its registration form; refused when registration is off.
    pub async fn registration_of(&self, caller: &Caller, series: &str) -> Result<Meeting> {
        let m = self.readable_series(caller, series).await?;
        if !m.attendee_options.registration {
            return Err(registration_off());
        }
        Ok(m)
    }

    /// Turns registration on (if it was off) and changes what `change` names of the form.
    pub async fn set_registration(
        &self,
        caller: &Caller,
        series: &str,
        change: &RegistrationChange,
    ) -> Result<Meeting> {
        self.managed_series(caller, series).await?;
        let f = MeetingFields {
            attendee_options: AttendeeOptionsChange {
                registration: Some(true),
                auto: change.auto_accept,
                participant_limit: change.max_registrations,
                ..AttendeeOptionsChange::default()
            },
            registration_form: Some(change.form.clone()),
            ..MeetingFields::default()
        };
        self.set_meeting(caller, &MeetingRef::Uuid(series.to_string()), &REST_KINDS, &f).await
    }

    /// Turns registration off; the form's fields are kept for when it is turned on again.
    /// Registrants stay (the XML API lists them still).
    pub async fn clear_registration(&self, caller: &Caller, series: &str) -> Result<Meeting> {
        let m = self.managed_series(caller, series).await?;
        if !m.attendee_options.registration {
            return Ok(m);
        }
        let f = MeetingFields {
            attendee_options: AttendeeOptionsChange { registration: Some(false), ..AttendeeOptionsChange::default() },
            ..MeetingFields::default()
        };
        self.set_meeting(caller, &MeetingRef::Uuid(series.to_string()), &REST_KINDS, &f).await
    }

    /// Registers several people at once, for someone who manages the series: all are checked
    /// (names and email given, nobody registered already or twice in the list) before any is.
    pub async fn register_many(
        &self,
        caller: &Caller,
        series: &str,
        people: &[RegistrantRequest],
    ) -> Result<Vec<Attendee>> {
        if people.is_empty() || people.len() > MAX_BULK {
            return Err(Error::invalid(Field::People, format!("list 1 to {MAX_BULK} registrants")));
        }
        let m = self.managed_series(caller, series).await?;
        if !m.attendee_options.registration {
            return Err(registration_off());
        }
        let existing = self.store.attendees_of(caller.site.id, m.id).await?;
        let mut seen: Vec<String> = existing
            .iter()
            .filter(|a| matches!(a.join_status, JoinStatus::Register | JoinStatus::Reject))
            .map(|a| a.email.to_lowercase())
            .collect();
        for r in people {
            for (field, v) in
                [(Field::FirstName, &r.first_name), (Field::LastName, &r.last_name), (Field::Email, &r.email)]
            {
                if v.trim().is_empty() {
                    return Err(Error::invalid(field, format!("{field} is required")));
                }
            }
            let email = r.email.trim().to_lowercase();
            if seen.contains(&email) {
                return Err(Error::Duplicate(Duplicate::Registrant));
            }
            seen.push(email);
        }
        let mut out = Vec::with_capacity(people.len());
        for r in people {
            out.push(self.register(caller, series, r).await?);
        }
        Ok(out)
    }

    /// Removes several registrants of a series: every id is checked before any is removed.
    pub async fn remove_registrants(
        &self,
        caller: &Caller,
        series: &str,
        ids: &[AttendeeId],
        send_email: bool,
    ) -> Result<()> {
        if ids.is_empty() || ids.len() > MAX_BULK {
            return Err(Error::invalid(Field::People, format!("list 1 to {MAX_BULK} registrants")));
        }
        self.managed_series(caller, series).await?;
        for id in ids {
            self.series_attendee(caller, series, *id, true).await?;
        }
        for id in ids {
            self.remove_series_attendee(caller, series, *id, true, send_email).await?;
        }
        Ok(())
    }
}
