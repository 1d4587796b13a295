//! Reading what clients send, with the tolerance real clients need: query strings decoded as
//! forms (repeated names keep their first value; `+` is a space, and a space where a time's
//! offset sign belongs is read as `+`), booleans as `true`/`True`/`1`, times in any ISO 8601
//! form (naive times are read in the request's zone), and JSON bodies of limited size.

use axum::body::{to_bytes, Body};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::error::{Refusal, RestResult};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest query string accepted.
const MAX_QUERY: usize = 16 * 1024;

/// What a query value keeps as it is: RFC 3986's unreserved characters. Every other byte of its
/// UTF-8 is `%XX` (upper-case hex), a space included (`%20`, not `+`).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// A decoded query string, in order.
#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> RestResult<Self> {
        let raw = raw.unwrap_or_default();
        if raw.len() > MAX_QUERY {
            return Err(Refusal::QueryTooLong.into());
        }
        // application/x-www-form-urlencoded: `&` between pairs (empty ones skipped), the first
        // `=` between name and value (none: an empty value), `+` is a space, `%XX` a byte (a `%`
        // without two hex digits stays as it is), and bytes that are not UTF-8 become U+FFFD.
        Ok(Params(form_urlencoded::parse(raw.as_bytes()).into_owned().collect()))
    }

    /// The first non-empty value of `name` (a bare `max` or `max=null` counts as absent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == name && !v.trim().is_empty() && v.trim() != "null").map(|(_, v)| v.trim())
    }

    /// A parameter that names someone (`userEmail`, `hostEmail`): absent is None, but present and
    /// empty is a 400 rather than a silent "nobody".
    pub fn named(&self, name: &'static str) -> RestResult<Option<&str>> {
        let present = self.0.iter().any(|(k, _)| k == name);
        match self.get(name) {
            None if present => Err(Refusal::EmptyParameter(name).into()),
            v => Ok(v),
        }
    }

    pub fn flag(&self, name: &'static str) -> RestResult<Option<bool>> {
        self.get(name).map(|v| parse_bool(v).ok_or_else(|| Refusal::NotBoolean(name).into())).transpose()
    }

    pub fn number(&self, name: &'static str) -> RestResult<Option<u64>> {
        self.get(name).map(|v| v.parse().map_err(|_| Refusal::NotNumber(name).into())).transpose()
    }

    pub fn time(&self, name: &'static str, zone: Tz) -> RestResult<Option<DateTime<Utc>>> {
        self.get(name).map(|v| parse_time(v, zone).ok_or_else(|| Refusal::NotDateTime(name).into())).transpose()
    }
}

pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// Any ISO 8601 date-time: with `Z` or an offset (`+09:00`, `+0900`, or `09:00` after a space
/// that was a `+` in a query string), with or without seconds and fractions; naive forms and a
/// date alone are read in `zone`.
pub fn parse_time(v: &str, zone: Tz) -> Option<DateTime<Utc>> {
    // Years outside 1970..=9999 are refused, so no later arithmetic can leave chrono's range.
    parse_any_time(v, zone).filter(|t| (1970..=9999).contains(&t.year()))
}

fn parse_any_time(v: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let v = v.trim();
    if v.len() < 10 || v.len() > 40 {
        return None;
    }
    // A space after the date's own separator stands for a '+' lost in query decoding.
    let fixed: String = v
        .char_indices()
        .map(|(i, c)| if c == ' ' && i > 10 { '+' } else { c })
        .collect::<String>()
        .replacen(' ', "T", 1);
    if let Ok(t) = DateTime::parse_from_rfc3339(&fixed) {
        return Some(t.with_timezone(&Utc));
    }
    let upper = fixed.replace('z', "Z");
    for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(t) = DateTime::parse_from_str(&upper, f) {
            return Some(t.with_timezone(&Utc));
        }
    }
    if let Some(naive) = upper.strip_suffix('Z') {
        return naive_time(naive).map(|n| n.and_utc());
    }
    let local = naive_time(&upper)?;
    zone.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc))
}

fn naive_time(v: &str) -> Option<NaiveDateTime> {
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, f) {
            return Some(t);
        }
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// A time as responses carry it, in `zone`: `2026-06-01T09:00:00Z` in UTC, else with the offset.
pub fn format_time(t: DateTime<Utc>, zone: Tz) -> String {
    if zone == Tz::UTC || zone == Tz::Etc__UTC {
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        t.with_timezone(&zone).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// The zone named by the `timezone` request header (IANA); UTC when absent.
pub fn header_zone(headers: &axum::http::HeaderMap) -> RestResult<Option<Tz>> {
    let Some(v) = headers.get("timezone") else { return Ok(None) };
    let name = v.to_str().map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Ok(None);
    }
    name.parse::<Tz>().map(Some).map_err(|_| Refusal::UnknownZoneHeader(name.to_string()).into())
}

/// Reads a JSON body of at most [`MAX_BODY_BYTES`], whatever its Content-Type says (the spec
/// declares `application/json-patch+json` for PATCH; clients send `application/json`). Unknown
/// fields are ignored.
pub async fn json_body<T: DeserializeOwned>(body: Body) -> RestResult<T> {
    let bytes = to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| Refusal::BodyTooLarge { limit: MAX_BODY_BYTES })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Refusal::EmptyBody.into());
    }
    serde_json::from_slice(&bytes).map_err(|e| Refusal::BadJson(e.to_string()).into())
}

