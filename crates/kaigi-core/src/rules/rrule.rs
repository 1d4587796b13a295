//! Recurrence rules as the REST API carries them: RFC 2445 RRULE text (`FREQ=WEEKLY;BYDAY=MO`),
//! read into and written from the one [`Recurrence`] model both faces share, with the REST
//! API's limits on how far a series may reach.

use chrono::{Datelike, Months, NaiveDate, Weekday};

use crate::error::{Error, Field, Result};
use crate::model::{Recurrence, RepeatKind};

/// Longest an ending series may reach, from its first start.
pub const MAX_YEARS: u32 = 5;

/// Most occurrences an ending series may have, by frequency.
pub fn max_occurrences(kind: RepeatKind) -> u32 {
    match kind {
        RepeatKind::Yearly => 5,
        RepeatKind::Monthly => 60,
        RepeatKind::Weekly => 261,
        // The spec allows 1826 daily occurrences; kaigi's engine expands at most 1000.
        RepeatKind::Daily => crate::rules::recurrence::MAX_OCCURRENCES as u32,
        RepeatKind::NoRepeat | RepeatKind::Constant => 1,
    }
}

const DAYS: [(&str, Weekday); 7] = [
    ("SU", Weekday::Sun),
    ("MO", Weekday::Mon),
    ("TU", Weekday::Tue),
    ("WE", Weekday::Wed),
    ("TH", Weekday::Thu),
    ("FR", Weekday::Fri),
    ("SA", Weekday::Sat),
];

pub fn bad(why: impl Into<String>) -> Error {
    Error::invalid(Field::Recurrence, why)
}

pub fn weekday(code: &str) -> Result<Weekday> {
    DAYS.iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, d)| *d)
        .ok_or_else(|| bad(format!("{code} is not a day (SU, MO, TU, WE, TH, FR, SA)")))
}

pub fn number(name: &str, v: &str) -> Result<i64> {
    v.trim().parse().map_err(|_| bad(format!("{name} must be a number")))
}

/// `UNTIL` as a local date (a time part is accepted and dropped: the rule ends on that day).
pub fn until_date(v: &str) -> Result<NaiveDate> {
    let digits: String = v.chars().take(8).collect();
    NaiveDate::parse_from_str(&digits, "%Y%m%d").map_err(|_| bad("UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ"))
}

