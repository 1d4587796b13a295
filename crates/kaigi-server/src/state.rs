//! What every route of the server is given: the core and the XML API face over it.

use std::sync::Arc;

use kaigi_core::Kaigi;
use kaigi_xmlapi::XmlApi;

#[derive(Clone)]
pub struct AppState {
    pub kaigi: Arc<Kaigi>,
    pub xml: Arc<XmlApi>,
}
