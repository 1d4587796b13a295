//! /v1/meetingPreferences: the personal room the XML API shows, its options and co-hosts; audio,
//! video and scheduling options; the user's one site; administrators acting with `userEmail`.

use kaigi_core::model::{
    ActiveState, AudioChange, Caller, LicenseAction, LicenseOutcome, PreferenceAccess, SiteSettings,
};
use serde_json::{json, Value};

use crate::rest_support::*;
use crate::support::*;

const ROOM: &str = "/v1/meetingPreferences/personalMeetingRoom";

fn room_body(topic: &str, pin: &str, co_hosts: &[&str]) -> Value {
    let co: Vec<Value> = co_hosts.iter().map(|e| json!({ "email": e, "displayName": "ignored" })).collect();
    json!({
        "topic": topic,
        "hostPin": pin,
        "enabledAutoLock": true,
        "autoLockMinutes": 10,
        "enabledNotifyHost": true,
        "supportCoHost": true,
        "coHosts": co,
    })
}

fn is_accepted_pin(pin: &str) -> bool {
    let d: Vec<i32> = pin.bytes().map(|b| i32::from(b - b'0')).collect();
    let steps: Vec<i32> = d.windows(2).map(|w| w[1] - w[0]).collect();
    pin.len() == 4
        && pin.bytes().all(|b| b.is_ascii_digit())
        && !steps.iter().all(|s| *s == 0)
        && !steps.iter().all(|s| *s == 1)
        && !steps.iter().all(|s| *s == -1)
}

#[tokio::test]
async fn the_rest_personal_room_is_the_room_the_xml_api_shows() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let room = rest(&s, "GET", ROOM, Some(&alice), None).await.ok().clone();
    let xml = s.call("alice", PW, "user.GetUser", "<webExId>alice</webExId>").await;
    xml.assert_success();
    assert_eq!(room["personalMeetingRoomLink"], xml.value(&["personalMeetingRoom", "personalMeetingRoomURL"]));
    assert_eq!(room["personalMeetingRoomLink"], "http://kaigi.test/acme/meet/alice");
    assert_eq!(room["hostPin"], xml.value(&["personalMeetingRoom", "hostPIN"]));
    assert_eq!(room["telephony"]["accessCode"], xml.value(&["personalMeetingRoom", "accessCode"]));
    assert_eq!(room["sipAddress"], xml.value(&["personalMeetingRoom", "sipURL"]));
    assert_eq!(room["topic"], "Alice's Personal Room");
    assert!(is_accepted_pin(room["hostPin"].as_str().unwrap()), "a generated PIN obeys the rules: {room}");

    // A change made over REST is what the XML API shows next.
    let put = rest(&s, "PUT", ROOM, Some(&alice), Some(room_body("Alice's lab", "4325", &[]))).await;
    assert_eq!(put.ok()["topic"], "Alice's lab");
    assert_eq!(put.body["hostPin"], "4325");
    assert_eq!(put.body["autoLockMinutes"], 10);
    assert_eq!(put.body["personalMeetingRoomLink"], room["personalMeetingRoomLink"], "the link is read-only");
    let xml = s.call("alice", PW, "user.GetUser", "<webExId>alice</webExId>").await;
    assert_eq!(xml.value(&["personalMeetingRoom", "title"]), "Alice's lab");
    assert_eq!(xml.value(&["personalMeetingRoom", "hostPIN"]), "4325");
    assert_eq!(xml.value(&["personalMeetingRoom", "PMRAutoLock"]), "true");
    assert_eq!(xml.value(&["personalMeetingRoom", "PMRAutoLockWaitTime"]), "10");
    assert_eq!(xml.value(&["personalMeetingRoom", "accessCode"]), room["telephony"]["accessCode"].as_str().unwrap());
    let info = s.call("bob", PW, "ep.GetSessionInfo", "<pmrUrl>http://kaigi.test/acme/meet/alice</pmrUrl>").await;
    assert_eq!(info.value(&["metaData", "confName"]), "Alice's lab");
    let again = rest(&s, "GET", "/v1/meetingPreferences", Some(&alice), None).await;
    assert_eq!(again.ok()["personalMeetingRoom"], put.body);
    assert_eq!(again.body["sites"], json!([{ "siteUrl": "kaigi.test/acme", "default": true }]));
}