/// Parses an RRULE (an optional `RRULE:` prefix is accepted). `first` is the first start's
/// local date, which the length limits count from.
pub fn parse(text: &str, first: NaiveDate) -> Result<Recurrence> {
    let text = text.trim();
    let text = text.strip_prefix("RRULE:").unwrap_or(text);
    if text.len() > 512 {
        return Err(bad("longer than 512 characters"));
    }
    let mut rule = Recurrence::none();
    let mut freq = None;
    let mut by_day: Vec<(Option<i64>, Weekday)> = Vec::new();
    let mut set_pos = None;
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = part.split_once('=').ok_or_else(|| bad(format!("{part} is not NAME=VALUE")))?;
        let name = name.trim().to_ascii_uppercase();
        let value = value.trim();
        match name.as_str() {
            "FREQ" => {
                freq = Some(match value.to_ascii_uppercase().as_str() {
                    "DAILY" => RepeatKind::Daily,
                    "WEEKLY" => RepeatKind::Weekly,
                    "MONTHLY" => RepeatKind::Monthly,
                    "YEARLY" => RepeatKind::Yearly,
                    other => {
                        return Err(bad(format!("FREQ={other} is not supported (DAILY, WEEKLY, MONTHLY, YEARLY)")))
                    }
                })
            }
            "INTERVAL" => {
                let n = number("INTERVAL", value)?;
                rule.interval = u32::try_from(n)
                    .ok()
                    .filter(|n| (1..=99).contains(n))
                    .ok_or_else(|| bad("INTERVAL must be 1 to 99"))?;
            }
            "COUNT" => {
                let n = number("COUNT", value)?;
                rule.occurrences =
                    Some(u32::try_from(n).ok().filter(|n| *n >= 1).ok_or_else(|| bad("COUNT must be at least 1"))?);
            }
            "UNTIL" => rule.expiration = Some(until_date(value)?),
            "BYDAY" => {
                for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    // The day code is the last two characters; a non-ASCII item is no day (and
                    // splitting it by bytes could cut a character in two).
                    if !item.is_ascii() {
                        return Err(bad(format!("BYDAY={item} is not a day")));
                    }
                    let split = item.len().saturating_sub(2);
                    let (n, code) = item.split_at(split);
                    let n = if n.is_empty() { None } else { Some(number("BYDAY", n)?) };
                    by_day.push((n, weekday(code)?));
                }
            }
            // Only the first value of a list is honoured, as the service does.
            "BYMONTHDAY" => {
                let first_value = value.split(',').next().unwrap_or_default();
                let d = number("BYMONTHDAY", first_value)?;
                rule.day_in_month = Some(
                    u32::try_from(d)
                        .ok()
                        .filter(|d| (1..=31).contains(d))
                        .ok_or_else(|| bad("BYMONTHDAY must be 1 to 31"))?,
                );
            }
            "BYMONTH" => {
                let first_value = value.split(',').next().unwrap_or_default();
                let m = number("BYMONTH", first_value)?;
                rule.month_in_year = Some(
                    u32::try_from(m)
                        .ok()
                        .filter(|m| (1..=12).contains(m))
                        .ok_or_else(|| bad("BYMONTH must be 1 to 12"))?,
                );
            }
            "BYSETPOS" => set_pos = Some(number("BYSETPOS", value.split(',').next().unwrap_or_default())?),
            "WKST" => {}
            other => return Err(bad(format!("{other} is not supported"))),
        }
    }
    rule.kind = freq.ok_or_else(|| bad("FREQ is required"))?;
    if rule.occurrences.is_some() && rule.expiration.is_some() {
        return Err(bad("give COUNT or UNTIL, not both"));
    }
    let week_of = |n: i64| -> Result<u32> {
        match n {
            1..=4 => Ok(n as u32),
            5 | -1 => Ok(5),
            _ => Err(bad("the week of the month must be 1 to 4, or -1 for the last")),
        }
    };
    match rule.kind {
        RepeatKind::Daily | RepeatKind::Weekly => {
            rule.days_in_week = by_day.iter().map(|(_, d)| *d).collect();
            if rule.kind == RepeatKind::Daily && !rule.days_in_week.is_empty() {
                // kaigi's engine knows "every weekday" for daily rules with days.
                rule.days_in_week = vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
                rule.interval = 1;
            }
        }
        RepeatKind::Monthly | RepeatKind::Yearly => {
            if let Some((n, day)) = by_day.first() {
                let n =
                    n.or(set_pos).ok_or_else(|| bad("BYDAY in a monthly or yearly rule needs a week (2TU, -1FR)"))?;
                rule.week_in_month = Some(week_of(n)?);
                rule.days_in_week = vec![*day];
                rule.day_in_month = None;
            }
        }
        RepeatKind::NoRepeat | RepeatKind::Constant => {}
    }
    let cap = max_occurrences(rule.kind);
    if rule.occurrences.is_some_and(|n| n > cap) {
        return Err(bad(format!("COUNT must be at most {cap} for FREQ={}", rule.kind.wire())));
    }
    let limit = first.checked_add_months(Months::new(12 * MAX_YEARS)).unwrap_or(first);
    if rule.expiration.is_some_and(|e| e > limit) {
        return Err(bad(format!("UNTIL must be within {MAX_YEARS} years of the first start")));
    }
    if rule.expiration.is_some_and(|e| e < first) {
        return Err(bad("UNTIL is before the first start"));
    }
    Ok(rule)
}

