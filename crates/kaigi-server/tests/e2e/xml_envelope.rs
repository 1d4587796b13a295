//! The envelope: tolerant parsing, the real response shape, batches, and bad input answered with
//! a FAILURE envelope that changes nothing.

use crate::support::*;

const GET_ALICE: &str = "<webExId>alice</webExId>";

#[tokio::test]
async fn success_has_the_real_shape() {
    let s = TestServer::start().await;
    let r = s.as_admin("user.GetUser", GET_ALICE).await;
    r.assert_success();
    // Root prefixes exactly as the service writes user answers, header order, body type.
    assert!(r.text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert_in_order(
        &r.text,
        &[
            "<serv:message xmlns:serv=\"http://www.webex.com/schemas/2002/06/service\" xmlns:com=\"http://www.webex.com/schemas/2002/06/common\" xmlns:use=\"http://www.webex.com/schemas/2002/06/service/user\">",
            "<serv:header><serv:response><serv:result>SUCCESS</serv:result><serv:gsbStatus>PRIMARY</serv:gsbStatus></serv:response></serv:header>",
            "<serv:body><serv:bodyContent xsi:type=\"use:getUserResponse\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
            "<use:firstName>Alice</use:firstName>",
            "<use:webExId>alice</use:webExId>",
            "<com:addressType>PERSONAL</com:addressType>",
            "<use:email>alice@acme.example</use:email>",
            "</serv:bodyContent></serv:body></serv:message>",
        ],
    );
}

#[tokio::test]
async fn failure_has_the_real_shape_and_http_200() {
    let s = TestServer::start().await;
    let (status, text) =
        s.post(&envelope(&security(SITE, ADMIN, ADMIN_PW), "user.GetUser", "<webExId>nobody</webExId>")).await;
    assert_eq!(status, 200);
    assert_in_order(
        &text,
        &[
            "<serv:response><serv:result>FAILURE</serv:result><serv:reason>Corresponding User not found</serv:reason>",
            "<serv:gsbStatus>PRIMARY</serv:gsbStatus><serv:exceptionID>030001</serv:exceptionID></serv:response>",
            "<serv:body><serv:bodyContent/></serv:body>",
        ],
    );
}

/// CiscoDevNet's Python sample: only xsi declared, `serv:` used undeclared, application/xml,
/// AuthenticateUser and then the ticket instead of the password.
#[tokio::test]
async fn devnet_sample_ticket_flow() {
    let s = TestServer::start().await;
    let auth = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><serv:message xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <header><securityContext><siteName>{SITE}</siteName><webExID>alice</webExID><password>{PW}</password></securityContext></header>\
         <body><bodyContent xsi:type=\"java:com.webex.service.binding.user.AuthenticateUser\"/></body></serv:message>"
    );
    let (_, text) = s.post_raw(auth, Some("application/xml"), None).await;
    let r = Reply::parse(text);
    r.assert_success();
    let ticket = r.value(&["sessionTicket"]);
    assert!(ticket.len() > 40);
    assert_eq!(r.value(&["timeToLive"]), "5400");
    assert_eq!(r.value(&["createTime"]), start_time().timestamp_millis().to_string());
    let with_ticket = format!(
        "<serv:message xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><header><securityContext>\
         <siteName>{SITE}</siteName><webExID>alice</webExID><sessionTicket>{ticket}</sessionTicket></securityContext></header>\
         <body><bodyContent xsi:type=\"java:com.webex.service.binding.user.GetUser\"><webExId>alice</webExId></bodyContent></body></serv:message>"
    );
    Reply::parse(s.post(&with_ticket).await.1).assert_success();
    // The ticket speaks only for alice, and only until it expires.
    let as_bob = with_ticket.replace("<webExID>alice</webExID>", "<webExID>bob</webExID>");
    Reply::parse(s.post(&as_bob).await.1).assert_failure("030047");
    s.advance(chrono::Duration::seconds(5401));
    let r = Reply::parse(s.post(&with_ticket).await.1);
    r.assert_failure("030047");
    assert_eq!(r.reason(), "Not a valid session ticket");
    let unknown = with_ticket.replace(&ticket, "AAAAnotaticket");
    Reply::parse(s.post(&unknown).await.1).assert_failure("030047");
}

/// SugarCRM: root `message` without prefix, no XML declaration, form content type.
#[tokio::test]
async fn sugarcrm_unprefixed_root_without_declaration() {
    let s = TestServer::start().await;
    let doc = format!(
        "<message xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><header><securityContext>\
         <webExID>{ADMIN}</webExID><password>{ADMIN_PW}</password><siteID>{}</siteID><partnerID>9999</partnerID></securityContext></header>\
         <body><bodyContent xsi:type=\"java:com.webex.service.binding.user.GetUser\"><webExId>bob</webExId></bodyContent></body></message>",
        s.site.site_number
    );
    let (_, text) = s.post_raw(doc, Some("application/x-www-form-urlencoded"), None).await;
    let r = Reply::parse(text);
    r.assert_success();
    assert_eq!(r.value(&["webExId"]), "bob");
}

