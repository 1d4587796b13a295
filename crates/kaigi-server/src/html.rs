//! The little HTML kit of the web pages: escaping, one page layout, cookies and form limits.
//! Pages are rendered on the server from plain strings; every value that a person typed, or that
//! came from the database, goes through [`esc`] on its way into the markup.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The largest form body a page accepts (the booking form with 50 invitees fits easily).
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// Escapes text for element content and for quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#222}\
label{display:block;margin:.6rem 0 .2rem}input,textarea{width:100%;padding:.4rem;box-sizing:border-box}\
button{margin:.8rem .4rem 0 0;padding:.5rem 1rem}.error{background:#fde8e8;border:1px solid #e0a0a0;padding:.6rem}\
.notice{background:#e8f4fd;border:1px solid #a0c4e0;padding:.6rem}dt{font-weight:bold}table{border-collapse:collapse}\
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}";

/// A whole page; `body` is markup the caller built with escaped values. Its forms may post only
/// to kaigi itself.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    page_with_form_target(status, title, body, None)
}

/// A page whose forms' posts are answered with a redirect to `redirect_origin` (the consent page:
/// to the integration's verified redirect URI). Browsers apply `form-action` to the redirect that
/// follows a post too, so that origin joins `'self'` there; every other page keeps `'self'` alone.
pub fn page_with_form_target(status: StatusCode, title: &str, body: &str, redirect_origin: Option<&str>) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t} - kaigi</title>\
         <style>{STYLE}</style></head><body><h1>{t}</h1>{body}</body></html>",
        t = esc(title)
    );
    let mut r = (status, html).into_response();
    let form_action = match redirect_origin {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".into(),
    };
    security_headers(r.headers_mut(), &form_action);
    r
}

/// The headers every HTML page of kaigi carries (the one place they are written): HTML content
/// type, no caching, no framing, no content sniffing, no referrer (links carry meeting tokens),
/// and a Content Security Policy that allows inline styles and inline SVG only, with forms
/// posting to `form_action`.
pub fn security_headers(h: &mut HeaderMap, form_action: &str) {
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    let csp =
        format!("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action {form_action}");
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert("content-security-policy", v);
    }
}

/// `scheme://host[:port]` of an absolute http(s) URL, as a Content-Security-Policy source; None
/// when the URL is not one or its host has characters a source may not (so a policy never takes
/// anything but a host from it).
pub fn csp_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']');
    if host_port.is_empty() || !host_port.bytes().all(allowed) {
        return None;
    }
    Some(format!("{scheme}://{}", host_port.to_ascii_lowercase()))
}

/// A page with one paragraph of text.
pub fn message(status: StatusCode, title: &str, text: &str) -> Response {
    page(status, title, &format!("<p>{}</p>", esc(text)))
}

/// `<p class="error">` when there is an error to show.
pub fn error_box(error: Option<&str>) -> String {
    error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(e))).unwrap_or_default()
}

/// A labelled text input.
pub fn input(name: &str, label: &str, kind: &str, value: &str, required: bool) -> String {
    format!(
        "<label for=\"{n}\">{l}</label><input id=\"{n}\" name=\"{n}\" type=\"{k}\" value=\"{v}\" maxlength=\"256\"{r}>",
        n = esc(name),
        l = esc(label),
        k = esc(kind),
        v = esc(value),
        r = if required { " required" } else { "" }
    )
}

pub fn hidden(name: &str, value: &str) -> String {
    format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", esc(name), esc(value))
}

/// A 303 to `location` (POST-redirect-GET), with cookies to set.
pub fn see_other(location: &str, cookies: &[String]) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r
}

/// Whether kaigi is reached over https (its public URL says so): its cookies are then `Secure`.
pub fn https(kaigi: &kaigi_core::Kaigi) -> bool {
    kaigi.config().public_url.starts_with("https://")
}

/// The `SameSite` attribute of a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    Lax,
    Strict,
}

/// Every cookie kaigi sets (the one place they are written): HttpOnly, scoped to `path`,
/// `Secure` when kaigi is reached over https; `max_age` 0 removes it, None keeps it until the
/// browser closes.
pub fn cookie_with(
    name: &str,
    value: &str,
    path: &str,
    same_site: SameSite,
    secure: bool,
    max_age: Option<u32>,
) -> String {
    let same_site = match same_site {
        SameSite::Lax => "Lax",
        SameSite::Strict => "Strict",
    };
    let secure = if secure { "; Secure" } else { "" };
    let age = max_age.map(|a| format!("; Max-Age={a}")).unwrap_or_default();
    format!("{name}={value}; Path={path}; HttpOnly; SameSite={same_site}{secure}{age}")
}

/// A SameSite=Lax cookie of the pages (see [`cookie_with`]).
pub fn cookie(kaigi: &kaigi_core::Kaigi, name: &str, value: &str, path: &str, max_age: Option<u32>) -> String {
    cookie_with(name, value, path, SameSite::Lax, https(kaigi), max_age)
}

/// The value of cookie `name` in the request.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            esc("<script>alert(\"x\")</script> & 'y'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn a_csp_origin_is_scheme_host_and_port_only() {
        assert_eq!(csp_origin("http://127.0.0.1:9/cb?x=1").as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(csp_origin("https://Booker.example/oauth").as_deref(), Some("https://booker.example"));
        assert_eq!(csp_origin("https://u:p@a.example:8443").as_deref(), Some("https://a.example:8443"));
        assert_eq!(csp_origin("https://[::1]:8443/cb").as_deref(), Some("https://[::1]:8443"));
        for bad in ["javascript:x", "https://a.example;script-src*/cb", "https:///cb", "https://a b/", "ftp://a/"] {
            assert_eq!(csp_origin(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_the_named_redirect_origin_joins_form_action() {
        let csp = |r: &Response| r.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp(&page(StatusCode::OK, "t", "")).ends_with("form-action 'self'"));
        let consent = page_with_form_target(StatusCode::OK, "t", "", Some("https://a.example"));
        assert!(csp(&consent).ends_with("form-action 'self' https://a.example"));
    }

    #[test]
    fn cookies_are_http_only_and_secure_over_https() {
        let c = cookie_with("kaigi_s", "v", "/book", SameSite::Lax, true, Some(60));
        assert_eq!(c, "kaigi_s=v; Path=/book; HttpOnly; SameSite=Lax; Secure; Max-Age=60");
        let c = cookie_with("kaigi_s", "", "/book", SameSite::Lax, false, Some(0));
        assert_eq!(c, "kaigi_s=; Path=/book; HttpOnly; SameSite=Lax; Max-Age=0");
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("kaigi_p1=a; kaigi_p12=b"));
        assert_eq!(read_cookie(&h, "kaigi_p12").as_deref(), Some("b"));
        assert_eq!(read_cookie(&h, "kaigi_p1").as_deref(), Some("a"));
        assert_eq!(read_cookie(&h, "kaigi_p"), None);
    }
}
