//! Use cases without HTTP: `Kaigi` on a real SQLite file, with a pinned clock and seeded keys.
//! Each test owns its database. These are the rules a user relies on, asked of the core directly,
//! fast enough to run with every change (the faces' own tests in kaigi-server then check the
//! wire).

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kaigi_core::error::Error;
use kaigi_core::model::{
    Booking, Caller, LicensePlan, MeetingFields, MeetingOptions, NewUser, Principal, SessionKind, Site, SiteSettings,
    User, UserFields,
};
use kaigi_core::ports::{AdjustableClock, SeededKeys, Store};
use kaigi_core::rules::limits::MAX_ATTENDEES_PER_CALL;
use kaigi_core::rules::secrets::HashCost;
use kaigi_core::{Config, Kaigi};

struct World {
    kaigi: Kaigi,
    store: Arc<dyn Store>,
    clock: Arc<AdjustableClock>,
    site: Site,
    path: std::path::PathBuf,
}

impl Drop for World {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z").expect("fixed time").with_timezone(&Utc)
}

/// A site (Tokyo time, Named User with `seats`) with an administrator `boss` and hosts `hosts`.
async fn world(seats: u32, hosts: &[&str]) -> World {
    let path = super::temp_db();
    let store: Arc<dyn Store> = Arc::new(kaigi_store::open(path.to_str().expect("utf-8")).await.expect("open"));
    let clock = Arc::new(AdjustableClock::pinned(start_time()));
    let config = Config { public_url: "http://kaigi.test".into(), hash_cost: HashCost::MINIMAL };
    let kaigi = Kaigi::new(store.clone(), clock.clone(), Arc::new(SeededKeys::new(7)), config);
    let settings = SiteSettings { time_zone_id: 49, ..SiteSettings::default() };
    let site = kaigi.create_site("acme", settings, LicensePlan::NamedUser { seats }).await.expect("site");
    let op = Caller::operator(site.clone());
    let person = |id: &str, privileges: Vec<(String, bool)>| NewUser {
        webex_id: id.into(),
        fields: UserFields {
            email: Some(format!("{id}@acme.example")),
            password: Some("pass-word-1".into()),
            first_name: Some(id.into()),
            last_name: Some("Example".into()),
            privileges,
            ..UserFields::default()
        },
        ..NewUser::default()
    };
    kaigi.create_user(&op, &person("boss", vec![("siteAdmin".into(), true)])).await.expect("admin");
    for id in hosts {
        kaigi.create_user(&op, &person(id, vec![("host".into(), true)])).await.expect("host");
    }
    World { kaigi, store, clock, site, path }
}

impl World {
    async fn user(&self, webex_id: &str) -> User {
        self.kaigi.user_by_webex_id(&self.site, webex_id).await.expect("read").expect("exists")
    }

    async fn caller(&self, webex_id: &str) -> Caller {
        Caller {
            site: self.site.clone(),
            principal: Principal::User(Box::new(self.user(webex_id).await)),
            scopes: None,
        }
    }
}

fn booking(invitees: &[&str]) -> Booking {
    Booking {
        title: "Quarterly review".into(),
        start: NaiveDate::from_ymd_opt(2026, 3, 3).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("date"),
        duration_minutes: 45,
        invitees: invitees.iter().map(|s| s.to_string()).collect(),
    }
}