#[tokio::test]
async fn every_bad_personal_room_change_is_refused_and_names_its_field() {
    let s = TestServer::start().await;
    s.add_user("dora", true, &[]).await;
    let alice = token(&s, "alice", None).await;
    let good = room_body("Room", "4325", &[]);
    for field in
        ["topic", "hostPin", "enabledAutoLock", "autoLockMinutes", "enabledNotifyHost", "supportCoHost", "coHosts"]
    {
        let mut body = good.clone();
        body.as_object_mut().unwrap().remove(field);
        let r = rest(&s, "PUT", ROOM, Some(&alice), Some(body)).await;
        r.assert_error(400);
        assert!(r.description().contains(field), "{field}: {}", r.description());
    }
    for (field, value) in [
        ("hostPin", json!("1234")),
        ("hostPin", json!("9876")),
        ("hostPin", json!("7777")),
        ("hostPin", json!("123")),
        ("hostPin", json!("43251")),
        ("hostPin", json!("43a5")),
        ("autoLockMinutes", json!(7)),
        ("topic", json!("   ")),
        ("topic", json!("x".repeat(129))),
        ("coHosts", json!([{ "email": "nobody@elsewhere.example" }])),
        ("coHosts", json!([{ "email": "alice@acme.example" }])),
        ("coHosts", json!([{ "displayName": "No Email" }])),
        ("coHosts", json!((0..21).map(|_| json!({ "email": "bob@acme.example" })).collect::<Vec<_>>())),
    ] {
        let mut body = good.clone();
        body[field] = value.clone();
        let r = rest(&s, "PUT", ROOM, Some(&alice), Some(body)).await;
        r.assert_error(400);
        assert!(r.description().contains(field), "{field}={value}: {}", r.description());
    }
    rest_raw(&s, "PUT", ROOM, Some(&alice), Some("{not json".into()), &[]).await.assert_error(400);
    rest_raw(&s, "PUT", ROOM, Some(&alice), Some("x".repeat(2 * 1024 * 1024)), &[]).await.assert_error(413);
    // The PIN length is the site's.
    let settings = SiteSettings { host_pin_length: 6, ..s.site.settings.clone() };
    s.store.update_site_settings(s.site.id, &settings).await.expect("settings");
    let mut six = good.clone();
    rest(&s, "PUT", ROOM, Some(&alice), Some(six.clone())).await.assert_error(400);
    six["hostPin"] = json!("432519");
    assert_eq!(rest(&s, "PUT", ROOM, Some(&alice), Some(six)).await.ok()["hostPin"], "432519");
    let settings = SiteSettings { host_pin_length: 4, ..settings };
    s.store.update_site_settings(s.site.id, &settings).await.expect("settings");
    rest(&s, "PUT", ROOM, Some(&alice), Some(room_body("Alice's Personal Room", "4325", &[]))).await.ok();
    // Nothing of the refused changes was kept.
    let room = rest(&s, "GET", ROOM, Some(&alice), None).await;
    assert_eq!(room.ok()["topic"], "Alice's Personal Room");
    // A user with no personal room has none to read or change.
    let dora = token(&s, "dora", None).await;
    rest(&s, "GET", ROOM, Some(&dora), None).await.assert_error(404);
    rest(&s, "PUT", ROOM, Some(&dora), Some(good)).await.assert_error(404);
    let all = rest(&s, "GET", "/v1/meetingPreferences", Some(&dora), None).await;
    // The spec requires the field: it is there, empty.
    assert_eq!(all.ok()["personalMeetingRoom"]["personalMeetingRoomLink"], "", "{}", all.body);
    assert!(all.body["audio"].is_object());
}

