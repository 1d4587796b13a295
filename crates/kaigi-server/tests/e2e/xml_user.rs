//! The user service and its 40.x behaviours.

use chrono::Duration;

use crate::support::*;

fn create_body(id: &str, extra: &str) -> String {
    format!("<firstName>{id}</firstName><lastName>Test</lastName><webExId>{id}</webExId><password>pass-{id}</password><email>{id}@acme.example</email>{extra}")
}

/// Moodle's CreateUser (privileges, ACTIVATED) answered with a userId; the new user signs in.
#[tokio::test]
async fn create_user_then_sign_in() {
    let s = TestServer::start().await;
    let r = s
        .as_admin(
            "user.CreateUser",
            &create_body("carol", "<privilege><host>FALSE</host></privilege><active>ACTIVATED</active>"),
        )
        .await;
    r.assert_success();
    assert!(r.text.contains("xsi:type=\"use:createUserResponse\""));
    let user_id = r.value(&["userId"]);
    let me = s.call("carol", "pass-carol", "user.GetUser", "<webExId>carol</webExId>").await;
    me.assert_success();
    assert_eq!(me.value(&["userId"]), user_id);
    assert_eq!(me.value(&["active"]), "ACTIVATED");
    assert_eq!(me.value(&["privilege", "host"]), "false");
    assert_eq!(me.value(&["password"]), "******", "passwords are never returned");
}

#[tokio::test]
async fn only_user_admins_create_users_and_duplicates_are_refused() {
    let s = TestServer::start().await;
    s.call("alice", PW, "user.CreateUser", &create_body("dave", "")).await.assert_failure("000001");
    s.as_admin("user.CreateUser", &create_body("dave", "")).await.assert_success();
    let again = s.as_admin("user.CreateUser", &create_body("DAVE", "")).await;
    again.assert_failure("030004");
    let same_mail = create_body("dave2", "").replace("dave2@acme.example", "Dave@ACME.example");
    s.as_admin("user.CreateUser", &same_mail).await.assert_failure("030005");
}

/// 40.6.0: the user-management administrator creates users but cannot make administrators.
#[tokio::test]
async fn um_site_admin_manages_users_not_admins() {
    let s = TestServer::start().await;
    s.as_admin(
        "user.CreateUser",
        &create_body("uma", "<privilege><umSiteAdmin>true</umSiteAdmin><host>false</host></privilege>"),
    )
    .await
    .assert_success();
    let r = s.call("uma", "pass-uma", "user.GetMe", "").await;
    r.assert_success();
    assert_eq!(r.value(&["privilege", "umSiteAdmin"]), "true");
    s.call("uma", "pass-uma", "user.CreateUser", &create_body("erin", "")).await.assert_success();
    s.call(
        "uma",
        "pass-uma",
        "user.CreateUser",
        &create_body("evil", "<privilege><siteAdmin>true</siteAdmin></privilege>"),
    )
    .await
    .assert_failure("000001");
    let list = s.as_admin("user.LstsummaryUser", "<webExId>uma</webExId>").await;
    assert_eq!(list.value(&["user", "umSiteAdmin"]), "true");
}

/// 40.4.3 / 40.7.0: the welcome mail in the requested language, HTML when asked.
#[tokio::test]
async fn welcome_mail_in_the_requested_language() {
    let s = TestServer::start().await;
    s.as_admin(
        "user.CreateUser",
        &create_body(
            "jan",
            "<languageID>19</languageID><sendWelcome>true</sendWelcome><isHTMLEmail>true</isHTMLEmail>",
        ),
    )
    .await
    .assert_success();
    s.as_admin("user.CreateUser", &create_body("ana", "<language>Romanian</language><sendWelcome>TRUE</sendWelcome>"))
        .await
        .assert_success();
    s.as_admin("user.CreateUser", &create_body("quiet", "<languageID>20</languageID>")).await.assert_success();
    let outbox = s.outbox().await;
    let jan = outbox.iter().find(|m| m.to == "jan@acme.example").expect("mail to jan");
    assert_eq!(jan.language, "cs-CZ");
    assert!(jan.html && jan.body.contains("<html lang=\"cs-CZ\">") && jan.body.contains("jan"));
    let ana = outbox.iter().find(|m| m.to == "ana@acme.example").expect("mail to ana");
    assert_eq!(ana.language, "ro-RO");
    assert!(!ana.html);
    assert!(outbox.iter().all(|m| m.to != "quiet@acme.example"), "no sendWelcome, no mail");
    let r = s.as_admin("user.GetUser", "<webExId>jan</webExId>").await;
    assert_eq!(r.value(&["languageID"]), "19");
    assert_eq!(r.value(&["language"]), "CZECH");
    s.as_admin("user.CreateUser", &create_body("x", "<languageID>99</languageID>")).await.assert_failure("000000");
}

