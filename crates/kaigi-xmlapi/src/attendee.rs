//! The attendee service (`att:`): CreateMeetingAttendee, RegisterMeetingAttendee,
//! LstMeetingAttendee, DelMeetingAttendee, GetEnrollmentInfo. Decodes the request shapes the
//! public clients send and encodes the answers; the rules are in `kaigi_core::attendees`.

use std::collections::BTreeMap;

use kaigi_core::model::language;
use kaigi_core::model::{Attendee, AttendeeRole, AttendeeTarget, JoinStatus, Meeting, MeetingRef, NewAttendee};
use kaigi_core::Error;

use crate::codes::Failure;
use crate::element::Element;
use crate::meeting::meeting_ref;
use crate::values::{list_control, opt_bool, opt_num, parse_num};
use crate::writer::BodyWriter;
use crate::Ctx;

/// Registration-form fields kept in an attendee's profile, as `person` names them.
const PROFILE_FIELDS: [&str; 8] = ["company", "title", "url", "phone", "mobilePhone", "fax", "notes", "address1"];

/// The meeting an element names, if it names one.
fn opt_meeting_ref(el: &Element) -> Result<Option<MeetingRef>, Failure> {
    if ["meetingKey", "sessionKey", "meetingUUID"].iter().any(|n| el.value_of(n).is_some()) {
        meeting_ref(el).map(Some)
    } else {
        Ok(None)
    }
}

/// One attendee from an element holding `person` and its options; `outer` supplies what the
/// element leaves out (the Zimbra form repeats nothing but the person).
fn new_attendee(el: &Element, outer: &Element) -> Result<NewAttendee, Failure> {
    let person = el.child("person").ok_or_else(|| Failure::invalid("person", "is required"))?;
    let email = person.value_of("email").ok_or_else(|| Failure::invalid("email", "is required"))?;
    let pick = |name: &str| el.value_of(name).or_else(|| outer.value_of(name));
    let role = pick("role")
        .map(|r| {
            AttendeeRole::parse(r)
                .ok_or_else(|| Failure::invalid("role", "must be ATTENDEE, PRESENTER, HOST or LIMITED"))
        })
        .transpose()?;
    let join_status = pick("joinStatus")
        .map(|j| {
            JoinStatus::parse(j)
                .ok_or_else(|| Failure::invalid("joinStatus", "must be INVITE, REGISTER, ACCEPT or REJECT"))
        })
        .transpose()?;
    let email_invitations = match opt_bool(el, "emailInvitations")? {
        Some(b) => b,
        None => opt_bool(outer, "emailInvitations")?.unwrap_or(false),
    };
    let meeting = match opt_meeting_ref(el)? {
        Some(r) => r,
        None => meeting_ref(outer)?,
    };
    let mut profile = BTreeMap::new();
    for field in PROFILE_FIELDS {
        if let Some(v) = person.value_of(field).or_else(|| person.child("phones").and_then(|p| p.value_of(field))) {
            profile.insert(field.to_string(), v.to_string());
        }
    }
    if let Some(addr) = person.child("address") {
        for c in addr.children.iter().filter(|c| !c.text.is_empty()) {
            profile.insert(c.name.clone(), c.text.clone());
        }
    }
    let time_zone_id = match opt_num::<u16>(el, "timeZoneID")? {
        Some(t) => Some(t),
        None => opt_num::<u16>(outer, "timeZoneID")?,
    };
    Ok(NewAttendee {
        name: person.value_of("name").unwrap_or_default().to_string(),
        first_name: person.value_of("firstName").unwrap_or_default().to_string(),
        last_name: person.value_of("lastName").unwrap_or_default().to_string(),
        email: email.to_string(),
        role,
        join_status,
        email_invitations,
        language: pick("language").map(str::to_string),
        locale: pick("locale").map(str::to_string),
        time_zone_id,
        profile,
        meeting,
    })
}

/// Every person of a request: a top-level `person` (SugarCRM, Zimbra's first one) and each
/// `attendees` block (Zimbra's extra ones, webexpy's list).
fn people(body: &Element) -> Result<Vec<NewAttendee>, Failure> {
    let mut out = Vec::new();
    if body.child("person").is_some() {
        out.push(new_attendee(body, body)?);
    }
    for a in body.children_named("attendees") {
        out.push(new_attendee(a, body)?);
    }
    if out.is_empty() {
        return Err(Failure::invalid("person", "is required"));
    }
    Ok(out)
}

fn write_registers(w: &mut BodyWriter, added: &[Attendee]) {
    for a in added {
        if let Some(reg) = a.register_id {
            w.node("register", |w| {
                w.leaf("attendeeID", a.id).leaf("registerID", reg);
            });
        }
    }
}

pub async fn create_meeting_attendee(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let added = ctx.kaigi.add_attendees(ctx.caller, &people(ctx.body)?, false).await?;
    for a in &added {
        w.leaf("attendeeId", a.id);
    }
    write_registers(w, &added);
    Ok(())
}

