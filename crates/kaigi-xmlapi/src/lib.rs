//! kaigi-xmlapi: the Webex Meetings XML API face. It decodes a `serv:message`, authenticates the
//! security context, runs one core use case per bodyContent and encodes the answers in the shape
//! real clients parse. It holds no rules of its own.

mod attendee;
mod auo;
pub mod codes;
pub mod element;
pub mod envelope;
mod ep;
mod event;
mod history;
mod meeting;
mod meetingtype;
mod options;
mod recording;
pub mod registry;
mod render_cache;
pub mod schema_additions;
mod session;
mod site;
mod strict;
mod support;
mod training;
mod user;
pub mod values;
pub mod writer;

use std::sync::Arc;

use kaigi_core::error::{AuthFailure, Entity};
use kaigi_core::model::Caller;
use kaigi_core::rules::scopes::{self, Operation};
use kaigi_core::Error;
use kaigi_core::Kaigi;

use codes::Failure;
use element::Element;
use envelope::{Answer, Request};
use history::Center;
use registry::{Op, OpDef, Status};
use writer::BodyWriter;

/// Request bodies up to this size are decoded on the async worker; larger ones on the blocking
/// pool (see [`XmlApi::handle`]).
pub const INLINE_DECODE_BYTES: usize = 16 * 1024;

/// The default cap on bodyContent elements when a request names no site.
pub const DEFAULT_MAX_BODIES: u32 = 10;

/// What one use-case call needs: the application, the caller and the bodyContent element.
pub struct Ctx<'a> {
    pub kaigi: &'a Kaigi,
    pub renders: &'a render_cache::RenderCache,
    pub caller: &'a Caller,
    pub body: &'a Element,
}

/// An HTTP answer: status and the XML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// What one XML API request came to: the operation of its first bodyContent (None when the
/// document was unreadable or the operation unknown) and the exceptionID of its first FAILURE
/// (None: every answer was SUCCESS). Both are from fixed lists, so they can label metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    pub operation: Option<&'static str>,
    pub exception_id: Option<&'static str>,
}

pub struct XmlApi {
    kaigi: Arc<Kaigi>,
    renders: render_cache::RenderCache,
}

impl XmlApi {
    pub fn new(kaigi: Arc<Kaigi>) -> Self {
        Self { kaigi, renders: render_cache::RenderCache::default() }
    }

    /// Answers one POST to /WBXService/XMLService. `jwt` is the `JWTToken` HTTP header.
    ///
    /// A body larger than [`INLINE_DECODE_BYTES`] (up to [`envelope::MAX_REQUEST_BYTES`]) is
    /// decoded on tokio's blocking pool, so a costly document never holds an async worker (and
    /// `/healthz` with it); a small one, whose decoding the parser's count limits keep well under
    /// a millisecond, is decoded in place, without the hand-over.
    pub async fn handle(&self, raw: Vec<u8>, jwt: Option<&str>) -> Reply {
        self.handle_observed(raw, jwt).await.0
    }

    /// [`XmlApi::handle`], and what the answer was, for the server's metrics and request log.
    pub async fn handle_observed(&self, raw: Vec<u8>, jwt: Option<&str>) -> (Reply, Observed) {
        let decoded = if raw.len() <= INLINE_DECODE_BYTES {
            envelope::decode(&raw)
        } else {
            tokio::task::spawn_blocking(move || envelope::decode(&raw))
                .await
                .unwrap_or_else(|e| Err(Failure::not_forwarded(format!(" the request could not be decoded: {e}"))))
        };
        let (status, body, observed) = match decoded {
            Ok(request) => {
                let answers = self.answer(&request, jwt).await;
                let observed = Observed {
                    operation: answers.first().and_then(|a| a.op).map(|d| d.name),
                    exception_id: answers.iter().find_map(|a| a.outcome.as_ref().err()).map(|f| f.exception_id),
                };
                let (status, body) = envelope::encode(&answers);
                (status, body, observed)
            }
            Err(failure) => {
                let (status, body) = envelope::encode_unreadable(&failure);
                (status, body, Observed { operation: None, exception_id: Some(failure.exception_id) })
            }
        };
        (Reply { status, body }, observed)
    }

