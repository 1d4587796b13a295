//! The site service and GetAPIVersion.

use crate::support::*;

#[tokio::test]
async fn get_site_advertises_40x_options_and_meeting_types() {
    let s = TestServer::start().await;
    let r = s.call("alice", PW, "user.GetSite", "").await;
    r.assert_success();
    assert!(r.text.contains("xmlns:ns1=\"http://www.webex.com/schemas/2002/06/service/site\""));
    assert!(r.text.contains("xsi:type=\"ns1:getSiteResponse\""));
    assert_eq!(r.value(&["siteInstance", "siteCommonOptions", "SupportXMLAPIReturnScheduledPMR"]), "true");
    assert_eq!(r.value(&["siteInstance", "securityOptions", "allMeetingsPassword"]), "true");
    assert_eq!(r.value(&["siteInstance", "metaData", "siteName"]), "acme");
    let types: Vec<String> = r
        .body()
        .path(&["siteInstance", "metaData"])
        .unwrap()
        .children_named("meetingTypes")
        .map(|t| t.text_of("meetingTypeID").unwrap().to_string())
        .collect();
    assert!(types.contains(&"214".to_string()) && types.contains(&"215".to_string()), "{types:?}");
}

#[tokio::test]
async fn lst_time_zone_lists_62_with_dst_on_the_date() {
    let s = TestServer::start().await;
    let all = s.call("alice", PW, "site.LstTimeZone", "").await;
    all.assert_success();
    assert_eq!(all.body().children_named("timeZone").count(), 62);
    let berlin = |date: &str| format!("<timeZoneID>25</timeZoneID><date>{date}</date>");
    let winter = s.call("alice", PW, "site.LstTimeZone", &berlin("01/26/2026 21:00:00")).await;
    assert_eq!(winter.value(&["timeZone", "gmtOffset"]), "60");
    assert_eq!(winter.value(&["timeZone", "fallInDST"]), "false");
    let summer = s.call("alice", PW, "site.LstTimeZone", &berlin("7/1/2026 0:0:0")).await;
    assert_eq!(summer.value(&["timeZone", "gmtOffset"]), "120");
    assert_eq!(summer.value(&["timeZone", "description"]), "GMT+01:00, Europe (Berlin)");
    s.call("alice", PW, "site.LstTimeZone", "<timeZoneID>77</timeZoneID>").await.assert_failure("000000");
}

#[tokio::test]
async fn api_version_needs_no_credentials() {
    let s = TestServer::start().await;
    let doc = "<serv:message xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><header><securityContext/></header><body>\
               <bodyContent xsi:type=\"java:com.webex.service.binding.ep.GetAPIVersion\"/></body></serv:message>";
    let r = Reply::parse(s.post(doc).await.1);
    r.assert_success();
    assert!(r.text.contains("xmlns:ep=") && r.text.contains("xmlns:meet="));
    assert!(r.value(&["apiVersion"]).starts_with("WebEx XML API V40"));
    assert_eq!(r.value(&["apiVer"]), "40.7.0");
    // Anything else without a site is refused.
    let doc = doc.replace("ep.GetAPIVersion", "user.GetMe");
    Reply::parse(s.post(&doc).await.1).assert_failure("000000");
}
