//! The site service (`ns1:` on the wire): GetSite and LstTimeZone.

use kaigi_core::model::language;
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

/// GetSite: `siteInstance` in the order of the 2011 schema's `siteType`, every element the schema
/// requires present; kaigi's own settings only where the schema (or a 40.x release note) has a
/// place for them.
pub async fn get_site(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    ctx.caller.require_user()?;
    let site = &ctx.caller.site;
    let s = &site.settings;
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
            w.flag("allMeetingsUnlisted", false).flag("allMeetingsPassword", s.require_meeting_password);
            w.flag("joinBeforeHost", true).flag("audioBeforeHost", true);
            w.flag("changePersonalURL", false).flag("changeUserName", false);
            w.node("meetings", |w| {
                w.flag("strictPasswords", false);
            });
            // kaigi always applies its password rules to account passwords.
            w.flag("strictUserPassword", true).flag("accountNotify", false);
            w.flag("requireLoginBeforeSiteAccess", false).flag("changePWDWhenAutoLogin", false);
            w.flag("enforceBaseline", false).flag("passwordChangeIntervalOpt", false);
            w.leaf("passwordChangeInterval", 0);
        });
        w.node("defaults", |w| {
            w.flag("emailReminders", true).leaf("entryExitTone", "BEEP").flag("voip", true);
            w.node("teleconference", |w| {
                w.leaf("telephonySupport", "CALLIN").flag("tollFree", false).flag("intlLocalCallIn", false);
            });
            w.flag("joinTeleconfNotPress1", false);
        });
        w.node("scheduleMeetingOptions", |w| {
            w.flag("scheduleOnBehalf", true).flag("saveSessionTemplate", true);
        });
        w.node("passwordCriteria", |w| {
            w.flag("mixedCase", false).leaf("minLength", s.min_password_length).leaf("minAlpha", 0);
            w.leaf("minNumeric", 0).leaf("minSpecial", 0);
            w.flag("disallowWebTextSessions", false).flag("disallowWebTextAccounts", false).flag("disallowList", false);
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
