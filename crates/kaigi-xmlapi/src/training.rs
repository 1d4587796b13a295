//! Training Center (`train:`): Create, Set, Get, Del and LstsummaryTrainingSession. Decoding and
//! encoding only; the scheduling rules are the core's meeting use cases with
//! `SessionKind::Training`.
//!
//! kaigi's choices (see docs/training-events.md): `schedule/openTime` is read and written in
//! minutes here; `repeat/repeatType` SINGLE is a one-off session, RECURRING_SINGLE and
//! MULTIPLE_SESSION are one series under one session key whose rule is `occurenceType`,
//! `interval`, `dayInWeek`, `endAfter`, `expirationDate`, … ; presenters with role HOST are
//! alternate hosts.

use kaigi_core::model::{Invitee, Meeting, MeetingFields, Recurrence, RepeatKind, SessionKind, User};

use crate::codes::Failure;
use crate::element::Element;
use crate::meeting::{listing, local, meeting_fields, meeting_ref, zone};
use crate::options::{tone_name, write_features, write_remind, write_telephony, write_tracking, TRAINING_FEATURES};
use crate::values::opt_num;
use crate::writer::BodyWriter;
use crate::Ctx;

const KINDS: [SessionKind; 1] = [SessionKind::Training];

/// Training and event requests give `openTime` in minutes; the core keeps seconds.
pub(crate) fn open_time_in_minutes(body: &Element, f: &mut MeetingFields) -> Result<(), Failure> {
    if let Some(s) = body.child("schedule") {
        f.open_time_secs = opt_num::<u32>(s, "openTime")?.map(|m| m.saturating_mul(60));
    }
    Ok(())
}

/// `participant{person{name email webExId type} role}` items of a `participants` list.
pub(crate) fn participants(list: &Element, default_role: &str) -> Vec<Invitee> {
    let items = list.child("participants").unwrap_or(list);
    items
        .children
        .iter()
        .filter_map(|p| {
            let person = p.child("person").unwrap_or(p);
            let email = person.value_of("email")?.to_string();
            let name = person.value_of("name").map(str::to_string).unwrap_or_else(|| {
                format!("{} {}", person.text_of("firstName").unwrap_or(""), person.text_of("lastName").unwrap_or(""))
                    .trim()
                    .to_string()
            });
            let role = p.value_of("role").unwrap_or(default_role).to_ascii_uppercase();
            Some(Invitee { name, email, role })
        })
        .collect()
}

/// The training `repeat` block onto the core's recurrence.
fn training_repeat(el: &Element) -> Result<Recurrence, Failure> {
    let kind = el.value_of("repeatType").unwrap_or("SINGLE").to_ascii_uppercase();
    match kind.as_str() {
        "SINGLE" => return Ok(Recurrence::none()),
        "RECURRING_SINGLE" | "MULTIPLE_SESSION" => {}
        _ => return Err(Failure::invalid("repeatType", "must be SINGLE, RECURRING_SINGLE or MULTIPLE_SESSION")),
    }
    let occurs = el.value_of("occurenceType").or_else(|| el.value_of("occurrenceType")).unwrap_or("DAILY");
    let rule = match occurs.to_ascii_uppercase().as_str() {
        "DAILY" => RepeatKind::Daily,
        "WEEKLY" => RepeatKind::Weekly,
        "MONTHLY" => RepeatKind::Monthly,
        "NO_REPEAT" => RepeatKind::NoRepeat,
        "CONSTANT" => RepeatKind::Constant,
        _ => return Err(Failure::invalid("occurenceType", "must be DAILY, WEEKLY, MONTHLY, NO_REPEAT or CONSTANT")),
    };
    let days = crate::meeting::days_in_week(el)?;
    let expiration = crate::meeting::expiration_date(el)?;
    Ok(Recurrence {
        kind: rule,
        interval: opt_num(el, "interval")?.unwrap_or(1),
        days_in_week: days,
        day_in_month: opt_num(el, "dayInMonth")?,
        week_in_month: opt_num(el, "weekInMonth")?,
        month_in_year: opt_num(el, "monthInYear")?,
        expiration,
        occurrences: opt_num(el, "endAfter")?,
    })
}

fn fields(body: &Element) -> Result<MeetingFields, Failure> {
    // The meeting reader knows the meeting `repeat` block; the training one is read here.
    let mut rest = body.clone();
    rest.children.retain(|c| !c.is("repeat"));
    let mut f = meeting_fields(&rest)?;
    open_time_in_minutes(body, &mut f)?;
    if let Some(r) = body.child("repeat") {
        f.repeat = Some(training_repeat(r)?);
    }
    if body.child("presenters").is_some() || body.child("attendees").is_some() {
        let mut list = body.child("presenters").map(|p| participants(p, "PRESENTER")).unwrap_or_default();
        list.extend(body.child("attendees").map(|a| participants(a, "ATTENDEE")).unwrap_or_default());
        f.invitees = Some(list);
    }
    Ok(f)
}

pub async fn create(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let m = ctx.kaigi.create_meeting(ctx.caller, SessionKind::Training, &fields(ctx.body)?).await?;
    w.leaf("sessionkey", m.meeting_key).leaf("meetingUUID", &m.uuid);
    w.node("additionalInfo", |w| {
        w.leaf("sessionkey", m.meeting_key).leaf("guestToken", &m.guest_token);
    });
    w.leaf_opt("sessionPassword", m.password.as_deref());
    Ok(())
}

pub async fn set(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let m = ctx.kaigi.set_meeting(ctx.caller, &meeting_ref(ctx.body)?, &KINDS, &fields(ctx.body)?).await?;
    w.leaf("meetingUUID", &m.uuid);
    Ok(())
}