#[tokio::test]
async fn booking_schedules_in_the_bookers_zone_and_invites() {
    let w = world(5, &["alice"]).await;
    let alice = w.caller("alice").await;
    let booked =
        w.kaigi.book_meeting(&alice, &booking(&["Carol@Example.com", "carol@example.com"])).await.expect("book");
    assert!(booked.invitations_failed.is_none());
    let m = booked.meeting;
    assert_eq!(m.name, "Quarterly review");
    // 10:00 in Tokyo (the site's zone, which alice inherited) is 01:00 UTC.
    assert_eq!(m.start, DateTime::parse_from_rfc3339("2026-03-03T01:00:00Z").expect("t").with_timezone(&Utc));
    assert_eq!(m.duration_minutes, 45);
    let invited: Vec<_> = m.invitees.iter().map(|i| i.email.as_str()).collect();
    let attendees = w.store.attendees_of(w.site.id, m.id).await.expect("attendees");
    let emails: Vec<_> = attendees.iter().map(|a| a.email.as_str()).collect();
    assert_eq!(emails, ["carol@example.com"], "one invitation per address, whatever its case ({invited:?})");
    let decisions = w.store.recent_license_decisions(w.site.id, 10).await.expect("decisions");
    assert!(
        decisions.iter().any(|d| d.person == "alice" && d.requester.is_none()),
        "booked in one's own name, so on behalf of nobody: {decisions:?}"
    );
}

