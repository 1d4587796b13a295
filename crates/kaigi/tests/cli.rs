//! The administration commands, run as an operator would run them, on a real SQLite file.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::process::{Output, Stdio};

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
    common::run_kaigi(&db, args, stdin)
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

/// Creates site `name` with the administrator `root` (password `root-pass`, from a file).
fn site_with_root(dir: &Scratch, name: &str) {
    let pwfile = dir.0.join("pw");
    std::fs::write(&pwfile, "root-pass\n").unwrap();
    let pwfile = pwfile.display().to_string();
    let email = format!("root@{name}.example");
    let args =
        ["site", "create", "--name", name, "--admin", "root", "--admin-email", &email, "--password-file", &pwfile];
    ok(&kaigi(dir, &args, None));
}

#[test]
fn a_personal_access_token_is_printed_once_and_stored_as_a_hash() {
    let dir = scratch("token");
    site_with_root(&dir, "acme");
    ok(&kaigi(
        &dir,
        &["user", "create", "--site", "acme", "--webex-id", "ann", "--email", "ann@acme.example", "--host"],
        Some("ann-pass\n"),
    ));
    let out = kaigi(&dir, &["token", "create", "--site", "acme", "--user", "ann"], None);
    let token = ok(&out).trim().to_string();
    assert!(token.len() >= 40 && !token.contains(char::is_whitespace), "one token on stdout: {token}");
    let told = String::from_utf8_lossy(&out.stderr);
    assert!(told.contains("meeting:schedules_write") && !told.contains("admin_schedule"), "{told}");
    // The administrator's token carries the admin scopes; --scope narrows it.
    let admin = kaigi(&dir, &["token", "create", "--site", "acme", "--user", "root"], None);
    ok(&admin);
    assert!(String::from_utf8_lossy(&admin.stderr).contains("meeting:admin_schedule_write"));
    let narrow = kaigi(
        &dir,
        &["token", "create", "--site", "acme", "--user", "root", "--scope", "meeting:schedules_read"],
        None,
    );
    ok(&narrow);
    assert!(String::from_utf8_lossy(&narrow.stderr).contains("scopes: meeting:schedules_read;"));
    // A scope the role does not allow, or an unknown user, is refused.
    let refused = kaigi(
        &dir,
        &["token", "create", "--site", "acme", "--user", "ann", "--scope", "meeting:admin_schedule_write"],
        None,
    );
    assert!(!refused.status.success());
    assert!(!kaigi(&dir, &["token", "create", "--site", "acme", "--user", "nobody"], None).status.success());
    for file in ["kaigi.db", "kaigi.db-wal"] {
        let bytes = std::fs::read(dir.0.join(file)).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&bytes).contains(&token), "tokens are stored only as hashes");
    }
}

/// One HTTP/1.1 GET over a plain socket; the status code and body.
fn http_get(port: u16, path: &str, bearer: Option<&str>) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).ok()?;
    let auth = bearer.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Connection: close\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.split(' ').nth(1)?.parse().ok()?;
    Some((status, text.split("\r\n\r\n").nth(1).unwrap_or_default().to_string()))
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `kaigi serve` on the scratch directory's database, on a port the system chooses (`--listen
/// 127.0.0.1:0`); the port is read from the line the server prints once it serves.
fn serve(dir: &Scratch) -> (Server, u16) {
    use std::io::BufRead;
    let db = format!("sqlite://{}", dir.0.join("kaigi.db").display());
    let mut server = Server(
        common::kaigi_on(&db)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start kaigi serve"),
    );
    let mut line = String::new();
    let stdout = server.0.stdout.take().expect("the server's stdout");
    std::io::BufReader::new(stdout).read_line(&mut line).expect("read the server's first line");
    let port = line.trim_end().strip_prefix("kaigi listening on http://127.0.0.1:").and_then(|p| p.parse().ok());
    let port = port.unwrap_or_else(|| panic!("not the listening line: {line:?} ({:?})", server.0.try_wait()));
    (server, port)
}

#[test]
fn a_token_made_while_the_server_runs_on_the_database_works_at_once() {
    let dir = scratch("token-live");
    site_with_root(&dir, "demo");
    ok(&kaigi(
        &dir,
        &["user", "create", "--site", "demo", "--webex-id", "host01", "--email", "host01@demo.example", "--host"],
        Some("host-pass\n"),
    ));
    let (server, port) = serve(&dir);
    let token = ok(&kaigi(&dir, &["token", "create", "--site", "demo", "--user", "host01"], None)).trim().to_string();
    let (status, body) = http_get(port, "/v1/people/me", Some(&token)).expect("answer");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("host01@demo.example"), "{body}");
    let (status, body) = http_get(port, "/v1/people/me", Some("wrong")).expect("answer");
    assert_eq!(status, 401, "{body}");
    drop(server);
}

