//! The site administrator's console: what its pages do, each through the use case the APIs use
//! (CreateUser, SetUser, DelUser, DeleteMeeting, …), and the audit log of what was done there.
//!
//! Only a full site administrator of the caller's site uses the console ([`Kaigi::console_admin`]);
//! every action that changes something leaves one [`AdminAction`] row, refusals included (so the
//! log shows a licence refused because the seats are full). A failure of the store itself leaves
//! no row: nothing was decided.

use crate::error::{Error, Result, StoreError};
use crate::model::{
    ActiveState, AdminAction, AdminActionKind, Caller, LicenceSummary, Mail, Meeting, MeetingListing, MeetingRef,
    NewUser, Occurrence, Page, User, UserChange, UserFields, UserQuery, Webhook,
};
use crate::rules::limits::{MAX_AUDIT_TEXT, MAX_CONSOLE_PAGE};
use crate::Kaigi;

/// A page of a console list: its rows and whether more follow.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsolePage<T> {
    pub items: Vec<T>,
    pub total: u64,
}

fn bounded(limit: u32) -> u32 {
    limit.clamp(1, MAX_CONSOLE_PAGE)
}

/// An empty page where the use case answers "no records".
fn or_empty<T>(r: Result<Page<T>>) -> Result<ConsolePage<T>> {
    match r {
        Ok(p) => Ok(ConsolePage { items: p.items, total: p.total }),
        Err(Error::NoRecords) => Ok(ConsolePage { items: Vec::new(), total: 0 }),
        Err(e) => Err(e),
    }
}