/// The RRULE text of a rule; None for a meeting that does not repeat.
pub fn format(rule: &Recurrence) -> Option<String> {
    let freq = match rule.kind {
        RepeatKind::Daily => "DAILY",
        RepeatKind::Weekly => "WEEKLY",
        RepeatKind::Monthly => "MONTHLY",
        RepeatKind::Yearly => "YEARLY",
        RepeatKind::NoRepeat | RepeatKind::Constant => return None,
    };
    let mut out = format!("FREQ={freq};INTERVAL={}", rule.interval.max(1));
    let code = |d: &Weekday| DAYS.iter().find(|(_, w)| w == d).map(|(c, _)| *c).unwrap_or("MO");
    match (rule.kind, rule.week_in_month) {
        (RepeatKind::Monthly | RepeatKind::Yearly, Some(n)) => {
            let n = if n >= 5 { -1 } else { i64::from(n) };
            if let Some(d) = rule.days_in_week.first() {
                out.push_str(&format!(";BYDAY={n}{}", code(d)));
            }
        }
        _ if !rule.days_in_week.is_empty() => {
            let days: Vec<&str> = rule.days_in_week.iter().map(code).collect();
            out.push_str(&format!(";BYDAY={}", days.join(",")));
        }
        _ => {}
    }
    if let Some(d) = rule.day_in_month {
        out.push_str(&format!(";BYMONTHDAY={d}"));
    }
    if let Some(m) = rule.month_in_year {
        out.push_str(&format!(";BYMONTH={m}"));
    }
    if let Some(n) = rule.occurrences {
        out.push_str(&format!(";COUNT={n}"));
    }
    if let Some(e) = rule.expiration {
        out.push_str(&format!(";UNTIL={:04}{:02}{:02}", e.year(), e.month(), e.day()));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn common_rules_round_trip() {
        let first = day("2026-06-01");
        for text in [
            "FREQ=DAILY;INTERVAL=1;COUNT=20",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20261231",
            "FREQ=MONTHLY;INTERVAL=1;BYDAY=-1FR;COUNT=6",
            "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=10",
            "FREQ=YEARLY;INTERVAL=1;BYMONTHDAY=3;BYMONTH=7;COUNT=5",
        ] {
            let rule = parse(text, first).unwrap();
            assert_eq!(format(&rule).as_deref(), Some(text), "{text}");
        }
    }

    #[test]
    fn only_the_first_month_day_counts_and_setpos_gives_the_week() {
        let first = day("2026-06-01");
        assert_eq!(parse("FREQ=MONTHLY;BYMONTHDAY=10,11,12", first).unwrap().day_in_month, Some(10));
        let r = parse("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2", first).unwrap();
        assert_eq!((r.week_in_month, r.days_in_week), (Some(2), vec![Weekday::Tue]));
    }

    #[test]
    fn limits_and_nonsense_are_refused() {
        let first = day("2026-06-01");
        for text in [
            "",
            "FREQ=HOURLY",
            "FREQ=YEARLY;COUNT=6",
            "FREQ=MONTHLY;COUNT=61",
            "FREQ=WEEKLY;COUNT=262",
            "FREQ=DAILY;UNTIL=20320101",
            "FREQ=DAILY;COUNT=2;UNTIL=20260701",
            "FREQ=WEEKLY;BYDAY=XX",
            "FREQ=DAILY;INTERVAL=0",
            "FREQ=DAILY;FOO=1",
            "FREQ",
        ] {
            assert!(parse(text, first).is_err(), "{text}");
        }
        // Open-ended rules are allowed.
        assert!(parse("FREQ=DAILY", first).unwrap().occurrences.is_none());
    }
}

/// Fuzz-style property of the text parsers a request reaches: RRULEs, wire date-times and zone
/// names, from random token soups and random bytes. None panics; each answers a value or an
/// error. Seeded; `KAIGI_FUZZ_ITERATIONS` and `KAIGI_FUZZ_SEED` make the long run
/// (docs/security.md, "Fuzzing").
#[cfg(test)]
mod fuzz {
    use crate::rules::timezone;
    use chrono::NaiveDate;
    use rand::{Rng, SeedableRng};

    const TOKENS: &[&str] = &[
        "FREQ=",
        "DAILY",
        "WEEKLY",
        "MONTHLY",
        "YEARLY",
        "SECONDLY",
        ";",
        "=",
        ",",
        "INTERVAL=",
        "COUNT=",
        "UNTIL=",
        "BYDAY=",
        "MO",
        "TU",
        "-1",
        "+2",
        "53",
        "BYMONTHDAY=",
        "BYMONTH=",
        "BYSETPOS=",
        "WKST=",
        "0",
        "1",
        "31",
        "4294967296",
        "99999999999999999999",
        "20261231T235959Z",
        "2026",
        "T",
        "Z",
        "-",
        " ",
        "\u{0}",
        "é",
        "",
    ];

    fn env(name: &str, default: u64) -> u64 {
        std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    #[test]
    fn text_parsers_never_panic() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(env("KAIGI_FUZZ_SEED", 7));
        let first = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default();
        for _ in 0..env("KAIGI_FUZZ_ITERATIONS", 3000) {
            let n = rng.gen_range(0..24);
            let soup: String = (0..n).map(|_| TOKENS[rng.gen_range(0..TOKENS.len())]).collect();
            let _ = super::parse(&soup, first);
            let bytes: Vec<u8> = (0..rng.gen_range(0..40)).map(|_| rng.gen_range(32..127)).collect();
            let text = String::from_utf8_lossy(&bytes);
            let _ = super::parse(&text, first);
            let _ = timezone::parse_wire_datetime(&text);
            let digits: String = (0..rng.gen_range(0..22))
                .map(|_| *b"0123456789/: ".get(rng.gen_range(0..13)).unwrap_or(&b'0') as char)
                .collect();
            let _ = timezone::parse_wire_datetime(&digits);
            let _ = timezone::by_name(&text);
            let _ = timezone::by_iana(&soup, rng.gen_range(-10_000..10_000));
        }
    }
}
