//! The one way a page is drawn: the page shell ([`page`]), the little parts the pages share
//! (an error box, a labelled input, a hidden field), the one function that sets the security
//! headers ([`security_headers`]), redirects, and reading a posted form.
//!
//! Markup is written with maud's `html!`, which escapes every spliced value (`&`, `<`, `>` and
//! `"`; attribute values are always double-quoted, so a `'` cannot end one).

use axum::body::Body;
use axum::extract::FromRequest;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::de::DeserializeOwned;

use crate::Web;

/// The largest form body a page accepts (the booking form with 50 invitees fits easily).
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// The style sheet of every page (a constant: no value of a request is ever in it).
const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#222}\
label{display:block;margin:.6rem 0 .2rem}input,textarea{width:100%;padding:.4rem;box-sizing:border-box}\
button{margin:.8rem .4rem 0 0;padding:.5rem 1rem}.error{background:#fde8e8;border:1px solid #e0a0a0;padding:.6rem}\
.notice{background:#e8f4fd;border:1px solid #a0c4e0;padding:.6rem}dt{font-weight:bold}table{border-collapse:collapse}\
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}";

/// What a page's forms may post to (the CSP `form-action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormAction<'a> {
    /// kaigi itself: every page with forms.
    SelfOnly,
    /// kaigi, and the origin its posts are answered with a redirect to (the consent page: the
    /// integration's verified redirect URI). Browsers apply `form-action` to the redirect that
    /// follows a post too.
    SelfAnd(&'a str),
    /// Nowhere: a page without forms (the licence report).
    None,
}

impl FormAction<'_> {
    fn source(&self) -> String {
        match self {
            FormAction::SelfOnly => "'self'".into(),
            FormAction::SelfAnd(origin) => format!("'self' {origin}"),
            FormAction::None => "'none'".into(),
        }
    }
}

/// How a page is dressed: its title (the `<title>`, with " - kaigi", and the `<h1>`), a style
/// sheet added to the common one, and where its forms may post.
#[derive(Debug, Clone, Copy)]
pub struct Shell<'a> {
    pub title: &'a str,
    pub extra_style: Option<&'static str>,
    pub form_action: FormAction<'a>,
}

impl<'a> Shell<'a> {
    pub fn new(title: &'a str) -> Self {
        Shell { title, extra_style: None, form_action: FormAction::SelfOnly }
    }

    /// The whole document.
    pub fn document(&self, body: Markup) -> Markup {
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) " - kaigi" }
                    style {
                        (PreEscaped(STYLE))
                        @if let Some(extra) = self.extra_style { (PreEscaped(extra)) }
                    }
                }
                body {
                    h1 { (self.title) }
                    (body)
                }
            }
        }
    }

    /// The page as a response, with the security headers.
    pub fn render(&self, status: StatusCode, body: Markup) -> Response {
        let mut r = (status, self.document(body).into_string()).into_response();
        security_headers(r.headers_mut(), self.form_action);
        r
    }
}

/// A whole page whose forms may post only to kaigi itself.
pub fn page(status: StatusCode, title: &str, body: Markup) -> Response {
    Shell::new(title).render(status, body)
}

/// The headers every HTML page of kaigi carries (the one place they are written): HTML content
/// type, no caching, no framing, no content sniffing, no referrer (links carry meeting tokens),
/// and a Content Security Policy that allows inline styles, inline SVG and kaigi's own scripts
/// and sockets (the room page's meeting.js) only, with forms
/// posting where `form_action` says.
pub fn security_headers(h: &mut HeaderMap, form_action: FormAction<'_>) {
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; media-src 'self'; frame-ancestors 'none'; form-action {}",
        form_action.source()
    );
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
    page(status, title, html! { p { (text) } })
}

/// `<p class="error">` when there is an error to show.
pub fn error_box(error: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error {
            p class="error" role="alert" { (e) }
        }
    }
}

/// A labelled input.
pub fn input(name: &str, label: &str, kind: &str, value: &str, required: bool) -> Markup {
    html! {
        label for=(name) { (label) }
        input id=(name) name=(name) type=(kind) value=(value) maxlength="256" required[required];
    }
}

/// A hidden field.
pub fn hidden(name: &str, value: &str) -> Markup {
    html! { input type="hidden" name=(name) value=(value); }
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

/// The posted form, or the page that says why it could not be read (too large, malformed).
pub async fn read_form<T: DeserializeOwned>(web: &Web, request: Request<Body>) -> Result<T, Response> {
    match Form::<T>::from_request(request, web).await {
        Ok(Form(form)) => Ok(form),
        Err(rejection) => Err(message(rejection.status(), "The form could not be read", &rejection.body_text())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "<script>alert('x')</script> & \"q\" ' onmouseover='y";

    #[test]
    fn a_hostile_title_and_value_are_shown_as_text() {
        let body = html! {
            (input("name", HOSTILE, "text", HOSTILE, true))
            (hidden("state", HOSTILE))
            (error_box(Some(HOSTILE)))
        };
        let doc = Shell::new(HOSTILE).document(body).into_string();
        assert!(!doc.contains("<script>"), "{doc}");
        let text = "&lt;script&gt;alert('x')&lt;/script&gt; &amp; &quot;q&quot; ' onmouseover='y";
        assert!(doc.contains(&format!("<title>{text} - kaigi</title>")), "{doc}");
        assert!(doc.contains(&format!("<h1>{text}</h1>")));
        assert!(doc.contains(&format!("<p class=\"error\" role=\"alert\">{text}</p>")));
        // In attribute values a `"` cannot end the value, and a `'` cannot either: every value
        // is double-quoted, so no new attribute (`onmouseover`) appears.
        assert!(doc.contains(&format!("<input type=\"hidden\" name=\"state\" value=\"{text}\">")), "{doc}");
        assert!(doc.contains(&format!("value=\"{text}\" maxlength=\"256\" required>")), "{doc}");
        assert!(!doc.contains(" onmouseover=\"") && !doc.contains("\" onmouseover"));
    }

    #[test]
    fn the_parts_are_drawn_as_before() {
        assert_eq!(
            input("user", "User", "text", "a", false).into_string(),
            "<label for=\"user\">User</label><input id=\"user\" name=\"user\" type=\"text\" value=\"a\" maxlength=\"256\">"
        );
        assert_eq!(error_box(None).into_string(), "");
        let doc = Shell::new("T").document(html! { p { "x" } }).into_string();
        assert!(doc.starts_with("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"), "{doc}");
        assert!(doc.ends_with("<body><h1>T</h1><p>x</p></body></html>"), "{doc}");
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
    fn every_page_carries_the_security_headers_and_only_the_named_origin_joins_form_action() {
        let csp = |r: &Response| r.headers()["content-security-policy"].to_str().expect("ascii").to_string();
        let plain = page(StatusCode::OK, "t", html! {});
        assert!(csp(&plain).ends_with("form-action 'self'"));
        for (name, value) in [
            ("content-type", "text/html; charset=utf-8"),
            ("cache-control", "no-store"),
            ("x-frame-options", "DENY"),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
        ] {
            assert_eq!(plain.headers()[name], value, "{name}");
        }
        let consent = Shell { form_action: FormAction::SelfAnd("https://a.example"), ..Shell::new("t") }
            .render(StatusCode::OK, html! {});
        assert!(csp(&consent).ends_with("form-action 'self' https://a.example"));
        let report = Shell { form_action: FormAction::None, ..Shell::new("t") }.render(StatusCode::OK, html! {});
        assert!(csp(&report).starts_with("default-src 'none'") && csp(&report).ends_with("form-action 'none'"));
    }
}
