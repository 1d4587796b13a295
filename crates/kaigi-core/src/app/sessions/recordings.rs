//! Recordings of ended sessions: listed, read, edited and deleted. Administrators who read the
//! site see every recording; hosts see the recordings of their own sessions. Editing and deleting
//! need the host or a site administrator.

use crate::error::{Error, Field, Result, StoreError};
use crate::model::WebhookEvent;
use crate::model::{Caller, Page, Recording, RecordingChange, RecordingItem, RecordingQuery};
use crate::Kaigi;

impl Kaigi {
    async fn visible_recordings(&self, caller: &Caller) -> Result<Vec<Recording>> {
        let me = caller.user().ok_or(Error::AccessDenied)?;
        let all = self.store.recordings(caller.site.id).await?;
        Ok(if me.privileges.reads_site() { all } else { all.into_iter().filter(|r| r.host_id == me.id).collect() })
    }

    async fn with_host(&self, caller: &Caller, recording: Recording) -> Result<RecordingItem> {
        let host = self.store.user_by_id(caller.site.id, recording.host_id).await?.ok_or(Error::NoRecords)?;
        Ok(RecordingItem { recording, host })
    }

    /// LstRecording; newest first. Nothing found is NoRecords.
    pub async fn list_recordings(&self, caller: &Caller, q: &RecordingQuery) -> Result<Page<RecordingItem>> {
        let host = match &q.host_webex_id {
            Some(id) => Some(self.store.user_by_webex_id(caller.site.id, id.trim()).await?.ok_or(Error::NoRecords)?.id),
            None => None,
        };
        let name = q.name.as_ref().map(|n| n.trim().to_lowercase());
        let matching: Vec<Recording> = self
            .visible_recordings(caller)
            .await?
            .into_iter()
            .filter(|r| {
                host.is_none_or(|h| r.host_id == h)
                    && q.meeting_key.is_none_or(|k| r.meeting_key == k)
                    && q.meeting_uuid.as_ref().is_none_or(|u| r.meeting_uuid.eq_ignore_ascii_case(u.trim()))
                    && q.created_from.is_none_or(|f| r.created_at >= f)
                    && q.created_to.is_none_or(|t| r.created_at <= t)
                    && name.as_ref().is_none_or(|n| r.name.to_lowercase().contains(n.as_str()))
                    && (q.kinds.is_empty() || q.kinds.contains(&r.kind))
            })
            .collect();
        let total = matching.len() as u64;
        let mut items = Vec::new();
        for r in matching.into_iter().skip(q.offset as usize).take(q.limit as usize) {
            items.push(self.with_host(caller, r).await?);
        }
        if items.is_empty() {
            return Err(Error::NoRecords);
        }
        Ok(Page { items, total })
    }

    /// GetRecordingInfo.
    pub async fn recording_info(&self, caller: &Caller, id: i64) -> Result<RecordingItem> {
        let r = self.visible_recordings(caller).await?.into_iter().find(|r| r.id == id).ok_or(Error::NoRecords)?;
        self.with_host(caller, r).await
    }

    async fn managed_recording(&self, caller: &Caller, id: i64) -> Result<Recording> {
        let me = caller.user().ok_or(Error::AccessDenied)?;
        let r =
            self.store.recordings(caller.site.id).await?.into_iter().find(|r| r.id == id).ok_or(Error::NoRecords)?;
        if r.host_id != me.id && !me.privileges.site_admin {
            return Err(if me.privileges.reads_site() { Error::AccessDenied } else { Error::NoRecords });
        }
        Ok(r)
    }

    /// SetRecordingInfo.
    pub async fn set_recording_info(&self, caller: &Caller, id: i64, change: &RecordingChange) -> Result<Recording> {
        let mut r = self.managed_recording(caller, id).await?;
        if let Some(name) = &change.name {
            let name = name.trim();
            if name.is_empty() {
                return Err(Error::invalid(Field::Topic, "a recording needs a name"));
            }
            r.name = name.to_string();
        }
        if let Some(d) = &change.description {
            r.description = d.clone();
        }
        if let Some(p) = &change.password {
            r.password = Some(p.trim().to_string()).filter(|p| !p.is_empty());
        }
        match self.store.update_recording(&r).await {
            Ok(()) => Ok(r),
            Err(StoreError::Missing) => Err(Error::NoRecords),
            Err(e) => Err(e.into()),
        }
    }

    /// DelRecording.
    pub async fn delete_recording(&self, caller: &Caller, id: i64) -> Result<()> {
        let r = self.managed_recording(caller, id).await?;
        let now = self.now();
        let deleted = self.recording_change(&r, WebhookEvent::Deleted, caller.user().map(|u| u.id), now).await?;
        match self.store.delete_recording(caller.site.id, r.id, now, &[deleted]).await {
            Ok(()) => {
                self.changes_recorded();
                self.forget_files(std::slice::from_ref(&r.recording_uuid));
                Ok(())
            }
            Err(StoreError::Missing) => Err(Error::NoRecords),
            Err(e) => Err(e.into()),
        }
    }
}
