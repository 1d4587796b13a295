//! The licence report over HTTP: `GET /_kaigi/sites/{site}/license-report?from=YYYY-MM&to=YYYY-MM`
//! answers the report's JSON; `…/license-report.html` (or `?format=html`) a page with an inline SVG
//! bar chart drawn here, no script. Both are for the site's administrators (see [`site_admin`]).

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use kaigi_core::error::{AuthFailure, Entity};
use kaigi_core::model::{scope, Caller, Credentials, LicensePlan, LicenseReport, MonthReport, Proof, SiteRef, UserRef};
use kaigi_core::Error;
use serde::Deserialize;
use serde_json::json;

use crate::app::AppState;

/// Longest Authorization header read.
const MAX_AUTHORIZATION: usize = 1024;
/// Violations the page lists (the JSON has them all, up to the report's own limit).
const PAGE_VIOLATIONS: usize = 300;

#[derive(Deserialize)]
pub struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

fn error_json(state: &AppState, status: StatusCode, message: &str) -> Response {
    let tracking = state.kaigi.tracking_id();
    let body = json!({ "message": message, "errors": [{ "description": message }], "trackingId": tracking });
    let mut r = (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Basic realm=\"kaigi\""));
    }
    r
}

fn core_error(state: &AppState, e: &Error) -> Response {
    let (status, message) = match e {
        Error::Invalid { why, field } => {
            return error_json(state, StatusCode::BAD_REQUEST, &format!("{field}: {why}"));
        }
        Error::Auth(AuthFailure::Locked { .. }) => {
            (StatusCode::UNAUTHORIZED, "The account is locked after too many bad passwords; try again later.")
        }
        Error::Auth(_) => (StatusCode::UNAUTHORIZED, "The request requires a valid site administrator."),
        Error::AccessDenied => (StatusCode::FORBIDDEN, "Only the site's administrators may read its licence report."),
        Error::MissingScope(scope) => {
            let text = format!("The token does not carry the scope {scope}, which the licence report needs.");
            return error_json(state, StatusCode::FORBIDDEN, &text);
        }
        Error::UsageLimited => (StatusCode::TOO_MANY_REQUESTS, "Too many requests this minute; try again shortly."),
        Error::NotFound(Entity::Site) => (StatusCode::NOT_FOUND, "The site could not be found."),
        other => {
            tracing::error!(error = %other, "licence report failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong; try again later.")
        }
    };
    error_json(state, status, message)
}

/// The signed-in person behind HTTP Basic (a user's webExId and password, what a browser asks
/// for), checked by the core like any sign-in (lockout included). Bearer tokens are refused here:
/// a token carries scopes, and these pages manage things no REST scope grants (an integration's
/// token with `spark:people_read` must not delete the site's integrations). Whether that person
/// may do what the page does is the core's question.
pub(crate) async fn site_admin(state: &AppState, site: &str, headers: &HeaderMap) -> Result<Caller, Error> {
    match authorization(headers)? {
        // Answered like no sign-in at all: the page asks for a password.
        Authorization::Bearer(_) => Err(Error::Auth(AuthFailure::MissingCredentials)),
        Authorization::Basic(encoded) => basic_sign_in(state, site, encoded).await,
    }
}

/// Who may read the licence report: HTTP Basic as on the other pages, or a bearer token of a user
/// of this very site that carries `spark-admin:licenses_read` (a scripted report).
async fn report_reader(state: &AppState, site: &str, headers: &HeaderMap) -> Result<Caller, Error> {
    match authorization(headers)? {
        Authorization::Basic(encoded) => basic_sign_in(state, site, encoded).await,
        Authorization::Bearer(token) => {
            let who = state.kaigi.authenticate_bearer(token).await?;
            if !who.caller.site.name.eq_ignore_ascii_case(site) {
                // A token of another site names nobody here.
                return Err(Error::Auth(AuthFailure::BadAccessToken));
            }
            who.require(scope::ADMIN_LICENSES_READ)?;
            Ok(who.caller)
        }
    }
}

