//! The meeting type service (`mtgtype:`): the site's meeting types and their limits.

use kaigi_core::model::MeetingTypeDef;
use kaigi_core::Error;

use crate::codes::Failure;
use crate::values::{list_control, parse_num};
use crate::writer::BodyWriter;
use crate::Ctx;

fn write_type(w: &mut BodyWriter, t: &MeetingTypeDef) {
    w.leaf("productCodePrefix", &t.code)
        .leaf("active", "ACTIVATED")
        .leaf("name", &t.code)
        .leaf("displayName", &t.display_name);
    w.node("limits", |w| {
        for name in ["maxAppShareDuration", "maxAppShareUser", "maxDesktopShareDuration", "maxDesktopShareUser"] {
            w.leaf(name, if name.ends_with("User") { t.max_users } else { 1440 });
        }
        w.leaf("maxFileTransferUser", t.max_users).leaf("maxMeetingDuration", 1440).leaf("maxMeetingUser", t.max_users);
        w.leaf("maxRecordUser", t.max_users).leaf("maxVideoDuration", 1440).leaf("maxVideoUser", t.max_users);
        w.leaf("maxWebTourDuration", 1440).leaf("maxWebTourUser", t.max_users);
    });
    w.node("options", |w| {
        w.flag("supportAppShare", true);
        w.flag("supportFileShare", true).flag("supportChat", true).flag("supportDesktopShare", true);
        w.flag("supportMeetingRecord", true).flag("supportPoll", true).flag("supportPresentation", true);
        w.flag("supportE2E", t.e2ee).flag("supportPKI", false);
        w.flag("supportVideo", true).flag("supportVoIP", true);
    });
    w.node("phoneNumbers", |w| {
        w.leaf("primaryTollCallInNumber", "").leaf("primaryTollFreeCallInNumber", "");
    });
    w.leaf("meetingTypeID", t.id);
    w.node("serviceTypes", |w| {
        w.leaf("serviceType", &t.service);
    });
    w.flag("SupportPrivateMeeting", true);
}

pub async fn lst_meeting_type(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    ctx.caller.require_user()?;
    let ids: Vec<u32> = ctx
        .body
        .children_named("meetingTypeID")
        .filter(|e| !e.text.is_empty())
        .map(|e| parse_num("meetingTypeID", &e.text))
        .collect::<Result<_, _>>()?;
    let window = list_control(ctx.body, 50)?;
    let all: Vec<&MeetingTypeDef> =
        ctx.caller.site.settings.meeting_types.iter().filter(|t| ids.is_empty() || ids.contains(&t.id)).collect();
    let page: Vec<&&MeetingTypeDef> =
        all.iter().skip(window.start_from as usize - 1).take(window.maximum as usize).collect();
    if page.is_empty() {
        return Err(Failure::from(&Error::NoRecords));
    }
    w.matching_records(all.len() as u64, page.len(), u64::from(window.start_from));
    for t in page {
        w.node("meetingType", |w| write_type(w, t));
    }
    Ok(())
}

pub async fn get_meeting_type(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    ctx.caller.require_user()?;
    let id: u32 = parse_num(
        "meetingTypeID",
        ctx.body.value_of("meetingTypeID").ok_or_else(|| Failure::invalid("meetingTypeID", "is required"))?,
    )?;
    let t = ctx.caller.site.settings.meeting_type(id).ok_or_else(|| Failure::from(&Error::NoRecords))?;
    write_type(w, t);
    Ok(())
}
