//! The meeting service (`meet:`): CreateMeeting, SetMeeting, GetMeeting, DelMeeting,
//! LstsummaryMeeting, GethosturlMeeting, GetjoinurlMeeting; and the request parts the other
//! scheduling services share (schedule, repeat, attendees, options).

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use kaigi_core::model::meeting_options::{EntryExitTone, MeetingOptions};
use kaigi_core::model::{
    AttendeeOptionsChange, Invitee, ListStatus, Meeting, MeetingFields, MeetingListing, MeetingOrder, MeetingRef,
    Recurrence, RepeatKind, SessionKind, User,
};
use kaigi_core::rules::timezone;
use kaigi_core::rules::timezone::TimeZoneInfo;

use crate::codes::Failure;
use crate::element::Element;
use crate::options::{
    read_assist, read_features, read_remind, read_telephony, read_tone, read_tracking, tone_number, write_assist,
    write_features, write_remind, write_telephony, write_tracking, MEETING_FEATURES,
};
use crate::values::{list_control, opt_bool, opt_datetime, opt_num, opt_string, order, parse_num};
use crate::writer::BodyWriter;
use crate::Ctx;

/// The meeting a request names: `meetingKey`/`meetingkey`/`sessionKey` or `meetingUUID` (40.6.0).
pub fn meeting_ref(body: &Element) -> Result<MeetingRef, Failure> {
    for name in ["meetingKey", "sessionKey"] {
        if let Some(k) = body.value_of(name) {
            return Ok(MeetingRef::Key(parse_num(name, k)?));
        }
    }
    if let Some(u) = body.value_of("meetingUUID") {
        return Ok(MeetingRef::Uuid(u.to_string()));
    }
    Err(Failure::invalid("meetingKey", "is required (or meetingUUID)"))
}

/// `attendeeOptions`: each child the XML API names, read into the core's typed change. A
/// switch takes true/false (or 1/0); an option kaigi does not keep is refused by name.
fn attendee_options(el: &Element) -> Result<AttendeeOptionsChange, Failure> {
    let mut change = AttendeeOptionsChange::default();
    for c in &el.children {
        let name = c.name.as_str();
        let flag = || match c.text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            _ => Err(Failure::invalid("attendeeOptions", &format!("{name} must be true or false"))),
        };
        match name.to_ascii_lowercase().as_str() {
            "request" => change.request = flag()?,
            "registration" => change.registration = flag()?,
            "auto" => change.auto = flag()?,
            "emailinvitations" => change.email_invitations = flag()?,
            "excludepassword" => change.exclude_password = flag()?,
            "joinrequiresaccount" => change.join_requires_account = flag()?,
            "participantlimit" => {
                let n = c.text.trim().parse().map_err(|_| Failure::invalid("participantLimit", "must be a number"))?;
                change.participant_limit = Some(n);
            }
            _ => {
                return Err(Failure::invalid(
                    "attendeeOptions",
                    &format!("{name} is not an attendee option kaigi keeps"),
                ))
            }
        }
    }
    Ok(change)
}

fn weekday(s: &str) -> Result<Weekday, Failure> {
    s.trim().parse::<Weekday>().map_err(|_| Failure::invalid("day", "must be SUNDAY … SATURDAY"))
}

pub(crate) fn wire_day(d: Weekday) -> &'static str {
    match d {
        Weekday::Sun => "SUNDAY",
        Weekday::Mon => "MONDAY",
        Weekday::Tue => "TUESDAY",
        Weekday::Wed => "WEDNESDAY",
        Weekday::Thu => "THURSDAY",
        Weekday::Fri => "FRIDAY",
        Weekday::Sat => "SATURDAY",
    }
}

/// `dayInWeek{day*}` of a repeat block (empty when absent).
pub(crate) fn days_in_week(el: &Element) -> Result<Vec<Weekday>, Failure> {
    match el.child("dayInWeek") {
        Some(d) => d.children_named("day").filter(|x| !x.text.is_empty()).map(|x| weekday(&x.text)).collect(),
        None => Ok(Vec::new()),
    }
}

