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

/// The webExId of a person the REST API creates: their email address, as the vendor names the
/// people of a site it manages from Control Hub, so the XML API finds them by the address they
/// were made with. An address longer than a webExId may be is refused.
pub fn webex_id_for_email(email: &str) -> Result<String> {
    if email.chars().count() > MAX_USER_NAME {
        return Err(Error::invalid(
            Field::Emails,
            format!("An address of more than {MAX_USER_NAME} characters cannot be a person's user name in kaigi."),
        ));
    }
    valid_webex_id(email).map_err(|_| Error::invalid(Field::Emails, "is not a valid email address"))
}

/// The first and last name a REST request gives a person: `first` and `last` when it names them;
/// a `display` name alone is split at its first space (the first word is the first name, the rest
/// the last name); a display name beside them must read as "first last" (with `current` filling
/// in the one not named), since kaigi keeps no display name of its own.
pub fn names_from(
    display: Option<&str>,
    first: Option<&str>,
    last: Option<&str>,
    current: (&str, &str),
) -> Result<(Option<String>, Option<String>)> {
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (first, last) = (first.map(squeeze), last.map(squeeze));
    let Some(display) = display.map(squeeze) else { return Ok((first, last)) };
    if first.is_none() && last.is_none() {
        let (f, l) = display.split_once(' ').unwrap_or((&display, ""));
        return Ok((Some(f.to_string()), Some(l.to_string())));
    }
    let f = first.clone().unwrap_or_else(|| current.0.to_string());
    let l = last.clone().unwrap_or_else(|| current.1.to_string());
    let shown = squeeze(&format!("{f} {l}"));
    if display != shown {
        return Err(Error::invalid(
            Field::DisplayName,
            format!(
                "displayName must read as firstName lastName ('{shown}'): kaigi shows the first and last name as the display name."
            ),
        ));
    }
    Ok((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_display_name_alone_is_split_and_beside_the_names_must_match_them() {
        let none = ("", "");
        assert_eq!(
            names_from(Some(" John  van Andersen "), None, None, none).unwrap(),
            (Some("John".into()), Some("van Andersen".into()))
        );
        assert_eq!(names_from(Some("Cher"), None, None, none).unwrap(), (Some("Cher".into()), Some(String::new())));
        assert_eq!(
            names_from(Some("John Andersen"), Some("John"), Some("Andersen"), none).unwrap(),
            (Some("John".into()), Some("Andersen".into()))
        );
        assert_eq!(
            names_from(Some("Jon Andersen"), Some("Jon"), None, ("John", "Andersen")).unwrap(),
            (Some("Jon".into()), None)
        );
        let refused = names_from(Some("Someone Else"), Some("John"), None, none).unwrap_err();
        assert!(matches!(refused, Error::Invalid { field: Field::DisplayName, .. }), "{refused:?}");
        assert_eq!(names_from(None, Some("A"), None, none).unwrap(), (Some("A".into()), None));
    }

    #[test]
    fn the_webex_id_of_a_person_is_their_address() {
        assert_eq!(webex_id_for_email("ann@acme.example").unwrap(), "ann@acme.example");
        let long = format!("{}@acme.example", "a".repeat(60));
        assert!(matches!(webex_id_for_email(&long), Err(Error::Invalid { field: Field::Emails, .. })));
    }
}