/// The report over a generated year agrees with the numbers the generator counted from its own
/// list of bookings, in every format.
#[test]
fn the_licence_report_agrees_with_the_bookings_it_is_made_from() {
    let dir = scratch("report");
    let generated = ok(&kaigi(
        &dir,
        &["license", "generate-bench-data", "--site", "bench", "--users", "120", "--licensed", "30"]
            .into_iter()
            .chain(["--meetings", "3000", "--months", "12", "--purchased", "20", "--from", "2026-01"])
            .collect::<Vec<_>>(),
        None,
    ));
    let expected: Vec<serde_json::Value> = generated.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(expected.len(), 12, "{generated}");

    let json = ok(&kaigi(
        &dir,
        &["license", "report", "--site", "bench", "--from", "2026-01", "--to", "2026-12", "--format", "json"],
        None,
    ));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let months = report["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    for (m, e) in months.iter().zip(&expected) {
        assert_eq!(m["month"], e["month"]);
        assert_eq!(m["distinctHosts"], e["distinctHosts"], "{}", m["month"]);
        let counts = &m["violationCounts"];
        let refused_and_claims =
            counts["refused_booking"].as_u64().unwrap_or(0) + counts["unlicensed_host_key_claim"].as_u64().unwrap_or(0);
        assert_eq!(refused_and_claims, e["refusedAndClaims"].as_u64().unwrap(), "{}", m["month"]);
        // 30 licensed users hold their seats all year; Active User purchased 20, minimum 10.
        assert_eq!(m["seatsAssigned"], 30);
        let hosts = m["distinctHosts"].as_u64().unwrap();
        assert_eq!(m["neededActiveUser"].as_u64().unwrap(), hosts.max(10));
        assert_eq!(m["overPurchase"], hosts > 20);
        for v in m["violations"].as_array().unwrap() {
            assert!(v["kind"].is_string() && v["at"].is_string(), "{v}");
        }
    }
    assert_eq!(report["plan"]["kind"], "activeUser");

    let csv = ok(&kaigi(
        &dir,
        &["license", "report", "--site", "bench", "--from", "2026-03", "--to", "2026-04", "--format", "csv"],
        None,
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("month,plan,distinctHosts,seatsAssigned,neededNamedUser,neededActiveUser"));
    assert_eq!(lines.len(), 3, "{csv}");
    let march = format!("2026-03,\"ActiveUser(20, min 10)\",{},30,", expected[2]["distinctHosts"]);
    assert!(lines[1].starts_with(&march), "{csv}");

    let table =
        ok(&kaigi(&dir, &["license", "report", "--site", "bench", "--from", "2026-01", "--to", "2026-12"], None));
    assert!(table.contains("What if: Named User needs"), "{table}");
    assert!(table.contains("unlicensed_host_key_claim"), "{table}");

    let bad = kaigi(&dir, &["license", "report", "--site", "bench", "--from", "2026-13", "--to", "2026-12"], None);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM"), "{}", String::from_utf8_lossy(&bad.stderr));

    let set = ok(&kaigi(
        &dir,
        &[
            "license",
            "settings",
            "--site",
            "bench",
            "--auto-assign",
            "true",
            "--requester-tracking-code",
            "TRACKINGCODE3",
        ],
        None,
    ));
    assert!(set.contains("auto-assignment on, requester tracking code trackingCode3"), "{set}");
    let refused =
        kaigi(&dir, &["license", "settings", "--site", "bench", "--requester-tracking-code", "trackingCode11"], None);
    assert!(!refused.status.success());
}

#[test]
fn call_limits_are_kept_per_site_and_zero_is_refused() {
    let dir = scratch("limits");
    site_with_root(&dir, "acme");
    let set = kaigi(&dir, &["site", "limits", "--site", "acme", "--rest-calls-per-minute", "100000"], None);
    assert!(ok(&set).contains("100000 REST calls and 60 metered XML calls"), "{}", ok(&set));
    // Read back by a later process: nothing given, nothing changed.
    let shown = kaigi(&dir, &["site", "limits", "--site", "acme", "--xml-calls-per-minute", "5"], None);
    assert!(ok(&shown).contains("100000 REST calls and 5 metered XML calls"), "{}", ok(&shown));
    let zero = kaigi(&dir, &["site", "limits", "--site", "acme", "--rest-calls-per-minute", "0"], None);
    assert!(!zero.status.success());
    assert!(String::from_utf8_lossy(&zero.stderr).contains("at least 1"));
    assert!(!kaigi(&dir, &["site", "limits", "--site", "nowhere", "--rest-calls-per-minute", "9"], None)
        .status
        .success());
}

#[test]
fn request_settings_name_tracking_codes_and_turn_strict_reading_on() {
    let dir = scratch("requests");
    site_with_root(&dir, "acme");
    let args = ["site", "requests", "--site", "acme", "--strict", "true", "--tracking-code", "1=Department"];
    let set = kaigi(&dir, &args, None);
    assert!(ok(&set).contains("strict XML requests on"), "{}", ok(&set));
    assert!(ok(&set).contains("trackingCode1\tDepartment"), "{}", ok(&set));
    // A later process reads them back; a name may not stand for two slots.
    let shown = kaigi(&dir, &["site", "requests", "--site", "acme"], None);
    assert!(ok(&shown).contains("strict XML requests on") && ok(&shown).contains("trackingCode2\ttrackingCode2"));
    let twice = kaigi(&dir, &["site", "requests", "--site", "acme", "--tracking-code", "2=department"], None);
    assert!(!twice.status.success());
    let bad = kaigi(&dir, &["site", "requests", "--site", "acme", "--tracking-code", "11=Far"], None);
    assert!(!bad.status.success());
}

/// The value after `label ` on a line of the command's output.
fn field(out: &str, label: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{label} ")))
        .unwrap_or_else(|| panic!("no {label} in {out}"))
        .trim()
        .to_string()
}

#[test]
fn integrations_are_registered_authorized_and_deleted_from_the_command_line() {
    let dir = scratch("integration");
    site_with_root(&dir, "demo");
    let (server, port) = serve(&dir);
    let callback = "https://booker.example/cb";
    let out = ok(&kaigi(
        &dir,
        &[
            "integration",
            "create",
            "--site",
            "demo",
            "--name",
            "Booker",
            "--redirect-uri",
            callback,
            "--scope",
            "meeting:admin_schedule_write",
            "--scope",
            "meeting:admin_schedule_read spark:people_read",
        ],
        None,
    ));
    let client_id = field(&out, "client_id");
    let secret = field(&out, "client_secret");
    assert!(client_id.starts_with('C') && secret.len() == 64, "{out}");
    // The running server knows it at once: its consent page names it.
    let path = format!(
        "/v1/authorize?client_id={client_id}&response_type=code&redirect_uri=https%3A%2F%2Fbooker.example%2Fcb\
         &scope=spark%3Apeople_read&state=s"
    );
    let (status, body) = http_get(port, &path, None).expect("answer");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Booker"), "{body}");
    // A Service App, authorized by the operator.
    let app = ok(&kaigi(
        &dir,
        &[
            "integration",
            "create",
            "--site",
            "demo",
            "--name",
            "Desk",
            "--scope",
            "meeting:admin_schedule_write",
            "--service-app",
        ],
        None,
    ));
    let app_id = field(&app, "client_id");
    let listed = ok(&kaigi(&dir, &["integration", "list", "--site", "demo"], None));
    assert!(listed.contains(&format!("{client_id}\tintegration\tBooker")), "{listed}");
    assert!(
        listed.contains(&format!("{app_id}\tservice_app\tDesk\tmeeting:admin_schedule_write\tnot authorized")),
        "{listed}"
    );
    ok(&kaigi(&dir, &["integration", "authorize", "--site", "demo", "--client-id", &app_id], None));
    let listed = ok(&kaigi(&dir, &["integration", "list", "--site", "demo"], None));
    assert!(listed.contains("authorized by (operator)"), "{listed}");
    // Bad input is refused with the reason.
    let bad = kaigi(
        &dir,
        &[
            "integration",
            "create",
            "--site",
            "demo",
            "--name",
            "X",
            "--redirect-uri",
            "ftp://x",
            "--scope",
            "spark:people_read",
        ],
        None,
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("redirect_uri"));
    ok(&kaigi(&dir, &["integration", "delete", "--site", "demo", "--client-id", &client_id], None));
    let listed = ok(&kaigi(&dir, &["integration", "list", "--site", "demo"], None));
    assert!(!listed.contains(&client_id), "{listed}");
    let (status, _) = http_get(port, &path, None).expect("answer");
    assert_eq!(status, 400, "a deleted integration's link is refused");
    let stored = std::fs::read(dir.0.join("kaigi.db")).unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains(&secret), "secrets are stored only as hashes");
    drop(server);
}

