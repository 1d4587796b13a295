//! The XML API's 62 time zones (timeZoneID 0..=61) and the wire date-time format.
//!
//! Every zone pairs the exact `timeZone` string the service sends with the IANA zone whose
//! rules kaigi uses for DST and offsets. Wall-clock conversions never panic: times in a
//! spring-forward gap move forward by the gap, repeated fall-back times resolve to their first
//! occurrence. See docs/timezones.md for the table and the reasoning behind each choice.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::{GapInfo, OffsetComponents, Tz, TzOffset};

/// timeZoneID 20, "GMT+00:00, Greenwich (Casablanca)": plain GMT in kaigi, the zone integrations
/// send when they work in UTC.
pub const GMT_ID: u16 = 20;

/// One of the service's time zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZoneInfo {
    /// `timeZoneID`, 0..=61.
    pub id: u16,
    /// The exact `timeZone` string on the wire, e.g. "GMT-08:00, Pacific (San Jose)".
    pub name: &'static str,
    /// The IANA zone whose rules give the offset and DST.
    pub iana: Tz,
    /// Abbreviation of the zone's standard time (LstTimeZone `shortName`), e.g. "PST".
    pub short_name: &'static str,
    /// Label while standard time applies, e.g. "Pacific Standard Time".
    pub standard_label: &'static str,
    /// Label while DST applies, e.g. "Pacific Daylight Time". Zones that have kept one offset for
    /// decades repeat their standard label here.
    pub daylight_label: &'static str,
    /// City shown first in `timeZoneWithDST`, e.g. "San Francisco".
    pub city: &'static str,
}

/// Why a wall-clock time could not be turned into an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    /// The result would fall outside the range chrono can represent.
    #[error("local time {local} in time zone {zone} is out of range")]
    OutOfRange { local: NaiveDateTime, zone: u16 },
    /// The zone's rules give no way to place this time (a gap at the edge of the known data).
    #[error("local time {local} does not exist in time zone {zone}")]
    Nonexistent { local: NaiveDateTime, zone: u16 },
}

const fn tz(
    id: u16,
    name: &'static str,
    iana: Tz,
    short_name: &'static str,
    standard_label: &'static str,
    daylight_label: &'static str,
    city: &'static str,
) -> TimeZoneInfo {
    TimeZoneInfo { id, name, iana, short_name, standard_label, daylight_label, city }
}

