//! The check that a form was posted from kaigi's own page (the consent page and the integrations
//! page), against posts that another site makes a signed-in browser send.
//!
//! Double submit: the browser keeps a random value in an HttpOnly, SameSite=Strict cookie scoped
//! to the page's path (Secure when kaigi's public URL is https); each form of the page carries a
//! check value derived from it. A post is accepted only when its check matches the cookie it came
//! with, compared in constant time. Nothing in it is derived from a password or a token, so the
//! page's source gives nothing away about a sign-in.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use kaigi_core::rules::secrets::token_hash;
use kaigi_core::Kaigi;

use crate::html::{self, hidden};

/// Random bytes of a browser's value (hex in the cookie).
const VALUE_BYTES: usize = 24;

/// One page's cookie: its name, the path it is scoped to and how long it lives.
#[derive(Debug, Clone, Copy)]
pub struct CheckCookie<'a> {
    pub name: &'a str,
    pub path: &'a str,
    /// None: until the browser closes.
    pub max_age: Option<u32>,
}

/// The check of one page view: the browser's value, new when its request carried none.
#[derive(Debug)]
pub struct FormCheck {
    value: String,
    set_cookie: Option<String>,
}

fn well_formed(value: &str) -> bool {
    value.len() == VALUE_BYTES * 2 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

fn derived(value: &str) -> String {
    token_hash(&format!("form-check:{value}"))[..32].to_string()
}

/// Equal bytes, in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The Set-Cookie value; Secure when kaigi is reached over https, so it never travels in clear.
fn set_cookie(cookie: CheckCookie<'_>, value: &str, secure: bool) -> String {
    html::cookie_with(cookie.name, value, cookie.path, html::SameSite::Strict, secure, cookie.max_age)
}

impl FormCheck {
    /// The browser's value if its request carries a well-formed one, otherwise a fresh one that
    /// [`FormCheck::set_on`] hands to the browser.
    pub fn for_page(kaigi: &Kaigi, headers: &HeaderMap, cookie: CheckCookie<'_>) -> FormCheck {
        if let Some(value) = html::read_cookie(headers, cookie.name).filter(|v| well_formed(v)) {
            return FormCheck { value, set_cookie: None };
        }
        let value = kaigi.random_hex(VALUE_BYTES);
        let set_cookie = Some(set_cookie(cookie, &value, html::https(kaigi)));
        FormCheck { value, set_cookie }
    }

    /// The hidden `check` field for the page's forms.
    pub fn field(&self) -> String {
        hidden("check", &derived(&self.value))
    }

    /// Adds the cookie to the page's response when the browser does not have it yet.
    pub fn set_on(&self, mut page: Response) -> Response {
        if let Some(v) = self.set_cookie.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
            page.headers_mut().append(header::SET_COOKIE, v);
        }
        page
    }
}

/// Whether `posted` is the check value of the cookie the post came with.
pub fn posted_matches(headers: &HeaderMap, cookie_name: &str, posted: &str) -> bool {
    match html::read_cookie(headers, cookie_name).filter(|v| well_formed(v)) {
        Some(value) => same(&derived(&value), posted),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_matches_only_its_own_cookie() {
        let value = "ab".repeat(VALUE_BYTES);
        let other = "cd".repeat(VALUE_BYTES);
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("kaigi_t={value}")).unwrap());
        assert!(posted_matches(&h, "kaigi_t", &derived(&value)));
        assert!(!posted_matches(&h, "kaigi_t", &derived(&other)));
        assert!(!posted_matches(&h, "kaigi_t", ""));
        assert!(!posted_matches(&HeaderMap::new(), "kaigi_t", &derived(&value)));
        // A cookie not shaped like kaigi's value is no value at all.
        h.insert(header::COOKIE, HeaderValue::from_static("kaigi_t=x"));
        assert!(!posted_matches(&h, "kaigi_t", &derived("x")));
    }

    #[test]
    fn the_cookie_is_strict_http_only_and_secure_over_https() {
        let c = CheckCookie { name: "kaigi_t", path: "/p", max_age: Some(60) };
        assert_eq!(set_cookie(c, "v", true), "kaigi_t=v; Path=/p; HttpOnly; SameSite=Strict; Secure; Max-Age=60");
        let session = CheckCookie { max_age: None, ..c };
        assert_eq!(set_cookie(session, "v", false), "kaigi_t=v; Path=/p; HttpOnly; SameSite=Strict");
    }

    #[test]
    fn comparison_needs_every_byte() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