enum Authorization<'a> {
    Bearer(&'a str),
    Basic(&'a str),
}

fn authorization(headers: &HeaderMap) -> Result<Authorization<'_>, Error> {
    let value = headers.get(header::AUTHORIZATION).ok_or(Error::Auth(AuthFailure::MissingCredentials))?;
    let value =
        value.to_str().ok().filter(|v| v.len() <= MAX_AUTHORIZATION).ok_or(Error::Auth(AuthFailure::BadPassword))?;
    let (scheme, encoded) = value.trim().split_once(' ').ok_or(Error::Auth(AuthFailure::BadPassword))?;
    if scheme.eq_ignore_ascii_case("bearer") {
        Ok(Authorization::Bearer(encoded.trim()))
    } else if scheme.eq_ignore_ascii_case("basic") {
        Ok(Authorization::Basic(encoded.trim()))
    } else {
        Err(Error::Auth(AuthFailure::BadPassword))
    }
}

async fn basic_sign_in(state: &AppState, site: &str, encoded: &str) -> Result<Caller, Error> {
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
    state.kaigi.authenticate(&credentials).await
}

async fn build(state: &AppState, site: &str, headers: &HeaderMap, q: &ReportQuery) -> Result<LicenseReport, Error> {
    let caller = report_reader(state, site, headers).await?;
    let (default_from, default_to) =
        kaigi_core::rules::licence_report::last_twelve_months(&caller.site, state.kaigi.now());
    let from = q.from.clone().filter(|s| !s.trim().is_empty()).unwrap_or(default_from);
    let to = q.to.clone().filter(|s| !s.trim().is_empty()).unwrap_or(default_to);
    state.kaigi.license_report(&caller, &from, &to).await
}

/// GET /_kaigi/sites/{site}/license-report: JSON, or the page with `?format=html`.
pub async fn report(
    State(state): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    let html = q.format.as_deref().is_some_and(|f| f.eq_ignore_ascii_case("html"));
    match build(&state, &site, &headers, &q).await {
        Ok(r) if html => page(&r),
        Ok(r) => axum::Json(r).into_response(),
        Err(e) => core_error(&state, &e),
    }
}

/// GET /_kaigi/sites/{site}/license-report.html
pub async fn report_page(
    State(state): State<AppState>,
    Path(site): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    match build(&state, &site, &headers, &q).await {
        Ok(r) => page(&r),
        Err(e) => core_error(&state, &e),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn capacity(plan: &LicensePlan) -> Option<u32> {
    match plan {
        LicensePlan::NamedUser { seats } => Some(*seats),
        LicensePlan::ActiveUser { purchased, .. } => Some(*purchased),
        LicensePlan::EnterpriseAgreement => None,
    }
}

/// A chart series: its name, colour and value of a month.
type Series = (&'static str, &'static str, fn(&MonthReport) -> u32);

/// Grouped bars per month (distinct hosts, seats assigned, needed under Named, needed under
/// Active) and a tick for what the month's plan provides.
pub fn chart(months: &[MonthReport]) -> String {
    const BAR: u32 = 9;
    const GROUP: u32 = 4 * BAR + 14;
    const HEIGHT: u32 = 220;
    const LEFT: u32 = 44;
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
    let width = LEFT + GROUP * months.len() as u32 + 10;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" height=\"{}\" \
         viewBox=\"0 0 {width} {}\" font-family=\"sans-serif\" font-size=\"10\">\
         <title>Licences per month</title>",
        HEIGHT + 60,
        HEIGHT + 60
    );
    svg.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{HEIGHT}\" x2=\"{width}\" y2=\"{HEIGHT}\" stroke=\"#333\"/>\
         <text x=\"{}\" y=\"10\" text-anchor=\"end\">{top}</text><text x=\"{}\" y=\"{HEIGHT}\" text-anchor=\"end\">0</text>",
        LEFT - 4,
        LEFT - 4
    ));
    for (i, m) in months.iter().enumerate() {
        let x0 = LEFT + 6 + GROUP * i as u32;
        for (j, (name, colour, f)) in series.iter().enumerate() {
            let v = f(m);
            let x = x0 + BAR * j as u32;
            svg.push_str(&format!(
                "<rect class=\"bar\" x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\">\
                 <title>{} {name}: {v}</title></rect>",
                y(v),
                BAR - 1,
                HEIGHT - y(v),
                esc(&m.month)
            ));
        }
        if let Some(c) = capacity(&m.plan.plan) {
            svg.push_str(&format!(
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#c53030\" stroke-width=\"2\">\
                 <title>{} plan provides {c}</title></line>",
                x0 - 2,
                y(c),
                x0 + 4 * BAR + 1,
                y(c),
                esc(&m.month)
            ));
        }
        let fill = if m.over_purchase || !m.violation_counts.is_empty() { "#c53030" } else { "#333" };
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{fill}\">{}</text>",
            x0 + 2 * BAR,
            HEIGHT + 14,
            esc(&m.month)
        ));
    }
    for (j, (name, colour, _)) in series.iter().enumerate() {
        let x = LEFT + 150 * j as u32;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\">{name}</text>",
            HEIGHT + 30,
            x + 14,
            HEIGHT + 39
        ));
    }
    svg.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#c53030\" stroke-width=\"2\"/>\
         <text x=\"{}\" y=\"{}\">what the plan provides</text></svg>",
        HEIGHT + 52,
        LEFT + 10,
        HEIGHT + 52,
        LEFT + 14,
        HEIGHT + 55
    ));
    svg
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

