//! `/v1/recordings`, the admin and group reads, the recycle bin, sharing and the recording
//! report, on recordings the lifecycle made; and one model: the XML API's LstRecording and
//! DelRecording see what REST does, and the other way round.

use chrono::Duration;
use serde_json::{json, Value};

use crate::lifecycle::{control, who};
use crate::rest_participants::{alices_meeting, join};
use crate::rest_support::*;
use crate::support::*;

/// alice hosts a session with a guest and records 25 of its minutes; returns the series id.
async fn recorded(s: &TestServer) -> String {
    let (key, series, host_key) = alices_meeting(s).await;
    let host = join(s, &key, json!({ "name": "Alice", "email": "alice@acme.example", "hostKey": host_key })).await;
    join(s, &key, json!({ "name": "Taro", "email": "taro@guest.example", "password": "s3cret" })).await;
    s.advance(Duration::minutes(5));
    let (status, _) = control(s, &key, "record", who(&host)).await;
    assert_eq!(status, 200);
    s.advance(Duration::minutes(25));
    let (status, _) = control(s, &key, "end", who(&host)).await;
    assert_eq!(status, 200);
    series
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

const LIST: &str = "<listControl><startFrom>0</startFrom><maximumNum>500</maximumNum></listControl>";

#[tokio::test]
async fn recordings_are_listed_read_recycled_restored_and_purged() {
    let s = TestServer::start().await;
    let series = recorded(&s).await;
    let alice = token(&s, "alice", None).await;
    let bob = token(&s, "bob", None).await;
    let admin = token(&s, ADMIN, None).await;

    let list = rest(&s, "GET", "/v1/recordings", Some(&alice), None).await;
    let all = items(list.ok());
    assert_eq!(all.len(), 1, "{}", list.body);
    let r = &all[0];
    let id = r["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    assert_eq!(r["topic"], "Standup-20260601 0900");
    assert_eq!(r["meetingSeriesId"], series.as_str());
    assert!(r["meetingId"].as_str().unwrap().starts_with(&format!("{series}_I_")));
    assert_eq!(r["createTime"], "2026-06-01T09:30:00Z");
    assert_eq!(r["timeRecorded"], "2026-06-01T09:00:00Z");
    assert_eq!(r["durationSeconds"], 1500);
    assert_eq!(r["format"], "MP4");
    assert_eq!(r["serviceType"], "MeetingCenter");
    assert_eq!(r["password"], "s3cret");
    assert_eq!(r["shareToMe"], false);
    assert_eq!(r["status"], "available");
    assert_eq!(r["siteUrl"], "kaigi.test/acme");
    assert!(r["sizeBytes"].as_u64().unwrap() > 0);
    // The XML API lists the same recording.
    let xml = s.call("alice", PW, "ep.LstRecording", LIST).await;
    xml.assert_success();
    assert_eq!(xml.value(&["recording", "recordingUUID"]), id);

    // Filters.
    let of = |q: &str| format!("/v1/recordings?{q}");
    assert_eq!(items(rest(&s, "GET", &of(&format!("meetingId={series}")), Some(&alice), None).await.ok()).len(), 1);
    assert_eq!(items(rest(&s, "GET", &of("topic=standup-20260601%200900"), Some(&alice), None).await.ok()).len(), 1);
    assert_eq!(items(rest(&s, "GET", &of("serviceType=EventCenter"), Some(&alice), None).await.ok()).len(), 0);
    assert_eq!(items(rest(&s, "GET", &of("from=2026-06-02T00:00:00Z"), Some(&alice), None).await.ok()).len(), 0);
    assert_eq!(items(rest(&s, "GET", &of("status=deleted"), Some(&alice), None).await.ok()).len(), 0);
    rest(&s, "GET", &of("format=MOV"), Some(&alice), None).await.assert_error(400);
    rest(&s, "GET", &of("max=101"), Some(&alice), None).await.assert_error(400);
    rest(&s, "GET", &of("siteUrl=other.example/x"), Some(&alice), None).await.assert_error(400);

    // Others: bob sees nothing; the administrator reads alice's with hostEmail and the admin list.
    assert_eq!(items(rest(&s, "GET", "/v1/recordings", Some(&bob), None).await.ok()).len(), 0);
    rest(&s, "GET", &format!("/v1/recordings/{id}"), Some(&bob), None).await.assert_error(404);
    rest(&s, "DELETE", &format!("/v1/recordings/{id}"), Some(&bob), None).await.assert_error(404);
    let for_alice = rest(&s, "GET", "/v1/recordings?hostEmail=alice@acme.example", Some(&admin), None).await;
    assert_eq!(items(for_alice.ok()).len(), 1);
    rest(&s, "GET", "/v1/recordings?hostEmail=alice@acme.example", Some(&bob), None).await.assert_error(403);
    let admin_list = rest(&s, "GET", "/v1/admin/recordings", Some(&admin), None).await;
    let a = &items(admin_list.ok())[0];
    assert_eq!(a["hostEmail"], "alice@acme.example");
    assert!(a.get("password").is_none());
    rest(&s, "GET", "/v1/admin/recordings", Some(&alice), None).await.assert_error(403);
    let group = rest(&s, "GET", "/v1/group/recordings", Some(&admin), None).await;
    assert_eq!(items(group.ok()).len(), 1);
    rest(&s, "GET", &format!("/v1/group/recordings/{id}"), Some(&admin), None).await.ok();

    // Sharing: bob sees it, marked shared to him; he cannot delete it.
    let share = json!({ "addEmails": ["bob@acme.example"] });
    let shared = rest(&s, "POST", &format!("/v1/recordings/{id}/accessList"), Some(&alice), Some(share)).await;
    assert_eq!(shared.status, 204, "{}", shared.body);
    let bobs = rest(&s, "GET", "/v1/recordings", Some(&bob), None).await;
    assert_eq!(items(bobs.ok())[0]["shareToMe"], true);
    rest(&s, "DELETE", &format!("/v1/recordings/{id}"), Some(&bob), None).await.assert_error(404);
    let link = r["playbackUrl"].as_str().unwrap();
    let unshare = json!({ "webShareLink": link, "removeEmails": ["bob@acme.example"] });
    assert_eq!(rest(&s, "POST", "/v1/recordings/accessList", Some(&alice), Some(unshare)).await.status, 204);
    assert_eq!(items(rest(&s, "GET", "/v1/recordings", Some(&bob), None).await.ok()).len(), 0);
    let bad = json!({ "addEmails": ["not-an-address"] });
    rest(&s, "POST", &format!("/v1/recordings/{id}/accessList"), Some(&alice), Some(bad)).await.assert_error(400);

    // The recycle bin: gone from both lists, restorable.
    let ids = json!({ "recordingIds": [id] });
    assert_eq!(rest(&s, "POST", "/v1/recordings/softDelete", Some(&alice), Some(ids.clone())).await.status, 204);
    assert_eq!(items(rest(&s, "GET", "/v1/recordings", Some(&alice), None).await.ok()).len(), 0);
    let binned = rest(&s, "GET", "/v1/recordings?status=deleted", Some(&alice), None).await;
    assert_eq!(items(binned.ok())[0]["status"], "deleted");
    s.call("alice", PW, "ep.LstRecording", LIST).await.assert_failure("000015");
    rest(&s, "POST", "/v1/recordings/softDelete", Some(&alice), Some(ids.clone())).await.assert_error(404);
    let restore = json!({ "restoreAll": true });
    assert_eq!(rest(&s, "POST", "/v1/recordings/restore", Some(&alice), Some(restore)).await.status, 204);
    s.call("alice", PW, "ep.LstRecording", LIST).await.assert_success();
    let both = json!({ "restoreAll": true, "recordingIds": [id] });
    rest(&s, "POST", "/v1/recordings/restore", Some(&alice), Some(both)).await.assert_error(400);
    rest(&s, "POST", "/v1/recordings/softDelete", Some(&alice), Some(json!({ "recordingIds": [] })))
        .await
        .assert_error(400);
    // Purging needs the recycle bin first.
    rest(&s, "POST", "/v1/recordings/purge", Some(&alice), Some(ids.clone())).await.assert_error(404);
    assert_eq!(rest(&s, "POST", "/v1/recordings/softDelete", Some(&alice), Some(ids.clone())).await.status, 204);
    assert_eq!(rest(&s, "POST", "/v1/recordings/purge", Some(&alice), Some(ids)).await.status, 204);
    rest(&s, "GET", &format!("/v1/recordings/{id}"), Some(&alice), None).await.assert_error(404);
    let purged = rest(&s, "GET", "/v1/recordings?status=purged", Some(&alice), None).await;
    assert_eq!(items(purged.ok()).len(), 0, "purged recordings are found by nobody");
}

#[tokio::test]
async fn one_model_rest_delete_and_xml_delete_see_each_other() {
    let s = TestServer::start().await;
    recorded(&s).await;
    let alice = token(&s, "alice", None).await;
    let first = items(rest(&s, "GET", "/v1/recordings", Some(&alice), None).await.ok())[0]["id"].clone();
    let first = first.as_str().unwrap().to_string();

    // REST DELETE → gone from LstRecording.
    let gone = rest(&s, "DELETE", &format!("/v1/recordings/{first}"), Some(&alice), None).await;
    assert_eq!(gone.status, 204, "{}", gone.body);
    s.call("alice", PW, "ep.LstRecording", LIST).await.assert_failure("000015");
    rest(&s, "DELETE", &format!("/v1/recordings/{first}"), Some(&alice), None).await.assert_error(404);

    // XML DelRecording → gone from REST.
    s.advance(Duration::hours(1));
    recorded(&s).await;
    let listed = s.call("alice", PW, "ep.LstRecording", LIST).await;
    listed.assert_success();
    let (xml_id, uuid) = (listed.value(&["recording", "recordingID"]), listed.value(&["recording", "recordingUUID"]));
    rest(&s, "GET", &format!("/v1/recordings/{uuid}"), Some(&alice), None).await.ok();
    s.call("alice", PW, "ep.DelRecording", &format!("<recordingID>{xml_id}</recordingID>")).await.assert_success();
    rest(&s, "GET", &format!("/v1/recordings/{uuid}"), Some(&alice), None).await.assert_error(404);
    assert_eq!(items(rest(&s, "GET", "/v1/recordings", Some(&alice), None).await.ok()).len(), 0);
}

#[tokio::test]
async fn recording_scopes_ids_and_the_report() {
    let s = TestServer::start().await;
    let series = recorded(&s).await;
    let alice = token(&s, "alice", None).await;
    let admin = token(&s, ADMIN, None).await;
    let narrow = token(&s, "alice", Some(&["meeting:schedules_read"])).await;
    let reader = token(&s, "alice", Some(&["meeting:recordings_read"])).await;

    let r = rest(&s, "GET", "/v1/recordings", Some(&narrow), None).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:recordings_read"), "{}", r.body);
    let id = items(rest(&s, "GET", "/v1/recordings", Some(&reader), None).await.ok())[0]["id"].clone();
    let id = id.as_str().unwrap().to_string();
    let r = rest(&s, "DELETE", &format!("/v1/recordings/{id}"), Some(&reader), None).await;
    r.assert_error(403);
    assert!(r.description().contains("meeting:recordings_write"), "{}", r.body);
    rest(&s, "DELETE", &format!("/v1/admin/recordings/{id}"), Some(&alice), None).await.assert_error(403);
    rest(&s, "GET", "/v1/recordings/0123456789abcdef0123456789abcdef", Some(&alice), None).await.assert_error(404);
    rest(&s, "GET", "/v1/recordings/not-an-id", Some(&alice), None).await.assert_error(404);
    let reason = json!({ "reason": "audit", "comment": "" });
    rest(&s, "DELETE", &format!("/v1/recordings/{id}"), Some(&alice), Some(reason)).await.assert_error(400);

    // The report: nobody viewed it (kaigi serves no playback).
    let summary = rest(&s, "GET", "/v1/recordingReport/accessSummary", Some(&alice), None).await;
    let row = &items(summary.ok())[0];
    assert_eq!((row["recordingId"].as_str(), row["viewCount"].as_u64()), (Some(id.as_str()), Some(0)));
    let detail = format!("/v1/recordingReport/accessDetail?recordingId={id}");
    assert_eq!(rest(&s, "GET", &detail, Some(&alice), None).await.ok()["items"], json!([]));
    rest(&s, "GET", "/v1/recordingReport/accessDetail", Some(&alice), None).await.assert_error(400);
    // Archives: administrators only; the ended session with its people.
    rest(&s, "GET", "/v1/recordingReport/meetingArchiveSummaries", Some(&alice), None).await.assert_error(403);
    let archives = rest(&s, "GET", "/v1/recordingReport/meetingArchiveSummaries", Some(&admin), None).await;
    let archive = &items(archives.ok())[0];
    let archive_id = archive["archiveId"].as_str().unwrap().to_string();
    assert!(archive_id.starts_with(&format!("{series}_I_")));
    assert_eq!(archive["title"], "Standup");
    let one = rest(&s, "GET", &format!("/v1/recordingReport/meetingArchives/{archive_id}"), Some(&admin), None).await;
    let people = one.ok()["participants"].as_array().unwrap().clone();
    assert_eq!(people.len(), 2);
    assert_eq!(people[1]["email"], "taro@guest.example");
    assert_eq!(one.body["hostEmail"], "alice@acme.example");
    rest(&s, "GET", &format!("/v1/recordingReport/meetingArchives/{series}_I_999"), Some(&admin), None)
        .await
        .assert_error(404);

    // The administrator deletes any recording of the site.
    let gone = rest(&s, "DELETE", &format!("/v1/admin/recordings/{id}"), Some(&admin), None).await;
    assert_eq!(gone.status, 204, "{}", gone.body);
    rest(&s, "GET", &format!("/v1/recordings/{id}"), Some(&alice), None).await.assert_error(404);
}

/// `lsr.php?RCID=…` (the recording's `downloadUrl` and XML `fileURL`) serves the file to a
/// bearer of a token that may read the recording; a recording the lifecycle made without the
/// media server has no file (docs/media.md).
#[tokio::test]
async fn a_recordings_file_needs_a_token_that_may_read_it() {
    let s = TestServer::start().await;
    recorded(&s).await;
    let alice = token(&s, "alice", None).await;
    let bob = token(&s, "bob", None).await;
    let list = rest(&s, "GET", "/v1/recordings", Some(&alice), None).await;
    let url = items(list.ok())[0]["downloadUrl"].as_str().unwrap().to_string();
    let path = url.strip_prefix("http://kaigi.test").expect("the public URL's path");
    assert!(path.starts_with("/acme/lsr.php?RCID="), "{path}");
    let get = |token: Option<String>| {
        let mut req = reqwest::Client::new().get(format!("{}{path}", s.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move {
            let r = req.send().await.expect("request");
            (r.status().as_u16(), r.text().await.expect("body"))
        }
    };
    let (status, body) = get(None).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(get(Some("not-a-token".into())).await.0, 401);
    let (status, body) = get(Some(bob)).await;
    assert_eq!(status, 404, "bob may not read alice's recording: {body}");
    let (status, body) = get(Some(alice)).await;
    assert_eq!(status, 404);
    assert!(body.contains("no file"), "{body}");
}
