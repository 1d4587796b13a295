//! Writes response elements with the service's prefix, escaping text.

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

/// A value written as element text. Strings are escaped; numbers and booleans are written
/// without going through the formatting machinery (a GetUser answer has ~250 elements).
pub trait Text {
    fn write_text(&self, out: &mut String);
}

impl Text for str {
    fn write_text(&self, out: &mut String) {
        escape_into(out, self);
    }
}

impl Text for String {
    fn write_text(&self, out: &mut String) {
        escape_into(out, self);
    }
}

impl<T: Text + ?Sized> Text for &T {
    fn write_text(&self, out: &mut String) {
        (**self).write_text(out);
    }
}

impl Text for bool {
    fn write_text(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

macro_rules! unsigned_text {
    ($($t:ty),*) => {$(
        impl Text for $t {
            fn write_text(&self, out: &mut String) {
                push_u64(out, *self as u64);
            }
        }
    )*};
}
unsigned_text!(u8, u16, u32, u64, usize);

macro_rules! signed_text {
    ($($t:ty),*) => {$(
        impl Text for $t {
            fn write_text(&self, out: &mut String) {
                if *self < 0 {
                    out.push('-');
                }
                push_u64(out, self.unsigned_abs() as u64);
            }
        }
    )*};
}
signed_text!(i32, i64);

/// The children of one `serv:bodyContent`, every element prefixed with `prefix` unless a shared
/// type asks for its own (`serv:`, `com:`).
pub struct BodyWriter {
    out: String,
    prefix: &'static str,
}

impl BodyWriter {
    pub fn new(prefix: &'static str) -> Self {
        Self { out: String::with_capacity(8192), prefix }
    }

    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// `<pfx:name>value</pfx:name>`
    pub fn leaf(&mut self, name: &str, value: impl Text) -> &mut Self {
        let prefix = self.prefix;
        self.leaf_in(prefix, name, value)
    }

    /// A leaf with another prefix (`serv:total`, `com:email`).
    pub fn leaf_in(&mut self, prefix: &str, name: &str, value: impl Text) -> &mut Self {
        self.tag(prefix, name, false);
        value.write_text(&mut self.out);
        self.tag(prefix, name, true);
        self
    }

    fn tag(&mut self, prefix: &str, name: &str, close: bool) {
        // Single characters are pushed as such: a GetUser answer writes ~300 tags, and a call to
        // the general copy routine per one-byte piece showed up in profiles.
        let out = &mut self.out;
        out.reserve(prefix.len() + name.len() + 3);
        out.push('<');
        if close {
            out.push('/');
        }
        out.push_str(prefix);
        out.push(':');
        out.push_str(name);
        out.push('>');
    }

    /// A leaf only when there is a value.
    pub fn leaf_opt(&mut self, name: &str, value: Option<impl Text>) -> &mut Self {
        if let Some(v) = value {
            self.leaf(name, v);
        }
        self
    }

    /// A boolean leaf, lower case as the service writes them.
    pub fn flag(&mut self, name: &str, value: bool) -> &mut Self {
        self.leaf(name, value)
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

    /// Appends what another writer with the same prefix produced.
    pub fn raw(&mut self, written: &str) -> &mut Self {
        self.out.push_str(written);
        self
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

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn numbers_are_written_exactly() {
        let mut w = BodyWriter::new("x");
        w.leaf("a", 0u32).leaf("b", u64::MAX).leaf("c", -42i64).leaf("d", i64::MIN).leaf("e", true);
        assert_eq!(
            w.finish(),
            "<x:a>0</x:a><x:b>18446744073709551615</x:b><x:c>-42</x:c><x:d>-9223372036854775808</x:d><x:e>true</x:e>"
        );
    }
}