/// `expirationDate` of a repeat block, as a date.
pub(crate) fn expiration_date(el: &Element) -> Result<Option<NaiveDate>, Failure> {
    el.value_of("expirationDate")
        .map(|t| {
            timezone::parse_wire_datetime(t)
                .map(|d| d.date())
                .ok_or_else(|| Failure::invalid("expirationDate", "must be MM/DD/YYYY HH:MM:SS"))
        })
        .transpose()
}

fn repeat(el: &Element) -> Result<Recurrence, Failure> {
    let kind = el
        .value_of("repeatType")
        .map(|t| {
            RepeatKind::parse(t).ok_or_else(|| {
                Failure::invalid("repeatType", "must be NO_REPEAT, DAILY, WEEKLY, MONTHLY, YEARLY or CONSTANT")
            })
        })
        .transpose()?
        .unwrap_or(RepeatKind::NoRepeat);
    let days = days_in_week(el)?;
    let expiration = expiration_date(el)?;
    Ok(Recurrence {
        kind,
        interval: opt_num(el, "interval")?.unwrap_or(1),
        days_in_week: days,
        day_in_month: opt_num(el, "dayInMonth")?,
        week_in_month: opt_num(el, "weekInMonth")?,
        month_in_year: opt_num(el, "monthInYear")?,
        expiration,
        occurrences: opt_num(el, "afterMeetingNumber")?,
    })
}

fn person_invitee(attendee: &Element) -> Option<Invitee> {
    let person = attendee.child("person").unwrap_or(attendee);
    let email = person.value_of("email")?.to_string();
    let name = person.value_of("name").map(str::to_string).unwrap_or_else(|| {
        format!("{} {}", person.text_of("firstName").unwrap_or(""), person.text_of("lastName").unwrap_or(""))
            .trim()
            .to_string()
    });
    Some(Invitee { name, email, role: attendee.text_of("role").unwrap_or("ATTENDEE").to_string() })
}

fn zone_id(schedule: &Element) -> Result<Option<u16>, Failure> {
    let by_id = schedule
        .value_of("timeZoneID")
        .or_else(|| schedule.value_of("timezoneID"))
        .map(|t| parse_num::<u16>("timeZoneID", t))
        .transpose()?;
    if by_id.is_some() {
        return Ok(by_id);
    }
    Ok(schedule.value_of("timeZone").and_then(timezone::by_name).map(|z| z.id))
}

