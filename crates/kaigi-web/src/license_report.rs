//! The licence report over HTTP: `GET /_kaigi/sites/{site}/license-report?from=YYYY-MM&to=YYYY-MM`
//! answers the report's JSON; `…/license-report.html` (or `?format=html`) a page with an inline SVG
//! bar chart drawn here, no script. Both are for the site's administrators (see [`site_admin`]).
//! Errors are JSON on both, through the pages' one error mapping.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use kaigi_core::error::AuthFailure;
use kaigi_core::model::{Caller, Credentials, LicensePlan, LicenseReport, MonthReport, Proof, SiteRef, UserRef};
use kaigi_core::rules::licence::capacity;
use kaigi_core::Error;
use maud::{html, Markup};
use serde::Deserialize;

use crate::authorization::{authorization, Authorization};
use crate::error::{json_failure, Page};
use crate::layout::{FormAction, Shell};
use crate::Web;

/// Violations the page lists (the JSON has them all, up to the report's own limit).
const PAGE_VIOLATIONS: usize = 300;

/// The report's wide tables and chart, over the common style sheet.
const REPORT_STYLE: &str = "body{max-width:none;margin:2em}td,th{padding:2px 8px;text-align:right}\
td:nth-child(-n+2){text-align:left}";

#[derive(Deserialize)]
pub struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

/// The signed-in person behind HTTP Basic (a user's webExId and password, what a browser asks
/// for), checked by the core like any sign-in (lockout included). Bearer tokens are refused here:
/// a token carries scopes, and these pages manage things no REST scope grants (an integration's
/// token with `spark:people_read` must not delete the site's integrations). Whether that person
/// may do what the page does is the core's question.
pub(crate) async fn site_admin(web: &Web, site: &str, headers: &HeaderMap) -> Result<Caller, Error> {
    match authorization(headers)? {
        // Answered like no sign-in at all: the page asks for a password.
        Authorization::Bearer(_) => Err(Error::Auth(AuthFailure::MissingCredentials)),
        Authorization::Basic(encoded) => basic_sign_in(web, site, encoded).await,
    }
}

/// Who may read the licence report: HTTP Basic as on the other pages, or a bearer token of a user
/// of this very site that carries `spark-admin:licenses_read` (a scripted report).
async fn report_reader(web: &Web, site: &str, headers: &HeaderMap) -> Result<Caller, Error> {
    match authorization(headers)? {
        Authorization::Basic(encoded) => basic_sign_in(web, site, encoded).await,
        Authorization::Bearer(token) => web.kaigi.licence_report_reader(token, site).await,
    }
}

async fn basic_sign_in(web: &Web, site: &str, encoded: &str) -> Result<Caller, Error> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or(Error::Auth(AuthFailure::BadPassword))?;
    let (user, password) = decoded.split_once(':').ok_or(Error::Auth(AuthFailure::BadPassword))?;
    let credentials = Credentials {
        site: SiteRef::Name(site.to_string()),
        user: Some(UserRef::WebExId(user.to_string())),
        proof: Proof::Password(password.to_string()),
    };
    web.kaigi.authenticate(&credentials).await
}

async fn build(web: &Web, site: &str, headers: &HeaderMap, q: &ReportQuery) -> Result<LicenseReport, Error> {
    let caller = report_reader(web, site, headers).await?;
    web.kaigi.license_report(&caller, q.from.as_deref(), q.to.as_deref()).await
}

/// GET /_kaigi/sites/{site}/license-report: JSON, or the page with `?format=html`.
pub async fn report(
    State(web): State<Web>,
    Path(site): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    let html = q.format.as_deref().is_some_and(|f| f.eq_ignore_ascii_case("html"));
    match build(&web, &site, &headers, &q).await {
        Ok(r) if html => page(&r),
        Ok(r) => axum::Json(r).into_response(),
        Err(e) => json_failure(&web.kaigi, &e, Page::LicenceReport),
    }
}

