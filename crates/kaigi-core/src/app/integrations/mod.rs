//! OAuth integrations and Service Apps registered on a site.

mod registry;
