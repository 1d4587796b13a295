//! Checks on what callers send, shared by both faces. Errors name the field in kaigi's neutral
//! terms; each face renders the name its clients know.

pub mod integration;
pub mod meeting;
pub mod people;
pub mod preferences;
pub mod setup;
pub mod site_config;

use crate::error::{Error, Field, Result};

pub fn valid_email(value: &str) -> Result<String> {
    let v = value.trim().to_lowercase();
    match v.split_once('@') {
        Some((l, d)) if !l.is_empty() && d.contains('.') && !v.contains(char::is_whitespace) && v.len() <= 128 => Ok(v),
        _ => Err(Error::invalid(Field::Email, format!("{value} is not a valid email address"))),
    }
}

pub fn clean_text(field: Field, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(Error::invalid(field, format!("longer than {max} characters")));
    }
    Ok(v.to_string())
}