/// GET /_kaigi/sites/{site}/license-report.html
pub async fn report_page(
    State(web): State<Web>,
    Path(site): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    match build(&web, &site, &headers, &q).await {
        Ok(r) => page(&r),
        Err(e) => json_failure(&web.kaigi, &e, Page::LicenceReport),
    }
}

/// A chart series: its name, colour and value of a month.
type Series = (&'static str, &'static str, fn(&MonthReport) -> u32);

/// Grouped bars per month (distinct hosts, seats assigned, needed under Named, needed under
/// Active) and a tick for what the month's plan provides. SVG elements are written with a
/// closing tag (`<line …></line>`), as inline SVG in HTML needs for elements without content.
pub fn chart(months: &[MonthReport]) -> Markup {
    const BAR: u32 = 9;
    const GROUP: u32 = 4 * BAR + 14;
    const HEIGHT: u32 = 220;
    const LEFT: u32 = 44;
    // The legend: one row per series and one for the plan's tick, under the month labels, each
    // row inside the drawing whatever the number of months.
    const LEGEND_ROW: u32 = 14;
    const LEGEND_WIDTH: u32 = 180;
    let series: [Series; 4] = [
        ("distinct hosts", "#2b6cb0", |m| m.distinct_hosts),
        ("seats assigned", "#a0aec0", |m| m.seats_assigned),
        ("needed (Named User)", "#dd6b20", |m| m.needed_named_user),
        ("needed (Active User)", "#38a169", |m| m.needed_active_user),
    ];
    let top = months
        .iter()
        .flat_map(|m| series.iter().map(|(_, _, f)| f(m)).chain(capacity(&m.plan.plan)))
        .max()
        .unwrap_or(0)
        .max(1);
    let y = |v: u32| HEIGHT - (u64::from(v) * u64::from(HEIGHT) / u64::from(top)) as u32;
    let width = (LEFT + GROUP * months.len() as u32 + 10).max(LEFT + LEGEND_WIDTH);
    let full_height = HEIGHT + 26 + LEGEND_ROW * (series.len() as u32 + 1) + 4;
    let view_box = format!("0 0 {width} {full_height}");
    html! {
        svg xmlns="http://www.w3.org/2000/svg" role="img" width=(width) height=(full_height) viewBox=(view_box)
            font-family="sans-serif" font-size="10" {
            title { "Licences per month" }
            line x1=(LEFT) y1=(HEIGHT) x2=(width) y2=(HEIGHT) stroke="#333" {}
            text x=(LEFT - 4) y="10" text-anchor="end" { (top) }
            text x=(LEFT - 4) y=(HEIGHT) text-anchor="end" { "0" }
            @for (i, m) in months.iter().enumerate() {
                @let x0 = LEFT + 6 + GROUP * i as u32;
                @for (j, (name, colour, f)) in series.iter().enumerate() {
                    @let v = f(m);
                    rect class="bar" x=(x0 + BAR * j as u32) y=(y(v)) width=(BAR - 1) height=(HEIGHT - y(v)) fill=(colour) {
                        title { (m.month) " " (name) ": " (v) }
                    }
                }
                @if let Some(c) = capacity(&m.plan.plan) {
                    line x1=(x0 - 2) y1=(y(c)) x2=(x0 + 4 * BAR + 1) y2=(y(c)) stroke="#c53030" stroke-width="2" {
                        title { (m.month) " plan provides " (c) }
                    }
                }
                @let fill = if m.over_purchase || !m.violation_counts.is_empty() { "#c53030" } else { "#333" };
                text x=(x0 + 2 * BAR) y=(HEIGHT + 14) text-anchor="middle" fill=(fill) { (m.month) }
            }
            g class="legend" {
                @for (j, (name, colour, _)) in series.iter().enumerate() {
                    @let y0 = HEIGHT + 26 + LEGEND_ROW * j as u32;
                    rect x=(LEFT) y=(y0) width="10" height="10" fill=(colour) {}
                    text x=(LEFT + 14) y=(y0 + 9) { (name) }
                }
                @let y0 = HEIGHT + 26 + LEGEND_ROW * series.len() as u32;
                line x1=(LEFT) y1=(y0 + 5) x2=(LEFT + 10) y2=(y0 + 5) stroke="#c53030" stroke-width="2" {}
                text x=(LEFT + 14) y=(y0 + 9) { "what the plan provides" }
            }
        }
    }
}

