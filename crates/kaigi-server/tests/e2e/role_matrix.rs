//! The role × operation matrix: every served operation of the XML API (from its registry) and of
//! the REST API (from its coverage list), asked by every kind of caller. It holds what
//! docs/security.md says: an answer is always the protocol's (never a 5xx); anonymous callers,
//! API keys and narrow tokens reach only what they may; employees and other hosts cannot change,
//! end or take the host role of someone else's meeting nor change other users; and nothing
//! crosses sites. The bodies come from an exhaustive `match` over the registry's operations, so a
//! new operation does not compile here until it has a row.

use kaigi_core::model::{LicensePlan, NewUser, SiteSettings, UserFields};
use kaigi_xmlapi::registry::{Op, Status, OPERATIONS};
use serde_json::json;

use crate::rest_support::*;
use crate::support::*;

const START: &str = "<schedule><startDate>07/01/2026 10:00:00</startDate><duration>30</duration></schedule>";

/// A minimal request body of `op`, aimed at alice's meeting `key` and the user `target`.
fn body(op: Op, key: &str, target: &str, n: usize) -> String {
    use Op::*;
    let session = format!("<sessionKey>{key}</sessionKey>");
    match op {
        AuthenticateUser | LstsummaryUser | GetlogouturlUser | GetLoginTicket | GetMe | GetSite | LstTimeZone
        | GetAPIVersion | LstsummaryMeeting | LstsummarySession | LstOpenSession | LstCalendarSession
        | LstMeetingType | LstmeetingusageHistory | LstmeetingattendeeHistory | LsttrainingsessionHistory
        | LsttrainingattendeeHistory | LsteventsessionHistory | LsteventattendeeHistory | LstsupportsessionHistory
        | LstsupportattendeeHistory | LstrecordaccessHistory | LstAccessAnywhereHistory | LstRecording
        | LstsummaryTrainingSession | LstsummaryEvent | CreateSupportSession => String::new(),
        CreateUser => format!(
            "<firstName>New</firstName><lastName>Person</lastName><webExId>new{n}</webExId>\
             <password>Pass-{n}-word</password><email>new{n}@acme.example</email><active>ACTIVATED</active>"
        ),
        SetUser => format!("<webExId>{target}</webExId><firstName>Changed</firstName>"),
        GetUser | DelUser | GetUserCard => format!("<webExId>{target}</webExId>"),
        GetloginurlUser => format!("<webExID>{target}</webExID>"),
        CreateMeeting | CreateTeleconferenceSession => format!("<metaData><confName>M{n}</confName></metaData>{START}"),
        CreateTrainingSession => format!("<metaData><confName>T{n}</confName></metaData>{START}"),
        CreateEvent => format!("<metaData><sessionName>E{n}</sessionName></metaData>{START}"),
        SetMeeting => format!("<meetingkey>{key}</meetingkey><metaData><confName>Hijacked</confName></metaData>"),
        SetTeleconferenceSession | SetTrainingSession => {
            format!("{session}<metaData><confName>Hijacked</confName></metaData>")
        }
        SetEvent => format!("{session}<metaData><sessionName>Hijacked</sessionName></metaData>"),
        GetMeeting | DelMeeting => format!("<meetingKey>{key}</meetingKey>"),
        GethosturlMeeting | GetjoinurlMeeting | GetTeleconferenceSession | GetSessionInfo | DelSession
        | LstMeetingAttendee | GetEnrollmentInfo | GetTrainingSession | DelTrainingSession | GetEvent | DelEvent => {
            session.clone()
        }
        GetMeetingType => "<meetingTypeID>1</meetingTypeID>".into(),
        GetRecordingInfo | DelRecording => "<recordingID>1</recordingID>".into(),
        SetRecordingInfo => "<recording><recordingID>1</recordingID><name>x</name></recording>".into(),
        CreateMeetingAttendee => {
            format!("<person><name>Mallory</name><email>mallory{n}@example.com</email></person>{session}")
        }
        RegisterMeetingAttendee => format!(
            "<attendees><person><firstName>R</firstName><lastName>S</lastName><email>r{n}@example.com</email></person>{session}</attendees>"
        ),
        DelMeetingAttendee => format!("<attendeeEmail><email>invitee@example.com</email>{session}</attendeeEmail>"),
    }
}

/// Operations that change, end or take the host role of the meeting they name, or change the
/// user they name: never for a caller who is neither that meeting's host, that user, nor an
/// administrator.
fn acts_on_others(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        SetMeeting
            | DelMeeting
            | GethosturlMeeting
            | SetTeleconferenceSession
            | DelSession
            | CreateMeetingAttendee
            | DelMeetingAttendee
            | SetUser
            | DelUser
            | CreateUser
    )
}

