//! The booking page without a browser: sign in, book in one's own name (the licence decision is
//! the core's), invitations in the outbox, refusals that say why and who can fix it.

use crate::support::*;
use crate::web_pages::{check_of, get_page, post_form, Answer};

fn fields(check: &str) -> [(&str, &str); 4] {
    [("check", check), ("title", "X"), ("start", "2026-06-10T10:00"), ("duration", "30")]
}

/// Posts the sign-in form as the page's browser would: with the form-check cookie the sign-in
/// page set and the page's check value.
pub(crate) async fn post_sign_in(s: &TestServer, fields: &[(&str, &str)]) -> Answer {
    let page = get_page(s, "/book", None).await;
    assert!(page.cookie.starts_with("kaigi_b=") && page.cookie.contains("SameSite=Strict"), "{}", page.cookie);
    let cookie = page.cookie.split(';').next().unwrap().to_string();
    let check = check_of(&page.body);
    let mut with_check = vec![("check", check.as_str())];
    with_check.extend_from_slice(fields);
    post_form(s, "/book/signin", Some(&cookie), &with_check).await
}

/// Signs in; returns the cookie to send.
pub(crate) async fn sign_in(s: &TestServer, user: &str, password: &str) -> String {
    let a = post_sign_in(s, &[("site", "acme"), ("user", user), ("password", password)]).await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location, "/book");
    assert!(a.cookie.contains("HttpOnly") && a.cookie.contains("SameSite=Lax") && a.cookie.contains("Path=/book"));
    a.cookie.split(';').next().unwrap().to_string()
}

async fn booking_check(s: &TestServer, cookie: &str) -> String {
    let page = get_page(s, "/book", Some(cookie)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"book-form\""), "{}", page.body);
    check_of(&page.body)
}

#[tokio::test]
async fn a_licensed_host_books_in_their_own_name_and_invitees_get_mail() {
    let s = TestServer::start().await;
    let anonymous = get_page(&s, "/book", None).await;
    assert!(anonymous.body.contains("id=\"signin-form\"") && !anonymous.body.contains("book-form"));

    let cookie = sign_in(&s, "alice", PW).await;
    let check = booking_check(&s, &cookie).await;
    let booked = post_form(
        &s,
        "/book",
        Some(&cookie),
        &[
            ("check", &check),
            ("title", "Quarterly review"),
            ("start", "2026-06-10T10:00"),
            ("duration", "45"),
            ("invitees", "ken@guest.example, mika@guest.example\nken@guest.example"),
        ],
    )
    .await;
    assert_eq!(booked.status, 303, "{}", booked.body);
    let key = booked.location.strip_prefix("/book/meetings/").expect("the booked meeting's page").to_string();

    let page = get_page(&s, &booked.location, Some(&cookie)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("http://kaigi.test/acme/e.php?AT=SI&amp;MK={key}")), "{}", page.body);
    let got = s.call("alice", PW, "meeting.GetMeeting", &format!("<meetingKey>{key}</meetingKey>")).await;
    assert_eq!(got.value(&["schedule", "hostWebExID"]), "alice");
    assert_eq!(got.value(&["schedule", "duration"]), "45");
    assert!(page.body.contains(&format!("id=\"host-key\">{}<", got.value(&["hostKey"]))));
    assert!(page.body.contains("<li>ken@guest.example</li><li>mika@guest.example</li>"));

    let outbox = s.outbox().await;
    for to in ["ken@guest.example", "mika@guest.example"] {
        let mail = outbox.iter().find(|m| m.to == to).unwrap_or_else(|| panic!("no invitation to {to}"));
        assert!(mail.body.contains(&format!("MK={key}")), "{}", mail.body);
    }
    assert_eq!(outbox.iter().filter(|m| m.to == "ken@guest.example").count(), 1, "each invitee once");

    // Another user's booking page is not shown to alice's session.
    let other = s.call("bob", PW, "meeting.CreateMeeting", "<metaData><confName>Bob's</confName></metaData>").await;
    let bobs = other.value(&["meetingkey"]);
    assert_eq!(get_page(&s, &format!("/book/meetings/{bobs}"), Some(&cookie)).await.status, 404);
}

