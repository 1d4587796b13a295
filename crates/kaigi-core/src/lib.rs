//! kaigi-core: the domain of a Webex-compatible meeting server. It holds every rule and knows
//! nothing of HTTP, XML or SQL; the protocol faces call its use cases and storage sits behind the
//! [`ports::Store`] port.
//!
//! The rooms (DESIGN.md, "The core's rooms"), with imports running one way,
//! `app` → `rules`, `ports` → `model` → `error`:
//! - [`error`]: the one error type of the core, storage errors included.
//! - [`model`]: plain data.
//! - [`rules`]: pure functions of (data, now), and every limit.
//! - [`ports`]: the store traits, the clock and key generation.
//! - [`app`]: the use cases, methods of [`Kaigi`].

pub mod app;
pub mod error;
pub mod model;
pub mod ports;
pub mod rules;

pub use app::{Config, ConsolePage, DeliveryRound, Kaigi, MailRound};
pub use error::{Error, Result};

/// The rooms' one-way imports, checked on the source: a file of `model/` may name only `model`
/// and `error`; of `rules/`, also `rules`; of `ports/`, also `ports`; `error.rs` nothing of the
/// core. (`app/` may name anything but the faces, which the core cannot see anyway.)
#[cfg(test)]
mod rooms {
    use std::path::{Path, PathBuf};

    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read the source folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every room of the core that `file` names with a `crate::` path (uses and inline paths).
    fn rooms_named(file: &Path) -> Vec<String> {
        let text = std::fs::read_to_string(file).expect("read a source file");
        let mut named = Vec::new();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            let mut rest = line;
            while let Some(at) = rest.find("crate::") {
                rest = &rest[at + "crate::".len()..];
                let room: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '{').collect();
                named.push(room);
            }
            if line.contains("Kaigi") {
                named.push("Kaigi".into());
            }
        }
        named
    }

    #[test]
    fn imports_run_one_way() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let allowed: [(&str, &[&str]); 4] = [
            ("model", &["model", "error"]),
            ("rules", &["rules", "model", "error"]),
            ("ports", &["ports", "model", "error"]),
            ("error.rs", &[]),
        ];
        let mut wrong = Vec::new();
        for (room, may) in allowed {
            let path = src.join(room);
            let mut list = Vec::new();
            if path.is_dir() {
                files(&path, &mut list);
            } else {
                list.push(path);
            }
            assert!(!list.is_empty(), "{room} has no files");
            for file in list {
                for named in rooms_named(&file) {
                    if !may.contains(&named.as_str()) {
                        wrong.push(format!("{} names {named}", file.display()));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "imports that run the wrong way:\n{}", wrong.join("\n"));
    }
}