#[tokio::test]
async fn co_hosts_are_users_of_the_site_and_need_a_licence() {
    let s = TestServer::start().await;
    s.add_user("emp", false, &[]).await;
    let alice = token(&s, "alice", None).await;
    let body = room_body("Room", "4325", &["BOB@acme.example", "emp@acme.example", "bob@acme.example"]);
    let put = rest(&s, "PUT", ROOM, Some(&alice), Some(body)).await;
    // bob holds a licence and is kept (once); emp holds none and is left out, as a meeting keeps
    // such a person a plain invitee.
    assert_eq!(put.ok()["coHosts"], json!([{ "email": "bob@acme.example", "displayName": "Bob Example" }]));
    let decisions = s.store.recent_license_decisions(s.site.id, 10).await.expect("decisions");
    let cohost: Vec<_> = decisions.iter().filter(|d| d.action == LicenseAction::Cohost).collect();
    assert_eq!(cohost.len(), 2, "{decisions:?}");
    let emp = cohost.iter().find(|d| d.person == "emp").expect("emp asked");
    assert_eq!(emp.outcome, LicenseOutcome::Refused);
    assert_eq!(emp.booking_name, "Room");
    assert!(cohost.iter().any(|d| d.person == "bob" && d.outcome == LicenseOutcome::Allowed));
    // Keeping bob asks nothing again.
    let body = room_body("Room", "4325", &["bob@acme.example"]);
    rest(&s, "PUT", ROOM, Some(&alice), Some(body)).await.ok();
    let decisions = s.store.recent_license_decisions(s.site.id, 10).await.expect("decisions");
    assert_eq!(decisions.iter().filter(|d| d.action == LicenseAction::Cohost).count(), 2);
    // Removing him is a plain change.
    let cleared = rest(&s, "PUT", ROOM, Some(&alice), Some(room_body("Room", "4325", &[]))).await;
    assert_eq!(cleared.ok()["coHosts"], json!([]));
}

#[tokio::test]
async fn user_email_is_for_administrators_of_the_same_site() {
    let s = TestServer::start().await;
    s.add_user("reader", false, &[("roSiteAdmin", true)]).await;
    let alice = token(&s, "alice", None).await;
    let boss = token(&s, "boss", None).await;
    let reader = token(&s, "reader", None).await;
    let spec_text = "Not permitted to view or change other user's preferences";
    let bob_room = format!("{ROOM}?userEmail=bob%40acme.example");
    let r = rest(&s, "GET", &bob_room, Some(&alice), None).await;
    r.assert_error(403);
    assert_eq!(r.description(), spec_text);
    let r = rest(&s, "PUT", &bob_room, Some(&alice), Some(room_body("Mine now", "4325", &[]))).await;
    r.assert_error(403);
    // Naming oneself is no acting for others.
    rest(&s, "GET", &format!("{ROOM}?userEmail=ALICE%40acme.example"), Some(&alice), None).await.ok();
    // An administrator reads and changes bob's room.
    let got = rest(&s, "GET", &bob_room, Some(&boss), None).await;
    assert_eq!(got.ok()["personalMeetingRoomLink"], "http://kaigi.test/acme/meet/bob");
    let put = rest(&s, "PUT", &bob_room, Some(&boss), Some(room_body("Bob's by boss", "5820", &[]))).await;
    assert_eq!(put.ok()["topic"], "Bob's by boss");
    let bob = token(&s, "bob", None).await;
    assert_eq!(rest(&s, "GET", ROOM, Some(&bob), None).await.ok()["hostPin"], "5820");
    // A read-only administrator reads for others but changes only their own.
    assert_eq!(rest(&s, "GET", &bob_room, Some(&reader), None).await.ok()["topic"], "Bob's by boss");
    let r = rest(&s, "PUT", &bob_room, Some(&reader), Some(room_body("No", "4325", &[]))).await;
    r.assert_error(403);
    assert_eq!(r.description(), spec_text);
    // Someone who is no user of the site is nobody an administrator may name.
    let r = rest(&s, "GET", &format!("{ROOM}?userEmail=ghost%40acme.example"), Some(&boss), None).await;
    r.assert_error(403);
    assert_eq!(r.description(), spec_text);
    // Without the preferences scopes nothing is read.
    let narrow = token(&s, "alice", Some(&["meeting:schedules_read"])).await;
    let r = rest(&s, "GET", "/v1/meetingPreferences", Some(&narrow), None).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:preferences_read"), "{}", r.description());
    let read_only = token(&s, "alice", Some(&["meeting:preferences_read"])).await;
    rest(&s, "GET", ROOM, Some(&read_only), None).await.ok();
    let r = rest(&s, "PUT", ROOM, Some(&read_only), Some(room_body("Room", "4325", &[]))).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:preferences_write"));
    rest(&s, "GET", ROOM, None, None).await.assert_error(401);
}

