//! Recordings as the REST API keeps them: the same recordings the lifecycle makes and the XML
//! API's LstRecording lists, with a recycle bin (moved in, restored, purged), sharing with people,
//! the administrator's view, and the recording report (access summaries and meeting archives).
//!
//! A host reads their own recordings and those shared with them, and changes only their own. An
//! administrator who reads the site reads anyone's ([`RecordingAudience::Host`] or `Site`); a site
//! administrator changes anyone's. Purged recordings (deleted for good, through either API) are
//! found by nobody.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::error::{Entity, Error, Field, Result, StoreError};
use crate::model::{
    Caller, MeetingArchive, RecordingAudience, RecordingEntry, RecordingFilter, RecordingLookup, RecordingMove,
    RecordingStatus, RecordingView, UsageItem, UsageRecord, User, UserId,
};
use crate::Kaigi;

/// Whether `which` names the recording of `e`.
fn names(which: &RecordingLookup, e: &RecordingEntry) -> bool {
    let r = &e.recording;
    match which {
        RecordingLookup::Id(id) => r.recording_uuid.eq_ignore_ascii_case(id.trim()),
        RecordingLookup::Link(link) => {
            let link = link.trim();
            !link.is_empty() && (r.stream_url == link || r.file_url == link)
        }
    }
}

fn valid_email(e: &str) -> bool {
    let e = e.trim();
    e.len() <= 254 && e.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.'))
}

