//! Choosing the engine from a URL, and opening a pool configured for it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

use crate::errors::OpenError;

/// SQLite's `synchronous` level, chosen by the URL: `sqlite://kaigi.db?synchronous=full`.
///
/// In WAL mode (kaigi's), NORMAL, the default, writes each commit to the WAL file before it is
/// acknowledged and syncs the file only at checkpoints: an acknowledged write survives a crash or
/// `kill -9` of kaigi, but the last ones may be lost if the machine loses power or the OS
/// crashes. FULL also syncs the WAL at every commit, so acknowledged writes survive power loss too,
/// at the cost of one fsync per transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    #[default]
    Normal,
    Full,
}

impl Synchronous {
    fn parse(value: &str) -> Result<Self, OpenError> {
        match value.to_ascii_lowercase().as_str() {
            "normal" => Ok(Synchronous::Normal),
            "full" => Ok(Synchronous::Full),
            _ => Err(OpenError::BadSynchronous(value.to_string())),
        }
    }

    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Normal => "NORMAL",
            Synchronous::Full => "FULL",
        }
    }
}

/// How long SQLite waits for another writer (another process) before failing with SQLITE_BUSY.
pub const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// SQLite readers (the writer has its own connection).
const SQLITE_MAX_CONNECTIONS: u32 = 4;
const POSTGRES_MAX_CONNECTIONS: u32 = 10;

/// The database engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A URL resolved to an engine and the URL sqlx should be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub engine: Engine,
    pub url: String,
    /// `sqlite::memory:`: the database lives as long as its one connection.
    pub in_memory: bool,
    /// SQLite only.
    pub synchronous: Synchronous,
}

/// `sqlite://PATH`, `sqlite:PATH` or a bare path → SQLite (the file is created when missing; the
/// URL forms may end in `?synchronous=normal|full`, see [`Synchronous`], which a bare path, where
/// `?` is part of the file name, cannot); `sqlite::memory:` → a private in-memory SQLite database
/// (tests, demos);
/// `postgres://` or `postgresql://` → PostgreSQL; anything else is refused.
pub(crate) fn resolve(url: &str) -> Result<Target, OpenError> {
    let url = url.trim();
    if url.is_empty() {
        return Err(OpenError::EmptyUrl);
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let url = url.to_string();
        return Ok(Target { engine: Engine::Postgres, url, in_memory: false, synchronous: Synchronous::default() });
    }
    if url.starts_with("sqlite:") {
        let (url, synchronous) = take_synchronous(url)?;
        let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
        let in_memory = rest.starts_with(":memory:") || rest.contains("mode=memory");
        return Ok(Target {
            engine: Engine::Sqlite,
            url: if in_memory { url } else { with_create_mode(&url) },
            in_memory,
            synchronous,
        });
    }
    if let Some(scheme) = scheme_of(url) {
        return Err(OpenError::UnsupportedUrl(scheme.to_string()));
    }
    // A bare path. Made absolute so that no part of it can be read as a URL host.
    let path = Path::new(url);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| OpenError::Connect(e.to_string()))?.join(path)
    };
    let path = path.to_str().ok_or_else(|| OpenError::Connect("the database path is not UTF-8".into()))?;
    let url = format!("sqlite://{}?mode=rwc", encode_path(path));
    Ok(Target { engine: Engine::Sqlite, url, in_memory: false, synchronous: Synchronous::default() })
}

/// Removes the `synchronous` parameter (kaigi's, unknown to sqlx) from an SQLite URL and reads it.
fn take_synchronous(url: &str) -> Result<(String, Synchronous), OpenError> {
    let Some((base, params)) = url.split_once('?') else { return Ok((url.to_string(), Synchronous::default())) };
    let mut synchronous = Synchronous::default();
    let mut kept = Vec::new();
    for param in params.split('&') {
        match param.split_once('=') {
            Some(("synchronous", value)) => synchronous = Synchronous::parse(value)?,
            _ => kept.push(param),
        }
    }
    let url = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    Ok((url, synchronous))
}

/// The scheme of something that looks like a URL (`word:` followed by anything), if any.
fn scheme_of(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let looks_like_scheme = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    looks_like_scheme.then_some(scheme)
}

