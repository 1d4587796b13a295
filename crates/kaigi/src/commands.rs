//! The administration commands. Each one opens the store and calls the core as the site's
//! operator, so the same rules apply as over the APIs.

use std::io::BufRead;
use std::sync::Arc;

use clap::{Args, Subcommand};
use kaigi_core::model::{
    ActiveState, Caller, IntegrationKind, LicensePlan, NewIntegration, NewUser, SiteSettings, UserChange, UserFields,
    UserQuery,
};
use kaigi_core::Kaigi;

use crate::{DbArgs, SecretArgs};

#[derive(Args, Clone)]
pub struct PlanArgs {
    /// Named User plan with this many seats.
    #[arg(long, conflicts_with_all = ["active_users", "enterprise"])]
    pub named_seats: Option<u32>,
    /// Active User plan: licences purchased.
    #[arg(long, requires = "minimum")]
    pub active_users: Option<u32>,
    /// Active User plan: contractual minimum.
    #[arg(long)]
    pub minimum: Option<u32>,
    /// Enterprise Agreement (not limited).
    #[arg(long)]
    pub enterprise: bool,
}

impl PlanArgs {
    fn plan(&self) -> Option<LicensePlan> {
        if let Some(seats) = self.named_seats {
            Some(LicensePlan::NamedUser { seats })
        } else if let Some(purchased) = self.active_users {
            Some(LicensePlan::ActiveUser { purchased, minimum: self.minimum.unwrap_or(0) })
        } else if self.enterprise {
            Some(LicensePlan::EnterpriseAgreement)
        } else {
            None
        }
    }
}

#[derive(Subcommand)]
pub enum SiteCommand {
    /// Create a site and its first administrator.
    Create {
        #[arg(long)]
        name: String,
        /// XML API timeZoneID (0-61) of the site.
        #[arg(long, default_value_t = 20)]
        time_zone: u16,
        /// XML API languageID of the site.
        #[arg(long, default_value_t = 1)]
        language: u16,
        #[command(flatten)]
        plan: PlanArgs,
        /// webExId of the first site administrator.
        #[arg(long)]
        admin: String,
        #[arg(long)]
        admin_email: String,
        #[command(flatten)]
        secret: SecretArgs,
    },
    /// List the sites.
    List,
    /// Change how many calls per minute each user of the site may make (REST API; XML API
    /// GetUserCard and GetSessionInfo). Load tests raise them.
    Limits {
        #[arg(long)]
        site: String,
        #[arg(long)]
        rest_calls_per_minute: Option<u32>,
        #[arg(long)]
        xml_calls_per_minute: Option<u32>,
    },
    /// How requests are read: strict XML (refuse elements an operation's schema does not know, as
    /// the real service does) and the names of the site's tracking codes (`--tracking-code 1=Department`).
    Requests {
        #[arg(long)]
        site: String,
        #[arg(long)]
        strict: Option<bool>,
        /// SLOT=NAME, slot 1 to 10; repeat for several; an empty NAME unnames the slot.
        #[arg(long = "tracking-code")]
        tracking_codes: Vec<String>,
    },
    /// Where the site's webhooks may send (docs/webhooks.md): host names (`*.example.com` for
    /// the names under it), IP addresses and networks (`10.0.0.0/8`). `--allow` replaces the
    /// list; `--clear` empties it (no webhook may then deliver); neither shows it.
    Webhooks {
        #[arg(long)]
        site: String,
        /// A host name, *.domain, IP address or network; repeat for several.
        #[arg(long = "allow")]
        allow: Vec<String>,
        #[arg(long, conflicts_with = "allow")]
        clear: bool,
    },
    /// Make a site of many hosts and meetings, and the key files of the spread benchmark.
    #[command(hide = true)]
    GenerateSpreadData(crate::spreaddata::SpreadDataArgs),
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Create {
        #[arg(long)]
        site: String,
        #[arg(long)]
        webex_id: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        first_name: String,
        #[arg(long, default_value = "")]
        last_name: String,
        /// Give the user a host licence.
        #[arg(long)]
        host: bool,
        #[arg(long)]
        site_admin: bool,
        /// Give the user a personal meeting room.
        #[arg(long)]
        pmr: bool,
        #[command(flatten)]
        secret: SecretArgs,
    },
    /// Set a user's password.
    SetPassword {
        #[arg(long)]
        site: String,
        #[arg(long)]
        webex_id: String,
        #[command(flatten)]
        secret: SecretArgs,
    },
    /// Deactivate a user (frees their seat; their personal room comes back within a week).
    Deactivate {
        #[arg(long)]
        site: String,
        #[arg(long)]
        webex_id: String,
    },
    /// List a site's users.
    List {
        #[arg(long)]
        site: String,
    },
}

