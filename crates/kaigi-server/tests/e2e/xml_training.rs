//! Training Center over the XML API, with requests modelled on the Moodle activity plugin's
//! training-session templates (written by us): create with a generated session password, read,
//! change, list and delete; each kind finds only its own sessions.

use crate::support::*;

/// A Moodle-shaped CreateTrainingSession body; `password` empty means none is sent.
fn moodle_session(name: &str, password: &str, repeat: &str) -> String {
    format!(
        "<accessControl><listing>UNLISTED</listing><sessionPassword>{password}</sessionPassword><enforcePassword>FALSE</enforcePassword></accessControl>\
         <schedule><startDate>06/20/2026 10:00:00</startDate><timeZoneID>20</timeZoneID><openTime>20</openTime><duration>90</duration><hostWebExID>alice</hostWebExID></schedule>\
         <metaData><confName>{name}</confName><agenda>Week 3</agenda><sessionTemplate><use>Standard</use></sessionTemplate></metaData>\
         <enableOptions><attendeeSendVideo>TRUE</attendeeSendVideo></enableOptions>\
         <telephony><telephonySupport>CALLIN</telephonySupport></telephony>\
         <presenters><participants><participant><person><name>Bob Example</name><email>bob@acme.example</email><webExId>bob</webExId><type>MEMBER</type></person><role>HOST</role></participant></participants></presenters>\
         <repeat><repeatType>{repeat}</repeatType></repeat>"
    )
}

#[tokio::test]
async fn moodle_creates_reads_changes_lists_and_deletes_a_training_session() {
    let s = TestServer::start().await;
    let r = s.call("alice", PW, "training.CreateTrainingSession", &moodle_session("Biology 101", "", "SINGLE")).await;
    r.assert_success();
    // Moodle reads train:sessionkey (lower-case k) and train:additionalInfo/train:guestToken.
    assert!(r.text.contains("xmlns:train=\"http://www.webex.com/schemas/2002/06/service/trainingsession\""));
    assert!(r.text.contains("xsi:type=\"train:createTrainingSessionResponse\""), "{}", r.text);
    assert_in_order(&r.text, &["<train:sessionkey>", "<train:additionalInfo><train:sessionkey>", "<train:guestToken>"]);
    let key = r.value(&["sessionkey"]);
    assert_eq!(r.value(&["additionalInfo", "sessionkey"]), key);
    assert_eq!(r.value(&["additionalInfo", "guestToken"]).len(), 32);
    assert_eq!(r.value(&["meetingUUID"]).len(), 32);
    // 40.1.2: the site requires passwords and none was given, so one is generated.
    let generated = r.value(&["sessionPassword"]);
    assert!(generated.len() >= 8, "{generated}");

    let get = s.call("alice", PW, "training.GetTrainingSession", &format!("<sessionKey>{key}</sessionKey>")).await;
    get.assert_success();
    assert!(get.text.contains("xsi:type=\"train:getTrainingSessionResponse\""));
    assert_eq!(get.value(&["accessControl", "listing"]), "UNLISTED");
    assert_eq!(get.value(&["accessControl", "sessionPassword"]), generated);
    assert!(get.value(&["accessControl", "audioPassword"]).chars().all(|c| c.is_ascii_digit()));
    assert_eq!(get.value(&["accessControl", "isEnforceAudioPassword"]), "false");
    assert_eq!(get.value(&["schedule", "startDate"]), "06/20/2026 10:00:00");
    assert_eq!(get.value(&["schedule", "timeZoneID"]), "20");
    assert_eq!(get.value(&["schedule", "openTime"]), "20");
    assert_eq!(get.value(&["schedule", "duration"]), "90");
    assert_eq!(get.value(&["metaData", "confName"]), "Biology 101");
    // The host's Training Center meeting type is the default (TRS, 217).
    assert_eq!(get.value(&["metaData", "sessionType"]), "217");
    assert_eq!(get.value(&["repeat", "repeatType"]), "SINGLE");
    assert_eq!(get.value(&["presenters", "participants", "participant", "role"]), "HOST");
    assert_eq!(get.value(&["sessionkey"]), key);
    assert_eq!(get.value(&["hostKey"]).len(), 6);
    assert!(!get.value(&["eventID"]).is_empty());
    assert_eq!(get.value(&["guestToken"]), r.value(&["additionalInfo", "guestToken"]));
    assert_eq!(get.value(&["hostType"]), "1019001");

    // Bob is an alternate host (presenter with role HOST): he may change it.
    let set = s
        .call(
            "bob",
            PW,
            "training.SetTrainingSession",
            &format!("<sessionKey>{key}</sessionKey><metaData><confName>Biology 102</confName></metaData><schedule><duration>45</duration></schedule>"),
        )
        .await;
    set.assert_success();
    let get = s.call("alice", PW, "training.GetTrainingSession", &format!("<sessionKey>{key}</sessionKey>")).await;
    assert_eq!(get.value(&["metaData", "confName"]), "Biology 102");
    assert_eq!(get.value(&["schedule", "duration"]), "45");

    let list = s.call("alice", PW, "training.LstsummaryTrainingSession", "").await;
    list.assert_success();
    assert_eq!(list.value(&["trainingSession", "sessionKey"]), key);
    assert_eq!(list.value(&["trainingSession", "otherHostWebExID"]), "bob@acme.example");
    assert_eq!(list.value(&["matchingRecords", "total"]), "1");

    s.call("alice", PW, "training.DelTrainingSession", &format!("<sessionKey>{key}</sessionKey>"))
        .await
        .assert_success();
    s.call("alice", PW, "training.GetTrainingSession", &format!("<sessionKey>{key}</sessionKey>"))
        .await
        .assert_failure("060001");
    s.call("alice", PW, "training.LstsummaryTrainingSession", "").await.assert_failure("000015");
}

