//! The site is the tenant: every user, meeting and setting belongs to exactly one, and nothing
//! crosses sites.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{CommonSettings, TrackingCode, TrackingCodeDef};

pub type SiteId = i64;

#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: SiteId,
    /// The subdomain-like name clients send as `securityContext/siteName` (matched case-insensitively).
    pub name: String,
    /// The numeric `siteID` some clients send instead of the name.
    pub site_number: i64,
    pub settings: SiteSettings,
    pub created_at: DateTime<Utc>,
}

/// A meeting type the site offers (the XML API's `meetingTypeID`, a product-code prefix and limits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeetingTypeDef {
    pub id: u32,
    /// Product-code prefix: PRO, STD, ONS, TRS, SC3 ...
    pub code: String,
    pub display_name: String,
    /// `MeetingCenter`, `EventCenter`, `TrainingCenter` or `SupportCenter`.
    pub service: String,
    /// End-to-end encrypted: such a type cannot host a personal room (40.6.1).
    #[serde(default)]
    pub e2ee: bool,
    pub max_users: u32,
}

/// Per-site settings. Stored as one document so that a new setting needs no migration; every field
/// has a default so older documents keep loading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SiteSettings {
    pub brand_name: String,
    /// The site's time zone (XML API timeZoneID, 0..=61).
    pub time_zone_id: u16,
    pub language_id: u16,
    /// "All meetings, events and sessions must have a password" (drives 40.1.2 generated passwords).
    pub require_meeting_password: bool,
    /// "Confirmation required to change email" (40.4.0).
    pub require_email_change_confirmation: bool,
    /// Personal meeting rooms enabled on the site.
    pub pmr_enabled: bool,
    /// Advertised as `siteCommonOptions/SupportXMLAPIReturnScheduledPMR` (40.6.0).
    pub support_return_scheduled_pmr: bool,
    /// Most bodyContent elements one XML request may carry (40.4.4: 000053 beyond it).
    pub max_body_contents: u32,
    /// Bad passwords in a row that lock an account ...
    pub lockout_threshold: u32,
    /// ... for this many minutes.
    pub lockout_minutes: u32,
    /// Lifetime of a session ticket from AuthenticateUser, in seconds.
    pub session_ticket_ttl_secs: u32,
    /// Calls per minute one caller may make to GetUserCard / GetSessionInfo (40.4.5).
    pub usage_limit_per_minute: u32,
    /// REST API requests per minute one user may make (beyond it: 429 with Retry-After).
    pub rest_calls_per_minute: u32,
    pub min_password_length: u32,
    pub meeting_types: Vec<MeetingTypeDef>,
    /// Named User plan: a person named as host (or co-host, alternate host) who has no seat is
    /// given a free one instead of being refused. Off unless the site turns it on.
    pub license_auto_assign: bool,
    /// The tracking code (`trackingCode1` … `trackingCode10`) whose value names the person a
    /// booking was made for; empty: none (see docs/licensing.md).
    pub requester_tracking_code: String,
    /// Digits of a personal room's host PIN (4 to 9).
    pub host_pin_length: u32,
    /// The names of the site's tracking codes, by slot (the first names `trackingCode1`); a slot
    /// without a name is called `trackingCodeN` (REST `trackingCodes[].name`).
    pub tracking_code_names: Vec<String>,
    /// Refuse request elements an operation's schema does not know (FAILURE 000000 naming
    /// them), as the real service does; off by default, since legacy clients send oddities.
    pub strict_requests: bool,
    /// Where this site's webhooks may send: host names (`hooks.example.com`, or `*.example.com`
    /// for its subdomains) and networks of IP addresses (`10.0.0.0/8`, `::1/128`). Empty: no
    /// webhook may be created or delivered (see docs/webhooks.md).
    pub webhook_targets: Vec<String>,
    /// The settings of the tracking codes beyond their names (input mode, uses, options), by
    /// slot; a named slot without an entry is a free-text, optional code.
    pub tracking_codes: Vec<TrackingCodeDef>,
    /// The defaults and security options of the site's meetings (REST `commonSettings`).
    pub common: CommonSettings,
}

