//! Teleconference-only ("audio only") sessions (`auo:`): Create, Get and SetTeleconferenceSession.

use kaigi_core::meeting::{Invitee, ListStatus, SessionKind};

use crate::codes::Failure;
use crate::element::Element;
use crate::meeting::{local, meeting_fields, meeting_ref, write_repeat, zone};
use crate::writer::BodyWriter;
use crate::Ctx;

const KINDS: [SessionKind; 1] = [SessionKind::Teleconference];

fn attendees(body: &Element, block: &str, role: &str) -> Vec<Invitee> {
    body.child(block)
        .map(|b| {
            b.children_named("attendee")
                .filter_map(|a| {
                    let email = a.value_of("email")?.to_string();
                    let name = a.value_of("name").map(str::to_string).unwrap_or_else(|| {
                        format!("{} {}", a.text_of("firstName").unwrap_or(""), a.text_of("lastName").unwrap_or(""))
                            .trim()
                            .to_string()
                    });
                    Some(Invitee { name, email, role: role.to_string() })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn fields(body: &Element) -> Result<kaigi_core::meetings::MeetingFields, Failure> {
    let mut f = meeting_fields(body)?;
    if body.child("fullAccessAttendees").is_some() || body.child("limitedAccessAttendees").is_some() {
        let mut list = attendees(body, "fullAccessAttendees", "ATTENDEE");
        list.extend(attendees(body, "limitedAccessAttendees", "LIMITED"));
        f.invitees = Some(list);
    }
    Ok(f)
}

pub async fn create(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let m = ctx.kaigi.create_meeting(ctx.caller, SessionKind::Teleconference, &fields(ctx.body)?).await?;
    w.leaf("sessionKey", m.meeting_key).leaf("meetingUUID", &m.uuid);
    w.leaf_opt("sessionPassword", m.password.as_deref());
    Ok(())
}

pub async fn set(ctx: &Ctx<'_>, _w: &mut BodyWriter) -> Result<(), Failure> {
    ctx.kaigi.set_meeting(ctx.caller, &meeting_ref(ctx.body)?, &KINDS, &fields(ctx.body)?).await?;
    Ok(())
}

pub async fn get(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let (m, host) = ctx.kaigi.get_meeting(ctx.caller, &meeting_ref(ctx.body)?, &KINDS).await?;
    w.node("accessControl", |w| {
        w.leaf("listing", m.list_status.wire()).leaf_opt("sessionPassword", m.password.as_deref());
        w.leaf_opt("audioPassword", m.audio_password.as_deref())
            .flag("isEnforceAudioPassword", m.enforce_audio_password);
    });
    w.node("metaData", |w| {
        w.leaf("confName", &m.name).leaf("sessionType", m.meeting_type);
    });
    w.node("schedule", |w| {
        w.leaf("startDate", local(m.start, m.time_zone_id)).leaf("timeZoneID", m.time_zone_id);
        w.leaf("timeZone", zone(m.time_zone_id).name).leaf("duration", m.duration_minutes);
        w.leaf("entryExitTone", "BEEP").leaf("hostWebExID", &host.webex_id);
    });
    w.node("teleconference", |w| {
        w.leaf("accountIndex", 1).leaf("subscriberAccessCode", &m.host_key);
        w.leaf_opt("participantFullAccessCode", m.audio_password.as_deref());
        w.leaf("scheduleConfID", m.conf_id).flag("intlLocalCallIn", false);
    });
    w.node("tracking", |w| {
        for (k, v) in &m.tracking {
            w.leaf(k, v);
        }
    });
    write_repeat(w, &m.repeat);
    w.node("fullAccessAttendees", |w| {
        for i in m.invitees.iter().filter(|i| i.role != "LIMITED") {
            w.node("attendee", |w| {
                w.leaf("name", &i.name).leaf("email", &i.email);
            });
        }
    });
    w.node("limitedAccessAttendees", |w| {
        for i in m.invitees.iter().filter(|i| i.role == "LIMITED") {
            w.node("attendee", |w| {
                w.leaf("name", &i.name).leaf("email", &i.email);
            });
        }
    });
    w.leaf("sessionKey", m.meeting_key).leaf("meetingUUID", &m.uuid).leaf("status", m.status.wire());
    w.leaf("hostType", "1019001").flag("isPrivateMeeting", m.list_status == ListStatus::Private);
    Ok(())
}