fn with_create_mode(url: &str) -> String {
    match url.split_once('?') {
        Some((_, params)) if params.split('&').any(|p| p.starts_with("mode=")) => url.to_string(),
        Some(_) => format!("{url}&mode=rwc"),
        None => format!("{url}?mode=rwc"),
    }
}

/// Percent-encodes what a URL would otherwise misread in a file path (sqlx decodes it again).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if matches!(c, '%' | '?' | '#' | ' ' | '"' | '<' | '>' | '`' | '{' | '}' | '\\') || c.is_ascii_control() {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Checks a PostgreSQL schema name and returns it quoted for SQL.
pub(crate) fn quoted_schema(schema: &str) -> Result<String, OpenError> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(format!("\"{schema}\""))
    } else {
        Err(OpenError::BadSchema(schema.to_string()))
    }
}

/// Runs one statement on a single, short-lived PostgreSQL connection (schema housekeeping).
pub(crate) async fn admin_statement(url: &str, sql: &str) -> Result<(), OpenError> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(url).await.map_err(|e| OpenError::Connect(e.to_string()))?;
    let result = sqlx::raw_sql(sql).execute(&mut conn).await;
    let _ = conn.close().await;
    result.map(|_| ()).map_err(|e| OpenError::Connect(e.to_string()))
}

/// Whether a connection comes back to the pool inside a transaction nobody owns any more; the
/// pool then closes it instead of handing it out again.
///
/// It happens when a request's future is dropped (its client went away) while sqlx is beginning
/// a transaction: sqlx 0.8 counts the BEGIN as done before `Transaction` exists to roll it back
/// (its SQLite `begin_with` checks the connection after BEGIN is acknowledged; its PostgreSQL
/// `begin` awaits the server's answer before counting, sqlx issues #3932 and #4393). Every later
/// `begin_with` on that connection then failed ("non-zero transaction depth"). A transaction
/// dropped the ordinary way may still be rolling back when its connection is released; closing
/// that one too costs a reconnect, and only after a cancelled request.
fn left_in_transaction(conn: &AnyConnection) -> bool {
    conn.is_in_transaction()
}

/// Runs the per-connection settings on a new pooled connection.
async fn run_setup(conn: &mut AnyConnection, sql: Option<Arc<str>>) -> Result<(), sqlx::Error> {
    if let Some(sql) = sql {
        conn.execute(&*sql).await?;
    }
    Ok(())
}

/// The connections of a store: `read` serves reads, `write` the write transactions.
pub(crate) struct Pools {
    pub read: AnyPool,
    pub write: AnyPool,
}

/// SQLite files get one dedicated writer connection besides the readers: writes are serial
/// anyway, and a connection keeps its page cache only while no other connection writes, so the
/// writer's index pages stay warm (measured: about 10% more inserts per second than a writer taking
/// whichever connection is free), and reads holding every reader connection never delay a write.
/// An in-memory database and PostgreSQL use one pool for both.
pub(crate) async fn pools(target: &Target, schema: Option<String>) -> Result<Pools, OpenError> {
    let read = pool(target, schema, false).await?;
    let write = if target.engine == Engine::Sqlite && !target.in_memory {
        pool(target, None, true).await?
    } else {
        read.clone()
    };
    Ok(Pools { read, write })
}

