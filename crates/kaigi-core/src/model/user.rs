//! A person on a site: identity, privileges, state, personal room.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{MeetingPreferences, SiteId};

pub type UserId = i64;

/// The XML API's `privilege` block. Unknown privileges keep their default (false).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Privileges {
    pub host: bool,
    pub tele_conf_call_out: bool,
    pub tele_conf_call_out_international: bool,
    pub tele_conf_call_in: bool,
    pub tele_conf_toll_free_call_in: bool,
    pub site_admin: bool,
    pub voice_over_ip: bool,
    pub ro_site_admin: bool,
    pub lab_admin: bool,
    pub other_telephony: bool,
    pub tele_conf_call_in_international: bool,
    pub attendee_only: bool,
    pub recording_editor: bool,
    pub meeting_assist: bool,
    pub hq_video: bool,
    pub hd_video: bool,
    pub is_enable_cet: bool,
    pub is_enable_pmr: bool,
    /// The user-management administrator role (40.6.0): manages users, not the site.
    pub um_site_admin: bool,
}

impl Privileges {
    /// May create, change and deactivate other users.
    pub fn manages_users(&self) -> bool {
        self.site_admin || self.um_site_admin
    }

    /// May read every user and session on the site.
    pub fn reads_site(&self) -> bool {
        self.manages_users() || self.ro_site_admin
    }

    /// The privileges a new ordinary host gets when the request names none besides `host`.
    pub fn default_for_new_user() -> Self {
        Self {
            tele_conf_call_in: true,
            tele_conf_toll_free_call_in: true,
            voice_over_ip: true,
            hq_video: true,
            hd_video: true,
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActiveState {
    Activated,
    RequestToActivate,
    Deactivated,
}

impl ActiveState {
    pub fn wire(self) -> &'static str {
        match self {
            ActiveState::Activated => "ACTIVATED",
            ActiveState::RequestToActivate => "REQUEST_TO_ACTIVATE",
            ActiveState::Deactivated => "DEACTIVATED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "ACTIVATED" => Some(ActiveState::Activated),
            "REQUEST_TO_ACTIVATE" => Some(ActiveState::RequestToActivate),
            "DEACTIVATED" => Some(ActiveState::Deactivated),
            _ => None,
        }
    }
}

/// Contact details kept as given and returned as given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Profile {
    pub title: String,
    pub company: String,
    pub description: String,
    pub phone: String,
    pub mobile_phone: String,
    pub fax: String,
    pub address1: String,
    pub address2: String,
    pub city: String,
    pub state: String,
    pub zip_code: String,
    pub country: String,
}

/// A personal meeting room. Its meeting key and access code survive a deactivation or a disabled
/// PMR that is undone within a week (40.6.0); `released_at` marks when it was given up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalRoom {
    pub meeting_key: u64,
    pub host_pin: String,
    pub released_at: Option<DateTime<Utc>>,
}

/// An email change waiting for its confirmation link (40.4.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEmail {
    pub address: String,
    pub token_hash: String,
    pub requested_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub site_id: SiteId,
    pub webex_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// argon2id PHC string; None for a user who cannot sign in with a password.
    pub password_hash: Option<String>,
    pub privileges: Privileges,
    pub active: ActiveState,
    pub language_id: u16,
    pub time_zone_id: u16,
    /// webExIds of users who may schedule meetings on this user's behalf.
    pub scheduling_permission: Vec<String>,
    pub meeting_types: Vec<u32>,
    pub profile: Profile,
    pub personal_room: Option<PersonalRoom>,
    /// The options of the personal room, audio, video and scheduling (REST meetingPreferences).
    pub preferences: MeetingPreferences,
    pub pending_email: Option<PendingEmail>,
    pub failed_logins: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub registered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    /// A new, active user of `site` with the site's language, time zone and meeting types, and
    /// the privileges a new user gets; not stored yet (id 0).
    pub fn new_on_site(site: &crate::model::Site, webex_id: String, email: String, now: DateTime<Utc>) -> User {
        User {
            id: 0,
            site_id: site.id,
            webex_id,
            email,
            first_name: String::new(),
            last_name: String::new(),
            password_hash: None,
            privileges: Privileges::default_for_new_user(),
            active: ActiveState::Activated,
            language_id: site.settings.language_id,
            time_zone_id: site.settings.time_zone_id,
            scheduling_permission: Vec::new(),
            meeting_types: site.settings.meeting_types.iter().map(|t| t.id).collect(),
            profile: Profile::default(),
            personal_room: None,
            preferences: MeetingPreferences::default(),
            pending_email: None,
            failed_logins: 0,
            locked_until: None,
            registered_at: now,
            updated_at: now,
        }
    }

    pub fn is_active(&self) -> bool {
        self.active == ActiveState::Activated
    }

    pub fn display_name(&self) -> String {
        let name = format!("{} {}", self.first_name, self.last_name);
        let name = name.trim();
        if name.is_empty() {
            self.webex_id.clone()
        } else {
            name.to_string()
        }
    }

    /// Whether `webex_id` is on this user's scheduling-permission list.
    pub fn permits_scheduling_by(&self, webex_id: &str) -> bool {
        self.scheduling_permission.iter().any(|w| w.eq_ignore_ascii_case(webex_id))
    }
}

