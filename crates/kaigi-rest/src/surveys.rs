//! A meeting's survey (`/v1/meetings/{meetingId}/survey`, `/surveyLinks`, `/surveyResults`).
//! kaigi has no survey builder, so no meeting has a survey: reading one or asking for its links
//! is the 404 of a meeting without a survey, and its results are an empty list. The meeting
//! itself must exist and be the caller's to read.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kaigi_core::model::SeriesRef;
use serde_json::json;

use crate::auth::Auth;
use crate::error::{Refusal, RestResult};
use crate::meetings::{checked_query, Access};
use crate::params::PathId;
use crate::RestState;

async fn readable(state: &RestState, who: &kaigi_core::model::TokenCaller, id: &str) -> RestResult<()> {
    let r = SeriesRef::parse(id).ok_or(Refusal::UnknownMeeting)?;
    let series = SeriesRef::Series(r.series().to_string());
    state.kaigi.get_series(&who.caller, &series).await?;
    Ok(())
}

/// `GET /v1/meetings/{meetingId}/survey` → 404.
pub async fn survey(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    checked_query(&state, &who, raw.as_deref(), Access::Read).await?;
    readable(&state, &who, &id).await?;
    Err(Refusal::NoSurvey.into())
}

/// `POST /v1/meetings/{meetingId}/surveyLinks` → 404.
pub async fn links(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    checked_query(&state, &who, raw.as_deref(), Access::Read).await?;
    readable(&state, &who, &id).await?;
    Err(Refusal::NoSurvey.into())
}

/// `GET /v1/meetings/{meetingId}/surveyResults` → `{"items": []}`.
pub async fn results(
    State(state): State<RestState>,
    Auth(who): Auth,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> RestResult<Response> {
    let params = checked_query(&state, &who, raw.as_deref(), Access::Read).await?;
    for name in ["meetingStartTimeFrom", "meetingStartTimeTo"] {
        params.time(name, chrono_tz::Tz::UTC)?;
    }
    params.number("max")?;
    readable(&state, &who, &id).await?;
    Ok(Json(json!({ "items": [] })).into_response())
}
