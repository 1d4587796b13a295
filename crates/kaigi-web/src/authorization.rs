//! The `Authorization` header of the requests the pages answer without a form: HTTP Basic
//! (webExId:password) or a bearer token (the licence report, a recording's file).

use axum::http::{header, HeaderMap};
use kaigi_core::error::AuthFailure;
use kaigi_core::Error;

/// The longest `Authorization` value read (a token or Basic credentials are far shorter).
const MAX_AUTHORIZATION: usize = 1024;

pub enum Authorization<'a> {
    Bearer(&'a str),
    Basic(&'a str),
}

/// The request's credentials: MissingCredentials without the header, BadPassword when it is
/// neither Basic nor Bearer, or too long.
pub fn authorization(headers: &HeaderMap) -> Result<Authorization<'_>, Error> {
    let value = headers.get(header::AUTHORIZATION).ok_or(Error::Auth(AuthFailure::MissingCredentials))?;
    let value =
        value.to_str().ok().filter(|v| v.len() <= MAX_AUTHORIZATION).ok_or(Error::Auth(AuthFailure::BadPassword))?;
    let (scheme, encoded) = value.trim().split_once(' ').ok_or(Error::Auth(AuthFailure::BadPassword))?;
    if scheme.eq_ignore_ascii_case("bearer") {
        Ok(Authorization::Bearer(encoded.trim()))
    } else if scheme.eq_ignore_ascii_case("basic") {
        Ok(Authorization::Basic(encoded.trim()))
    } else {
        Err(Error::Auth(AuthFailure::BadPassword))
    }
}
