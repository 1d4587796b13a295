//! Event Center (`event:`): Create, Set, Get, Del and LstsummaryEvent. Decoding and encoding only;
//! the rules are the core's meeting use cases with `SessionKind::Event`. As for training
//! sessions, `schedule/openTime` is in minutes here; panelists are kept as the core's PRESENTER
//! invitees (see docs/training-events.md).

use kaigi_core::model::meeting_options::Reminder;
use kaigi_core::model::{Invitee, Meeting, MeetingFields, SessionKind, User};

use crate::codes::Failure;
use crate::element::Element;
use crate::meeting::{listing, local, meeting_fields, meeting_ref};
use crate::options::{tone_name, write_telephony, write_tracking};
use crate::training::open_time_in_minutes;
use crate::writer::BodyWriter;
use crate::Ctx;

const KINDS: [SessionKind; 1] = [SessionKind::Event];

/// `panelists{panelist*}` / `attendees{attendee*}`: person-shaped entries.
fn people(body: &Element, block: &str, item: &str, role: &str) -> Vec<Invitee> {
    body.child(block)
        .map(|b| {
            b.children_named(item)
                .filter_map(|p| {
                    let person = p.child("person").unwrap_or(p);
                    let email = person.value_of("email")?.to_string();
                    let name = person.value_of("name").map(str::to_string).unwrap_or_else(|| {
                        let first = person.text_of("firstName").unwrap_or("");
                        format!("{first} {}", person.text_of("lastName").unwrap_or("")).trim().to_string()
                    });
                    Some(Invitee { name, email, role: role.to_string() })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn fields(body: &Element) -> Result<MeetingFields, Failure> {
    let mut f = meeting_fields(body)?;
    // The event schema's reminder is `minutesAhead` alone.
    let remind = &f.options.remind;
    if *remind != (Reminder { minutes_ahead: remind.minutes_ahead, ..Reminder::default() }) {
        return Err(Failure::invalid("remind", "an event's reminder is minutesAhead alone"));
    }
    open_time_in_minutes(body, &mut f)?;
    if body.child("panelists").is_some() || body.child("attendees").is_some() {
        let mut list = people(body, "panelists", "panelist", "PRESENTER");
        list.extend(people(body, "attendees", "attendee", "ATTENDEE"));
        f.invitees = Some(list);
    }
    Ok(f)
}

pub async fn create(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let m = ctx.kaigi.create_meeting(ctx.caller, SessionKind::Event, &fields(ctx.body)?).await?;
    w.leaf("sessionKey", m.meeting_key).leaf("meetingUUID", &m.uuid).leaf("guestToken", &m.guest_token);
    w.leaf_opt("eventPassword", m.password.as_deref());
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

fn write_people(w: &mut BodyWriter, block: &str, item: &str, people: &[&Invitee]) {
    w.node(block, |w| {
        for i in people {
            w.node(item, |w| {
                w.leaf_in("com", "name", &i.name).leaf_in("com", "email", &i.email);
            });
        }
    });
}

/// GetEvent in the event schema's order.
fn write_event(w: &mut BodyWriter, m: &Meeting, host: &User) {
    w.node("accessControl", |w| {
        w.leaf("listing", m.list_status.wire()).leaf_opt("sessionPassword", m.password.as_deref());
        w.leaf_opt("audioPassword", m.audio_password.as_deref())
            .flag("isEnforceAudioPassword", m.enforce_audio_password);
        w.flag("enforcePassword", m.enforce_password);
    });
    w.node("metaData", |w| {
        w.leaf("sessionName", &m.name).leaf("sessionType", m.meeting_type).leaf("description", &m.agenda);
    });
    w.node("schedule", |w| {
        w.leaf("startDate", local(m.start, m.time_zone_id)).leaf("timeZoneID", m.time_zone_id);
        w.leaf("duration", m.duration_minutes).leaf("openTime", m.open_time_secs / 60);
        w.leaf("hostWebExID", &host.webex_id);
        if let Some(t) = m.options.conduct.entry_exit_tone {
            w.leaf("entryExitTone", tone_name(t));
        }
        w.flag("joinTeleconfBeforeHost", m.join_teleconf_before_host);
    });
    write_telephony(w, "event", &m.options.telephony, false);
    write_tracking(w, &m.options.tracking);
    w.node("remind", |w| {
        w.leaf_opt("minutesAhead", m.options.remind.minutes_ahead);
    });
    let panelists: Vec<&Invitee> = m.invitees.iter().filter(|i| i.role == "PRESENTER").collect();
    let attendees: Vec<&Invitee> = m.invitees.iter().filter(|i| i.role != "PRESENTER").collect();
    write_people(w, "panelists", "panelist", &panelists);
    write_people(w, "attendees", "attendee", &attendees);
    w.leaf("sessionKey", m.meeting_key).leaf("meetingUUID", &m.uuid).leaf("status", m.status.wire());
    w.leaf("hostKey", &m.host_key).leaf("eventID", m.id).leaf("guestToken", &m.guest_token).leaf("hostType", "1019001");
}

pub async fn get(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let (m, host) = ctx.kaigi.get_meeting(ctx.caller, &meeting_ref(ctx.body)?, &KINDS).await?;
    write_event(w, &m, &host);
    Ok(())
}

pub async fn lstsummary(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let (q, start_from) = listing(ctx.body, KINDS.to_vec(), 10)?;
    let page = ctx.kaigi.list_meetings(ctx.caller, &q).await?;
    // The schema puts matchingRecords before the items here.
    w.matching_records(page.total, page.items.len(), u64::from(start_from));
    for o in &page.items {
        let m = &o.meeting;
        let end = o.start + chrono::Duration::minutes(i64::from(m.duration_minutes));
        let panelists: Vec<&str> =
            m.invitees.iter().filter(|i| i.role == "PRESENTER").map(|i| i.email.as_str()).collect();
        w.node("event", |w| {
            w.leaf("sessionKey", m.meeting_key).leaf("meetingUUID", &m.uuid).leaf("sessionName", &m.name);
            w.leaf("sessionType", m.meeting_type).leaf("hostWebExID", &o.host.webex_id);
            w.leaf("startDate", local(o.start, m.time_zone_id)).leaf("endDate", local(end, m.time_zone_id));
            w.leaf("timeZoneID", m.time_zone_id).leaf("duration", m.duration_minutes).leaf("description", &m.agenda);
            w.leaf("status", m.status.wire()).leaf("panelists", panelists.join(";"));
            w.leaf("listStatus", m.list_status.wire());
        });
    }
    Ok(())
}