#[tokio::test]
async fn a_bad_invitee_refuses_the_booking_before_anything_is_written() {
    let w = world(5, &["alice"]).await;
    let alice = w.caller("alice").await;
    let refused = w.kaigi.book_meeting(&alice, &booking(&["carol@example.com", "not-an-address"])).await;
    assert!(matches!(refused, Err(Error::Invalid { .. })), "{refused:?}");
    let many: Vec<String> = (0..=MAX_ATTENDEES_PER_CALL).map(|i| format!("p{i}@example.com")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let refused = w.kaigi.book_meeting(&alice, &booking(&many)).await;
    assert!(matches!(refused, Err(Error::TooManyAttendees { max: MAX_ATTENDEES_PER_CALL })), "{refused:?}");
    let q = kaigi_core::model::MeetingQuery { limit: 10, ..Default::default() };
    assert!(w.store.list_meetings(w.site.id, &q).await.expect("list").is_empty(), "no meeting was created");
}

#[tokio::test]
async fn the_first_integration_tag_is_the_licence_requester() {
    let w = world(5, &["alice"]).await;
    let boss = w.caller("boss").await;
    let mut options = MeetingOptions::default();
    options.conduct.integration_tags = Some(vec!["  ".into(), "Emp042".into()]);
    let f = MeetingFields {
        name: Some("Booked for someone".into()),
        start: Some((start_time() + Duration::days(1)).naive_utc()),
        host_webex_id: Some("alice".into()),
        options,
        ..MeetingFields::default()
    };
    w.kaigi.create_meeting(&boss, SessionKind::Meeting, &f).await.expect("create");
    let decisions = w.store.recent_license_decisions(w.site.id, 10).await.expect("decisions");
    assert!(decisions.iter().any(|d| d.requester.as_deref() == Some("emp042")), "{decisions:?}");
}

#[tokio::test]
async fn the_booking_page_names_only_active_site_administrators() {
    let w = world(5, &["alice"]).await;
    let names: Vec<String> =
        w.kaigi.site_admins(&w.site).await.expect("admins").into_iter().map(|u| u.webex_id).collect();
    assert_eq!(names, ["boss"]);
    let op = Caller::operator(w.site.clone());
    w.kaigi.deactivate_users(&op, &["boss".into()]).await.expect("deactivate");
    assert!(w.kaigi.site_admins(&w.site).await.expect("admins").is_empty());
}

#[tokio::test]
async fn the_licence_report_covers_the_last_twelve_months_unless_told() {
    let w = world(5, &["alice"]).await;
    let boss = w.caller("boss").await;
    let report = w.kaigi.license_report(&boss, None, Some(" ")).await.expect("report");
    assert_eq!((report.from.as_str(), report.to.as_str()), ("2025-04", "2026-03"));
    w.clock.advance(Duration::days(31));
    let report = w.kaigi.license_report(&boss, Some("2026-01"), None).await.expect("report");
    assert_eq!((report.from.as_str(), report.to.as_str()), ("2026-01", "2026-04"));
    let backwards = w.kaigi.license_report(&boss, Some("2026-05"), Some("2026-01")).await;
    assert!(matches!(backwards, Err(Error::Invalid { .. })), "{backwards:?}");
    let alice = w.caller("alice").await;
    assert!(matches!(w.kaigi.license_report(&alice, None, None).await, Err(Error::AccessDenied)));
}

/// The live-media port as a test double: it writes down what the core tells it and hands back a
/// recording file of a known size.
#[derive(Default)]
struct Told {
    said: std::sync::Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl kaigi_core::ports::LiveMedia for Told {
    fn muted(&self, key: u64, participant: i64, muted: bool) {
        self.said.lock().expect("lock").push(format!("muted {key} {participant} {muted}"));
    }
    fn removed(&self, key: u64, participant: i64) {
        self.said.lock().expect("lock").push(format!("removed {key} {participant}"));
    }
    fn ended(&self, key: u64) {
        self.said.lock().expect("lock").push(format!("ended {key}"));
    }
    fn recording(&self, key: u64, on: bool) {
        self.said.lock().expect("lock").push(format!("recording {key} {on}"));
    }
    fn admitted(&self, key: u64, participant: i64) {
        self.said.lock().expect("lock").push(format!("admitted {key} {participant}"));
    }
    fn locked(&self, key: u64, locked: bool) {
        self.said.lock().expect("lock").push(format!("locked {key} {locked}"));
    }
    fn promoted(&self, key: u64, participant: i64) {
        self.said.lock().expect("lock").push(format!("promoted {key} {participant}"));
    }
    fn forget_recording(&self, name: &str) {
        self.said.lock().expect("lock").push(format!("forget {name}"));
    }
    async fn finish_recording(&self, key: u64, name: &str) -> Option<kaigi_core::ports::RecordedFile> {
        self.said.lock().expect("lock").push(format!("finish {key} {name}"));
        Some(kaigi_core::ports::RecordedFile { bytes: 1_500_000, duration_ms: 61_200 })
    }
}

impl Told {
    fn said(&self) -> Vec<String> {
        self.said.lock().expect("lock").clone()
    }
}

/// What someone gives to join a meeting from the test.
fn ask(name: &str, email: &str, password: Option<String>, host_key: Option<String>) -> kaigi_core::model::JoinRequest {
    kaigi_core::model::JoinRequest {
        name: name.into(),
        email: email.into(),
        password,
        host_key,
        ip_address: "127.0.0.1".into(),
        client_agent: "test".into(),
    }
}

/// A booked meeting of alice's, started by alice with her host key, and carol in it.
async fn running_meeting(
    w: &World,
) -> (kaigi_core::model::Meeting, kaigi_core::model::Joined, kaigi_core::model::Joined) {
    let alice = w.caller("alice").await;
    let m = w.kaigi.book_meeting(&alice, &booking(&[])).await.expect("book").meeting;
    let host = w
        .kaigi
        .join_session(m.meeting_key, &ask("Alice", "alice@acme.example", None, Some(m.host_key.clone())))
        .await
        .expect("the host starts it");
    let carol = w
        .kaigi
        .join_session(m.meeting_key, &ask("Carol", "carol@example.com", m.password.clone(), None))
        .await
        .expect("carol joins");
    (m, host, carol)
}

fn pass(joined: &kaigi_core::model::Joined) -> kaigi_core::model::Actor {
    kaigi_core::model::Actor::Participant(kaigi_core::model::ParticipantPass::parse(&joined.pass).expect("a pass"))
}

#[tokio::test]
async fn in_the_room_only_a_host_mutes_and_removes_and_the_last_one_leaving_ends_it() {
    let w = world(5, &["alice"]).await;
    let told = Arc::new(Told::default());
    w.kaigi.attach_live_media(told.clone());
    let (m, host, carol) = running_meeting(&w).await;
    let key = m.meeting_key;

    let refused = w.kaigi.mute_in_room(key, &pass(&carol), host.participant_id, true).await;
    assert!(matches!(refused, Err(Error::Session(kaigi_core::error::SessionError::NotHost))), "{refused:?}");
    assert!(told.said().is_empty(), "nothing reaches the media server on a refusal: {:?}", told.said());

    w.kaigi.mute_in_room(key, &pass(&host), carol.participant_id, true).await.expect("the host mutes carol");
    assert_eq!(told.said(), [format!("muted {key} {} true", carol.participant_id)]);
    let carol_now = w.store.participant(w.site.id, carol.participant_id).await.expect("read").expect("there");
    assert!(carol_now.left_at.is_none());

    w.kaigi.remove_from_room(key, &pass(&host), carol.participant_id).await.expect("the host removes carol");
    assert!(told.said().contains(&format!("removed {key} {}", carol.participant_id)));
    let gone =
        w.kaigi.participant_by_pass(key, &kaigi_core::model::ParticipantPass::parse(&carol.pass).expect("pass")).await;
    assert!(gone.is_err(), "a removed participant's pass no longer works");

    // The host is the last one in: leaving the room ends the session.
    w.clock.advance(Duration::minutes(5));
    w.kaigi.left_the_room(key, &pass(&host)).await.expect("the host leaves");
    let after = w.kaigi.meeting_by_key_anywhere(key).await.expect("meeting");
    assert_eq!(after.status, kaigi_core::model::SessionStatus::NotInProgress);
    assert!(told.said().contains(&format!("ended {key}")), "{:?}", told.said());
}

#[tokio::test]
async fn a_recorded_session_keeps_the_media_servers_file_as_its_recording() {
    let w = world(5, &["alice"]).await;
    let told = Arc::new(Told::default());
    w.kaigi.attach_live_media(told.clone());
    let (m, host, _carol) = running_meeting(&w).await;
    let key = m.meeting_key;
    assert!(w.kaigi.toggle_recording(key, &pass(&host)).await.expect("record"));
    w.clock.advance(Duration::minutes(1));
    w.kaigi.end_session(key, &pass(&host)).await.expect("end");
    let said = told.said();
    assert_eq!(said[0], format!("recording {key} true"));
    let recordings = w.store.recordings(w.site.id).await.expect("recordings");
    let r = recordings.iter().find(|r| r.meeting_key == key).expect("a recording");
    assert!(
        said.contains(&format!("finish {key} {}", r.recording_uuid)),
        "the file is named by the recording's id: {said:?}"
    );
    assert_eq!(r.format, "WEBM");
    assert_eq!(r.size_kb, 1_465, "1,500,000 bytes, in KB rounded up");
    assert_eq!(r.duration_s, 62, "61.2 s of media, rounded up");

    // Deleted for good, the recording's file goes too; moved to the recycle bin, it stays.
    let alice = w.caller("alice").await;
    let which = [kaigi_core::model::RecordingLookup::Id(r.recording_uuid.clone())];
    let own = kaigi_core::model::RecordingAudience::Own;
    w.kaigi.move_recordings(&alice, &own, &which, kaigi_core::model::RecordingMove::Recycle).await.expect("recycle");
    assert!(!told.said().contains(&format!("forget {}", r.recording_uuid)));
    w.kaigi.move_recordings(&alice, &own, &which, kaigi_core::model::RecordingMove::Purge).await.expect("purge");
    assert!(told.said().contains(&format!("forget {}", r.recording_uuid)), "{:?}", told.said());
}

#[tokio::test]
async fn a_co_host_is_made_in_the_room_only_with_a_licence() {
    let w = world(5, &["alice", "dave"]).await;
    let told = Arc::new(Told::default());
    w.kaigi.attach_live_media(told.clone());
    let (m, host, carol) = running_meeting(&w).await;
    let key = m.meeting_key;
    let refused = w.kaigi.make_cohost_in_room(key, &pass(&host), carol.participant_id).await;
    assert!(matches!(refused, Err(Error::License(_))), "carol is a guest: {refused:?}");
    let asked = w.store.recent_license_decisions(w.site.id, 10).await.expect("decisions");
    assert!(asked.iter().any(|d| d.person == "carol@example.com"), "the refusal is recorded: {asked:?}");
    // carol is no host: she cannot record.
    assert!(w.kaigi.toggle_recording(key, &pass(&carol)).await.is_err());

    let dave = w
        .kaigi
        .join_session(key, &ask("Dave", "dave@acme.example", m.password.clone(), None))
        .await
        .expect("dave joins");
    w.kaigi.make_cohost_in_room(key, &pass(&host), dave.participant_id).await.expect("dave holds a licence");
    assert!(told.said().contains(&format!("promoted {key} {}", dave.participant_id)), "{:?}", told.said());
    // As co-host, dave records and ends the meeting.
    assert!(w.kaigi.toggle_recording(key, &pass(&dave)).await.expect("the co-host records"));
    w.kaigi.end_session(key, &pass(&dave)).await.expect("the co-host ends it");
}

/// A bearer token of `webex_id` with every scope their role allows, or only `scopes`.
async fn token_caller(w: &World, webex_id: &str, scopes: Option<&[&str]>) -> kaigi_core::model::TokenCaller {
    let narrow: Option<Vec<String>> = scopes.map(|l| l.iter().map(|s| s.to_string()).collect());
    let issued = w.kaigi.create_personal_token(&w.site, webex_id, narrow.as_deref()).await.expect("token");
    w.kaigi.authenticate_bearer(&issued.token).await.expect("the token works")
}

#[tokio::test]
async fn the_room_chat_is_kept_with_the_meeting_and_read_after_it_ended() {
    use kaigi_core::error::{Field, SessionError};
    use kaigi_core::rules::limits::MAX_CHAT_CHARS;
    let w = world(5, &["alice", "bob"]).await;
    let (m, host, carol) = running_meeting(&w).await;
    let key = m.meeting_key;
    let alice = w.user("alice").await;

    let first = w.kaigi.say_in_room(key, &pass(&host), "  Hello, all \n").await.expect("the host says");
    assert_eq!(first.text, "Hello, all", "trimmed");
    assert_eq!((first.usage_id, first.sender_user_id), (None, Some(alice.id)));
    assert_eq!((first.sender_name.as_str(), first.sender_email.as_str()), ("Alice", "alice@acme.example"));
    assert_eq!(first.uuid.len(), 36, "{}", first.uuid);
    assert_eq!(first.at, start_time());
    w.clock.advance(Duration::seconds(30));
    let second = w.kaigi.say_in_room(key, &pass(&carol), "Hi Alice").await.expect("a guest says");
    assert_eq!((second.sender_user_id, second.participant_id), (None, carol.participant_id));
    let longest = "長".repeat(MAX_CHAT_CHARS);
    w.kaigi.say_in_room(key, &pass(&carol), &longest).await.expect("the longest line is kept");

    let empty = w.kaigi.say_in_room(key, &pass(&carol), " \t ").await;
    assert!(matches!(empty, Err(Error::Invalid { field: Field::ChatText, .. })), "{empty:?}");
    let too_long = w.kaigi.say_in_room(key, &pass(&carol), &format!("{longest}!")).await;
    assert!(matches!(too_long, Err(Error::Invalid { field: Field::ChatText, .. })), "{too_long:?}");
    let forged = kaigi_core::model::ParticipantPass::parse(&format!("{}.00ff", carol.participant_id)).expect("pass");
    let forged = w.kaigi.say_in_room(key, &kaigi_core::model::Actor::Participant(forged), "I am Carol").await;
    assert!(matches!(forged, Err(Error::Session(SessionError::BadPass))), "{forged:?}");

    // The host locks the meeting: who joins now waits in the lobby and says nothing.
    w.kaigi.set_room_locked(key, &pass(&host), true).await.expect("lock");
    let dave = w
        .kaigi
        .join_session(
            key,
            &kaigi_core::model::JoinRequest {
                name: "Dave".into(),
                email: "dave@example.com".into(),
                password: m.password.clone(),
                host_key: None,
                ip_address: "127.0.0.1".into(),
                client_agent: "test".into(),
            },
        )
        .await
        .expect("dave joins");
    assert!(dave.in_lobby);
    let waiting = w.kaigi.say_in_room(key, &pass(&dave), "Let me in").await;
    assert!(matches!(waiting, Err(Error::Session(SessionError::InLobby))), "{waiting:?}");

    let room: Vec<String> = w.kaigi.room_chat(key).await.expect("room chat").into_iter().map(|l| l.text).collect();
    assert_eq!(room, ["Hello, all".to_string(), "Hi Alice".into(), longest.clone()], "oldest first");

    // The session ends: its chat becomes the ended instance's.
    w.clock.advance(Duration::minutes(5));
    let usage = w.kaigi.end_session(key, &pass(&host)).await.expect("end");
    assert!(w.kaigi.room_chat(key).await.expect("room chat").is_empty(), "a new session starts with no chat");
    let late = w.kaigi.say_in_room(key, &pass(&carol), "Bye").await;
    assert!(matches!(late, Err(Error::Session(SessionError::NotInSession))), "{late:?}");

    let instance = u64::try_from(usage.id).expect("an id");
    let host_token = token_caller(&w, "alice", None).await;
    let page = w.kaigi.post_meeting_chats(&host_token, &m.uuid, instance, 0, 2).await.expect("the host reads");
    assert_eq!(page.total, 3);
    assert_eq!(page.items.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["Hello, all", "Hi Alice"]);
    assert!(page.items.iter().all(|l| l.usage_id == Some(usage.id)));
    assert_eq!(page.items[0].uuid, first.uuid);
    let rest = w.kaigi.post_meeting_chats(&host_token, &m.uuid, instance, 2, 2).await.expect("the next page");
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.items[0].text, longest);
    let unknown = w.kaigi.post_meeting_chats(&host_token, &m.uuid, instance + 1, 0, 10).await;
    assert!(matches!(unknown, Err(Error::NotFound(_))), "{unknown:?}");

    // Another host may not; the administrator reads with the admin scope, and only with it.
    let bob = token_caller(&w, "bob", None).await;
    let refused = w.kaigi.post_meeting_chats(&bob, &m.uuid, instance, 0, 10).await;
    assert!(matches!(refused, Err(Error::AccessDenied)), "{refused:?}");
    let boss = token_caller(&w, "boss", None).await;
    assert_eq!(w.kaigi.post_meeting_chats(&boss, &m.uuid, instance, 0, 10).await.expect("admin").total, 3);
    let narrow = token_caller(&w, "boss", Some(&["meeting:transcripts_read"])).await;
    let refused = w.kaigi.post_meeting_chats(&narrow, &m.uuid, instance, 0, 10).await;
    assert!(matches!(refused, Err(Error::AccessDenied)), "{refused:?}");
    let no_scope = token_caller(&w, "alice", Some(&["meeting:schedules_read"])).await;
    let refused = w.kaigi.post_meeting_chats(&no_scope, &m.uuid, instance, 0, 10).await;
    assert!(matches!(refused, Err(Error::MissingScope("meeting:transcripts_read"))), "{refused:?}");

    // Deleting is the host's: the administrator may not; then nothing is left.
    let refused = w.kaigi.delete_post_meeting_chats(&boss, &m.uuid, instance).await;
    assert!(matches!(refused, Err(Error::AccessDenied)), "{refused:?}");
    assert_eq!(w.kaigi.delete_post_meeting_chats(&host_token, &m.uuid, instance).await.expect("delete"), 3);
    assert_eq!(w.kaigi.delete_post_meeting_chats(&host_token, &m.uuid, instance).await.expect("again"), 0);
    let after = w.kaigi.post_meeting_chats(&host_token, &m.uuid, instance, 0, 10).await.expect("read");
    assert_eq!((after.total, after.items.len()), (0, 0));
}