pub async fn register_meeting_attendee(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let added = ctx.kaigi.add_attendees(ctx.caller, &people(ctx.body)?, true).await?;
    write_registers(w, &added);
    Ok(())
}

fn write_attendee(w: &mut BodyWriter, m: &Meeting, a: &Attendee) {
    w.node("attendee", |w| {
        w.node("person", |w| {
            w.leaf_in("com", "name", &a.name);
            if !a.first_name.is_empty() {
                w.leaf_in("com", "firstName", &a.first_name);
            }
            if !a.last_name.is_empty() {
                w.leaf_in("com", "lastName", &a.last_name);
            }
            w.leaf_in("com", "email", &a.email).leaf_in("com", "type", "VISITOR");
        });
        w.leaf("joinStatus", a.join_status.wire())
            .leaf("meetingKey", m.meeting_key)
            .leaf("meetingUUID", &m.uuid)
            .leaf("sessionKey", m.meeting_key)
            .leaf("language", &a.language)
            .leaf("role", a.role.wire())
            .flag("emailInvitations", a.email_invitations)
            .leaf("locale", &a.locale)
            .leaf("timeZoneID", a.time_zone_id)
            .leaf("languageID", language::id_or_english(&a.language))
            .leaf("attendeeId", a.id)
            .leaf("confID", m.conf_id);
        w.node("status", |w| {
            use kaigi_core::model::AttendeeStatus as S;
            w.flag("invited", a.status == S::Invited)
                .flag("registered", a.status == S::Registered)
                .flag("rejected", a.status == S::Rejected)
                .flag("accepted", a.status == S::Accepted);
        });
        w.leaf_opt("registerID", a.register_id);
    });
}

pub async fn lst_meeting_attendee(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let r = match (opt_meeting_ref(ctx.body)?, ctx.body.value_of("confID")) {
        (Some(r), _) => r,
        (None, Some(conf)) => ctx.kaigi.meeting_by_conf_id(ctx.caller, parse_num("confID", conf)?).await?,
        (None, None) => return Err(Failure::from(Error::NoRecords)),
    };
    let window = list_control(ctx.body, 50)?;
    let offset = window.start_from - 1;
    let (m, page) = ctx.kaigi.list_attendees(ctx.caller, &r, offset, window.maximum).await?;
    w.matching_records(page.total, page.items.len(), u64::from(window.start_from));
    for a in &page.items {
        write_attendee(w, &m, a);
    }
    Ok(())
}

pub async fn del_meeting_attendee(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let b = ctx.body;
    let send_email = opt_bool(b, "sendEmail")?.unwrap_or(false);
    let ids = b
        .children_named("attendeeID")
        .filter(|c| !c.text.is_empty())
        .map(|c| parse_num("attendeeID", &c.text))
        .collect::<Result<Vec<i64>, _>>()?;
    let target = if !ids.is_empty() {
        AttendeeTarget::Ids(ids)
    } else if let Some(by) = b.child("attendeeEmail") {
        let email = by.value_of("email").ok_or_else(|| Failure::invalid("email", "is required"))?;
        let meeting = match opt_meeting_ref(by)? {
            Some(r) => r,
            None => meeting_ref(b)?,
        };
        AttendeeTarget::Email { email: email.to_string(), meeting }
    } else {
        return Err(Failure::invalid("attendeeID", "is required (or attendeeEmail)"));
    };
    ctx.kaigi.delete_attendees(ctx.caller, &target, send_email).await?;
    let _ = w;
    Ok(())
}

/// An enrollment's state in GetEnrollmentInfo's vocabulary (PENDING, APPROVED, REJECTED): every
/// attendee that is neither waiting for approval nor rejected has been let in.
fn enrollment_status(status: kaigi_core::model::AttendeeStatus) -> &'static str {
    use kaigi_core::model::AttendeeStatus as S;
    match status {
        S::Pending => "PENDING",
        S::Rejected => "REJECTED",
        S::Invited | S::Registered | S::Accepted => "APPROVED",
    }
}

pub async fn get_enrollment_info(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let (m, all) = ctx.kaigi.enrollment_info(ctx.caller, &meeting_ref(ctx.body)?).await?;
    w.node("session", |w| {
        w.leaf("confID", m.conf_id);
        for a in &all {
            w.node("attendee", |w| {
                w.leaf("attendeeID", a.id);
                w.node("enrollFields", |w| {
                    for (k, v) in &a.profile {
                        w.leaf(k, v);
                    }
                });
                // 40.4.0: the domain is no longer given; the service answers a single space.
                w.leaf("domain", " ")
                    .leaf("ipAddress", &a.ip_address)
                    .leaf("submitTime", a.submitted_at.format("%m/%d/%Y %H:%M:%S").to_string())
                    .leaf("status", enrollment_status(a.status));
            });
        }
        w.matching_records(all.len() as u64, all.len(), 1);
        w.leaf("sessionKey", m.meeting_key);
    });
    Ok(())
}