#[tokio::test]
async fn someone_without_a_licence_is_told_why_and_who_can_fix_it() {
    let s = TestServer::start().await;
    s.add_user("carol", false, &[]).await;
    let cookie = sign_in(&s, "carol@acme.example", PW).await;
    let check = booking_check(&s, &cookie).await;
    let refused = post_form(
        &s,
        "/book",
        Some(&cookie),
        &[("check", &check), ("title", "Team lunch"), ("start", "2026-06-10T12:00"), ("duration", "60")],
    )
    .await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("carol holds no host licence"), "{}", refused.body);
    assert!(refused.body.contains("Big Boss") && refused.body.contains("boss@acme.example"), "the site admin is named");
    assert!(refused.body.contains("value=\"Team lunch\""), "the form keeps what was typed");
    assert!(s.outbox().await.iter().all(|m| !m.subject.contains("Team lunch")));
}

#[tokio::test]
async fn bad_sign_ins_forged_forms_and_bad_fields_are_refused_on_the_page() {
    let s = TestServer::start().await;
    let wrong = post_sign_in(&s, &[("site", "acme"), ("user", "alice"), ("password", "nope")]).await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("The site, user name or password is not correct.") && wrong.cookie.is_empty());
    let no_site = post_sign_in(&s, &[("site", "nowhere"), ("user", "alice"), ("password", PW)]).await;
    assert_eq!(no_site.status, 401);

    let cookie = sign_in(&s, "alice", PW).await;
    let check = booking_check(&s, &cookie).await;
    // A form posted from elsewhere carries the cookie but not the page's check value.
    assert_eq!(post_form(&s, "/book", Some(&cookie), &fields("")).await.status, 403);
    // Without the cookie, nothing is booked.
    assert_eq!(post_form(&s, "/book", None, &fields(&check)).await.status, 401);
    let past = post_form(
        &s,
        "/book",
        Some(&cookie),
        &[("check", &check), ("title", "X"), ("start", "2026-05-01T10:00"), ("duration", "30")],
    )
    .await;
    assert_eq!(past.status, 400);
    assert!(past.body.contains("The start must be in the future."));
    let too_many = (0..51).map(|i| format!("p{i}@guest.example")).collect::<Vec<_>>().join(",");
    let crowd = post_form(
        &s,
        "/book",
        Some(&cookie),
        &[
            ("check", &check),
            ("title", "X"),
            ("start", "2026-06-10T10:00"),
            ("duration", "30"),
            ("invitees", &too_many),
        ],
    )
    .await;
    assert_eq!(crowd.status, 400);
    assert!(crowd.body.contains("At most 50 invitees"));
    let junk = post_form(&s, "/book", Some(&cookie), &[("check", &check), ("title", "X"), ("start", "soon")]).await;
    assert_eq!(junk.status, 400);
    let none = s.call("alice", PW, "meeting.LstsummaryMeeting", "").await;
    none.assert_failure("000015");

    // Bob mistypes his password until the site locks him out; the page says until when, and the
    // right password does not get in while locked.
    for _ in 0..5 {
        let bad = post_sign_in(&s, &[("site", "acme"), ("user", "bob"), ("password", "nope")]).await;
        assert_eq!(bad.status, 401);
    }
    let locked = post_sign_in(&s, &[("site", "acme"), ("user", "bob"), ("password", PW)]).await;
    assert_eq!(locked.status, 401);
    assert!(locked.body.contains("locked until 2026-06-01 09:15 UTC"), "{}", locked.body);

    // Signing out forgets the session in this browser.
    let out = post_form(&s, "/book/signout", Some(&cookie), &[("check", &check)]).await;
    assert_eq!(out.status, 303);
    assert!(out.cookie.contains("Max-Age=0"));
}