/// The table, indexed by `timeZoneID`. Columns: id, wire name, IANA zone, short name, standard
/// label, daylight label, city.
#[rustfmt::skip]
static ZONES: [TimeZoneInfo; 62] = [
    tz(0, "GMT-12:00, Dateline (Eniwetok)", Tz::Etc__GMTPlus12, "IDLW", "Dateline Standard Time", "Dateline Standard Time", "Eniwetok"),
    tz(1, "GMT-11:00, Samoa (Samoa)", Tz::Pacific__Pago_Pago, "SST", "Samoa Standard Time", "Samoa Standard Time", "Samoa"),
    tz(2, "GMT-10:00, Hawaii (Honolulu)", Tz::Pacific__Honolulu, "HST", "Hawaii Standard Time", "Hawaii Standard Time", "Honolulu"),
    tz(3, "GMT-09:00, Alaska (Ancorage)", Tz::America__Anchorage, "AKST", "Alaska Standard Time", "Alaska Daylight Time", "Anchorage"),
    tz(4, "GMT-08:00, Pacific (San Jose)", Tz::America__Los_Angeles, "PST", "Pacific Standard Time", "Pacific Daylight Time", "San Francisco"),
    tz(5, "GMT-07:00, Mountain (Arizona)", Tz::America__Phoenix, "MST", "Mountain Standard Time", "Mountain Standard Time", "Arizona"),
    tz(6, "GMT-07:00, Mountain (Denver)", Tz::America__Denver, "MST", "Mountain Standard Time", "Mountain Daylight Time", "Denver"),
    tz(7, "GMT-06:00, Central (Chicago)", Tz::America__Chicago, "CST", "Central Standard Time", "Central Daylight Time", "Chicago"),
    tz(8, "GMT-06:00, Mexico (Mexico City,Tegucigalpa)", Tz::America__Mexico_City, "CST", "Mexico Standard Time", "Mexico Daylight Time", "Mexico City"),
    tz(9, "GMT-06:00, Central (Regina)", Tz::America__Regina, "CST", "Central Standard Time", "Central Standard Time", "Regina"),
    tz(10, "GMT-05:00, S. America Pacific (Bogota)", Tz::America__Bogota, "COT", "S. America Pacific Standard Time", "S. America Pacific Standard Time", "Bogota"),
    tz(11, "GMT-05:00, Eastern (New York)", Tz::America__New_York, "EST", "Eastern Standard Time", "Eastern Daylight Time", "New York"),
    tz(12, "GMT-05:00, Eastern (Indiana)", Tz::America__Indiana__Indianapolis, "EST", "Eastern Standard Time", "Eastern Daylight Time", "Indiana"),
    tz(13, "GMT-04:00, Atlantic (Halifax)", Tz::America__Halifax, "AST", "Atlantic Standard Time", "Atlantic Daylight Time", "Halifax"),
    tz(14, "GMT-04:00, S. America Western (Caracas)", Tz::America__Caracas, "VET", "S. America Western Standard Time", "S. America Western Standard Time", "Caracas"),
    tz(15, "GMT-03:30, Newfoundland (Newfoundland)", Tz::America__St_Johns, "NST", "Newfoundland Standard Time", "Newfoundland Daylight Time", "Newfoundland"),
    tz(16, "GMT-03:00, S. America Eastern (Brasilia)", Tz::America__Sao_Paulo, "BRT", "S. America Eastern Standard Time", "S. America Eastern Daylight Time", "Brasilia"),
    tz(17, "GMT-03:00, S. America Eastern (Buenos Aires)", Tz::America__Argentina__Buenos_Aires, "ART", "S. America Eastern Standard Time", "S. America Eastern Daylight Time", "Buenos Aires"),
    tz(18, "GMT-02:00, Mid-Atlantic (Mid-Atlantic)", Tz::Etc__GMTPlus2, "MAT", "Mid-Atlantic Standard Time", "Mid-Atlantic Standard Time", "Mid-Atlantic"),
    tz(19, "GMT-01:00, Azores (Azores)", Tz::Atlantic__Azores, "AZOT", "Azores Standard Time", "Azores Summer Time", "Azores"),
    tz(20, "GMT+00:00, Greenwich (Casablanca)", Tz::Etc__GMT, "GMT", "Greenwich Mean Time", "Greenwich Mean Time", "Casablanca"),
    tz(21, "GMT+00:00, GMT (London)", Tz::Europe__London, "GMT", "Greenwich Mean Time", "British Summer Time", "London"),
    tz(22, "GMT+01:00, Europe (Amsterdam)", Tz::Europe__Amsterdam, "CET", "Europe Time", "Europe Summer Time", "Amsterdam"),
    tz(23, "GMT+01:00, Europe (Paris)", Tz::Europe__Paris, "CET", "Europe Time", "Europe Summer Time", "Paris"),
    tz(24, "GMT+01:00, Europe (Prague)", Tz::Europe__Prague, "CET", "Europe Time", "Europe Summer Time", "Prague"),
    tz(25, "GMT+01:00, Europe (Berlin)", Tz::Europe__Berlin, "CET", "Europe Time", "Europe Summer Time", "Berlin"),
    tz(26, "GMT+02:00, Greece (Athens)", Tz::Europe__Athens, "EET", "Greece Time", "Greece Summer Time", "Athens"),
    tz(27, "GMT+02:00, Eastern Europe (Bucharest)", Tz::Europe__Bucharest, "EET", "Eastern Europe Time", "Eastern Europe Summer Time", "Bucharest"),
    tz(28, "GMT+02:00, Egypt (Cairo)", Tz::Africa__Cairo, "EET", "Egypt Standard Time", "Egypt Daylight Time", "Cairo"),
    tz(29, "GMT+02:00, South Africa (Pretoria)", Tz::Africa__Johannesburg, "SAST", "South Africa Standard Time", "South Africa Standard Time", "Pretoria"),
    tz(30, "GMT+02:00, Northern Europe (Helsinki)", Tz::Europe__Helsinki, "EET", "Northern Europe Time", "Northern Europe Summer Time", "Helsinki"),
    tz(31, "GMT+02:00, Israel (Tel Aviv)", Tz::Asia__Jerusalem, "IST", "Israel Standard Time", "Israel Daylight Time", "Tel Aviv"),
    tz(32, "GMT+03:00, Saudi Arabia (Baghdad)", Tz::Asia__Baghdad, "AST", "Saudi Arabia Standard Time", "Saudi Arabia Daylight Time", "Baghdad"),
    tz(33, "GMT+03:00, Russian (Moscow)", Tz::Europe__Moscow, "MSK", "Russian Standard Time", "Russian Daylight Time", "Moscow"),
    tz(34, "GMT+03:00, Nairobi (Nairobi)", Tz::Africa__Nairobi, "EAT", "Nairobi Standard Time", "Nairobi Standard Time", "Nairobi"),
    tz(35, "GMT+03:30, Iran (Tehran)", Tz::Asia__Tehran, "IRST", "Iran Standard Time", "Iran Daylight Time", "Tehran"),
    tz(36, "GMT+04:00, Arabian (Abu Dhabi, Muscat)", Tz::Asia__Dubai, "GST", "Arabian Standard Time", "Arabian Standard Time", "Abu Dhabi"),
    tz(37, "GMT+04:00, Baku (Baku)", Tz::Asia__Baku, "AZT", "Baku Standard Time", "Baku Daylight Time", "Baku"),
    tz(38, "GMT+04:30, Afghanistan (Kabul)", Tz::Asia__Kabul, "AFT", "Afghanistan Standard Time", "Afghanistan Standard Time", "Kabul"),
    tz(39, "GMT+05:00, West Asia (Ekaterinburg)", Tz::Asia__Yekaterinburg, "YEKT", "West Asia Standard Time", "West Asia Daylight Time", "Ekaterinburg"),
    tz(40, "GMT+05:00, West Asia (Islamabad)", Tz::Asia__Karachi, "PKT", "West Asia Standard Time", "West Asia Daylight Time", "Islamabad"),
    tz(41, "GMT+05:30, India (Bombay)", Tz::Asia__Kolkata, "IST", "India Standard Time", "India Standard Time", "Bombay"),
    tz(42, "GMT+06:00, Columbo (Columbo)", Tz::Asia__Colombo, "SLST", "Columbo Standard Time", "Columbo Standard Time", "Colombo"),
    tz(43, "GMT+06:00, Central Asia (Almaty)", Tz::Asia__Almaty, "ALMT", "Central Asia Standard Time", "Central Asia Standard Time", "Almaty"),
    tz(44, "GMT+07:00, Bangkok (Bangkok)", Tz::Asia__Bangkok, "ICT", "Bangkok Standard Time", "Bangkok Standard Time", "Bangkok"),
    tz(45, "GMT+08:00, China (Beijing)", Tz::Asia__Shanghai, "CST", "China Standard Time", "China Daylight Time", "Beijing"),
    tz(46, "GMT+08:00, Australia Western (Perth)", Tz::Australia__Perth, "AWST", "Australia Western Standard Time", "Australia Western Daylight Time", "Perth"),
    tz(47, "GMT+08:00, Singapore (Singapore)", Tz::Asia__Singapore, "SGT", "Singapore Standard Time", "Singapore Standard Time", "Singapore"),
    tz(48, "GMT+08:00, Taipei (Hong Kong)", Tz::Asia__Hong_Kong, "HKT", "Taipei Standard Time", "Taipei Standard Time", "Hong Kong"),
    tz(49, "GMT+09:00, Tokyo (Tokyo)", Tz::Asia__Tokyo, "JST", "Tokyo Standard Time", "Tokyo Standard Time", "Tokyo"),
    tz(50, "GMT+09:00, Korea (Seoul)", Tz::Asia__Seoul, "KST", "Korea Standard Time", "Korea Daylight Time", "Seoul"),
    tz(51, "GMT+09:00, Yakutsk (Yakutsk)", Tz::Asia__Yakutsk, "YAKT", "Yakutsk Standard Time", "Yakutsk Daylight Time", "Yakutsk"),
    tz(52, "GMT+09:30, Australia Central (Adelaide)", Tz::Australia__Adelaide, "ACST", "Australia Central Standard Time", "Australia Central Daylight Time", "Adelaide"),
    tz(53, "GMT+09:30, Australia Central (Darwin)", Tz::Australia__Darwin, "ACST", "Australia Central Standard Time", "Australia Central Standard Time", "Darwin"),
    tz(54, "GMT+10:00, Australia Eastern (Brisbane)", Tz::Australia__Brisbane, "AEST", "Australia Eastern Standard Time", "Australia Eastern Standard Time", "Brisbane"),
    tz(55, "GMT+10:00, Australia Eastern (Sydney)", Tz::Australia__Sydney, "AEST", "Australia Eastern Standard Time", "Australia Eastern Daylight Time", "Sydney"),
    tz(56, "GMT+10:00, West Pacific (Guam)", Tz::Pacific__Guam, "ChST", "West Pacific Standard Time", "West Pacific Standard Time", "Guam"),
    tz(57, "GMT+10:00, Tasmania (Hobart)", Tz::Australia__Hobart, "AEST", "Tasmania Standard Time", "Tasmania Daylight Time", "Hobart"),
    tz(58, "GMT+10:00, Vladivostok (Vladivostok)", Tz::Asia__Vladivostok, "VLAT", "Vladivostok Standard Time", "Vladivostok Daylight Time", "Vladivostok"),
    tz(59, "GMT+11:00, Central Pacific (Solomon Is)", Tz::Pacific__Guadalcanal, "SBT", "Central Pacific Standard Time", "Central Pacific Standard Time", "Solomon Is"),
    tz(60, "GMT+12:00, New Zealand (Wellington)", Tz::Pacific__Auckland, "NZST", "New Zealand Standard Time", "New Zealand Daylight Time", "Wellington"),
    tz(61, "GMT+12:00, Fiji (Fiji)", Tz::Pacific__Fiji, "FJT", "Fiji Standard Time", "Fiji Summer Time", "Fiji"),
];

