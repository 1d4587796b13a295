//! The meeting's web pages without a browser: the links the XML API hands out open real pages,
//! joining shows clear errors on the page, every value is escaped, and a participant's buttons
//! work only with that participant's own pass.

use crate::support::*;

const MEETING: &str = "<accessControl><meetingPassword>s3cret</meetingPassword></accessControl><metaData><confName>Weekly sync</confName></metaData><schedule><startDate>06/20/2026 10:00:00</startDate><duration>60</duration></schedule>";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The path part of a link kaigi handed out (its public base is `http://kaigi.test`).
fn path_of(url: &str) -> String {
    url.strip_prefix("http://kaigi.test").expect("a link under the public base").to_string()
}

pub struct Answer {
    pub status: u16,
    pub location: String,
    pub cookie: String,
    pub body: String,
}

pub async fn send(req: reqwest::RequestBuilder) -> Answer {
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let header = |n: &str| resp.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let location = header("location");
    let cookie = header("set-cookie");
    if status != 303 {
        assert!(header("content-type").starts_with("text/html"), "a page, not {}", header("content-type"));
    }
    Answer { status, location, cookie, body: resp.text().await.expect("body") }
}

pub fn form(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{k}={}", kaigi_web::url_encode(v))).collect::<Vec<_>>().join("&")
}

