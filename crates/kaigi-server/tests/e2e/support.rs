//! The test fixture: a fresh database, a pinned clock, seeded keys and a real server per test.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use kaigi_core::model::{Caller, LicensePlan, Mail, NewUser, Site, SiteSettings, UserFields};
use kaigi_core::ports::{AdjustableClock, SeededKeys, Store};
use kaigi_core::rules::secrets::HashCost;
use kaigi_core::{Config, Kaigi};
use kaigi_xmlapi::element::Element;

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub const SITE: &str = "acme";
pub const ADMIN: &str = "boss";
pub const ADMIN_PW: &str = "boss-pass";
pub const PW: &str = "user-pass";

pub struct TestServer {
    pub base: String,
    pub kaigi: Arc<Kaigi>,
    /// The store behind `kaigi` (with its read cache), for tests that look at what was kept.
    pub store: Arc<dyn Store>,
    pub clock: Arc<AdjustableClock>,
    pub site: Site,
    client: reqwest::Client,
    db: Db,
    server: tokio::task::JoinHandle<()>,
}

/// Where a test server keeps its data: its own SQLite file, or its own PostgreSQL schema.
enum Db {
    Sqlite(PathBuf),
    Postgres { url: String, schema: String },
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.abort();
        match &self.db {
            Db::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Db::Postgres { url, schema } => {
                let (url, schema) = (url.clone(), schema.clone());
                // Drop cannot await; a helper thread with its own runtime can.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                    rt.block_on(kaigi_store::drop_schema(&url, &schema))
                })
                .join();
            }
        }
    }
}

/// With `KAIGI_XML_CAPTURE_DIR` set (scripts/test.sh sets it), every XML API answer of these tests
/// is kept there, one file each, so that `compat/test_xml_schema.py` can validate every answer of
/// every served operation against the vendor's XSD with a real validator.
fn capture_xml_answer(status: u16, text: &str) {
    static CAPTURED: AtomicU64 = AtomicU64::new(0);
    let Some(dir) = std::env::var_os("KAIGI_XML_CAPTURE_DIR") else { return };
    if status != 200 || !text.starts_with("<?xml") {
        return;
    }
    let n = CAPTURED.fetch_add(1, Ordering::SeqCst);
    let path = PathBuf::from(dir).join(format!("e2e-{}-{n}.xml", std::process::id()));
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot keep the answer in {}: {e}", path.display()));
}

/// A POST to the lifecycle endpoint `/_kaigi/meetings/{key}/{action}` (join, leave, record, end)
/// with a JSON body and the User-Agent `agent`; asserts success and answers the JSON.
pub async fn lifecycle(
    s: &TestServer,
    key: &str,
    action: &str,
    agent: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let resp = reqwest::Client::new()
        .post(format!("{}/_kaigi/meetings/{key}/{action}", s.base))
        .header("User-Agent", agent)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert!(resp.status().is_success(), "{action}: {}", resp.status());
    resp.json().await.unwrap_or(serde_json::Value::Null)
}

/// 2026-06-01 09:00 UTC.
pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T09:00:00Z").unwrap().with_timezone(&Utc)
}

