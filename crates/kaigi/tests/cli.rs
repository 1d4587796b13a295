//! The administration commands, run as an operator would run them, on a real SQLite file.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("kaigi-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

fn kaigi(dir: &Scratch, args: &[&str], stdin: Option<&str>) -> Output {
    let db = format!("sqlite://{}", dir.0.join("kaigi.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_kaigi"))
        .args(args)
        .env("KAIGI_DATABASE_URL", db)
        .env("KAIGI_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kaigi");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn an_operator_manages_a_site_from_the_command_line() {
    let dir = scratch("site");
    let pwfile = dir.0.join("admin-password");
    std::fs::write(&pwfile, "s3cret-admin\n").unwrap();
    let pwfile = pwfile.display().to_string();
    let out = ok(&kaigi(
        &dir,
        &[
            "site",
            "create",
            "--name",
            "acme",
            "--named-seats",
            "1",
            "--admin",
            "root",
            "--admin-email",
            "root@acme.example",
            "--password-file",
            &pwfile,
        ],
        None,
    ));
    assert!(out.contains("site acme created"), "{out}");
    // The password never shows on the command line: here it comes from stdin.
    ok(&kaigi(
        &dir,
        &["user", "create", "--site", "acme", "--webex-id", "ann", "--email", "ann@acme.example", "--host"],
        Some("ann-pass\n"),
    ));
    ok(&kaigi(
        &dir,
        &["user", "create", "--site", "acme", "--webex-id", "ben", "--email", "ben@acme.example"],
        Some("ben-pass\n"),
    ));
    // One seat, held by ann: ben cannot get a licence until ann's is taken away.
    let refused = kaigi(&dir, &["license", "assign", "--site", "acme", "--user", "ben"], None);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("ExceededSiteHostLimit"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    ok(&kaigi(&dir, &["license", "unassign", "--site", "acme", "--user", "ann"], None));
    ok(&kaigi(&dir, &["license", "assign", "--site", "acme", "--user", "ben"], None));
    let list = ok(&kaigi(&dir, &["user", "list", "--site", "acme"], None));
    assert!(list.contains("ann\tann@acme.example\tACTIVATED\thost=false"), "{list}");
    assert!(list.contains("ben\tben@acme.example\tACTIVATED\thost=true"), "{list}");
    let key = ok(&kaigi(&dir, &["apikey", "create", "--site", "acme", "--name", "directory"], None));
    assert_eq!(key.trim().split('.').count(), 3, "a JWT-shaped key: {key}");
    let dup = kaigi(
        &dir,
        &[
            "site",
            "create",
            "--name",
            "ACME",
            "--admin",
            "x",
            "--admin-email",
            "x@y.example",
            "--password-file",
            &pwfile,
        ],
        None,
    );
    assert!(!dup.status.success());
    let db = std::fs::read(dir.0.join("kaigi.db")).unwrap();
    assert!(!String::from_utf8_lossy(&db).contains("s3cret-admin"), "passwords are stored only as hashes");
}

#[test]
fn an_empty_password_is_refused() {
    let dir = scratch("empty");
    let out =
        kaigi(&dir, &["site", "create", "--name", "x", "--admin", "a", "--admin-email", "a@x.example"], Some("\n"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password is empty"));
}
