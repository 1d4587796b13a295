//! Accepting connections with limits (issue #12): at most `max_connections` open sockets (the
//! next one waits in the listen backlog, so idle sockets cannot exhaust file descriptors), a
//! deadline for each request's headers that also closes an idle keep-alive connection, a
//! deadline for a whole request, body included, and a deadline for a client that stops taking
//! the answer (a write that makes no progress). And stopping (issue #16): draining what is in
//! flight within a bound, see [`serve_draining`].

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::Sleep;
use tower::ServiceExt;

use crate::drain::{Shutdown, ShutdownTimes};

/// The connection limits of `kaigi serve` (documented in docs/operations.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    /// Open connections at most; further clients wait to be accepted.
    pub max_connections: usize,
    /// Time a client has to send a request's headers; the same time closes a keep-alive
    /// connection on which no next request starts.
    pub header_read_timeout: Duration,
    /// Time one request may take from its headers to its answer, reading the body included.
    pub request_timeout: Duration,
    /// Time a write of the answer may wait for the client to take bytes; then the connection is
    /// closed (a client that never reads cannot hold a connection for ever).
    pub write_timeout: Duration,
}

impl ConnLimits {
    pub const DEFAULT_MAX_CONNECTIONS: usize = 1000;
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
    pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);
}

impl Default for ConnLimits {
    fn default() -> Self {
        Self {
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: Self::DEFAULT_HEADER_READ_TIMEOUT,
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
            write_timeout: Self::DEFAULT_WRITE_TIMEOUT,
        }
    }
}

/// Answers 408 when a request (its body included) is not done within `limit`.
async fn request_deadline(limit: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => (StatusCode::REQUEST_TIMEOUT, "The request took too long.\n").into_response(),
    }
}

/// Serves `router` on `listener` with `limits` until `shutdown` completes, then lets the open
/// connections finish what they are serving for at most [`ShutdownTimes::DEFAULT_GRACE`]. Each
/// request carries the peer address as [`ConnectInfo`], as `axum::serve` does.
pub async fn serve_with_limits(
    listener: TcpListener,
    router: Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()>,
) {
    serve_draining(listener, router, limits, shutdown, ShutdownTimes::DEFAULT_GRACE, &Shutdown::default()).await;
}

/// [`serve_with_limits`], stopping as `kaigi serve` does: once `shutdown.draining` is raised,
/// every answer carries `Connection: close` (clients and load balancers open their next request
/// elsewhere); once `stop_accepting` completes, the port closes and each connection finishes the
/// request it is serving (an idle keep-alive one closes at once); whatever is still open `grace`
/// later, or when `shutdown.now` is raised, is cut off. Answers how many connections were cut
/// off.
pub async fn serve_draining(
    listener: TcpListener,
    router: Router,
    limits: ConnLimits,
    stop_accepting: impl Future<Output = ()>,
    grace: Duration,
    shutdown: &Shutdown,
) -> usize {
    let timeout = limits.request_timeout;
    let router =
        router.layer(axum::middleware::from_fn(move |req: Request, next: Next| request_deadline(timeout, req, next)));
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    tokio::pin!(stop_accepting);
    // Told to every connection when the server stops: each finishes the request it is serving
    // and closes (as `axum::serve`'s graceful shutdown does).
    let (stopping, stop_seen) = tokio::sync::watch::channel(false);
    let max = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut stop_accepting => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors or similar: give the system a moment.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop_accepting => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let draining = shutdown.draining.clone();
        let service = hyper::service::service_fn(move |mut request: axum::http::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            let router = router.clone();
            let draining = draining.clone();
            async move {
                let mut response = router.oneshot(request.map(axum::body::Body::new)).await.into_response();
                if draining.is_raised() {
                    // hyper closes the connection after this answer.
                    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
                }
                Ok::<_, Infallible>(response)
            }
        });
        let header_read_timeout = limits.header_read_timeout;
        let stream = WriteDeadline::new(stream, limits.write_timeout);
        let mut stop_seen = stop_seen.clone();
        let cut_off = shutdown.now.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new()).header_read_timeout(header_read_timeout).keep_alive(true);
            // Upgrades: the room page's WebSocket (kaigi-web's live rooms) leaves HTTP here.
            let conn = http.serve_connection(TokioIo::new(stream), service).with_upgrades();
            tokio::pin!(conn);
            let ended = tokio::select! {
                ended = conn.as_mut() => ended,
                _ = stop_seen.changed() => {
                    conn.as_mut().graceful_shutdown();
                    tokio::select! {
                        ended = conn.as_mut() => ended,
                        // Dropping the connection closes the socket and drops its request.
                        () = cut_off.raised() => return,
                    }
                }
                () = cut_off.raised() => return,
            };
            if let Err(e) = ended {
                tracing::debug!(error = %e, %peer, "connection ended");
            }
        });
    }
    // Stop accepting, let the open connections finish, and wait until every one has closed, or
    // the grace is over.
    drop(listener);
    let _ = stopping.send(true);
    let open = || max as usize - slots.available_permits().min(max as usize);
    tokio::select! {
        _ = slots.acquire_many(max) => return 0,
        () = tokio::time::sleep(grace) => {}
        () = shutdown.now.raised() => {}
    }
    let left = open();
    tracing::warn!(
        connections = left,
        grace_secs = grace.as_secs_f64(),
        "connections still open after the grace; cutting them off"
    );
    shutdown.now.raise();
    left
}

/// A stream whose writes fail with `TimedOut` when the peer takes no bytes for `limit`.
pub struct WriteDeadline<S> {
    inner: S,
    limit: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<S> WriteDeadline<S> {
    pub fn new(inner: S, limit: Duration) -> Self {
        Self { inner, limit, stalled: None }
    }

    /// Pending `poll`: starts (or goes on with) the stall clock; `TimedOut` once it has run out.
    fn stalled<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.stalled = None;
            return poll;
        }
        let limit = self.limit;
        let sleep = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client takes no bytes"))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteDeadline<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteDeadline<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.stalled(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.stalled(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.stalled(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// A peer that never reads: the write fails with TimedOut once the buffer is full and the
    /// limit has passed; a peer that reads is never cut off.
    #[tokio::test]
    async fn a_write_the_peer_never_takes_times_out() {
        let (ours, _theirs) = tokio::io::duplex(64);
        let mut stream = WriteDeadline::new(ours, Duration::from_millis(100));
        let outcome = tokio::time::timeout(Duration::from_secs(20), stream.write_all(&[7u8; 4096])).await;
        let err = outcome.expect("the write ends").expect_err("the write fails");
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);

        let (ours, mut theirs) = tokio::io::duplex(64);
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            tokio::io::AsyncReadExt::read_to_end(&mut theirs, &mut got).await.map(|_| got.len())
        });
        let mut stream = WriteDeadline::new(ours, Duration::from_secs(20));
        stream.write_all(&[7u8; 4096]).await.expect("written");
        stream.shutdown().await.expect("shut down");
        drop(stream);
        assert_eq!(reader.await.expect("reader").expect("read"), 4096);
    }
}
