//! Meetings in progress and after: join, start, end, rooms, the chat, recordings, history.

mod chats;
mod end_by_host;
mod history;
mod lifecycle;
mod lookup;
mod participants;
mod recording_admin;
mod recordings;
mod room;
mod room_controls;
