//! Giving meeting series to a new host (REST `POST /meetings/reassignHost`): a site
//! administrator's batch, each series changed through [`Kaigi::set_meeting`]'s host change, so the
//! licence question, the licence log and the `meetings updated` change are those of SetMeeting.

use crate::error::{Error, Field, Result, ScheduleError};
use crate::model::{is_series_id, Caller, MeetingFields, MeetingRef, SessionStatus};
use crate::rules::limits::MAX_BULK;
use crate::rules::schedule::REST_KINDS;
use crate::Kaigi;

/// What became of one series of a reassignment.
pub type Reassigned = (String, Result<()>);

impl Kaigi {
    /// Gives each series of `series` to the user `host_email` names. The request as a whole is
    /// refused when the caller is no site administrator, when the address names no user of the
    /// site, or when the licence question says the person may not host; otherwise each series
    /// answers on its own (not found, in progress, not a series id).
    pub async fn reassign_host(&self, caller: &Caller, host_email: &str, series: &[String]) -> Result<Vec<Reassigned>> {
        let me = caller.require_user()?;
        if !me.privileges.site_admin {
            return Err(Error::AccessDenied);
        }
        if series.is_empty() || series.len() > MAX_BULK {
            return Err(Error::invalid(
                Field::MeetingId,
                format!("meetingIds must list 1 to {MAX_BULK} meeting series"),
            ));
        }
        let email = host_email.trim();
        if email.is_empty() {
            return Err(Error::invalid(Field::Email, "hostEmail is required"));
        }
        let host = self
            .store
            .user_by_email(caller.site.id, email)
            .await?
            .filter(|u| u.is_active())
            .ok_or(Error::Schedule(ScheduleError::UnknownHost))?;
        let change = MeetingFields { host_webex_id: Some(host.webex_id.clone()), ..MeetingFields::default() };
        let mut out = Vec::with_capacity(series.len());
        for id in series {
            let id = id.trim().to_string();
            let done = self.reassign_one(caller, &id, &change).await;
            // The licence question is about the person, not the meeting: a refusal refuses all.
            if let Err(e @ Error::License(_)) = done {
                return Err(e);
            }
            out.push((id, done));
        }
        Ok(out)
    }

    async fn reassign_one(&self, caller: &Caller, id: &str, change: &MeetingFields) -> Result<()> {
        if !is_series_id(id) {
            return Err(Error::invalid(Field::MeetingId, format!("Meeting ID '{id}' is not allowed for this API.")));
        }
        let r = MeetingRef::Uuid(id.to_string());
        let (m, _) = self.get_meeting(caller, &r, &REST_KINDS).await?;
        if m.status == SessionStatus::InProgress {
            return Err(Error::Schedule(ScheduleError::InProgress));
        }
        self.set_meeting(caller, &r, &REST_KINDS, change).await.map(|_| ())
    }
}