/// Operations that change something (a host's own start link, GethosturlMeeting, is a read: the
/// REST read scope shows the host key too).
fn writes(op: Op) -> bool {
    use Op::*;
    (acts_on_others(op) && op != GethosturlMeeting)
        || matches!(
            op,
            CreateMeeting
                | CreateTeleconferenceSession
                | CreateTrainingSession
                | SetTrainingSession
                | DelTrainingSession
                | CreateEvent
                | SetEvent
                | DelEvent
                | CreateSupportSession
                | SetRecordingInfo
                | DelRecording
                | RegisterMeetingAttendee
        )
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    OtherSiteAdmin,
    ApiKey,
    Employee,
    OtherHost,
    Host,
    SiteAdmin,
    ReadOnlyToken,
}

const EVERYONE: [Who; 8] = [
    Who::Anonymous,
    Who::OtherSiteAdmin,
    Who::ApiKey,
    Who::Employee,
    Who::OtherHost,
    Who::Host,
    Who::SiteAdmin,
    Who::ReadOnlyToken,
];

struct World {
    api_key: String,
    read_token: String,
}

fn security(who: Who, w: &World) -> String {
    match who {
        Who::Anonymous | Who::ApiKey => format!("<securityContext><siteName>{SITE}</siteName></securityContext>"),
        Who::OtherSiteAdmin => "<securityContext><siteName>other</siteName><webExID>root</webExID><password>root-pass</password></securityContext>".into(),
        Who::Employee => security_of("emp"),
        Who::OtherHost => security_of("bob"),
        Who::Host => security_of("alice"),
        Who::SiteAdmin => crate::support::security(SITE, ADMIN, ADMIN_PW),
        Who::ReadOnlyToken => format!(
            "<securityContext><siteName>{SITE}</siteName><webExAccessToken>{}</webExAccessToken></securityContext>",
            w.read_token
        ),
    }
}

fn security_of(user: &str) -> String {
    crate::support::security(SITE, user, PW)
}

async fn world() -> (TestServer, World) {
    let s = TestServer::start().await;
    s.add_user("emp", false, &[]).await;
    let other =
        s.kaigi.create_site("other", SiteSettings::default(), LicensePlan::NamedUser { seats: 2 }).await.expect("site");
    let root = NewUser {
        webex_id: "root".into(),
        fields: UserFields {
            email: Some("root@other.example".into()),
            password: Some("root-pass".into()),
            privileges: vec![("siteAdmin".into(), true), ("host".into(), true)],
            ..UserFields::default()
        },
        ..NewUser::default()
    };
    s.kaigi.create_user(&kaigi_core::model::Caller::operator(other), &root).await.expect("root");
    let api_key = s.kaigi.create_api_key(&s.site, "matrix").await.expect("api key");
    let read_token = token(&s, "alice", Some(&["meeting:schedules_read", "spark:people_read"])).await;
    (s, World { api_key, read_token })
}

#[tokio::test]
async fn every_xml_operation_answers_each_role_as_documented() {
    let (s, w) = world().await;
    let mut checked = 0;
    for (n, def) in OPERATIONS.iter().enumerate() {
        let Status::Served(op) = def.status else { continue };
        // A fresh meeting of alice and a fresh user to aim at, so that no row depends on another.
        let created = s
            .call(
                "alice",
                PW,
                "meeting.CreateMeeting",
                &format!("<metaData><confName>Alice{n}</confName></metaData>{START}"),
            )
            .await;
        let key = created.value(&["meetingkey"]);
        let uuid = created.value(&["meetingUUID"]);
        let target = format!("tgt{n}");
        s.add_user(&target, false, &[]).await;
        for who in EVERYONE {
            let doc = envelope(
                &security(who, &w),
                &format!("{}.{}", def.service.package(), def.name),
                &body(op, &key, &target, n * 10 + who as usize),
            );
            let jwt = (who == Who::ApiKey).then_some(w.api_key.as_str());
            let (status, text) = s.post_raw(doc, Some("text/xml"), jwt).await;
            let row = format!("{} as {who:?}", def.name);
            assert!(status == 200 || status == 403, "{row}: HTTP {status}\n{text}");
            let r = Reply::parse(text);
            let result = r.result().to_string();
            assert!(result == "SUCCESS" || result == "FAILURE", "{row}: {}", r.text);
            let success = result == "SUCCESS";
            match who {
                Who::Anonymous => assert!(
                    !success
                        || matches!(
                            op,
                            Op::GetAPIVersion | Op::LstTimeZone | Op::GetSessionInfo | Op::LstsummarySession
                        ),
                    "{row} answered an anonymous caller"
                ),
                Who::ApiKey => {
                    assert!(!success || matches!(op, Op::GetUserCard | Op::GetAPIVersion), "{row} answered an API key")
                }
                Who::OtherSiteAdmin => {
                    for secret in [uuid.as_str(), "alice@acme.example", &format!("{target}@acme.example")] {
                        assert!(!r.text.contains(secret), "{row} let {secret} cross sites: {}", r.text);
                    }
                }
                Who::Employee | Who::OtherHost => {
                    assert!(
                        !(success && acts_on_others(op)),
                        "{row} acted on alice's meeting or another user: {}",
                        r.text
                    )
                }
                Who::ReadOnlyToken => assert!(!(success && writes(op)), "{row} wrote with a read-only token"),
                Who::Host | Who::SiteAdmin => {}
            }
            checked += 1;
        }
        // Whatever the others sent, alice's meeting kept its title unless she or the admin changed it.
        let title = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
        if title.result() == "SUCCESS" {
            let name = title.value(&["metaData", "confName"]);
            assert!(name == format!("Alice{n}") || name == "Hijacked" && op == Op::SetMeeting, "{}: {name}", def.name);
        }
    }
    assert!(checked >= 8 * 60, "{checked} rows");
}