    async fn answer(&self, request: &Request, jwt: Option<&str>) -> Vec<Answer> {
        let ops: Vec<Result<&'static OpDef, Failure>> = request
            .bodies
            .iter()
            .map(|b| {
                let ty = b.attribute("type").ok_or_else(|| Failure::not_forwarded("null"))?;
                registry::resolve(ty).ok_or_else(|| Failure::not_forwarded(format!(" unknown operation {}", ty.trim())))
            })
            .collect();
        let fail_all =
            |f: Failure| vec![Answer { op: ops.first().and_then(|o| o.as_ref().ok().copied()), outcome: Err(f) }];
        let mut credentials = match request.security.credentials(jwt) {
            Ok(c) => c,
            Err(f) => return fail_all(f),
        };
        // AuthenticateUser may carry the access token in its body (spec §2.1) instead of the
        // security context; it then proves the caller as `webExAccessToken` would.
        if let Some(c) = credentials.as_mut().filter(|c| c.proof == kaigi_core::model::Proof::None) {
            let token = request.bodies.iter().zip(&ops).find_map(|(b, op)| match op {
                Ok(def) if def.status == Status::Served(Op::AuthenticateUser) => b.value_of("accessToken"),
                _ => None,
            });
            if let Some(token) = token {
                c.proof = kaigi_core::model::Proof::AccessToken(token.to_string());
            }
        }
        // The site decides how many bodyContent elements one request may carry.
        let (site, limit) = match &credentials {
            Some(c) => match self.kaigi.resolve_site(&c.site).await {
                Ok(site) => {
                    let limit = site.settings.max_body_contents;
                    (Some(site), limit)
                }
                Err(e) => return fail_all(Failure::from(&e)),
            },
            None => (None, DEFAULT_MAX_BODIES),
        };
        if request.bodies.len() > limit as usize {
            return vec![Answer { op: None, outcome: Err(Failure::too_many_bodies(limit)) }];
        }
        let caller: Result<Option<Caller>, Failure> = match (site, &credentials) {
            (Some(site), Some(c)) => self.kaigi.authenticate_at(site, c).await.map(Some).map_err(|e| Failure::from(&e)),
            _ => Ok(None),
        };
        let mut answers = Vec::with_capacity(request.bodies.len());
        for (body, op) in request.bodies.iter().zip(ops) {
            let outcome = match &op {
                Ok(def) => self.run(def, caller.as_ref(), body).await,
                Err(f) => Err(f.clone()),
            };
            answers.push(Answer { op: op.ok(), outcome });
        }
        answers
    }

