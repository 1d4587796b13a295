//! Webhook rules: what a webhook may be, where it may send, which changes it is told of, and how
//! long a failed delivery waits before the next attempt.

use std::net::IpAddr;

use chrono::Duration;
use ipnet::IpNet;

use crate::error::{Error, Field, Result};
use crate::model::{
    ChangeEvent, FilterTerm, NewWebhook, Webhook, WebhookChange, WebhookEvent, WebhookOwner, WebhookResource,
};
use crate::rules::limits::{
    MAX_WEBHOOK_FILTER_BYTES, MAX_WEBHOOK_NAME_CHARS, MAX_WEBHOOK_SECRET_BYTES, MAX_WEBHOOK_TARGETS,
    MAX_WEBHOOK_URL_BYTES, WEBHOOK_FIRST_RETRY_SECS, WEBHOOK_MAX_RETRY_SECS,
};

/// The events each resource has.
pub fn events_of(resource: WebhookResource) -> &'static [WebhookEvent] {
    use WebhookEvent::*;
    match resource {
        WebhookResource::Meetings => &[Created, Updated, Deleted, Started, Ended, All],
        WebhookResource::MeetingParticipants => &[Joined, Left, All],
        WebhookResource::Recordings => &[Created, Deleted, All],
    }
}

/// A new webhook, checked against the site's allowed targets.
pub fn check_new(w: &NewWebhook, targets: &[String]) -> Result<()> {
    check_name(&w.name)?;
    check_target(&w.target_url, targets)?;
    check_secret(w.secret.as_deref())?;
    if w.filter.len() > MAX_WEBHOOK_FILTER_BYTES {
        return Err(Error::invalid(Field::WebhookFilter, format!("longer than {MAX_WEBHOOK_FILTER_BYTES} bytes")));
    }
    let by_host = w.terms.iter().any(|t| matches!(t, FilterTerm::HostEmail(_) | FilterTerm::HostUserId(_)));
    if by_host && w.owned_by != WebhookOwner::Org {
        return Err(Error::invalid(
            Field::WebhookFilter,
            "a hostEmail or hostUserId filter needs ownedBy org (a site administrator's webhook)",
        ));
    }
    if !events_of(w.resource).contains(&w.event) {
        let known: Vec<&str> = events_of(w.resource).iter().map(|e| e.name()).collect();
        return Err(Error::invalid(
            Field::WebhookEvent,
            format!("{} has no event {}; it has {}", w.resource.name(), w.event.name(), known.join(", ")),
        ));
    }
    Ok(())
}

pub fn check_change(c: &WebhookChange, targets: &[String]) -> Result<()> {
    check_name(&c.name)?;
    check_target(&c.target_url, targets)?;
    check_secret(c.secret.as_deref())
}

fn check_name(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid(Field::Name, "is required"));
    }
    if name.chars().count() > MAX_WEBHOOK_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            Field::Name,
            format!("must be at most {MAX_WEBHOOK_NAME_CHARS} characters, none of them control characters"),
        ));
    }
    Ok(())
}

fn check_secret(secret: Option<&str>) -> Result<()> {
    match secret {
        Some(s) if s.len() > MAX_WEBHOOK_SECRET_BYTES => {
            Err(Error::invalid(Field::WebhookSecret, format!("longer than {MAX_WEBHOOK_SECRET_BYTES} bytes")))
        }
        _ => Ok(()),
    }
}

