//! The one cookie helper: every cookie the pages set is written by [`Cookie::set`] (and removed
//! by [`Cookie::remove`]), and read by [`read`].
//!
//! Every cookie is HttpOnly (scripts cannot read it), scoped to its path, `SameSite` as the page
//! needs (Lax for a session a link must carry, Strict for a form check), and `Secure` when kaigi's
//! public URL is https, so it never travels in clear.

use axum::http::{header, HeaderMap};

use crate::Web;

/// The `SameSite` attribute of a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    Lax,
    Strict,
}

/// One cookie of the pages: its name, the path it is scoped to, its `SameSite`, and how long it
/// lives (None: until the browser closes).
#[derive(Debug, Clone, Copy)]
pub struct Cookie<'a> {
    pub name: &'a str,
    pub path: &'a str,
    pub same_site: SameSite,
    pub max_age: Option<u32>,
}

impl<'a> Cookie<'a> {
    /// A SameSite=Lax cookie (a session that a link to the page must carry).
    pub const fn lax(name: &'a str, path: &'a str, max_age: Option<u32>) -> Self {
        Cookie { name, path, same_site: SameSite::Lax, max_age }
    }

    /// A SameSite=Strict cookie (a form check's value).
    pub const fn strict(name: &'a str, path: &'a str, max_age: Option<u32>) -> Self {
        Cookie { name, path, same_site: SameSite::Strict, max_age }
    }

    /// The `Set-Cookie` value that gives the browser `value`.
    pub fn set(&self, web: &Web, value: &str) -> String {
        self.header(value, web.https(), self.max_age)
    }

    /// The `Set-Cookie` value that removes it.
    pub fn remove(&self, web: &Web) -> String {
        self.header("", web.https(), Some(0))
    }

    /// The attributes, in the one order kaigi writes them.
    pub fn header(&self, value: &str, secure: bool, max_age: Option<u32>) -> String {
        let same_site = match self.same_site {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
        };
        let secure = if secure { "; Secure" } else { "" };
        let age = max_age.map(|a| format!("; Max-Age={a}")).unwrap_or_default();
        format!("{}={value}; Path={}; HttpOnly; SameSite={same_site}{secure}{age}", self.name, self.path)
    }
}

/// The value of cookie `name` in the request.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_http_only_and_secure_over_https() {
        let c = Cookie::lax("kaigi_s", "/book", Some(60));
        assert_eq!(c.header("v", true, c.max_age), "kaigi_s=v; Path=/book; HttpOnly; SameSite=Lax; Secure; Max-Age=60");
        assert_eq!(c.header("", false, Some(0)), "kaigi_s=; Path=/book; HttpOnly; SameSite=Lax; Max-Age=0");
        let s = Cookie::strict("kaigi_t", "/p", None);
        assert_eq!(s.header("v", false, s.max_age), "kaigi_t=v; Path=/p; HttpOnly; SameSite=Strict");
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("kaigi_p1=a; kaigi_p12=b"));
        assert_eq!(read(&h, "kaigi_p12").as_deref(), Some("b"));
        assert_eq!(read(&h, "kaigi_p1").as_deref(), Some("a"));
        assert_eq!(read(&h, "kaigi_p"), None);
    }
}
