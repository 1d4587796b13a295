//! The attendee part of the storage port, and the attendee model: people invited to, or
//! registered for, one meeting (the XML API's attendee service).

use async_trait::async_trait;

use crate::error::StoreError;
use crate::model::{Attendee, AttendeeId, AttendeeRole, AttendeeStatus, JoinStatus, Mail, MeetingId, SiteId};

#[async_trait]
pub trait AttendeeStore: Send + Sync + 'static {
    /// Inserts the attendees (ids ignored) and queues the mails, in one transaction; returns the
    /// new ids in order.
    async fn insert_attendees(&self, attendees: &[Attendee], mails: &[Mail]) -> Result<Vec<AttendeeId>, StoreError>;
    /// The attendees of one meeting, by id.
    async fn attendees_of(&self, site: SiteId, meeting: MeetingId) -> Result<Vec<Attendee>, StoreError>;
    /// The key of meeting `meeting` of the site (deleted or not).
    async fn meeting_key_of(&self, site: SiteId, meeting: MeetingId) -> Result<Option<u64>, StoreError>;
    /// The key of the live meeting of the site with this confID.
    async fn meeting_key_by_conf_id(&self, site: SiteId, conf_id: u64) -> Result<Option<u64>, StoreError>;
    async fn attendee_by_id(&self, site: SiteId, id: AttendeeId) -> Result<Option<Attendee>, StoreError>;
    /// Removes the attendees and queues the mails, in one transaction. Missing when any id is
    /// unknown (and then nothing is removed).
    async fn delete_attendees(&self, site: SiteId, ids: &[AttendeeId], mails: &[Mail]) -> Result<(), StoreError>;
    /// Sets status and joinStatus and queues the mails, in one transaction. Missing when there is
    /// no such attendee.
    async fn set_attendee_status(
        &self,
        site: SiteId,
        id: AttendeeId,
        status: AttendeeStatus,
        join: JoinStatus,
        mails: &[Mail],
    ) -> Result<(), StoreError>;
    /// Sets an attendee's display name and role. Missing when there is no such attendee.
    async fn set_attendee_details(
        &self,
        site: SiteId,
        id: AttendeeId,
        name: &str,
        role: AttendeeRole,
    ) -> Result<(), StoreError>;
}
