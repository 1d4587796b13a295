//! The user service (`use:`): AuthenticateUser, CreateUser, SetUser, GetUser, DelUser,
//! LstsummaryUser, GetloginurlUser, GetlogouturlUser, GetLoginTicket, GetUserCard, GetMe.

use chrono::{DateTime, Utc};
use kaigi_core::model::{
    language, ActiveState, LanguageChoice, NewUser, ProfilePatch, User, UserChange, UserFields, UserOrderBy, UserQuery,
};
use kaigi_core::rules::timezone;
use kaigi_core::Error;

use crate::codes::Failure;
use crate::element::Element;
use crate::values::{list_control, opt_bool, opt_gmt, opt_num, opt_string, order, parse_bool};
use crate::writer::BodyWriter;
use crate::Ctx;

fn active_state(body: &Element) -> Result<Option<ActiveState>, Failure> {
    body.value_of("active")
        .map(|a| {
            ActiveState::parse(a)
                .ok_or_else(|| Failure::invalid("active", "must be ACTIVATED, REQUEST_TO_ACTIVATE or DEACTIVATED"))
        })
        .transpose()
}

fn profile_patch(body: &Element) -> ProfilePatch {
    let phones = body.child("phones");
    let address = body.child("address");
    let from = |el: Option<&Element>, name: &str| el.and_then(|e| opt_string(e, name));
    ProfilePatch {
        title: opt_string(body, "title"),
        company: opt_string(body, "company"),
        description: opt_string(body, "description"),
        phone: from(phones, "phone"),
        mobile_phone: from(phones, "mobilePhone"),
        fax: from(phones, "fax"),
        address1: from(address, "address1"),
        address2: from(address, "address2"),
        city: from(address, "city"),
        state: from(address, "state"),
        zip_code: from(address, "zipCode"),
        country: from(address, "country"),
    }
}

fn user_fields(body: &Element) -> Result<UserFields, Failure> {
    let privileges = match body.child("privilege") {
        Some(p) => p
            .children
            .iter()
            .filter(|c| !c.text.is_empty())
            .map(|c| Ok((c.name.clone(), parse_bool(&c.name, &c.text)?)))
            .collect::<Result<Vec<_>, Failure>>()?,
        None => Vec::new(),
    };
    let active = active_state(body)?;
    let language = match (opt_num::<u16>(body, "languageID")?, body.value_of("language")) {
        (Some(id), _) => Some(LanguageChoice::Id(id)),
        (None, Some(name)) => Some(LanguageChoice::Name(name.to_string())),
        (None, None) => None,
    };
    let scheduling_permission = body
        .text_of("schedulingPermission")
        .map(|s| s.split([';', ',']).map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect());
    let meeting_types = body
        .child("meetingTypes")
        .map(|mt| {
            mt.children_named("meetingType").map(|t| crate::values::parse_num::<u32>("meetingType", &t.text)).collect()
        })
        .transpose()?;
    Ok(UserFields {
        first_name: opt_string(body, "firstName"),
        last_name: opt_string(body, "lastName"),
        email: body.value_of("email").map(str::to_string),
        password: body.value_of("password").map(str::to_string),
        privileges,
        active,
        language,
        time_zone_id: opt_num(body, "timeZoneID")?,
        scheduling_permission,
        meeting_types,
        profile: profile_patch(body),
    })
}

fn required<'a>(body: &'a Element, name: &'static str) -> Result<&'a str, Failure> {
    body.value_of(name).ok_or_else(|| Failure::invalid(name, "is required"))
}

fn gmt(dt: DateTime<Utc>) -> String {
    timezone::format_wire_datetime(dt.naive_utc())
}