#[tokio::test]
async fn audio_and_video_options_are_checked_and_kept() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let audio = "/v1/meetingPreferences/audio";
    let first = rest(&s, "GET", audio, Some(&alice), None).await;
    assert_eq!(first.ok()["defaultAudioType"], "webexAudio");
    assert!(first.body.get("audioPin").is_none());
    let put = rest(
        &s,
        "PUT",
        audio,
        Some(&alice),
        Some(json!({
            "defaultAudioType": "voipOnly",
            "audioPin": "1314",
            "enabledTollFree": true,
            "officeNumber": { "countryCode": "81", "number": "3-1234-5678", "enabledCallMe": true },
        })),
    )
    .await;
    assert_eq!(put.ok()["defaultAudioType"], "voipOnly");
    assert_eq!(put.body["audioPin"], "1314");
    assert_eq!(put.body["officeNumber"]["number"], "3-1234-5678");
    assert_eq!(put.body["officeNumber"]["enabledCallMe"], true);
    // What a change leaves out stays.
    let put = rest(&s, "PUT", audio, Some(&alice), Some(json!({ "enabledAutoConnection": true }))).await;
    assert_eq!(put.ok()["audioPin"], "1314");
    assert_eq!(put.body["enabledTollFree"], true);
    assert_eq!(rest(&s, "GET", audio, Some(&alice), None).await.ok(), &put.body);
    for (field, value) in [
        ("audioPin", json!("1234")),
        ("audioPin", json!("2222")),
        ("audioPin", json!("131")),
        ("audioPin", json!("13145")),
        ("defaultAudioType", json!("carrierPigeon")),
        ("officeNumber", json!({ "number": "call me maybe" })),
        ("mobileNumber", json!({ "number": "1".repeat(31) })),
        ("otherTeleconferenceDescription", json!("x".repeat(513))),
    ] {
        let r = rest(&s, "PUT", audio, Some(&alice), Some(json!({ field: value }))).await;
        r.assert_error(400);
        assert!(r.description().contains(field), "{field}: {}", r.description());
    }

    let video = "/v1/meetingPreferences/video";
    assert_eq!(rest(&s, "GET", video, Some(&alice), None).await.ok()["videoDevices"], json!([]));
    let devices = json!([
        { "deviceName": "Room 1", "deviceAddress": "room1@acme.example", "isDefault": false },
        { "deviceName": "Desk", "deviceAddress": "desk@acme.example", "isDefault": true },
    ]);
    let put = rest(&s, "PUT", video, Some(&alice), Some(json!({ "videoDevices": devices }))).await;
    assert_eq!(put.ok()["videoDevices"], devices);
    assert_eq!(rest(&s, "GET", video, Some(&alice), None).await.ok()["videoDevices"], devices);
    for body in [
        json!({}),
        json!({ "videoDevices": [{ "deviceName": "A", "deviceAddress": "a@acme.example", "isDefault": false }] }),
        json!({ "videoDevices": [{ "deviceName": "", "deviceAddress": "a@acme.example", "isDefault": true }] }),
        json!({ "videoDevices": [{ "deviceName": "A", "deviceAddress": "no address", "isDefault": true }] }),
        json!({ "videoDevices": (0..11).map(|i| json!({ "deviceName": "A", "deviceAddress": "a@acme.example", "isDefault": i == 0 })).collect::<Vec<_>>() }),
    ] {
        rest(&s, "PUT", video, Some(&alice), Some(body)).await.assert_error(400);
    }
    let cleared = rest(&s, "PUT", video, Some(&alice), Some(json!({ "videoDevices": [] }))).await;
    assert_eq!(cleared.ok()["videoDevices"], json!([]));
}

