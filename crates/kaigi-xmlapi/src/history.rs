//! The history service (`history:`): usage and attendee history of ended sessions for every
//! center, record-access and Access Anywhere history. Filters, paging and order are decoded here;
//! which sessions a caller sees is the core's rule.

use chrono::{DateTime, Utc};
use kaigi_core::model::{AttendeeItem, HistoryOrder, HistoryQuery, SessionKind, UsageItem};
use kaigi_core::rules::timezone;

use crate::codes::Failure;
use crate::element::Element;
use crate::meeting::{local, zone};
use crate::values::{list_control, opt_datetime, opt_num, opt_string, order};
use crate::writer::BodyWriter;
use crate::Ctx;

/// Which center's history an operation lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Center {
    Meeting,
    Training,
    Event,
    Support,
}

impl Center {
    fn kinds(self) -> Vec<SessionKind> {
        match self {
            Center::Meeting => vec![SessionKind::Meeting, SessionKind::Teleconference],
            Center::Training => vec![SessionKind::Training],
            Center::Event => vec![SessionKind::Event],
            Center::Support => vec![SessionKind::Support],
        }
    }
}

/// A wire time of the request, read in zone `tz`.
fn scope_time(el: Option<&Element>, name: &str, tz: u16) -> Result<Option<DateTime<Utc>>, Failure> {
    let Some(el) = el else { return Ok(None) };
    let Some(local) = opt_datetime(el, name)? else { return Ok(None) };
    zone(tz).to_utc(local).map(Some).map_err(|_| Failure::invalid(name, "is not a time in the given time zone"))
}

/// The filters, window and order of a history request, and the zone its times are in.
fn query(body: &Element, center: Center) -> Result<(HistoryQuery, u16, u32), Failure> {
    let tz =
        opt_num::<u16>(body, "timeZoneID")?.filter(|id| timezone::by_id(*id).is_some()).unwrap_or(timezone::GMT_ID);
    let window = list_control(body, 500)?;
    let start = body.child("startTimeScope");
    let end = body.child("endTimeScope");
    let key = match opt_num::<u64>(body, "meetingKey")? {
        Some(k) => Some(k),
        None => opt_num::<u64>(body, "sessionKey")?,
    };
    let q = HistoryQuery {
        kinds: center.kinds(),
        start_from: scope_time(start, "sessionStartTimeStart", tz)?,
        start_to: scope_time(start, "sessionStartTimeEnd", tz)?,
        end_from: scope_time(end, "sessionEndTimeStart", tz)?,
        end_to: scope_time(end, "sessionEndTimeEnd", tz)?,
        meeting_key: key,
        conf_id: opt_num(body, "confID")?,
        conf_name: opt_string(body, "confName").filter(|s| !s.trim().is_empty()),
        host_webex_id: opt_string(body, "hostWebExID").filter(|s| !s.trim().is_empty()),
        order: order(body)?.iter().filter_map(|(f, d)| HistoryOrder::parse(f).map(|o| (o, *d))).collect(),
        offset: window.start_from - 1,
        limit: window.maximum,
    };
    Ok((q, tz, window.start_from))
}

