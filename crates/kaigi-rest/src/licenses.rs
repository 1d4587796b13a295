//! `/v1/licenses`: the site's one meeting licence, with the units bought and in use.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::Site;
use kaigi_core::rules::scopes::{self, Operation};
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::params::PathId;
use crate::{ids, site_url, RestState};

async fn licence_json(state: &RestState, site: &Site) -> RestResult<Value> {
    let summary = state.kaigi.licence_summary(site).await?;
    let mut v = json!({
        "id": ids::licence(site.id),
        "name": "Meeting - Webex Meeting Center",
        "consumedUnits": summary.consumed,
        "consumedByUsers": summary.consumed,
        "consumedByWorkspaces": 0,
        "siteUrl": site_url(state, site),
        "siteType": "Control Hub managed site",
    });
    if let Some(total) = summary.total {
        v["totalUnits"] = json!(total);
    }
    Ok(v)
}

fn require(who: &kaigi_core::model::TokenCaller) -> RestResult<()> {
    Ok(scopes::require(who, Operation::ReadLicenses)?)
}

/// `GET /v1/licenses`.
pub async fn list(State(state): State<RestState>, Auth(who): Auth) -> RestResult<Response> {
    require(&who)?;
    let item = licence_json(&state, &who.caller.site).await?;
    Ok(Json(json!({ "items": [item] })).into_response())
}

/// `GET /v1/licenses/{licenseId}`.
pub async fn get_one(State(state): State<RestState>, Auth(who): Auth, PathId(id): PathId) -> RestResult<Response> {
    require(&who)?;
    if id.trim() != ids::licence(who.caller.site.id) {
        return Err(Refusal::UnknownLicence.into());
    }
    Ok(Json(licence_json(&state, &who.caller.site).await?).into_response())
}
