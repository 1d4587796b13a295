//! A user's meeting preferences (the REST API's `/v1/meetingPreferences`): the options of their
//! personal room, audio, video systems and scheduling. They are part of the user, so both faces
//! show one model: the personal room's key, host PIN and topic are what the XML API's GetUser
//! shows, and the scheduling delegates are the XML API's scheduling permission.

use super::users::store_conflict;
use crate::error::{ConflictOn, Entity, Error, Field, Result, StoreError};
use crate::model::{
    AudioChange, AudioType, LicenseAction, Person, PersonRef, PreferenceAccess, PreferencesWrite, RoomChange,
    RoomIdChoice, RoomIdRefresh, RoomOptions, RoomView, SchedulingChange, SeatChange, Site, TokenCaller, User,
    VideoDevice,
};
use crate::rules::licence::holds_seat;
use crate::rules::limits::{
    AUTO_LOCK_MINUTES, JOIN_BEFORE_HOST_MINUTES, MAX_CO_HOSTS, MAX_DELEGATES, MAX_PREFERENCE_TEXT, MAX_ROOM_ID_REFRESH,
};
use crate::rules::scopes::{self, Operation};
use crate::rules::validate::preferences::{
    check_audio_pin, check_choice, check_host_pin, check_phone, check_room_id, check_text, check_topic, check_video,
    email_list, host_pin_length, required,
};
use crate::Kaigi;

impl Kaigi {
    /// Whose preferences a request reads or changes: the caller's own, or, with `userEmail` and an
    /// administrator's preferences scope, those of another user of the same site.
    pub async fn preferences_owner(
        &self,
        who: &TokenCaller,
        user_email: Option<&str>,
        access: PreferenceAccess,
    ) -> Result<User> {
        let op = match access {
            PreferenceAccess::Read => Operation::ReadPreferences,
            PreferenceAccess::Write => Operation::WritePreferences,
        };
        scopes::require(who, op)?;
        let site = who.caller.site.id;
        let me = who.user();
        let email = user_email.map(str::trim).filter(|e| !e.is_empty());
        match email {
            Some(e) if !e.eq_ignore_ascii_case(&me.email) => {
                if !scopes::for_others(who, op) {
                    return Err(Error::OthersPreferences);
                }
                self.store.user_by_email(site, e).await?.ok_or(Error::OthersPreferences)
            }
            // Fresh from the store: the token's copy may be older than a change just made.
            _ => self.store.user_by_id(site, me.id).await?.ok_or(Error::NotFound(Entity::User)),
        }
    }

    /// The personal room of `user` with its options and co-hosts; NotFound when they have none.
    pub async fn room_preferences(&self, site: &Site, user: &User) -> Result<RoomView> {
        let links = self.personal_room_links(site, user).ok_or(Error::NotFound(Entity::PersonalRoom))?;
        let options = user.preferences.room.clone();
        let mut co_hosts = Vec::with_capacity(options.co_hosts.len());
        for id in &options.co_hosts {
            if let Some(u) = self.store.user_by_id(site.id, *id).await? {
                co_hosts.push(u);
            }
        }
        Ok(RoomView { links, options, co_hosts })
    }