#[derive(Subcommand)]
pub enum LicenseCommand {
    /// Give a user a host licence.
    Assign {
        #[arg(long)]
        site: String,
        #[arg(long)]
        user: String,
    },
    /// Take a user's host licence away.
    Unassign {
        #[arg(long)]
        site: String,
        #[arg(long)]
        user: String,
    },
    /// Change the site's licence plan from now on.
    Plan {
        #[arg(long)]
        site: String,
        #[command(flatten)]
        plan: PlanArgs,
    },
    /// Change the site's licence settings.
    Settings {
        #[arg(long)]
        site: String,
        /// Named User: give a free seat to a host who has none instead of refusing the booking.
        #[arg(long)]
        auto_assign: Option<bool>,
        /// The tracking code naming the person a booking is for (trackingCode1 … trackingCode10, or none).
        #[arg(long)]
        requester_tracking_code: Option<String>,
    },
    /// The licence compliance report of a site over a range of months.
    Report {
        #[arg(long)]
        site: String,
        /// First month, YYYY-MM (default: the first of the last twelve months).
        #[arg(long)]
        from: Option<String>,
        /// Last month, YYYY-MM (default: this month, in the site's time zone).
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Fill a site with synthetic users and licence decisions for the report benchmark.
    #[command(hide = true)]
    GenerateBenchData(crate::benchdata::BenchDataArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
}

#[derive(Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key and print it (shown once).
    Create {
        #[arg(long)]
        site: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create a personal access token for a user and print it (valid 12 hours, shown once).
    Create {
        #[arg(long)]
        site: String,
        /// webExId of the user the token speaks for.
        #[arg(long)]
        user: String,
        /// Only these scopes (repeat, or separate by spaces or commas); default: all the user's role allows.
        #[arg(long = "scope")]
        scopes: Vec<String>,
    },
}

#[derive(Subcommand)]
pub enum IntegrationCommand {
    /// Register an OAuth integration (or a Service App) and print its client id and secret
    /// (the secret is shown once).
    Create {
        #[arg(long)]
        site: String,
        #[arg(long)]
        name: String,
        /// Where /v1/authorize may send people back (repeat; exact match). A Service App needs none.
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
        /// A scope it may ask for (repeat, or separate by spaces or commas).
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// A Service App: a machine account of the site, authorized by `kaigi integration authorize`.
        #[arg(long)]
        service_app: bool,
    },
    /// List a site's integrations and Service Apps.
    List {
        #[arg(long)]
        site: String,
    },
    /// Authorize a Service App for its site (its tokens act as a machine account of the site).
    Authorize {
        #[arg(long)]
        site: String,
        #[arg(long)]
        client_id: String,
    },
    /// Delete an integration; every token issued to it stops working.
    Delete {
        #[arg(long)]
        site: String,
        #[arg(long)]
        client_id: String,
    },
}

async fn open(db: &DbArgs) -> Result<Arc<Kaigi>, String> {
    let public_url = std::env::var("KAIGI_PUBLIC_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    kaigi_server::open_kaigi(&db.url, &public_url).await.map_err(|e| e.to_string())
}

/// The password from `--password-file`, or asked for on the terminal.
fn read_secret(secret: &SecretArgs, prompt: &str) -> Result<String, String> {
    let line = match &secret.password_file {
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        None => {
            crate::output::note(format_args!("{prompt}: "), false);
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
            line
        }
    };
    let password = line.lines().next().unwrap_or_default().to_string();
    if password.is_empty() {
        return Err("the password is empty".into());
    }
    Ok(password)
}

fn err(e: kaigi_core::Error) -> String {
    e.to_string()
}

pub async fn site(command: SiteCommand, db: &DbArgs) -> Result<(), String> {
    let kaigi = open(db).await?;
    match command {
        SiteCommand::Create { name, time_zone, language, plan, admin, admin_email, secret } => {
            let password = read_secret(&secret, "password for the site administrator")?;
            let settings = SiteSettings { time_zone_id: time_zone, language_id: language, ..SiteSettings::default() };
            let plan = plan.plan().unwrap_or(LicensePlan::EnterpriseAgreement);
            let site = kaigi.create_site(&name, settings, plan).await.map_err(err)?;
            let req = NewUser {
                webex_id: admin.clone(),
                fields: UserFields {
                    email: Some(admin_email),
                    password: Some(password),
                    privileges: vec![("siteAdmin".into(), true)],
                    ..UserFields::default()
                },
                ..NewUser::default()
            };
            kaigi.create_user(&Caller::operator(site.clone()), &req).await.map_err(err)?;
            out!("site {} created (siteID {}), administrator {admin}", site.name, site.site_number)?;
        }
        SiteCommand::Limits { site, rest_calls_per_minute, xml_calls_per_minute } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let site = kaigi.set_call_limits(&site, rest_calls_per_minute, xml_calls_per_minute).await.map_err(err)?;
            out!(
                "{}: {} REST calls and {} metered XML calls per user per minute",
                site.name,
                site.settings.rest_calls_per_minute,
                site.settings.usage_limit_per_minute
            )?;
        }
        SiteCommand::Requests { site, strict, tracking_codes } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let names = tracking_codes
                .iter()
                .map(|t| {
                    let (slot, name) =
                        t.split_once('=').ok_or_else(|| format!("--tracking-code {t}: write SLOT=NAME"))?;
                    let slot =
                        slot.trim().parse::<u8>().map_err(|_| format!("--tracking-code {t}: the slot is 1 to 10"))?;
                    Ok::<_, String>((slot, name.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let site = kaigi.set_request_settings(&site, strict, &names).await.map_err(err)?;
            let s = &site.settings;
            out!("{}: strict XML requests {}", site.name, if s.strict_requests { "on" } else { "off" })?;
            for i in 1..=10u8 {
                out!("trackingCode{i}\t{}", s.tracking_code_name(i))?;
            }
        }
        SiteCommand::GenerateSpreadData(args) => crate::spreaddata::generate(kaigi.clone(), &args).await?,
        SiteCommand::Webhooks { site, allow, clear } => {
            let mut site = kaigi.site_named(&site).await.map_err(err)?;
            if clear || !allow.is_empty() {
                site = kaigi.set_webhook_targets(&site, &allow).await.map_err(err)?;
            }
            let (pending, failing) = kaigi.webhook_backlog(&site).await.map_err(err)?;
            out!("{}: webhooks may send to: {}", site.name, site.settings.webhook_targets.join(" "))?;
            out!("deliveries waiting: {pending} (of them failed at least once: {failing})")?;
        }
        SiteCommand::List => {
            for site in kaigi.sites().await.map_err(err)? {
                out!("{}\t{}", site.name, site.site_number)?;
            }
        }
    }
    Ok(())
}

pub async fn user(command: UserCommand, db: &DbArgs) -> Result<(), String> {
    let kaigi = open(db).await?;
    match command {
        UserCommand::Create { site, webex_id, email, first_name, last_name, host, site_admin, pmr, secret } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let password = read_secret(&secret, &format!("password for {webex_id}"))?;
            let req = NewUser {
                webex_id,
                fields: UserFields {
                    first_name: Some(first_name),
                    last_name: Some(last_name),
                    email: Some(email),
                    password: Some(password),
                    privileges: vec![
                        ("host".into(), host),
                        ("siteAdmin".into(), site_admin),
                        ("isEnablePMR".into(), pmr),
                    ],
                    ..UserFields::default()
                },
                ..NewUser::default()
            };
            let user = kaigi.create_user(&Caller::operator(site), &req).await.map_err(err)?;
            out!("user {} created (userId {})", user.webex_id, user.id)?;
        }
        UserCommand::SetPassword { site, webex_id, secret } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let password = read_secret(&secret, &format!("new password for {webex_id}"))?;
            let change = UserChange {
                webex_id: webex_id.clone(),
                new_webex_id: None,
                fields: UserFields { password: Some(password), ..UserFields::default() },
            };
            kaigi.set_user(&Caller::operator(site), &change).await.map_err(err)?;
            out!("password of {webex_id} changed")?;
        }
        UserCommand::Deactivate { site, webex_id } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let change = UserChange {
                webex_id: webex_id.clone(),
                new_webex_id: None,
                fields: UserFields { active: Some(ActiveState::Deactivated), ..UserFields::default() },
            };
            kaigi.set_user(&Caller::operator(site), &change).await.map_err(err)?;
            out!("{webex_id} deactivated")?;
        }
        UserCommand::List { site } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let mut offset = 0;
            loop {
                let query = UserQuery { offset, limit: 500, ..UserQuery::default() };
                let page = kaigi.list_users(&Caller::operator(site.clone()), query).await.map_err(err)?;
                for u in &page.items {
                    out!("{}\t{}\t{}\thost={}", u.webex_id, u.email, u.active.wire(), u.privileges.host)?;
                }
                offset += page.items.len() as u32;
                if page.items.is_empty() || u64::from(offset) >= page.total {
                    break;
                }
            }
        }
    }
    Ok(())
}

pub async fn license(command: LicenseCommand, db: &DbArgs) -> Result<(), String> {
    let kaigi = open(db).await?;
    match command {
        LicenseCommand::Assign { site, user } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            kaigi.assign_license(&site, &user).await.map_err(err)?;
            out!("{user} holds a host licence")?;
        }
        LicenseCommand::Unassign { site, user } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            kaigi.unassign_license(&site, &user).await.map_err(err)?;
            out!("{user} no longer holds a host licence")?;
        }
        LicenseCommand::Plan { site, plan } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let plan =
                plan.plan().ok_or("name a plan: --named-seats N, --active-users N --minimum M, or --enterprise")?;
            kaigi.change_license_plan(&site, plan.clone()).await.map_err(err)?;
            out!("{} is on {} from now on", site.name, plan.name())?;
        }
        LicenseCommand::Settings { site, auto_assign, requester_tracking_code } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let site = kaigi
                .set_license_settings(&site, auto_assign, requester_tracking_code.as_deref())
                .await
                .map_err(err)?;
            let code = &site.settings.requester_tracking_code;
            out!(
                "{}: auto-assignment {}, requester tracking code {}",
                site.name,
                if site.settings.license_auto_assign { "on" } else { "off" },
                if code.is_empty() { "none" } else { code }
            )?;
        }
        LicenseCommand::Report { site, from, to, format } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let report =
                kaigi.license_report(&Caller::operator(site), from.as_deref(), to.as_deref()).await.map_err(err)?;
            let text = match format {
                ReportFormat::Json => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
                ReportFormat::Csv => crate::report_text::csv(&report),
                ReportFormat::Table => crate::report_text::table(&report),
            };
            out!("{text}")?;
        }
        LicenseCommand::GenerateBenchData(args) => {
            // Bulk rows straight into the store: a load generator, not a use case.
            let store = kaigi_store::open(&db.url).await.map_err(|e| e.to_string())?;
            crate::benchdata::generate(&store, &args).await?
        }
    }
    Ok(())
}

