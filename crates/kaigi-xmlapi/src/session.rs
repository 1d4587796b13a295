//! The general session service's session operations (`ep:`): LstsummarySession, GetSessionInfo,
//! LstOpenSession, DelSession, LstCalendarSession.

use kaigi_core::model::{ListStatus, MeetingRef, Occurrence, SessionKind, SessionLookup, SessionStatus};
use kaigi_core::rules::timezone;

use crate::codes::Failure;
use crate::element::Element;
use crate::meeting::{listing, local, meeting_ref, zone};
use crate::values::{opt_bool, opt_num, parse_num};
use crate::writer::BodyWriter;
use crate::Ctx;

pub(crate) fn kind_of(service: &str) -> Result<SessionKind, Failure> {
    Ok(match service.trim().to_ascii_lowercase().replace(' ', "").as_str() {
        "meetingcenter" => SessionKind::Meeting,
        "trainingcenter" => SessionKind::Training,
        "eventcenter" => SessionKind::Event,
        "supportcenter" => SessionKind::Support,
        "salescenter" => return Err(Failure::invalid("serviceType", "Sales Center is not served by kaigi")),
        _ => {
            return Err(Failure::invalid(
                "serviceType",
                "must be MeetingCenter, EventCenter, TrainingCenter or SupportCenter",
            ))
        }
    })
}

/// The kinds `serviceTypes` names (all when absent). Teleconference sessions are Meeting Center
/// sessions of their own type.
fn kinds(body: &Element) -> Result<Vec<SessionKind>, Failure> {
    let Some(st) = body.child("serviceTypes") else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for s in st.children_named("serviceType").filter(|s| !s.text.is_empty()) {
        let k = kind_of(&s.text)?;
        out.push(k);
        if k == SessionKind::Meeting {
            out.push(SessionKind::Teleconference);
        }
    }
    Ok(out)
}

/// One `ep:session` of LstsummarySession / LstCalendarSession; `start` in `tz` (or GMT).
fn write_session(w: &mut BodyWriter, o: &Occurrence, tz: u16, scheduled_pmr: bool) {
    let m = &o.meeting;
    let others: Vec<&str> =
        m.invitees.iter().filter(|i| i.role.eq_ignore_ascii_case("HOST")).map(|i| i.email.as_str()).collect();
    w.node("session", |w| {
        w.leaf("sessionKey", m.meeting_key).leaf("meetingUUID", &m.uuid).leaf("confName", &m.name);
        w.leaf("sessionType", m.meeting_type).leaf("serviceType", m.kind.service_type());
        w.leaf("hostWebExID", &o.host.webex_id)
            .leaf("hostFirstName", &o.host.first_name)
            .leaf("hostLastName", &o.host.last_name);
        w.leaf("otherHostWebExID", others.join(";"));
        w.leaf("timeZoneID", tz).leaf("timeZone", zone(tz).name).leaf("status", m.status.wire());
        w.leaf("startTime", local(o.start, tz))
            .leaf("duration", m.duration_minutes)
            .leaf("listStatus", m.list_status.wire());
        w.leaf("hostEmail", &o.host.email).flag("passwordReq", m.password.is_some());
        w.flag("hostJoined", m.host_joined).flag("participantsJoined", m.participants_joined);
        w.leaf("confID", m.conf_id).flag("registration", m.attendee_options.registration);
        w.flag("isRecurring", m.repeat.is_recurring())
            .leaf("hostType", "1019001")
            .flag("isAudioOnly", m.kind == SessionKind::Teleconference);
        w.flag("isTCSingleRecurrence", false)
            .flag("isAllowJBH", m.join_teleconf_before_host)
            .flag("isCETMeeting", false);
        w.flag("isException", false).flag("isNextUpcomingInstance", o.is_next_upcoming);
        w.leaf("seriesMeetingKey", if m.repeat.is_recurring() { m.meeting_key } else { 0 });
        w.leaf("recurrenceId", if m.repeat.is_recurring() { o.index } else { 0 });
        if scheduled_pmr {
            w.flag("isScheduledPMR", false);
        }
        w.flag("isPrivateMeeting", m.list_status == ListStatus::Private);
    });
}