    /// Changes the personal room of `owner`. Every co-host must be a user of the site; one newly
    /// named is a licence question (as a co-host of a meeting is): when it is refused they are
    /// left out, as a meeting keeps such a person a plain invitee.
    pub async fn update_room_preferences(&self, site: &Site, owner: User, change: &RoomChange) -> Result<RoomView> {
        let user = owner;
        let Some(room) = user.personal_room.as_ref().filter(|r| r.released_at.is_none()) else {
            return Err(Error::NotFound(Entity::PersonalRoom));
        };
        let room_key = room.meeting_key;
        let topic = check_topic(&required(Field::Topic, change.topic.clone())?)?;
        let pin = required(Field::HostPin, change.host_pin.clone())?.trim().to_string();
        let auto_lock = required(Field::AutoLock, change.auto_lock)?;
        let minutes = check_choice(
            Field::AutoLockMinutes,
            required(Field::AutoLockMinutes, change.auto_lock_minutes)?,
            &AUTO_LOCK_MINUTES,
        )?;
        let notify_host = required(Field::NotifyHost, change.notify_host)?;
        let support_co_host = required(Field::SupportCoHost, change.support_co_host)?;
        let named = required(Field::CoHosts, change.co_hosts.clone())?;
        check_host_pin(&pin, host_pin_length(site))?;
        if named.len() > MAX_CO_HOSTS {
            return Err(Error::invalid(Field::CoHosts, format!("At most {MAX_CO_HOSTS} coHosts.")));
        }
        let mut co_hosts: Vec<User> = Vec::with_capacity(named.len());
        for c in &named {
            let email = c.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
            let email = email.ok_or_else(|| Error::invalid(Field::CoHosts, "Each of the coHosts needs an email."))?;
            let co = self.store.user_by_email(site.id, email).await?.ok_or_else(|| {
                Error::invalid(Field::CoHosts, format!("coHosts: {email} is not a user of this site."))
            })?;
            if co.id == user.id {
                return Err(Error::invalid(Field::CoHosts, "coHosts cannot name the owner of the personal room."));
            }
            if !co_hosts.iter().any(|u| u.id == co.id) {
                co_hosts.push(co);
            }
        }
        let before = user.preferences.room.co_hosts.clone();
        let mut kept = Vec::with_capacity(co_hosts.len());
        let mut decisions = Vec::new();
        for co in co_hosts {
            if before.contains(&co.id) {
                kept.push(co);
                continue;
            }
            let asked = self.ask_licence(site, LicenseAction::Cohost, Person::User(&co)).await?;
            let refused = asked.refused();
            let mut decision = asked.decision;
            decision.meeting_key = Some(room_key);
            decision.booking_name = topic.clone();
            decisions.push(decision);
            if !refused {
                kept.push(asked.updated_user.unwrap_or(co));
            }
        }
        self.record_licence_decisions(&decisions).await?;
        let previous = &user.preferences.room;
        let room = RoomOptions {
            topic: Some(topic),
            auto_lock,
            auto_lock_minutes: minutes,
            notify_host,
            support_co_host,
            anyone_as_co_host: change.anyone_as_co_host.unwrap_or(previous.anyone_as_co_host),
            first_user_as_co_host: change.first_user_as_co_host.unwrap_or(previous.first_user_as_co_host),
            authenticated_devices: change.authenticated_devices.unwrap_or(previous.authenticated_devices),
            co_hosts: kept.iter().map(|u| u.id).collect(),
        };
        let write = PreferencesWrite { room: Some(room), host_pin: Some(pin), ..PreferencesWrite::at(self.now()) };
        let user = self.save_preferences(&user, &write).await?;
        self.room_preferences(site, &user).await
    }

    /// Changes the audio options of `owner`; what the change leaves out stays.
    pub async fn update_audio_preferences(&self, owner: User, change: &AudioChange) -> Result<User> {
        let user = owner;
        let mut audio = user.preferences.audio.clone();
        if let Some(t) = &change.default_audio_type {
            audio.default_audio_type = AudioType::parse(t).ok_or_else(|| {
                let names: Vec<&str> = AudioType::ALL.iter().map(|t| t.wire()).collect();
                Error::invalid(
                    Field::DefaultAudioType,
                    format!("defaultAudioType must be one of {}.", names.join(", ")),
                )
            })?;
        }
        if let Some(d) = &change.other_teleconference_description {
            audio.other_teleconference_description = check_text(Field::OtherTeleconference, d, MAX_PREFERENCE_TEXT)?;
        }
        if let Some(pin) = &change.audio_pin {
            let pin = pin.trim();
            if pin.is_empty() {
                audio.audio_pin = None;
            } else {
                check_audio_pin(pin)?;
                audio.audio_pin = Some(pin.to_string());
            }
        }
        if let Some(p) = &change.office {
            audio.office = check_phone(Field::OfficeNumber, &p.over(&audio.office))?;
        }
        if let Some(p) = &change.mobile {
            audio.mobile = check_phone(Field::MobileNumber, &p.over(&audio.mobile))?;
        }
        audio.global_call_in = change.global_call_in.unwrap_or(audio.global_call_in);
        audio.toll_free = change.toll_free.unwrap_or(audio.toll_free);
        audio.auto_connection = change.auto_connection.unwrap_or(audio.auto_connection);
        let write = PreferencesWrite { audio: Some(audio), ..PreferencesWrite::at(self.now()) };
        self.save_preferences(&user, &write).await
    }

