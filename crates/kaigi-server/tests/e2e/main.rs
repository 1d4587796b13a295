//! End-to-end tests: a real kaigi on 127.0.0.1:0 with its own SQLite file, spoken to over HTTP
//! with request shapes modelled on public XML API clients (written by us, not copied).

#![allow(clippy::unwrap_used)]

mod smtp_sink;
mod support;
mod test_controls;

mod admin_console;
mod book;
mod demo;
mod license_report;
mod lifecycle;
mod mail;
mod metrics;
mod rest_auth;
mod rest_chats;
mod rest_examples;
mod rest_fidelity;
mod rest_invitees;
mod rest_meeting_extras;
mod rest_meeting_setup;
mod rest_meetings;
mod rest_oauth;
mod rest_occurrences;
mod rest_participants;
mod rest_people;
mod rest_people_write;
mod rest_preferences;
mod rest_recordings;
mod rest_site_config;
mod rest_support;
mod rest_webhooks;
mod role_matrix;
mod security;
mod web_pages;
mod xml_attendee;
mod xml_center_history;
mod xml_envelope;
mod xml_event;
mod xml_history;
mod xml_list_paging;
mod xml_meeting;
mod xml_recording;
mod xml_round_trip;
mod xml_session;
mod xml_site;
mod xml_training;
mod xml_user;