    async fn run(
        &self,
        def: &'static OpDef,
        caller: Result<&Option<Caller>, &Failure>,
        body: &Element,
    ) -> Result<String, Failure> {
        let op = match def.status {
            Status::Served(op) => op,
            Status::Planned(issue) => return Err(Failure::not_served(def.name, Some(issue))),
            Status::NotPlanned => return Err(Failure::not_served(def.name, None)),
        };
        let mut w = BodyWriter::new(def.service.prefix());
        if op == Op::GetAPIVersion {
            ep::get_api_version(body, &mut w)?;
            return Ok(w.finish());
        }
        let caller = match caller {
            Ok(Some(c)) => c,
            Ok(None) => return Err(Failure::from(&Error::NotFound(Entity::Site))),
            Err(f) => return Err(f.clone()),
        };
        scopes::permits(caller, operation_of(op)).map_err(|e| Failure::from(&e))?;
        if matches!(caller.principal, kaigi_core::model::Principal::Anonymous) && !op_allows_anonymous(op) {
            return Err(Failure::from(&Error::Auth(AuthFailure::MissingCredentials)));
        }
        let ctx = Ctx { kaigi: &self.kaigi, renders: &self.renders, caller, body };
        match op {
            Op::AuthenticateUser => user::authenticate_user(&ctx, &mut w).await?,
            Op::CreateUser => user::create_user(&ctx, &mut w).await?,
            Op::SetUser => user::set_user(&ctx, &mut w).await?,
            Op::GetUser => user::get_user(&ctx, &mut w).await?,
            Op::DelUser => user::del_user(&ctx, &mut w).await?,
            Op::LstsummaryUser => user::lstsummary_user(&ctx, &mut w).await?,
            Op::GetloginurlUser => user::getloginurl_user(&ctx, &mut w).await?,
            Op::GetlogouturlUser => user::getlogouturl_user(&ctx, &mut w).await?,
            Op::GetLoginTicket => user::get_login_ticket(&ctx, &mut w).await?,
            Op::GetUserCard => user::get_user_card(&ctx, &mut w).await?,
            Op::GetMe => user::get_me(&ctx, &mut w).await?,
            Op::GetSite => site::get_site(&ctx, &mut w).await?,
            Op::LstTimeZone => site::lst_time_zone(&ctx, &mut w).await?,
            Op::GetAPIVersion => ep::get_api_version(body, &mut w)?,
            Op::CreateMeeting => meeting::create_meeting(&ctx, &mut w).await?,
            Op::SetMeeting => meeting::set_meeting(&ctx, &mut w).await?,
            Op::GetMeeting => meeting::get_meeting(&ctx, &mut w).await?,
            Op::DelMeeting => meeting::del_meeting(&ctx, &mut w).await?,
            Op::LstsummaryMeeting => meeting::lstsummary_meeting(&ctx, &mut w).await?,
            Op::GethosturlMeeting => meeting::gethosturl_meeting(&ctx, &mut w).await?,
            Op::GetjoinurlMeeting => meeting::getjoinurl_meeting(&ctx, &mut w).await?,
            Op::CreateTeleconferenceSession => auo::create(&ctx, &mut w).await?,
            Op::GetTeleconferenceSession => auo::get(&ctx, &mut w).await?,
            Op::SetTeleconferenceSession => auo::set(&ctx, &mut w).await?,
            Op::LstsummarySession => session::lstsummary_session(&ctx, &mut w).await?,
            Op::GetSessionInfo => session::get_session_info(&ctx, &mut w).await?,
            Op::LstOpenSession => session::lst_open_session(&ctx, &mut w).await?,
            Op::DelSession => session::del_session(&ctx, &mut w).await?,
            Op::LstCalendarSession => session::lst_calendar_session(&ctx, &mut w).await?,
            Op::LstMeetingType => meetingtype::lst_meeting_type(&ctx, &mut w).await?,
            Op::GetMeetingType => meetingtype::get_meeting_type(&ctx, &mut w).await?,
            Op::LstmeetingusageHistory => history::session_history(&ctx, &mut w, Center::Meeting).await?,
            Op::LstmeetingattendeeHistory => history::attendee_history(&ctx, &mut w, Center::Meeting).await?,
            Op::LsttrainingsessionHistory => history::session_history(&ctx, &mut w, Center::Training).await?,
            Op::LsttrainingattendeeHistory => history::attendee_history(&ctx, &mut w, Center::Training).await?,
            Op::LsteventsessionHistory => history::session_history(&ctx, &mut w, Center::Event).await?,
            Op::LsteventattendeeHistory => history::attendee_history(&ctx, &mut w, Center::Event).await?,
            Op::LstsupportsessionHistory => history::session_history(&ctx, &mut w, Center::Support).await?,
            Op::LstsupportattendeeHistory => history::attendee_history(&ctx, &mut w, Center::Support).await?,
            Op::LstrecordaccessHistory => history::record_access_history(&ctx).await?,
            Op::LstAccessAnywhereHistory => history::access_anywhere_history(&ctx).await?,
            Op::LstRecording => recording::lst_recording(&ctx, &mut w).await?,
            Op::GetRecordingInfo => recording::get_recording_info(&ctx, &mut w).await?,
            Op::SetRecordingInfo => recording::set_recording_info(&ctx, &mut w).await?,
            Op::DelRecording => recording::del_recording(&ctx, &mut w).await?,
            Op::CreateMeetingAttendee => attendee::create_meeting_attendee(&ctx, &mut w).await?,
            Op::RegisterMeetingAttendee => attendee::register_meeting_attendee(&ctx, &mut w).await?,
            Op::LstMeetingAttendee => attendee::lst_meeting_attendee(&ctx, &mut w).await?,
            Op::DelMeetingAttendee => attendee::del_meeting_attendee(&ctx, &mut w).await?,
            Op::GetEnrollmentInfo => attendee::get_enrollment_info(&ctx, &mut w).await?,
            Op::CreateTrainingSession => training::create(&ctx, &mut w).await?,
            Op::SetTrainingSession => training::set(&ctx, &mut w).await?,
            Op::GetTrainingSession => training::get(&ctx, &mut w).await?,
            Op::DelTrainingSession => training::del(&ctx, &mut w).await?,
            Op::LstsummaryTrainingSession => training::lstsummary(&ctx, &mut w).await?,
            Op::CreateEvent => event::create(&ctx, &mut w).await?,
            Op::SetEvent => event::set(&ctx, &mut w).await?,
            Op::GetEvent => event::get(&ctx, &mut w).await?,
            Op::DelEvent => event::del(&ctx, &mut w).await?,
            Op::LstsummaryEvent => event::lstsummary(&ctx, &mut w).await?,
            Op::CreateSupportSession => support::create(&ctx, &mut w).await?,
        }
        Ok(w.finish())
    }
}