#[tokio::test]
async fn every_rest_operation_answers_each_role_as_documented() {
    let (s, _) = world().await;
    let alice = token(&s, "alice", None).await;
    let created = rest(
        &s,
        "POST",
        "/v1/meetings",
        Some(&alice),
        Some(json!({
            "title": "Alice REST", "start": "2026-07-01T10:00:00Z", "end": "2026-07-01T11:00:00Z",
            "invitees": [{ "email": "invitee@example.com" }]
        })),
    )
    .await;
    let meeting = created.ok()["id"].as_str().unwrap().to_string();
    let person = created.ok()["hostUserId"].as_str().unwrap().to_string();
    let other_site = s.kaigi.site_named("other").await.expect("other");
    let foreign = s.kaigi.create_personal_token(&other_site, "root", None).await.expect("token").token;
    // A token that opens only the preferences (a token must carry some scope).
    let narrow = token(&s, "alice", Some(&["meeting:preferences_read"])).await;
    let ids = |path: &str| {
        path.replace("{meetingId}", &meeting)
            .replace("{personId}", &person)
            .replace("{meetingInviteeId}", "x")
            .replace("{registrantId}", "1")
            .replace("{licenseId}", "x")
            .replace("{applicationId}", "x")
    };
    let mut checked = 0;
    for (method, path) in kaigi_rest::coverage::SERVED.iter().chain(kaigi_rest::coverage::SERVED_ADMIN) {
        let url = format!("/v1{}", ids(path));
        let body = (*method != "GET" && *method != "DELETE").then(|| json!({}));
        let row = format!("{method} {path}");
        let none = rest(&s, method, &url, None, body.clone()).await;
        assert_eq!(none.status, 401, "{row} without a token: {}", none.body);
        for (who, t) in [("another site's admin", &foreign), ("a preferences-only token", &narrow)] {
            let r = rest(&s, method, &url, Some(t), body.clone()).await;
            assert!(r.status < 500, "{row} as {who}: {}", r.status);
            let text: String = serde_json::to_string(&r.body).unwrap_or_default();
            if who == "another site's admin" {
                assert!(
                    !text.contains("alice@acme.example") && !text.contains(&meeting),
                    "{row} crossed sites: {text}"
                );
            } else if *path != "/authorizations/tokenExpiry"
                && !(*method == "GET" && path.starts_with("/meetingPreferences"))
            {
                assert!(!(200..300).contains(&r.status), "{row} answered a preferences-only token: {text}");
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "{checked}");
}

/// The administrator's pages, by every kind of caller: only the site's administrator (HTTP Basic)
/// opens them; anyone else gets a 401 or 403, never the page, and nothing crosses sites.
#[tokio::test]
async fn the_admin_pages_open_for_the_sites_administrator_only() {
    let (s, _) = world().await;
    let client = reqwest::Client::new();
    for page in ["license-report", "license-report.html", "integrations"] {
        let url = format!("{}/_kaigi/sites/{SITE}/{page}", s.base);
        for (who, creds, allowed) in [
            ("anonymous", None, false),
            ("an employee", Some(("emp", PW)), false),
            ("a host", Some(("alice", PW)), false),
            ("another site's admin", Some(("root", "root-pass")), false),
            ("the admin with a wrong password", Some((ADMIN, "nope")), false),
            ("the site's admin", Some((ADMIN, ADMIN_PW)), true),
        ] {
            let mut req = client.get(&url);
            if let Some((user, pw)) = creds {
                req = req.basic_auth(user, Some(pw));
            }
            let status = req.send().await.expect("page").status().as_u16();
            if allowed {
                assert_eq!(status, 200, "{page} for {who}");
            } else {
                assert!(status == 401 || status == 403, "{page} for {who}: {status}");
            }
        }
    }
}
