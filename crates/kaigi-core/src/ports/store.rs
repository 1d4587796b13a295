//! The storage port. kaigi-store implements it for SQLite and PostgreSQL; the core holds the rules
//! and calls it, and never sees SQL.
//!
//! Each method that writes is one transaction: it either does everything it names or nothing.
//! Uniqueness (webExId and email per site, site names, meeting keys) is enforced by the database,
//! so several kaigi instances may share one.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::StoreError;
use crate::model::{
    ApiKey, ChangeEvent, DatedPlan, FailedLogin, LicenseDecision, Mail, Meeting, MeetingId, MeetingQuery, NewSite,
    Page, PreferencesWrite, SeatChange, SeatPeriod, SessionTicket, Site, SiteId, SiteSettings, User, UserId, UserQuery,
};
use crate::ports::{
    ActivityStore, AttendeeStore, AuditStore, ChatStore, IntegrationStore, LicenseLogStore, MailStore, TokenStore,
    UsageStore, WebhookStore,
};

#[async_trait]
pub trait Store:
    ActivityStore
    + AttendeeStore
    + AuditStore
    + ChatStore
    + TokenStore
    + IntegrationStore
    + LicenseLogStore
    + WebhookStore
    + MailStore
    + UsageStore
    + Send
    + Sync
    + 'static
{
    /// Answers once the database is reachable and migrated.
    async fn ping(&self) -> Result<(), StoreError>;

    // ---- sites
    /// Creates a site; its numeric siteID is `site.site_number` or one the store picks.
    async fn create_site(&self, site: &NewSite, now: DateTime<Utc>) -> Result<Site, StoreError>;
    /// Case-insensitive.
    async fn site_by_name(&self, name: &str) -> Result<Option<Site>, StoreError>;
    async fn site_by_number(&self, number: i64) -> Result<Option<Site>, StoreError>;
    async fn site_by_id(&self, id: SiteId) -> Result<Option<Site>, StoreError>;
    async fn list_sites(&self) -> Result<Vec<Site>, StoreError>;
    async fn update_site_settings(&self, id: SiteId, settings: &SiteSettings) -> Result<(), StoreError>;

    // ---- licence plans and seats
    async fn add_license_plan(&self, site: SiteId, plan: &DatedPlan) -> Result<(), StoreError>;
    /// Every plan the site has had, oldest first.
    async fn license_plans(&self, site: SiteId) -> Result<Vec<DatedPlan>, StoreError>;
    /// Seats held now (periods not yet released).
    async fn seats_held(&self, site: SiteId) -> Result<u32, StoreError>;
    /// Every seat period of the site, oldest first.
    async fn seat_history(&self, site: SiteId) -> Result<Vec<SeatPeriod>, StoreError>;

    // ---- users
    /// Inserts `user` (its `id` is ignored) with its seat change and mails, in one transaction.
    /// Conflict(WebExId | Email) on a duplicate; SeatLimit when `seat.limit` would be exceeded.
    async fn insert_user(&self, user: &User, seat: SeatChange, mails: &[Mail]) -> Result<UserId, StoreError>;
    /// Replaces the stored user `user.id` (same site) with `user`, records the seat change and
    /// queues the mails, in one transaction. Missing when there is no such user.
    async fn update_user(&self, user: &User, seat: SeatChange, mails: &[Mail]) -> Result<(), StoreError>;
    /// Writes what meeting preferences own and nothing else of the user, in one transaction: the
    /// sections of the preferences that `change` names (the others stay as stored), the personal
    /// room's host PIN (when the user has a room), the scheduling permission, and `updated_at`.
    /// Returns the user as stored afterwards. Missing when there is no such user.
    async fn update_user_preferences(
        &self,
        site: SiteId,
        id: UserId,
        change: &PreferencesWrite,
    ) -> Result<User, StoreError>;
    async fn user_by_id(&self, site: SiteId, id: UserId) -> Result<Option<User>, StoreError>;
    /// Case-insensitive.
    async fn user_by_webex_id(&self, site: SiteId, webex_id: &str) -> Result<Option<User>, StoreError>;
    /// Case-insensitive.
    async fn user_by_email(&self, site: SiteId, email: &str) -> Result<Option<User>, StoreError>;
    async fn user_by_pending_email_token(&self, token_hash: &str) -> Result<Option<User>, StoreError>;
    async fn list_users(&self, site: SiteId, query: &UserQuery) -> Result<Page<User>, StoreError>;
    /// Saves the sign-in counters alone (cheaper than update_user, and never races a profile edit).
    async fn record_login_state(
        &self,
        user: UserId,
        failed_logins: u32,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError>;

    /// Counts one more bad password for `user` in one atomic update and returns the new state:
    /// the count reaching `threshold` locks the account until `lock_until` and starts the count
    /// again. Parallel failures each count (the count is never read, raised and written back).
    /// Missing when there is no such user.
    async fn record_failed_login(
        &self,
        user: UserId,
        threshold: u32,
        lock_until: DateTime<Utc>,
    ) -> Result<FailedLogin, StoreError>;

    /// The user's credential epoch, read from the database itself (never a cache). None when
    /// there is no such user.
    async fn credential_epoch(&self, user: UserId) -> Result<Option<i64>, StoreError>;
    /// Raises the user's credential epoch in one atomic update: every session ticket and bearer
    /// token issued before stops working. Missing when there is no such user.
    async fn revoke_credentials(&self, user: UserId) -> Result<(), StoreError>;

    // ---- credentials
    async fn insert_session_ticket(&self, ticket: &SessionTicket) -> Result<(), StoreError>;
    async fn session_ticket(&self, token_hash: &str) -> Result<Option<SessionTicket>, StoreError>;
    /// Removes tickets that expired before `before`; returns how many.
    async fn purge_session_tickets(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
    /// Inserts the key (its `id` is ignored) and returns its id.
    async fn insert_api_key(&self, key: &ApiKey) -> Result<i64, StoreError>;
    async fn api_key_by_hash(&self, token_hash: &str) -> Result<Option<ApiKey>, StoreError>;

    // ---- keys
    /// Reserves a meeting key for ever (keys are unique on the whole server and never reused).
    /// Ok(false) when the key was ever reserved before.
    async fn reserve_meeting_key(&self, key: u64, site: SiteId, at: DateTime<Utc>) -> Result<bool, StoreError>;

    // ---- meetings
    /// Inserts the meeting (its `id` is ignored) and reserves its key for ever, in one
    /// transaction. Conflict(MeetingKey) when the key was ever used.
    async fn insert_meeting(&self, meeting: &Meeting) -> Result<MeetingId, StoreError>;
    /// Inserts the meeting as [`insert_meeting`](Store::insert_meeting) does and, in the same
    /// transaction, the licence decisions that allowed it, each tied to the new meeting's id:
    /// a booking and the record of why it was allowed are stored together or not at all; and
    /// the changes for webhooks, their `meeting_id` set to the new meeting's.
    async fn insert_meeting_with_decisions(
        &self,
        meeting: &Meeting,
        decisions: &[LicenseDecision],
        changes: &[ChangeEvent],
    ) -> Result<MeetingId, StoreError>;
    /// Replaces the stored meeting `meeting.id` of the same site. Missing when there is none or it
    /// was deleted.
    async fn update_meeting(&self, meeting: &Meeting) -> Result<(), StoreError>;
    /// Replaces the meeting as [`update_meeting`](Store::update_meeting) does and queues the
    /// mails that announce the change, in one transaction.
    async fn update_meeting_with_mails(&self, meeting: &Meeting, mails: &[Mail]) -> Result<(), StoreError>;
    /// Replaces the meeting as [`update_meeting_with_mails`](Store::update_meeting_with_mails)
    /// does, but only while its stored revision is still `meeting.revision` (the one it was read
    /// at): Stale when another write came first, and then nothing is written. The cached copies
    /// of the site's meetings are forgotten either way, so a re-read sees the other write. The
    /// changes for webhooks are recorded in the same transaction.
    async fn update_meeting_unless_changed(
        &self,
        meeting: &Meeting,
        mails: &[Mail],
        changes: &[ChangeEvent],
    ) -> Result<(), StoreError>;
    /// A meeting that is not deleted.
    async fn meeting_by_key(&self, site: SiteId, key: u64) -> Result<Option<Meeting>, StoreError>;
    /// A meeting that is not deleted; `uuid` matched case-insensitively.
    async fn meeting_by_uuid(&self, site: SiteId, uuid: &str) -> Result<Option<Meeting>, StoreError>;
    /// A meeting whose uuid or host token is `token`, deleted or not (calendar links outlive
    /// the meeting, to carry its cancellation).
    async fn meeting_by_calendar_token(&self, site: SiteId, token: &str) -> Result<Option<Meeting>, StoreError>;
    /// Marks the meeting deleted at `at`, recording the changes for webhooks in the same
    /// transaction. Missing when there is none or it was already deleted.
    async fn delete_meeting(
        &self,
        site: SiteId,
        id: MeetingId,
        at: DateTime<Utc>,
        changes: &[ChangeEvent],
    ) -> Result<(), StoreError>;
    /// Meetings that are not deleted and match the query, by start then id.
    async fn list_meetings(&self, site: SiteId, query: &MeetingQuery) -> Result<Vec<Meeting>, StoreError>;
    /// How many meetings `list_meetings` would find for `query` without its `limit` and `offset`.
    async fn count_meetings(&self, site: SiteId, query: &MeetingQuery) -> Result<u64, StoreError>;

    // ---- mail outbox
    /// The newest mails first; all sites when `site` is None.
    async fn outbox(&self, site: Option<SiteId>, limit: u32) -> Result<Vec<Mail>, StoreError>;
}