impl Kaigi {
    /// The console's administrator: a full site administrator of the caller's site (a read-only
    /// or user-management administrator is refused).
    pub fn console_admin<'a>(&self, caller: &'a Caller) -> Result<&'a User> {
        let me = caller.require_user()?;
        if !me.privileges.site_admin || !me.is_active() {
            return Err(Error::AccessDenied);
        }
        Ok(me)
    }

    /// Writes the audit row of an action and hands its result back. A store failure of the action
    /// itself is not recorded.
    async fn audited<T>(
        &self,
        caller: &Caller,
        kind: AdminActionKind,
        target: &str,
        detail: String,
        result: Result<T>,
    ) -> Result<T> {
        let outcome = match &result {
            Ok(_) => "done".to_string(),
            Err(Error::Store(StoreError::Backend(_))) => return result,
            Err(e) => format!("refused: {e}"),
        };
        let action = AdminAction {
            id: 0,
            site_id: caller.site.id,
            at: self.now(),
            actor: caller.user().map(|u| u.webex_id.clone()).unwrap_or_default(),
            kind,
            target: target.chars().take(MAX_AUDIT_TEXT).collect(),
            detail: detail.chars().take(MAX_AUDIT_TEXT).collect(),
            outcome: outcome.chars().take(MAX_AUDIT_TEXT).collect(),
        };
        self.store.record_admin_action(&action).await?;
        result
    }

    /// People of the site, one page; `search` matches a webExId or email exactly, or the start of
    /// a first or last name.
    pub async fn console_people(
        &self,
        caller: &Caller,
        search: Option<&str>,
        offset: u32,
        limit: u32,
    ) -> Result<ConsolePage<User>> {
        self.console_admin(caller)?;
        let search = search.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let query = UserQuery {
            webex_id: search.clone(),
            email: search.clone(),
            first_name: search.clone(),
            last_name: search,
            match_any: true,
            offset,
            limit: bounded(limit),
            ..UserQuery::default()
        };
        or_empty(self.list_users(caller, query).await)
    }

    /// One person of the site.
    pub async fn console_person(&self, caller: &Caller, webex_id: &str) -> Result<User> {
        self.console_admin(caller)?;
        self.get_user(caller, webex_id).await
    }

    /// CreateUser, with the welcome mail.
    pub async fn console_create_user(&self, caller: &Caller, req: &NewUser) -> Result<User> {
        self.console_admin(caller)?;
        let r = self.create_user(caller, req).await;
        self.audited(caller, AdminActionKind::CreateUser, &req.webex_id, String::new(), r).await
    }

    /// DelUser of one person: deactivated, their seat freed.
    pub async fn console_deactivate(&self, caller: &Caller, webex_id: &str) -> Result<User> {
        self.console_admin(caller)?;
        let change = UserChange {
            webex_id: webex_id.to_string(),
            fields: UserFields { active: Some(ActiveState::Deactivated), ..UserFields::default() },
            ..UserChange::default()
        };
        let r = self.set_user(caller, &change).await;
        self.audited(caller, AdminActionKind::DeactivateUser, webex_id, String::new(), r).await
    }

    /// SetUser with a new password (the person's tickets and tokens stop working).
    pub async fn console_reset_password(&self, caller: &Caller, webex_id: &str, password: &str) -> Result<User> {
        self.console_admin(caller)?;
        let change = UserChange {
            webex_id: webex_id.to_string(),
            fields: UserFields { password: Some(password.to_string()), ..UserFields::default() },
            ..UserChange::default()
        };
        let r = self.set_user(caller, &change).await;
        self.audited(caller, AdminActionKind::ResetPassword, webex_id, String::new(), r).await
    }

    /// SetUser with privileges (wire names, as the XML API's `<privilege>` has them).
    pub async fn console_set_privileges(
        &self,
        caller: &Caller,
        webex_id: &str,
        privileges: &[(String, bool)],
    ) -> Result<User> {
        self.console_admin(caller)?;
        let change = UserChange {
            webex_id: webex_id.to_string(),
            fields: UserFields { privileges: privileges.to_vec(), ..UserFields::default() },
            ..UserChange::default()
        };
        let detail = privileges.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join(" ");
        let r = self.set_user(caller, &change).await;
        self.audited(caller, AdminActionKind::SetPrivileges, webex_id, detail, r).await
    }

    /// Assigns (or takes away) a person's host licence; the answer is the licence question's:
    /// the person with their seat, or the refusal (all seats in use) with its reason.
    pub async fn console_set_licence(&self, caller: &Caller, webex_id: &str, assign: bool) -> Result<User> {
        self.console_admin(caller)?;
        let change = UserChange {
            webex_id: webex_id.to_string(),
            fields: UserFields { privileges: vec![("host".into(), assign)], ..UserFields::default() },
            ..UserChange::default()
        };
        let kind = if assign { AdminActionKind::AssignLicence } else { AdminActionKind::UnassignLicence };
        let r = self.set_user(caller, &change).await;
        self.audited(caller, kind, webex_id, String::new(), r).await
    }

    /// The site's licence: plan, units bought and in use.
    pub async fn console_licences(&self, caller: &Caller) -> Result<LicenceSummary> {
        self.console_admin(caller)?;
        self.licence_summary(&caller.site).await
    }

    /// Meetings of the site (each series once), one page; `name` is the start of their names.
    pub async fn console_meetings(
        &self,
        caller: &Caller,
        name: Option<&str>,
        offset: u32,
        limit: u32,
    ) -> Result<ConsolePage<Occurrence>> {
        self.console_admin(caller)?;
        let q = MeetingListing {
            name_prefix: name.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string),
            offset,
            limit: bounded(limit),
            ..MeetingListing::default()
        };
        or_empty(self.list_meetings(caller, &q).await)
    }

    /// One meeting of the site, with its host.
    pub async fn console_meeting(&self, caller: &Caller, meeting_key: u64) -> Result<(Meeting, User)> {
        self.console_admin(caller)?;
        self.get_meeting(caller, &MeetingRef::Key(meeting_key), &[]).await
    }

    /// DelMeeting: the meeting is cancelled (its change recorded for webhooks, its calendar links
    /// announce the cancellation), as the APIs do it.
    pub async fn console_cancel_meeting(&self, caller: &Caller, meeting_key: u64) -> Result<Meeting> {
        self.console_admin(caller)?;
        let r = self.delete_meeting(caller, &MeetingRef::Key(meeting_key), &[]).await;
        self.audited(caller, AdminActionKind::CancelMeeting, &meeting_key.to_string(), String::new(), r).await
    }

    /// The site's webhooks, at most `limit`.
    pub async fn console_webhooks(&self, caller: &Caller, limit: u32) -> Result<Vec<Webhook>> {
        self.console_admin(caller)?;
        let mut all = self.store.webhooks_of_site(caller.site.id).await?;
        all.truncate(bounded(limit) as usize);
        Ok(all)
    }

    /// The site's newest mails of the outbox, at most `limit`.
    pub async fn console_outbox(&self, caller: &Caller, limit: u32) -> Result<Vec<Mail>> {
        self.console_admin(caller)?;
        Ok(self.store.outbox(Some(caller.site.id), bounded(limit)).await?)
    }

    /// The audit log of the site, newest first: rows with ids below `before`, at most `limit`.
    pub async fn console_audit_log(
        &self,
        caller: &Caller,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AdminAction>> {
        self.console_admin(caller)?;
        Ok(self.store.admin_actions(caller.site.id, before, bounded(limit)).await?)
    }
}
