//! Writes response elements with the service's prefix, escaping text.

use std::fmt::Display;
use std::fmt::Write as _;

pub fn escape_into(out: &mut String, text: &str) {
    if !text.bytes().any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'') || b < 0x20) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\r' && c != '\t' => {}
            c => out.push(c),
        }
    }
}

/// Escapes whatever is formatted into it, without an intermediate string.
struct Escaping<'a>(&'a mut String);

impl std::fmt::Write for Escaping<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        escape_into(self.0, s);
        Ok(())
    }
}

/// The children of one `serv:bodyContent`, every element prefixed with `prefix` unless a shared
/// type asks for its own (`serv:`, `com:`).
pub struct BodyWriter {
    out: String,
    prefix: &'static str,
}

impl BodyWriter {
    pub fn new(prefix: &'static str) -> Self {
        Self { out: String::with_capacity(2048), prefix }
    }

    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// `<pfx:name>value</pfx:name>`
    pub fn leaf(&mut self, name: &str, value: impl Display) -> &mut Self {
        let prefix = self.prefix;
        self.leaf_in(prefix, name, value)
    }

    /// A leaf with another prefix (`serv:total`, `com:email`).
    pub fn leaf_in(&mut self, prefix: &str, name: &str, value: impl Display) -> &mut Self {
        self.tag(prefix, name, false);
        let _ = write!(Escaping(&mut self.out), "{value}");
        self.tag(prefix, name, true);
        self
    }

    fn tag(&mut self, prefix: &str, name: &str, close: bool) {
        self.out.push_str(if close { "</" } else { "<" });
        self.out.push_str(prefix);
        self.out.push(':');
        self.out.push_str(name);
        self.out.push('>');
    }

    /// A leaf only when there is a value.
    pub fn leaf_opt(&mut self, name: &str, value: Option<impl Display>) -> &mut Self {
        if let Some(v) = value {
            self.leaf(name, v);
        }
        self
    }

    /// A boolean leaf, lower case as the service writes them.
    pub fn flag(&mut self, name: &str, value: bool) -> &mut Self {
        self.leaf(name, if value { "true" } else { "false" })
    }

    /// `<pfx:name>` … children written by `f` … `</pfx:name>`
    pub fn node(&mut self, name: &str, f: impl FnOnce(&mut Self)) -> &mut Self {
        let prefix = self.prefix;
        self.node_in(prefix, name, f)
    }

    pub fn node_in(&mut self, prefix: &str, name: &str, f: impl FnOnce(&mut Self)) -> &mut Self {
        self.tag(prefix, name, false);
        f(self);
        self.tag(prefix, name, true);
        self
    }

    /// `matchingRecords` with its `serv:` children.
    pub fn matching_records(&mut self, total: u64, returned: usize, start_from: u64) -> &mut Self {
        self.node("matchingRecords", |w| {
            w.leaf_in("serv", "total", total).leaf_in("serv", "returned", returned).leaf_in(
                "serv",
                "startFrom",
                start_from,
            );
        })
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_prefixed_escaped_elements() {
        let mut w = BodyWriter::new("use");
        w.leaf("webExId", "a<b&c").node("phones", |w| {
            w.leaf_in("com", "phone", 42);
        });
        assert_eq!(
            w.finish(),
            "<use:webExId>a&lt;b&amp;c</use:webExId><use:phones><com:phone>42</com:phone></use:phones>"
        );
    }
}