/// What each operation reaches, for callers signed in with an OAuth access token: the scopes
/// of the REST operations of the same meaning open it (docs/oauth.md).
/// Each operation's kind, for the core's scope and API-key rules.
fn operation_of(op: Op) -> Operation {
    use Op::*;
    match op {
        AuthenticateUser | GetSite | LstTimeZone | GetAPIVersion | LstMeetingType | GetMeetingType => {
            Operation::SiteInfo
        }
        GetUserCard => Operation::ReadUserCard,
        GetUser | LstsummaryUser | GetloginurlUser | GetlogouturlUser | GetLoginTicket | GetMe => Operation::ReadPeople,
        CreateUser | SetUser | DelUser => Operation::WritePeople,
        CreateMeeting
        | SetMeeting
        | DelMeeting
        | CreateTeleconferenceSession
        | SetTeleconferenceSession
        | DelSession
        | SetRecordingInfo
        | DelRecording
        | CreateMeetingAttendee
        | RegisterMeetingAttendee
        | DelMeetingAttendee
        | CreateTrainingSession
        | SetTrainingSession
        | DelTrainingSession
        | CreateEvent
        | SetEvent
        | DelEvent
        | CreateSupportSession => Operation::WriteSchedules,
        GetMeeting
        | LstsummaryMeeting
        | GethosturlMeeting
        | GetjoinurlMeeting
        | GetTeleconferenceSession
        | LstsummarySession
        | GetSessionInfo
        | LstOpenSession
        | LstCalendarSession
        | LstmeetingusageHistory
        | LstmeetingattendeeHistory
        | LsttrainingsessionHistory
        | LsttrainingattendeeHistory
        | LsteventsessionHistory
        | LsteventattendeeHistory
        | LstsupportsessionHistory
        | LstsupportattendeeHistory
        | LstrecordaccessHistory
        | LstAccessAnywhereHistory
        | LstRecording
        | GetRecordingInfo
        | LstMeetingAttendee
        | GetEnrollmentInfo
        | GetTrainingSession
        | LstsummaryTrainingSession
        | GetEvent
        | LstsummaryEvent => Operation::ReadSchedules,
    }
}

/// Operations that answer a caller who named only the site.
fn op_allows_anonymous(op: Op) -> bool {
    // LstsummarySession answers anonymous callers itself, with 000015 (40.2.0).
    matches!(op, Op::GetAPIVersion | Op::LstTimeZone | Op::GetSessionInfo | Op::LstsummarySession)
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::from(&e)
    }
}
