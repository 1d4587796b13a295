//! How kaigi spells its links (the shapes Webex uses), and how it reads them back.

/// The invitation page of a meeting (`j.php?MTID=m<uuid>`), also its `meetingLink`/`webLink`.
pub fn invitation_link(site_url: &str, uuid: &str) -> String {
    format!("{site_url}/j.php?MTID=m{uuid}")
}

/// A meeting's iCalendar file: the host's (`MH`, keyed by the host token) or the attendees' (`MA`).
pub fn calendar_link(site_url: &str, token: &str, for_host: bool) -> String {
    format!("{site_url}/j.php?MTID=m{token}&ICS={}", if for_host { "MH" } else { "MA" })
}

/// The join link (`e.php?AT=SI&MK=<key>`).
pub fn join_link(site_url: &str, meeting_key: u64) -> String {
    format!("{site_url}/e.php?AT=SI&MK={meeting_key}")
}

/// The host's start link (`m.php?AT=HM&MK=<key>`).
pub fn host_link(site_url: &str, meeting_key: u64) -> String {
    format!("{site_url}/m.php?AT=HM&MK={meeting_key}")
}

/// The registration page (`j.php?RGID=r<uuid>`).
pub fn registration_link(site_url: &str, uuid: &str) -> String {
    format!("{site_url}/j.php?RGID=r{uuid}")
}

/// A meeting's invitation or registration link as sent from an invitation source (`&SRC=<id>`).
pub fn with_source(link: &str, source_id: &str) -> String {
    format!("{link}&SRC={}", url_encode(source_id))
}

/// Percent-encodes everything but unreserved characters.
pub fn url_encode(s: &str) -> String {
    const UNRESERVED: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}

pub fn last_segment(url: &str) -> &str {
    url.trim().trim_end_matches('/').rsplit('/').next().unwrap_or("").split(['?', '#']).next().unwrap_or("")
}

pub fn mtid_uuid(link: &str) -> Option<String> {
    let query = link.split_once('?')?.1;
    query.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        let v = v.strip_prefix('m').unwrap_or(v);
        (k.eq_ignore_ascii_case("MTID") && v.len() == 32 && v.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| v.to_ascii_lowercase())
    })
}
