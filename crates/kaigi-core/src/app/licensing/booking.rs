//! What the booking page asks the core besides scheduling: who can fix a refusal. Scheduling itself
//! is [`Kaigi::create_meeting`], with the same licence decision as every API.

use crate::error::Result;
use crate::model::{ActiveState, Site, User, UserQuery};
use crate::rules::limits::ADMIN_SCAN_LIMIT;
use crate::Kaigi;

impl Kaigi {
    /// The active site administrators, by webExId: the people who can assign a licence or change
    /// the plan when the site refuses to let someone host.
    pub async fn site_admins(&self, site: &Site) -> Result<Vec<User>> {
        let mut admins = Vec::new();
        let mut offset = 0;
        while offset < ADMIN_SCAN_LIMIT {
            let query = UserQuery { active: Some(ActiveState::Activated), offset, limit: 500, ..UserQuery::default() };
            let page = self.store.list_users(site.id, &query).await?;
            let n = u32::try_from(page.items.len()).unwrap_or(u32::MAX);
            admins.extend(page.items.into_iter().filter(|u| u.privileges.site_admin));
            if n < 500 {
                break;
            }
            offset += n;
        }
        admins.sort_by_key(|u| u.webex_id.to_lowercase());
        Ok(admins)
    }
}
