//! The OAuth endpoints an integration calls itself: `POST /v1/access_token` (a form, with the
//! `authorization_code` and `refresh_token` grants), `POST /v1/applications/{id}/token` (Service
//! App tokens) and `GET /v1/authorizations/tokenExpiry`. The sign-in and consent page
//! (`/v1/authorize`) is a web page and lives in kaigi-server. Refusals carry the Webex error
//! JSON and, beside it, the OAuth `error` code.

use axum::body::{to_bytes, Body};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use kaigi_core::error::OAuthError;
use kaigi_core::model::OauthTokens;
use kaigi_core::Error;
use serde::Deserialize;
use serde_json::json;

use crate::auth::{rest_error, Auth};
use crate::error::{Refusal, RestResult};
use crate::params::{json_body, Params};
use crate::{ids, RestState};

/// Largest form the token endpoint reads.
const MAX_FORM_BYTES: usize = 16 * 1024;

fn token_json(t: &OauthTokens) -> Response {
    let body = json!({
        "access_token": t.access_token,
        "expires_in": t.expires_in,
        "refresh_token": t.refresh_token,
        "refresh_token_expires_in": t.refresh_token_expires_in,
        "token_type": "Bearer",
        "scope": t.scopes.join(" "),
    });
    let mut r = (StatusCode::OK, axum::Json(body)).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Client credentials sent as HTTP Basic (`client_id:client_secret`), the other way RFC 6749
/// allows besides form fields.
fn basic_client(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") || encoded.len() > 2048 {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// `POST /v1/access_token` (application/x-www-form-urlencoded).
pub async fn access_token(State(state): State<RestState>, headers: HeaderMap, body: Body) -> RestResult<Response> {
    let bytes = to_bytes(body, MAX_FORM_BYTES).await.map_err(|_| Refusal::FormTooLarge { limit: MAX_FORM_BYTES })?;
    let text = std::str::from_utf8(&bytes).map_err(|_| Refusal::FormNotUtf8)?;
    let form = Params::parse(Some(text))?;
    let (client_id, client_secret) = match (form.get("client_id"), form.get("client_secret")) {
        (Some(id), Some(secret)) => (id.to_string(), secret.to_string()),
        _ => basic_client(&headers).ok_or(Refusal::NoClientCredentials)?,
    };
    let tokens = match form.get("grant_type") {
        Some("authorization_code") => {
            let code = form.get("code").ok_or(Refusal::OAuthRequired("code"))?;
            let redirect_uri = form.get("redirect_uri");
            let exchanged = state.kaigi.exchange_code(&client_id, &client_secret, code, redirect_uri).await;
            exchanged.map_err(|e| rest_error(&state, e))?
        }
        Some("refresh_token") => {
            let refresh = form.get("refresh_token").ok_or(Refusal::OAuthRequired("refresh_token"))?;
            let refreshed = state.kaigi.refresh_access_token(&client_id, &client_secret, refresh).await;
            refreshed.map_err(|e| rest_error(&state, e))?
        }
        _ => return Err(Error::OAuth(OAuthError::UnsupportedGrantType).into()),
    };
    Ok(token_json(&tokens))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppTokenBody {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: String,
    #[serde(default)]
    target_org_id: Option<String>,
}

/// `POST /v1/applications/{applicationId}/token`: the application id is the Service App's
/// client id, bare or in the vendor's base64 `ciscospark://us/APPLICATION/<clientId>` shape.
pub async fn application_token(
    State(state): State<RestState>,
    Auth(who): Auth,
    Path(application_id): Path<String>,
    body: Body,
) -> RestResult<Response> {
    let b: AppTokenBody = json_body(body).await?;
    let target = match b.target_org_id.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(org) => Some(ids::parse_org(org).ok_or(Refusal::UnknownOrg)?),
        None => None,
    };
    if b.client_secret.is_empty() {
        return Err(Refusal::Required("clientSecret").into());
    }
    let client_id = ids::application_client_id(&application_id);
    let minted = state.kaigi.service_app_tokens(&who, &client_id, &b.client_id, &b.client_secret, target).await;
    let tokens = minted.map_err(|e| rest_error(&state, e))?;
    Ok(token_json(&tokens))
}

/// `GET /v1/authorizations/tokenExpiry`: when the caller's token expires (epoch milliseconds).
pub async fn token_expiry(State(state): State<RestState>, Auth(who): Auth) -> Response {
    let at = state.kaigi.token_expiry(&who);
    axum::Json(json!({ "exp": at.timestamp_millis() })).into_response()
}