#[tokio::test]
async fn users_read_and_change_only_themselves() {
    let s = TestServer::start().await;
    s.call("alice", PW, "user.GetUser", "<webExId>bob</webExId>").await.assert_failure("000001");
    s.call("alice", PW, "user.SetUser", "<webExId>bob</webExId><firstName>Hacked</firstName>")
        .await
        .assert_failure("000001");
    s.call("alice", PW, "user.SetUser", "<webExId>alice</webExId><privilege><siteAdmin>true</siteAdmin></privilege>")
        .await
        .assert_failure("000001");
    s.call(
        "alice",
        PW,
        "user.SetUser",
        "<webExId>alice</webExId><firstName>Alicia</firstName><timeZoneID>25</timeZoneID>",
    )
    .await
    .assert_success();
    let r = s.call("alice", PW, "user.GetUser", "<webExId>alice</webExId>").await;
    assert_eq!(r.value(&["firstName"]), "Alicia");
    assert_eq!(r.value(&["timeZone"]), "GMT+01:00, Europe (Berlin)");
    // June: Berlin is on summer time.
    assert_eq!(r.value(&["timeZoneWithDST"]), "Berlin (Europe Summer Time, GMT+02:00)");
    s.call("alice", PW, "user.SetUser", "<webExId>alice</webExId><timeZoneID>62</timeZoneID>")
        .await
        .assert_failure("000000");
}

/// 40.4.0: with confirmation required, a user's own email change waits for the link; the latest
/// request wins; an administrator's change is immediate and sends nothing.
#[tokio::test]
async fn email_change_waits_for_confirmation() {
    let s = TestServer::start().await;
    s.call("alice", PW, "user.SetUser", "<webExId>alice</webExId><email>first@new.example</email>")
        .await
        .assert_success();
    s.call("alice", PW, "user.SetUser", "<webExId>alice</webExId><email>second@new.example</email>")
        .await
        .assert_success();
    let r = s.call("alice", PW, "user.GetUser", "<webExId>alice</webExId>").await;
    assert_eq!(r.value(&["email"]), "alice@acme.example", "the old address stays until confirmed");
    let mails = s.outbox().await;
    let link_to = |to: &str| {
        let m = mails.iter().find(|m| m.to == to).unwrap_or_else(|| panic!("no mail to {to}"));
        assert_eq!(m.subject, "Webex Account Change Confirmation");
        let start = m.body.find("http://kaigi.test/_kaigi/confirm-email?token=").expect("link");
        let link = m.body[start..].split_whitespace().next().unwrap().to_string();
        link.replace("http://kaigi.test", "")
    };
    let (first, second) = (link_to("first@new.example"), link_to("second@new.example"));
    assert_eq!(s.get(&first).await.0, 404, "the earlier request was replaced");
    assert_eq!(s.get(&second).await.0, 200);
    let r = s.as_admin("user.GetUser", "<webExId>alice</webExId>").await;
    assert_eq!(r.value(&["email"]), "second@new.example");
    assert_eq!(s.get(&second).await.0, 404, "a link works once");
    // The administrator's change is immediate, and sends no mail.
    let before = s.outbox().await.len();
    s.as_admin("user.SetUser", "<webExId>bob</webExId><email>bob@elsewhere.example</email>").await.assert_success();
    assert_eq!(s.as_admin("user.GetUser", "<webExId>bob</webExId>").await.value(&["email"]), "bob@elsewhere.example");
    assert_eq!(s.outbox().await.len(), before);
}

