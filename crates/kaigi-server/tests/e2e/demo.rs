//! The demo site: shaped like the forum thread's company, and seeding it twice changes nothing.

use kaigi_core::model::{LicensePlan, UserQuery};
use kaigi_core::rules::licence::plan_in_force;

use crate::support::*;

#[tokio::test]
async fn demo_site_is_the_forum_company_and_seeding_is_idempotent() {
    let s = TestServer::start().await;
    let first = kaigi_server::demo::seed(&s.kaigi).await.unwrap();
    let again = kaigi_server::demo::seed(&s.kaigi).await.unwrap();
    assert_eq!(first.id, again.id);
    let all = UserQuery { limit: 500, ..UserQuery::default() };
    let users = s.store.list_users(first.id, &all).await.unwrap();
    assert_eq!(users.total, 101, "admin, 10 hosts, 90 employees");
    let hosts = users.items.iter().filter(|u| u.privileges.host).count();
    assert_eq!(hosts, 10);
    assert_eq!(s.store.seats_held(first.id).await.unwrap(), 10);
    let plans = s.store.license_plans(first.id).await.unwrap();
    assert_eq!(plan_in_force(&plans, s.kaigi.now()), LicensePlan::NamedUser { seats: 10 });
    assert!(first.settings.require_meeting_password);
    // The published credentials work over the XML API, and an employee cannot host.
    let doc = envelope(&security("demo", "host01", "demo-pass"), "user.GetUser", "<webExId>host01</webExId>");
    let r = Reply::parse(s.post(&doc).await.1);
    r.assert_success();
    assert_eq!(r.value(&["email"]), "host01@demo.example");
    let admin = envelope(&security("demo", "admin", "demo-admin-pass"), "user.GetUser", "<webExId>emp090</webExId>");
    let r = Reply::parse(s.post(&admin).await.1);
    assert_eq!(r.value(&["privilege", "host"]), "false");
    let book = envelope(
        &security("demo", "emp001", "demo-pass"),
        "meeting.CreateMeeting",
        "<metaData><confName>Mine</confName></metaData>",
    );
    Reply::parse(s.post(&book).await.1).assert_failure("000001");
}
