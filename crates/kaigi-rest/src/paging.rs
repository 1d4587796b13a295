//! RFC 5988 paging: a `Link: <absolute-url>; rel="next"` header that repeats every filter of the
//! request, so clients that follow only the link (wxc-sdk) keep their filters. The URL is built
//! on the public base URL, like every link kaigi hands out.

use axum::http::{header, HeaderValue};
use axum::response::Response;

use crate::params::{encode, Params};

/// The query parameter kaigi pages with (how many items of the full result to skip).
pub const OFFSET: &str = "offset";

/// Adds the next-page link to `response` when `more` items follow.
pub fn link_next(response: &mut Response, base: &str, path: &str, params: &Params, offset: usize, more: bool) {
    if !more {
        return;
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    for (k, v) in &params.0 {
        // One value per name (the first), and our own offset replaced.
        if k == OFFSET || seen.contains(&k.as_str()) || v.trim().is_empty() || v.trim() == "null" {
            continue;
        }
        seen.push(k);
        parts.push(format!("{}={}", encode(k), encode(v.trim())));
    }
    parts.push(format!("{OFFSET}={offset}"));
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
}