/// The scheduling fields of CreateMeeting/SetMeeting (and the teleconference, training and event
/// requests, whose blocks have the same names where they overlap).
pub fn meeting_fields(body: &Element) -> Result<MeetingFields, Failure> {
    let mut f = MeetingFields { options: read_options(body)?, ..MeetingFields::default() };
    if let Some(ac) = body.child("accessControl") {
        f.password = ac.text_of("meetingPassword").or_else(|| ac.text_of("sessionPassword")).map(str::to_string);
        f.enforce_password = opt_bool(ac, "enforcePassword")?;
        f.audio_password = opt_string(ac, "audioPassword");
        f.enforce_audio_password = opt_bool(ac, "isEnforceAudioPassword")?;
        f.enforce_audio_login = opt_bool(ac, "isEnforceAudioLogin")?;
        let listing = ac.value_of("listing").or_else(|| ac.value_of("listStatus"));
        f.list_status = match (listing, opt_bool(ac, "listToPublic")?, opt_bool(ac, "isPublic")?) {
            (Some(l), _, _) => Some(
                ListStatus::parse(l)
                    .ok_or_else(|| Failure::invalid("listing", "must be PUBLIC, PRIVATE or UNLISTED"))?,
            ),
            (None, _, Some(false)) => Some(ListStatus::Private),
            (None, Some(true), _) => Some(ListStatus::Public),
            (None, Some(false), _) => Some(ListStatus::Unlisted),
            (None, None, _) => None,
        };
    }
    if let Some(md) = body.child("metaData") {
        f.name = md.text_of("confName").or_else(|| md.text_of("sessionName")).map(str::to_string);
        f.meeting_type = opt_num(md, "meetingType")?.or(opt_num(md, "sessionType")?);
        f.agenda = opt_string(md, "agenda").or_else(|| opt_string(md, "description"));
        f.greeting = opt_string(md, "greeting");
        f.location = opt_string(md, "location");
        f.invitation = opt_string(md, "invitation");
        f.is_internal = opt_bool(md, "isInternal")?;
    }
    if let Some(p) = body.child("participants") {
        f.max_user_number = opt_num(p, "maxUserNumber")?;
        if let Some(list) = p.child("attendees") {
            f.invitees = Some(list.children_named("attendee").filter_map(person_invitee).collect());
        }
    }
    if let Some(s) = body.child("schedule") {
        f.start = opt_datetime(s, "startDate")?;
        f.time_zone_id = zone_id(s)?;
        f.duration_minutes = opt_num(s, "duration")?;
        f.open_time_secs = opt_num(s, "openTime")?;
        f.join_teleconf_before_host = opt_bool(s, "joinTeleconfBeforeHost")?;
        f.host_webex_id = s.value_of("hostWebExID").map(str::to_string);
        if let Some(t) = s.value_of("entryExitTone") {
            f.options.conduct.entry_exit_tone = Some(read_tone(t)?);
        }
    }
    if let Some(a) = body.child("assistService") {
        (f.options.conduct.assist_request, f.options.conduct.assist_confirm) = read_assist(a)?;
    }
    if let Some(t) = body.child("tracking") {
        f.requester = read_tracking(t)?.1;
    }
    if let Some(r) = body.child("repeat") {
        f.repeat = Some(repeat(r)?);
    }
    if let Some(a) = body.child("attendeeOptions") {
        f.attendee_options = attendee_options(a)?;
    }
    if let Some(form) = body.child("registrationForm") {
        f.registration_form = Some(
            form.children
                .iter()
                .map(|field| {
                    let req = field
                        .value_of("req")
                        .map(|v| crate::values::parse_bool("req", v))
                        .transpose()?
                        .unwrap_or(false);
                    Ok((field.name.clone(), req))
                })
                .collect::<Result<_, Failure>>()?,
        );
    }
    Ok(f)
}

/// The typed options of a scheduling request: `enableOptions`, `telephony`, `tracking`, `remind`.
pub fn read_options(body: &Element) -> Result<MeetingOptions, Failure> {
    let mut o = MeetingOptions::default();
    // (schedule/entryExitTone and assistService are read with the schedule, into `conduct`.)
    if let Some(e) = body.child("enableOptions") {
        o.features = read_features(e)?;
    }
    if let Some(t) = body.child("telephony") {
        o.telephony = read_telephony(t)?;
    }
    if let Some(t) = body.child("tracking") {
        o.tracking = read_tracking(t)?.0;
    }
    if let Some(r) = body.child("remind") {
        o.remind = read_remind(r)?;
    }
    Ok(o)
}

pub fn zone(id: u16) -> &'static TimeZoneInfo {
    timezone::by_id(id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)])
}

/// `MM/DD/YYYY HH:MM:SS` of `at` in zone `id`.
pub fn local(at: DateTime<Utc>, id: u16) -> String {
    timezone::format_wire_datetime(zone(id).to_local(at))
}

fn write_ical(w: &mut BodyWriter, host: &str, attendee: &str) {
    w.node("iCalendarURL", |w| {
        w.leaf_in("serv", "host", host).leaf_in("serv", "attendee", attendee);
    });
}

fn wire_date(d: NaiveDate) -> String {
    d.format("%m/%d/%Y 00:00:00").to_string()
}

