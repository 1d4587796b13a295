//! What the command-line tests share: running one `kaigi` command on a database.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `kaigi ARGS` on the database `db` (quiet logs), feeding `stdin` when given, and returns
/// what it did (whatever its exit status).
pub fn run_kaigi(db: &str, args: &[&str], stdin: Option<&str>) -> Output {
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
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("kaigi ran")
}