/// cisco-ie/webex-api-client: ISO-8859-1 declaration, `siteId` casing, prefixed body children.
#[tokio::test]
async fn cisco_ie_latin1_and_site_id_casing() {
    let s = TestServer::start().await;
    let mut doc: Vec<u8> = format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><serv:message xmlns:serv=\"http://www.webex.com/schemas/2002/06/service\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><serv:header><serv:securityContext><serv:webExID>{ADMIN}</serv:webExID>\
         <serv:password>{ADMIN_PW}</serv:password><serv:siteId>{}</serv:siteId></serv:securityContext></serv:header><serv:body>\
         <serv:bodyContent xsi:type=\"java:com.webex.service.binding.user.SetUser\"><webExId>bob</webExId><lastName>",
        s.site.site_number
    )
    .into_bytes();
    doc.extend_from_slice(b"M\xfcller</lastName></serv:bodyContent></serv:body></serv:message>");
    let (_, text) = s.post_raw(doc, Some("text/xml"), None).await;
    Reply::parse(text).assert_success();
    let r = s.as_admin("user.GetUser", "<webExId>bob</webExId>").await;
    assert_eq!(r.value(&["lastName"]), "Müller");
}

/// Control Hub: undeclared `use:` prefixes on body children, a misspelt content type, and
/// upper-case booleans.
#[tokio::test]
async fn control_hub_undeclared_prefixes() {
    let s = TestServer::start().await;
    let doc = format!(
        "<serv:message xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><header>{}</header><body>\
         <bodyContent xsi:type=\"java:com.webex.service.binding.user.SetUser\"><use:webExId>bob</use:webExId>\
         <use:privilege><use:isEnablePMR>FALSE</use:isEnablePMR></use:privilege></bodyContent></body></serv:message>",
        security(SITE, ADMIN, ADMIN_PW)
    );
    let (_, text) = s.post_raw(doc, Some("application/x-www-rform-urlencoded"), None).await;
    Reply::parse(text).assert_success();
    let r = s.as_admin("user.GetUser", "<webExId>bob</webExId>").await;
    assert_eq!(r.value(&["privilege", "isEnablePMR"]), "false");
    assert!(r.body().child("personalMeetingRoom").is_none());
}

/// The .NET serializer's `prefix:lowerCamel` type names and the Zimbra zimlet's form-style
/// `XML=` prefix; the Python Event Center client sends no content type at all.
#[tokio::test]
async fn dotnet_type_names_zimbra_form_prefix_and_no_content_type() {
    let s = TestServer::start().await;
    let dotnet = envelope(&security(SITE, ADMIN, ADMIN_PW), "x", GET_ALICE)
        .replace("java:com.webex.service.binding.x", "user:getUser");
    Reply::parse(s.post(&dotnet).await.1).assert_success();
    let zimbra = format!("XML={}", envelope(&security(SITE, "alice", PW), "user.GetUser", GET_ALICE));
    let (_, text) = s.post_raw(zimbra, Some("application/x-www-form-urlencoded"), None).await;
    Reply::parse(text).assert_success();
    let bare = envelope(&security(SITE, "alice", PW), "ep.GetAPIVersion", "");
    let (_, text) = s.post_raw(bare, None, None).await;
    Reply::parse(text).assert_success();
}

#[tokio::test]
async fn several_body_contents_answer_in_order() {
    let s = TestServer::start().await;
    let doc = format!(
        "<serv:message xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><header>{}</header><body>\
         <bodyContent xsi:type=\"java:com.webex.service.binding.user.GetUser\"><webExId>alice</webExId></bodyContent>\
         <bodyContent xsi:type=\"java:com.webex.service.binding.user.GetUser\"><webExId>ghost</webExId></bodyContent>\
         <bodyContent xsi:type=\"java:com.webex.service.binding.user.GetSite\"/></body></serv:message>",
        security(SITE, ADMIN, ADMIN_PW)
    );
    let r = Reply::parse(s.post(&doc).await.1);
    let results: Vec<&str> = r.responses().iter().map(|x| x.text_of("result").unwrap_or("")).collect();
    assert_eq!(results, ["SUCCESS", "FAILURE", "SUCCESS"]);
    assert_eq!(r.responses()[1].text_of("exceptionID"), Some("030001"));
    let bodies = r.bodies();
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[0].attribute("type"), Some("use:getUserResponse"));
    assert!(bodies[1].children.is_empty());
    assert_eq!(bodies[2].attribute("type"), Some("ns1:getSiteResponse"));
    // Both services' prefixes are declared on the root.
    assert!(r.text.contains("xmlns:use=") && r.text.contains("xmlns:ns1="));
}