/// An absolute http(s) URL, without user or password, whose host the site allows.
pub fn check_target(target: &str, targets: &[String]) -> Result<()> {
    let bad = |why: String| Err(Error::invalid(Field::TargetUrl, why));
    if target.len() > MAX_WEBHOOK_URL_BYTES {
        return bad(format!("longer than {MAX_WEBHOOK_URL_BYTES} bytes"));
    }
    let url = match url::Url::parse(target) {
        Ok(url) => url,
        Err(e) => return bad(format!("is not a URL ({e})")),
    };
    if !matches!(url.scheme(), "http" | "https") {
        return bad("must start with http:// or https://".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad("must not carry a user name or password".into());
    }
    if !target_allowed(&url, targets) {
        let host = url.host_str().unwrap_or_default();
        return bad(format!(
            "{host} is not among the site's allowed webhook targets; a site administrator can allow it \
             (kaigi site webhooks --allow {host})"
        ));
    }
    Ok(())
}

/// Whether the site allows `url`'s host. A name is allowed by name only (`name`, or `*.suffix`
/// for the names under it); an IP address by the networks listed. A name is never resolved
/// here: what a name resolves to can change between this check and the request, so allowing a
/// network never lets a name through.
pub fn target_allowed(url: &url::Url, targets: &[String]) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            targets.iter().any(|t| {
                let t = t.to_ascii_lowercase();
                match t.strip_prefix("*.") {
                    Some(suffix) => name.len() > suffix.len() && name.ends_with(&format!(".{suffix}")),
                    None => t == name,
                }
            })
        }
        Some(url::Host::Ipv4(ip)) => address_allowed(IpAddr::V4(ip), targets),
        Some(url::Host::Ipv6(ip)) => address_allowed(IpAddr::V6(ip), targets),
        None => false,
    }
}

fn address_allowed(ip: IpAddr, targets: &[String]) -> bool {
    // An IPv4 address written as IPv6 (`::ffff:127.0.0.1`) reaches the IPv4 host: judge it as
    // that, so allowing a wide IPv6 network never lets loopback or link-local IPv4 through.
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    targets.iter().filter_map(|t| parse_network(t)).any(|net| net.contains(&ip))
}

/// A network (`10.0.0.0/8`) or one address (`192.0.2.7`, `::1`).
fn parse_network(text: &str) -> Option<IpNet> {
    text.parse::<IpNet>().ok().or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

/// A site administrator's list of allowed targets, checked and tidied.
pub fn check_targets(list: &[String]) -> Result<Vec<String>> {
    if list.len() > MAX_WEBHOOK_TARGETS {
        return Err(Error::invalid(Field::WebhookTargets, format!("at most {MAX_WEBHOOK_TARGETS} entries")));
    }
    let mut out: Vec<String> = Vec::new();
    for entry in list {
        let entry = entry.trim().trim_end_matches('.').to_ascii_lowercase();
        let name = entry.strip_prefix("*.").unwrap_or(&entry);
        let is_name = !name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
            });
        if parse_network(&entry).is_none() && !is_name {
            return Err(Error::invalid(
                Field::WebhookTargets,
                format!("{entry:?} is neither a host name, a *.domain, an IP address nor a network"),
            ));
        }
        if !out.contains(&entry) {
            out.push(entry);
        }
    }
    Ok(out)
}

/// Whether `w` is told of `change`: same site, resource and event (or `all`), a change its owner
/// may see (a creator's webhook: meetings the creator hosts; an org webhook: every meeting of
/// the site), and every term of its filter holds.
pub fn matches(w: &Webhook, change: &ChangeEvent, site_url: &str) -> bool {
    if w.site_id != change.site_id || w.resource != change.resource {
        return false;
    }
    // A webhook hears of what happens after it was made.
    if change.at < w.created_at {
        return false;
    }
    if w.event != WebhookEvent::All && w.event != change.event {
        return false;
    }
    if w.owned_by == WebhookOwner::Creator && change.facts.host_id != w.created_by {
        return false;
    }
    w.terms.iter().all(|term| term_holds(term, change, site_url))
}

fn term_holds(term: &FilterTerm, change: &ChangeEvent, site_url: &str) -> bool {
    let f = &change.facts;
    match term {
        FilterTerm::MeetingId(uuid) => f.meeting_uuid.eq_ignore_ascii_case(uuid),
        FilterTerm::HostUserId(id) => f.host_id == *id,
        FilterTerm::HostEmail(email) => f.host_email.eq_ignore_ascii_case(email),
        FilterTerm::SiteUrl(url) => site_url.eq_ignore_ascii_case(url.trim_end_matches('/')),
        FilterTerm::MeetingType(t) => meeting_type_of(change).eq_ignore_ascii_case(t),
    }
}