/// The full user record of GetUser and GetMe, in the order the real service writes it.
fn write_user(ctx: &Ctx<'_>, w: &mut BodyWriter, user: &User) {
    let now = ctx.kaigi.now();
    let site = &ctx.caller.site;
    let tz = timezone::by_id(user.time_zone_id).or_else(|| timezone::by_id(timezone::GMT_ID));
    let lang = language::or_english(user.language_id);
    let p = &user.profile;
    w.leaf("firstName", &user.first_name).leaf("lastName", &user.last_name);
    if !p.title.is_empty() {
        w.leaf("title", &p.title);
    }
    w.leaf("categoryId", 0);
    if !p.description.is_empty() {
        w.leaf("description", &p.description);
    }
    if !p.company.is_empty() {
        w.leaf("company", &p.company);
    }
    w.leaf("webExId", &user.webex_id);
    w.node("address", |w| {
        w.leaf_in("com", "addressType", "PERSONAL");
        for (name, value) in [
            ("address1", &p.address1),
            ("address2", &p.address2),
            ("city", &p.city),
            ("state", &p.state),
            ("zipCode", &p.zip_code),
            ("country", &p.country),
        ] {
            if !value.is_empty() {
                w.leaf_in("com", name, value);
            }
        }
    });
    w.node("phones", |w| {
        w.leaf_in("com", "phone", &p.phone)
            .leaf_in("com", "mobilePhone", &p.mobile_phone)
            .leaf_in("com", "fax", &p.fax);
    });
    w.leaf("email", &user.email).leaf("password", "******").leaf("expirationDate", "none");
    w.node("commOptions", |w| {
        for name in
            ["prodAnnounce", "trainingInfo", "electronicInfo", "promos", "press", "email", "fax", "phone", "mail"]
        {
            w.flag(name, false);
        }
    });
    w.node("meetingTypes", |w| {
        for id in &user.meeting_types {
            w.leaf("meetingType", id);
        }
    });
    w.node("options", |w| {
        w.flag("firstNameVisible", true).flag("lastNameVisible", true).flag("addressVisible", false);
        w.flag("workPhoneVisible", true).flag("cellPhoneVisible", false).flag("pagerVisible", false);
        w.flag("faxVisible", false).flag("officeUrlVisible", false).flag("pictureVisible", false);
        w.flag("notifyOnNewMessage", false).flag("notifyOnMeeting", true).flag("followMeEnable", false);
        w.flag("emailVisible", true).flag("listInCategory", false).flag("titleVisible", true);
        w.flag("folderRead", false).flag("messageVisible", false).flag("iconSelect1", false).flag("iconSelect2", false);
        w.flag("acceptLinkRequest", false).flag("holdOnLinkRequest", false).flag("notifyOnLinkRequest", false);
        w.flag("supportVideo", true).flag("supportApp", true).flag("supportFileShare", true);
        w.flag("supportDesktopShare", true).flag("supportMeetingRecord", true).flag("supportAppshareRemote", true);
        w.flag("supportWebTourRemote", true).flag("supportDesktopShareRemote", true).flag("subscriptionOffice", false);
    });
    w.leaf("timeZoneID", user.time_zone_id);
    if let Some(tz) = tz {
        w.leaf("timeZone", tz.name).leaf("timeZoneWithDST", tz.with_dst_label(now));
    }
    // The user's own tracking code values (REST `userconfig/trackingCodes`), by slot.
    w.node("tracking", |w| {
        let mut values = user.preferences.scheduling.tracking_codes.clone();
        values.sort_by_key(|v| v.slot);
        for v in values.iter().filter(|v| (1..=10).contains(&v.slot)) {
            w.leaf_in("com", &format!("trackingCode{}", v.slot), &v.value);
        }
    });
    w.leaf("service", "PRO_OFFICE");
    w.node("privilege", |w| {
        for (name, value) in user.privileges.entries() {
            w.flag(name, value);
        }
    });
    w.leaf("language", lang.name).leaf("locale", lang.locale);
    if !user.scheduling_permission.is_empty() {
        w.leaf("schedulingPermission", user.scheduling_permission.join(";"));
    }
    w.leaf("active", user.active.wire());
    w.node("supportedServices", |w| {
        w.flag("meetingCenter", true).flag("trainingCenter", true).flag("supportCenter", true);
        w.flag("eventCenter", true).flag("salesCenter", false);
    });
    w.node("myWebEx", |w| {
        w.flag("isMyWebExPro", true).flag("myContact", true).flag("myProfile", true).flag("myMeetings", true);
        w.flag("myFolders", true).flag("trainingRecordings", true).flag("recordedEvents", true);
        w.leaf("totalStorageSize", 1000).flag("myReports", true).leaf("myComputer", 0);
        w.flag("personalMeetingRoom", user.personal_room.as_ref().is_some_and(|r| r.released_at.is_none()));
        w.flag("myPartnerLinks", false).flag("myWorkspaces", false).leaf("additionalRecordingStorage", 0);
    });
    w.node("personalTeleconf", |w| {
        w.flag("joinBeforeHost", false);
    });
    if let Some(room) = ctx.kaigi.personal_room_links(site, user) {
        w.node("personalMeetingRoom", |w| {
            w.leaf("title", &room.title)
                .leaf("personalMeetingRoomURL", &room.url)
                .leaf("sipURL", &room.sip_url)
                .leaf("accessCode", &room.access_code)
                .leaf("hostPIN", &room.host_pin)
                .flag("applyPMRForInstantMeeting", false)
                .flag("PMRAutoLock", user.preferences.room.auto_lock)
                .leaf("PMRAutoLockWaitTime", user.preferences.room.auto_lock_minutes)
                .node("PRNotifications", |w| {
                    w.leaf("mode", "EMAIL");
                });
        });
    }
    w.node("sessionOptions", |w| {
        let default_type = user.meeting_types.first().copied().unwrap_or(0);
        w.leaf("defaultSessionType", default_type).leaf("defaultServiceType", "MeetingCenter");
        w.flag("autoDeleteAfterMeetingEnd", false)
            .flag("displayQuickStartHost", true)
            .flag("displayQuickStartAttendees", false);
    });
    w.node("supportCenter", |w| {
        w.node("serviceDesk", |w| {
            w.flag("enable", false);
        });
    });
    w.node("security", |w| {
        let locked = user.locked_until.is_some_and(|t| t > now);
        w.flag("forceChangePassword", false).flag("resetPassword", false).flag("lockAccount", locked);
    });
    w.leaf("languageID", lang.id);
    w.leaf("registrationDate", gmt(user.registered_at)).leaf("visitCount", 0).leaf("userId", user.id);
    w.flag("passwordExpires", false).leaf("passwordDaysLeft", 0);
}

