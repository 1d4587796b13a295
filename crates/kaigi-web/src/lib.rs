//! kaigi-web: every HTML page of kaigi and its handlers, drawn with the maud template engine,
//! which escapes every value spliced into the markup (text and attribute values alike); no page
//! builds markup with `format!`, and nothing here escapes by hand.
//!
//! The pages: the booking page (`/book`), the meeting's pages behind the links the APIs hand out
//! (join, host, invitation, room), the OAuth consent page (`/v1/authorize`), the site
//! administrator's console (`/admin`), the integrations page, the licence report, and the e-mail confirmation link.
//!
//! One of each, shared by every page (docs/web-pages.md):
//! - [`layout`]: the page shell and the one function that sets the security headers;
//! - [`cookie`]: the one cookie helper (writing and reading);
//! - [`form_check`]: the one check that a form was posted from kaigi's own page;
//! - [`error`]: the one mapping of core errors to a page's status and message.
//!
//! kaigi-server merges [`routes`] into its router; this crate does not depend on it.

pub mod admin;
pub mod authorization;
pub mod book;
pub mod consent;
pub mod cookie;
pub mod email_link;
pub mod error;
pub mod form_check;
pub mod ical;
pub mod integrations;
pub mod layout;
pub mod license_report;
pub mod live;
pub mod meeting;
pub mod recording_file;
pub mod url;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use kaigi_core::Kaigi;

pub use layout::MAX_FORM_BYTES;
pub use url::encode_query as url_encode;

/// What the pages need: the core. Cloned per request.
#[derive(Clone)]
pub struct Web {
    pub kaigi: Arc<Kaigi>,
    /// The meetings' live media, when kaigi runs a media server.
    pub live: Option<Arc<live::LiveRooms>>,
}

impl Web {
    pub fn new(kaigi: Arc<Kaigi>) -> Self {
        Self { kaigi, live: None }
    }

    /// Whether kaigi is reached over https (its public URL says so): its cookies are then `Secure`.
    pub fn https(&self) -> bool {
        self.kaigi.config().public_url.starts_with("https://")
    }
}

/// Every page's route, ready to merge into the server's router (for any router state: the
/// pages carry their own).
pub fn routes<S>(kaigi: Arc<Kaigi>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    routes_with_live(kaigi, None)
}

/// [`routes`], with the meetings' live media behind the room pages.
pub fn routes_with_live<S>(kaigi: Arc<Kaigi>, live: Option<Arc<live::LiveRooms>>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let limit = || DefaultBodyLimit::max(MAX_FORM_BYTES);
    Router::new()
        .route("/_kaigi/confirm-email", get(email_link::confirm_email))
        .route("/_kaigi/sites/{site}/license-report", get(license_report::report))
        .route("/_kaigi/sites/{site}/license-report.html", get(license_report::report_page))
        .route("/{site}/j.php", get(meeting::meeting_link))
        .route("/{site}/lsr.php", get(recording_file::download))
        .merge(meeting::routes().layer(limit()))
        .merge(integrations::routes().layer(limit()))
        .merge(admin::routes().layer(limit()))
        .merge(consent::routes(kaigi.clone()).layer(limit()))
        .merge(book::routes().layer(limit()))
        .with_state(Web { kaigi, live })
}
