//! ISO 8601 durations (`PT2H`, `P1W`), as the test controls' clock and the fixtures read them.
//! chrono reads no durations in this form, and no kept crate reads exactly this subset (signed,
//! no months or years), so it is written here.

use chrono::Duration;

/// An ISO 8601 duration: `PnW`, or `PnDTnHnMnS` (seconds may have a fraction), optionally
/// negative (`-PT1H`). Months and years are refused: their length depends on the date.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let rest = rest.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut ms: i64 = 0;
    let mut take = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            let unit = units.iter().find(|(u, _)| *u == c)?.1;
            let value: f64 = number.parse().ok()?;
            ms = ms.checked_add((value * unit as f64).round() as i64)?;
            number.clear();
        }
        number.is_empty().then_some(())
    };
    take(date, &[('W', 604_800_000), ('D', 86_400_000)])?;
    if let Some(time) = time {
        take(time, &[('H', 3_600_000), ('M', 60_000), ('S', 1_000)])?;
    }
    if date.is_empty() && time.is_none() {
        return None;
    }
    // Ten years either way is plenty for a test.
    (ms.abs() <= 10 * 366 * 86_400_000).then(|| Duration::milliseconds(if negative { -ms } else { ms }))
}