pub async fn post_form(s: &TestServer, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Answer {
    let mut req = client()
        .post(format!("{}{path}", s.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(fields));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    send(req).await
}

pub async fn get_page(s: &TestServer, path: &str, cookie: Option<&str>) -> Answer {
    let mut req = client().get(format!("{}{path}", s.base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    send(req).await
}

/// A meeting of alice's named `name`: its key and host key.
async fn meeting(s: &TestServer, body: &str) -> (String, String) {
    let key = s.call("alice", PW, "meeting.CreateMeeting", body).await.value(&["meetingkey"]);
    let got = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    (key, got.value(&["hostKey"]))
}

/// The value of the hidden `check` field of the room's forms.
pub fn check_of(page: &str) -> String {
    let at = page.find("name=\"check\" value=\"").expect("a check field") + "name=\"check\" value=\"".len();
    page[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn every_link_the_xml_api_hands_out_opens_a_page_with_the_meeting() {
    let s = TestServer::start().await;
    let created = s.call("alice", PW, "meeting.CreateMeeting", MEETING).await;
    let key = created.value(&["meetingkey"]);
    let mk = format!("<meetingKey>{key}</meetingKey>");
    // The calendar links without their ICS parameter are the invitation pages: the host's opens
    // the host form.
    let host_calendar = created.value(&["iCalendarURL", "host"]).replace("&ICS=MH", "");
    let attendee_calendar = created.value(&["iCalendarURL", "attendee"]).replace("&ICS=MA", "");
    let join = s.call("alice", PW, "meeting.GetjoinurlMeeting", &mk).await;
    let host = s.call("alice", PW, "meeting.GethosturlMeeting", &mk).await;
    let got = s.call("alice", PW, "meeting.GetMeeting", &mk).await;
    let links = [
        (join.value(&["joinMeetingURL"]), "Join meeting"),
        (join.value(&["inviteMeetingURL"]), "Join meeting"),
        (host.value(&["hostMeetingURL"]), "Start meeting"),
        (host_calendar, "Start meeting"),
        (attendee_calendar, "Join meeting"),
    ];
    for (url, button) in links {
        let page = get_page(&s, &path_of(&url), None).await;
        assert_eq!(page.status, 200, "{url}: {}", page.body);
        assert!(page.body.contains("<title>Weekly sync - kaigi</title>"), "{url}");
        assert!(page.body.contains("Alice Example"), "the host is named on {url}");
        assert!(page.body.contains(&format!("id=\"meeting-number\">{key}<")), "{url}");
        assert!(page.body.contains(&format!("id=\"join\">{button}<")), "{url}");
        assert!(page.body.contains("data-status=\"NOT_INPROGRESS\""));
    }
    assert_eq!(got.value(&["status"]), "NOT_INPROGRESS");
    // The name and email the join URL carries are filled in.
    let named = get_page(&s, &format!("/acme/e.php?AT=SI&MK={key}&AN=Taro%20Y&AE=taro%40guest.example"), None).await;
    assert!(named.body.contains("value=\"Taro Y\"") && named.body.contains("value=\"taro@guest.example\""));
    // Unknown meetings, another site's path, and junk keys are plain 404 pages.
    let other_site = format!("/other/e.php?AT=SI&MK={key}");
    for path in ["/acme/e.php?AT=SI&MK=999999999", &other_site, "/acme/m.php?MK=x", "/acme/room/x", "/acme/room/1"] {
        assert_eq!(get_page(&s, path, None).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn join_mistakes_are_explained_on_the_page() {
    let s = TestServer::start().await;
    let (key, host_key) = meeting(&s, MEETING).await;
    let join = format!("/acme/room/{key}/join");
    let guest = [("name", "Taro Yamada"), ("email", "taro@guest.example")];

    let wrong = post_form(&s, &join, None, &[guest[0], guest[1], ("password", "wrong"), ("host_key", &host_key)]).await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.body.contains("The meeting password is not correct."), "{}", wrong.body);
    assert!(wrong.body.contains("value=\"Taro Yamada\""), "what was typed stays");
    assert!(!wrong.body.contains("value=\"wrong\""), "the password is never echoed");

    let other_key = if host_key == "000000" { "111111" } else { "000000" };
    let bad_key =
        post_form(&s, &join, None, &[guest[0], guest[1], ("password", "s3cret"), ("host_key", other_key)]).await;
    assert_eq!(bad_key.status, 403);
    assert!(bad_key.body.contains("The host key is not correct."));

    let early = post_form(&s, &join, None, &[guest[0], guest[1], ("password", "s3cret")]).await;
    assert_eq!(early.status, 409);
    assert!(early.body.contains("waiting for the host"), "{}", early.body);

    let nameless = post_form(&s, &join, None, &[("name", " "), ("email", "x@y.example")]).await;
    assert_eq!(nameless.status, 400);
    assert!(nameless.body.contains("a name is required"));

    let huge = "x".repeat(64 * 1024);
    assert_eq!(post_form(&s, &join, None, &[("name", &huge)]).await.status, 413);
    let still = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(still.value(&["participantsJoined"]), "false", "no failed join left a trace");
}

#[tokio::test]
async fn attendees_join_before_the_host_only_when_the_meeting_allows_it() {
    let s = TestServer::start().await;
    let early =
        MEETING.replace("<schedule>", "<enableOptions><joinBeforeHost>true</joinBeforeHost></enableOptions><schedule>");
    let (key, _) = meeting(&s, &early).await;
    let room = format!("/acme/room/{key}");
    let fields = [("name", "Early Bird"), ("email", "early@guest.example"), ("password", "s3cret")];
    let joined = post_form(&s, &format!("{room}/join"), None, &fields).await;
    assert_eq!(joined.status, 303, "{}", joined.body);
    let cookie = joined.cookie.split(';').next().unwrap().to_string();
    let page = get_page(&s, &room, Some(&cookie)).await;
    assert!(page.body.contains("id=\"role\">ATTENDEE<"));
    assert!(page.body.contains("data-status=\"NOT_INPROGRESS\""), "no host, no start");
    let left = post_form(&s, &format!("{room}/leave"), Some(&cookie), &[("check", &check_of(&page.body))]).await;
    assert_eq!((left.status, left.location), (303, format!("{room}?notice=left")));
    let after = get_page(&s, &format!("{room}?notice=left"), Some(&cookie)).await;
    assert!(after.body.contains("You left the meeting."), "{}", after.body);
}

#[tokio::test]
async fn a_meeting_name_with_markup_is_shown_as_text() {
    let s = TestServer::start().await;
    let body = MEETING.replace("Weekly sync", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"q\"");
    let (key, _) = meeting(&s, &body).await;
    let page = get_page(&s, &format!("/acme/e.php?AT=SI&MK={key}&AN=%3Cb%3Ebold"), None).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
    assert!(!page.body.contains("<b>bold"));
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;"));
    assert!(page.body.contains("value=\"&lt;b&gt;bold\""));
}

#[tokio::test]
async fn the_host_runs_the_meeting_from_the_room_and_nobody_else_can_press_its_buttons() {
    let s = TestServer::start().await;
    let (key, host_key) = meeting(&s, MEETING).await;
    let room = format!("/acme/room/{key}");

    // A guest claims the host role with the host key.
    let joined = post_form(
        &s,
        &format!("{room}/join"),
        None,
        &[("name", "Taro Yamada"), ("email", "taro@guest.example"), ("password", "s3cret"), ("host_key", &host_key)],
    )
    .await;
    assert_eq!(joined.status, 303, "{}", joined.body);
    assert_eq!(joined.location, room);
    assert!(joined.cookie.contains("HttpOnly") && joined.cookie.contains("SameSite=Lax"), "{}", joined.cookie);
    assert!(joined.cookie.contains(&format!("Path={room}")));
    let host_cookie = joined.cookie.split(';').next().unwrap().to_string();

    let page = get_page(&s, &room, Some(&host_cookie)).await;
    assert!(page.body.contains("id=\"role\">HOST<"), "{}", page.body);
    assert!(page.body.contains("data-status=\"INPROGRESS\""));
    assert!(page.body.contains("id=\"record\">Record<") && page.body.contains("id=\"end\""));
    let check = check_of(&page.body);

    // An attendee joins the running meeting and sees no host buttons.
    let att = post_form(
        &s,
        &format!("{room}/join"),
        None,
        &[("name", "Hanako"), ("email", "hanako@guest.example"), ("password", "s3cret")],
    )
    .await;
    assert_eq!(att.status, 303);
    let att_cookie = att.cookie.split(';').next().unwrap().to_string();
    let att_page = get_page(&s, &room, Some(&att_cookie)).await;
    assert!(att_page.body.contains("id=\"role\">ATTENDEE<") && !att_page.body.contains("id=\"end\""));
    assert!(att_page.body.contains("<td>Taro Yamada</td><td>HOST</td>") && att_page.body.contains("<td>Hanako</td>"));
    let att_check = check_of(&att_page.body);

    // The attendee cannot end it with their own pass, nor by guessing the host's participant id.
    let refused = post_form(&s, &format!("{room}/end"), Some(&att_cookie), &[("check", &att_check)]).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("Only a host of the meeting may do this."));
    let host_id = host_cookie.split('=').nth(1).unwrap().split('.').next().unwrap();
    let forged = format!("kaigi_p={host_id}.{}", "ab".repeat(24));
    let forged_page = get_page(&s, &room, Some(&forged)).await;
    assert!(forged_page.body.contains("You are not in this meeting."));
    let forged_end = post_form(&s, &format!("{room}/end"), Some(&forged), &[("check", &check)]).await;
    assert_eq!(forged_end.status, 403);
    // The host's own cookie without the page's check value (a form posted from elsewhere) does nothing.
    let no_check = post_form(&s, &format!("{room}/end"), Some(&host_cookie), &[]).await;
    assert_eq!(no_check.status, 403);

    // Record, stop, end.
    let on = post_form(&s, &format!("{room}/record"), Some(&host_cookie), &[("check", &check)]).await;
    assert_eq!((on.status, on.location.as_str()), (303, room.as_str()));
    assert!(get_page(&s, &room, Some(&host_cookie)).await.body.contains("data-recording=\"on\""));
    s.advance(chrono::Duration::minutes(3));
    let off = post_form(&s, &format!("{room}/record"), Some(&host_cookie), &[("check", &check)]).await;
    assert_eq!(off.status, 303);
    let ended = post_form(&s, &format!("{room}/end"), Some(&host_cookie), &[("check", &check)]).await;
    assert_eq!(ended.status, 303);
    assert_eq!(ended.location, format!("{room}?notice=ended"));
    assert!(ended.cookie.contains("Max-Age=0"));
    let after = get_page(&s, &ended.location, None).await;
    assert!(after.body.contains("The meeting has ended.") && after.body.contains("data-status=\"NOT_INPROGRESS\""));

    let got = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(got.value(&["status"]), "NOT_INPROGRESS");
    let recordings = s.call("alice", PW, "ep.LstRecording", &format!("<sessionKey>{key}</sessionKey>")).await;
    recordings.assert_success();
    assert!(recordings.value(&["recording", "duration"]).parse::<u32>().unwrap() >= 180);
}