impl TestServer {
    /// A server with site `acme` (Named User, `seats` seats), its admin `boss` and the users named
    /// in `hosts` (each a licensed host with a personal room, password `user-pass`).
    pub async fn start_with(seats: u32, hosts: &[&str]) -> TestServer {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!(
            "kaigi-e2e-{}-{n}-{}.db",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or(0)
        ));
        let store = kaigi_store::open(&path.display().to_string()).await.expect("open store");
        Self::start_on(store, Db::Sqlite(path), n, seats, hosts).await
    }

    /// The same server on a fresh schema of the PostgreSQL database `KAIGI_TEST_DATABASE_URL`
    /// names. Tests that call it are ignored when the variable was not set at build time (see
    /// build.rs), so reaching here without it is a mistake, not a skip.
    pub async fn start_postgres(seats: u32, hosts: &[&str]) -> TestServer {
        let url =
            std::env::var("KAIGI_TEST_DATABASE_URL").expect("KAIGI_TEST_DATABASE_URL names the PostgreSQL database");
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let schema = format!("kaigi_e2e_{}_{n}", std::process::id());
        let store = kaigi_store::open_in_schema(&url, &schema).await.expect("open postgres");
        Self::start_on(store, Db::Postgres { url, schema }, n, seats, hosts).await
    }

    async fn start_on(store: kaigi_store::SqlStore, db: Db, n: u64, seats: u32, hosts: &[&str]) -> TestServer {
        let clock = Arc::new(AdjustableClock::pinned(start_time()));
        // The read cache ages by the test's clock: a test moves time instead of waiting.
        let store = store.with_read_cache_on(kaigi_store::DEFAULT_CACHE_TTL, clock.clone());
        let config = Config { public_url: "http://kaigi.test".into(), hash_cost: HashCost::MINIMAL };
        let store: Arc<dyn Store> = Arc::new(store);
        let kaigi = Arc::new(Kaigi::new(store.clone(), clock.clone(), Arc::new(SeededKeys::new(n)), config));
        let settings =
            SiteSettings { time_zone_id: 4, require_email_change_confirmation: true, ..SiteSettings::default() };
        let site = kaigi.create_site(SITE, settings, LicensePlan::NamedUser { seats }).await.expect("site");
        let op = Caller::operator(site.clone());
        let admin = NewUser {
            webex_id: ADMIN.into(),
            fields: UserFields {
                email: Some("boss@acme.example".into()),
                password: Some(ADMIN_PW.into()),
                first_name: Some("Big".into()),
                last_name: Some("Boss".into()),
                privileges: vec![("siteAdmin".into(), true)],
                ..UserFields::default()
            },
            ..NewUser::default()
        };
        kaigi.create_user(&op, &admin).await.expect("admin");
        for id in hosts {
            let host = NewUser {
                webex_id: id.to_string(),
                fields: UserFields {
                    email: Some(format!("{id}@acme.example")),
                    password: Some(PW.into()),
                    first_name: Some(capitalise(id)),
                    last_name: Some("Example".into()),
                    privileges: vec![("host".into(), true), ("isEnablePMR".into(), true)],
                    ..UserFields::default()
                },
                ..NewUser::default()
            };
            kaigi.create_user(&op, &host).await.expect("host");
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let app = kaigi_server::app::router(kaigi.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await;
        });
        TestServer { base, kaigi, store, clock, site, client: reqwest::Client::new(), db, server }
    }

    pub async fn start() -> TestServer {
        Self::start_with(5, &["alice", "bob"]).await
    }

    /// POSTs a raw body to the XML service with an optional content type and JWTToken header.
    pub async fn post_raw(
        &self,
        body: impl Into<reqwest::Body>,
        content_type: Option<&str>,
        jwt: Option<&str>,
    ) -> (u16, String) {
        let mut req = self.client.post(format!("{}/WBXService/XMLService", self.base)).body(body);
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        if let Some(jwt) = jwt {
            req = req.header("JWTToken", jwt);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap_or("").to_string()).unwrap_or_default();
        let text = resp.text().await.expect("body");
        capture_xml_answer(status, &text);
        if status == 200 || status == 403 {
            assert_eq!(ct, "text/xml;charset=UTF-8", "XML answers carry the real content type");
        }
        (status, text)
    }

    pub async fn post(&self, doc: &str) -> (u16, String) {
        self.post_raw(doc.to_string(), Some("text/xml"), None).await
    }

    /// One operation with the usual envelope (serv prefix undeclared, as many clients send it).
    pub async fn call(&self, who: &str, password: &str, op: &str, body: &str) -> Reply {
        let doc = envelope(&security(SITE, who, password), op, body);
        let (status, text) = self.post(&doc).await;
        assert_eq!(status, 200, "{text}");
        Reply::parse(text)
    }

    pub async fn as_admin(&self, op: &str, body: &str) -> Reply {
        self.call(ADMIN, ADMIN_PW, op, body).await
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let resp = self.client.get(format!("{}{path}", self.base)).send().await.expect("get");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("body"))
    }

    pub async fn outbox(&self) -> Vec<Mail> {
        self.store.outbox(Some(self.site.id), 100).await.expect("outbox")
    }

    /// Adds a user with password `user-pass`, a host or not, with extra privileges.
    pub async fn add_user(&self, webex_id: &str, host: bool, extra: &[(&str, bool)]) {
        let mut privileges = vec![("host".to_string(), host)];
        privileges.extend(extra.iter().map(|(n, v)| (n.to_string(), *v)));
        let req = NewUser {
            webex_id: webex_id.into(),
            fields: UserFields {
                email: Some(format!("{webex_id}@acme.example")),
                password: Some(PW.into()),
                first_name: Some(capitalise(webex_id)),
                privileges,
                ..UserFields::default()
            },
            ..NewUser::default()
        };
        self.kaigi.create_user(&Caller::operator(self.site.clone()), &req).await.expect("add user");
    }

    /// Another kaigi process on the same database (a CLI command, a second instance): its own
    /// store without a read cache, the same clock; its writes do not reach this server's cache.
    pub async fn another_process(&self) -> Kaigi {
        let config = Config { public_url: "http://kaigi.test".into(), hash_cost: HashCost::MINIMAL };
        self.another_process_with(config).await
    }

    /// [`TestServer::another_process`] with its own settings.
    pub async fn another_process_with(&self, config: Config) -> Kaigi {
        Kaigi::new(self.another_store().await, self.clock.clone(), Arc::new(SeededKeys::new(u64::MAX)), config)
    }

    /// The database as another process sees it: its own connection, no read cache.
    pub async fn another_store(&self) -> Arc<dyn Store> {
        let store = match &self.db {
            Db::Sqlite(path) => kaigi_store::open(&path.display().to_string()).await,
            Db::Postgres { url, schema } => kaigi_store::open_in_schema(url, schema).await,
        }
        .expect("open store again");
        Arc::new(store)
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

pub fn security(site: &str, who: &str, password: &str) -> String {
    format!("<securityContext><webExID>{who}</webExID><password>{password}</password><siteName>{site}</siteName></securityContext>")
}

pub fn envelope(security: &str, op: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<serv:message xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <header>{security}</header><body><bodyContent xsi:type=\"java:com.webex.service.binding.{op}\">{body}</bodyContent></body></serv:message>"
    )
}