/// 40.6.0: a personal room's key survives deactivation undone within a week, and is renewed after.
#[tokio::test]
async fn personal_room_key_survives_a_week() {
    let s = TestServer::start().await;
    let code = |r: &Reply| r.value(&["personalMeetingRoom", "accessCode"]);
    let original = code(&s.as_admin("user.GetUser", "<webExId>alice</webExId>").await);
    assert_eq!(original.len(), 9);
    let url = s
        .as_admin("user.GetUser", "<webExId>alice</webExId>")
        .await
        .value(&["personalMeetingRoom", "personalMeetingRoomURL"]);
    assert_eq!(url, "http://kaigi.test/acme/meet/alice");
    s.as_admin("user.SetUser", "<webExId>alice</webExId><active>DEACTIVATED</active>").await.assert_success();
    assert!(s.as_admin("user.GetUser", "<webExId>alice</webExId>").await.body().child("personalMeetingRoom").is_none());
    s.advance(Duration::days(6));
    s.as_admin("user.SetUser", "<webExId>alice</webExId><active>ACTIVATED</active>").await.assert_success();
    assert_eq!(code(&s.as_admin("user.GetUser", "<webExId>alice</webExId>").await), original);
    // DelUser deactivates too; back after eight days, the room is new.
    let del = s.as_admin("user.DelUser", "<webExId>alice</webExId>").await;
    del.assert_success();
    s.advance(Duration::days(8));
    s.as_admin("user.SetUser", "<webExId>alice</webExId><active>ACTIVATED</active>").await.assert_success();
    let renewed = code(&s.as_admin("user.GetUser", "<webExId>alice</webExId>").await);
    assert_ne!(renewed, original);
    assert_eq!(renewed.len(), 9);
}

/// 40.6.1: a personal room needs a meeting type that is not end-to-end encrypted.
#[tokio::test]
async fn pmr_needs_a_non_e2ee_meeting_type() {
    let s = TestServer::start().await;
    let only_e2ee = "<privilege><isEnablePMR>true</isEnablePMR></privilege><meetingTypes><meetingType>215</meetingType></meetingTypes>";
    let r = s.as_admin("user.CreateUser", &create_body("eve", only_e2ee)).await;
    r.assert_failure("110063");
    assert_eq!(r.reason(), "The user must have at least one non-E2EE meeting type to enable PMR.");
    s.as_admin("user.GetUser", "<webExId>eve</webExId>").await.assert_failure("030001");
    let set = "<webExId>bob</webExId><meetingTypes><meetingType>215</meetingType></meetingTypes>";
    s.as_admin("user.SetUser", set).await.assert_failure("110063");
    let both = "<privilege><isEnablePMR>true</isEnablePMR></privilege><meetingTypes><meetingType>215</meetingType><meetingType>214</meetingType></meetingTypes>";
    s.as_admin("user.CreateUser", &create_body("eve", both)).await.assert_success();
    s.as_admin("user.CreateUser", &create_body("zed", "<meetingTypes><meetingType>999</meetingType></meetingTypes>"))
        .await
        .assert_failure("000000");
}

/// A Named User site with 3 seats: a fourth host is refused and not written; freeing a seat
/// makes room.
#[tokio::test]
async fn host_seats_are_limited() {
    let s = TestServer::start_with(3, &["alice", "bob", "cara"]).await;
    let host = "<privilege><host>true</host></privilege>";
    let r = s.as_admin("user.CreateUser", &create_body("dan", host)).await;
    r.assert_failure("030090");
    assert!(r.reason().starts_with("exceededSiteHostLimit"), "{}", r.reason());
    s.as_admin("user.GetUser", "<webExId>dan</webExId>").await.assert_failure("030001");
    // Without host rights dan takes no seat; granting host then fails the same way.
    s.as_admin("user.CreateUser", &create_body("dan", "")).await.assert_success();
    s.as_admin("user.SetUser", &format!("<webExId>dan</webExId>{host}")).await.assert_failure("030090");
    s.as_admin("user.SetUser", "<webExId>cara</webExId><active>DEACTIVATED</active>").await.assert_success();
    s.as_admin("user.SetUser", &format!("<webExId>dan</webExId>{host}")).await.assert_success();
    // Reactivating cara would take a fourth seat.
    s.as_admin("user.SetUser", "<webExId>cara</webExId><active>ACTIVATED</active>").await.assert_failure("030090");
}