/// Spellings other sources use for a zone, accepted by [`by_name`] but never sent: the 2011 XSD
/// offsets for 35/38/51 and the corrected spelling of "Ancorage".
const NAME_ALIASES: &[(&str, u16)] = &[
    ("GMT+03:00, Iran (Tehran)", 35),
    ("GMT+04:00, Afghanistan (Kabul)", 38),
    ("GMT+09:30, Yakutsk (Yakutsk)", 51),
    ("GMT-09:00, Alaska (Anchorage)", 3),
];

/// All 62 zones, in `timeZoneID` order (the slice index is the id).
pub fn all() -> &'static [TimeZoneInfo] {
    &ZONES
}

/// The zone with this `timeZoneID`. 24 (Prague) and 27 (Bucharest) are deprecated by the 5.9
/// guide but remain valid ids.
pub fn by_id(id: u16) -> Option<&'static TimeZoneInfo> {
    ZONES.get(usize::from(id))
}

/// The zone whose `timeZone` string this is (surrounding whitespace and ASCII case ignored);
/// also accepts the 2011 XSD spellings of 35, 38 and 51 and "Anchorage" for 3.
pub fn by_name(name: &str) -> Option<&'static TimeZoneInfo> {
    let name = name.trim();
    ZONES.iter().find(|z| z.name.eq_ignore_ascii_case(name)).or_else(|| {
        NAME_ALIASES.iter().find(|(alias, _)| alias.eq_ignore_ascii_case(name)).and_then(|&(_, id)| by_id(id))
    })
}

