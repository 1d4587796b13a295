//! Checks on the site's configuration: a tracking code as an administrator defines it, a user's
//! tracking code values, and the common meeting settings.

use crate::error::{Error, Field, Result};
use crate::model::{
    CommonSettings, CommonSettingsChange, NamedTrackingValue, SiteSettings, TelephonySupport, TrackingCode,
    TrackingCodeDef, TrackingCodeWrite, TrackingInput, TrackingService, TrackingUse, UserTrackingValue,
};
use crate::rules::limits::{
    MAX_DISALLOWED_PASSWORDS, MAX_PASSWORD, MAX_PASSWORD_CRITERION, MAX_SCHEDULE_START_CODES, MAX_TRACKING_OPTIONS,
    MAX_TRACKING_TEXT,
};

/// A tracking code name or value: 1 to [`MAX_TRACKING_TEXT`] printable characters.
fn tracking_text(field: Field, what: &str, v: &str) -> Result<String> {
    let v = v.trim();
    if v.is_empty() {
        return Err(Error::invalid(field, format!("{what} cannot be empty.")));
    }
    if v.chars().count() > MAX_TRACKING_TEXT || v.contains(char::is_control) {
        return Err(Error::invalid(field, format!("{what} is at most {MAX_TRACKING_TEXT} printable characters.")));
    }
    Ok(v.to_string())
}

/// A tracking code as an administrator sends it, for `slot`: the name (trimmed) and the settings
/// as they will be stored. `others` are the site's other codes (names are unique, ignoring case).
pub fn tracking_code(slot: u8, w: &TrackingCodeWrite, others: &[TrackingCode]) -> Result<(String, TrackingCodeDef)> {
    let name = tracking_text(Field::Name, "name", &w.name)?;
    let generic = (1..=10u8).any(|i| i != slot && format!("trackingCode{i}").eq_ignore_ascii_case(&name));
    if generic || others.iter().any(|o| o.slot != slot && o.name.eq_ignore_ascii_case(&name)) {
        return Err(Error::invalid(Field::Name, format!("name: the site already has a tracking code named {name}.")));
    }
    if w.options.len() > MAX_TRACKING_OPTIONS {
        return Err(Error::invalid(Field::TrackingOptions, format!("options: at most {MAX_TRACKING_OPTIONS}.")));
    }
    let mut options = Vec::with_capacity(w.options.len());
    for o in &w.options {
        let value = tracking_text(Field::TrackingOptions, "options: a value", &o.value)?;
        if options.iter().any(|x: &crate::model::TrackingOption| x.value == value) {
            return Err(Error::invalid(Field::TrackingOptions, format!("options: {value} is listed twice.")));
        }
        options.push(crate::model::TrackingOption { value, default: o.default });
    }
    if options.iter().filter(|o| o.default).count() > 1 {
        return Err(Error::invalid(Field::TrackingOptions, "options: at most one option is the default."));
    }
    if matches!(w.input, TrackingInput::Select | TrackingInput::HostProfileSelect) && options.is_empty() {
        return Err(Error::invalid(Field::TrackingOptions, "options: a select input mode needs options to select."));
    }
    if w.host_profile == TrackingUse::NotApplicable {
        return Err(Error::invalid(
            Field::HostProfileCode,
            "hostProfileCode: notApplicable is for scheduleStartCodes.",
        ));
    }
    let codes = w.schedule_start.clone();
    let Some(codes) = codes else {
        if w.input == TrackingInput::HostProfileSelect {
            return Ok((name, def(slot, w, Vec::new(), options)));
        }
        return Err(Error::invalid(
            Field::ScheduleStartCodes,
            "scheduleStartCodes may be null only with the inputMode hostProfileSelect.",
        ));
    };
    if codes.len() > MAX_SCHEDULE_START_CODES {
        return Err(Error::invalid(
            Field::ScheduleStartCodes,
            format!("scheduleStartCodes: at most {MAX_SCHEDULE_START_CODES}."),
        ));
    }
    for (i, (service, use_)) in codes.iter().enumerate() {
        if codes[..i].iter().any(|(s, _)| s == service) {
            return Err(Error::invalid(Field::ScheduleStartCodes, "scheduleStartCodes: a service is listed twice."));
        }
        if *use_ == TrackingUse::NotApplicable && *service != TrackingService::All {
            return Err(Error::invalid(
                Field::ScheduleStartCodes,
                "scheduleStartCodes: notApplicable is for the service All only.",
            ));
        }
        let admin_set = w.host_profile == TrackingUse::AdminSet;
        let fits = match use_ {
            TrackingUse::NotUsed | TrackingUse::NotApplicable => true,
            TrackingUse::AdminSet => admin_set,
            TrackingUse::Optional | TrackingUse::Required => !admin_set,
        };
        if !fits {
            return Err(Error::invalid(
                Field::ScheduleStartCodes,
                "scheduleStartCodes: with hostProfileCode adminSet the types are adminSet, notUsed or notApplicable; otherwise optional, required, notUsed or notApplicable.",
            ));
        }
        if w.input == TrackingInput::HostProfileSelect && !matches!(use_, TrackingUse::NotUsed) {
            return Err(Error::invalid(
                Field::ScheduleStartCodes,
                "scheduleStartCodes: with the inputMode hostProfileSelect every type is notUsed (or send null).",
            ));
        }
    }
    let all = codes.iter().find(|(s, _)| *s == TrackingService::All).map(|(_, u)| *u);
    if let Some(all) = all.filter(|u| *u != TrackingUse::NotApplicable) {
        if codes.iter().any(|(s, u)| *s != TrackingService::All && *u != all) {
            return Err(Error::invalid(
                Field::ScheduleStartCodes,
                "scheduleStartCodes: while All has a type, every other service listed has the same type.",
            ));
        }
    }
    Ok((name, def(slot, w, codes, options)))
}