/// A parsed answer: the raw text (for exact prefix checks) and a local-name tree.
pub struct Reply {
    pub text: String,
    pub root: Element,
}

impl Reply {
    pub fn parse(text: String) -> Reply {
        let root = Element::parse(&text).unwrap_or_else(|e| panic!("response is not XML ({e}): {text}"));
        Reply { text, root }
    }

    pub fn responses(&self) -> Vec<&Element> {
        self.root.child("header").map(|h| h.children_named("response").collect()).unwrap_or_default()
    }

    pub fn result(&self) -> &str {
        self.responses()[0].text_of("result").unwrap_or("")
    }

    pub fn exception(&self) -> &str {
        self.responses()[0].text_of("exceptionID").unwrap_or("")
    }

    pub fn reason(&self) -> &str {
        self.responses()[0].text_of("reason").unwrap_or("")
    }

    pub fn body(&self) -> &Element {
        self.root.path(&["body", "bodyContent"]).expect("bodyContent")
    }

    pub fn bodies(&self) -> Vec<&Element> {
        self.root.child("body").map(|b| b.children_named("bodyContent").collect()).unwrap_or_default()
    }

    pub fn value(&self, path: &[&str]) -> String {
        self.body().path(path).map(|e| e.text.clone()).unwrap_or_else(|| panic!("no {path:?} in {}", self.text))
    }

    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert_eq!(self.result(), "SUCCESS", "{}", self.text);
        self
    }

    #[track_caller]
    pub fn assert_failure(&self, exception_id: &str) -> &Self {
        assert_eq!(self.result(), "FAILURE", "{}", self.text);
        assert_eq!(self.exception(), exception_id, "{}", self.text);
        assert!(!self.reason().is_empty());
        self
    }
}

/// Asserts that `needles` appear in `hay` in this order.
#[track_caller]
pub fn assert_in_order(hay: &str, needles: &[&str]) {
    let mut at = 0;
    for n in needles {
        match hay[at..].find(n) {
            Some(i) => at += i + n.len(),
            None => panic!("{n} missing or out of order in {hay}"),
        }
    }
}
