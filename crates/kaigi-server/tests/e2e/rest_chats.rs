//! `/v1/meetings/postMeetingChats` over a real session: alice hosts, a guest joins, both say lines
//! in the room (through the core, as the room page's socket does), and after the session ended
//! REST lists the instance's chat page by page and deletes it. Only ended instances are served;
//! another host is refused, the administrator reads with the admin scope.

use chrono::Duration;
use kaigi_core::model::{Actor, ParticipantPass};
use serde_json::{json, Value};

use crate::lifecycle::{control, who};
use crate::rest_participants::{alices_meeting, join};
use crate::rest_support::*;
use crate::support::*;

fn actor(joined: &Value) -> Actor {
    Actor::Participant(ParticipantPass::parse(joined["participantPass"].as_str().expect("a pass")).expect("a pass"))
}

fn chats(meeting_id: &str) -> String {
    format!("/v1/meetings/postMeetingChats?meetingId={meeting_id}")
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

/// The property names of the spec's `ChatObject` and of its `sender`.
fn chat_object_properties() -> (Vec<String>, Vec<String>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../compat/openapi/webex-meeting.json");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("spec")).expect("json");
    let chat = &spec["components"]["schemas"]["ChatObject"]["properties"];
    let names = |o: &Value| o.as_object().expect("properties").keys().cloned().collect::<Vec<_>>();
    (names(chat), names(&chat["sender"]["properties"]))
}

/// Every member of `item` is one the spec defines, with the type it gives.
#[track_caller]
fn assert_chat_object(item: &Value) {
    let (chat, sender) = chat_object_properties();
    for (k, v) in item.as_object().expect("an object") {
        assert!(chat.contains(k), "{k} is not a ChatObject property: {item}");
        if k == "sender" {
            for (sk, sv) in v.as_object().expect("sender is an object") {
                assert!(sender.contains(sk) && sv.is_string(), "sender.{sk}: {item}");
            }
        } else {
            assert!(v.is_string(), "{k} is a string in the spec: {item}");
        }
    }
}

#[tokio::test]
async fn the_chat_of_an_ended_instance_is_listed_paged_and_deleted() {
    let s = TestServer::start().await;
    let (key, series, host_key) = alices_meeting(&s).await;
    let alice = token(&s, "alice", None).await;
    let bob = token(&s, "bob", None).await;
    let admin = token(&s, ADMIN, None).await;
    let k: u64 = key.parse().expect("a meeting key");

    let host = join(&s, &key, json!({ "name": "Alice", "email": "alice@acme.example", "hostKey": host_key })).await;
    let guest =
        join(&s, &key, json!({ "name": "Taro Yamada", "email": "taro@guest.example", "password": "s3cret" })).await;
    s.kaigi.say_in_room(k, &actor(&host), "Good morning").await.expect("alice says");
    s.advance(Duration::minutes(1));
    s.kaigi.say_in_room(k, &actor(&guest), "Hello from Taro").await.expect("taro says");
    s.advance(Duration::minutes(1));
    s.kaigi.say_in_room(k, &actor(&host), "Let's start").await.expect("alice says");

    // While it runs, the meeting is named by its series id: not an ended instance, 400.
    rest(&s, "GET", &chats(&series), Some(&alice), None).await.assert_error(400);
    rest(&s, "DELETE", &chats(&series), Some(&alice), None).await.assert_error(400);
    rest(&s, "GET", "/v1/meetings/postMeetingChats", Some(&alice), None).await.assert_error(400);
    rest(&s, "GET", &chats("not-a-meeting"), Some(&alice), None).await.assert_error(404);

    s.advance(Duration::minutes(3));
    let (status, _) = control(&s, &key, "end", who(&host)).await;
    assert_eq!(status, 200);
    let people = rest(&s, "GET", &format!("/v1/meetingParticipants?meetingId={series}"), Some(&alice), None).await;
    let instance = people.ok()["items"][0]["meetingId"].as_str().expect("the instance id").to_string();
    assert!(instance.starts_with(&format!("{series}_I_")), "{instance}");
    // The series id still names no instance; a scheduled meeting's id neither.
    rest(&s, "GET", &chats(&series), Some(&alice), None).await.assert_error(400);
    rest(&s, "GET", &chats(&format!("{series}_20260601T090000Z")), Some(&alice), None).await.assert_error(400);
    rest(&s, "GET", &chats(&format!("{series}_I_999999")), Some(&alice), None).await.assert_error(404);

    // Two lines a page, oldest first, the next page by the Link header.
    let first = rest(&s, "GET", &format!("{}&max=2", chats(&instance)), Some(&alice), None).await;
    let page = items(first.ok());
    assert_eq!(page.len(), 2, "{}", first.body);
    let me = rest(&s, "GET", "/v1/people/me", Some(&alice), None).await;
    let a = &page[0];
    assert_chat_object(a);
    assert_eq!(a["id"].as_str().expect("an id").len(), 36, "{a}");
    assert_eq!(a["chatTime"], "2026-06-01T09:00:00Z");
    assert_eq!(a["text"], "Good morning");
    assert_eq!(a["meetingId"], instance.as_str());
    assert_eq!(a["type"], "public");
    assert_eq!(a["sender"]["email"], "alice@acme.example");
    assert_eq!(a["sender"]["displayName"], "Alice");
    assert_eq!(a["sender"]["personId"], me.ok()["id"]);
    assert_eq!(a["sender"]["orgId"], me.body["orgId"]);
    assert!(a.get("receivers").is_none(), "said to everyone: {a}");
    let t = &page[1];
    assert_chat_object(t);
    assert_eq!((t["text"].as_str(), t["chatTime"].as_str()), (Some("Hello from Taro"), Some("2026-06-01T09:01:00Z")));
    assert_eq!(t["sender"], json!({ "email": "taro@guest.example", "displayName": "Taro Yamada" }), "a guest");
    let next = first.headers["link"].to_str().expect("a Link header").to_string();
    let next = next.trim_start_matches('<').split('>').next().expect("a URL").replace("http://kaigi.test", "");
    let second = rest(&s, "GET", &next, Some(&alice), None).await;
    assert_eq!(items(second.ok()).iter().map(|i| i["text"].clone()).collect::<Vec<_>>(), [json!("Let's start")]);
    assert!(second.headers.get("link").is_none(), "the last page");
    rest(&s, "GET", &format!("{}&max=101", chats(&instance)), Some(&alice), None).await.assert_error(400);
    rest(&s, "GET", &format!("{}&max=0", chats(&instance)), Some(&alice), None).await.assert_error(400);

    // Another host is refused; the administrator reads with the admin scope, not without it.
    rest(&s, "GET", &chats(&instance), Some(&bob), None).await.assert_error(403);
    rest(&s, "DELETE", &chats(&instance), Some(&bob), None).await.assert_error(403);
    assert_eq!(items(rest(&s, "GET", &chats(&instance), Some(&admin), None).await.ok()).len(), 3);
    let narrow = token(&s, ADMIN, Some(&["meeting:transcripts_read"])).await;
    rest(&s, "GET", &chats(&instance), Some(&narrow), None).await.assert_error(403);
    let unscoped = token(&s, "alice", Some(&["meeting:schedules_read"])).await;
    let refused = rest(&s, "GET", &chats(&instance), Some(&unscoped), None).await;
    refused.assert_error(403);
    assert!(refused.description().contains("meeting:transcripts_read"), "{}", refused.body);
    // Deleting is the host's.
    rest(&s, "DELETE", &chats(&instance), Some(&admin), None).await.assert_error(403);
    let deleted = rest(&s, "DELETE", &chats(&instance), Some(&alice), None).await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert_eq!(items(rest(&s, "GET", &chats(&instance), Some(&alice), None).await.ok()), Vec::<Value>::new());
    assert_eq!(rest(&s, "DELETE", &chats(&instance), Some(&alice), None).await.status, 204, "again: nothing left");
}