impl Kaigi {
    /// The caller, when they may read (or, `write`, change) the recordings of `audience`.
    fn recording_reader<'a>(caller: &'a Caller, audience: &RecordingAudience, write: bool) -> Result<&'a User> {
        let me = caller.require_user()?;
        let allowed = match audience {
            RecordingAudience::Own => true,
            RecordingAudience::Host(_) | RecordingAudience::Site if write => me.privileges.site_admin,
            RecordingAudience::Host(_) | RecordingAudience::Site => me.privileges.reads_site(),
        };
        if !allowed {
            return Err(Error::AccessDenied);
        }
        Ok(me)
    }

    /// Every recording of `audience` the caller may read (`write`: change), purged ones left out,
    /// with hosts and sessions; newest first.
    async fn audience_recordings(
        &self,
        caller: &Caller,
        audience: &RecordingAudience,
        write: bool,
    ) -> Result<Vec<RecordingView>> {
        let me = Self::recording_reader(caller, audience, write)?;
        let site = caller.site.id;
        let usages: Vec<UsageRecord> = self.store.usage_history(site).await?;
        let mut hosts: HashMap<UserId, User> = HashMap::new();
        let mut out = Vec::new();
        for entry in self.store.recording_entries(site).await? {
            if entry.status() == RecordingStatus::Purged {
                continue;
            }
            let r = &entry.recording;
            let (visible, shared_to_me) = match audience {
                RecordingAudience::Own if r.host_id == me.id => (true, false),
                RecordingAudience::Own => {
                    let shared = !write && entry.shared_with.iter().any(|e| e.eq_ignore_ascii_case(&me.email));
                    (shared, shared)
                }
                RecordingAudience::Host(h) => (r.host_id == h.id, false),
                RecordingAudience::Site => (true, false),
            };
            if !visible {
                continue;
            }
            let host = match hosts.get(&r.host_id) {
                Some(h) => h.clone(),
                None => {
                    let Some(h) = self.store.user_by_id(site, r.host_id).await? else { continue };
                    hosts.insert(h.id, h.clone());
                    h
                }
            };
            let usage = usages.iter().find(|u| u.meeting_id == r.meeting_id && u.end == r.created_at).cloned();
            out.push(RecordingView { entry, host, usage, shared_to_me });
        }
        Ok(out)
    }

    /// `GET /recordings`, `GET /admin/recordings`, `GET /group/recordings` and the access summary:
    /// the recordings of `audience` that pass `f`, newest first.
    pub async fn rest_recordings(
        &self,
        caller: &Caller,
        audience: &RecordingAudience,
        f: &RecordingFilter,
    ) -> Result<Vec<RecordingView>> {
        let topic = f.topic.as_ref().map(|t| t.trim().to_lowercase());
        Ok(self
            .audience_recordings(caller, audience, false)
            .await?
            .into_iter()
            .filter(|v| {
                let r = &v.entry.recording;
                let instance = v.usage.as_ref().and_then(|u| u64::try_from(u.id).ok());
                let when = match &f.series {
                    Some(s) => r.meeting_uuid.eq_ignore_ascii_case(s) && f.instance.is_none_or(|n| instance == Some(n)),
                    None => r.created_at >= f.from && r.created_at < f.to,
                };
                when && v.entry.status() == f.status
                    && topic.as_ref().is_none_or(|t| r.name.to_lowercase() == *t)
                    && (f.kinds.is_empty() || f.kinds.contains(&r.kind))
                    && f.format.as_ref().is_none_or(|x| r.format.eq_ignore_ascii_case(x))
                    && f.integration_tag.is_none()
            })
            .collect())
    }

    /// `GET /recordings/{id}` (and the group and access-detail reads): one recording of
    /// `audience`, available or in the recycle bin.
    pub async fn rest_recording(
        &self,
        caller: &Caller,
        audience: &RecordingAudience,
        which: &RecordingLookup,
    ) -> Result<RecordingView> {
        self.audience_recordings(caller, audience, false)
            .await?
            .into_iter()
            .find(|v| names(which, &v.entry))
            .ok_or(Error::NotFound(Entity::Recording))
    }

    /// The ids of the recordings `which` names among those the caller may change, all or an error
    /// naming none found.
    async fn changeable(
        &self,
        caller: &Caller,
        audience: &RecordingAudience,
        which: &[RecordingLookup],
    ) -> Result<Vec<i64>> {
        let mine = self.audience_recordings(caller, audience, true).await?;
        which
            .iter()
            .map(|w| {
                mine.iter()
                    .find(|v| names(w, &v.entry))
                    .map(|v| v.entry.recording.id)
                    .ok_or(Error::NotFound(Entity::Recording))
            })
            .collect()
    }

    /// Deletes (for good), moves into the recycle bin, restores or purges recordings, all or none.
    /// A recording not where the move starts (one already in the recycle bin moved in again, or an
    /// available one restored) is not found for that move.
    pub async fn move_recordings(
        &self,
        caller: &Caller,
        audience: &RecordingAudience,
        which: &[RecordingLookup],
        movement: RecordingMove,
    ) -> Result<()> {
        let mut ids = self.changeable(caller, audience, which).await?;
        ids.sort_unstable();
        ids.dedup();
        let now = self.now();
        let changes = self.recordings_gone(caller, audience, &ids, movement, now).await?;
        let files = self.files_of(caller, audience, &ids, movement).await?;
        match self.store.move_recordings(caller.site.id, &ids, movement, now, &changes).await {
            Err(StoreError::Missing) => Err(Error::NotFound(Entity::Recording)),
            other => {
                other?;
                self.changes_recorded();
                self.forget_files(&files);
                Ok(())
            }
        }
    }

    /// Restores or purges everything of `audience` in the recycle bin.
    pub async fn empty_recycle_bin(
        &self,
        caller: &Caller,
        audience: &RecordingAudience,
        movement: RecordingMove,
    ) -> Result<()> {
        let ids: Vec<i64> = self
            .audience_recordings(caller, audience, true)
            .await?
            .into_iter()
            .filter(|v| v.entry.status() == RecordingStatus::Deleted)
            .map(|v| v.entry.recording.id)
            .collect();
        let now = self.now();
        let changes = self.recordings_gone(caller, audience, &ids, movement, now).await?;
        let files = self.files_of(caller, audience, &ids, movement).await?;
        match self.store.move_recordings(caller.site.id, &ids, movement, now, &changes).await {
            Err(StoreError::Missing) => Err(Error::Store(StoreError::Stale)),
            other => {
                other?;
                self.changes_recorded();
                self.forget_files(&files);
                Ok(())
            }
        }
    }

    /// The files (recording ids) a move deletes for good: a purge or a delete's.
    async fn files_of(
        &self,
        caller: &Caller,
        audience: &RecordingAudience,
        ids: &[i64],
        movement: RecordingMove,
    ) -> Result<Vec<String>> {
        if !matches!(movement, RecordingMove::Purge | RecordingMove::Delete) {
            return Ok(Vec::new());
        }
        Ok(self
            .audience_recordings(caller, audience, true)
            .await?
            .into_iter()
            .filter(|v| ids.contains(&v.entry.recording.id))
            .map(|v| v.entry.recording.recording_uuid)
            .collect())
    }

    /// A recording deleted for good takes its media file with it.
    pub(super) fn forget_files(&self, files: &[String]) {
        for name in files {
            self.live().forget_recording(name);
        }
    }

    /// The `recordings deleted` changes of a move: one for each recording it takes out of the
    /// available ones (into the recycle bin, or deleted for good); none for a restore, nor for a
    /// purge of what the recycle bin already held.
    async fn recordings_gone(
        &self,
        caller: &Caller,
        audience: &RecordingAudience,
        ids: &[i64],
        movement: RecordingMove,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<crate::model::ChangeEvent>> {
        if !matches!(movement, RecordingMove::Recycle | RecordingMove::Delete) {
            return Ok(Vec::new());
        }
        let actor = caller.user().map(|u| u.id);
        let mut changes = Vec::new();
        for v in self.audience_recordings(caller, audience, true).await? {
            if ids.contains(&v.entry.recording.id) && v.entry.status() != RecordingStatus::Deleted {
                let r = &v.entry.recording;
                changes.push(self.recording_change(r, crate::model::WebhookEvent::Deleted, actor, at).await?);
            }
        }
        Ok(changes)
    }

    /// Shares an available recording with `add` and stops sharing it with `remove` (addresses).
    pub async fn share_recording(
        &self,
        caller: &Caller,
        audience: &RecordingAudience,
        which: &RecordingLookup,
        add: &[String],
        remove: &[String],
    ) -> Result<()> {
        let clean = |list: &[String]| -> Result<Vec<String>> {
            list.iter()
                .map(|e| {
                    if valid_email(e) {
                        Ok(e.trim().to_lowercase())
                    } else {
                        let shown: String = e.chars().take(64).collect();
                        Err(Error::invalid(Field::Email, format!("{shown} is not an email address")))
                    }
                })
                .collect()
        };
        let (add, remove) = (clean(add)?, clean(remove)?);
        let view = self
            .audience_recordings(caller, audience, true)
            .await?
            .into_iter()
            .find(|v| names(which, &v.entry) && v.entry.status() == RecordingStatus::Available)
            .ok_or(Error::NotFound(Entity::Recording))?;
        match self.store.share_recording(caller.site.id, view.entry.recording.id, &add, &remove).await {
            Err(StoreError::Missing) => Err(Error::NotFound(Entity::Recording)),
            other => Ok(other?),
        }
    }

    /// The recording report's meeting archives: the site's ended sessions in `[from, to)`, newest
    /// first. Administrators only (not even the host, as the vendor says).
    pub async fn meeting_archives(
        &self,
        caller: &Caller,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<UsageItem>> {
        let me = caller.require_user()?;
        if !me.privileges.reads_site() {
            return Err(Error::AccessDenied);
        }
        let site = caller.site.id;
        let mut out = Vec::new();
        for usage in self.store.usage_history(site).await?.into_iter().rev() {
            if usage.start < from || usage.start >= to {
                continue;
            }
            let Some(host) = self.store.user_by_id(site, usage.host_id).await? else { continue };
            out.push(UsageItem { usage, host });
        }
        Ok(out)
    }

    /// One meeting archive: the ended session `usage_id` of the series `series`, with its people.
    pub async fn meeting_archive(&self, caller: &Caller, series: &str, usage_id: i64) -> Result<MeetingArchive> {
        let me = caller.require_user()?;
        if !me.privileges.reads_site() {
            return Err(Error::AccessDenied);
        }
        let site = caller.site.id;
        let usage = self
            .store
            .usage_history(site)
            .await?
            .into_iter()
            .find(|u| u.id == usage_id && u.uuid.eq_ignore_ascii_case(series))
            .ok_or(Error::NotFound(Entity::Meeting))?;
        let host = self.store.user_by_id(site, usage.host_id).await?.ok_or(Error::NotFound(Entity::User))?;
        let attendees =
            self.store.attendee_history(site).await?.into_iter().filter(|a| a.usage_id == usage.id).collect();
        Ok(MeetingArchive { usage, host, attendees })
    }
}

impl Kaigi {
    /// The recording whose file a bearer of `token` downloads (`lsr.php?RCID=<id>`): one they
    /// may read over REST (their own, shared with them, or any of their site's for an
    /// administrator), with a token that may read recordings.
    pub async fn recording_for_download(&self, token: &str, id: &str) -> Result<RecordingView> {
        let who = self.authenticate_bearer(token).await?;
        crate::rules::scopes::require(&who, crate::rules::scopes::Operation::ReadRecordings)?;
        let which = RecordingLookup::Id(id.to_string());
        match self.rest_recording(&who.caller, &RecordingAudience::Own, &which).await {
            // Not theirs: an administrator who reads the site's recordings gets it too.
            Err(Error::NotFound(_)) if who.caller.user().is_some_and(|u| u.privileges.reads_site()) => {
                self.rest_recording(&who.caller, &RecordingAudience::Site, &which).await
            }
            other => other,
        }
    }
}