    /// Replaces the video systems of `owner`.
    pub async fn update_video_preferences(&self, owner: User, devices: Option<&[VideoDevice]>) -> Result<User> {
        let video = check_video(required(Field::VideoDevices, devices)?)?;
        let write = PreferencesWrite { video: Some(video), ..PreferencesWrite::at(self.now()) };
        self.save_preferences(&owner, &write).await
    }

    /// The emails of the people who may schedule for `user` (their scheduling permission).
    pub async fn delegate_emails(&self, site: &Site, user: &User) -> Result<Vec<String>> {
        let mut out = Vec::with_capacity(user.scheduling_permission.len());
        for webex_id in &user.scheduling_permission {
            if let Some(u) = self.store.user_by_webex_id(site.id, webex_id).await? {
                out.push(u.email);
            }
        }
        Ok(out)
    }

    /// Changes the scheduling options of `owner`; the delegates become their scheduling
    /// permission (each must be another user of the site).
    pub async fn update_scheduling_preferences(
        &self,
        site: &Site,
        owner: User,
        change: &SchedulingChange,
    ) -> Result<User> {
        let user = owner;
        let mut s = user.preferences.scheduling.clone();
        if let Some(m) = change.join_before_host_minutes {
            s.join_before_host_minutes = check_choice(Field::JoinBeforeHostMinutes, m, &JOIN_BEFORE_HOST_MINUTES)?;
        }
        s.join_before_host = change.join_before_host.unwrap_or(s.join_before_host);
        s.auto_share_recording = change.auto_share_recording.unwrap_or(s.auto_share_recording);
        s.webex_assistant = change.webex_assistant.unwrap_or(s.webex_assistant);
        let mut write = PreferencesWrite { scheduling: Some(s), ..PreferencesWrite::at(self.now()) };
        if let Some(emails) = &change.delegate_emails {
            if emails.len() > MAX_DELEGATES {
                return Err(Error::invalid(Field::DelegateEmails, format!("At most {MAX_DELEGATES} delegateEmails.")));
            }
            let named: Vec<String> =
                emails.iter().map(|e| e.trim()).filter(|e| !e.is_empty()).map(String::from).collect();
            let mut ids: Vec<String> = Vec::with_capacity(named.len());
            for d in self.delegate_users(site, &user, &named, Field::DelegateEmails).await? {
                if !ids.iter().any(|w| w.eq_ignore_ascii_case(&d.webex_id)) {
                    ids.push(d.webex_id);
                }
            }
            write.scheduling_permission = Some(ids);
        }
        self.save_preferences(&user, &write).await
    }

    /// The users `emails` name as delegates of `owner`: each another user of the site. `field`
    /// is the request's name for the list.
    async fn delegate_users(&self, site: &Site, owner: &User, emails: &[String], field: Field) -> Result<Vec<User>> {
        let mut out = Vec::with_capacity(emails.len());
        for e in emails {
            let d =
                self.store.user_by_email(site.id, e).await?.ok_or_else(|| {
                    Error::invalid(field, format!("{}: {e} is not a user of this site.", field.name()))
                })?;
            if d.id == owner.id {
                return Err(Error::invalid(field, format!("{} cannot name the user themselves.", field.name())));
            }
            out.push(d);
        }
        Ok(out)
    }

    /// Adds scheduling delegates to those of `owner` (`…/delegateEmails/insert`); answers the
    /// addresses added, as the users' own. Delegates already on the list stay once.
    pub async fn insert_delegates(&self, site: &Site, owner: User, emails: &[String]) -> Result<Vec<String>> {
        let named = email_list(emails);
        if named.is_empty() {
            return Err(Error::invalid(Field::Emails, "Name at least one delegate in emails."));
        }
        let added = self.delegate_users(site, &owner, &named, Field::Emails).await?;
        let mut ids = owner.scheduling_permission.clone();
        let mut answered: Vec<String> = Vec::with_capacity(added.len());
        for d in added {
            if !ids.iter().any(|w| w.eq_ignore_ascii_case(&d.webex_id)) {
                ids.push(d.webex_id.clone());
            }
            if !answered.iter().any(|a| a.eq_ignore_ascii_case(&d.email)) {
                answered.push(d.email);
            }
        }
        if ids.len() > MAX_DELEGATES {
            return Err(Error::invalid(
                Field::Emails,
                format!("At most {MAX_DELEGATES} delegates: this would make {}.", ids.len()),
            ));
        }
        let write = PreferencesWrite { scheduling_permission: Some(ids), ..PreferencesWrite::at(self.now()) };
        self.save_preferences(&owner, &write).await?;
        Ok(answered)
    }