pub async fn authenticate_user(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    if ctx.body.value_of("samlResponse").is_some() {
        // kaigi has no SAML identity provider to trust.
        return Err(Failure::from(&Error::Auth(kaigi_core::error::AuthFailure::BadAccessToken)));
    }
    // With `accessToken` the caller was already proven by that token (see lib.rs).
    let ticket = ctx.kaigi.issue_session_ticket(ctx.caller).await?;
    w.leaf("sessionTicket", &ticket.ticket)
        .leaf("createTime", ticket.created_at_ms)
        .leaf("timeToLive", ticket.time_to_live_secs);
    Ok(())
}

pub async fn create_user(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let body = ctx.body;
    let req = NewUser {
        webex_id: required(body, "webExId")?.to_string(),
        fields: user_fields(body)?,
        send_welcome: opt_bool(body, "sendWelcome")?.unwrap_or(false),
        html_email: opt_bool(body, "isHTMLEmail")?.unwrap_or(false),
    };
    let user = ctx.kaigi.create_user(ctx.caller, &req).await?;
    w.leaf("userId", user.id);
    Ok(())
}

pub async fn set_user(ctx: &Ctx<'_>, _w: &mut BodyWriter) -> Result<(), Failure> {
    let body = ctx.body;
    let req = UserChange {
        webex_id: required(body, "webExId")?.to_string(),
        new_webex_id: body.value_of("newWebExId").map(str::to_string),
        fields: user_fields(body)?,
    };
    ctx.kaigi.set_user(ctx.caller, &req).await?;
    Ok(())
}

pub async fn get_user(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let user = ctx.kaigi.get_user(ctx.caller, required(ctx.body, "webExId")?).await?;
    write_user(ctx, w, &user);
    Ok(())
}

pub async fn get_me(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let user = ctx.kaigi.get_me(ctx.caller).await?;
    write_user(ctx, w, &user);
    Ok(())
}