#[tokio::test]
async fn del_user_takes_up_to_fifty() {
    let s = TestServer::start().await;
    let r = s.as_admin("user.DelUser", "<webExId>alice</webExId><webExId>ghost</webExId>").await;
    r.assert_success();
    let users = r
        .body()
        .children_named("user")
        .map(|u| (u.text_of("webExId").unwrap().to_string(), u.text_of("status").unwrap().to_string()))
        .collect::<Vec<_>>();
    assert_eq!(users, [("alice".into(), "SUCCESS".into()), ("ghost".into(), "FAILURE".into())]);
    assert_eq!(s.as_admin("user.GetUser", "<webExId>alice</webExId>").await.value(&["active"]), "DEACTIVATED");
    s.call("alice", PW, "user.GetUser", "<webExId>alice</webExId>").await.assert_failure("030002");
    let fifty_one: String = (0..51).map(|i| format!("<webExId>u{i}</webExId>")).collect();
    s.as_admin("user.DelUser", &fifty_one).await.assert_failure("000000");
    s.as_admin("user.DelUser", "<webExId>ghost</webExId>").await.assert_failure("030001");
}

#[tokio::test]
async fn lstsummary_user_pages_filters_and_scopes() {
    let s = TestServer::start_with(10, &["alice", "bob", "cara", "dora", "emil"]).await;
    // Moodle looks a user up by email with a prefixed listControl.
    let r = s
        .as_admin("user.LstsummaryUser", "<listControl><serv:startFrom>1</serv:startFrom><serv:maximumNum>1</serv:maximumNum></listControl><email>CARA@acme.example</email>")
        .await;
    r.assert_success();
    assert_eq!(r.value(&["user", "webExId"]), "cara");
    // Paging: 6 users, 2 a page, ordered by webExId descending.
    let page = s
        .as_admin("user.LstsummaryUser", "<listControl><startFrom>3</startFrom><maximumNum>2</maximumNum></listControl><order><orderBy>WEBEXID</orderBy><orderAD>DESC</orderAD></order>")
        .await;
    let ids: Vec<&str> = page.body().children_named("user").map(|u| u.text_of("webExId").unwrap()).collect();
    assert_eq!(ids, ["cara", "boss"]);
    assert_eq!(page.value(&["matchingRecords", "total"]), "6");
    assert_eq!(page.value(&["matchingRecords", "returned"]), "2");
    assert_eq!(page.value(&["matchingRecords", "startFrom"]), "3");
    assert_in_order(&page.text, &["</use:user>", "<use:matchingRecords><serv:total>6</serv:total><serv:returned>2</serv:returned><serv:startFrom>3</serv:startFrom></use:matchingRecords>"]);
    // A non-administrator sees only themselves; nothing found is 000015.
    let mine = s.call("bob", PW, "user.LstsummaryUser", "").await;
    assert_eq!(mine.body().children_named("user").count(), 1);
    assert_eq!(mine.value(&["user", "webExId"]), "bob");
    let none = s.as_admin("user.LstsummaryUser", "<email>nobody@acme.example</email>").await;
    none.assert_failure("000015");
    assert_eq!(none.reason(), "Sorry, no record found");
}

/// Repeated bad passwords lock the account for the site's lockout time (5 tries, 15 minutes).
#[tokio::test]
async fn bad_passwords_lock_the_account_for_a_while() {
    let s = TestServer::start().await;
    for _ in 0..5 {
        let r = s.call("bob", "wrong", "user.GetUser", "<webExId>bob</webExId>").await;
        r.assert_failure("030002");
        assert_eq!(r.reason(), "Incorrect user or password");
    }
    let locked = s.call("bob", PW, "user.GetUser", "<webExId>bob</webExId>").await;
    locked.assert_failure("030002");
    assert!(locked.reason().contains("locked"), "{}", locked.reason());
    s.advance(Duration::minutes(16));
    s.call("bob", PW, "user.GetUser", "<webExId>bob</webExId>").await.assert_success();
    s.call("nobody", PW, "user.GetUser", "<webExId>bob</webExId>").await.assert_failure("030001");
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let s = TestServer::start().await;
    let alice = s.store.user_by_webex_id(s.site.id, "alice").await.unwrap().unwrap();
    let hash = alice.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains(PW));
}