/// `dayInWeek{day*}` of a repeat block being answered (nothing when no day is named).
pub(crate) fn write_days(w: &mut BodyWriter, days: &[Weekday]) {
    if days.is_empty() {
        return;
    }
    w.node("dayInWeek", |w| {
        for d in days {
            w.leaf("day", wire_day(*d));
        }
    });
}

/// The `repeat` block as GetMeeting returns it.
pub fn write_repeat(w: &mut BodyWriter, r: &Recurrence) {
    w.node("repeat", |w| {
        w.leaf("repeatType", r.kind.wire());
        if r.is_recurring() {
            w.leaf("interval", r.interval);
            if let Some(n) = r.occurrences {
                w.leaf("afterMeetingNumber", n);
            }
            write_days(w, &r.days_in_week);
            if let Some(e) = r.expiration {
                w.leaf("expirationDate", wire_date(e));
            }
            w.leaf_opt("dayInMonth", r.day_in_month)
                .leaf_opt("weekInMonth", r.week_in_month)
                .leaf_opt("monthInYear", r.month_in_year);
        }
    });
}

/// The site's strict reading, when it is on (crate::strict).
fn strictly(ctx: &Ctx<'_>) -> Result<(), Failure> {
    if ctx.caller.site.settings.strict_requests {
        crate::strict::check_meeting_request(ctx.body)?;
    }
    Ok(())
}

pub async fn create_meeting(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    strictly(ctx)?;
    let fields = meeting_fields(ctx.body)?;
    let m = ctx.kaigi.create_meeting(ctx.caller, SessionKind::Meeting, &fields).await?;
    let links = ctx.kaigi.meeting_links(&ctx.caller.site, &m);
    w.leaf("meetingkey", m.meeting_key).leaf("meetingUUID", &m.uuid);
    w.leaf_opt("meetingPassword", m.password.as_deref());
    write_ical(w, &links.host_calendar, &links.attendee_calendar);
    w.leaf("guestToken", &m.guest_token);
    Ok(())
}

pub async fn set_meeting(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    strictly(ctx)?;
    let fields = meeting_fields(ctx.body)?;
    let m = ctx.kaigi.set_meeting(ctx.caller, &meeting_ref(ctx.body)?, &[SessionKind::Meeting], &fields).await?;
    let links = ctx.kaigi.meeting_links(&ctx.caller.site, &m);
    write_ical(w, &links.host_calendar, &links.attendee_calendar);
    Ok(())
}

pub async fn del_meeting(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let m = ctx.kaigi.delete_meeting(ctx.caller, &meeting_ref(ctx.body)?, &[SessionKind::Meeting]).await?;
    let links = ctx.kaigi.meeting_links(&ctx.caller.site, &m);
    write_ical(w, &links.host_calendar, &links.attendee_calendar);
    Ok(())
}

