//! Recordings in the general session service (`ep:`): LstRecording, GetRecordingInfo,
//! SetRecordingInfo, DelRecording. Request shapes as Moodle's connector sends them.

use kaigi_core::model::{RecordingChange, RecordingItem, RecordingQuery, SessionKind};
use kaigi_core::rules::timezone;

use crate::codes::Failure;
use crate::element::Element;
use crate::meeting::{local, zone};
use crate::session::kind_of;
use crate::values::{list_control, opt_datetime, opt_num, opt_string, parse_num};
use crate::writer::BodyWriter;
use crate::Ctx;

/// `size` in megabytes, as the service writes a float.
fn megabytes(kb: u64) -> String {
    format!("{:.2}", kb as f64 / 1024.0)
}

fn recording_id(body: &Element) -> Result<i64, Failure> {
    let text = body.value_of("recordingID").ok_or_else(|| Failure::invalid("recordingID", "is required"))?;
    parse_num("recordingID", text)
}

fn write_recording(w: &mut BodyWriter, item: &RecordingItem, tz: u16, details: bool) {
    let r = &item.recording;
    w.node("recording", |w| {
        w.leaf("recordingID", r.id).leaf("hostWebExID", &item.host.webex_id).leaf("name", &r.name);
        w.leaf("description", &r.description).leaf("createTime", local(r.created_at, tz)).leaf("timeZoneID", tz);
        w.leaf("size", megabytes(r.size_kb)).leaf("streamURL", &r.stream_url).leaf("fileURL", &r.file_url);
        w.leaf("sessionKey", r.meeting_key).leaf("recordingType", 0).leaf("duration", r.duration_s);
        w.leaf("listing", "PUBLIC").leaf("format", &r.format).leaf("serviceType", r.kind.service_type());
        w.flag("passwordReq", r.password.is_some()).flag("registerReq", false);
        w.leaf("confID", r.conf_id);
        if details {
            w.leaf_opt("password", r.password.as_deref());
        }
        w.leaf("meetingUUID", &r.meeting_uuid).leaf("recordingUUID", &r.recording_uuid);
    });
}

pub async fn lst_recording(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let body = ctx.body;
    let window = list_control(body, 500)?;
    let scope = body.child("createTimeScope");
    let tz = scope
        .and_then(|s| s.value_of("timeZoneID"))
        .and_then(|t| t.trim().parse::<u16>().ok())
        .filter(|id| timezone::by_id(*id).is_some())
        .unwrap_or(timezone::GMT_ID);
    let time = |name: &str| -> Result<_, Failure> {
        let Some(scope) = scope else { return Ok(None) };
        match opt_datetime(scope, name)? {
            Some(local) => {
                zone(tz).to_utc(local).map(Some).map_err(|_| Failure::invalid("createTimeScope", "bad time"))
            }
            None => Ok(None),
        }
    };
    let mut kinds = Vec::new();
    if let Some(types) = body.child("serviceTypes") {
        for t in types.children_named("serviceType").filter(|t| !t.text.trim().is_empty()) {
            let kind = kind_of(&t.text)?;
            kinds.push(kind);
            if kind == SessionKind::Meeting {
                kinds.push(SessionKind::Teleconference);
            }
        }
    }
    let q = RecordingQuery {
        host_webex_id: opt_string(body, "hostWebExID").filter(|s| !s.trim().is_empty()),
        meeting_key: opt_num(body, "sessionKey")?,
        meeting_uuid: opt_string(body, "meetingUUID").filter(|s| !s.trim().is_empty()),
        created_from: time("createTimeStart")?,
        created_to: time("createTimeEnd")?,
        name: opt_string(body, "recordName").filter(|s| !s.trim().is_empty()),
        kinds,
        offset: window.start_from - 1,
        limit: window.maximum,
    };
    let details = crate::values::opt_bool(body, "returnSessionDetails")?.unwrap_or(false);
    let page = ctx.kaigi.list_recordings(ctx.caller, &q).await?;
    w.matching_records(page.total, page.items.len(), u64::from(window.start_from));
    for item in &page.items {
        write_recording(w, item, tz, details);
    }
    Ok(())
}

pub async fn get_recording_info(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let item = ctx.kaigi.recording_info(ctx.caller, recording_id(ctx.body)?).await?;
    let r = &item.recording;
    w.node("basic", |w| {
        w.leaf("topic", &r.name).leaf("listing", "PUBLIC").leaf("presenter", item.host.display_name());
        w.leaf("email", &item.host.email).leaf("agenda", "").leaf("description", &r.description);
    });
    w.node("playback", |w| {
        w.flag("chat", true).flag("supportQandA", true).flag("video", true).flag("polling", true);
        w.flag("notes", true).flag("fileShare", true).flag("attendeeList", true).flag("toc", true);
        w.leaf("range", "FULL");
    });
    w.node("fileAccess", |w| {
        w.flag("registration", false).flag("attendeeView", true).flag("attendeeDownload", true);
        w.leaf_opt("password", r.password.as_deref());
    });
    Ok(())
}

pub async fn set_recording_info(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let rec = ctx.body.child("recording").ok_or_else(|| Failure::invalid("recording", "is required"))?;
    let id = recording_id(rec)?;
    let change = RecordingChange {
        name: ctx.body.child("basic").and_then(|b| opt_string(b, "topic")),
        description: opt_string(rec, "description"),
        password: opt_string(rec, "password"),
    };
    let r = ctx.kaigi.set_recording_info(ctx.caller, id, &change).await?;
    w.leaf("recordingID", r.id);
    Ok(())
}

pub async fn del_recording(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let id = recording_id(ctx.body)?;
    ctx.kaigi.delete_recording(ctx.caller, id).await?;
    w.leaf("recordingID", id);
    Ok(())
}