#[tokio::test]
async fn delegates_are_the_xml_api_scheduling_permission() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let path = "/v1/meetingPreferences/schedulingOptions";
    let first = rest(&s, "GET", path, Some(&alice), None).await;
    assert_eq!(first.ok()["delegateEmails"], json!([]));
    assert_eq!(first.body["joinBeforeHostMinutes"], 0);
    let body =
        json!({ "enabledJoinBeforeHost": true, "joinBeforeHostMinutes": 10, "delegateEmails": ["BOB@acme.example"] });
    let put = rest(&s, "PUT", path, Some(&alice), Some(body)).await;
    assert_eq!(put.ok()["delegateEmails"], json!(["bob@acme.example"]));
    assert_eq!(put.body["enabledJoinBeforeHost"], true);
    assert_eq!(put.body["joinBeforeHostMinutes"], 10);
    let xml = s.call("alice", PW, "user.GetUser", "<webExId>alice</webExId>").await;
    assert_eq!(xml.value(&["schedulingPermission"]), "bob");
    // And the other way round: SetUser changes what REST shows.
    s.call("alice", PW, "user.SetUser", "<webExId>alice</webExId><schedulingPermission>boss</schedulingPermission>")
        .await
        .assert_success();
    let got = rest(&s, "GET", path, Some(&alice), None).await;
    assert_eq!(got.ok()["delegateEmails"], json!(["boss@acme.example"]));
    assert_eq!(got.body["joinBeforeHostMinutes"], 10, "options a change leaves out stay");
    for (field, value) in [
        ("joinBeforeHostMinutes", json!(20)),
        ("delegateEmails", json!(["stranger@elsewhere.example"])),
        ("delegateEmails", json!(["alice@acme.example"])),
        ("delegateEmails", json!((0..51).map(|_| "bob@acme.example").collect::<Vec<_>>())),
    ] {
        let r = rest(&s, "PUT", path, Some(&alice), Some(json!({ field: value }))).await;
        r.assert_error(400);
        assert!(r.description().contains(field), "{field}: {}", r.description());
    }
    let r = rest(&s, "PUT", path, Some(&alice), Some(json!({ "enabledJoinBeforeHost": "perhaps" }))).await;
    r.assert_error(400);
}

