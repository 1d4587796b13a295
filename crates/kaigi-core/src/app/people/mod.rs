//! Users of a site: provisioning, profiles, personal rooms, meeting preferences, the directory and site administration.

mod admin;
mod directory;
mod preferences;
mod provisioning;
mod site_config;
mod users;