#[tokio::test]
async fn nothing_crosses_sites() {
    let s = TestServer::start().await;
    let other = s
        .kaigi
        .create_site(
            "globex",
            kaigi_core::model::SiteSettings::default(),
            kaigi_core::model::LicensePlan::EnterpriseAgreement,
        )
        .await
        .unwrap();
    let op = kaigi_core::model::Caller::operator(other);
    let req = kaigi_core::model::NewUser {
        webex_id: "gadmin".into(),
        fields: kaigi_core::model::UserFields {
            email: Some("alice@acme.example".into()), // the same email is fine on another site
            password: Some("g-pass".into()),
            privileges: vec![("siteAdmin".into(), true)],
            ..Default::default()
        },
        ..Default::default()
    };
    s.kaigi.create_user(&op, &req).await.unwrap();
    let doc = envelope(&security("globex", "gadmin", "g-pass"), "user.GetUser", "<webExId>alice</webExId>");
    Reply::parse(s.post(&doc).await.1).assert_failure("030001");
    let doc = envelope(&security(SITE, "gadmin", "g-pass"), "user.GetUser", "<webExId>alice</webExId>");
    Reply::parse(s.post(&doc).await.1).assert_failure("030001");
}

#[tokio::test]
async fn login_and_logout_urls() {
    let s = TestServer::start().await;
    let r = s
        .call(
            "alice",
            PW,
            "user.GetloginurlUser",
            "<webExID>alice</webExID><backURL>https://lms.example/back?x=1</backURL>",
        )
        .await;
    r.assert_success();
    let url = r.value(&["userLoginURL"]);
    assert!(url.starts_with("http://kaigi.test/acme/p.php?AT=LI&WID=alice&TK="), "{url}");
    assert!(url.ends_with("&MU=https%3A%2F%2Flms.example%2Fback%3Fx%3D1"), "{url}");
    let r = s.call("alice", PW, "user.GetlogouturlUser", "<webExID>alice</webExID>").await;
    assert_eq!(r.value(&["userLogoutURL"]), "http://kaigi.test/acme/p.php?AT=LO&WID=alice");
    s.call("alice", PW, "user.GetloginurlUser", "<webExID>bob</webExID>").await.assert_failure("000001");
}

/// 40.6.0: GetUserCard with a site API key in the JWTToken header, the sample's envelope
/// (unprefixed root, the 2009/05 namespace, a JSON content type); the key opens nothing else.
#[tokio::test]
async fn user_card_with_an_api_key() {
    let s = TestServer::start().await;
    let key = s.kaigi.create_api_key(&s.site, "directory").await.unwrap();
    let doc = |op: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><message xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xmlns:serv=\"http://www.webex.com/schemas/2009/05/service\"><header><securityContext><siteName>{SITE}</siteName>\
             </securityContext></header><body><bodyContent xsi:type=\"java:com.webex.service.binding.user.{op}\">\
             <webExId>alice</webExId></bodyContent></body></message>"
        )
    };
    let (status, text) = s.post_raw(doc("GetUserCard"), Some("application/json;charset=utf-8"), Some(&key)).await;
    assert_eq!(status, 200);
    let r = Reply::parse(text);
    r.assert_success();
    assert!(r.text.contains("xsi:type=\"use:getUserCardResponse\""));
    assert_eq!(r.value(&["personalMeetingRoom", "title"]), "Alice's Personal Room");
    assert_eq!(r.value(&["personalMeetingRoom", "personalMeetingRoomURL"]), "http://kaigi.test/acme/meet/alice");
    assert_eq!(r.value(&["personalMeetingRoom", "accessCode"]).len(), 9);
    assert_eq!(r.value(&["avatar", "isUploaded"]), "false");
    let (_, text) = s.post_raw(doc("GetUser"), Some("text/xml"), Some(&key)).await;
    Reply::parse(text).assert_failure("000001");
    let (_, text) = s.post_raw(doc("GetUserCard"), Some("text/xml"), Some("not.a.key")).await;
    Reply::parse(text).assert_failure("030047");
}

