//! kaigi-server: HTTP wiring. It mounts the XML API, the REST API, health and the small control
//! surface on one axum router with the web pages of kaigi-web, opens the store the configuration
//! names, and seeds the demo site when asked.

pub mod app;
pub mod conn;
pub mod control;
pub mod demo;
pub mod drain;
pub mod fixture;
pub mod iso_duration;
pub mod mail_delivery;
pub mod media;
pub mod metrics;
pub mod state;
pub mod testctl;
pub mod webhook_delivery;

use std::net::SocketAddr;
use std::sync::Arc;

use kaigi_core::ports::RandomKeys;
use kaigi_core::ports::SystemClock;
use kaigi_core::Config;
use kaigi_core::Kaigi;
use tokio::net::TcpListener;

/// Everything `kaigi serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    pub database_url: String,
    /// None: `http://` + the listen address.
    pub public_url: Option<String>,
    pub demo: bool,
    /// Connection limits (see [`conn::ConnLimits`]).
    pub limits: conn::ConnLimits,
    /// Where mail goes (see [`mail_delivery::SmtpTransport`]); None: mails stay in the outbox.
    pub smtp_url: Option<String>,
    /// The From address; None: `kaigi@` the public URL's host.
    pub smtp_from: Option<String>,
    /// `GET /metrics` on the main listener needs `Authorization: Bearer` this token.
    pub metrics_token: Option<String>,
    /// `GET /metrics` is also served on this address of its own (the token too, when one is set).
    pub metrics_listen: Option<SocketAddr>,
    /// Serve the test-double controls under `/_kaigi/` (always with `demo`); see testctl.
    pub test_controls: bool,
    /// Requests the controls' journal keeps.
    pub journal_size: usize,
    /// A fixture file (a described world) loaded at start; see [`fixture`].
    pub fixture: Option<std::path::PathBuf>,
    /// How it stops on SIGTERM or Ctrl-C (see [`drain`]).
    pub shutdown: drain::ShutdownTimes,
    /// The meetings' audio and video (None: the pages without media).
    pub media: Option<media::MediaOptions>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot open the database: {0}")]
    Store(#[from] kaigi_store::OpenError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("seeding the demo site or keeping the seeded state failed: {0}")]
    Demo(kaigi_core::Error),
    #[error("{0}")]
    Fixture(#[from] fixture::FixtureError),
    #[error("cannot make the webhook client: {0}")]
    WebhookClient(#[from] reqwest::Error),
    #[error("{0}")]
    Smtp(#[from] mail_delivery::SmtpConfigError),
    #[error("cannot start the media server: {0}")]
    Media(#[from] kaigi_media::MediaError),
    #[error("cannot listen for SIGTERM and Ctrl-C: {0}")]
    Signals(std::io::Error),
}

/// Builds the application on the store `url` names, with the real clock and randomness.
pub async fn open_kaigi(url: &str, public_url: &str) -> Result<Arc<Kaigi>, kaigi_store::OpenError> {
    Ok(open_kaigi_and_store(url, public_url).await?.0)
}

/// [`open_kaigi`], and the store itself (a handle on the same pools) for its metrics.
pub async fn open_kaigi_and_store(
    url: &str,
    public_url: &str,
) -> Result<(Arc<Kaigi>, kaigi_store::SqlStore), kaigi_store::OpenError> {
    let clock: Arc<dyn kaigi_core::ports::Clock> = Arc::new(SystemClock);
    let store = kaigi_store::open(url).await?.with_read_cache_on(kaigi_store::DEFAULT_CACHE_TTL, clock.clone());
    let kaigi = Arc::new(Kaigi::new(Arc::new(store.clone()), clock, Arc::new(RandomKeys), Config::new(public_url)));
    Ok((kaigi, store))
}

/// Like [`open_kaigi`], on an adjustable clock, with the test-double controls over the same
/// clock and store.
pub async fn open_kaigi_with_controls(
    url: &str,
    public_url: &str,
    journal_size: usize,
) -> Result<(Arc<Kaigi>, kaigi_store::SqlStore, Arc<testctl::Controls>), kaigi_store::OpenError> {
    let adjustable = Arc::new(kaigi_core::ports::AdjustableClock::default());
    let clock: Arc<dyn kaigi_core::ports::Clock> = adjustable.clone();
    let sql = kaigi_store::open(url).await?.with_read_cache_on(kaigi_store::DEFAULT_CACHE_TTL, clock.clone());
    let state: Arc<dyn kaigi_core::ports::StateStore> = Arc::new(sql.clone());
    let store: Arc<dyn kaigi_core::ports::Store> = Arc::new(sql.clone());
    let kaigi = Arc::new(Kaigi::new(store.clone(), clock, Arc::new(RandomKeys), Config::new(public_url)));
    let controls = testctl::Controls::new(adjustable, store, state, journal_size).with_kaigi(kaigi.clone());
    Ok((kaigi, sql, Arc::new(controls)))
}

/// Runs the server until SIGTERM or Ctrl-C, then drains: `/readyz` turns 503 and connections are
/// still accepted for `config.shutdown.delay`, then the port closes and in-flight requests and the
/// workers' rounds under way get `config.shutdown.grace` to finish (a second signal ends that at
/// once). `ready` is told the address it listens on (the port the system chose, for port 0) once
/// connections are served.
pub async fn serve(config: ServeConfig, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    // Before anything else: a signal that comes once kaigi is up must drain it, not kill it.
    let signals = drain::Signals::install().map_err(ServeError::Signals)?;
    let listen_error = |source| ServeError::Listen { addr: config.listen, source };
    let listener = TcpListener::bind(config.listen).await.map_err(listen_error)?;
    let listen = listener.local_addr().map_err(listen_error)?;
    let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{listen}"));
    let (kaigi, store, controls) = if config.test_controls || config.demo {
        let (kaigi, store, controls) =
            open_kaigi_with_controls(&config.database_url, &public_url, config.journal_size).await?;
        (kaigi, store, Some(controls))
    } else {
        let (kaigi, store) = open_kaigi_and_store(&config.database_url, &public_url).await?;
        (kaigi, store, None)
    };
    // Read before anything changes: a fixture that cannot be read or breaks a bound stops here.
    let fixture = config.fixture.as_deref().map(fixture::Fixture::read).transpose()?;
    let state = store.clone();
    let metrics = Arc::new(metrics::Metrics::new(Some(Arc::new(move || store.stats()))));
    metrics.read_live_from(kaigi.clone());
    // The demo listens on 127.0.0.1 for trying kaigi: its metrics need no token.
    let access = match (&config.metrics_token, config.demo) {
        (Some(token), _) => metrics::MetricsAccess::Token(token.clone()),
        (None, true) => metrics::MetricsAccess::Open,
        (None, false) => metrics::MetricsAccess::Hidden,
    };
    let metrics_listener = match config.metrics_listen {
        Some(addr) => {
            let listener = TcpListener::bind(addr).await.map_err(|source| ServeError::Listen { addr, source })?;
            Some(listener)
        }
        None => None,
    };
    if config.demo {
        demo::seed(&kaigi).await.map_err(ServeError::Demo)?;
        tracing::info!(
            "demo site ready: siteName demo, admin / demo-admin-pass, host01..host10 and emp001..emp090 / demo-pass"
        );
    }
    if let Some(fixture) = &fixture {
        // The state before it is kept as the base (a failed load goes back to it).
        let loaded = fixture::load_at_start(&kaigi, &state, fixture).await?;
        tracing::info!(sites = loaded.sites, users = loaded.users, meetings = loaded.meetings, "fixture loaded");
    } else if let Some(controls) = &controls {
        controls.keep_base().await.map_err(|e| ServeError::Demo(e.into()))?;
    }
    if let Some(controls) = &controls {
        controls.keep_seed().await.map_err(|e| ServeError::Demo(e.into()))?;
        tracing::info!(journal_size = controls.journal_size(), "test controls are on under /_kaigi/");
    }
    tracing::info!(listen = %listen, public_url = %public_url, limits = ?config.limits, "kaigi is serving");
    let shutdown = drain::Shutdown::default();
    let transport = Arc::new(webhook_delivery::HttpTransport::new()?);
    let mut workers = vec![webhook_delivery::spawn_worker_counted(
        kaigi.clone(),
        transport,
        Some(metrics.clone()),
        shutdown.draining.clone(),
    )];
    match &config.smtp_url {
        Some(url) => {
            let from = config.smtp_from.clone().unwrap_or_else(|| mail_delivery::default_from(&public_url));
            let smtp = mail_delivery::SmtpTransport::new(url, &from)?;
            tracing::info!(server = smtp.server(), from = %smtp.from(), "sending mail by SMTP");
            workers.push(mail_delivery::spawn_worker_counted(
                kaigi.clone(),
                Arc::new(smtp),
                Some(metrics.clone()),
                shutdown.draining.clone(),
            ));
        }
        None => tracing::info!("no --smtp-url: mails are kept in the outbox and not sent"),
    }
    let metrics_server = metrics_listener.map(|listener| {
        let own_access = match &config.metrics_token {
            Some(token) => metrics::MetricsAccess::Token(token.clone()),
            None => metrics::MetricsAccess::Open,
        };
        if let Ok(addr) = listener.local_addr() {
            tracing::info!(listen = %addr, "metrics are served on their own address");
        }
        let router = metrics::route(metrics.clone(), own_access);
        tokio::spawn(conn::serve_with_limits(listener, router, config.limits, std::future::pending()))
    });
    let live = match &config.media {
        Some(options) => Some(media::start(&kaigi, options, listen.ip()).await?),
        None => None,
    };
    if let Some(live) = &live {
        metrics.read_media_from(live.media().clone());
    }
    let router = app::router_serving(kaigi, metrics, access, controls, shutdown.draining.clone(), live);
    let signalled = tokio::spawn(signals.drive(shutdown.clone()));
    ready(listen);
    let times = config.shutdown;
    // The port stays open `delay` after the first signal, so that load balancers see /readyz
    // fail and stop sending requests here before connections are refused.
    let stopped_accepting = std::sync::OnceLock::new();
    let stop_accepting = async {
        shutdown.draining.raised().await;
        tokio::select! {
            () = tokio::time::sleep(times.delay) => {}
            () = shutdown.now.raised() => {}
        }
        let _ = stopped_accepting.set(tokio::time::Instant::now());
    };
    let cut_off = conn::serve_draining(listener, router, config.limits, stop_accepting, times.grace, &shutdown).await;
    // The workers were told to stop with the first signal; they get the same grace as requests.
    let deadline = stopped_accepting.get().copied().unwrap_or_else(tokio::time::Instant::now) + times.grace;
    drain::finish_workers(workers, deadline, &shutdown.now).await;
    signalled.abort();
    if let Some(server) = metrics_server {
        server.abort();
    }
    tracing::info!(connections_cut_off = cut_off, "kaigi stopped");
    Ok(())
}
