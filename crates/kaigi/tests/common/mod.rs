//! What the command-line tests share: running one `kaigi` command on a database, and reading a
//! request as a webhook receiver. Each test binary uses a part of it.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The `kaigi` binary under test, on the database `db`, logging warnings only.
pub fn kaigi_on(db: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kaigi"));
    command.env("KAIGI_DATABASE_URL", db).env("KAIGI_LOG", "warn");
    command
}

/// Runs `kaigi ARGS` on the database `db` (quiet logs), feeding `stdin` when given, and returns
/// what it did (whatever its exit status).
pub fn run_kaigi(db: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = kaigi_on(db)
        .args(args)
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

/// One HTTP request as a test's webhook receiver reads it: the headers it looks at (names
/// lower-cased) and the body. None when the connection ended before a whole request.
pub struct Received {
    pub signature: String,
    pub delivery: String,
    pub body: Vec<u8>,
}

/// Reads one request (head, then `Content-Length` bytes of body) from `reader`.
pub fn read_request(reader: &mut impl std::io::BufRead) -> Option<Received> {
    let (mut length, mut signature, mut delivery) = (0usize, String::new(), String::new());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or_default();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "x-spark-signature" => signature = value.trim().to_string(),
            "x-kaigi-delivery" => delivery = value.trim().to_string(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Received { signature, delivery, body })
}
