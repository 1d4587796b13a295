//! The general session service's lookups: GetSessionInfo by key, meetingUUID, personal-room URL,
//! SIP address or meeting link, with the anonymous subset and the per-caller usage limit.

use crate::error::{Entity, Error, Result};
use crate::model::{Caller, ListStatus, SessionKind, SessionLookup, SessionStatus, SessionView, User};
use crate::rules::links::{last_segment, mtid_uuid};
use crate::Kaigi;

impl Kaigi {
    async fn personal_room_owner(&self, caller: &Caller, webex_id: &str) -> Result<User> {
        let user = self
            .store
            .user_by_webex_id(caller.site.id, webex_id)
            .await?
            .filter(|u| u.personal_room.as_ref().is_some_and(|r| r.released_at.is_none()))
            .ok_or(Error::NotFound(Entity::Meeting))?;
        Ok(user)
    }

    /// GetSessionInfo. Anyone may ask, even anonymously, within the site's usage limit; what is
    /// password-gated needs the password, or a caller who is host, invitee or administrator.
    pub async fn session_info(
        &self,
        caller: &Caller,
        lookup: &SessionLookup,
        password: Option<&str>,
    ) -> Result<SessionView> {
        let limit = caller.site.settings.usage_limit_per_minute;
        if !self.within_usage(&caller.usage_key(), "GetSessionInfo", limit).await? {
            return Err(Error::UsageLimited);
        }
        let site = &caller.site;
        let meeting = match lookup {
            SessionLookup::Key(k) => self.store.meeting_by_key(site.id, *k).await?,
            SessionLookup::Uuid(u) => self.store.meeting_by_uuid(site.id, u.trim()).await?,
            SessionLookup::MeetingLink(link) => match mtid_uuid(link) {
                Some(u) => self.store.meeting_by_uuid(site.id, &u).await?,
                None => None,
            },
            SessionLookup::PmrUrl(url) => {
                let owner = self.personal_room_owner(caller, last_segment(url)).await?;
                return Ok(self.personal_room_view(caller, owner));
            }
            SessionLookup::SipUrl(sip) => {
                let local = sip.trim().trim_start_matches("sip:").split('@').next().unwrap_or("");
                let key_part = local.split('_').next().unwrap_or("");
                if !key_part.is_empty() && key_part.chars().all(|c| c.is_ascii_digit()) {
                    let key: u64 = key_part.parse().map_err(|_| Error::NotFound(Entity::Meeting))?;
                    self.store.meeting_by_key(site.id, key).await?
                } else {
                    let owner = self.personal_room_owner(caller, local).await?;
                    return Ok(self.personal_room_view(caller, owner));
                }
            }
        };
        let m = meeting.ok_or(Error::NotFound(Entity::Meeting))?;
        let host = self.store.user_by_id(site.id, m.host_id).await?.ok_or(Error::NotFound(Entity::User))?;
        let host_view = Self::may_manage(caller, &m);
        let invited = caller.user().is_some_and(|u| m.invitees.iter().any(|i| i.email.eq_ignore_ascii_case(&u.email)));
        let admin = caller.user().is_some_and(|u| u.privileges.reads_site());
        let password_ok = match (&m.password, password) {
            (None, _) => true,
            (Some(p), Some(given)) => p == given.trim(),
            (Some(_), None) => false,
        };
        Ok(SessionView {
            key: m.meeting_key,
            uuid: m.uuid.clone(),
            conf_id: m.conf_id,
            name: m.name.clone(),
            kind: m.kind,
            meeting_type: m.meeting_type,
            start: m.start,
            duration_minutes: m.duration_minutes,
            time_zone_id: m.time_zone_id,
            status: m.status,
            list_status: m.list_status,
            password: m.password.clone(),
            registration: m.attendee_options.registration,
            is_recurring: m.repeat.is_recurring(),
            full: host_view || invited || admin || password_ok,
            host_view,
            host,
            meeting: Some(m),
        })
    }

    /// A personal room has no password of its own in kaigi: everything is shown.
    fn personal_room_view(&self, caller: &Caller, owner: User) -> SessionView {
        let links = self.personal_room_links(&caller.site, &owner);
        let key = owner.personal_room.as_ref().map(|r| r.meeting_key).unwrap_or(0);
        let is_owner = caller.user().is_some_and(|u| u.id == owner.id);
        let admin = caller.user().is_some_and(|u| u.privileges.reads_site());
        SessionView {
            meeting: None,
            key,
            uuid: String::new(),
            conf_id: key,
            name: links.map(|l| l.title).unwrap_or_default(),
            kind: SessionKind::Meeting,
            meeting_type: owner.meeting_types.first().copied().unwrap_or(0),
            start: self.now(),
            duration_minutes: 60,
            time_zone_id: owner.time_zone_id,
            status: SessionStatus::NotInProgress,
            list_status: ListStatus::Public,
            password: None,
            registration: false,
            is_recurring: false,
            full: true,
            host_view: is_owner || admin,
            host: owner,
        }
    }
}

impl Kaigi {
    /// Sessions running now on every site, and the people in them (for the operators' metrics).
    pub async fn live_activity(&self) -> Result<(u64, u64)> {
        Ok(self.store.live_counts().await?)
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::links::last_segment;
    use crate::rules::links::mtid_uuid;

    #[test]
    fn links_and_urls_name_their_session() {
        assert_eq!(last_segment("https://x.example/acme/meet/alice/"), "alice");
        assert_eq!(last_segment("https://x.example/acme/meet/alice?x=1"), "alice");
        let uuid = "039c00dd25c64ab0812dda22bb8a4fcc";
        assert_eq!(mtid_uuid(&format!("https://x/acme/j.php?MTID=m{uuid}")), Some(uuid.to_string()));
        assert_eq!(
            mtid_uuid(&format!("https://x/acme/j.php?a=b&mtid=m{}", uuid.to_uppercase())),
            Some(uuid.to_string())
        );
        assert_eq!(mtid_uuid("https://x/acme/j.php?MTID=mshort"), None);
    }
}