fn def(
    slot: u8,
    w: &TrackingCodeWrite,
    schedule_start: Vec<(TrackingService, TrackingUse)>,
    options: Vec<crate::model::TrackingOption>,
) -> TrackingCodeDef {
    TrackingCodeDef { slot, input: w.input, host_profile: w.host_profile, schedule_start, options }
}

/// A user's tracking code values as a request names them: each code by its name (a code the
/// site defines), each value 1 to [`MAX_TRACKING_TEXT`] characters and, for a code whose value
/// is selected, one of its options. Later entries of one code replace earlier ones.
pub fn user_tracking_values(settings: &SiteSettings, named: &[NamedTrackingValue]) -> Result<Vec<UserTrackingValue>> {
    let codes = settings.defined_tracking_codes();
    let mut out: Vec<UserTrackingValue> = Vec::with_capacity(named.len());
    for n in named {
        let name = n.name.trim();
        let Some(code) = codes.iter().find(|c| c.name.eq_ignore_ascii_case(name)) else {
            let known: Vec<&str> = codes.iter().map(|c| c.name.as_str()).collect();
            return Err(Error::invalid(
                Field::TrackingCodes,
                format!("trackingCodes: {name} is not a tracking code of this site ({}).", known.join(", ")),
            ));
        };
        let value = tracking_text(Field::TrackingCodes, "trackingCodes: a value", &n.value)?;
        let selected = matches!(code.def.input, TrackingInput::Select | TrackingInput::HostProfileSelect);
        if selected && !code.def.options.iter().any(|o| o.value == value) {
            return Err(Error::invalid(
                Field::TrackingCodes,
                format!("trackingCodes: {value} is not one of the options of {}.", code.name),
            ));
        }
        out.retain(|v| v.slot != code.slot);
        out.push(UserTrackingValue { slot: code.slot, value });
    }
    Ok(out)
}

