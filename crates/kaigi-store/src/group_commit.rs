//! Group commit of meeting inserts on SQLite.
//!
//! SQLite runs one write transaction at a time, and each has fixed costs (BEGIN, COMMIT, writing
//! the changed pages to the WAL, with `synchronous=full` an fsync) that the inserts in it share.
//! So concurrent callers' inserts go through a queue to one writer task, which takes whatever is
//! queued when it gets its turn (at most [`MAX_BATCH`]; it never waits for company, so a lone
//! insert goes alone) and runs them in one transaction with a few statements for the whole
//! batch (`NewMeeting::insert_many`): a meeting whose key is taken fails alone while the others
//! go on. When a batched statement fails for another reason (an unknown host, say), the batch
//! is undone and its inserts run again one by one, each in its own savepoint, so that only the
//! faulty one fails. Callers
//! are answered only once the COMMIT succeeded; when it fails, every insert of the batch fails. A
//! caller that stops waiting does not take its insert back. The batch holds the store's write
//! lock like any other write (see `tx`), so no other write runs inside its transaction.
//!
//! PostgreSQL does not need this: its transactions commit concurrently.

use std::sync::Arc;

use kaigi_core::error::StoreError;
use kaigi_core::model::MeetingId;
use sqlx::{AnyConnection, AnyPool, Executor};
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::errors::db;
use crate::meetings::NewMeeting;

/// The most inserts one transaction takes.
const MAX_BATCH: usize = 64;
/// The most inserts waiting for the writer; further callers wait for room.
const QUEUE_CAPACITY: usize = 1024;

type Outcome = Result<MeetingId, StoreError>;
type Pending = (NewMeeting, oneshot::Sender<Outcome>);

/// The queue to the writer task, which ends when the last clone is dropped.
#[derive(Clone)]
pub(crate) struct GroupCommit {
    queue: mpsc::Sender<Pending>,
}

impl GroupCommit {
    /// Inserts waiting for the writer task.
    pub(crate) fn queued(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }
}

impl GroupCommit {
    /// Spawns the writer task, which writes through `pool` holding `write_lock` per batch.
    pub(crate) fn spawn(pool: AnyPool, write_lock: Arc<Mutex<()>>) -> Self {
        let (queue, pending) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(writer(pending, pool, write_lock));
        GroupCommit { queue }
    }

    pub(crate) async fn insert(&self, meeting: NewMeeting) -> Outcome {
        let stopped = || StoreError::Backend("the SQLite writer task has stopped".into());
        let (reply, outcome) = oneshot::channel();
        self.queue.send((meeting, reply)).await.map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

async fn writer(mut pending: mpsc::Receiver<Pending>, pool: AnyPool, write_lock: Arc<Mutex<()>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while pending.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let turn = write_lock.lock().await;
        // Inserts queued while another write held the lock join this batch.
        while batch.len() < MAX_BATCH {
            let Ok(more) = pending.try_recv() else { break };
            batch.push(more);
        }
        let (meetings, replies): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        let outcomes = commit(&pool, meetings).await;
        drop(turn);
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            // A caller that stopped waiting does not want its answer.
            let _ = reply.send(outcome);
        }
        // Lets the callers just answered queue their next inserts before the next batch is taken
        // (no timer: only tasks already runnable). Without it, under steady load, batches
        // alternate between the one insert queued during the commit and all the others.
        tokio::task::yield_now().await;
    }
}

/// Inserts `meetings` in one transaction; the outcome of each, in order.
async fn commit(pool: &AnyPool, meetings: Vec<NewMeeting>) -> Vec<Outcome> {
    let count = meetings.len();
    let mut outcomes = Vec::with_capacity(count);
    let committed = async {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        if count == 1 {
            // Alone, an insert needs no savepoint: if it fails, the transaction is rolled back.
            for meeting in meetings {
                outcomes.push(meeting.insert(&mut tx).await);
            }
        } else if let Some(batched) = NewMeeting::insert_many(&mut tx, &meetings).await? {
            outcomes = batched;
        } else {
            for meeting in meetings {
                outcomes.push(in_savepoint(&mut tx, meeting).await?);
            }
        }
        if outcomes.iter().any(Result::is_ok) {
            tx.commit().await.map_err(db)
        } else {
            tx.rollback().await.map_err(db)
        }
    }
    .await;
    // On failure the transaction was dropped, which rolls it back.
    if let Err(e) = committed {
        let why = match e {
            StoreError::Backend(why) => why,
            e => e.to_string(),
        };
        let failed = || Err(StoreError::Backend(why.clone()));
        outcomes.resize_with(count, failed);
        outcomes.iter_mut().filter(|o| o.is_ok()).for_each(|o| *o = failed());
    }
    outcomes
}

/// One insert inside a savepoint, undone alone if it fails. The outer error fails the whole
/// batch: the savepoint could not be taken or undone (SQLite may have rolled the transaction
/// back itself, after which later statements would run outside it).
async fn in_savepoint(conn: &mut AnyConnection, meeting: NewMeeting) -> Result<Outcome, StoreError> {
    conn.execute("SAVEPOINT meeting").await.map_err(db)?;
    let outcome = meeting.insert(conn).await;
    if outcome.is_err() {
        conn.execute("ROLLBACK TO meeting").await.map_err(db)?;
    }
    conn.execute("RELEASE meeting").await.map_err(db)?;
    Ok(outcome)
}
