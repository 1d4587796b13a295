use crate::error::{Error, Field, Result};
use crate::rules::limits::{MAX_EMAIL, MAX_USER_NAME};
use crate::rules::validate::clean_text;

pub fn valid_webex_id(value: &str) -> Result<String> {
    let v = clean_text(Field::WebexId, value, MAX_USER_NAME)?;
    if v.is_empty() {
        return Err(Error::invalid(Field::WebexId, "is required"));
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control() || c == '/' || c == '\\') {
        return Err(Error::invalid(Field::WebexId, "must not contain spaces, slashes or control characters"));
    }
    Ok(v)
}

pub fn valid_user_email(value: &str) -> Result<String> {
    let v = clean_text(Field::Email, value, MAX_EMAIL)?;
    let well_formed = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !v.contains(char::is_whitespace)
        }
        None => false,
    };
    if !well_formed {
        return Err(Error::invalid(Field::Email, "is not a valid email address"));
    }
    Ok(v)
}
