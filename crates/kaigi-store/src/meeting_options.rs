//! How a meeting's typed options are kept: one JSON column each for features, telephony,
//! tracking codes and reminder. Rows written before the options were typed hold a list of
//! `[element name, value]` pairs as the XML API sent them; those are read into the typed values
//! here (names compared ignoring case and `_`), so an old database opens without a migration
//! that would have to parse JSON in SQL on two engines.

use kaigi_core::error::StoreError;
use kaigi_core::model::meeting_options::{
    AudioSupport, CallInNumbers, Feature, Features, MeetingOptions, Reminder, Telephony, TrackingCodes,
};
use serde::de::DeserializeOwned;
use sqlx::any::AnyRow;

use crate::codec::{get, get_json, json, Value};
use crate::errors::corrupt;

/// The five columns, in the order the meeting statements list them.
pub(crate) fn option_values(o: &MeetingOptions) -> Result<[Value; 5], StoreError> {
    Ok([
        json(&o.features, "features")?,
        json(&o.telephony, "telephony")?,
        json(&o.tracking, "tracking codes")?,
        json(&o.remind, "reminder")?,
        json(&o.conduct, "conduct")?,
    ])
}

pub(crate) fn options_from_row(row: &AnyRow) -> Result<MeetingOptions, StoreError> {
    Ok(MeetingOptions {
        features: read(row, "enable_options", legacy_features)?,
        telephony: read(row, "telephony", legacy_telephony)?,
        tracking: read(row, "tracking", legacy_tracking)?,
        remind: read(row, "remind", legacy_remind)?,
        conduct: get_json(row, "conduct")?,
    })
}

type Pairs = Vec<(String, String)>;

fn read<T: DeserializeOwned>(row: &AnyRow, column: &str, legacy: fn(&Pairs) -> T) -> Result<T, StoreError> {
    let text: String = get(row, column)?;
    if text.trim_start().starts_with('[') {
        let pairs: Pairs = serde_json::from_str(&text).map_err(|e| corrupt(column, e))?;
        return Ok(legacy(&pairs));
    }
    serde_json::from_str(&text).map_err(|e| corrupt(column, e))
}

fn squash(name: &str) -> String {
    name.chars().filter(|c| *c != '_').flat_map(char::to_lowercase).collect()
}

fn find<'a>(pairs: &'a Pairs, name: &str) -> Option<&'a str> {
    let want = squash(name);
    pairs.iter().find(|(k, _)| squash(k) == want).map(|(_, v)| v.trim())
}

fn flag(pairs: &Pairs, name: &str) -> Option<bool> {
    match find(pairs, name)?.to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

fn number(pairs: &Pairs, name: &str) -> Option<u32> {
    find(pairs, name)?.parse().ok()
}

fn text(pairs: &Pairs, name: &str) -> Option<String> {
    find(pairs, name).map(str::to_string)
}

fn legacy_features(pairs: &Pairs) -> Features {
    let mut out = Features::default();
    for (name, value) in pairs {
        let on = match value.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => continue,
        };
        // The old names were the XML API's; most squash to the key, the rest are listed.
        let squashed = squash(name);
        let feature = Feature::ALL.iter().copied().find(|f| squash(f.key()) == squashed).or(match squashed.as_str() {
            "rcappshare" => Some(Feature::RemoteAppShare),
            "rcdesktopshare" => Some(Feature::RemoteDesktopShare),
            "rcwebtour" => Some(Feature::RemoteWebTour),
            "enablereg" => Some(Feature::EnableRegistration),
            "supportqanda" => Some(Feature::QandA),
            "supportfeedback" => Some(Feature::Feedback),
            "supportbreakoutsessions" => Some(Feature::BreakoutSessions),
            "supportpanelists" => Some(Feature::Panelists),
            "supportremotecomputer" => Some(Feature::RemoteComputer),
            "supportsharewebcontent" => Some(Feature::ShareWebContent),
            "supportucfwebpages" => Some(Feature::UcfWebPages),
            "supportucfrichmedia" => Some(Feature::UcfRichMedia),
            "supporte2e" => Some(Feature::EndToEndEncryption),
            "supportpki" => Some(Feature::PublicKeyInfrastructure),
            "enabledautorecordmeeting" => Some(Feature::AutoRecord),
            "enabledjoinbeforehost" => Some(Feature::JoinBeforeHost),
            _ => None,
        });
        if let Some(f) = feature {
            out.set(f, on);
        }
    }
    out
}

