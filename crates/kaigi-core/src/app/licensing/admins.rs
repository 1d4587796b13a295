//! Who can fix a licence refusal: the site's active administrators, named by the booking page.

use crate::error::Result;
use crate::model::{ActiveState, Site, User, UserOrderBy, UserQuery};
use crate::rules::limits::ADMIN_LIST_LIMIT;
use crate::Kaigi;

impl Kaigi {
    /// The active site administrators, by webExId: the people who can assign a licence or change
    /// the plan when the site refuses to let someone host.
    pub async fn site_admins(&self, site: &Site) -> Result<Vec<User>> {
        let query = UserQuery {
            active: Some(ActiveState::Activated),
            site_admins_only: true,
            order: vec![(UserOrderBy::WebExId, false)],
            limit: ADMIN_LIST_LIMIT,
            ..UserQuery::default()
        };
        Ok(self.store.list_users(site.id, &query).await?.items)
    }
}