/// The privilege names as the XML API spells them, in the order GetUser returns them.
pub const PRIVILEGE_NAMES: [&str; 19] = [
    "host",
    "teleConfCallOut",
    "teleConfCallOutInternational",
    "teleConfCallIn",
    "teleConfTollFreeCallIn",
    "siteAdmin",
    "voiceOverIp",
    "roSiteAdmin",
    "labAdmin",
    "otherTelephony",
    "teleConfCallInInternational",
    "attendeeOnly",
    "recordingEditor",
    "meetingAssist",
    "HQvideo",
    "HDvideo",
    "isEnableCET",
    "isEnablePMR",
    "umSiteAdmin",
];

impl Privileges {
    fn slot(&mut self, name: &str) -> Option<&mut bool> {
        let i = PRIVILEGE_NAMES.iter().position(|n| n.eq_ignore_ascii_case(name))?;
        Some(match i {
            0 => &mut self.host,
            1 => &mut self.tele_conf_call_out,
            2 => &mut self.tele_conf_call_out_international,
            3 => &mut self.tele_conf_call_in,
            4 => &mut self.tele_conf_toll_free_call_in,
            5 => &mut self.site_admin,
            6 => &mut self.voice_over_ip,
            7 => &mut self.ro_site_admin,
            8 => &mut self.lab_admin,
            9 => &mut self.other_telephony,
            10 => &mut self.tele_conf_call_in_international,
            11 => &mut self.attendee_only,
            12 => &mut self.recording_editor,
            13 => &mut self.meeting_assist,
            14 => &mut self.hq_video,
            15 => &mut self.hd_video,
            16 => &mut self.is_enable_cet,
            17 => &mut self.is_enable_pmr,
            _ => &mut self.um_site_admin,
        })
    }

    /// Sets a privilege by its wire name (case-insensitive); false for an unknown name.
    pub fn set_by_name(&mut self, name: &str, value: bool) -> bool {
        match self.slot(name) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }

    /// (wire name, value) pairs in wire order.
    pub fn entries(&self) -> [(&'static str, bool); 19] {
        let n = PRIVILEGE_NAMES;
        [
            (n[0], self.host),
            (n[1], self.tele_conf_call_out),
            (n[2], self.tele_conf_call_out_international),
            (n[3], self.tele_conf_call_in),
            (n[4], self.tele_conf_toll_free_call_in),
            (n[5], self.site_admin),
            (n[6], self.voice_over_ip),
            (n[7], self.ro_site_admin),
            (n[8], self.lab_admin),
            (n[9], self.other_telephony),
            (n[10], self.tele_conf_call_in_international),
            (n[11], self.attendee_only),
            (n[12], self.recording_editor),
            (n[13], self.meeting_assist),
            (n[14], self.hq_video),
            (n[15], self.hd_video),
            (n[16], self.is_enable_cet),
            (n[17], self.is_enable_pmr),
            (n[18], self.um_site_admin),
        ]
    }

    /// Whether any administrator privilege is set.
    pub fn is_any_admin(&self) -> bool {
        self.site_admin || self.um_site_admin || self.ro_site_admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privileges_by_wire_name() {
        let mut p = Privileges::default();
        for (i, name) in PRIVILEGE_NAMES.iter().enumerate() {
            let mut one = Privileges::default();
            assert!(one.set_by_name(name, true));
            let set: Vec<usize> = one.entries().iter().enumerate().filter(|(_, (_, v))| *v).map(|(j, _)| j).collect();
            assert_eq!(set, [i], "{name} sets its own slot and only it");
        }
        assert!(p.set_by_name("UMSITEADMIN", true));
        assert!(p.set_by_name("HQvideo", true));
        assert!(!p.set_by_name("flyPlanes", true));
        assert!(p.um_site_admin && p.hq_video);
        let entries = p.entries();
        assert_eq!(entries.len(), PRIVILEGE_NAMES.len());
        assert!(entries.contains(&("umSiteAdmin", true)));
        assert!(entries.contains(&("host", false)));
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::model::Caller;
    use crate::model::Principal;
    use crate::model::Site;
    use crate::model::SiteSettings;
    use crate::model::User;
    use chrono::DateTime;

    /// A user for tests that need one: the operator of a throw-away site.
    pub(crate) fn sample_user() -> User {
        let site = Site {
            id: 1,
            name: "t".into(),
            site_number: 10000,
            settings: SiteSettings::default(),
            created_at: DateTime::from_timestamp(0, 0).unwrap(),
        };
        match Caller::operator(site).principal {
            Principal::User(u) => *u,
            _ => unreachable!(),
        }
    }
}
