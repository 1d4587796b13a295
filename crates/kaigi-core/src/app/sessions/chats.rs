//! The in-meeting chat, kept with the meeting: a participant of the running session says a line
//! to everyone in the room; the room shows the running session's lines to whoever enters; ending
//! the session ties them to the ended instance (in the store's `end_session` transaction), whose
//! post-meeting chats the REST API then lists and deletes.
//!
//! Who says a line is a live participant of the running session, proven as for every action in
//! the room ([`Actor`]); who waits in the lobby of a locked meeting says nothing until admitted.
//! Reading an instance's chats needs the meeting's host or an alternate host, or an administrator
//! who reads the site with the admin scope (as for its participants); deleting them, the host or
//! an alternate host. Only ended instances have post-meeting chats: a series, a scheduled meeting
//! or a running session is not one (the REST face refuses those ids before asking).

use crate::error::{Entity, Error, Field, Result, SessionError, StoreError};
use crate::model::{Actor, ChatLine, Meeting, Page, TokenCaller, UsageRecord};
use crate::rules::limits::{MAX_CHAT_CHARS, MAX_CHAT_LINES_PER_SESSION, ROOM_CHAT_SHOWN};
use crate::rules::scopes::Operation;
use crate::Kaigi;

impl Kaigi {
    /// A participant of meeting `key`'s running session says `text` to everyone in the room.
    /// Returns the line as kept.
    pub async fn say_in_room(&self, key: u64, actor: &Actor, text: &str) -> Result<ChatLine> {
        let m = self.meeting_by_key_anywhere(key).await?;
        let p = self.live_participant(&m, actor).await?;
        if p.in_lobby {
            return Err(Error::Session(SessionError::InLobby));
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::invalid(Field::ChatText, "a chat line needs some text"));
        }
        if text.chars().count() > MAX_CHAT_CHARS {
            return Err(Error::invalid(Field::ChatText, format!("a chat line is at most {MAX_CHAT_CHARS} characters")));
        }
        let line = ChatLine {
            id: 0,
            uuid: self.keys.uuid(),
            site_id: m.site_id,
            meeting_id: m.id,
            usage_id: None,
            participant_id: p.id,
            sender_name: p.name.clone(),
            sender_email: p.email.clone(),
            sender_user_id: p.user_id,
            text: text.to_string(),
            at: self.now(),
        };
        match self.store.add_chat_line(&line, MAX_CHAT_LINES_PER_SESSION).await {
            Ok(Some(id)) => Ok(ChatLine { id, ..line }),
            Ok(None) => Err(Error::Session(SessionError::ChatFull)),
            Err(StoreError::Missing) => Err(Error::Session(SessionError::NotInSession)),
            Err(e) => Err(e.into()),
        }
    }

    /// The chat of meeting `key`'s running session as the room shows it to who enters: its newest
    /// lines, oldest first (none when it does not run).
    pub async fn room_chat(&self, key: u64) -> Result<Vec<ChatLine>> {
        let m = self.meeting_by_key_anywhere(key).await?;
        Ok(self.store.running_chat(m.site_id, m.id, ROOM_CHAT_SHOWN).await?)
    }

    /// The meeting of series `series` and its ended instance `instance`, if the caller may do `op`.
    async fn chat_instance(
        &self,
        who: &TokenCaller,
        series: &str,
        instance: u64,
        op: Operation,
    ) -> Result<(Meeting, UsageRecord)> {
        let (m, _host) = self.participants_meeting(who, series, None, op).await?;
        let usage = self
            .usages_of(&m)
            .await?
            .into_iter()
            .find(|u| u64::try_from(u.id).is_ok_and(|id| id == instance))
            .ok_or(Error::NotFound(Entity::Meeting))?;
        Ok((m, usage))
    }

    /// `GET /meetings/postMeetingChats`: the chat of the ended instance `instance` of series
    /// `series`, oldest first, `offset` skipped, at most `max`, with how many there are.
    pub async fn post_meeting_chats(
        &self,
        who: &TokenCaller,
        series: &str,
        instance: u64,
        offset: u32,
        max: u32,
    ) -> Result<Page<ChatLine>> {
        let (m, usage) = self.chat_instance(who, series, instance, Operation::ReadTranscripts).await?;
        Ok(self.store.instance_chats(m.site_id, m.id, usage.id, offset, max).await?)
    }

    /// `DELETE /meetings/postMeetingChats`: forgets the chat of the ended instance `instance` of
    /// series `series`. Returns how many lines were deleted (none the second time).
    pub async fn delete_post_meeting_chats(&self, who: &TokenCaller, series: &str, instance: u64) -> Result<u64> {
        let (m, usage) = self.chat_instance(who, series, instance, Operation::WriteTranscripts).await?;
        let deleted = self.store.delete_instance_chats(m.site_id, m.id, usage.id).await?;
        tracing::info!(meeting_key = m.meeting_key, usage_id = usage.id, deleted, "post-meeting chats deleted");
        Ok(deleted)
    }
}