/// The zone kaigi keeps a schedule in for an IANA name (the REST API's `timezone`): the table
/// zone of that name; GMT for `UTC`-like names; else a table zone whose offsets agree with the
/// named zone on 1 January and 1 July of `year`. None when the name is unknown or no zone agrees.
pub fn by_iana(name: &str, year: i32) -> Option<&'static TimeZoneInfo> {
    let name = name.trim();
    if ["UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "Zulu", "Etc/Zulu", "Universal"]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
    {
        return by_id(GMT_ID);
    }
    let tz: Tz = name.parse().ok()?;
    if let Some(z) = ZONES.iter().find(|z| z.iana == tz) {
        return Some(z);
    }
    let probes: Vec<DateTime<Utc>> =
        [(1, 1), (7, 1)].iter().filter_map(|(m, d)| Utc.with_ymd_and_hms(year, *m, *d, 12, 0, 0).single()).collect();
    let offsets = |z: &Tz| -> Vec<i32> {
        probes.iter().map(|p| z.offset_from_utc_datetime(&p.naive_utc()).fix().local_minus_utc()).collect()
    };
    let wanted = offsets(&tz);
    ZONES.iter().find(|z| offsets(&z.iana) == wanted)
}

/// "GMT+02:00", "GMT-03:30", "GMT+00:00" for an offset in minutes east of GMT.
pub fn format_gmt_offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let abs = minutes.unsigned_abs();
    format!("GMT{sign}{:02}:{:02}", abs / 60, abs % 60)
}

impl TimeZoneInfo {
    fn offset_at(&self, at: DateTime<Utc>) -> TzOffset {
        self.iana.offset_from_utc_datetime(&at.naive_utc())
    }

    /// Minutes east of GMT at this instant, DST included (LstTimeZone `gmtOffset`).
    pub fn gmt_offset_minutes(&self, at: DateTime<Utc>) -> i32 {
        self.offset_at(at).fix().local_minus_utc() / 60
    }

    /// Minutes east of GMT of the zone's standard time at this instant (DST left out).
    pub fn standard_offset_minutes(&self, at: DateTime<Utc>) -> i32 {
        let seconds = self.offset_at(at).base_utc_offset().num_seconds();
        i32::try_from(seconds / 60).unwrap_or(0)
    }