fn write_meeting(ctx: &Ctx<'_>, w: &mut BodyWriter, m: &Meeting, host: &User) {
    let links = ctx.kaigi.meeting_links(&ctx.caller.site, m);
    let tz = zone(m.time_zone_id);
    w.node("accessControl", |w| {
        w.flag("listToPublic", m.list_status == ListStatus::Public);
        w.flag("isPublic", m.list_status != ListStatus::Private);
        w.leaf_opt("meetingPassword", m.password.as_deref());
        w.leaf_opt("audioPassword", m.audio_password.as_deref());
        w.flag("isEnforceAudioPassword", m.enforce_audio_password).flag("isEnforceAudioLogin", m.enforce_audio_login);
        w.flag("enforcePassword", m.enforce_password);
    });
    w.node("metaData", |w| {
        w.leaf("confName", &m.name).leaf("meetingType", m.meeting_type).leaf("agenda", &m.agenda);
        w.leaf("greeting", &m.greeting).leaf("location", &m.location).leaf("invitation", &m.invitation);
        w.flag("isInternal", m.is_internal);
    });
    w.node("participants", |w| {
        w.leaf("maxUserNumber", m.max_user_number);
        w.node("attendees", |w| {
            for i in &m.invitees {
                // The attendee type of the attendee schema: its children are `att:`.
                w.node("attendee", |w| {
                    w.node_in("att", "person", |w| {
                        w.leaf_in("com", "name", &i.name)
                            .leaf_in("com", "email", &i.email)
                            .leaf_in("com", "type", "VISITOR");
                    });
                    w.leaf_in("att", "role", &i.role);
                });
            }
        });
    });
    write_features(w, MEETING_FEATURES, &m.options.features);
    w.node("schedule", |w| {
        w.leaf("startDate", local(m.start, m.time_zone_id))
            .leaf("timeZoneID", m.time_zone_id)
            .leaf("timeZone", tz.name);
        w.leaf("duration", m.duration_minutes).leaf("openTime", m.open_time_secs).leaf("hostWebExID", &host.webex_id);
        w.flag("showFileStartMode", false).flag("showFileContPlayFlag", false).leaf("showFileInterVal", 0);
        let tone = m.options.conduct.entry_exit_tone.unwrap_or(EntryExitTone::Beep);
        w.leaf("entryExitTone", tone_number(tone)).leaf("extNotifyTime", 0);
        w.flag("joinTeleconfBeforeHost", m.join_teleconf_before_host);
        w.flag("firstAttendeeAsPresenter", false);
    });
    write_telephony(w, "meet", &m.options.telephony, true);
    write_tracking(w, &m.options.tracking);
    write_repeat(w, &m.repeat);
    write_remind(w, "meet", &m.options.remind);
    let o = &m.attendee_options;
    w.node("attendeeOptions", |w| {
        w.flag("request", o.request).flag("registration", o.registration).flag("auto", o.auto);
        w.flag("emailInvitations", o.email_invitations).leaf("participantLimit", o.participant_limit);
        w.flag("excludePassword", o.exclude_password).flag("joinRequiresAccount", o.join_requires_account);
    });
    write_assist(w, m.options.conduct.assist_request, m.options.conduct.assist_confirm);
    w.leaf("meetingkey", m.meeting_key).leaf("status", m.status.wire());
    w.flag("hostJoined", m.host_joined).flag("participantsJoined", m.participants_joined).flag("telePresence", false);
    w.leaf("hostKey", &m.host_key).leaf("eventID", m.id).leaf("guestToken", &m.guest_token).leaf("hostType", "1019001");
    w.leaf("meetingLink", &links.invite).leaf("sipURL", &links.sip).leaf("displayMeetingUrl", &links.invite);
    w.node("registrationForm", |w| {
        for field in kaigi_core::model::REGISTRATION_FIELDS {
            w.node(field, |w| {
                w.flag("req", m.registration_required.iter().any(|r| r == field));
            });
        }
    });
    w.flag("isPrivateMeeting", m.list_status == ListStatus::Private);
    w.leaf("meetingUUID", &m.uuid);
}

pub async fn get_meeting(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let (m, host) = ctx.kaigi.get_meeting(ctx.caller, &meeting_ref(ctx.body)?, &[SessionKind::Meeting]).await?;
    let body = ctx.renders.meeting_body(&ctx.caller.site, &m, &host, || {
        let mut fresh = BodyWriter::new(w.prefix());
        write_meeting(ctx, &mut fresh, &m, &host);
        fresh.finish()
    });
    w.raw(&body);
    Ok(())
}

pub async fn gethosturl_meeting(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let (m, url) = ctx.kaigi.host_url(ctx.caller, &meeting_ref(ctx.body)?).await?;
    w.leaf("hostMeetingURL", url).leaf("meetingUUID", &m.uuid);
    Ok(())
}

pub async fn getjoinurl_meeting(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let b = ctx.body;
    let (m, links, join) = ctx
        .kaigi
        .join_url(
            ctx.caller,
            &meeting_ref(b)?,
            b.value_of("attendeeName"),
            b.value_of("attendeeEmail"),
            b.value_of("meetingPW"),
        )
        .await?;
    w.leaf("joinMeetingURL", join).leaf("inviteMeetingURL", &links.invite);
    w.leaf_opt("registerMeetingURL", links.register.as_deref());
    w.leaf("meetingUUID", &m.uuid);
    Ok(())
}

