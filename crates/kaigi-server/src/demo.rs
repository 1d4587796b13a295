//! The demo site, shaped like the company in the forum thread: 100 employees, 10 host licences.
//! For trying kaigi only: the passwords are published in the README.

use kaigi_core::error::{Duplicate, Error};
use kaigi_core::model::{Caller, LicensePlan, NewUser, Site, SiteSettings, UserFields};
use kaigi_core::Kaigi;

pub const SITE: &str = "demo";
pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "demo-admin-pass";
pub const USER_PASSWORD: &str = "demo-pass";
pub const HOSTS: u32 = 10;
pub const EMPLOYEES: u32 = 90;

fn settings() -> SiteSettings {
    SiteSettings {
        brand_name: "kaigi demo".into(),
        time_zone_id: 49, // Tokyo
        language_id: 5,
        require_meeting_password: true,
        require_email_change_confirmation: true,
        // The demo runs on one machine: its webhooks may call receivers on this machine only.
        webhook_targets: vec!["localhost".into(), "127.0.0.0/8".into(), "::1/128".into()],
        ..SiteSettings::default()
    }
}

async fn demo_site(kaigi: &Kaigi) -> Result<Site, Error> {
    match kaigi.find_site(SITE).await? {
        Some(site) => Ok(site),
        None => kaigi.create_site(SITE, settings(), LicensePlan::NamedUser { seats: HOSTS }).await,
    }
}

/// (webExId, first name, last name, password, privileges)
type Person = (String, String, String, &'static str, Vec<(String, bool)>);

fn people() -> Vec<Person> {
    let mut out = vec![(
        ADMIN.to_string(),
        "Site".to_string(),
        "Admin".to_string(),
        ADMIN_PASSWORD,
        vec![("siteAdmin".to_string(), true), ("host".to_string(), false)],
    )];
    for i in 1..=HOSTS {
        out.push((
            format!("host{i:02}"),
            "Host".into(),
            format!("{i:02}"),
            USER_PASSWORD,
            vec![("host".into(), true), ("isEnablePMR".into(), true)],
        ));
    }
    for i in 1..=EMPLOYEES {
        out.push((
            format!("emp{i:03}"),
            "Employee".into(),
            format!("{i:03}"),
            USER_PASSWORD,
            vec![("host".into(), false)],
        ));
    }
    out
}

/// Creates the demo site and whoever of its people is missing; running it again changes nothing.
pub async fn seed(kaigi: &Kaigi) -> Result<Site, Error> {
    let site = demo_site(kaigi).await?;
    let operator = Caller::operator(site.clone());
    for (webex_id, first, last, password, privileges) in people() {
        if kaigi.user_by_webex_id(&site, &webex_id).await?.is_some() {
            continue;
        }
        let req = NewUser {
            webex_id: webex_id.clone(),
            fields: UserFields {
                first_name: Some(first),
                last_name: Some(last),
                email: Some(format!("{webex_id}@demo.example")),
                password: Some(password.to_string()),
                privileges,
                ..UserFields::default()
            },
            send_welcome: false,
            html_email: false,
        };
        match kaigi.create_user(&operator, &req).await {
            Ok(_) | Err(Error::Duplicate(Duplicate::WebExId)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(site)
}
