//! The general session service (`ep:`): GetAPIVersion for now; sessions arrive with issue #3.

use crate::codes::Failure;
use crate::element::Element;
use crate::values::opt_bool;
use crate::writer::BodyWriter;

/// What GetAPIVersion reports. `apiVer` names the schema level kaigi follows (40.x behaviours).
pub const API_VERSION: &str = "WebEx XML API V40.7.0";
pub const RELEASE: &str = concat!("kaigi ", env!("CARGO_PKG_VERSION"));
pub const API_VER: &str = "40.7.0";

/// GetAPIVersion needs no credentials at all.
pub fn get_api_version(body: &Element, w: &mut BodyWriter) -> Result<(), Failure> {
    w.leaf("apiVersion", API_VERSION).leaf("release", RELEASE).leaf("apiVer", API_VER);
    if opt_bool(body, "returnTrainReleaseVersion")?.unwrap_or(false) {
        w.leaf("trainReleaseVersion", "T40L").leaf("trainReleaseOrder", 400);
    }
    Ok(())
}
