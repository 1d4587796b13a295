//! Stopping an instance without dropping work, so that a load balancer can take it out first:
//! the signals (`SIGTERM` or Ctrl-C once: drain; twice: stop now), and the flags the rest of the
//! server reads (`/readyz`, the accept loop, the webhook and mail workers).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

/// A flag that is raised once and never lowered, which any number of tasks can read or wait
/// for. (The sender lives in the flag itself, so waiting never ends early because the side that
/// raises it went away.)
#[derive(Clone, Debug)]
pub struct Flag {
    raised: Arc<watch::Sender<bool>>,
}

impl Default for Flag {
    fn default() -> Self {
        Self::new()
    }
}

impl Flag {
    pub fn new() -> Self {
        Self { raised: Arc::new(watch::Sender::new(false)) }
    }

    pub fn raise(&self) {
        self.raised.send_replace(true);
    }

    pub fn is_raised(&self) -> bool {
        *self.raised.borrow()
    }

    /// Resolves once the flag is raised (at once when it already is).
    pub async fn raised(&self) {
        let mut seen = self.raised.subscribe();
        // The sender is `self`'s own: it cannot be dropped while we wait.
        let _ = seen.wait_for(|raised| *raised).await;
    }
}

/// How `kaigi serve` stops (docs/operations.md, "Running several instances behind a load
/// balancer").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownTimes {
    /// After the first signal, connections are still accepted (and served) this long while
    /// `/readyz` answers 503, so that a load balancer checking it stops sending requests here
    /// before the port closes.
    pub delay: Duration,
    /// Then, with the port closed, in-flight requests (and the workers' current rounds) get this
    /// long to finish; whatever is still open after it is cut off.
    pub grace: Duration,
}

impl ShutdownTimes {
    pub const DEFAULT_DELAY: Duration = Duration::ZERO;
    /// Longer than a webhook delivery round can take (a batch stops after 15 s, one attempt
    /// more takes at most 10 s), so that a round under way is never cut off by default.
    pub const DEFAULT_GRACE: Duration = Duration::from_secs(30);
}

impl Default for ShutdownTimes {
    fn default() -> Self {
        Self { delay: Self::DEFAULT_DELAY, grace: Self::DEFAULT_GRACE }
    }
}

/// The two stages of stopping: `draining` is raised by the first signal (`/readyz` turns 503,
/// the workers finish their round and stop), `now` by a second one or once the grace is over
/// (open connections are cut off).
#[derive(Clone, Debug, Default)]
pub struct Shutdown {
    pub draining: Flag,
    pub now: Flag,
}

/// `SIGTERM` or `SIGINT` (Ctrl-C), listened to from the moment this is made: a signal that comes
/// after kaigi printed its listening line is never taken by the default action (which would end
/// the process at once).
pub struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Self { term: signal(SignalKind::terminate())?, int: signal(SignalKind::interrupt())? })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// The next signal.
    async fn next(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }

    /// Raises `shutdown.draining` at the first signal and `shutdown.now` at the second.
    pub async fn drive(mut self, shutdown: Shutdown) {
        self.next().await;
        tracing::info!("shutting down: /readyz answers 503; in-flight requests and worker rounds are finishing");
        shutdown.draining.raise();
        self.next().await;
        tracing::warn!("second signal: stopping now, without waiting for in-flight requests");
        shutdown.now.raise();
    }
}

/// Waits for the webhook and mail workers (told to stop by [`Shutdown::draining`]) to finish the
/// round under way, until `deadline` or until `now` is raised. A round still under way then is
/// cut off: its leases run out and another instance, or this one restarted, carries on (at least
/// once: what a receiver took in that round may be sent again).
pub async fn finish_workers(workers: Vec<tokio::task::JoinHandle<()>>, deadline: tokio::time::Instant, now: &Flag) {
    for worker in workers {
        let abort = worker.abort_handle();
        tokio::select! {
            _ = worker => {}
            () = tokio::time::sleep_until(deadline) => {
                tracing::warn!("a webhook or mail round was still under way when the grace ended; cut off (its leases will run out)");
                abort.abort();
            }
            () = now.raised() => abort.abort(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_flag_wakes_every_waiter_and_stays_raised() {
        let flag = Flag::new();
        assert!(!flag.is_raised());
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let f = flag.clone();
                tokio::spawn(async move { f.raised().await })
            })
            .collect();
        flag.raise();
        for w in waiters {
            tokio::time::timeout(Duration::from_secs(10), w).await.expect("woken").expect("joined");
        }
        assert!(flag.is_raised());
        // Waiting after the raise ends at once.
        tokio::time::timeout(Duration::from_secs(10), flag.raised()).await.expect("already raised");
    }

    /// A worker in the middle of a round is waited for; one that would not end is cut off at the
    /// deadline.
    #[tokio::test]
    async fn workers_finish_their_round_or_are_cut_off_at_the_deadline() {
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        let (go, going) = tokio::sync::oneshot::channel::<()>();
        let round = tokio::spawn(async move {
            let _ = going.await;
            let _ = done.send(());
        });
        let waiting = tokio::spawn(async move {
            let far = tokio::time::Instant::now() + Duration::from_secs(3600);
            finish_workers(vec![round], far, &Flag::new()).await;
        });
        let _ = go.send(());
        tokio::time::timeout(Duration::from_secs(10), waiting).await.expect("waited for the round").expect("joined");
        finished.await.expect("the round ended by itself");

        // The stuck round holds a sender: cutting the task off drops it.
        let (held, dropped) = tokio::sync::oneshot::channel::<()>();
        let stuck = tokio::spawn(async move {
            let _held = held;
            std::future::pending::<()>().await
        });
        let soon = tokio::time::Instant::now() + Duration::from_millis(10);
        tokio::time::timeout(Duration::from_secs(10), finish_workers(vec![stuck], soon, &Flag::new()))
            .await
            .expect("the deadline ends the wait");
        let cut = tokio::time::timeout(Duration::from_secs(10), dropped).await.expect("the stuck round was cut off");
        assert!(cut.is_err(), "it never finished its round by itself");
    }
}
