//! iCalendar files (RFC 5545): the one served behind the links CreateMeeting hands out, and the
//! one attached to an invitation mail. Times are written in UTC and
//! a series lists its occurrences as RDATEs, so no VTIMEZONE is needed and daylight-saving
//! changes are already applied.

use crate::model::CalendarEntry;
use chrono::{DateTime, Duration, Utc};

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n").replace('\r', "")
}

/// A parameter value (RFC 5545 §3.1 `param-value`) as a quoted string: nothing in it can end the
/// parameter or start the value (`:`, `;` and `,` stay inside the quotes). A double quote, a
/// caret and a line break are written in RFC 6868's caret encoding; other control characters
/// are dropped.
fn param(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("^'"),
            '^' => out.push_str("^^"),
            '\n' => out.push_str("^n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Folds a content line at 75 octets, on character boundaries.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

pub fn render(entry: &CalendarEntry, host_name: &str) -> String {
    let m = &entry.meeting;
    let cancelled = m.deleted_at.is_some();
    let end = m.start + Duration::minutes(i64::from(m.duration_minutes));
    let mut description = format!("Join: {}\nMeeting number: {}", entry.links.invite, m.meeting_key);
    if let Some(pw) = &m.password {
        description.push_str(&format!("\nPassword: {pw}"));
    }
    if entry.for_host {
        description.push_str(&format!("\nHost key: {}", m.host_key));
    }
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!("PRODID:-//kaigi//kaigi {}//EN", env!("CARGO_PKG_VERSION")),
        format!("METHOD:{}", if cancelled { "CANCEL" } else { "REQUEST" }),
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}@kaigi", m.uuid),
        format!("DTSTAMP:{}", stamp(m.deleted_at.unwrap_or(m.updated_at))),
        format!("DTSTART:{}", stamp(m.start)),
        format!("DTEND:{}", stamp(end)),
        format!("SUMMARY:{}", text(&m.name)),
        format!("DESCRIPTION:{}", text(&description)),
        format!("LOCATION:{}", text(&entry.links.invite)),
        format!("URL:{}", entry.links.invite),
        format!("ORGANIZER;CN={}:mailto:{}", param(host_name), entry.host.email),
        format!("SEQUENCE:{}", (m.updated_at - m.created_at).num_seconds().max(0)),
        format!("STATUS:{}", if cancelled { "CANCELLED" } else { "CONFIRMED" }),
    ];
    if entry.starts.len() > 1 {
        let dates: Vec<String> = entry.starts.iter().skip(1).map(|s| stamp(*s)).collect();
        lines.push(format!("RDATE:{}", dates.join(",")));
    }
    lines.push("END:VEVENT".into());
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for l in &lines {
        fold(l, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets() {
        let mut out = String::new();
        fold(&"é".repeat(60), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{}", line.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), "é".repeat(60));
    }

    #[test]
    fn a_name_cannot_leave_its_parameter() {
        // A first name written to forge the organizer's address stays inside the quotes.
        let forged = "Eve:mailto:boss@acme.example;X=\"y\"\r\n^";
        let p = param(forged);
        assert_eq!(p, "\"Eve:mailto:boss@acme.example;X=^'y^'^n^^\"");
        assert_eq!(p.matches('"').count(), 2);
        let line = format!("ORGANIZER;CN={p}:mailto:alice@acme.example");
        let after_params = line.rsplit_once("\":").unwrap().1;
        assert_eq!(after_params, "mailto:alice@acme.example");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(text("a,b;c\nd\\"), "a\\,b\\;c\\nd\\\\");
    }
}
