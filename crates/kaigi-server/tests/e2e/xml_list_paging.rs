//! LstsummaryMeeting over more meetings than one statement used to read (LIST_SCAN_LIMIT,
//! 20,000): every one is listed, in order, with the total, at the start, the middle and the end.

use chrono::{DateTime, Duration, Utc};
use kaigi_core::model::{Invitee, Meeting, Recurrence};

use crate::support::*;

/// More single meetings than LIST_SCAN_LIMIT.
const SINGLES: u64 = 20_050;

/// Alice's meetings, kept through the store in concurrent inserts (batched by the SQLite group
/// commit): pairs of single meetings share a start (ties broken by id), a weekly series of three
/// starts among them, and Bob's single meeting with Alice as alternate host.
async fn many_meetings(s: &TestServer) -> (Vec<(DateTime<Utc>, i64, String)>, String) {
    let weekly = "<metaData><confName>Weekly</confName></metaData><schedule><startDate>07/01/2026 10:15:00</startDate><duration>30</duration></schedule><repeat><repeatType>WEEKLY</repeatType><dayInWeek><day>WEDNESDAY</day></dayInWeek><afterMeetingNumber>3</afterMeetingNumber></repeat>";
    let r = s.call("alice", PW, "meeting.CreateMeeting", weekly).await;
    r.assert_success();
    let key: u64 = r.value(&["meetingkey"]).parse().unwrap();
    let series = s.store.meeting_by_key(s.site.id, key).await.unwrap().expect("series");
    let bob = s.store.user_by_webex_id(s.site.id, "bob").await.unwrap().expect("bob");
    let alice = s.store.user_by_webex_id(s.site.id, "alice").await.unwrap().expect("alice");
    let mut tasks = Vec::new();
    for lane in 0..32 {
        let (store, template, alice) = (s.store.clone(), series.clone(), alice.id);
        tasks.push(tokio::spawn(async move {
            let mut made = Vec::new();
            for i in (lane..SINGLES).step_by(32) {
                let m = single(&template, i, alice);
                made.push((m.start, store.insert_meeting(&m).await.expect("insert"), m.meeting_key.to_string()));
            }
            made
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let alt = Meeting {
        invitees: vec![Invitee { name: "Alice".into(), email: alice.email.to_lowercase(), role: "HOST".into() }],
        ..single(&series, SINGLES, bob.id)
    };
    all.push((alt.start, s.store.insert_meeting(&alt).await.unwrap(), alt.meeting_key.to_string()));
    // Without a date window each series is listed once, at its first start.
    all.push((series.start, series.id, key.to_string()));
    all.sort();
    (all, key.to_string())
}

/// A single meeting like `template`, the `i`th: pairs share a start, 30 minutes apart.
fn single(template: &Meeting, i: u64, host_id: i64) -> Meeting {
    let first = DateTime::parse_from_rfc3339("2026-06-20T10:00:00Z").unwrap().with_timezone(&Utc);
    let start = first + Duration::minutes(30 * i64::try_from(i / 2).unwrap());
    Meeting {
        meeting_key: 900_000_000 + i,
        uuid: format!("{:032x}", 0xabc0_0000_0000 + i),
        host_token: format!("token{i}"),
        name: format!("Single {i}"),
        host_id,
        start,
        series_end: Some(start + Duration::minutes(30)),
        repeat: Recurrence::none(),
        ..template.clone()
    }
}

fn page_body(start_from: usize, max: usize) -> String {
    format!("<listControl><startFrom>{start_from}</startFrom><maximumNum>{max}</maximumNum></listControl>")
}

fn keys_of(r: &Reply) -> Vec<String> {
    r.body().children_named("meeting").map(|m| m.text_of("meetingKey").unwrap_or("").to_string()).collect()
}

#[tokio::test]
async fn lstsummary_meeting_pages_past_the_scan_limit() {
    let s = TestServer::start().await;
    let (all, series_key) = many_meetings(&s).await;
    let total = all.len();
    assert_eq!(total as u64, SINGLES + 2);
    let expected = |from: usize, max: usize| -> Vec<String> {
        all.iter().skip(from - 1).take(max).map(|(_, _, k)| k.clone()).collect()
    };
    for (from, max) in [(1, 100), (2, 3), (10_001, 100), (20_000, 100), (20_001, 500), (total - 10, 100), (total, 10)] {
        let r = s.call("alice", PW, "meeting.LstsummaryMeeting", &page_body(from, max)).await;
        r.assert_success();
        let want = expected(from, max);
        assert_eq!(keys_of(&r), want, "page at {from}");
        assert_eq!(r.value(&["matchingRecords", "total"]), total.to_string(), "total at {from}");
        assert_eq!(r.value(&["matchingRecords", "returned"]), want.len().to_string());
        assert_eq!(r.value(&["matchingRecords", "startFrom"]), from.to_string());
    }
    s.call("alice", PW, "meeting.LstsummaryMeeting", &page_body(total + 1, 10)).await.assert_failure("000015");

    // The site administrator sees the same meetings (Bob's once), Bob his own one.
    let r = s.as_admin("meeting.LstsummaryMeeting", &page_body(total - 4, 100)).await;
    assert_eq!(keys_of(&r), expected(total - 4, 100));
    assert_eq!(r.value(&["matchingRecords", "total"]), total.to_string());
    let r = s.call("bob", PW, "meeting.LstsummaryMeeting", &page_body(1, 10)).await;
    assert_eq!(r.value(&["matchingRecords", "total"]), "1");

    // A date window expands the series: its three Wednesdays among the single meetings.
    let window = |from: usize, max: usize| {
        format!(
            "<dateScope><startDateStart>06/25/2026 00:00:00</startDateStart><startDateEnd>08/31/2026 00:00:00</startDateEnd><timeZoneID>20</timeZoneID></dateScope>{}",
            page_body(from, max)
        )
    };
    let lo = DateTime::parse_from_rfc3339("2026-06-25T00:00:00Z").unwrap().with_timezone(&Utc);
    let hi = DateTime::parse_from_rfc3339("2026-08-31T00:00:00Z").unwrap().with_timezone(&Utc);
    let series = all.iter().find(|(_, _, k)| *k == series_key).cloned().expect("series");
    let mut windowed: Vec<(DateTime<Utc>, i64, String)> =
        all.iter().filter(|(t, id, _)| *id != series.1 && *t >= lo && *t <= hi).cloned().collect();
    windowed.extend((0..3).map(|w| (series.0 + Duration::weeks(w), series.1, series.2.clone())));
    windowed.sort();
    for from in [1, 1_500, windowed.len() - 50] {
        let r = s.call("alice", PW, "meeting.LstsummaryMeeting", &window(from, 100)).await;
        let want: Vec<String> = windowed.iter().skip(from - 1).take(100).map(|(_, _, k)| k.clone()).collect();
        assert_eq!(keys_of(&r), want, "window page at {from}");
        assert_eq!(r.value(&["matchingRecords", "total"]), windowed.len().to_string());
    }
}
