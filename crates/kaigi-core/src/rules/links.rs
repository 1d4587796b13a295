/// Percent-encodes everything but unreserved characters.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
