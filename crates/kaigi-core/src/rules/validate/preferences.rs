use crate::error::{Error, Field, Result};
use crate::model::{PhoneNumber, Site, VideoDevice, VideoOptions};
use crate::rules::limits::{
    AUDIO_PIN_LENGTH, MAX_ADDRESS, MAX_CONTACT_NAME, MAX_COUNTRY_CODE, MAX_PHONE, MAX_TOPIC, MAX_VIDEO_DEVICES,
};

/// Digits that climb or fall by one all the way (1234, 4321, 0123).
pub fn is_run(digits: &[u8]) -> bool {
    let steps: Vec<i16> = digits.windows(2).map(|w| i16::from(w[1]) - i16::from(w[0])).collect();
    !steps.is_empty() && (steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == -1))
}

/// Why a PIN of `length` digits is refused, if it is.
pub fn pin_problem(pin: &str, length: usize) -> Option<String> {
    if pin.len() != length || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("must be exactly {length} digits"));
    }
    let digits: Vec<u8> = pin.bytes().map(|b| b - b'0').collect();
    if length > 1 && digits.iter().all(|d| *d == digits[0]) {
        return Some("cannot repeat one digit (like 1111)".into());
    }
    if length > 1 && is_run(&digits) {
        return Some("cannot be sequential digits (like 1234 or 4321)".into());
    }
    None
}

/// A personal room's host PIN: exactly the site's number of digits, neither one digit repeated
/// nor a run up or down.
pub fn check_host_pin(pin: &str, length: usize) -> Result<()> {
    match pin_problem(pin, length) {
        Some(why) => Err(Error::invalid(Field::HostPin, format!("hostPin {why}."))),
        None => Ok(()),
    }
}

/// An audio PIN: the same rules with exactly four digits.
pub fn check_audio_pin(pin: &str) -> Result<()> {
    match pin_problem(pin, AUDIO_PIN_LENGTH) {
        Some(why) => Err(Error::invalid(Field::AudioPin, format!("audioPin {why}."))),
        None => Ok(()),
    }
}

/// Whether `pin` would be accepted as a host PIN of `length` digits (used when one is generated).
pub fn is_valid_host_pin(pin: &str, length: usize) -> bool {
    pin_problem(pin, length).is_none()
}

/// The site's host PIN length, within what kaigi accepts.
pub fn host_pin_length(site: &Site) -> usize {
    site.settings.host_pin_length.clamp(4, 9) as usize
}

pub fn check_topic(topic: &str) -> Result<String> {
    let t = topic.trim();
    let n = t.chars().count();
    if n == 0 || n > MAX_TOPIC {
        return Err(Error::invalid(Field::Topic, format!("topic must be 1 to {MAX_TOPIC} characters.")));
    }
    Ok(t.to_string())
}

pub fn check_choice(field: Field, value: u32, allowed: &[u32]) -> Result<u32> {
    if allowed.contains(&value) {
        Ok(value)
    } else {
        let list: Vec<String> = allowed.iter().map(u32::to_string).collect();
        Err(Error::invalid(field, format!("{field} must be one of {}.", list.join(", "))))
    }
}

pub fn required<T>(field: Field, value: Option<T>) -> Result<T> {
    value.ok_or_else(|| Error::invalid(field, format!("{field} is required.")))
}

pub fn check_text(field: Field, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(Error::invalid(field, format!("{field} is longer than {max} characters.")));
    }
    Ok(v.to_string())
}

pub fn looks_like_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !v.contains(char::is_whitespace)
        }
        None => false,
    }
}

pub fn check_phone(field: Field, p: &PhoneNumber) -> Result<PhoneNumber> {
    let country_code = check_text(field, &p.country_code, MAX_COUNTRY_CODE)?;
    let number = check_text(field, &p.number, MAX_PHONE)?;
    let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !digits_only(&country_code) || !digits_only(&number) {
        return Err(Error::invalid(field, format!("{field} may hold only digits, spaces and + - ( ) .")));
    }
    Ok(PhoneNumber { country_code, number, ..p.clone() })
}

/// Checks a list of video systems: named, with an email-like address, and exactly one default
/// when there are any.
pub fn check_video(devices: &[VideoDevice]) -> Result<VideoOptions> {
    if devices.len() > MAX_VIDEO_DEVICES {
        return Err(Error::invalid(Field::VideoDevices, format!("At most {MAX_VIDEO_DEVICES} videoDevices.")));
    }
    let mut out = Vec::with_capacity(devices.len());
    for d in devices {
        let name = check_text(Field::DeviceName, &d.name, MAX_CONTACT_NAME)?;
        if name.is_empty() {
            return Err(Error::invalid(Field::DeviceName, "deviceName cannot be empty."));
        }
        let address = check_text(Field::DeviceAddress, &d.address, MAX_ADDRESS)?;
        if !looks_like_email(&address) {
            return Err(Error::invalid(
                Field::DeviceAddress,
                format!("deviceAddress {address} is not an email-like address."),
            ));
        }
        out.push(VideoDevice { name, address, is_default: d.is_default });
    }
    let defaults = out.iter().filter(|d| d.is_default).count();
    if !out.is_empty() && defaults != 1 {
        return Err(Error::invalid(
            Field::IsDefault,
            "Exactly one of the videoDevices must be the default (isDefault).",
        ));
    }
    Ok(VideoOptions { devices: out })
}

/// A personal room id an administrator gives: kaigi's personal room id is the access code the
/// room is joined with, a meeting number of 9 to 11 digits.
pub fn check_room_id(id: &str) -> Result<u64> {
    let id = id.trim();
    let digits = (9..=11).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0');
    match id.parse::<u64>() {
        Ok(key) if digits => Ok(key),
        _ => Err(Error::invalid(
            Field::PersonalRoomId,
            "must be 9 to 11 digits, not starting with 0: a personal room id in kaigi is the access code the room is joined with",
        )),
    }
}

/// The addresses a list of emails names: each entry may itself list several, separated by
/// commas (the vendor's own example sends them so); blanks are dropped.
pub fn email_list(entries: &[String]) -> Vec<String> {
    entries.iter().flat_map(|e| e.split(',')).map(str::trim).filter(|e| !e.is_empty()).map(str::to_string).collect()
}