/// A boolean that may arrive as `true`, `"true"` or `"True"`.
pub fn loose_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Bool(b)) => Ok(Some(b)),
        Some(serde_json::Value::String(s)) => {
            parse_bool(&s).map(Some).ok_or_else(|| serde::de::Error::custom(format!("{s} is not a boolean")))
        }
        Some(other) => Err(serde::de::Error::custom(format!("{other} is not a boolean"))),
    }
}

/// A field where JSON `null` (clear it) differs from an absent field (leave it).
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The `{id}` of a path, with a JSON 404 (not axum's plain-text rejection) when it cannot be read.
pub struct PathId(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PathId {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(PathId(id)),
            Err(_) => Err(Refusal::UnreadablePath),
        }
    }
}

/// The two ids of a nested path (`/meetings/{meetingId}/registrants/{registrantId}`), with a JSON
/// 404 when they cannot be read.
pub struct PathIds(pub String, pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PathIds {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<(String, String)>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path((a, b))) => Ok(PathIds(a, b)),
            Err(_) => Err(Refusal::UnreadablePath),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn times_in_every_form_clients_send() {
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        let want = utc("2026-06-01T00:00:00Z");
        for v in [
            "2026-06-01T00:00:00Z",
            "2026-06-01T00:00:00.000Z",
            "2026-06-01T09:00:00+09:00",
            "2026-06-01T09:00:00 09:00",
            "2026-06-01T09:00:00+0900",
            "2026-06-01T09:00+09:00",
            "2026-06-01T00:00Z",
        ] {
            assert_eq!(parse_time(v, Tz::UTC), Some(want), "{v}");
        }
        assert_eq!(parse_time("2026-06-01T09:00:00", tokyo), Some(want));
        assert_eq!(parse_time("2026-06-01 09:00:00", tokyo), Some(want));
        assert_eq!(parse_time("2026-06-01T00:00:00", Tz::UTC), Some(want));
        for bad in [
            "",
            "tomorrow",
            "0001-01-01T00:00:00Z",
            "+262143-01-01T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-06-01T25:00:00Z",
            "06/01/2026 09:00",
        ] {
            assert_eq!(parse_time(bad, Tz::UTC), None, "{bad}");
        }
        assert_eq!(format_time(want, tokyo), "2026-06-01T09:00:00+09:00");
        assert_eq!(format_time(want, Tz::UTC), "2026-06-01T00:00:00Z");
    }

    fn pairs(raw: &str) -> Vec<(String, String)> {
        Params::parse(Some(raw)).unwrap().0
    }

    /// What the hand-written decoder did, pinned (the crates were compared with it over every
    /// ASCII pair and more when they replaced it).
    #[test]
    fn queries_decode_as_forms_do() {
        let cases: [(&str, &[(&str, &str)]); 12] = [
            ("a+b=c+d", &[("a b", "c d")]),
            ("q=%2B+%2b", &[("q", "+ +")]),
            ("q=%zz%4%", &[("q", "%zz%4%")]),
            ("q=%%41%4", &[("q", "%A%4")]),
            ("q=%c3%a9&r=%C3%A9", &[("q", "é"), ("r", "é")]),
            ("q=%FF%C3", &[("q", "\u{FFFD}\u{FFFD}")]),
            ("q=%00%0A", &[("q", "\0\n")]),
            ("&&a=b=c&&x&=v&", &[("a", "b=c"), ("x", ""), ("", "v")]),
            ("%E6%97%A5=%E8%AA%9E&日本=語", &[("日", "語"), ("日本", "語")]),
            ("q=a;b", &[("q", "a;b")]),
            ("q=%2526", &[("q", "%26")]),
            ("", &[]),
        ];
        for (raw, want) in cases {
            let want: Vec<(String, String)> = want.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            assert_eq!(pairs(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn values_are_encoded_but_for_the_unreserved_characters() {
        for b in 0u8..128 {
            let c = char::from(b);
            let kept = c.is_ascii_alphanumeric() || "-_.~".contains(c);
            let want = if kept { c.to_string() } else { format!("%{b:02X}") };
            assert_eq!(encode(&c.to_string()), want, "{b}");
        }
        assert_eq!(encode("a b+c/é"), "a%20b%2Bc%2F%C3%A9");
        assert_eq!(encode("😀~"), "%F0%9F%98%80~");
        // What is encoded reads back as it was.
        let every: String = (1u32..0x800).chain(0x1f600..0x1f650).filter_map(char::from_u32).collect();
        assert_eq!(pairs(&format!("k={}", encode(&every))), vec![("k".to_string(), every)]);
    }

    #[test]
    fn queries_decode_like_forms_and_keep_the_first_value() {
        let p = Params::parse(Some("from=2026-06-01T09:00:00+09:00&max=2&max=5&current=True&q=a%20b%2B&x&max=null"))
            .unwrap();
        assert_eq!(p.time("from", Tz::UTC).unwrap(), Some(utc("2026-06-01T00:00:00Z")));
        assert_eq!(p.number("max").unwrap(), Some(2));
        assert_eq!(p.flag("current").unwrap(), Some(true));
        assert_eq!(p.get("q"), Some("a b+"));
        assert_eq!(p.get("x"), None);
        assert!(p.flag("q").is_err());
        assert_eq!(Params::parse(Some("bad=%zz%4")).unwrap().get("bad"), Some("%zz%4"));
        assert_eq!(encode("a b+c/é"), "a%20b%2Bc%2F%C3%A9");
    }
}