async fn pool(target: &Target, schema: Option<String>, writer: bool) -> Result<AnyPool, OpenError> {
    sqlx::any::install_default_drivers();
    let options = match target.engine {
        Engine::Sqlite => {
            let pragmas: Arc<str> = format!(
                "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA foreign_keys = ON; \
                 PRAGMA journal_mode = WAL; PRAGMA synchronous = {};",
                target.synchronous.pragma()
            )
            .into();
            let options = if target.in_memory || writer {
                // In memory, every new connection would open a new, empty database; the writer is
                // kept for its cache. Exactly one, for ever.
                AnyPoolOptions::new().max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None)
            } else {
                AnyPoolOptions::new().max_connections(SQLITE_MAX_CONNECTIONS)
            };
            options.after_connect(move |conn, _| Box::pin(run_setup(conn, Some(pragmas.clone()))))
        }
        Engine::Postgres => {
            let set_path: Option<Arc<str>> = schema.map(|s| format!("SET search_path TO {s}").into());
            AnyPoolOptions::new()
                .max_connections(POSTGRES_MAX_CONNECTIONS)
                .after_connect(move |conn, _| Box::pin(run_setup(conn, set_path.clone())))
        }
    };
    // An in-memory database lives only as long as its one connection: never closed.
    let options = if target.in_memory {
        options
    } else {
        options.after_release(|conn, _| Box::pin(std::future::ready(Ok(!left_in_transaction(conn)))))
    };
    options
        .acquire_timeout(Duration::from_secs(30))
        .connect(&target.url)
        .await
        .map_err(|e| OpenError::Connect(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_engine() {
        let t = resolve("postgres://u@h/db").expect("pg");
        assert_eq!(t.engine, Engine::Postgres);
        let m = resolve("sqlite::memory:").expect("memory");
        assert!(m.in_memory && m.url == "sqlite::memory:");
        assert!(!resolve("sqlite://memory.db").expect("file").in_memory);
        assert_eq!(resolve("postgresql://u@h/db").expect("pg").engine, Engine::Postgres);
        assert_eq!(resolve("sqlite://kaigi.db").expect("s").url, "sqlite://kaigi.db?mode=rwc");
        assert_eq!(resolve("sqlite:kaigi.db?mode=ro").expect("s").url, "sqlite:kaigi.db?mode=ro");
        assert_eq!(resolve("sqlite:k.db?cache=private").expect("s").url, "sqlite:k.db?cache=private&mode=rwc");
        assert_eq!(resolve("/tmp/a b#?.db").expect("s").url, "sqlite:///tmp/a%20b%23%3F.db?mode=rwc");
        assert_eq!(resolve("/tmp/ü.db").expect("s").url, "sqlite:///tmp/ü.db?mode=rwc");
        let rel = resolve("kaigi.db").expect("s");
        assert!(rel.url.starts_with("sqlite:///") && rel.url.ends_with("/kaigi.db?mode=rwc"));
        assert!(matches!(resolve("mysql://x"), Err(OpenError::UnsupportedUrl(s)) if s == "mysql"));
        assert!(matches!(resolve("http://x"), Err(OpenError::UnsupportedUrl(_))));
        assert!(matches!(resolve("mysql:x"), Err(OpenError::UnsupportedUrl(_))));
        assert!(matches!(resolve(" "), Err(OpenError::EmptyUrl)));
    }

    #[test]
    fn sqlite_urls_choose_the_synchronous_level() {
        let t = resolve("sqlite://kaigi.db").expect("s");
        assert_eq!(t.synchronous, Synchronous::Normal);
        let t = resolve("sqlite://kaigi.db?synchronous=full").expect("s");
        assert_eq!((t.url.as_str(), t.synchronous), ("sqlite://kaigi.db?mode=rwc", Synchronous::Full));
        let t = resolve("sqlite:k.db?cache=private&synchronous=NORMAL&mode=ro").expect("s");
        assert_eq!((t.url.as_str(), t.synchronous), ("sqlite:k.db?cache=private&mode=ro", Synchronous::Normal));
        let t = resolve("sqlite::memory:?synchronous=Full").expect("memory");
        assert!(t.in_memory && t.url == "sqlite::memory:" && t.synchronous == Synchronous::Full);
        for bad in ["sqlite://k.db?synchronous=off", "sqlite:k.db?synchronous=", "sqlite:k.db?synchronous=extra"] {
            assert!(matches!(resolve(bad), Err(OpenError::BadSynchronous(_))), "{bad}");
        }
        // In a bare path, `?` belongs to the file name.
        let t = resolve("/tmp/k.db?synchronous=full").expect("s");
        assert_eq!(
            (t.url.as_str(), t.synchronous),
            ("sqlite:///tmp/k.db%3Fsynchronous=full?mode=rwc", Synchronous::Normal)
        );
    }

    #[test]
    fn schema_names_are_checked() {
        assert_eq!(quoted_schema("kaigi_t_1").expect("ok"), "\"kaigi_t_1\"");
        assert!(quoted_schema("x\"; drop").is_err());
        assert!(quoted_schema("1x").is_err());
        assert!(quoted_schema("").is_err());
    }
}
