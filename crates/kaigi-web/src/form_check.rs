//! The one check that a form was posted from kaigi's own page, against posts that another site
//! makes a signed-in browser send (CSRF, and login CSRF on the sign-in forms).
//!
//! Every form carries a hidden `check` field whose value is derived from a secret the browser
//! holds in an HttpOnly cookie; a post is accepted only when its check matches the cookie it came
//! with, compared in constant time. Another site can make a browser send the cookie but cannot
//! read it, so it cannot know the check. The secret is:
//! - on a page with a session, the session cookie itself ([`FormCheck::bound_to`]): the booking
//!   page's session (`kaigi_s`) and the room's participant pass (`kaigi_p`), so the check dies
//!   with the session and a cookie planted from elsewhere carries no session;
//! - on a page without one (the sign-in forms, the consent page, the integrations page), a random
//!   value of the browser's in a SameSite=Strict cookie scoped to the page's path
//!   ([`FormCheck::for_page`], a double-submit cookie). Nothing in it is derived from a password
//!   or a token, so the page's source gives nothing away about a sign-in.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use kaigi_core::rules::secrets::token_hash;
use maud::{html, Markup};

use crate::cookie::{self, Cookie};
use crate::Web;

/// Random bytes of a browser's value (hex in the cookie).
const VALUE_BYTES: usize = 24;

/// The check of one page view.
#[derive(Debug)]
pub struct FormCheck {
    /// The secret the check is derived from (the cookie's value).
    secret: String,
    /// The cookie to hand to the browser, when its request carried none.
    set_cookie: Option<String>,
}

fn well_formed(value: &str) -> bool {
    value.len() == VALUE_BYTES * 2 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The check value of a secret.
fn derived(secret: &str) -> String {
    token_hash(&format!("form-check:{secret}"))[..32].to_string()
}

/// Equal bytes, in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `posted` is the check of `secret` (the value of the cookie the post came with).
pub fn matches(secret: &str, posted: &str) -> bool {
    !secret.is_empty() && same(&derived(secret), posted)
}

impl FormCheck {
    /// The check of a page with a session: bound to the session cookie's value.
    pub fn bound_to(secret: &str) -> FormCheck {
        FormCheck { secret: secret.to_string(), set_cookie: None }
    }

    /// The check of a page without a session: the browser's value in `cookie` (SameSite=Strict)
    /// if its request carries a well-formed one, otherwise a fresh one that [`FormCheck::set_on`]
    /// hands to the browser.
    pub fn for_page(web: &Web, headers: &HeaderMap, cookie: Cookie<'_>) -> FormCheck {
        if let Some(secret) = cookie::read(headers, cookie.name).filter(|v| well_formed(v)) {
            return FormCheck { secret, set_cookie: None };
        }
        let secret = web.kaigi.random_hex(VALUE_BYTES);
        let set_cookie = Some(cookie.set(web, &secret));
        FormCheck { secret, set_cookie }
    }

    /// The value of the `check` field.
    pub fn value(&self) -> String {
        derived(&self.secret)
    }

    /// The hidden `check` field for the page's forms.
    pub fn field(&self) -> Markup {
        html! { input type="hidden" name="check" value=(self.value()); }
    }

    /// Adds the cookie to the page's response when the browser does not have it yet.
    pub fn set_on(&self, mut page: Response) -> Response {
        if let Some(v) = self.set_cookie.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
            page.headers_mut().append(header::SET_COOKIE, v);
        }
        page
    }
}

/// Whether `posted` is the check of the page cookie `cookie_name` the post came with (pages
/// without a session; see [`FormCheck::for_page`]).
pub fn posted_matches(headers: &HeaderMap, cookie_name: &str, posted: &str) -> bool {
    match cookie::read(headers, cookie_name).filter(|v| well_formed(v)) {
        Some(secret) => matches(&secret, posted),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cookie(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("kaigi_t={value}")).expect("ascii"));
        h
    }

    #[test]
    fn a_page_check_is_accepted_only_with_its_own_cookie() {
        let value = "ab".repeat(VALUE_BYTES);
        let other = "cd".repeat(VALUE_BYTES);
        let h = with_cookie(&value);
        assert!(posted_matches(&h, "kaigi_t", &derived(&value)));
        assert!(!posted_matches(&h, "kaigi_t", &derived(&other)), "another browser's check");
        assert!(!posted_matches(&h, "kaigi_t", ""), "no check");
        assert!(!posted_matches(&h, "kaigi_t", &value), "the cookie itself is not the check");
        assert!(!posted_matches(&h, "kaigi_other", &derived(&value)), "another page's cookie name");
        assert!(!posted_matches(&HeaderMap::new(), "kaigi_t", &derived(&value)), "no cookie");
        // A cookie not shaped like kaigi's value is no value at all.
        assert!(!posted_matches(&with_cookie("x"), "kaigi_t", &derived("x")));
    }

    #[test]
    fn a_session_check_is_accepted_only_for_its_session() {
        let check = FormCheck::bound_to("42.session-ticket");
        assert!(matches("42.session-ticket", &check.value()));
        assert!(!matches("42.other-ticket", &check.value()));
        assert!(!matches("", &derived("")), "no session, no check");
        assert!(!matches("42.session-ticket", ""));
        assert_eq!(check.value().len(), 32);
    }

    #[test]
    fn the_field_carries_the_check_and_nothing_of_the_secret() {
        let check = FormCheck::bound_to("secret-pass");
        let field = check.field().into_string();
        assert_eq!(field, format!("<input type=\"hidden\" name=\"check\" value=\"{}\">", check.value()));
        assert!(!field.contains("secret-pass"));
    }

    #[test]
    fn comparison_needs_every_byte() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