pub async fn del_user(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let ids: Vec<String> =
        ctx.body.children_named("webExId").map(|e| e.text.clone()).filter(|t| !t.is_empty()).collect();
    let results = ctx.kaigi.deactivate_users(ctx.caller, &ids).await?;
    // A single user answers with that user's own failure, as the one-user form always did.
    if let [only] = results.as_slice() {
        if let Err(e) = &only.outcome {
            return Err(Failure::from(e));
        }
    }
    for r in &results {
        w.node("user", |w| {
            w.leaf("webExId", &r.webex_id).leaf("status", if r.outcome.is_ok() { "SUCCESS" } else { "FAILURE" });
        });
    }
    Ok(())
}

fn user_order(field: &str) -> Result<UserOrderBy, Failure> {
    Ok(match field {
        "UID" | "USERID" => UserOrderBy::Id,
        "WEBEXID" => UserOrderBy::WebExId,
        "FIRSTNAME" => UserOrderBy::FirstName,
        "LASTNAME" => UserOrderBy::LastName,
        "EMAIL" => UserOrderBy::Email,
        "ACTIVE" => UserOrderBy::Active,
        "REGDATE" | "REGISTRATIONDATE" => UserOrderBy::RegistrationDate,
        _ => {
            return Err(Failure::invalid(
                "orderBy",
                "must be UID, WEBEXID, FIRSTNAME, LASTNAME, EMAIL, ACTIVE or REGDATE",
            ))
        }
    })
}

pub async fn lstsummary_user(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let body = ctx.body;
    let window = list_control(body, 50)?;
    let active = active_state(body)?;
    let scope = body.child("dataScope");
    let query = UserQuery {
        webex_id: body.value_of("webExId").map(str::to_string),
        email: body.value_of("email").map(str::to_string),
        first_name: body.value_of("firstName").map(str::to_string),
        last_name: body.value_of("lastName").map(str::to_string),
        active,
        registered_from: scope.map(|s| opt_gmt(s, "regDateStart")).transpose()?.flatten(),
        registered_to: scope.map(|s| opt_gmt(s, "regDateEnd")).transpose()?.flatten(),
        match_any: window.match_any,
        only_user: None,
        site_admins_only: false,
        order: order(body)?.into_iter().map(|(f, desc)| Ok((user_order(&f)?, desc))).collect::<Result<_, Failure>>()?,
        offset: window.start_from - 1,
        limit: window.maximum,
    };
    let page = ctx.kaigi.list_users(ctx.caller, query).await?;
    for user in &page.items {
        w.node("user", |w| {
            w.leaf("webExId", &user.webex_id)
                .leaf("firstName", &user.first_name)
                .leaf("lastName", &user.last_name)
                .leaf("email", &user.email)
                .leaf("registrationDate", gmt(user.registered_at))
                .leaf("active", user.active.wire())
                .leaf("timeZoneID", user.time_zone_id)
                .flag("umSiteAdmin", user.privileges.um_site_admin);
        });
    }
    w.matching_records(page.total, page.items.len(), u64::from(window.start_from));
    Ok(())
}

pub async fn getloginurl_user(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let who = ctx.body.value_of("webExID").unwrap_or_default();
    let url = ctx.kaigi.login_url(ctx.caller, who, ctx.body.value_of("backURL")).await?;
    w.leaf("userLoginURL", url);
    Ok(())
}

pub async fn getlogouturl_user(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let who = ctx.body.value_of("webExID").unwrap_or_default();
    let url = ctx.kaigi.logout_url(ctx.caller, who, ctx.body.value_of("backURL")).await?;
    w.leaf("userLogoutURL", url);
    Ok(())
}

pub async fn get_login_ticket(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let ticket = ctx.kaigi.issue_session_ticket(ctx.caller).await?;
    w.leaf("ticket", &ticket.ticket).leaf("apiVersion", crate::ep::API_VERSION);
    Ok(())
}

pub async fn get_user_card(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let card = ctx.kaigi.user_card(ctx.caller, required(ctx.body, "webExId")?).await?;
    w.node("avatar", |w| {
        w.leaf("url", &card.avatar_url)
            .leaf("lastModifiedTime", card.avatar_modified_ms)
            .flag("isUploaded", card.avatar_uploaded);
    });
    if let Some(room) = &card.personal_room {
        w.node("personalMeetingRoom", |w| {
            w.leaf("title", &room.title)
                .leaf("personalMeetingRoomURL", &room.url)
                .leaf("accessCode", &room.access_code);
        });
    }
    Ok(())
}
