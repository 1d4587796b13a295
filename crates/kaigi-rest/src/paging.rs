//! RFC 5988 paging: a `Link: <absolute-url>; rel="next"` header that repeats every filter of the
//! request, so clients that follow only the link (wxc-sdk) keep their filters. The URL is built
//! on the public base URL, like every link kaigi hands out.

use axum::http::{header, HeaderValue};
use axum::response::Response;
use chrono::DateTime;
use kaigi_core::model::ListCursor;

use crate::error::{Refusal, RestResult};
use crate::params::{encode, Params};

/// The query parameter short lists page with (how many items of the full result to skip).
pub const OFFSET: &str = "offset";
/// The query parameter the meeting list pages with: where the previous page ended, so that a
/// page costs the same at the start and at the end of a long list (kaigi's own; clients only
/// follow the link).
pub const CURSOR: &str = "cursor";

/// Adds the next-page link to `response` when `more` items follow.
pub fn link_next(response: &mut Response, base: &str, path: &str, params: &Params, offset: usize, more: bool) {
    if more {
        link_with(response, base, path, params, OFFSET, &offset.to_string());
    }
}

/// Adds the next-page link to `response` when the page ended at `next`.
pub fn link_after(response: &mut Response, base: &str, path: &str, params: &Params, next: Option<ListCursor>) {
    if let Some((start, id)) = next {
        link_with(response, base, path, params, CURSOR, &format!("{}.{id}", start.timestamp_millis()));
    }
}

/// The `cursor` parameter of a request, if any.
pub fn cursor(params: &Params) -> RestResult<Option<ListCursor>> {
    let Some(raw) = params.get(CURSOR) else { return Ok(None) };
    let parsed = raw.split_once('.').and_then(|(ms, id)| {
        let start = DateTime::from_timestamp_millis(ms.parse().ok()?)?;
        Some((start, id.parse().ok()?))
    });
    Ok(Some(parsed.ok_or(Refusal::ForeignCursor)?))
}

fn link_with(response: &mut Response, base: &str, path: &str, params: &Params, name: &str, value: &str) {
    let mut seen: Vec<&str> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    for (k, v) in &params.0 {
        // One value per name (the first), and our own paging parameters replaced.
        if k == OFFSET || k == CURSOR || seen.contains(&k.as_str()) || v.trim().is_empty() || v.trim() == "null" {
            continue;
        }
        seen.push(k);
        parts.push(format!("{}={}", encode(k), encode(v.trim())));
    }
    parts.push(format!("{name}={}", encode(value)));
    let url = format!("{base}{path}?{}", parts.join("&"));
    if let Ok(v) = HeaderValue::from_str(&format!("<{url}>; rel=\"next\"")) {
        response.headers_mut().insert(header::LINK, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;

    #[test]
    fn the_next_link_is_absolute_and_repeats_every_filter() {
        let p = Params::parse(Some("from=2026-06-01T09:00:00+09:00&max=1&offset=1&max=3")).unwrap();
        let mut r = ().into_response();
        link_next(&mut r, "http://kaigi.test", "/v1/meetings", &p, 2, true);
        assert_eq!(
            r.headers()[header::LINK],
            "<http://kaigi.test/v1/meetings?from=2026-06-01T09%3A00%3A00%2009%3A00&max=1&offset=2>; rel=\"next\""
        );
        let mut last = ().into_response();
        link_next(&mut last, "http://kaigi.test", "/v1/meetings", &p, 2, false);
        assert!(last.headers().get(header::LINK).is_none());
    }

    #[test]
    fn a_cursor_link_reads_back_and_a_forged_cursor_is_refused() {
        let p = Params::parse(Some("max=2&cursor=1.1")).unwrap();
        let at = DateTime::from_timestamp_millis(1_795_000_000_000).unwrap();
        let mut r = ().into_response();
        link_after(&mut r, "http://kaigi.test", "/v1/meetings", &p, Some((at, 42)));
        let link = r.headers()[header::LINK].to_str().unwrap().to_string();
        assert_eq!(link, "<http://kaigi.test/v1/meetings?max=2&cursor=1795000000000.42>; rel=\"next\"");
        let query = link.split_once('?').unwrap().1.split_once('>').unwrap().0;
        assert_eq!(cursor(&Params::parse(Some(query)).unwrap()).unwrap(), Some((at, 42)));
        for bad in ["cursor=x", "cursor=12", "cursor=1.x", "cursor=99999999999999999999.1"] {
            assert!(cursor(&Params::parse(Some(bad)).unwrap()).is_err(), "{bad}");
        }
        assert_eq!(cursor(&Params::parse(Some("max=1")).unwrap()).unwrap(), None);
    }
}