fn scope_zone(body: &Element) -> Result<u16, Failure> {
    Ok(body
        .child("dateScope")
        .map(|s| opt_num::<u16>(s, "timeZoneID"))
        .transpose()?
        .flatten()
        .unwrap_or(timezone::GMT_ID))
}

pub async fn lstsummary_session(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let body = ctx.body;
    let (mut q, start_from) = listing(body, kinds(body)?, 10)?;
    if let Some(s) = body.value_of("status") {
        q.status = Some(match s.to_ascii_uppercase().as_str() {
            "INPROGRESS" => SessionStatus::InProgress,
            "NOT_INPROGRESS" => SessionStatus::NotInProgress,
            _ => return Err(Failure::invalid("status", "must be INPROGRESS or NOT_INPROGRESS")),
        });
    }
    q.expand = q.start_from.is_some() || q.start_to.is_some();
    let scheduled_pmr = opt_bool(body, "returnScheduledPMR")?.unwrap_or(false);
    let page = ctx.kaigi.list_meetings(ctx.caller, &q).await?;
    let tz = scope_zone(body)?;
    w.matching_records(page.total, page.items.len(), u64::from(start_from));
    for o in &page.items {
        write_session(w, o, tz, scheduled_pmr);
    }
    Ok(())
}

/// LstCalendarSession: every occurrence in the date scope (default: the next 7 days).
pub async fn lst_calendar_session(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let body = ctx.body;
    let (mut q, start_from) = listing(body, kinds(body)?, 50)?;
    q.expand = true;
    if q.start_from.is_none() && q.start_to.is_none() {
        let now = ctx.kaigi.now();
        q.start_from = Some(now);
        q.start_to = Some(now + chrono::Duration::days(7));
    }
    let page = ctx.kaigi.list_meetings(ctx.caller, &q).await?;
    let tz = scope_zone(body)?;
    w.matching_records(page.total, page.items.len(), u64::from(start_from));
    for o in &page.items {
        write_session(w, o, tz, false);
    }
    Ok(())
}

fn lookup(body: &Element) -> Result<SessionLookup, Failure> {
    if let Some(k) = body.value_of("sessionKey").or_else(|| body.value_of("meetingKey")) {
        return Ok(SessionLookup::Key(parse_num("sessionKey", k)?));
    }
    // `meetingUUID` (40.6.0) and `meetingUuid` (40.1.0) are the same name to a case-blind reader.
    if let Some(u) = body.value_of("meetingUUID") {
        return Ok(SessionLookup::Uuid(u.to_string()));
    }
    if let Some(u) = body.value_of("pmrUrl") {
        return Ok(SessionLookup::PmrUrl(u.to_string()));
    }
    if let Some(u) = body.value_of("sipUrl") {
        return Ok(SessionLookup::SipUrl(u.to_string()));
    }
    if let Some(u) = body.value_of("meetingLink") {
        return Ok(SessionLookup::MeetingLink(u.to_string()));
    }
    Err(Failure::invalid("sessionKey", "is required (or meetingUUID, pmrUrl, sipUrl, meetingLink)"))
}