pub async fn apikey(command: ApiKeyCommand, db: &DbArgs) -> Result<(), String> {
    let kaigi = open(db).await?;
    match command {
        ApiKeyCommand::Create { site, name } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let token = kaigi.create_api_key(&site, &name).await.map_err(err)?;
            out!("{token}")?;
        }
    }
    Ok(())
}

pub async fn token(command: TokenCommand, db: &DbArgs) -> Result<(), String> {
    let kaigi = open(db).await?;
    match command {
        TokenCommand::Create { site, user, scopes } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let narrow = (!scopes.is_empty()).then_some(scopes.as_slice());
            let issued = kaigi.create_personal_token(&site, &user, narrow).await.map_err(err)?;
            out!("{}", issued.token)?;
            note!("scopes: {}; expires {}", issued.scopes.join(" "), issued.expires_at.to_rfc3339());
        }
    }
    Ok(())
}

pub async fn integration(command: IntegrationCommand, db: &DbArgs) -> Result<(), String> {
    let kaigi = open(db).await?;
    match command {
        IntegrationCommand::Create { site, name, redirect_uris, scopes, service_app } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let kind = if service_app { IntegrationKind::ServiceApp } else { IntegrationKind::Integration };
            let req = NewIntegration { name, redirect_uris, scopes, kind };
            let made = kaigi.create_integration(&Caller::operator(site), &req).await.map_err(err)?;
            out!("client_id {}", made.integration.client_id)?;
            out!("client_secret {}", made.client_secret)?;
            note!(
                "{} registered with scopes {}; the secret is shown only now",
                made.integration.name,
                made.integration.scopes.join(" ")
            );
        }
        IntegrationCommand::List { site } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            for i in kaigi.list_integrations(&Caller::operator(site)).await.map_err(err)? {
                let status = match (i.kind, &i.authorized_by) {
                    (IntegrationKind::ServiceApp, Some(by)) => format!("authorized by {by}"),
                    (IntegrationKind::ServiceApp, None) => "not authorized".to_string(),
                    _ => "active".to_string(),
                };
                out!("{}\t{}\t{}\t{}\t{}", i.client_id, i.kind.as_str(), i.name, i.scopes.join(" "), status)?;
            }
        }
        IntegrationCommand::Authorize { site, client_id } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            let app = kaigi.authorize_service_app(&Caller::operator(site), &client_id).await.map_err(err)?;
            out!("{} is authorized for the site", app.name)?;
        }
        IntegrationCommand::Delete { site, client_id } => {
            let site = kaigi.site_named(&site).await.map_err(err)?;
            kaigi.delete_integration(&Caller::operator(site), &client_id).await.map_err(err)?;
            out!("{client_id} deleted; its tokens no longer work")?;
        }
    }
    Ok(())
}