/// The common settings with `change` in place, checked as a whole: kaigi runs no telephony, so
/// Webex teleconferencing and toll-free call-in cannot be offered; audio before the host needs
/// joining before the host; the password criteria are at most [`MAX_PASSWORD_CRITERION`] each and
/// can all be met by one meeting password.
pub fn common_settings(stored: &CommonSettings, c: &CommonSettingsChange) -> Result<CommonSettings> {
    let mut s = stored.clone();
    let set = |slot: &mut bool, v: Option<bool>| {
        if let Some(v) = v {
            *slot = v;
        }
    };
    set(&mut s.allow_custom_personal_room_url, c.allow_custom_personal_room_url);
    set(&mut s.join_teleconf_not_press1, c.join_teleconf_not_press1);
    set(&mut s.toll_free, c.toll_free);
    set(&mut s.voip, c.voip);
    set(&mut s.email_reminders, c.email_reminders);
    set(&mut s.join_before_host, c.join_before_host);
    set(&mut s.audio_before_host, c.audio_before_host);
    set(&mut s.first_attendee_as_presenter, c.first_attendee_as_presenter);
    set(&mut s.unlist_all_meetings, c.unlist_all_meetings);
    set(&mut s.require_login_before_access, c.require_login_before_access);
    set(&mut s.allow_mobile_screen_capture, c.allow_mobile_screen_capture);
    set(&mut s.require_strong_password, c.require_strong_password);
    if let Some(t) = c.entry_exit_tone {
        s.entry_exit_tone = t;
    }
    if let Some(t) = c.telephony_support {
        s.telephony_support = t;
    }
    let p = &mut s.password_criteria;
    set(&mut p.mixed_case, c.mixed_case);
    set(&mut p.disallow_dynamic_web_text, c.disallow_dynamic_web_text);
    set(&mut p.disallow_list, c.disallow_list);
    for (slot, v) in [
        (&mut p.min_length, c.min_length),
        (&mut p.min_numeric, c.min_numeric),
        (&mut p.min_alpha, c.min_alpha),
        (&mut p.min_special, c.min_special),
    ] {
        if let Some(v) = v {
            if v > MAX_PASSWORD_CRITERION {
                return Err(Error::invalid(
                    Field::PasswordCriteria,
                    format!("passwordCriteria: each minimum is 0 to {MAX_PASSWORD_CRITERION}."),
                ));
            }
            *slot = v;
        }
    }
    if let Some(values) = &c.disallow_values {
        if values.len() > MAX_DISALLOWED_PASSWORDS {
            return Err(Error::invalid(
                Field::PasswordCriteria,
                format!("passwordCriteria.disallowValues: at most {MAX_DISALLOWED_PASSWORDS}."),
            ));
        }
        let mut kept: Vec<String> = Vec::with_capacity(values.len());
        for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
            if v.chars().count() > MAX_PASSWORD {
                return Err(Error::invalid(
                    Field::PasswordCriteria,
                    format!("passwordCriteria.disallowValues: a password is at most {MAX_PASSWORD} characters."),
                ));
            }
            if !kept.iter().any(|k| k == v) {
                kept.push(v.to_string());
            }
        }
        p.disallow_values = kept;
    }
    let needed = p.min_numeric + p.min_alpha.max(if p.mixed_case { 2 } else { 0 }) + p.min_special;
    if needed as usize > MAX_PASSWORD || p.min_length as usize > MAX_PASSWORD {
        return Err(Error::invalid(
            Field::PasswordCriteria,
            format!(
                "passwordCriteria: no meeting password of at most {MAX_PASSWORD} characters could meet these minimums."
            ),
        ));
    }
    if s.telephony_support == TelephonySupport::WebexTeleconferencing {
        return Err(Error::invalid(
            Field::TelephonySupport,
            "telephonySupport: WebexTeleconferencing is off (kaigi runs no call-in or call-back teleconferencing); use None or Other.",
        ));
    }
    if s.toll_free {
        return Err(Error::invalid(
            Field::TollFree,
            "tollFree: toll-free call-in is off (kaigi runs no call-in teleconferencing).",
        ));
    }
    if s.audio_before_host && !s.join_before_host {
        return Err(Error::invalid(Field::AudioBeforeHost, "audioBeforeHost needs joinBeforeHost."));
    }
    Ok(s)
}