pub async fn del(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let m = ctx.kaigi.delete_meeting(ctx.caller, &meeting_ref(ctx.body)?, &KINDS).await?;
    w.leaf("meetingUUID", &m.uuid);
    Ok(())
}

fn write_people(w: &mut BodyWriter, block: &str, max_users: u32, people: &[&Invitee]) {
    w.node(block, |w| {
        w.leaf_in("sess", "maxUserNumber", max_users);
        w.node_in("sess", "participants", |w| {
            for i in people {
                w.node_in("sess", "participant", |w| {
                    w.node_in("sess", "person", |w| {
                        w.leaf_in("com", "name", &i.name).leaf_in("com", "email", &i.email);
                    });
                    w.leaf_in("sess", "role", &i.role);
                });
            }
        });
    });
}

/// GetTrainingSession in the 2011 schema's order: the parts the training type inherits from the
/// session schema are `sess:`, its own `train:`.
fn write_training(w: &mut BodyWriter, m: &Meeting, host: &User) {
    w.node_in("sess", "accessControl", |w| {
        w.leaf_in("sess", "listing", m.list_status.wire());
        if let Some(pw) = &m.password {
            w.leaf_in("sess", "sessionPassword", pw);
        }
        if let Some(pw) = &m.audio_password {
            w.leaf_in("sess", "audioPassword", pw);
        }
        w.leaf_in("sess", "isEnforceAudioPassword", m.enforce_audio_password);
        w.leaf_in("sess", "enforcePassword", m.enforce_password);
    });
    w.node_in("sess", "schedule", |w| {
        w.leaf_in("sess", "startDate", local(m.start, m.time_zone_id));
        w.leaf_in("sess", "timeZone", zone(m.time_zone_id).name).leaf_in("sess", "duration", m.duration_minutes);
        w.leaf_in("sess", "timeZoneID", m.time_zone_id).leaf_in("sess", "hostWebExID", &host.webex_id);
        w.leaf_in("sess", "openTime", m.open_time_secs / 60);
        w.leaf_in("sess", "joinTeleconfBeforeHost", m.join_teleconf_before_host);
        if let Some(t) = m.options.conduct.entry_exit_tone {
            w.leaf_in("sess", "entryExitTone", tone_name(t));
        }
    });
    w.node("metaData", |w| {
        w.leaf_in("sess", "confName", &m.name).leaf("agenda", &m.agenda).leaf("sessionType", m.meeting_type);
    });
    write_features(w, TRAINING_FEATURES, &m.options.features);
    write_telephony(w, "sess", &m.options.telephony, false);
    write_tracking(w, &m.options.tracking);
    let r = &m.repeat;
    w.node("repeat", |w| {
        if r.kind == RepeatKind::NoRepeat {
            w.leaf("repeatType", "SINGLE");
            return;
        }
        w.leaf("repeatType", "RECURRING_SINGLE");
        if let Some(e) = r.expiration {
            w.leaf("expirationDate", e.format("%m/%d/%Y 00:00:00").to_string());
        }
        crate::meeting::write_days(w, &r.days_in_week);
        w.leaf_opt("endAfter", r.occurrences).leaf("occurenceType", r.kind.wire()).leaf("interval", r.interval);
        w.leaf_opt("dayInMonth", r.day_in_month).leaf_opt("weekInMonth", r.week_in_month);
        w.leaf_opt("monthInYear", r.month_in_year);
    });
    write_remind(w, "sess", &m.options.remind);
    let presenters: Vec<&Invitee> = m.invitees.iter().filter(|i| i.role != "ATTENDEE").collect();
    let attendees: Vec<&Invitee> = m.invitees.iter().filter(|i| i.role == "ATTENDEE").collect();
    write_people(w, "presenters", m.max_user_number, &presenters);
    write_people(w, "attendees", m.max_user_number, &attendees);
    w.leaf("sessionKey", m.meeting_key).leaf("meetingUUID", &m.uuid).leaf("status", m.status.wire());
    w.leaf("hostKey", &m.host_key).leaf("eventID", m.id).leaf("guestToken", &m.guest_token).leaf("hostType", "1019001");
}

pub async fn get(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let (m, host) = ctx.kaigi.get_meeting(ctx.caller, &meeting_ref(ctx.body)?, &KINDS).await?;
    write_training(w, &m, &host);
    Ok(())
}

pub async fn lstsummary(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let (q, start_from) = listing(ctx.body, KINDS.to_vec(), 10)?;
    let page = ctx.kaigi.list_meetings(ctx.caller, &q).await?;
    for o in &page.items {
        let m = &o.meeting;
        let others: Vec<&str> = m.invitees.iter().filter(|i| i.role == "HOST").map(|i| i.email.as_str()).collect();
        w.node("trainingSession", |w| {
            w.leaf("sessionKey", m.meeting_key).leaf("meetingUUID", &m.uuid).leaf("confName", &m.name);
            w.leaf("meetingType", m.meeting_type).leaf("hostWebExID", &o.host.webex_id);
            w.leaf("otherHostWebExID", others.join(";"));
            w.leaf("timeZoneID", m.time_zone_id).leaf("timeZone", zone(m.time_zone_id).name);
            w.leaf("status", m.status.wire()).leaf("startDate", local(o.start, m.time_zone_id));
            w.leaf("duration", m.duration_minutes).leaf("listStatus", m.list_status.wire());
        });
    }
    w.matching_records(page.total, page.items.len(), u64::from(start_from));
    Ok(())
}