#[tokio::test]
async fn a_given_session_password_is_echoed_and_recurring_sessions_keep_their_rule() {
    let s = TestServer::start().await;
    let r = s.call("alice", PW, "training.CreateTrainingSession", &moodle_session("Chem", "Lab2026", "SINGLE")).await;
    assert_eq!(r.value(&["sessionPassword"]), "Lab2026");
    let body = moodle_session("Weekly", "", "RECURRING_SINGLE").replace(
        "</repeatType></repeat>",
        "</repeatType><occurenceType>WEEKLY</occurenceType><interval>1</interval><endAfter>4</endAfter><dayInWeek><day>SATURDAY</day></dayInWeek></repeat>",
    );
    let r = s.call("alice", PW, "training.CreateTrainingSession", &body).await;
    r.assert_success();
    let key = r.value(&["sessionkey"]);
    let get = s.call("alice", PW, "training.GetTrainingSession", &format!("<sessionKey>{key}</sessionKey>")).await;
    assert_eq!(get.value(&["repeat", "repeatType"]), "RECURRING_SINGLE");
    assert_eq!(get.value(&["repeat", "occurenceType"]), "WEEKLY");
    assert_eq!(get.value(&["repeat", "endAfter"]), "4");
    let bad = moodle_session("Odd", "", "SOMETIMES");
    s.call("alice", PW, "training.CreateTrainingSession", &bad).await.assert_failure("000000");
}

#[tokio::test]
async fn each_kind_finds_only_its_own_sessions() {
    let s = TestServer::start().await;
    let meeting = s
        .call(
            "alice",
            PW,
            "meeting.CreateMeeting",
            "<metaData><confName>Plain</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate></schedule>",
        )
        .await;
    let mkey = meeting.value(&["meetingkey"]);
    let training = s.call("alice", PW, "training.CreateTrainingSession", &moodle_session("T", "", "SINGLE")).await;
    let tkey = training.value(&["sessionkey"]);
    s.call("alice", PW, "training.GetTrainingSession", &format!("<sessionKey>{mkey}</sessionKey>"))
        .await
        .assert_failure("060001");
    s.call("alice", PW, "training.DelTrainingSession", &format!("<sessionKey>{mkey}</sessionKey>"))
        .await
        .assert_failure("060001");
    s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{tkey}</meetingKey>"))
        .await
        .assert_failure("060001");
    s.call("alice", PW, "event.GetEvent", &format!("<sessionKey>{tkey}</sessionKey>")).await.assert_failure("060001");
    // The general session service lists it under Training Center.
    let list = s
        .call(
            "alice",
            PW,
            "ep.LstsummarySession",
            "<serviceTypes><serviceType>TrainingCenter</serviceType></serviceTypes>",
        )
        .await;
    list.assert_success();
    assert_eq!(list.value(&["session", "sessionKey"]), tkey);
    assert_eq!(list.value(&["session", "serviceType"]), "TrainingCenter");
    assert_eq!(list.value(&["matchingRecords", "total"]), "1");
}

#[tokio::test]
async fn create_support_session_returns_its_key() {
    let s = TestServer::start().await;
    let r = s.call("alice", PW, "supportsession.CreateSupportSession", "").await;
    r.assert_success();
    assert!(r.text.contains("xsi:type=\"sc:createSupportSessionResponse\""), "{}", r.text);
    let key = r.value(&["sessionKey"]);
    assert!(key.parse::<u64>().is_ok(), "{key}");
    let named = s
        .call(
            "alice",
            PW,
            "supportsession.CreateSupportSession",
            "<metaData><confName>Printer help</confName></metaData>",
        )
        .await;
    named.assert_success();
    let list = s
        .call(
            "alice",
            PW,
            "ep.LstsummarySession",
            "<serviceTypes><serviceType>SupportCenter</serviceType></serviceTypes>",
        )
        .await;
    assert_eq!(list.value(&["matchingRecords", "total"]), "2");
}
