//! The site service (`ns1:` on the wire): GetSite and LstTimeZone.

use kaigi_core::model::{language, EntryExitTone, TelephonySupport, TrackingInput, TrackingService, TrackingUse};
use kaigi_core::rules::timezone;
use kaigi_core::rules::timezone::TimeZoneInfo;

use crate::codes::Failure;
use crate::values::{opt_gmt, parse_num};
use crate::writer::BodyWriter;
use crate::Ctx;

fn service_label(service: &str) -> &'static str {
    match service {
        "EventCenter" => "Event Center",
        "TrainingCenter" => "Training Center",
        "SupportCenter" => "Support Center",
        "SalesCenter" => "Sales Center",
        _ => "Meeting Center",
    }
}

fn input_mode(i: TrackingInput) -> &'static str {
    match i {
        TrackingInput::Text => "TEXT",
        TrackingInput::Select => "SELECT",
        TrackingInput::EditableSelect => "EDITABLE_SELECT",
        TrackingInput::HostProfileSelect => "HOST_PROFILE_SELECT",
    }
}

/// The schema's `codeDisplayType`; it has no `notApplicable`.
fn code_display(u: TrackingUse) -> Option<&'static str> {
    match u {
        TrackingUse::Optional => Some("OPTIONAL"),
        TrackingUse::Required => Some("REQUIRED"),
        TrackingUse::AdminSet => Some("ADMIN_SET"),
        TrackingUse::NotUsed => Some("NOT_USED"),
        TrackingUse::NotApplicable => None,
    }
}

fn service_name(s: TrackingService) -> &'static str {
    match s {
        TrackingService::All => "All",
        TrackingService::MeetingCenter => "MeetingCenter",
        TrackingService::EventCenter => "EventCenter",
        TrackingService::TrainingCenter => "TrainingCenter",
        TrackingService::SupportCenter => "SupportCenter",
    }
}

fn tone(t: EntryExitTone) -> &'static str {
    match t {
        EntryExitTone::NoTone => "NOTONE",
        EntryExitTone::Beep => "BEEP",
        EntryExitTone::AnnounceName => "ANNOUNCENAME",
    }
}