    /// Whether DST is in force at this instant (LstTimeZone `fallInDST`).
    pub fn in_dst(&self, at: DateTime<Utc>) -> bool {
        !self.offset_at(at).dst_offset().is_zero()
    }

    /// The standard or daylight label, whichever applies at this instant.
    pub fn label_at(&self, at: DateTime<Utc>) -> &'static str {
        if self.in_dst(at) {
            self.daylight_label
        } else {
            self.standard_label
        }
    }

    /// The wall-clock time in this zone at an instant.
    pub fn to_local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        let utc = at.naive_utc();
        let offset = Duration::seconds(i64::from(self.offset_at(at).fix().local_minus_utc()));
        // Only the very ends of chrono's range can overflow; stay at UTC there rather than panic.
        utc.checked_add_signed(offset).unwrap_or(utc)
    }

    /// The instant a wall-clock time in this zone denotes.
    ///
    /// kaigi's choices for times the clock skips or repeats:
    /// - in a spring-forward gap the time is read with the offset in force before the gap, which
    ///   moves it forward by the gap's length (02:30 in a one-hour gap is 03:30 DST);
    /// - in a fall-back overlap the first occurrence (still on DST) is taken.
    pub fn to_utc(&self, local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeError> {
        let out_of_range = LocalTimeError::OutOfRange { local, zone: self.id };
        let resolved = self.iana.from_local_datetime(&local);
        if let Some(first) = resolved.earliest() {
            return Ok(first.with_timezone(&Utc));
        }
        let Some(gap) = GapInfo::new(&local, &self.iana) else {
            // Not a gap, yet unresolvable: the subtraction overflowed at the end of the range.
            return Err(out_of_range);
        };
        let Some((_, before)) = gap.begin else {
            return Err(LocalTimeError::Nonexistent { local, zone: self.id });
        };
        let offset = Duration::seconds(i64::from(before.fix().local_minus_utc()));
        local.checked_sub_signed(offset).map(|utc| utc.and_utc()).ok_or(out_of_range)
    }

    /// The `timeZoneWithDST` text at an instant: city, current label and current offset, e.g.
    /// "Berlin (Europe Summer Time, GMT+02:00)".
    pub fn with_dst_label(&self, at: DateTime<Utc>) -> String {
        format!("{} ({}, {})", self.city, self.label_at(at), format_gmt_offset(self.gmt_offset_minutes(at)))
    }
}

/// Parses a request date-time: `MM/DD/YYYY HH:MM:SS` with each part of month, day, hour, minute
/// and second allowed one or two digits, seconds optional (`MM/DD/YYYY HH:MM`), or a date alone
/// (`M/D/YYYY`, read as midnight). Surrounding whitespace is ignored. Returns `None` for anything
/// else, including dates that do not exist and out-of-range clock parts.
pub fn parse_wire_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let (date, time) = match s.split_once(|c: char| c.is_ascii_whitespace()) {
        Some((date, time)) => (date, Some(time.trim_start())),
        None => (s, None),
    };

    let mut parts = date.split('/');
    let month = digits(parts.next()?, 1, 2)?;
    let day = digits(parts.next()?, 1, 2)?;
    let year = digits(parts.next()?, 4, 4)?;
    if parts.next().is_some() {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;

    let (hour, minute, second) = match time {
        None => (0, 0, 0),
        Some(time) => {
            let mut parts = time.split(':');
            let hour = digits(parts.next()?, 1, 2)?;
            let minute = digits(parts.next()?, 1, 2)?;
            let second = match parts.next() {
                Some(part) => digits(part, 1, 2)?,
                None => 0,
            };
            if parts.next().is_some() {
                return None;
            }
            (hour, minute, second)
        }
    };
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    date.and_hms_opt(hour, minute, second)
}