    /// Takes scheduling delegates off the list of `owner` (`…/delegateEmails/delete`); an
    /// address that names no delegate changes nothing.
    pub async fn delete_delegates(&self, site: &Site, owner: User, emails: &[String]) -> Result<User> {
        let named = email_list(emails);
        if named.is_empty() {
            return Err(Error::invalid(Field::Emails, "Name at least one delegate in emails."));
        }
        let mut gone: Vec<String> = Vec::with_capacity(named.len());
        for e in &named {
            if let Some(u) = self.store.user_by_email(site.id, e).await? {
                gone.push(u.webex_id);
            }
        }
        let ids: Vec<String> = owner
            .scheduling_permission
            .iter()
            .filter(|w| !gone.iter().any(|g| g.eq_ignore_ascii_case(w)))
            .cloned()
            .collect();
        let write = PreferencesWrite { scheduling_permission: Some(ids), ..PreferencesWrite::at(self.now()) };
        self.save_preferences(&owner, &write).await
    }

    /// Gives people of the caller's site new personal room ids (the access code a room is joined
    /// with): drawn like any new room's, or the one given, which must be a meeting number no
    /// meeting or room of the site ever had. Every item is checked before any room changes.
    pub async fn refresh_room_ids(&self, who: &TokenCaller, items: &[RoomIdRefresh]) -> Result<Vec<User>> {
        scopes::require(who, Operation::RefreshRoomIds)?;
        let site = &who.caller.site;
        if items.is_empty() || items.len() > MAX_ROOM_ID_REFRESH {
            return Err(Error::invalid(
                Field::PersonalRoomId,
                format!("Name 1 to {MAX_ROOM_ID_REFRESH} people in personalMeetingRoomIds."),
            ));
        }
        let mut plan: Vec<(User, Option<u64>)> = Vec::with_capacity(items.len());
        for item in items {
            let found = match &item.person {
                PersonRef::Id(id) => self.store.user_by_id(site.id, *id).await?,
                PersonRef::Email(e) => self.store.user_by_email(site.id, e.trim()).await?,
            };
            let user = found.ok_or(Error::NotFound(Entity::User))?;
            if self.personal_room_links(site, &user).is_none() {
                return Err(Error::NotFound(Entity::PersonalRoom));
            }
            if plan.iter().any(|(u, _)| u.id == user.id) {
                return Err(Error::invalid(
                    Field::PersonalRoomId,
                    format!("Each person once: {} is named twice.", user.email),
                ));
            }
            let key = match &item.choice {
                RoomIdChoice::Generated => None,
                RoomIdChoice::Given(id) => Some(check_room_id(id)?),
            };
            if key.is_some() && plan.iter().any(|(_, k)| *k == key) {
                return Err(Error::invalid(
                    Field::PersonalRoomId,
                    "Each personalMeetingRoomId once: two people named the same.",
                ));
            }
            plan.push((user, key));
        }
        let now = self.now();
        let mut out = Vec::with_capacity(plan.len());
        for (mut user, key) in plan {
            let key = match key {
                None => self.allocate_meeting_key(site).await?,
                Some(k) if self.store.reserve_meeting_key(k, site.id, now).await? => k,
                Some(_) => return Err(Error::Store(StoreError::Conflict(ConflictOn::MeetingKey))),
            };
            if let Some(room) = user.personal_room.as_mut() {
                room.meeting_key = key;
            }
            user.updated_at = now;
            let seat = holds_seat(user.privileges.host, user.is_active());
            let unchanged = SeatChange { before: seat, after: seat, limit: None };
            self.store.update_user(&user, unchanged, &[]).await.map_err(store_conflict)?;
            out.push(user);
        }
        Ok(out)
    }