/// GetSite: `siteInstance` in the order of the 2011 schema's `siteType`, every element the schema
/// requires present; kaigi's own settings only where the schema (or a 40.x release note) has a
/// place for them.
pub async fn get_site(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    ctx.caller.require_user()?;
    let site = &ctx.caller.site;
    let s = &site.settings;
    let c = &s.common;
    let tz = timezone::by_id(s.time_zone_id).or_else(|| timezone::by_id(timezone::GMT_ID));
    let lang = language::or_english(s.language_id);
    let host = ctx.kaigi.config().public_host().to_string();
    let mut services: Vec<&str> = s.meeting_types.iter().map(|t| service_label(&t.service)).collect();
    services.sort_unstable();
    services.dedup();
    let offers = |label: &str| services.contains(&label);
    w.node("siteInstance", |w| {
        w.node("metaData", |w| {
            w.flag("isEnterprise", true);
            for label in &services {
                w.leaf("serviceType", label);
            }
            for t in &s.meeting_types {
                w.node("meetingTypes", |w| {
                    w.leaf("meetingTypeID", t.id).leaf("meetingTypeName", &t.code);
                });
            }
            w.leaf("siteName", &site.name);
            w.leaf("brandName", if s.brand_name.is_empty() { &site.name } else { &s.brand_name });
            w.leaf("region", lang.locale).leaf("currency", "US Dollars");
            w.leaf("timeZoneID", s.time_zone_id);
            if let Some(tz) = tz {
                w.leaf("timeZone", tz.name);
            }
            // The schema spells it `parterID`; kaigi has no partner, the site number stands in.
            w.leaf("parterID", site.site_number);
            w.leaf("webDomain", &host).leaf("meetingDomain", &host).leaf("telephonyDomain", &host);
            w.leaf("pageVersion", "T40L").leaf("clientVersion", "T40L").leaf("pageLanguage", lang.name);
            w.flag("activateStatus", true).leaf("webPageType", "J2EE").flag("iCalendar", true);
            w.leaf("myWebExDefaultPage", "My Meetings").leaf("componentVersion", "cmp3100");
            w.flag("displayMeetingActualTime", true).flag("displayOffset", true);
        });
        w.node("ucf", |w| {
            w.leaf("ucfConfiguration", "UCF 2.1");
        });
        w.node("clientPlatforms", |w| {
            for name in ["msWindows", "macOS9", "macOSX", "sunSolaris", "linux", "hpUnix", "java", "palm"] {
                w.flag(name, matches!(name, "msWindows" | "macOSX" | "linux" | "java"));
            }
        });
        w.node("resourceRestrictions", |w| {
            w.flag("isLicenseManager", true).leaf("concurrentLicense", 0).leaf("fileFolderCapacity", 1000);
            w.leaf("maxConcurrentEvents", 0).leaf("archiveStorageLimit", 0);
        });
        w.node("supportAPI", |w| {
            w.flag("autoLogin", true).flag("aspAndPHPAPI", true).flag("backwardAPI", false);
            w.flag("xmlAPI", true).flag("cAPI", false).flag("scorm", false);
        });
        // The site's tracking codes, as the REST API's admin config defines them.
        let codes = s.defined_tracking_codes();
        if !codes.is_empty() {
            w.node("trackingCodes", |w| {
                for c in &codes {
                    w.node("trackingCode", |w| {
                        w.leaf("index", c.slot).leaf("name", &c.name).leaf("inputMode", input_mode(c.def.input));
                        w.leaf("hostProfile", code_display(c.def.host_profile).unwrap_or("OPTIONAL"));
                        for (service, use_) in &c.def.schedule_start {
                            if let Some(d) = code_display(*use_) {
                                w.node("schedulingPage", |w| {
                                    w.leaf("service", service_name(*service)).leaf("scheduling", d);
                                });
                            }
                        }
                        for (i, o) in c.def.options.iter().enumerate() {
                            w.node("listValue", |w| {
                                w.leaf("index", i + 1).leaf("value", &o.value).flag("active", true);
                            });
                        }
                    });
                }
            });
        }
        w.node("supportedServices", |w| {
            for (name, label) in [("meetingCenter", "Meeting Center"), ("trainingCenter", "Training Center")] {
                w.node(name, |w| {
                    w.flag("enabled", offers(label)).leaf("pageVersion", "T40L").leaf("clientVersion", "T40L");
                });
            }
            w.node("supportCenter", |w| {
                w.flag("enabled", offers("Support Center")).leaf("pageVersion", "T40L").leaf("clientVersion", "T40L");
            });
            w.node("eventCenter", |w| {
                w.flag("enabled", offers("Event Center")).leaf("pageVersion", "T40L").leaf("clientVersion", "T40L");
                w.flag("marketingAddOn", false);
            });
            w.node("salesCenter", |w| {
                w.flag("enabled", offers("Sales Center")).leaf("pageVersion", "T40L").leaf("clientVersion", "T40L");
            });
        });
        w.node("securityOptions", |w| {
            w.flag("passwordExpires", false).leaf("passwordLifetime", 0);
            w.flag("allMeetingsUnlisted", c.unlist_all_meetings)
                .flag("allMeetingsPassword", s.require_meeting_password);
            w.flag("joinBeforeHost", c.join_before_host).flag("audioBeforeHost", c.audio_before_host);
            w.flag("changePersonalURL", c.allow_custom_personal_room_url).flag("changeUserName", false);
            w.node("meetings", |w| {
                w.flag("strictPasswords", c.require_strong_password);
            });
            // kaigi always applies its password rules to account passwords.
            w.flag("strictUserPassword", true).flag("accountNotify", false);
            w.flag("requireLoginBeforeSiteAccess", c.require_login_before_access).flag("changePWDWhenAutoLogin", false);
            w.flag("enforceBaseline", false).flag("passwordChangeIntervalOpt", false);
            w.leaf("passwordChangeInterval", 0);
        });
        w.node("defaults", |w| {
            w.flag("emailReminders", c.email_reminders)
                .leaf("entryExitTone", tone(c.entry_exit_tone))
                .flag("voip", c.voip);
            w.node("teleconference", |w| {
                let support = match c.telephony_support {
                    TelephonySupport::None => "NONE",
                    TelephonySupport::WebexTeleconferencing => "CALLIN",
                    TelephonySupport::Other => "OTHER",
                };
                w.leaf("telephonySupport", support).flag("tollFree", c.toll_free).flag("intlLocalCallIn", false);
            });
            w.flag("joinTeleconfNotPress1", c.join_teleconf_not_press1);
        });
        w.node("scheduleMeetingOptions", |w| {
            w.flag("scheduleOnBehalf", true).flag("saveSessionTemplate", true);
        });
        w.node("passwordCriteria", |w| {
            // The rules of strong meeting passwords (REST commonSettings' passwordCriteria).
            let p = &c.password_criteria;
            w.flag("mixedCase", p.mixed_case).leaf("minLength", p.min_length).leaf("minAlpha", p.min_alpha);
            w.leaf("minNumeric", p.min_numeric).leaf("minSpecial", p.min_special);
            w.flag("disallowWebTextSessions", p.disallow_dynamic_web_text).flag("disallowWebTextAccounts", false);
            w.flag("disallowList", p.disallow_list);
            for v in &p.disallow_values {
                w.leaf("disallowValue", v);
            }
        });
        w.node("accountPasswordCriteria", |w| {
            w.flag("mixedCase", false).leaf("minLength", s.min_password_length).leaf("minNumeric", 0);
            w.leaf("minAlpha", 0).leaf("minSpecial", 0).flag("disallow3XRepeatedChar", false);
            w.flag("disallowWebTextAccounts", false).flag("disallowList", false);
        });
        w.node("productivityTools", |w| {
            w.flag("enable", true).node("installOpts", |w| {
                w.flag("autoUpdate", true);
            });
        });
        w.node("meetingPlace", |_| {});
        // 40.6.0: the child the release notes name; then kaigi's own strict-reading switch
        // (docs/xmlapi.md).
        w.node("siteCommonOptions", |w| {
            w.flag("SupportXMLAPIReturnScheduledPMR", s.support_return_scheduled_pmr);
            w.flag("kaigiStrictRequests", s.strict_requests);
        });
    });
    Ok(())
}

