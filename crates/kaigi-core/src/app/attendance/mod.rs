//! Who is invited or registered: attendees, invitees and registrants.

mod attendees;
mod invitees;
mod registration;
