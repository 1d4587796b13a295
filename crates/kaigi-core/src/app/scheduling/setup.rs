//! A series' setup (REST `/meetings/{meetingId}/interpreters`, `/simultaneousInterpretation`,
//! `/breakoutSessions`, `/invitationSources`): kept with the meeting in its conduct options and
//! changed like any other change of the meeting: the meeting is read, changed, checked as a whole
//! (`rules::validate::setup`) and written only while nobody else wrote it meanwhile; when someone
//! did, the change is applied again to the meeting as it is now. Each write records the
//! `meetings updated` change for webhooks, as [`Kaigi::set_meeting`] does.

use crate::app::notifications::changes::change;
use crate::error::{Entity, Error, Field, Result, ScheduleError, StoreError};
use crate::model::WebhookEvent::Updated;
use crate::model::WebhookResource::Meetings;
use crate::model::{
    BreakoutRequest, BreakoutSession, Caller, Feature, Interpretation, Interpreter, InterpreterRequest,
    InvitationSource, InvitationSourceRequest, Meeting, MeetingRef, SessionKind, SessionStatus,
};
use crate::rules::limits::WRITE_ATTEMPTS;
use crate::rules::schedule::REST_KINDS;
use crate::rules::validate::setup::{
    breakout_sessions, check_setup, interpreter, interpreters_while_off, invitation_source,
};
use crate::Kaigi;

/// Bytes of a minted interpreter or breakout session id (32 hex digits, as the spec's examples).
const ID_BYTES: usize = 16;

fn interpreting(m: &Meeting) -> Option<&Interpretation> {
    m.options.conduct.interpretation.as_ref()
}

impl Kaigi {
    /// A series the caller may read, with its setup (`m.options.conduct`).
    pub async fn meeting_setup(&self, caller: &Caller, series: &str) -> Result<Meeting> {
        self.readable_series(caller, series).await
    }

    /// The interpreters of a series, newest first (as the spec lists them).
    pub async fn interpreters_of(&self, caller: &Caller, series: &str) -> Result<Vec<Interpreter>> {
        let m = self.meeting_setup(caller, series).await?;
        let mut list = interpreting(&m).map(|i| i.interpreters.clone()).unwrap_or_default();
        list.reverse();
        Ok(list)
    }

    /// One interpreter of a series.
    pub async fn interpreter_of(&self, caller: &Caller, series: &str, id: &str) -> Result<Interpreter> {
        let m = self.meeting_setup(caller, series).await?;
        interpreting(&m)
            .and_then(|i| i.interpreters.iter().find(|x| x.id == id))
            .cloned()
            .ok_or(Error::NotFound(Entity::Interpreter))
    }

    /// Turns simultaneous interpretation on or off, with its interpreters when `asked` lists them
    /// (the list replaces the one kept; one with the languages and email of a kept interpreter
    /// keeps its id). Without a list the interpreters stay as they are: turned off, they are kept
    /// for when it is turned on again.
    pub async fn set_interpretation(
        &self,
        caller: &Caller,
        series: &str,
        enabled: bool,
        asked: Option<&[InterpreterRequest]>,
    ) -> Result<Interpretation> {
        interpreters_while_off(enabled, asked.map_or(0, <[_]>::len))?;
        let fresh = match asked {
            Some(list) => {
                Some(list.iter().map(|r| interpreter(self.random_hex(ID_BYTES), r)).collect::<Result<Vec<_>>>()?)
            }
            None => None,
        };
        self.edit_setup(caller, series, |m| {
            let kept: Vec<Interpreter> = interpreting(m).map(|i| i.interpreters.clone()).unwrap_or_default();
            let interpreters = match &fresh {
                None => kept,
                Some(fresh) => fresh
                    .iter()
                    .map(|f| {
                        let same = kept
                            .iter()
                            .find(|k| (&k.language1, &k.language2, &k.email) == (&f.language1, &f.language2, &f.email));
                        Interpreter { id: same.map_or_else(|| f.id.clone(), |k| k.id.clone()), ..f.clone() }
                    })
                    .collect(),
            };
            let i = Interpretation { enabled, interpreters };
            m.options.conduct.interpretation = Some(i.clone());
            Ok(i)
        })
        .await
    }

    /// Adds one interpreter; interpretation must be on.
    pub async fn add_interpreter(&self, caller: &Caller, series: &str, r: &InterpreterRequest) -> Result<Interpreter> {
        let added = interpreter(self.random_hex(ID_BYTES), r)?;
        self.edit_setup(caller, series, |m| {
            let i = m.options.conduct.interpretation.get_or_insert_with(Interpretation::default);
            if !i.enabled {
                return Err(interpretation_off());
            }
            i.interpreters.push(added.clone());
            Ok(added.clone())
        })
        .await
    }

    /// Changes one interpreter (languages, email, display name as given; it keeps its id).
    pub async fn change_interpreter(
        &self,
        caller: &Caller,
        series: &str,
        id: &str,
        r: &InterpreterRequest,
    ) -> Result<Interpreter> {
        let changed = interpreter(id.to_string(), r)?;
        self.edit_setup(caller, series, |m| {
            let slot = m
                .options
                .conduct
                .interpretation
                .as_mut()
                .and_then(|i| i.interpreters.iter_mut().find(|x| x.id == id))
                .ok_or(Error::NotFound(Entity::Interpreter))?;
            *slot = changed.clone();
            Ok(changed.clone())
        })
        .await
    }

