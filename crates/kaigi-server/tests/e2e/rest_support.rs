//! Helpers for the REST tests: bearer tokens made by the core (as `kaigi token create` makes
//! them) and JSON requests over real HTTP.

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::support::*;

pub struct RestReply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl RestReply {
    /// The description of the first error of a Webex error JSON.
    pub fn description(&self) -> String {
        self.body["errors"][0]["description"].as_str().unwrap_or_default().to_string()
    }

    /// Asserts the Webex error shape and status.
    #[track_caller]
    pub fn assert_error(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(self.body["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", self.body);
        assert!(!self.description().is_empty(), "{}", self.body);
        let tracking = self.body["trackingId"].as_str().unwrap_or_default();
        assert!(!tracking.is_empty(), "{}", self.body);
        assert_eq!(self.headers["trackingid"].to_str().unwrap(), tracking);
        assert!(self.headers["content-type"].to_str().unwrap().starts_with("application/json"));
        self
    }

    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "{}", self.body);
        &self.body
    }
}

/// A personal token for `webex_id` with every scope the role allows, or only `scopes`.
pub async fn token(s: &TestServer, webex_id: &str, scopes: Option<&[&str]>) -> String {
    let narrow: Option<Vec<String>> = scopes.map(|l| l.iter().map(|s| s.to_string()).collect());
    s.kaigi.create_personal_token(&s.site, webex_id, narrow.as_deref()).await.expect("token").token
}

/// A request to `path` (absolute URLs are taken as they are).
pub async fn rest(s: &TestServer, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> RestReply {
    rest_raw(s, method, path, token, body.map(|b| b.to_string()), &[]).await
}

pub async fn rest_raw(
    s: &TestServer,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
    headers: &[(&str, &str)],
) -> RestReply {
    let url = if path.starts_with("http") { path.to_string() } else { format!("{}{path}", s.base) };
    let client = reqwest::Client::new();
    let mut req = client.request(method.parse().unwrap(), url);
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    if let Some(b) = body {
        req = req.header("Content-Type", "application/json").body(b);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
    };
    RestReply { status, headers, body }
}