#[tokio::test]
async fn too_many_body_contents_is_000053() {
    let s = TestServer::start().await;
    let one =
        "<bodyContent xsi:type=\"java:com.webex.service.binding.user.GetUser\"><webExId>alice</webExId></bodyContent>";
    let doc = |n: usize| {
        format!(
            "<serv:message xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><header>{}</header><body>{}</body></serv:message>",
            security(SITE, ADMIN, ADMIN_PW),
            one.repeat(n)
        )
    };
    let r = Reply::parse(s.post(&doc(10)).await.1);
    assert_eq!(r.responses().len(), 10);
    let r = Reply::parse(s.post(&doc(11)).await.1);
    r.assert_failure("000053");
    assert_eq!(r.reason(), "The count of BodyContent in a request must be less than 11");
}

async fn assert_refused_and_nothing_written(s: &TestServer, body: impl Into<reqwest::Body>, reason_part: &str) {
    let (status, text) = s.post_raw(body, Some("text/xml"), None).await;
    assert_eq!(status, 200, "{text}");
    let r = Reply::parse(text);
    r.assert_failure("000000");
    assert!(r.reason().contains(reason_part), "{} should mention {reason_part}", r.reason());
    let probe = s.as_admin("user.GetUser", "<webExId>mallory</webExId>").await;
    probe.assert_failure("030001");
}

fn create_mallory() -> String {
    envelope(
        &security(SITE, ADMIN, ADMIN_PW),
        "user.CreateUser",
        "<webExId>mallory</webExId><email>m@acme.example</email><password>pass-word</password>",
    )
}

#[tokio::test]
async fn bad_input_is_refused_with_000000() {
    let s = TestServer::start().await;
    // Malformed: the CreateUser never runs.
    let broken = create_mallory().replace("</bodyContent>", "");
    assert_refused_and_nothing_written(&s, broken, "not well-formed").await;
    // Any DOCTYPE, even a harmless one, is refused: no DTD processing at all.
    let doctype = create_mallory().replacen("<serv:message", "<!DOCTYPE message [<!ENTITY e \"x\">]><serv:message", 1);
    assert_refused_and_nothing_written(&s, doctype, "DOCTYPE").await;
    // Nesting deeper than 64.
    let deep = create_mallory().replace("<password>", &format!("{}{}<password>", "<x>".repeat(70), "</x>".repeat(70)));
    assert_refused_and_nothing_written(&s, deep, "deeper than 64").await;
    // Bytes that are not UTF-8 where UTF-8 is declared.
    let mut bad_bytes = create_mallory().into_bytes();
    let at = bad_bytes.len() - 30;
    bad_bytes[at] = 0xff;
    assert_refused_and_nothing_written(&s, bad_bytes, "not valid UTF-8").await;
    // Larger than 1 MiB.
    let huge = create_mallory().replace("<password>", &format!("<notes>{}</notes><password>", "a".repeat(1024 * 1024)));
    assert_refused_and_nothing_written(&s, huge, "larger than").await;
    // Not XML at all, and an empty body.
    assert_refused_and_nothing_written(&s, "hello", "").await;
    assert_refused_and_nothing_written(&s, "", "").await;
}

#[tokio::test]
async fn unknown_operation_and_missing_type_are_000000() {
    let s = TestServer::start().await;
    let r = s.as_admin("user.FlyToTheMoon", "").await;
    r.assert_failure("000000");
    assert!(r.reason().contains("FlyToTheMoon"));
    let untyped = envelope(&security(SITE, ADMIN, ADMIN_PW), "user.GetUser", GET_ALICE)
        .replace(" xsi:type=\"java:com.webex.service.binding.user.GetUser\"", "");
    let r = Reply::parse(s.post(&untyped).await.1);
    r.assert_failure("000000");
    assert_eq!(r.reason(), "Fail to forward request:null");
    // Without `xmlns:xsi` the real service cannot read `xsi:type` either (spec §1.2 item 4).
    let undeclared = envelope(&security(SITE, ADMIN, ADMIN_PW), "user.GetUser", GET_ALICE)
        .replace(" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"", "");
    assert!(!undeclared.contains("xmlns:xsi"));
    let r = Reply::parse(s.post(&undeclared).await.1);
    r.assert_failure("000000");
    assert_eq!(r.reason(), "Fail to forward request:null");
    // A known operation kaigi does not serve says so.
    let r = s.as_admin("user.LstUser", "").await;
    r.assert_failure("000000");
    assert!(r.reason().contains("LstUser"));
}

#[tokio::test]
async fn wrong_method_and_unknown_site_keep_the_protocol_shape() {
    let s = TestServer::start().await;
    let (status, text) = s.get("/WBXService/XMLService").await;
    assert_eq!(status, 405);
    Reply::parse(text).assert_failure("000000");
    let r =
        Reply::parse(s.post(&envelope(&security("nosuchsite", ADMIN, ADMIN_PW), "user.GetUser", GET_ALICE)).await.1);
    r.assert_failure("000000");
    assert!(r.reason().contains("site"));
}

#[tokio::test]
async fn health_answers_once_the_database_is_ready() {
    let s = TestServer::start().await;
    assert_eq!(s.get("/healthz").await, (200, "ok\n".to_string()));
}