fn page(r: &LicenseReport) -> Response {
    let mut rows = String::new();
    for m in &r.months {
        let violations: u64 = m.violation_counts.values().sum();
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&m.month),
            esc(&plan_text(&m.plan.plan)),
            m.distinct_hosts,
            m.seats_assigned,
            m.needed_named_user,
            m.needed_active_user,
            if m.over_purchase { "over the purchase" } else { "" },
            violations
        ));
    }
    let mut listed = String::new();
    for v in r.months.iter().flat_map(|m| &m.violations).take(PAGE_VIOLATIONS) {
        listed.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            v.at.format("%Y-%m-%d %H:%M UTC"),
            esc(v.kind),
            esc(v.person.as_deref().unwrap_or("")),
            esc(v.booking.as_deref().unwrap_or("")),
            esc(&v.reason)
        ));
    }
    let w = &r.what_if;
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Licence report — {site}</title>\
         <style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}}td:nth-child(-n+2){{text-align:left}}</style>\
         </head><body><h1>Licence report — {site}</h1>\
         <p>{from} to {to}; plan now: {plan}.</p>{chart}\
         <h2>Months</h2><table><tr><th>month</th><th>plan</th><th>distinct hosts</th><th>seats assigned</th>\
         <th>needed (Named User)</th><th>needed (Active User)</th><th></th><th>violations</th></tr>{rows}</table>\
         <h2>What if</h2><ul><li>Named User: {named} seats (peak {named_peak}); {people} people scheduled or hosted \
         in the range.</li><li>Active User: {active} licences (peak {active_peak}, minimum {minimum}); \
         {over} months over the purchase.</li><li>The current plan provides {current}.</li></ul>\
         <h2>Violations and refusals ({total})</h2><table><tr><th>when</th><th>kind</th><th>person</th>\
         <th>booking</th><th>reason</th></tr>{listed}</table>{more}</body></html>",
        site = esc(&r.site),
        from = esc(&r.from),
        to = esc(&r.to),
        plan = esc(&plan_text(&r.plan.plan)),
        chart = chart(&r.months),
        named = w.named_user.licences,
        named_peak = esc(w.named_user.peak_month.as_deref().unwrap_or("-")),
        people = w.named_user.people_who_hosted,
        active = w.active_user.licences,
        active_peak = esc(w.active_user.peak_month.as_deref().unwrap_or("-")),
        minimum = w.active_user.minimum,
        over = w.active_user.months_over_purchase,
        current = w.current_licences.map_or("no limit".to_string(), |n| n.to_string()),
        total = r.violations_total,
        more = if (r.violations_listed as usize) > PAGE_VIOLATIONS || r.truncated {
            "<p>Not every violation is listed here; the counts above include all of them.</p>"
        } else {
            ""
        },
    );
    let mut response = (StatusCode::OK, html).into_response();
    crate::html::security_headers(response.headers_mut(), "'none'");
    response
}