    /// Removes one interpreter.
    pub async fn remove_interpreter(&self, caller: &Caller, series: &str, id: &str) -> Result<()> {
        self.edit_setup(caller, series, |m| {
            let i = m.options.conduct.interpretation.as_mut().ok_or(Error::NotFound(Entity::Interpreter))?;
            let before = i.interpreters.len();
            i.interpreters.retain(|x| x.id != id);
            if i.interpreters.len() == before {
                return Err(Error::NotFound(Entity::Interpreter));
            }
            Ok(())
        })
        .await
    }

    /// Replaces the planned breakout sessions (each gets a new id); breakout sessions must be
    /// enabled for the meeting (`enabledBreakoutSessions`).
    pub async fn set_breakout_sessions(
        &self,
        caller: &Caller,
        series: &str,
        asked: &[BreakoutRequest],
    ) -> Result<Vec<BreakoutSession>> {
        let ids: Vec<String> = asked.iter().map(|_| self.random_hex(ID_BYTES)).collect();
        let sessions = breakout_sessions(asked, &ids)?;
        self.edit_setup(caller, series, |m| {
            if !m.options.features.is_on(Feature::BreakoutSessions) && !sessions.is_empty() {
                return Err(Error::invalid(
                    Field::BreakoutSessions,
                    "Breakout sessions are not enabled for this meeting; set enabledBreakoutSessions first.",
                ));
            }
            m.options.conduct.breakout_sessions = Some(sessions.clone());
            Ok(sessions.clone())
        })
        .await
    }

    /// Deletes the planned breakout sessions and turns breakout sessions off, as the spec says.
    pub async fn clear_breakout_sessions(&self, caller: &Caller, series: &str) -> Result<()> {
        self.edit_setup(caller, series, |m| {
            m.options.conduct.breakout_sessions = Some(Vec::new());
            m.options.features.set(Feature::BreakoutSessions, false);
            Ok(())
        })
        .await
    }

    /// Adds invitation sources to a webinar ("1", "2", … after the ones it has).
    pub async fn add_invitation_sources(
        &self,
        caller: &Caller,
        series: &str,
        asked: &[InvitationSourceRequest],
    ) -> Result<Vec<InvitationSource>> {
        if asked.is_empty() {
            return Err(Error::invalid(Field::InvitationSources, "list at least one invitation source"));
        }
        let checked = asked.iter().map(|r| invitation_source(String::new(), r)).collect::<Result<Vec<_>>>()?;
        self.edit_setup(caller, series, |m| {
            if m.kind != SessionKind::Event {
                return Err(webinars_only(&m.uuid));
            }
            let list = m.options.conduct.invitation_sources.get_or_insert_with(Vec::new);
            let next = list.iter().filter_map(|s| s.id.parse::<u64>().ok()).max().unwrap_or(0);
            let added: Vec<InvitationSource> = checked
                .iter()
                .zip(next + 1..)
                .map(|(s, n)| InvitationSource { id: n.to_string(), ..s.clone() })
                .collect();
            list.extend(added.iter().cloned());
            Ok(added)
        })
        .await
    }

    /// A webinar's invitation sources, oldest first.
    pub async fn invitation_sources_of(
        &self,
        caller: &Caller,
        series: &str,
    ) -> Result<(Meeting, Vec<InvitationSource>)> {
        let m = self.meeting_setup(caller, series).await?;
        if m.kind != SessionKind::Event {
            return Err(webinars_only(&m.uuid));
        }
        let list = m.options.conduct.invitation_sources.clone().unwrap_or_default();
        Ok((m, list))
    }

    /// Reads the series, applies `edit`, checks the setup and writes it with its `meetings
    /// updated` change, unless the meeting changed after it was read: then again, on the meeting
    /// as it is now.
    async fn edit_setup<T>(
        &self,
        caller: &Caller,
        series: &str,
        edit: impl Fn(&mut Meeting) -> Result<T>,
    ) -> Result<T> {
        caller.require_user()?;
        let r = MeetingRef::Uuid(series.to_string());
        let mut attempts = 0;
        loop {
            attempts += 1;
            let mut m = self.find_meeting(&caller.site, &r, &REST_KINDS).await?;
            if !Self::may_manage(caller, &m) {
                return Err(Error::AccessDenied);
            }
            if m.status == SessionStatus::InProgress {
                return Err(Error::Schedule(ScheduleError::InProgress));
            }
            let out = edit(&mut m)?;
            check_setup(&m.options.conduct)?;
            m.updated_at = self.now();
            let actor = caller.user().map(|u| u.id);
            let updated = change(&m, self.change_facts(&m).await?, Meetings, Updated, actor, m.updated_at);
            match self.store.update_meeting_unless_changed(&m, &[], &[updated]).await {
                Ok(()) => {
                    self.changes_recorded();
                    return Ok(out);
                }
                Err(StoreError::Stale) if attempts < WRITE_ATTEMPTS => continue,
                Err(StoreError::Missing) => return Err(Error::NotFound(Entity::Meeting)),
                Err(e) => return Err(Error::Store(e)),
            }
        }
    }
}

fn interpretation_off() -> Error {
    Error::invalid(
        Field::Interpretation,
        "Simultaneous interpretation is not enabled for this meeting; enable it with PUT simultaneousInterpretation first.",
    )
}

fn webinars_only(series: &str) -> Error {
    Error::invalid(
        Field::MeetingId,
        format!("Meeting ID '{series}' is not a webinar: only the meeting ID of a scheduled webinar is supported for this API."),
    )
}