#[tokio::test]
async fn a_user_has_one_site_and_it_is_their_default() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    let sites = rest(&s, "GET", "/v1/meetingPreferences/sites", Some(&alice), None).await;
    assert_eq!(sites.ok()["sites"], json!([{ "siteUrl": "kaigi.test/acme", "default": true }]));
    let path = "/v1/meetingPreferences/sites?defaultSite=true";
    for url in ["kaigi.test/acme", "http://kaigi.test/acme/", "acme"] {
        let put = rest(&s, "PUT", path, Some(&alice), Some(json!({ "siteUrl": url }))).await;
        assert_eq!(put.ok(), &json!({ "siteUrl": "kaigi.test/acme", "default": true }), "{url}");
    }
    let r = rest(&s, "PUT", path, Some(&alice), Some(json!({ "siteUrl": "other.example.com" }))).await;
    r.assert_error(404);
    assert!(r.description().contains("kaigi.test/acme"), "{}", r.description());
    rest(&s, "PUT", path, Some(&alice), Some(json!({}))).await.assert_error(400);
    let r = rest(&s, "PUT", "/v1/meetingPreferences/sites", Some(&alice), Some(json!({ "siteUrl": "acme" }))).await;
    r.assert_error(400);
    assert!(r.description().contains("defaultSite"));
    rest(&s, "PUT", "/v1/meetingPreferences/sites?defaultSite=false", Some(&alice), Some(json!({ "siteUrl": "acme" })))
        .await
        .assert_error(400);
    // Any preference read names the user's site or none.
    rest(&s, "GET", &format!("{ROOM}?siteUrl=kaigi.test/acme"), Some(&alice), None).await.ok();
    rest(&s, "GET", &format!("{ROOM}?siteUrl=other.example.com"), Some(&alice), None).await.assert_error(404);
    rest(&s, "DELETE", "/v1/meetingPreferences/sites", Some(&alice), None).await.assert_error(405);
}

#[tokio::test]
async fn saving_preferences_keeps_a_deactivation_made_meanwhile_by_another_process() {
    let s = TestServer::start().await;
    let alice = token(&s, "alice", None).await;
    // A preferences request has authenticated and read its owner...
    let who = s.kaigi.authenticate_bearer(&alice).await.expect("token");
    let owner = s.kaigi.preferences_owner(&who, None, PreferenceAccess::Write).await.expect("owner");
    // ...when `kaigi user deactivate` (another process, whose write this server's cache never
    // hears of) deactivates alice.
    let cli = s.another_process().await;
    let done = cli.deactivate_users(&Caller::operator(s.site.clone()), &["alice".into()]).await.expect("deactivate");
    assert!(done[0].outcome.is_ok(), "{:?}", done[0].outcome);

    let change = AudioChange { audio_pin: Some("1314".into()), toll_free: Some(true), ..AudioChange::default() };
    let saved = s.kaigi.update_audio_preferences(owner, &change).await.expect("saved");
    assert_eq!(saved.active, ActiveState::Deactivated, "the answer is the user as stored");

    let stored = s.another_store().await.user_by_id(s.site.id, saved.id).await.expect("read").expect("alice");
    assert_eq!(stored.active, ActiveState::Deactivated, "the preferences write did not bring alice back");
    assert_eq!(stored.preferences.audio.audio_pin.as_deref(), Some("1314"));
    assert!(stored.preferences.audio.toll_free);
    assert!(stored.personal_room.as_ref().is_some_and(|r| r.released_at.is_some()), "her room stays released");
    // And her token opens nothing any more.
    rest(&s, "GET", "/v1/meetingPreferences/audio", Some(&alice), None).await.assert_error(401);
}

/// The spec requires `personalMeetingRoom` in `GET /v1/meetingPreferences`: a user without a
/// personal room gets its required fields, empty, while the room's own resource says 404.
#[tokio::test]
async fn a_user_without_a_room_still_gets_the_required_field() {
    let s = TestServer::start().await;
    s.add_user("emp", false, &[]).await;
    let t = token(&s, "emp", None).await;
    let all = rest(&s, "GET", "/v1/meetingPreferences", Some(&t), None).await;
    let room = &all.ok()["personalMeetingRoom"];
    assert_eq!((room["personalMeetingRoomLink"].as_str(), room["hostPin"].as_str()), (Some(""), Some("")));
    assert_eq!(room["telephony"]["callInNumbers"], serde_json::json!([]));
    rest(&s, "GET", ROOM, Some(&t), None).await.assert_error(404);
}
