//! Teleconference-only ("audio only") sessions (`auo:`): Create, Get and SetTeleconferenceSession.

use kaigi_core::model::meeting_options::{EntryExitTone, Telephony};
use kaigi_core::model::{Invitee, ListStatus, SessionKind};

use crate::codes::Failure;
use crate::element::Element;
use crate::meeting::{local, meeting_fields, meeting_ref, zone};
use crate::options::{tone_name, write_tracking};
use crate::values::{parse_bool, parse_num};
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

/// The `teleconference` block of CreateTeleconferenceSession and SetTeleconferenceSession: what
/// kaigi keeps of it goes into the meeting's telephony. `requestConferenceNumber` asks for a number
/// (kaigi always gives one) and is not a setting.
fn teleconference(block: &Element, t: &mut Telephony) -> Result<(), Failure> {
    for c in &block.children {
        let (name, v) = (c.name.as_str(), c.text.as_str());
        match name.to_ascii_lowercase().as_str() {
            "exttelephonydescription" => t.external_description = Some(v.to_string()),
            "accountindex" => t.personal_account_index = Some(parse_num(name, v)?),
            "intllocalcallin" => t.international_local_call_in = Some(parse_bool(name, v)?),
            "teleconflocation" => t.location = Some(v.to_string()),
            "requestconferencenumber" => {
                parse_bool(name, v)?;
            }
            _ => return Err(Failure::unknown_element(name, "teleconference")),
        }
    }
    Ok(())
}

fn fields(body: &Element) -> Result<kaigi_core::model::MeetingFields, Failure> {
    let mut f = meeting_fields(body)?;
    if let Some(block) = body.child("teleconference") {
        teleconference(block, &mut f.options.telephony)?;
    }
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

/// GetTeleconferenceSession in the teleconference schema's order.
pub async fn get(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let (m, host) = ctx.kaigi.get_meeting(ctx.caller, &meeting_ref(ctx.body)?, &KINDS).await?;
    let t = &m.options.telephony;
    w.node("accessControl", |w| {
        // The teleconference schema knows PUBLIC and PRIVATE only; an unlisted session is private.
        let listing = if m.list_status == ListStatus::Public { "PUBLIC" } else { "PRIVATE" };
        w.leaf("listing", listing).leaf_opt("sessionPassword", m.password.as_deref());
        w.leaf_opt("audioPassword", m.audio_password.as_deref())
            .flag("isEnforceAudioPassword", m.enforce_audio_password);
    });
    w.node("metaData", |w| {
        w.leaf("confName", &m.name).leaf("sessionType", m.meeting_type);
    });
    w.node("schedule", |w| {
        w.leaf("startDate", local(m.start, m.time_zone_id)).leaf("timeZoneID", m.time_zone_id);
        w.leaf("timeZone", zone(m.time_zone_id).name).leaf("duration", m.duration_minutes);
        let tone = m.options.conduct.entry_exit_tone.unwrap_or(EntryExitTone::Beep);
        w.leaf("entryExitTone", tone_name(tone)).leaf("hostWebExID", &host.webex_id);
    });
    let numbers = t.call_in.clone().unwrap_or_default();
    let access = m.audio_password.clone().unwrap_or_else(|| m.meeting_key.to_string());
    w.node("teleconference", |w| {
        // A session on the host's own (personal) conference number? kaigi gives each its own.
        w.flag("personalConferenceNumber", false).leaf("accountIndex", t.personal_account_index.unwrap_or(1));
        w.leaf("tollFreeCallInNumber", numbers.toll_free.as_deref().unwrap_or(""));
        w.leaf("tollCallInNumber", numbers.toll.as_deref().unwrap_or(""));
        w.leaf("intlLocalCallInNumber", numbers.international_local.as_deref().unwrap_or(""));
        w.leaf("subscriberAccessCode", &m.host_key).leaf("participantFullAccessCode", &access);
        w.leaf("participantLimitedAccessCode", &access).leaf("scheduleConfID", m.conf_id);
        w.leaf_opt("extTelephonyDescription", t.external_description.as_deref());
        w.flag("intlLocalCallIn", t.international_local_call_in.unwrap_or(false));
        w.leaf_opt("teleconfLocation", t.location.as_deref());
    });
    write_tracking(w, &m.options.tracking);
    let r = &m.repeat;
    w.node("repeat", |w| {
        w.leaf("repeatType", r.kind.wire());
        if r.is_recurring() {
            if let Some(e) = r.expiration {
                w.leaf("expirationDate", e.format("%m/%d/%Y 00:00:00").to_string());
            }
            crate::meeting::write_days(w, &r.days_in_week);
            w.leaf_opt("dayInMonth", r.day_in_month).leaf("interval", r.interval);
            w.leaf_opt("weekInMonth", r.week_in_month);
        }
    });
    let rm = &m.options.remind;
    w.node("remind", |w| {
        if let Some(v) = rm.enabled {
            w.flag("enableReminder", v);
        }
        w.leaf_opt("daysAhead", rm.days_ahead).leaf_opt("hoursAhead", rm.hours_ahead);
        w.leaf_opt("minutesAhead", rm.minutes_ahead);
    });
    for (block, limited) in [("fullAccessAttendees", false), ("limitedAccessAttendees", true)] {
        w.node(block, |w| {
            for i in m.invitees.iter().filter(|i| (i.role == "LIMITED") == limited) {
                w.node("attendee", |w| {
                    w.leaf("name", &i.name).leaf("email", &i.email);
                });
            }
        });
    }
    w.node("attendeeOptions", |w| {
        w.flag("excludePassword", m.attendee_options.exclude_password);
        w.flag("requireAccount", m.attendee_options.join_requires_account);
        w.flag("emailInvitations", m.attendee_options.email_invitations);
    });
    w.leaf("meetingUUID", &m.uuid).leaf("hostType", "1019001");
    Ok(())
}