pub async fn get_session_info(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let body = ctx.body;
    let v = ctx.kaigi.session_info(ctx.caller, &lookup(body)?, body.value_of("sessionPassword")).await?;
    let links = v.meeting.as_ref().map(|m| ctx.kaigi.meeting_links(&ctx.caller.site, m));
    w.leaf("status", v.status.wire()).flag("isLocked", false).leaf("sessionkey", v.key);
    if !v.uuid.is_empty() {
        w.leaf("meetingUUID", &v.uuid);
    }
    w.leaf("confID", v.conf_id);
    w.node("accessControl", |w| {
        if v.full {
            w.leaf_opt("sessionPassword", v.password.as_deref());
        }
        w.leaf("listStatus", v.list_status.wire()).flag("registration", v.registration);
        if let Some(r) = links.as_ref().and_then(|l| l.register.as_ref()) {
            w.leaf("registrationURL", r);
        }
        w.flag("passwordReq", v.password.is_some());
    });
    w.node("metaData", |w| {
        w.leaf("confName", &v.name).leaf("sessionType", v.meeting_type).leaf("serviceType", v.kind.service_type());
        if v.full {
            if let Some(m) = &v.meeting {
                w.leaf("agenda", &m.agenda);
            }
        }
        w.flag("isRecurring", v.is_recurring);
    });
    if v.full {
        w.node("telephony", |w| {
            w.leaf("telephonySupport", "CALLIN");
            if let Some(code) = v.meeting.as_ref().and_then(|m| m.audio_password.as_deref()) {
                w.leaf("participantAccessCode", code);
            }
        });
    }
    w.node("host", |w| {
        w.leaf("firstName", &v.host.first_name).leaf("lastName", &v.host.last_name);
        w.leaf("email", &v.host.email).leaf("webExId", &v.host.webex_id);
    });
    w.node("schedule", |w| {
        w.leaf("startDate", local(v.start, v.time_zone_id)).leaf("duration", v.duration_minutes);
        w.leaf("timeZone", zone(v.time_zone_id).name);
    });
    w.node("attendeeOptions", |w| {
        w.flag("joinRequiresAccount", v.meeting.as_ref().is_some_and(|m| m.attendee_options.join_requires_account));
    });
    w.flag("isAudioOnly", v.kind == SessionKind::Teleconference);
    if v.host_view {
        if let Some(m) = &v.meeting {
            w.leaf("hostKey", &m.host_key);
        }
    }
    match &links {
        Some(l) => w.leaf("meetingLink", &l.invite),
        None => w.leaf(
            "meetingLink",
            ctx.kaigi.personal_room_links(&ctx.caller.site, &v.host).map(|l| l.url).unwrap_or_default(),
        ),
    };
    w.flag("supportE2E", false).flag("isPrivateMeeting", v.list_status == ListStatus::Private);
    Ok(())
}

/// LstOpenSession: the sessions running now that the caller may see, grouped by service.
pub async fn lst_open_session(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let wanted: Vec<SessionKind> = ctx
        .body
        .children_named("serviceType")
        .filter(|s| !s.text.is_empty())
        .map(|s| kind_of(&s.text))
        .collect::<Result<_, _>>()?;
    let (mut q, _) = listing(ctx.body, wanted, 500)?;
    q.status = Some(SessionStatus::InProgress);
    let page = ctx.kaigi.list_meetings(ctx.caller, &q).await?;
    let mut services: Vec<&'static str> = page.items.iter().map(|o| o.meeting.kind.service_type()).collect();
    services.sort_unstable();
    services.dedup();
    let mut started = Vec::with_capacity(page.items.len());
    for o in &page.items {
        started.push(ctx.kaigi.actual_start(&o.meeting).await?.unwrap_or(o.start));
    }
    for service in services {
        w.node("services", |w| {
            w.leaf("serviceType", service);
            for (o, actual) in page.items.iter().zip(&started).filter(|(o, _)| o.meeting.kind.service_type() == service)
            {
                let m = &o.meeting;
                w.node("sessions", |w| {
                    w.leaf("sessionKey", m.meeting_key).leaf("meetingUUID", &m.uuid).leaf("sessionName", &m.name);
                    w.leaf("hostWebExID", &o.host.webex_id).leaf("startTime", local(o.start, m.time_zone_id));
                    w.leaf("actualStartTime", local(*actual, m.time_zone_id));
                    w.leaf("timeZoneID", m.time_zone_id).leaf("listStatus", m.list_status.wire());
                });
            }
        });
    }
    Ok(())
}

pub async fn del_session(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let r: MeetingRef = meeting_ref(ctx.body)?;
    let m = ctx.kaigi.delete_meeting(ctx.caller, &r, &[]).await?;
    let links = ctx.kaigi.meeting_links(&ctx.caller.site, &m);
    w.node("iCalendarURL", |w| {
        w.leaf_in("serv", "host", &links.host_calendar).leaf_in("serv", "attendee", &links.attendee_calendar);
    });
    Ok(())
}