/// 40.4.5: GetUserCard beyond the site's calls per minute is answered with HTTP 403.
#[tokio::test]
async fn user_card_usage_limit_is_http_403() {
    let s = TestServer::start().await;
    let mut settings = s.site.settings.clone();
    settings.usage_limit_per_minute = 3;
    s.store.update_site_settings(s.site.id, &settings).await.unwrap();
    for _ in 0..3 {
        s.call("alice", PW, "user.GetUserCard", "<webExId>bob</webExId>").await.assert_success();
    }
    let doc = envelope(&security(SITE, "alice", PW), "user.GetUserCard", "<webExId>bob</webExId>");
    let (status, text) = s.post(&doc).await;
    assert_eq!(status, 403);
    assert_eq!(Reply::parse(text).reason(), "403 forbidden");
    s.advance(Duration::seconds(60));
    s.call("alice", PW, "user.GetUserCard", "<webExId>bob</webExId>").await.assert_success();
}

/// OAuth on the XML API (spec §1.3, §3.1, §7): `webExAccessToken` in the security context and
/// AuthenticateUser with `accessToken` take the tokens /v1/access_token issues, with the scopes
/// of the REST operations of the same meaning.
#[tokio::test]
async fn access_tokens_sign_in_with_their_scopes() {
    use crate::rest_support::token;
    let s = TestServer::start().await;
    let with_token = |t: &str| {
        format!(
            "<securityContext><siteName>{SITE}</siteName><webExAccessToken>{t}</webExAccessToken></securityContext>"
        )
    };
    let reader = token(&s, "alice", Some(&["meeting:schedules_read", "spark:people_read"])).await;
    let doc = envelope(&with_token(&reader), "user.GetUser", "<webExId>alice</webExId>");
    let r = Reply::parse(s.post(&doc).await.1);
    r.assert_success();
    assert_eq!(r.value(&["webExId"]), "alice");
    // Scheduling needs a write scope the token does not carry.
    let create =
        "<metaData><confName>T</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate></schedule>";
    let r = Reply::parse(s.post(&envelope(&with_token(&reader), "meeting.CreateMeeting", create)).await.1);
    r.assert_failure("000001");
    assert!(r.reason().contains("meeting:schedules_write"), "{}", r.reason());
    // A narrow token cannot be traded for a session ticket, which has every power of its person.
    let r = Reply::parse(s.post(&envelope(&with_token(&reader), "user.AuthenticateUser", "")).await.1);
    r.assert_failure("000001");
    // A token that carries everything alice may do is traded for a ticket, from the body too.
    let full = token(&s, "alice", None).await;
    let body = format!("<accessToken>{full}</accessToken>");
    let only_site = format!("<securityContext><siteName>{SITE}</siteName><webExID>alice</webExID></securityContext>");
    let r = Reply::parse(s.post(&envelope(&only_site, "user.AuthenticateUser", &body)).await.1);
    r.assert_success();
    assert!(!r.value(&["sessionTicket"]).is_empty());
    // A made-up or someone else's token fails with the reason the spec records.
    let r = Reply::parse(s.post(&envelope(&with_token("nope"), "user.GetUser", "<webExId>alice</webExId>")).await.1);
    r.assert_failure("030047");
    assert_eq!(r.reason(), "WebEx access token is invalid");
    let bobs = token(&s, "bob", None).await;
    let as_alice = format!("<securityContext><siteName>{SITE}</siteName><webExID>alice</webExID><webExAccessToken>{bobs}</webExAccessToken></securityContext>");
    Reply::parse(s.post(&envelope(&as_alice, "user.GetUser", "<webExId>alice</webExId>")).await.1)
        .assert_failure("030047");
    // It expires like any REST token.
    s.advance(chrono::Duration::days(15));
    Reply::parse(s.post(&envelope(&with_token(&full), "user.GetMe", "")).await.1).assert_failure("030047");
}