fn plan_text(plan: &LicensePlan) -> String {
    match plan {
        LicensePlan::NamedUser { seats } => format!("Named User, {seats} seats"),
        LicensePlan::ActiveUser { purchased, minimum } => {
            format!("Active User, {purchased} purchased (minimum {minimum})")
        }
        LicensePlan::EnterpriseAgreement => "Enterprise Agreement".into(),
    }
}

/// The plan of a month as the table shows it: a month before the site's first plan (before the
/// site existed) had none, which is not an Enterprise Agreement. A site that never had a plan is
/// not limited, and says so.
fn month_plan_text(r: &LicenseReport, m: &MonthReport) -> String {
    match (&m.plan.effective_from, r.plan_history.is_empty()) {
        (None, false) => "none yet (before the site's first plan)".into(),
        _ => plan_text(&m.plan.plan),
    }
}

fn page(r: &LicenseReport) -> Response {
    let w = &r.what_if;
    let more = (r.violations_listed as usize) > PAGE_VIOLATIONS || r.truncated;
    let title = format!("Licence report — {}", r.site);
    let body = html! {
        p { (r.from) " to " (r.to) "; plan now: " (plan_text(&r.plan.plan)) "." }
        (chart(&r.months))
        h2 { "Months" }
        table {
            tr {
                th { "month" } th { "plan" } th { "distinct hosts" } th { "seats assigned" }
                th { "needed (Named User)" } th { "needed (Active User)" } th { "over the purchase?" } th { "violations" }
            }
            @for m in &r.months {
                tr {
                    td { (m.month) }
                    td { (month_plan_text(r, m)) }
                    td { (m.distinct_hosts) }
                    td { (m.seats_assigned) }
                    td { (m.needed_named_user) }
                    td { (m.needed_active_user) }
                    td { @if m.over_purchase { "yes" } @else { "no" } }
                    td { (m.violation_counts.values().sum::<u64>()) }
                }
            }
        }
        h2 { "What if" }
        ul {
            li {
                "Named User: " (w.named_user.licences) " seats (peak "
                (w.named_user.peak_month.as_deref().unwrap_or("-")) "); "
                (w.named_user.people_who_hosted) " people scheduled or hosted in the range."
            }
            li {
                "Active User: " (w.active_user.licences) " licences (peak "
                (w.active_user.peak_month.as_deref().unwrap_or("-")) ", minimum " (w.active_user.minimum) "); "
                (w.active_user.months_over_purchase) " months over the purchase."
            }
            li {
                "The current plan provides "
                @match w.current_licences { Some(n) => { (n) } None => { "no limit" } }
                "."
            }
        }
        h2 { "Violations and refusals (" (r.violations_total) ")" }
        table {
            tr { th { "when" } th { "kind" } th { "person" } th { "booking" } th { "reason" } }
            @for v in r.months.iter().flat_map(|m| &m.violations).take(PAGE_VIOLATIONS) {
                tr {
                    td { (v.at.format("%Y-%m-%d %H:%M UTC").to_string()) }
                    td { (v.kind) }
                    td { (v.person.as_deref().unwrap_or("")) }
                    td { (v.booking.as_deref().unwrap_or("")) }
                    td { (v.reason) }
                }
            }
        }
        @if more {
            p { "Not every violation is listed here; the counts above include all of them." }
        }
    };
    Shell { extra_style: Some(REPORT_STYLE), form_action: FormAction::None, ..Shell::new(&title) }
        .render(StatusCode::OK, body)
}