/// One session of a usage history, each center in its own schema type's order (the 2011 schema
/// orders the same fields differently per center, and spells training's toll-free field
/// `totalCallInTolllfreeMinutes`); the meeting list names its `timezone`, the others give the
/// zone's id, as their schema types say.
fn write_usage(w: &mut BodyWriter, center: Center, item: &UsageItem, tz: u16) {
    let u = &item.usage;
    let h = &item.host;
    let zone_name = zone(tz).name;
    let (start, end) = (local(u.start, tz), local(u.end, tz));
    let call_totals = |w: &mut BodyWriter, toll_free: &str| {
        w.leaf("totalCallInMinutes", 0).leaf(toll_free, 0);
        w.leaf("totalCallOutDomestic", 0).leaf("totalCallOutInternational", 0).leaf("totalVoipMinutes", 0);
    };
    let participant_totals = |w: &mut BodyWriter| {
        w.leaf("totalParticipants", u.total_participants).leaf("totalParticipantsVoip", 0);
        w.leaf("totalParticipantsCallIn", 0).leaf("totalParticipantsCallOut", 0);
    };
    match center {
        Center::Meeting => w.node("meetingUsageHistory", |w| {
            w.leaf("sessionKey", u.meeting_key).leaf("confName", &u.name);
            w.leaf("meetingStartTime", start).leaf("meetingEndTime", end).leaf("duration", u.duration_minutes);
            w.leaf("timezone", zone_name).leaf("meetingType", "MC");
            w.leaf("hostWebExID", &h.webex_id).leaf("hostName", h.display_name()).leaf("hostEmail", &h.email);
            w.leaf("totalCallInMinutes", 0).leaf("totalPeopleMinutes", u.total_people_minutes);
            w.leaf("totalCallInTollfreeMinutes", 0).leaf("totalCallOutDomestic", 0);
            w.leaf("totalCallOutInternational", 0).leaf("totalVoipMinutes", 0).leaf("userID", h.id);
            participant_totals(w);
            w.leaf("confID", u.conf_id).leaf("peakAttendee", u.total_participants).leaf("meetingUUID", &u.uuid);
        }),
        Center::Training => w.node("trainingSessionHistory", |w| {
            w.leaf("sessionKey", u.meeting_key).leaf("confName", &u.name);
            w.leaf("sessionStartTime", start).leaf("sessionEndTime", end).leaf("duration", u.duration_minutes);
            w.leaf("totalAttendee", u.total_participants).leaf("timezone", tz).leaf("userID", h.id);
            w.leaf("hostWebExID", &h.webex_id).leaf("hostEmail", &h.email);
            w.leaf("totalPeopleMinutes", u.total_people_minutes);
            call_totals(w, "totalCallInTolllfreeMinutes");
            participant_totals(w);
            w.leaf("confID", u.conf_id).leaf("peakAttendee", u.total_participants).leaf("meetingUUID", &u.uuid);
        }),
        Center::Event => w.node("eventSessionHistory", |w| {
            w.leaf("confID", u.conf_id).leaf("sessionKey", u.meeting_key).leaf("confName", &u.name);
            w.leaf("sessionStartTime", start).leaf("sessionEndTime", end).leaf("duration", u.duration_minutes);
            w.leaf("timezone", tz).leaf("meetingType", "EC").leaf("userID", h.id);
            w.leaf("hostWebExID", &h.webex_id).leaf("hostName", h.display_name()).leaf("hostEmail", &h.email);
            w.leaf("totalPeopleMinutes", u.total_people_minutes);
            call_totals(w, "totalCallInTollfreeMinutes");
            participant_totals(w);
            w.leaf("peakAttendee", u.total_participants).leaf("meetingUUID", &u.uuid);
        }),
        Center::Support => w.node("supportSessionHistory", |w| {
            w.leaf("sessionKey", u.meeting_key).leaf("confName", &u.name);
            w.leaf("sessionStartTime", start).leaf("sessionEndTime", end).leaf("duration", u.duration_minutes);
            w.leaf("timezone", tz).leaf("meetingType", "SC");
            w.leaf("hostWebExID", &h.webex_id).leaf("hostName", h.display_name()).leaf("hostEmail", &h.email);
            w.leaf("totalPeopleMinutes", u.total_people_minutes).leaf("confID", u.conf_id);
            w.leaf("peakAttendee", u.total_participants).leaf("meetingUUID", &u.uuid);
        }),
    };
}