/// A reader that goes away (`kaigi user list | head -1`) ends a command quietly, with success,
/// instead of a panic; a closed standard error does not stop it either.
#[test]
fn a_closed_output_pipe_ends_a_command_quietly() {
    let dir = scratch("pipe");
    site_with_root(&dir, "acme");
    let db = format!("sqlite://{}", dir.0.join("kaigi.db").display());
    let run_closed = |args: &[&str], stdin: &str, close_stderr: bool| {
        let mut child = common::kaigi_on(&db)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run kaigi");
        // Both pipes' read ends are closed before kaigi writes anything.
        drop(child.stdout.take());
        let stderr = child.stderr.take().unwrap();
        let told = if close_stderr {
            drop(stderr);
            None
        } else {
            Some(std::thread::spawn(move || std::io::read_to_string(stderr).unwrap()))
        };
        {
            use std::io::Write;
            let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        }
        let status = child.wait().unwrap();
        (status, told.map(|t| t.join().unwrap()).unwrap_or_default())
    };
    let (status, told) = run_closed(&["user", "list", "--site", "acme"], "", false);
    assert!(status.success(), "{status}: {told}");
    assert!(told.is_empty(), "nothing to say: {told}");
    // The prompt goes to a closed stderr, the confirmation to a closed stdout: the user is made.
    let create = ["user", "create", "--site", "acme", "--webex-id", "ann", "--email", "ann@acme.example"];
    let (status, _) = run_closed(&create, "ann-pass\n", true);
    assert!(status.success(), "{status}");
    let list = ok(&kaigi(&dir, &["user", "list", "--site", "acme"], None));
    assert!(list.contains("ann\tann@acme.example"), "{list}");
    // A failure is still told, on stderr, with a failing status.
    let (status, told) = run_closed(&["user", "list", "--site", "nowhere"], "", false);
    assert!(!status.success() && told.contains("kaigi: "), "{status}: {told}");
}

