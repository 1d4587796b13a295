//! A read abandoned half-way (its HTTP client went away, so axum dropped the handler's future)
//! must not spoil the connection it was using for the reads after it.
//!
//! sqlx 0.8's SQLite `begin_with` acknowledges BEGIN before it checks the connection, and a future
//! dropped in between leaves the connection inside a transaction nobody owns: every later
//! snapshot read on it failed with "attempted to call begin_with at non-zero transaction depth"
//! (the 423 answers of issue #16's spread benchmark). The store's pools close such a connection
//! when it comes back instead of handing it out again (crates/kaigi-store/src/connect.rs).

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use kaigi_core::model::MeetingQuery;
use kaigi_core::ports::Store;

/// Polls `fut` at most `polls` times, then drops it (as a cancelled request would).
async fn abandon_after<F: Future>(fut: F, polls: usize) {
    let mut fut = pin!(fut);
    for _ in 0..polls {
        let ready = std::future::poll_fn(|cx: &mut Context<'_>| Poll::Ready(fut.as_mut().poll(cx).is_ready())).await;
        if ready {
            return;
        }
        // Let the connection's worker thread get on with what was asked of it.
        std::thread::yield_now();
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_abandoned_half_way_do_not_spoil_later_reads() {
    let dir = std::env::temp_dir().join(format!("kaigi-cancelled-reads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("kaigi.db");
    let _ = std::fs::remove_file(&path);
    let store = kaigi_store::open(&format!("sqlite://{}", path.display())).await.expect("open");
    let query = MeetingQuery { limit: 10, ..MeetingQuery::default() };
    // Many abandoned reads, stopped after different numbers of polls, so that some are dropped
    // in every await of beginning, reading and committing.
    for i in 0..600 {
        abandon_after(store.list_meetings(1, &query), 1 + i % 7).await;
    }
    // Every connection of the pool serves again (the pool holds 4 readers).
    for _ in 0..40 {
        let read = store.list_meetings(1, &query).await;
        assert!(read.is_ok(), "a read after abandoned ones failed: {read:?}");
    }
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_abandoned_half_way_do_not_spoil_later_writes() {
    use kaigi_core::model::{NewSite, SiteSettings};
    let dir = std::env::temp_dir().join(format!("kaigi-cancelled-writes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("kaigi.db");
    let _ = std::fs::remove_file(&path);
    let store = kaigi_store::open(&format!("sqlite://{}", path.display())).await.expect("open");
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time");
    let site = |name: String| NewSite { name, site_number: None, settings: SiteSettings::default() };
    // The one writer connection goes through BEGIN IMMEDIATE each time: abandoned at any await,
    // it must still take the next write.
    for i in 0..300 {
        abandon_after(store.create_site(&site(format!("abandoned{i}")), now), 1 + i % 7).await;
    }
    for i in 0..10 {
        let made = store.create_site(&site(format!("kept{i}")), now).await;
        assert!(made.is_ok(), "a write after abandoned ones failed: {made:?}");
    }
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