impl SiteSettings {
    /// The name of tracking-code slot `slot` (1 to 10).
    pub fn tracking_code_name(&self, slot: u8) -> String {
        self.tracking_code_names
            .get(usize::from(slot).wrapping_sub(1))
            .filter(|n| !n.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| format!("trackingCode{slot}"))
    }

    /// The tracking codes the site defines (a slot with a name or settings), by slot.
    pub fn defined_tracking_codes(&self) -> Vec<TrackingCode> {
        (1..=10u8).filter_map(|slot| self.defined_tracking_code(slot)).collect()
    }

    /// The tracking code of `slot`, when the site defines it (a name or settings).
    pub fn defined_tracking_code(&self, slot: u8) -> Option<TrackingCode> {
        let named =
            self.tracking_code_names.get(usize::from(slot).wrapping_sub(1)).is_some_and(|n| !n.trim().is_empty());
        let def = self.tracking_codes.iter().find(|d| d.slot == slot).cloned();
        if !named && def.is_none() {
            return None;
        }
        Some(TrackingCode {
            slot,
            name: self.tracking_code_name(slot),
            def: def.unwrap_or(TrackingCodeDef { slot, ..TrackingCodeDef::default() }),
        })
    }

    /// The slot a tracking code's name (or its `trackingCodeN` name) stands for.
    pub fn tracking_code_slot(&self, name: &str) -> Option<u8> {
        let name = name.trim();
        (1..=10u8).find(|i| {
            self.tracking_code_name(*i).eq_ignore_ascii_case(name)
                || format!("trackingCode{i}").eq_ignore_ascii_case(name)
        })
    }
}

impl Default for SiteSettings {
    fn default() -> Self {
        Self {
            brand_name: String::new(),
            time_zone_id: 20,
            language_id: 1,
            require_meeting_password: true,
            require_email_change_confirmation: false,
            pmr_enabled: true,
            support_return_scheduled_pmr: true,
            max_body_contents: 10,
            lockout_threshold: 5,
            lockout_minutes: 15,
            session_ticket_ttl_secs: 5400,
            usage_limit_per_minute: 60,
            rest_calls_per_minute: 600,
            min_password_length: 4,
            meeting_types: default_meeting_types(),
            license_auto_assign: false,
            requester_tracking_code: String::new(),
            host_pin_length: 4,
            tracking_code_names: Vec::new(),
            strict_requests: false,
            webhook_targets: Vec::new(),
            tracking_codes: Vec::new(),
            common: CommonSettings::default(),
        }
    }
}

/// The meeting types a new site gets: a Pro meeting, its end-to-end encrypted twin, and one type
/// for each of Event, Training and Support Center.
pub fn default_meeting_types() -> Vec<MeetingTypeDef> {
    let t = |id, code: &str, name: &str, service: &str, e2ee, max_users| MeetingTypeDef {
        id,
        code: code.into(),
        display_name: name.into(),
        service: service.into(),
        e2ee,
        max_users,
    };
    vec![
        t(214, "PRO", "Pro Meeting", "MeetingCenter", false, 1000),
        t(215, "PRO", "Pro Meeting (End-to-End Encryption)", "MeetingCenter", true, 200),
        t(216, "ONS", "Webex Events", "EventCenter", false, 3000),
        t(217, "TRS", "Training Session", "TrainingCenter", false, 1000),
        t(218, "SC3", "Support Session", "SupportCenter", false, 10),
    ]
}

impl SiteSettings {
    pub fn meeting_type(&self, id: u32) -> Option<&MeetingTypeDef> {
        self.meeting_types.iter().find(|t| t.id == id)
    }
}

/// What `create_site` needs.
#[derive(Debug, Clone)]
pub struct NewSite {
    pub name: String,
    pub site_number: Option<i64>,
    pub settings: SiteSettings,
}
