use crate::error::{Error, Field, Result};
use crate::rules::limits::MAX_REDIRECT_URI_BYTES;

/// An absolute http(s) URL without a fragment, spaces or control characters.
pub fn check_redirect_uri(uri: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::invalid(Field::RedirectUri, format!("{why}: {}", uri.chars().take(80).collect::<String>())))
    };
    if uri.len() > MAX_REDIRECT_URI_BYTES {
        return bad(&format!("longer than {MAX_REDIRECT_URI_BYTES} bytes"));
    }
    let rest = uri.strip_prefix("https://").or_else(|| uri.strip_prefix("http://"));
    let Some(rest) = rest else { return bad("must start with http:// or https://") };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    if host.is_empty() {
        return bad("names no host");
    }
    if uri.contains('#') || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("must have no fragment, spaces or control characters");
    }
    // A Location header carries ASCII only; the browser would send the encoded form anyway.
    if !uri.is_ascii() {
        return bad("must be ASCII: percent-encode other characters (and write the host in its xn-- form)");
    }
    Ok(())
}
