//! Percent-encoding and form decoding for the pages, from the `percent-encoding` and
//! `form_urlencoded` crates (no hand copies).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What a query value keeps as it is: RFC 3986's unreserved characters (letters, digits and
/// `-_.~`); every other byte is written as `%XX`.
pub const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encodes a query value (or a path segment): everything but the unreserved characters.
pub fn encode_query(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// Percent-encodes the non-ASCII characters of a URL, as a browser sends them; ASCII stays as it is.
pub fn encode_non_ascii(s: &str) -> String {
    utf8_percent_encode(s, &AsciiSet::EMPTY).to_string()
}

/// A decoded `application/x-www-form-urlencoded` body or query string, in order (`+` is a space;
/// a bad escape stays as it is; invalid UTF-8 is replaced).
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The fields of `raw`, or None when it is longer than `max` bytes.
    pub fn parse(raw: &str, max: usize) -> Option<Self> {
        if raw.len() > max {
            return None;
        }
        Some(Fields(form_urlencoded::parse(raw.as_bytes()).into_owned().collect()))
    }

    /// The first non-empty value of `name`, trimmed (a bare `name=` or `name=null` counts as absent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == name && !v.trim().is_empty() && v.trim() != "null").map(|(_, v)| v.trim())
    }

    /// The first value of `name` exactly as sent.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written encoder these replace, kept here to prove the sets match it byte for byte.
    fn old_url_encode(s: &str) -> String {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    fn old_non_ascii(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
        out
    }

    #[test]
    fn the_encoders_match_the_hand_copies_they_replace() {
        let every_ascii: String = (0u8..0x80).map(char::from).collect();
        for s in [every_ascii.as_str(), "Ré union & co/?#=+ 日本", "", "a b", "%41"] {
            assert_eq!(encode_query(s), old_url_encode(s), "{s:?}");
            assert_eq!(encode_non_ascii(s), old_non_ascii(s), "{s:?}");
        }
        assert_eq!(encode_query("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
        assert_eq!(encode_non_ascii("https://x.example/é?a=b c"), "https://x.example/%C3%A9?a=b c");
    }

    #[test]
    fn fields_decode_as_a_form_does() {
        let f = Fields::parse("a=1&scope=x+y&scope=%3Cb%3E&empty=&n=null&bad=%zz&&a=2", 100).expect("short");
        assert_eq!(f.get("a"), Some("1"));
        assert_eq!(f.all("scope").collect::<Vec<_>>(), ["x y", "<b>"]);
        assert_eq!((f.get("empty"), f.raw("empty")), (None, Some("")));
        assert_eq!(f.get("n"), None);
        assert_eq!(f.get("bad"), Some("%zz"));
        assert!(Fields::parse("a=1", 2).is_none());
    }
}
