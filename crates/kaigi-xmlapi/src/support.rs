//! Support Center (`sc:`): CreateSupportSession (`metaData?`, `tracking?`) → `sc:sessionKey`.
//! The core's meeting use case with `SessionKind::Support` does the work.

use kaigi_core::model::SessionKind;

use crate::codes::Failure;
use crate::meeting::meeting_fields;
use crate::writer::BodyWriter;
use crate::Ctx;

pub async fn create(ctx: &Ctx<'_>, w: &mut BodyWriter) -> Result<(), Failure> {
    let m = ctx.kaigi.create_meeting(ctx.caller, SessionKind::Support, &meeting_fields(ctx.body)?).await?;
    w.leaf("sessionKey", m.meeting_key);
    Ok(())
}
