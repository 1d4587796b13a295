use crate::error::{Error, Field, Result};
use crate::model::{MeetingOptions, Recurrence, SeriesFields};
use crate::rules::limits::{
    MAX_INTEGRATION_TAG, MAX_INTEGRATION_TAGS, MAX_REMIND_EMAILS, MAX_TELEPHONY_TEXT, MAX_TRACKING_CODE,
};
use crate::rules::recurrence;
use crate::rules::validate::valid_email;

/// A title is one line of text: a control character (a line break, a tab, NUL, ESC…) would
/// forge lines in mails, calendar files and logs, so it is refused, naming `field`.
pub fn refuse_control(field: Field, value: &str) -> Result<()> {
    match value.chars().find(|c| c.is_control()) {
        Some(c) => {
            Err(Error::invalid(field, format!("must not contain control characters (found U+{:04X})", u32::from(c))))
        }
        None => Ok(()),
    }
}

/// What a meeting's options may hold: codes and texts within their lengths, reminder addresses
/// that are addresses.
pub fn check_options(o: &MeetingOptions) -> Result<()> {
    for (_, code) in o.tracking.iter() {
        if code.chars().count() > MAX_TRACKING_CODE {
            return Err(Error::invalid(Field::TrackingCode, format!("longer than {MAX_TRACKING_CODE} characters")));
        }
    }
    let t = &o.telephony;
    let numbers = t.call_in.iter().flat_map(|n| [&n.toll, &n.toll_free, &n.international_local]);
    for text in [&t.external_url, &t.external_description, &t.location].into_iter().chain(numbers).flatten() {
        if text.chars().count() > MAX_TELEPHONY_TEXT {
            return Err(Error::invalid(
                Field::Telephony,
                format!("a text longer than {MAX_TELEPHONY_TEXT} characters"),
            ));
        }
    }
    if let Some(tags) = &o.conduct.integration_tags {
        if tags.len() > MAX_INTEGRATION_TAGS || tags.iter().any(|t| t.chars().count() > MAX_INTEGRATION_TAG) {
            return Err(Error::invalid(
                Field::IntegrationTags,
                format!("at most {MAX_INTEGRATION_TAGS} tags of at most {MAX_INTEGRATION_TAG} characters"),
            ));
        }
    }
    if o.conduct.visual_watermark_opacity.is_some_and(|p| p > 100) {
        return Err(Error::invalid(Field::WatermarkOpacity, "must be 0 to 100"));
    }
    if let Some(emails) = &o.remind.emails {
        if emails.len() > MAX_REMIND_EMAILS {
            return Err(Error::invalid(Field::Reminder, format!("at most {MAX_REMIND_EMAILS} e-mail addresses")));
        }
        for e in emails {
            valid_email(e)?;
        }
    }
    Ok(())
}

pub fn validate_rule(rule: &Recurrence) -> Result<()> {
    if rule.interval == 0 || rule.interval > 99 {
        return Err(Error::invalid(Field::Interval, "must be 1 to 99"));
    }
    if rule.day_in_month.is_some_and(|d| !(1..=31).contains(&d)) {
        return Err(Error::invalid(Field::DayInMonth, "must be 1 to 31"));
    }
    if rule.week_in_month.is_some_and(|w| !(1..=5).contains(&w)) {
        return Err(Error::invalid(Field::WeekInMonth, "must be 1 to 5"));
    }
    if rule.month_in_year.is_some_and(|m| !(1..=12).contains(&m)) {
        return Err(Error::invalid(Field::MonthInYear, "must be 1 to 12"));
    }
    if rule.occurrences.is_some_and(|n| n == 0 || n as usize > recurrence::MAX_OCCURRENCES) {
        return Err(Error::invalid(Field::RecurrenceEnd, format!("must be 1 to {}", recurrence::MAX_OCCURRENCES)));
    }
    Ok(())
}

pub fn text(field: Field, v: &Option<String>, max: usize) -> Result<Option<String>> {
    match v {
        Some(t) if t.chars().count() > max => Err(Error::invalid(field, format!("at most {max} characters"))),
        other => Ok(other.clone()),
    }
}

/// A text an occurrence may carry instead of its series': trimmed, not empty, at most `max`
/// characters.
pub fn filled(field: Field, v: &str, max: usize) -> Result<String> {
    let v = v.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, format!("{field} must not be empty")));
    }
    if v.chars().count() > max {
        return Err(Error::invalid(field, format!("at most {max} characters")));
    }
    Ok(v.to_string())
}

/// What a whole meeting series (a create, or a replacing PUT) must give.
pub fn required(f: &SeriesFields) -> Result<()> {
    for (name, given) in [
        (Field::Title, f.title.is_some()),
        (Field::MeetingPassword, f.password.is_some()),
        (Field::Start, f.start.is_some()),
        (Field::End, f.end.is_some()),
    ] {
        if !given {
            return Err(Error::invalid(name, format!("{name} is required")));
        }
    }
    Ok(())
}
