//! The licence report as text: an aligned table for people, CSV (one row per month) for
//! spreadsheets. The JSON form is the report's own serialization.

use kaigi_core::model::{LicensePlan, LicenseReport, PlanView};

fn plan_text(p: &PlanView) -> String {
    match p.plan {
        LicensePlan::NamedUser { seats } => format!("NamedUser({seats})"),
        LicensePlan::ActiveUser { purchased, minimum } => format!("ActiveUser({purchased}, min {minimum})"),
        LicensePlan::EnterpriseAgreement => "EnterpriseAgreement".into(),
    }
}

/// A CSV field, quoted when it needs to be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn csv(r: &LicenseReport) -> String {
    let mut out = String::from(
        "month,plan,distinctHosts,seatsAssigned,neededNamedUser,neededActiveUser,activeUserMinimum,overPurchase,violations\n",
    );
    for m in &r.months {
        let violations: u64 = m.violation_counts.values().sum();
        let row = [
            m.month.clone(),
            plan_text(&m.plan),
            m.distinct_hosts.to_string(),
            m.seats_assigned.to_string(),
            m.needed_named_user.to_string(),
            m.needed_active_user.to_string(),
            m.active_user_minimum.to_string(),
            m.over_purchase.to_string(),
            violations.to_string(),
        ];
        out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out.trim_end().to_string()
}

pub fn table(r: &LicenseReport) -> String {
    let mut out = format!(
        "Licence report for {} — {} to {} (time zone {}), plan now: {}\n\n",
        r.site,
        r.from,
        r.to,
        r.time_zone_id,
        plan_text(&r.plan)
    );
    let header = ["month", "plan", "hosts", "seats", "named", "active", "over", "violations"];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    for m in &r.months {
        let violations: u64 = m.violation_counts.values().sum();
        rows.push(vec![
            m.month.clone(),
            plan_text(&m.plan),
            m.distinct_hosts.to_string(),
            m.seats_assigned.to_string(),
            m.needed_named_user.to_string(),
            m.needed_active_user.to_string(),
            if m.over_purchase { "yes".into() } else { "".into() },
            violations.to_string(),
        ]);
    }
    let widths: Vec<usize> =
        (0..header.len()).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| if i < 2 { format!("{c:<w$}") } else { format!("{c:>w$}") })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let w = &r.what_if;
    out.push_str(&format!(
        "\nWhat if: Named User needs {} seats (peak {}; {} people hosted in the range); \
         Active User needs {} licences (peak {}, minimum {}); the current plan provides {}.\n",
        w.named_user.licences,
        w.named_user.peak_month.as_deref().unwrap_or("-"),
        w.named_user.people_who_hosted,
        w.active_user.licences,
        w.active_user.peak_month.as_deref().unwrap_or("-"),
        w.active_user.minimum,
        w.current_licences.map_or("no limit".to_string(), |n| n.to_string()),
    ));
    if r.violations_total > 0 {
        out.push_str(&format!("\nViolations and refusals ({} in all):\n", r.violations_total));
        for m in &r.months {
            for v in &m.violations {
                out.push_str(&format!(
                    "{}  {:<26} {:<24} booking {:<10} {}\n",
                    v.at.format("%Y-%m-%d %H:%M"),
                    v.kind,
                    v.person.as_deref().unwrap_or("-"),
                    v.booking.as_deref().unwrap_or("-"),
                    v.reason
                ));
            }
        }
        if r.truncated {
            out.push_str(&format!("({} listed; the counts above include all)\n", r.violations_listed));
        }
    }
    out.trim_end().to_string()
}
