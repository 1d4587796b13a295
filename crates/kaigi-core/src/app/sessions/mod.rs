//! Meetings in progress and after: join, start, end, rooms, recordings, history.

mod end_by_host;
mod history;
mod lifecycle;
mod lookup;
mod participants;
mod recording_admin;
mod recordings;
mod room;
mod room_controls;