/// One HTTP/1.1 request with a JSON body over a plain socket; the status code and body.
fn http_send(port: u16, method: &str, path: &str, bearer: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {bearer}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text.split("\r\n\r\n").nth(1).unwrap_or_default().to_string())
}

/// (delivery id, signature, body).
type Received = (String, String, Vec<u8>);

/// A webhook receiver on 127.0.0.1: answers 503 until `up`, then 200, keeping each body it
/// accepted with its signature and delivery id.
struct Receiver {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    got: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
    refused: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

fn receiver() -> Receiver {
    use std::io::Write;
    use std::sync::atomic::Ordering;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let r = Receiver {
        port: listener.local_addr().unwrap().port(),
        up: Default::default(),
        got: Default::default(),
        refused: Default::default(),
    };
    let (up, got, refused) = (r.up.clone(), r.got.clone(), r.refused.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = std::io::BufReader::new(stream);
            let Some(common::Received { signature, delivery, body }) = common::read_request(&mut reader) else {
                continue;
            };
            let status = if up.load(Ordering::SeqCst) {
                got.lock().unwrap().push((delivery, signature, body));
                "200 OK"
            } else {
                refused.fetch_add(1, Ordering::SeqCst);
                "503 Service Unavailable"
            };
            let _ = write!(reader.get_mut(), "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    r
}

/// Polls `done` every 50 ms for up to a minute (the worker's retries run on the real clock).
fn eventually(what: &str, done: impl Fn() -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(std::time::Instant::now() < until, "never: {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn a_server_killed_with_sigkill_loses_no_webhook_event_and_delivers_them_after_a_restart() {
    use std::sync::atomic::Ordering;
    let dir = scratch("webhooks-kill");
    site_with_root(&dir, "acme");
    ok(&kaigi(
        &dir,
        &["user", "create", "--site", "acme", "--webex-id", "ann", "--email", "ann@acme.example", "--host"],
        Some("ann-pass\n"),
    ));
    let told = ok(&kaigi(&dir, &["site", "webhooks", "--site", "acme", "--allow", "127.0.0.1"], None));
    assert!(told.contains("webhooks may send to: 127.0.0.1"), "{told}");
    let token = ok(&kaigi(&dir, &["token", "create", "--site", "acme", "--user", "ann"], None)).trim().to_string();
    let r = receiver();
    let (server, port) = serve(&dir);
    let hook = format!(
        r#"{{"name":"All","targetUrl":"http://127.0.0.1:{}/hook","resource":"meetings","event":"created","secret":"s3"}}"#,
        r.port
    );
    let (status, body) = http_send(port, "POST", "/v1/webhooks", &token, &hook);
    assert_eq!(status, 200, "{body}");
    let mut titles = Vec::new();
    for i in 0..20 {
        let title = format!("Meeting {i:02}");
        let meeting = format!(r#"{{"title":"{title}","start":"2031-06-02T01:00:00Z","end":"2031-06-02T02:00:00Z"}}"#);
        let (status, body) = http_send(port, "POST", "/v1/meetings", &token, &meeting);
        assert_eq!(status, 200, "{body}");
        titles.push(title);
    }
    // The receiver is down: the worker has tried and failed. Then the server dies without a
    // chance to save anything (SIGKILL), and comes back on the same database.
    eventually("a failed attempt", || r.refused.load(Ordering::SeqCst) > 0);
    let mut server = server;
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    r.up.store(true, Ordering::SeqCst);
    let (server, _) = serve(&dir);
    let distinct = || {
        let got = r.got.lock().unwrap();
        got.iter().map(|(id, _, _)| id.clone()).collect::<std::collections::BTreeSet<_>>().len()
    };
    eventually("all 20 events delivered", || distinct() >= 20);
    let got = r.got.lock().unwrap().clone();
    let mut seen = Vec::new();
    for (delivery, sent, body) in &got {
        assert_eq!(sent, &kaigi_server::webhook_delivery::signature("s3", body), "signature of delivery {delivery}");
        let v: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(v["event"], "created");
        let title = v["data"]["title"].as_str().unwrap().to_string();
        if !seen.contains(&title) {
            seen.push(title);
        }
    }
    assert_eq!(seen, titles, "every event, once each after dropping duplicates, in order");
    drop(server);
}

/// One HTTP request with an optional bearer token and JSON body: (status, body).
fn http(port: u16, method: &str, path: &str, bearer: Option<&str>, body: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).ok()?;
    let auth = bearer.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.split(' ').nth(1)?.parse().ok()?;
    Some((status, text.split("\r\n\r\n").nth(1).unwrap_or_default().to_string()))
}

fn example_fixture() -> String {
    format!("{}/../../docs/examples/fixture.json", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn serve_loads_a_fixture_and_reset_returns_to_it() {
    use std::io::BufRead;
    let dir = scratch("fixture");
    let db = format!("sqlite://{}", dir.0.join("kaigi.db").display());
    let mut server = Server(
        common::kaigi_on(&db)
            .args(["serve", "--listen", "127.0.0.1:0", "--test-controls"])
            .env("KAIGI_FIXTURE", example_fixture())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start kaigi serve"),
    );
    let mut line = String::new();
    std::io::BufReader::new(server.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port: u16 = line.trim_end().strip_prefix("kaigi listening on http://127.0.0.1:").unwrap().parse().unwrap();
    let users = ok(&kaigi(&dir, &["user", "list", "--site", "globex"], None));
    assert!(users.contains("hank") && users.contains("frank"), "{users}");
    let token = ok(&kaigi(&dir, &["token", "create", "--site", "globex", "--user", "hank"], None)).trim().to_string();
    let (status, body) = http(port, "GET", "/v1/meetings", Some(&token), "").unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Quarterly plan"), "{body}");
    ok(&kaigi(
        &dir,
        &["user", "create", "--site", "globex", "--webex-id", "lenny", "--email", "lenny@globex.example"],
        Some("lenny-pass\n"),
    ));
    let (status, body) = http(port, "POST", "/_kaigi/reset", None, "").unwrap();
    assert_eq!(status, 200, "{body}");
    let users = ok(&kaigi(&dir, &["user", "list", "--site", "globex"], None));
    assert!(!users.contains("lenny") && users.contains("frank"), "back to the fixture's world: {users}");
    drop(server);
}

#[test]
fn a_fixture_that_breaks_a_rule_stops_serve_and_names_the_entry() {
    let dir = scratch("fixture-bad");
    let path = dir.0.join("bad.json");
    std::fs::write(
        &path,
        r#"{"sites": [{"name": "tight", "licensePlan": {"kind": "namedUser", "seats": 1}, "users": [
            {"webExId": "a", "email": "a@tight.example", "password": "a-pass-123", "host": true},
            {"webExId": "b", "email": "b@tight.example", "password": "b-pass-123", "host": true}]}]}"#,
    )
    .unwrap();
    let path = path.display().to_string();
    let out = kaigi(&dir, &["serve", "--listen", "127.0.0.1:0", "--fixture", &path], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("fixture sites[0] (tight).users[1] (b)"), "{err}");
    let sites = ok(&kaigi(&dir, &["site", "list"], None));
    assert!(!sites.contains("tight"), "nothing of it stays: {sites}");
    let out = kaigi(&dir, &["serve", "--listen", "127.0.0.1:0", "--fixture", "/nonexistent/fixture.json"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the fixture"));
}