/// A run of `min..=max` ASCII digits, as a number.
pub fn digits(part: &str, min: usize, max: usize) -> Option<u32> {
    if part.len() < min || part.len() > max || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// Formats a date-time the way responses carry it: zero-padded `MM/DD/YYYY HH:MM:SS`.
pub fn format_wire_datetime(dt: NaiveDateTime) -> String {
    format!("{:02}/{:02}/{:04} {:02}:{:02}:{:02}", dt.month(), dt.day(), dt.year(), dt.hour(), dt.minute(), dt.second())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("valid UTC time")
    }

    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d).and_then(|date| date.and_hms_opt(h, mi, 0)).expect("valid local time")
    }

    fn zone(id: u16) -> &'static TimeZoneInfo {
        by_id(id).expect("zone exists")
    }

    #[test]
    fn iana_names_find_a_zone_of_the_table() {
        assert_eq!(by_iana("Asia/Tokyo", 2026).map(|z| z.id), Some(49));
        assert_eq!(by_iana("UTC", 2026).map(|z| z.id), Some(GMT_ID));
        // Not in the table: a zone with the same offsets all year is used.
        assert_eq!(by_iana("America/Vancouver", 2026).map(|z| z.iana), Some(Tz::America__Los_Angeles));
        assert_eq!(by_iana("Mars/Olympus", 2026), None);
    }

    /// Minutes east of GMT written at the front of a wire name ("GMT-03:30, ..." is -210).
    fn name_offset(name: &str) -> i32 {
        let sign = match &name[3..4] {
            "+" => 1,
            "-" => -1,
            other => panic!("bad sign {other} in {name}"),
        };
        let hours: i32 = name[4..6].parse().expect("hours");
        let minutes: i32 = name[7..9].parse().expect("minutes");
        sign * (hours * 60 + minutes)
    }

    #[test]
    fn table_has_62_dense_unique_ids() {
        assert_eq!(all().len(), 62);
        for (index, zone) in all().iter().enumerate() {
            assert_eq!(usize::from(zone.id), index);
            assert_eq!(by_id(zone.id), Some(zone));
        }
        assert!(by_id(62).is_none());
        let mut names: Vec<_> = all().iter().map(|z| z.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 62, "wire names are unique");
    }

    #[test]
    fn anchor_names_match_the_spec() {
        assert_eq!(zone(2).name, "GMT-10:00, Hawaii (Honolulu)");
        assert_eq!(zone(4).name, "GMT-08:00, Pacific (San Jose)");
        assert_eq!(zone(25).name, "GMT+01:00, Europe (Berlin)");
        assert_eq!(zone(0).name, "GMT-12:00, Dateline (Eniwetok)");
        assert_eq!(zone(20).name, "GMT+00:00, Greenwich (Casablanca)");
        assert_eq!(zone(61).name, "GMT+12:00, Fiji (Fiji)");
        assert_eq!(zone(35).name, "GMT+03:30, Iran (Tehran)");
        assert_eq!(zone(38).name, "GMT+04:30, Afghanistan (Kabul)");
        assert_eq!(zone(51).name, "GMT+09:00, Yakutsk (Yakutsk)");
        assert_eq!(zone(24).name, "GMT+01:00, Europe (Prague)");
        assert_eq!(zone(27).name, "GMT+02:00, Eastern Europe (Bucharest)");
    }

    #[test]
    fn iana_standard_offsets_agree_with_names() {
        // 42 (Colombo, +05:30 since 2006) and 43 (Almaty, +05:00 since 2024) follow today's
        // tzdata rather than the offset written in their names; see docs/timezones.md.
        let at = utc(2026, 1, 15, 12, 0);
        for zone in all() {
            let expected = match zone.id {
                42 => 330,
                43 => 300,
                _ => name_offset(zone.name),
            };
            assert_eq!(zone.standard_offset_minutes(at), expected, "zone {}", zone.id);
        }
    }

    #[test]
    fn lookup_by_name_and_aliases() {
        assert_eq!(by_name("GMT+01:00, Europe (Berlin)").map(|z| z.id), Some(25));
        assert_eq!(by_name("  gmt-08:00, pacific (san jose) ").map(|z| z.id), Some(4));
        assert_eq!(by_name("GMT+03:00, Iran (Tehran)").map(|z| z.id), Some(35));
        assert_eq!(by_name("GMT+04:00, Afghanistan (Kabul)").map(|z| z.id), Some(38));
        assert_eq!(by_name("GMT+09:30, Yakutsk (Yakutsk)").map(|z| z.id), Some(51));
        assert_eq!(by_name("GMT-09:00, Alaska (Anchorage)").map(|z| z.id), Some(3));
        assert!(by_name("GMT+01:00, Europe (Rome)").is_none());
    }

    #[test]
    fn dst_offsets() {
        let january = utc(2026, 1, 15, 12, 0);
        let july = utc(2026, 7, 15, 12, 0);

        assert_eq!(zone(25).gmt_offset_minutes(january), 60);
        assert_eq!(zone(25).gmt_offset_minutes(july), 120);
        assert!(!zone(25).in_dst(january));
        assert!(zone(25).in_dst(july));

        assert_eq!(zone(4).gmt_offset_minutes(january), -480);
        assert_eq!(zone(4).gmt_offset_minutes(july), -420);

        assert_eq!(zone(55).gmt_offset_minutes(january), 660);
        assert_eq!(zone(55).gmt_offset_minutes(july), 600);
        assert!(zone(55).in_dst(january));
        assert!(!zone(55).in_dst(july));
        assert_eq!(zone(55).standard_offset_minutes(january), 600);

        for at in [january, july, utc(2026, 3, 8, 12, 0), utc(2026, 11, 1, 12, 0)] {
            assert_eq!(zone(5).gmt_offset_minutes(at), -420);
            assert!(!zone(5).in_dst(at));
        }

        // Zone 20 is plain GMT all year, whatever Morocco does.
        for month in 1..=12 {
            let at = utc(2026, month, 10, 12, 0);
            assert_eq!(zone(GMT_ID).gmt_offset_minutes(at), 0);
            assert!(!zone(GMT_ID).in_dst(at));
        }

        assert_eq!(zone(35).gmt_offset_minutes(july), 210);
        assert_eq!(zone(38).gmt_offset_minutes(july), 270);
        assert_eq!(zone(15).gmt_offset_minutes(january), -210);
    }

    #[test]
    fn dst_labels() {
        assert_eq!(zone(25).with_dst_label(utc(2016, 7, 20, 12, 0)), "Berlin (Europe Summer Time, GMT+02:00)");
        assert_eq!(zone(25).with_dst_label(utc(2016, 1, 20, 12, 0)), "Berlin (Europe Time, GMT+01:00)");
        assert_eq!(zone(4).with_dst_label(utc(2020, 2, 1, 12, 0)), "San Francisco (Pacific Standard Time, GMT-08:00)");
        assert_eq!(zone(4).with_dst_label(utc(2020, 8, 1, 12, 0)), "San Francisco (Pacific Daylight Time, GMT-07:00)");
        assert_eq!(
            zone(15).with_dst_label(utc(2026, 1, 1, 12, 0)),
            "Newfoundland (Newfoundland Standard Time, GMT-03:30)"
        );
        assert_eq!(format_gmt_offset(0), "GMT+00:00");
        assert_eq!(format_gmt_offset(-720), "GMT-12:00");
        assert_eq!(format_gmt_offset(345), "GMT+05:45");
    }

    #[test]
    fn to_utc_berlin() {
        let berlin = zone(25);
        // Normal summer time.
        assert_eq!(berlin.to_utc(local(2026, 7, 1, 12, 0)), Ok(utc(2026, 7, 1, 10, 0)));
        // Spring forward, Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST.
        assert_eq!(berlin.to_utc(local(2026, 3, 29, 1, 59)), Ok(utc(2026, 3, 29, 0, 59)));
        let gap = berlin.to_utc(local(2026, 3, 29, 2, 30)).expect("gap resolves");
        assert_eq!(gap, utc(2026, 3, 29, 1, 30));
        assert_eq!(berlin.to_local(gap), local(2026, 3, 29, 3, 30));
        assert_eq!(berlin.to_utc(local(2026, 3, 29, 2, 0)), Ok(utc(2026, 3, 29, 1, 0)));
        assert_eq!(berlin.to_utc(local(2026, 3, 29, 3, 0)), Ok(utc(2026, 3, 29, 1, 0)));
        // Fall back, Sunday 25 October 2026: 02:00-03:00 happens twice; first (CEST) wins.
        assert_eq!(berlin.to_utc(local(2026, 10, 25, 2, 30)), Ok(utc(2026, 10, 25, 0, 30)));
        assert_eq!(berlin.to_utc(local(2026, 10, 25, 3, 0)), Ok(utc(2026, 10, 25, 2, 0)));
    }

    #[test]
    fn to_utc_new_york() {
        let new_york = zone(11);
        assert_eq!(new_york.to_utc(local(2026, 1, 15, 9, 0)), Ok(utc(2026, 1, 15, 14, 0)));
        // Spring forward, Sunday 8 March 2026, 02:00 EST -> 03:00 EDT.
        let gap = new_york.to_utc(local(2026, 3, 8, 2, 30)).expect("gap resolves");
        assert_eq!(gap, utc(2026, 3, 8, 7, 30));
        assert_eq!(new_york.to_local(gap), local(2026, 3, 8, 3, 30));
        // Fall back, Sunday 1 November 2026, 02:00 EDT -> 01:00 EST; 01:30 is read as EDT.
        assert_eq!(new_york.to_utc(local(2026, 11, 1, 1, 30)), Ok(utc(2026, 11, 1, 5, 30)));
        assert_eq!(new_york.to_utc(local(2026, 11, 1, 2, 30)), Ok(utc(2026, 11, 1, 7, 30)));
    }

    #[test]
    fn to_utc_sydney() {
        let sydney = zone(55);
        assert_eq!(sydney.to_utc(local(2026, 7, 1, 9, 0)), Ok(utc(2026, 6, 30, 23, 0)));
        // DST ends Sunday 5 April 2026, 03:00 AEDT -> 02:00 AEST; 02:30 is read as AEDT.
        assert_eq!(sydney.to_utc(local(2026, 4, 5, 2, 30)), Ok(utc(2026, 4, 4, 15, 30)));
        assert_eq!(sydney.to_utc(local(2026, 4, 5, 3, 0)), Ok(utc(2026, 4, 4, 17, 0)));
        // DST starts Sunday 4 October 2026, 02:00 AEST -> 03:00 AEDT.
        let gap = sydney.to_utc(local(2026, 10, 4, 2, 30)).expect("gap resolves");
        assert_eq!(gap, utc(2026, 10, 3, 16, 30));
        assert_eq!(sydney.to_local(gap), local(2026, 10, 4, 3, 30));
    }

    #[test]
    fn round_trip_outside_gaps() {
        let samples = [
            local(2026, 1, 1, 0, 0),
            local(2026, 3, 29, 1, 59),
            local(2026, 3, 29, 3, 0),
            local(2026, 7, 20, 15, 30),
            local(2026, 10, 25, 2, 30),
            local(2026, 11, 1, 1, 30),
            local(2026, 12, 31, 23, 59),
            local(2019, 11, 1, 8, 0),
        ];
        for zone in all() {
            for &sample in &samples {
                let instant = zone.to_utc(sample).expect("resolves");
                let back = zone.to_local(instant);
                if zone.iana.from_local_datetime(&sample).earliest().is_some() {
                    assert_eq!(back, sample, "zone {} at {sample}", zone.id);
                } else {
                    assert!(back > sample, "gap time moves forward in zone {}", zone.id);
                }
            }
        }
    }

    #[test]
    fn extremes_do_not_panic() {
        for zone in all() {
            let _ = zone.to_utc(NaiveDateTime::MAX);
            let _ = zone.to_utc(NaiveDateTime::MIN);
            let _ = zone.to_local(DateTime::<Utc>::MAX_UTC);
            let _ = zone.to_local(DateTime::<Utc>::MIN_UTC);
            let _ = zone.with_dst_label(DateTime::<Utc>::MAX_UTC);
        }
    }

    #[test]
    fn parse_wire_forms() {
        let expect = |s: &str, want: NaiveDateTime| {
            assert_eq!(parse_wire_datetime(s), Some(want), "{s:?}");
        };
        expect("07/20/2016 15:30:00", local(2016, 7, 20, 15, 30));
        expect("11/01/2019 8:0:0", local(2019, 11, 1, 8, 0));
        expect("9/29/2019 02:42:34", local(2019, 9, 29, 2, 42) + Duration::seconds(34));
        expect("6/9/2019 15:51", local(2019, 6, 9, 15, 51));
        expect("1/2/2020", local(2020, 1, 2, 0, 0));
        expect("  12/31/2049 23:59:59\n", local(2049, 12, 31, 23, 59) + Duration::seconds(59));
        expect("02/29/2024 00:00:00", local(2024, 2, 29, 0, 0));

        for bad in [
            "",
            "   ",
            "02/30/2020 10:00:00",
            "02/29/2023",
            "13/01/2020",
            "00/10/2020",
            "01/00/2020",
            "01/01/2020 24:00:00",
            "01/01/2020 23:60:00",
            "01/01/2020 23:59:60",
            "01/01/20 10:00:00",
            "2020-01-01 10:00:00",
            "01/01/2020 10",
            "01/01/2020 10:00:00:00",
            "01/01/2020/1",
            "001/01/2020",
            "01/01/2020 +1:00",
            "01/01/2020 10:00:00 PM",
            "01/01/2020T10:00:00",
            "none",
        ] {
            assert_eq!(parse_wire_datetime(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn format_wire_is_zero_padded() {
        let dt = parse_wire_datetime("9/2/2019 8:5:7").expect("parses");
        assert_eq!(format_wire_datetime(dt), "09/02/2019 08:05:07");
        assert_eq!(format_wire_datetime(local(2016, 7, 20, 15, 30)), "07/20/2016 15:30:00");
        let text = "02/27/2020 22:03:57";
        assert_eq!(parse_wire_datetime(text).map(format_wire_datetime).as_deref(), Some(text));
    }
}
