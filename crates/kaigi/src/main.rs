//! `kaigi`: the server and its administration commands.

#[macro_use]
mod output;
mod benchdata;
mod commands;
mod report_text;
mod spreaddata;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// mimalloc instead of the system allocator. Profiles of the spread benchmark (bench/README.md,
/// issue #16) spent 15% of kaigi's CPU in glibc malloc/free, and glibc's per-thread arenas kept
/// freed memory from the read cache's churn; mimalloc is a kept allocator made for exactly this.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "kaigi",
    version,
    about = "A self-hosted meeting scheduling server that speaks the Webex Meetings APIs"
)]
struct Cli {
    /// Log lines on standard error: `text` (for people) or `json` (one JSON object a line, for
    /// log collectors; every request's line carries its tracking id).
    #[arg(long, env = "KAIGI_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Args, Clone)]
pub struct DbArgs {
    /// Database: a SQLite path or sqlite:// URL (created if missing), or a postgres:// URL.
    #[arg(long = "database", env = "KAIGI_DATABASE_URL", default_value = "sqlite://kaigi.db", global = true)]
    pub url: String,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server. Once it serves, it prints `kaigi listening on http://ADDRESS:PORT` on
    /// standard output (the port the system chose, with `--listen 127.0.0.1:0`).
    Serve {
        /// Address to listen on (port 0: any free port; the line above tells which).
        #[arg(long, env = "KAIGI_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Base of every link kaigi hands out (default: http:// + the listen address).
        #[arg(long, env = "KAIGI_PUBLIC_URL")]
        public_url: Option<String>,
        /// Create the demo site (siteName `demo`) if it is missing. For trying kaigi only.
        #[arg(long)]
        demo: bool,
        /// Open connections at most; further clients wait to be accepted (keep it below the
        /// process's file-descriptor limit).
        #[arg(long, env = "KAIGI_MAX_CONNECTIONS", default_value_t = kaigi_server::conn::ConnLimits::DEFAULT_MAX_CONNECTIONS)]
        max_connections: usize,
        /// Seconds a client has to send a request's headers; also closes an idle keep-alive
        /// connection.
        #[arg(long, env = "KAIGI_HEADER_TIMEOUT_SECS", default_value_t = kaigi_server::conn::ConnLimits::DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
        header_timeout_secs: u64,
        /// Seconds one request may take, reading its body included (408 after that).
        #[arg(long, env = "KAIGI_REQUEST_TIMEOUT_SECS", default_value_t = kaigi_server::conn::ConnLimits::DEFAULT_REQUEST_TIMEOUT.as_secs())]
        request_timeout_secs: u64,
        /// Seconds a client may take no bytes of an answer before the connection is closed.
        #[arg(long, env = "KAIGI_WRITE_TIMEOUT_SECS", default_value_t = kaigi_server::conn::ConnLimits::DEFAULT_WRITE_TIMEOUT.as_secs())]
        write_timeout_secs: u64,
        /// Seconds, after SIGTERM or Ctrl-C, during which connections are still accepted while
        /// `GET /readyz` answers 503, so a load balancer stops sending requests here before the
        /// port closes (set it above the balancer's check interval times its failure count).
        #[arg(long, env = "KAIGI_SHUTDOWN_DELAY_SECS", default_value_t = kaigi_server::drain::ShutdownTimes::DEFAULT_DELAY.as_secs())]
        shutdown_delay_secs: u64,
        /// Seconds in-flight requests and the webhook and mail rounds under way get to finish once
        /// the port is closed; what is still open then is cut off. A second signal stops at once.
        #[arg(long, env = "KAIGI_SHUTDOWN_GRACE_SECS", default_value_t = kaigi_server::drain::ShutdownTimes::DEFAULT_GRACE.as_secs())]
        shutdown_grace_secs: u64,
        /// Send mail through this SMTP server: smtp://HOST:PORT (no TLS), smtp://HOST:PORT?tls=required
        /// (STARTTLS), smtps://HOST:PORT (TLS); USER:PASS@ before the host to authenticate. Without
        /// it, mails are kept in the outbox and not sent.
        #[arg(long, env = "KAIGI_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// The From address of the mails sent (default: kaigi@ the public URL's host).
        #[arg(long, env = "KAIGI_SMTP_FROM")]
        smtp_from: Option<String>,
        /// Serve `GET /metrics` on the main listener to `Authorization: Bearer TOKEN` (also
        /// required on --metrics-listen when both are set). Without this nor --metrics-listen,
        /// /metrics is not served (except with --demo).
        #[arg(long, env = "KAIGI_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// Serve `GET /metrics` on this address of its own as well (e.g. 127.0.0.1:9100).
        #[arg(long, env = "KAIGI_METRICS_LISTEN")]
        metrics_listen: Option<SocketAddr>,
        /// Serve the test-double controls under /_kaigi/ (clock, faults, journal, outbox, reset,
        /// snapshots; see docs/testing-with-kaigi.md). Always on with --demo.
        #[arg(long, env = "KAIGI_TEST_CONTROLS")]
        test_controls: bool,
        /// Requests the test controls' journal keeps (the newest).
        #[arg(long, env = "KAIGI_JOURNAL_SIZE", default_value_t = kaigi_server::testctl::journal::DEFAULT_SIZE)]
        journal_size: usize,
        /// Load this fixture (a JSON world of sites, licences, users and meetings; see
        /// docs/testing-with-kaigi.md) at start; with the test controls, reset returns to it.
        #[arg(long, env = "KAIGI_FIXTURE")]
        fixture: Option<PathBuf>,
        /// The UDP ports of the meetings' audio and video, FIRST-LAST (one per core is used; open
        /// them in the firewall), or 0 for ports the system chooses (trying kaigi on one machine).
        #[arg(long, env = "KAIGI_MEDIA_UDP_PORTS", default_value = "0")]
        media_udp_ports: String,
        /// The address browsers send media to, put in the ICE candidates: this machine's public
        /// address when kaigi is behind a NAT (default: the --listen address).
        #[arg(long, env = "KAIGI_MEDIA_PUBLIC_IP")]
        media_public_ip: Option<std::net::IpAddr>,
        /// Where meeting recordings are written (default: `recordings` beside the SQLite file,
        /// or `./kaigi-recordings` with PostgreSQL).
        #[arg(long, env = "KAIGI_RECORDINGS_DIR")]
        recordings_dir: Option<PathBuf>,
        /// Run without the media server: the meeting pages keep their buttons, with no audio or video.
        #[arg(long, env = "KAIGI_NO_MEDIA")]
        no_media: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage sites.
    Site {
        #[command(subcommand)]
        command: commands::SiteCommand,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: commands::UserCommand,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Assign host licences and set a site's licence plan.
    License {
        #[command(subcommand)]
        command: commands::LicenseCommand,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Issue site API keys (sent as the `JWTToken` header, e.g. for GetUserCard).
    Apikey {
        #[command(subcommand)]
        command: commands::ApiKeyCommand,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Issue REST API bearer tokens (personal access tokens).
    Token {
        #[command(subcommand)]
        command: commands::TokenCommand,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Register OAuth integrations and Service Apps of a site.
    Integration {
        #[command(subcommand)]
        command: commands::IntegrationCommand,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Where a secret comes from: a file, or a prompt on the terminal. Never the command line.
#[derive(Args, Clone, Default)]
pub struct SecretArgs {
    /// Read the password from the first line of this file (otherwise it is asked for on stdin).
    #[arg(long)]
    pub password_file: Option<PathBuf>,
}

fn init_logging(format: LogFormat) {
    let level = std::env::var("KAIGI_LOG").ok().and_then(|l| l.parse().ok()).unwrap_or(tracing::Level::INFO);
    // Colours only for a person at a terminal: a log file or a collector gets plain text (and
    // the escape codes cost time on every request line).
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs = tracing_subscriber::fmt().with_max_level(level).with_ansi(colour).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        // Fields at the top level of each object (see docs/operations.md, "Metrics and logs").
        LogFormat::Json => logs.json().flatten_event(true).with_current_span(false).init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            note!("kaigi: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Serve {
                listen,
                public_url,
                demo,
                max_connections,
                header_timeout_secs,
                request_timeout_secs,
                write_timeout_secs,
                shutdown_delay_secs,
                shutdown_grace_secs,
                smtp_url,
                smtp_from,
                metrics_token,
                metrics_listen,
                test_controls,
                journal_size,
                fixture,
                media_udp_ports,
                media_public_ip,
                recordings_dir,
                no_media,
                db,
            } => {
                let media = if no_media {
                    None
                } else {
                    let udp_ports = match kaigi_server::media::parse_port_range(&media_udp_ports) {
                        Ok(ports) => ports,
                        Err(e) => return Err(format!("--media-udp-ports: {e}")),
                    };
                    let recordings_dir =
                        recordings_dir.unwrap_or_else(|| kaigi_server::media::default_recordings_dir(&db.url));
                    Some(kaigi_server::media::MediaOptions { udp_ports, public_ip: media_public_ip, recordings_dir })
                };
                let limits = kaigi_server::conn::ConnLimits {
                    max_connections: max_connections.max(1),
                    header_read_timeout: std::time::Duration::from_secs(header_timeout_secs.max(1)),
                    request_timeout: std::time::Duration::from_secs(request_timeout_secs.max(1)),
                    write_timeout: std::time::Duration::from_secs(write_timeout_secs.max(1)),
                };
                let metrics_token = metrics_token.filter(|t| !t.trim().is_empty());
                let config = kaigi_server::ServeConfig {
                    listen,
                    database_url: db.url,
                    public_url,
                    demo,
                    limits,
                    smtp_url,
                    smtp_from,
                    metrics_token,
                    metrics_listen,
                    test_controls,
                    journal_size,
                    fixture,
                    media,
                    shutdown: kaigi_server::drain::ShutdownTimes {
                        delay: std::time::Duration::from_secs(shutdown_delay_secs),
                        grace: std::time::Duration::from_secs(shutdown_grace_secs),
                    },
                };
                // Nobody reading standard output does not stop the server.
                let announce = |addr| {
                    let _ = out!("kaigi listening on http://{addr}");
                };
                kaigi_server::serve(config, announce).await.map_err(|e| e.to_string())
            }
            Command::Site { command, db } => commands::site(command, &db).await,
            Command::User { command, db } => commands::user(command, &db).await,
            Command::License { command, db } => commands::license(command, &db).await,
            Command::Apikey { command, db } => commands::apikey(command, &db).await,
            Command::Token { command, db } => commands::token(command, &db).await,
            Command::Integration { command, db } => commands::integration(command, &db).await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of the output went away (`kaigi user list | head -1`): nothing to say.
        Err(_) if output::stdout_closed() => ExitCode::SUCCESS,
        Err(message) => {
            note!("kaigi: {message}");
            ExitCode::FAILURE
        }
    }
}