fn legacy_telephony(pairs: &Pairs) -> Telephony {
    Telephony {
        support: find(pairs, "telephonySupport").and_then(|v| match v.to_ascii_uppercase().as_str() {
            "NONE" => Some(AudioSupport::None),
            "CALLIN" => Some(AudioSupport::CallIn),
            "CALLBACK" => Some(AudioSupport::CallBack),
            "OTHER" => Some(AudioSupport::Other),
            _ => None,
        }),
        phone_lines: number(pairs, "numPhoneLines"),
        external_url: text(pairs, "extTelephonyURL"),
        external_description: text(pairs, "extTelephonyDescription"),
        tsp_enabled: flag(pairs, "enableTSP"),
        tsp_account_index: number(pairs, "tspAccountIndex"),
        personal_account_index: number(pairs, "personalAccountIndex"),
        international_local_call_in: flag(pairs, "intlLocalCallIn"),
        location: text(pairs, "teleconfLocation"),
        call_in: text(pairs, "callInNum")
            .filter(|v| !v.is_empty())
            .map(|v| CallInNumbers { toll: v.split(';').next().map(str::to_string), ..CallInNumbers::default() }),
        access_code_order: None,
        toll_free: flag(pairs, "tollFree"),
        mp_audio: flag(pairs, "isMPAudio"),
        broadcast_audio_stream: flag(pairs, "broadcastAudioStream"),
        mute_upon_entry: flag(pairs, "muteUponEntry"),
    }
}

fn legacy_tracking(pairs: &Pairs) -> TrackingCodes {
    let mut out = TrackingCodes::default();
    for (name, value) in pairs {
        if let Some(slot) = squash(name).strip_prefix("trackingcode").and_then(|n| n.parse().ok()) {
            out.set(slot, value.clone());
        }
    }
    out
}

fn legacy_remind(pairs: &Pairs) -> Reminder {
    Reminder {
        enabled: flag(pairs, "enableReminder"),
        emails: find(pairs, "emails")
            .map(|v| v.split(';').map(str::trim).filter(|e| !e.is_empty()).map(str::to_string).collect()),
        send_email: flag(pairs, "sendEmail"),
        mobile: text(pairs, "mobile"),
        send_mobile: flag(pairs, "sendMobile"),
        days_ahead: number(pairs, "daysAhead"),
        hours_ahead: number(pairs, "hoursAhead"),
        minutes_ahead: number(pairs, "minutesAhead"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn rows_of_the_xml_era_read_as_typed_options() {
        let f = legacy_features(&pairs(&[("chat", "FALSE"), ("autoRecord", "true"), ("rcAppShare", "0"), ("x", "y")]));
        assert_eq!(f.get(Feature::Chat), Some(false));
        assert_eq!(f.get(Feature::AutoRecord), Some(true));
        assert_eq!(f.get(Feature::RemoteAppShare), Some(false));
        let t = legacy_telephony(&pairs(&[("telephonySupport", "CALLIN"), ("numPhoneLines", "8")]));
        assert_eq!((t.support, t.phone_lines), (Some(AudioSupport::CallIn), Some(8)));
        let codes = legacy_tracking(&pairs(&[("trackingCode2", "B"), ("TrackingCode10", "J")]));
        assert_eq!((codes.get(2), codes.get(10)), (Some("B"), Some("J")));
        let r = legacy_remind(&pairs(&[("emails", "a@x.example;b@x.example"), ("minutesAhead", "15")]));
        assert_eq!(r.emails.map(|e| e.len()), Some(2));
        assert_eq!(r.minutes_ahead, Some(15));
    }
}
