//! The changes use cases record for webhooks, built from what the change is about.

use chrono::{DateTime, Duration, Utc};

use crate::error::Result;
use crate::model::{
    ChangeEvent, ChangeFacts, Meeting, Participant, ParticipantFacts, Recording, RecordingFacts, Role, UserId,
    WebhookEvent, WebhookResource,
};
use crate::Kaigi;

/// What a change of `m` carries, its host's address given.
pub(crate) fn facts_of(m: &Meeting, host_email: &str) -> ChangeFacts {
    ChangeFacts {
        meeting_uuid: m.uuid.clone(),
        meeting_key: m.meeting_key,
        kind: m.kind,
        title: m.name.clone(),
        host_id: m.host_id,
        host_email: host_email.to_string(),
        start: m.start,
        end: m.start + Duration::minutes(i64::from(m.duration_minutes)),
        occurrence: None,
        participant: None,
        recording: None,
    }
}

/// A change of resource `resource` about meeting `m`.
pub(crate) fn change(
    m: &Meeting,
    facts: ChangeFacts,
    resource: WebhookResource,
    event: WebhookEvent,
    actor: Option<UserId>,
    at: DateTime<Utc>,
) -> ChangeEvent {
    ChangeEvent {
        id: 0,
        site_id: m.site_id,
        resource,
        event,
        meeting_id: m.id,
        subject_id: 0,
        actor_id: actor,
        at,
        facts,
    }
}

pub(crate) fn participant_facts(p: &Participant) -> ParticipantFacts {
    ParticipantFacts {
        display_name: p.name.clone(),
        email: p.email.clone(),
        host: p.role == Role::Host,
        joined_at: p.joined_at,
        left_at: p.left_at,
    }
}

pub(crate) fn recording_facts(r: &Recording) -> RecordingFacts {
    RecordingFacts {
        recording_uuid: r.recording_uuid.clone(),
        topic: r.name.clone(),
        duration_s: r.duration_s,
        size_kb: r.size_kb,
        format: r.format.clone(),
    }
}

impl Kaigi {
    /// The facts of a change of `m`, its host's address read from the store (empty when the
    /// host is gone).
    pub(crate) async fn change_facts(&self, m: &Meeting) -> Result<ChangeFacts> {
        let host = self.store.user_by_id(m.site_id, m.host_id).await?;
        Ok(facts_of(m, host.as_ref().map_or("", |h| h.email.as_str())))
    }

    /// The change for webhooks of recording `r` (its meeting may be gone: the facts are the
    /// recording's own).
    pub(crate) async fn recording_change(
        &self,
        r: &Recording,
        event: WebhookEvent,
        actor: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<ChangeEvent> {
        let host = self.store.user_by_id(r.site_id, r.host_id).await?;
        let facts = ChangeFacts {
            meeting_uuid: r.meeting_uuid.clone(),
            meeting_key: r.meeting_key,
            kind: r.kind,
            title: r.name.clone(),
            host_id: r.host_id,
            host_email: host.map(|h| h.email).unwrap_or_default(),
            start: r.created_at - Duration::seconds(i64::from(r.duration_s)),
            end: r.created_at,
            occurrence: None,
            participant: None,
            recording: Some(recording_facts(r)),
        };
        Ok(ChangeEvent {
            id: 0,
            site_id: r.site_id,
            resource: WebhookResource::Recordings,
            event,
            meeting_id: r.meeting_id,
            subject_id: r.id,
            actor_id: actor,
            at,
            facts,
        })
    }

    /// Wakes the delivery worker: a change was recorded (or a webhook restarted).
    pub(crate) fn changes_recorded(&self) {
        self.changes_written.notify_one();
    }
}