/// One attendee of an attendee history, in its center's schema order, with the `meetingUUID`
/// 40.7.0 added after the key's siblings.
fn write_attendee(w: &mut BodyWriter, center: Center, item: &AttendeeItem, tz: u16) {
    let a = &item.attendee;
    let u = &item.usage;
    let joined = local(a.joined_at, tz);
    let left = local(a.left_at, tz);
    match center {
        Center::Meeting => w.node("meetingAttendeeHistory", |w| {
            w.leaf("meetingKey", u.meeting_key).leaf("confName", &u.name);
            w.leaf("ipAddress", &a.ip_address).leaf("clientAgent", &a.client_agent);
            w.leaf("name", &a.name).leaf("email", &a.email).leaf("joinTime", joined).leaf("leaveTime", left);
            w.leaf("duration", a.duration_minutes).leaf("participantType", a.role.wire()).leaf("voipDuration", 0);
            w.leaf("confID", u.conf_id).leaf("meetingUUID", &u.uuid);
        }),
        Center::Training => w.node("trainingAttendeeHistory", |w| {
            w.leaf("sessionKey", u.meeting_key).leaf("confName", &u.name);
            w.leaf("attendeeName", &a.name).leaf("attendeeEmail", &a.email);
            w.leaf("startTime", joined).leaf("endTime", left).leaf("duration", a.duration_minutes);
            w.leaf("ipAddress", &a.ip_address).leaf("participantType", a.role.wire()).leaf("voipDuration", 0);
            w.leaf("clientAgent", &a.client_agent).leaf("confID", u.conf_id).leaf("meetingUUID", &u.uuid);
        }),
        Center::Event => w.node("eventAttendeeHistory", |w| {
            w.leaf("sessionKey", u.meeting_key).leaf("attendeeName", &a.name).leaf("attendeeEmail", &a.email);
            w.leaf("startTime", joined).leaf("endTime", left).leaf("duration", a.duration_minutes);
            w.leaf("ipAddress", &a.ip_address).leaf("participantType", a.role.wire()).leaf("voipDuration", 0);
            w.leaf("clientAgent", &a.client_agent).leaf("confID", u.conf_id).leaf("meetingUUID", &u.uuid);
        }),
        Center::Support => w.node("supportAttendeeHistory", |w| {
            w.leaf("sessionKey", u.meeting_key).leaf("attendeeName", &a.name).leaf("attendeeEmail", &a.email);
            w.leaf("startTime", joined).leaf("endTime", left).leaf("duration", a.duration_minutes);
            w.leaf("ipAddress", &a.ip_address).leaf("participantType", a.role.wire());
            w.leaf("clientAgent", &a.client_agent).leaf("confID", u.conf_id).leaf("meetingUUID", &u.uuid);
        }),
    };
}

/// LstmeetingusageHistory, LsttrainingsessionHistory, LsteventsessionHistory,
/// LstsupportsessionHistory.
pub async fn session_history(ctx: &Ctx<'_>, w: &mut BodyWriter, center: Center) -> Result<(), Failure> {
    let (q, tz, start_from) = query(ctx.body, center)?;
    let page = ctx.kaigi.usage_history(ctx.caller, &q).await?;
    for item in &page.items {
        write_usage(w, center, item, tz);
    }
    w.matching_records(page.total, page.items.len(), u64::from(start_from));
    Ok(())
}

/// LstmeetingattendeeHistory, LsttrainingattendeeHistory, LsteventattendeeHistory,
/// LstsupportattendeeHistory.
pub async fn attendee_history(ctx: &Ctx<'_>, w: &mut BodyWriter, center: Center) -> Result<(), Failure> {
    let (q, tz, start_from) = query(ctx.body, center)?;
    let page = ctx.kaigi.attendee_history(ctx.caller, &q).await?;
    for item in &page.items {
        write_attendee(w, center, item, tz);
    }
    w.matching_records(page.total, page.items.len(), u64::from(start_from));
    Ok(())
}

/// LstrecordaccessHistory: always 000015 for now (see the core).
pub async fn record_access_history(ctx: &Ctx<'_>) -> Result<(), Failure> {
    ctx.kaigi.record_access_history(ctx.caller).await?;
    Ok(())
}

/// LstAccessAnywhereHistory (40.1.0): always 000015, kaigi has no Access Anywhere.
pub async fn access_anywhere_history(ctx: &Ctx<'_>) -> Result<(), Failure> {
    ctx.kaigi.access_anywhere_history(ctx.caller).await?;
    Ok(())
}