/// Why a meeting password breaks the site's strong-password rules, if it does (only while
/// `requireStrongPassword` is on).
pub fn password_problem(settings: &CommonSettings, password: &str) -> Option<String> {
    if !settings.require_strong_password {
        return None;
    }
    let p = &settings.password_criteria;
    let count = |f: fn(&char) -> bool| password.chars().filter(f).count() as u32;
    let length = password.chars().count() as u32;
    let digits = count(char::is_ascii_digit);
    let letters = count(|c| c.is_alphabetic());
    let specials = length - digits - letters;
    if length < p.min_length {
        return Some(format!("must have at least {} characters", p.min_length));
    }
    if digits < p.min_numeric {
        return Some(format!("must have at least {} digits", p.min_numeric));
    }
    if letters < p.min_alpha {
        return Some(format!("must have at least {} letters", p.min_alpha));
    }
    if specials < p.min_special {
        return Some(format!("must have at least {} special characters", p.min_special));
    }
    if p.mixed_case && !(password.chars().any(char::is_uppercase) && password.chars().any(char::is_lowercase)) {
        return Some("must mix upper and lower case".into());
    }
    if p.disallow_list && p.disallow_values.iter().any(|v| v.eq_ignore_ascii_case(password)) {
        return Some("is on the site's list of disallowed passwords".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TrackingOption;

    fn write(name: &str) -> TrackingCodeWrite {
        TrackingCodeWrite {
            name: name.into(),
            schedule_start: Some(vec![(TrackingService::All, TrackingUse::Optional)]),
            ..TrackingCodeWrite::default()
        }
    }

    fn field_of(r: Result<impl std::fmt::Debug>) -> Field {
        match r {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn a_tracking_code_is_checked_as_the_spec_says() {
        let (name, def) = tracking_code(3, &write(" Department "), &[]).expect("plain");
        assert_eq!((name.as_str(), def.slot), ("Department", 3));
        assert_eq!(field_of(tracking_code(1, &write(""), &[])), Field::Name);
        assert_eq!(field_of(tracking_code(1, &write(&"x".repeat(121)), &[])), Field::Name);
        assert_eq!(field_of(tracking_code(1, &write("trackingCode2"), &[])), Field::Name);
        let other = TrackingCode { slot: 2, name: "Dept".into(), def: TrackingCodeDef::default() };
        assert_eq!(field_of(tracking_code(1, &write("DEPT"), std::slice::from_ref(&other))), Field::Name);
        assert!(tracking_code(2, &write("DEPT"), &[other]).is_ok(), "its own name again");
        let select = TrackingCodeWrite { input: TrackingInput::Select, ..write("Dept") };
        assert_eq!(field_of(tracking_code(1, &select, &[])), Field::TrackingOptions);
        let two_defaults = TrackingCodeWrite {
            options: vec![
                TrackingOption { value: "a".into(), default: true },
                TrackingOption { value: "b".into(), default: true },
            ],
            ..write("Dept")
        };
        assert_eq!(field_of(tracking_code(1, &two_defaults, &[])), Field::TrackingOptions);
        let admin_set = TrackingCodeWrite { host_profile: TrackingUse::AdminSet, ..write("Dept") };
        assert_eq!(field_of(tracking_code(1, &admin_set, &[])), Field::ScheduleStartCodes);
        let mismatch = TrackingCodeWrite {
            schedule_start: Some(vec![
                (TrackingService::All, TrackingUse::Optional),
                (TrackingService::EventCenter, TrackingUse::Required),
            ]),
            ..write("Dept")
        };
        assert_eq!(field_of(tracking_code(1, &mismatch, &[])), Field::ScheduleStartCodes);
        let null = TrackingCodeWrite { schedule_start: None, ..write("Dept") };
        assert_eq!(field_of(tracking_code(1, &null, &[])), Field::ScheduleStartCodes);
        let profile = TrackingCodeWrite {
            input: TrackingInput::HostProfileSelect,
            options: vec![TrackingOption { value: "a".into(), default: false }],
            ..null
        };
        assert!(tracking_code(1, &profile, &[]).is_ok());
    }

    #[test]
    fn common_settings_refuse_what_kaigi_cannot_offer_and_keep_the_rest() {
        let stored = CommonSettings::default();
        let c = CommonSettingsChange { unlist_all_meetings: Some(true), min_length: Some(8), ..Default::default() };
        let s = common_settings(&stored, &c).expect("kept");
        assert!(s.unlist_all_meetings && s.join_before_host);
        assert_eq!(s.password_criteria.min_length, 8);
        let webex = CommonSettingsChange {
            telephony_support: Some(TelephonySupport::WebexTeleconferencing),
            ..Default::default()
        };
        assert_eq!(field_of(common_settings(&stored, &webex)), Field::TelephonySupport);
        let toll = CommonSettingsChange { toll_free: Some(true), ..Default::default() };
        assert_eq!(field_of(common_settings(&stored, &toll)), Field::TollFree);
        let jbh = CommonSettingsChange { join_before_host: Some(false), ..Default::default() };
        assert_eq!(field_of(common_settings(&stored, &jbh)), Field::AudioBeforeHost);
        let big = CommonSettingsChange { min_special: Some(13), ..Default::default() };
        assert_eq!(field_of(common_settings(&stored, &big)), Field::PasswordCriteria);
        let strong = CommonSettings { require_strong_password: true, ..s };
        assert!(password_problem(&strong, "short").is_some());
        assert!(password_problem(&strong, "long-enough").is_none());
    }
}