/// What a change's meeting is, as the vendor's `meetingType` says it: a series being scheduled,
/// changed or cancelled (`meetingSeries`), one occurrence of it (`scheduledMeeting`), or a
/// meeting happening (`meeting`: started, ended, who joined, what was recorded).
pub fn meeting_type_of(change: &ChangeEvent) -> &'static str {
    match (change.resource, change.facts.occurrence.is_some()) {
        (WebhookResource::Meetings, false)
            if matches!(change.event, WebhookEvent::Created | WebhookEvent::Updated | WebhookEvent::Deleted) =>
        {
            "meetingSeries"
        }
        (WebhookResource::Meetings, true)
            if matches!(change.event, WebhookEvent::Created | WebhookEvent::Updated | WebhookEvent::Deleted) =>
        {
            "scheduledMeeting"
        }
        _ => "meeting",
    }
}

/// How long to wait after `attempts` failed attempts: 1 s, 2 s, 4 s ... up to 5 minutes.
pub fn retry_delay(attempts: u32) -> Duration {
    let exp = attempts.saturating_sub(1).min(20);
    Duration::seconds((WEBHOOK_FIRST_RETRY_SECS << exp).min(WEBHOOK_MAX_RETRY_SECS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(url: &str, targets: &[&str]) -> bool {
        let targets: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
        check_target(url, &targets).is_ok()
    }

    #[test]
    fn targets_are_allowed_by_name_or_by_network_never_by_resolution() {
        let demo = ["localhost", "127.0.0.0/8", "::1/128"];
        assert!(allowed("http://127.0.0.1:9000/hook", &demo));
        assert!(allowed("http://[::1]:9000/hook", &demo));
        assert!(allowed("http://localhost:9000/hook", &demo));
        assert!(!allowed("http://10.0.0.1/hook", &demo));
        assert!(!allowed("http://169.254.169.254/latest/meta-data", &demo));
        // A name that may well resolve to 127.0.0.1 is still not allowed by the network.
        assert!(!allowed("http://localtest.me/hook", &demo));
        assert!(allowed("https://a.hooks.example.com/x", &["*.hooks.example.com"]));
        assert!(!allowed("https://hooks.example.com.evil.net/x", &["*.hooks.example.com"]));
        assert!(!allowed("https://hooks.example.com/x", &["*.hooks.example.com"]));
        // The URL parser's reading of odd forms is the one that counts: 0x7f.1 is 127.0.0.1.
        assert!(!allowed("http://0x7f.1/", &["10.0.0.0/8"]));
        assert!(allowed("http://0x7f.1/", &["127.0.0.1"]));
        assert!(!allowed("http://user:pw@127.0.0.1/", &demo));
        assert!(!allowed("ftp://127.0.0.1/", &demo));
        assert!(!allowed("http://127.0.0.1/", &[]));
        // IPv4 written as IPv6 is judged as the IPv4 address it reaches.
        assert!(!allowed("http://[::ffff:127.0.0.1]/", &["::/0"]));
        assert!(!allowed("http://[::ffff:169.254.169.254]/", &["::/0"]));
        assert!(allowed("http://[::ffff:127.0.0.1]/", &["127.0.0.0/8"]));
    }

    #[test]
    fn the_allowed_list_is_checked_and_tidied() {
        let got = check_targets(&[" Hooks.Example.com. ".into(), "*.corp".into(), "10.0.0.0/8".into(), "::1".into()])
            .expect("valid");
        assert_eq!(got, ["hooks.example.com", "*.corp", "10.0.0.0/8", "::1"]);
        assert!(check_targets(&["http://x".into()]).is_err());
        assert!(check_targets(&["10.0.0.0/99".into()]).is_err());
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_five_minutes() {
        let waits: Vec<i64> = (1..=10).map(|n| retry_delay(n).num_seconds()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]);
    }
}