fn meeting_order(field: &str) -> Result<MeetingOrder, Failure> {
    Ok(match field {
        "STARTTIME" | "STARTDATE" => MeetingOrder::StartTime,
        "CONFNAME" => MeetingOrder::Name,
        "HOSTWEBEXID" => MeetingOrder::HostWebExId,
        "HOSTNAME" => MeetingOrder::HostName,
        "STATUS" => MeetingOrder::Status,
        f if f.starts_with("TRACKINGCODE") => MeetingOrder::StartTime,
        _ => return Err(Failure::invalid("orderBy", "must be STARTTIME, CONFNAME, HOSTWEBEXID, HOSTNAME or STATUS")),
    })
}

/// `dateScope` (start and end ranges, read in its `timeZoneID`, else GMT) and `order`, shared by
/// the meeting and session listings.
pub fn listing(body: &Element, kinds: Vec<SessionKind>, default_max: u32) -> Result<(MeetingListing, u32), Failure> {
    let window = list_control(body, default_max)?;
    let mut q =
        MeetingListing { kinds, offset: window.start_from - 1, limit: window.maximum, ..MeetingListing::default() };
    if let Some(scope) = body.child("dateScope") {
        let tz = zone(opt_num::<u16>(scope, "timeZoneID")?.unwrap_or(timezone::GMT_ID));
        let read = |name: &str| -> Result<Option<DateTime<Utc>>, Failure> {
            opt_datetime(scope, name)?
                .map(|l| {
                    tz.to_utc(l).map_err(|_| Failure::invalid("dateScope", "is not a time that exists in its zone"))
                })
                .transpose()
        };
        q.start_from = read("startDateStart")?;
        q.start_to = read("startDateEnd")?;
        q.end_from = read("endDateStart")?;
        q.end_to = read("endDateEnd")?;
    }
    q.meeting_key = body
        .value_of("meetingKey")
        .or_else(|| body.value_of("sessionKey"))
        .map(|k| parse_num("meetingKey", k))
        .transpose()?;
    q.host_webex_id = body.value_of("hostWebExID").map(str::to_string);
    q.host_email = body.value_of("hostEmail").map(str::to_string);
    q.name_prefix = body.value_of("confName").map(str::to_string);
    q.order = order(body)?.into_iter().map(|(f, d)| Ok((meeting_order(&f)?, d))).collect::<Result<_, Failure>>()?;
    Ok((q, window.start_from))
}

pub async fn lstsummary_meeting(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let (q, start_from) = listing(ctx.body, vec![SessionKind::Meeting], 10)?;
    let page = ctx.kaigi.list_meetings(ctx.caller, &q).await?;
    for o in &page.items {
        let m = &o.meeting;
        let others: Vec<&str> =
            m.invitees.iter().filter(|i| i.role.eq_ignore_ascii_case("HOST")).map(|i| i.email.as_str()).collect();
        w.node("meeting", |w| {
            w.leaf("meetingKey", m.meeting_key).leaf("meetingUUID", &m.uuid).leaf("confName", &m.name);
            w.leaf("meetingType", m.meeting_type).leaf("hostWebExID", &o.host.webex_id);
            w.leaf("otherHostWebExID", others.join(";"));
            w.leaf("timeZoneID", m.time_zone_id).leaf("timeZone", zone(m.time_zone_id).name);
            w.leaf("status", m.status.wire()).leaf("startDate", local(o.start, m.time_zone_id));
            w.leaf("duration", m.duration_minutes).leaf("listStatus", m.list_status.wire());
            w.flag("hostJoined", m.host_joined).flag("participantsJoined", m.participants_joined);
        });
    }
    w.matching_records(page.total, page.items.len(), u64::from(start_from));
    Ok(())
}
