//! The storage port of the in-meeting chat: the lines said in a meeting's running session, tied to
//! the ended instance when the session ends (in `end_session`'s transaction, see
//! [`crate::ports::ActivityStore::end_session`]), read and deleted per instance afterwards.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::model::{ChatLine, MeetingId, Page, SiteId};

#[async_trait]
pub trait ChatStore: Send + Sync {
    /// Adds a line said in the running session of its meeting (its `id` and `usage_id` are
    /// ignored), in one transaction, while its participant is still live in that session:
    /// Missing, with nothing written, when they are not (they left, or the session ended
    /// meanwhile); None, with nothing written, when the running session holds `limit` lines
    /// already. Returns the new line's id.
    async fn add_chat_line(&self, line: &ChatLine, limit: u32) -> Result<Option<i64>, StoreError>;

    /// The newest `limit` lines of the meeting's running session, oldest first.
    async fn running_chat(&self, site: SiteId, meeting: MeetingId, limit: u32) -> Result<Vec<ChatLine>, StoreError>;

    /// The lines of the meeting's ended session `usage` (its usage-history id), oldest first:
    /// `offset` skipped, at most `limit`, with how many there are in all.
    async fn instance_chats(
        &self,
        site: SiteId,
        meeting: MeetingId,
        usage: i64,
        offset: u32,
        limit: u32,
    ) -> Result<Page<ChatLine>, StoreError>;

    /// Deletes the lines of the meeting's ended session `usage`; returns how many.
    async fn delete_instance_chats(&self, site: SiteId, meeting: MeetingId, usage: i64) -> Result<u64, StoreError>;
}