    /// Writes the preferences alone: `owner` may be a cached copy, and the rest of the user
    /// (active, password, privileges, lockout) may have changed since it was read.
    pub(super) async fn save_preferences(&self, owner: &User, write: &PreferencesWrite) -> Result<User> {
        match self.store.update_user_preferences(owner.site_id, owner.id, write).await {
            Ok(user) => Ok(user),
            Err(crate::error::StoreError::Missing) => Err(Error::NotFound(Entity::User)),
            Err(e) => Err(Error::Store(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::error::Field;
    use crate::model::AudioType;
    use crate::model::MeetingPreferences;
    use crate::model::VideoDevice;
    use crate::rules::limits::AUTO_LOCK_MINUTES;
    use crate::rules::limits::JOIN_BEFORE_HOST_MINUTES;
    use crate::rules::limits::MAX_TOPIC;
    use crate::rules::limits::MAX_VIDEO_DEVICES;
    use crate::rules::validate::preferences::check_audio_pin;
    use crate::rules::validate::preferences::check_choice;
    use crate::rules::validate::preferences::check_host_pin;
    use crate::rules::validate::preferences::check_topic;
    use crate::rules::validate::preferences::check_video;

    #[test]
    fn host_pins_follow_the_site_length_without_runs_or_repeats() {
        for good in ["4325", "1357", "0912", "9870"] {
            assert!(check_host_pin(good, 4).is_ok(), "{good}");
        }
        for bad in ["1234", "4321", "0123", "6789", "9876", "1111", "0000", "123", "12345", "12a4", " 432", ""] {
            assert!(check_host_pin(bad, 4).is_err(), "{bad}");
        }
        assert!(check_host_pin("43251", 5).is_ok());
        assert!(check_host_pin("4325", 5).is_err(), "a site asking five digits refuses four");
        assert!(check_host_pin("56789", 5).is_err());
        assert!(check_host_pin("77777", 5).is_err());
        let err = check_host_pin("1111", 4).unwrap_err().to_string();
        assert!(err.contains("hostPin"), "{err}");
    }

    #[test]
    fn audio_pins_are_four_digits_by_the_same_rules() {
        assert!(check_audio_pin("1314").is_ok());
        for bad in ["131", "13145", "1234", "3210", "2222", "abcd"] {
            assert!(check_audio_pin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn video_systems_need_one_default() {
        let d = |name: &str, address: &str, is_default| VideoDevice {
            name: name.into(),
            address: address.into(),
            is_default,
        };
        assert!(check_video(&[]).is_ok());
        assert!(check_video(&[d("room", "room@example.com", true)]).is_ok());
        assert!(check_video(&[d("room", "room@example.com", false)]).is_err());
        assert!(check_video(&[d("a", "a@example.com", true), d("b", "b@example.com", true)]).is_err());
        assert!(check_video(&[d("", "a@example.com", true)]).is_err());
        assert!(check_video(&[d("a", "not-an-address", true)]).is_err());
        let many: Vec<VideoDevice> = (0..=MAX_VIDEO_DEVICES).map(|i| d("x", "x@example.com", i == 0)).collect();
        assert!(check_video(&many).is_err());
    }

    #[test]
    fn choices_and_topics_are_bounded() {
        assert!(check_choice(Field::AutoLockMinutes, 20, &AUTO_LOCK_MINUTES).is_ok());
        assert!(check_choice(Field::AutoLockMinutes, 7, &AUTO_LOCK_MINUTES).is_err());
        assert!(check_choice(Field::JoinBeforeHostMinutes, 20, &JOIN_BEFORE_HOST_MINUTES).is_err());
        assert!(check_topic("  ").is_err());
        assert_eq!(check_topic(" Team room ").unwrap(), "Team room");
        assert!(check_topic(&"x".repeat(MAX_TOPIC)).is_ok());
        assert!(check_topic(&"x".repeat(MAX_TOPIC + 1)).is_err());
    }

    #[test]
    fn stored_preferences_load_with_defaults_for_what_is_missing() {
        let p: MeetingPreferences = serde_json::from_str(r#"{"room":{"topic":"T"}}"#).unwrap();
        assert_eq!(p.room.topic.as_deref(), Some("T"));
        assert_eq!(p.audio.default_audio_type, AudioType::WebexAudio);
        let back: MeetingPreferences = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }
}