fn write_zone(w: &mut BodyWriter, tz: &TimeZoneInfo, at: chrono::DateTime<chrono::Utc>) {
    w.node("timeZone", |w| {
        w.leaf("timeZoneID", tz.id)
            .leaf("gmtOffset", tz.gmt_offset_minutes(at))
            .leaf("description", tz.name)
            .leaf("shortName", tz.short_name)
            .flag("hideTimeZoneName", false)
            .flag("fallInDST", tz.in_dst(at))
            .leaf("standardLabel", tz.standard_label)
            .leaf("daylightLabel", tz.daylight_label);
    });
}

/// LstTimeZone: the named zones (all 62 when none is named) with their offset on `date` (GMT),
/// or now.
pub async fn lst_time_zone(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let at = opt_gmt(ctx.body, "date")?.unwrap_or_else(|| ctx.kaigi.now());
    let ids: Vec<u16> = ctx
        .body
        .children_named("timeZoneID")
        .filter(|e| !e.text.is_empty())
        .map(|e| parse_num::<u16>("timeZoneID", &e.text))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        for tz in timezone::all() {
            write_zone(w, tz, at);
        }
        return Ok(());
    }
    for id in ids {
        let tz = timezone::by_id(id)
            .ok_or_else(|| Failure::invalid("timeZoneID", "must be one of the 62 time zones (0-61)"))?;
        write_zone(w, tz, at);
    }
    Ok(())
}
