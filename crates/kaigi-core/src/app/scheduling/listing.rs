//! Offset-paged listings of occurrences (the XML API's LstsummaryMeeting, LstsummarySession,
//! LstCalendarSession, …): `startFrom`, `maximumNum` and the total of what matches.
//!
//! A page costs what it skips and shows in index entries, not what the scope holds: the scope's
//! repeating series (and what its host is alternate host of) are few and expanded whole; its
//! single meetings — shown at their stored start — are skipped and read through the index of live
//! single meetings (migration 0027) and counted there in one statement.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};
use crate::model::{
    Caller, HostRole, Meeting, MeetingId, MeetingListing, MeetingOrder, MeetingQuery, Occurrence, Page, Principal,
    Shape, SiteId, User, UserId,
};
use crate::rules::limits::{LIST_SCAN_LIMIT, MAX_DURATION_MINUTES};
use crate::rules::schedule::sort_occurrences;
use crate::rules::{recurrence, timezone};
use crate::Kaigi;

/// Most occurrences one page shows.
const MAX_PAGE: u32 = 500;

impl Kaigi {
    /// Lists occurrences the caller may see: everyone sees what they host (or co-host); site
    /// administrators see the whole site, or the host they name.
    pub async fn list_meetings(&self, caller: &Caller, q: &MeetingListing) -> Result<Page<Occurrence>> {
        let me = match &caller.principal {
            Principal::User(u) => u,
            // 40.2.0: anonymous session listings find nothing.
            _ => return Err(Error::NoRecords),
        };
        let site = &caller.site;
        let sees_all = me.privileges.site_admin || me.privileges.ro_site_admin;
        let named_host = match (&q.host_webex_id, &q.host_email) {
            (Some(id), _) => Some(self.store.user_by_webex_id(site.id, id).await?.ok_or(Error::NoRecords)?),
            (None, Some(email)) => Some(self.store.user_by_email(site.id, email).await?.ok_or(Error::NoRecords)?),
            (None, None) => None,
        };
        let hosts = match (sees_all, named_host) {
            (true, None) => None,
            (true, Some(h)) => Some(vec![(h.id, h.email.clone())]),
            (false, Some(h)) if h.id != me.id => return Err(Error::NoRecords),
            (false, _) => Some(vec![(me.id, me.email.clone())]),
        };
        let expand =
            q.expand || q.start_from.is_some() || q.start_to.is_some() || q.end_from.is_some() || q.end_to.is_some();
        let scope = MeetingQuery {
            kinds: q.kinds.clone(),
            hosts,
            from: q.start_from.or(q.end_from.map(|e| e - Duration::minutes(i64::from(MAX_DURATION_MINUTES)))),
            to: q.start_to.or(q.end_to),
            meeting_key: q.meeting_key,
            limit: LIST_SCAN_LIMIT,
            ..MeetingQuery::default()
        };
        let mut shown = Shown { kaigi: self, site: site.id, q, expand, now: self.now(), hosts: HashMap::new() };
        let (items, total) = if by_index(q) {
            self.page_by_index(&scope, &mut shown).await?
        } else {
            // The store cannot tell which occurrences a name prefix, a status or an end window
            // keeps, nor order by name or host: every series of the scope (up to LIST_SCAN_LIMIT)
            // is read, expanded and paged here.
            let mut all = Vec::new();
            for m in self.store.list_meetings(site.id, &scope).await? {
                shown.add(m, &mut all).await?;
            }
            sort_occurrences(&mut all, &q.order);
            let total = all.len() as u64;
            (all.into_iter().skip(q.offset as usize).take(page_len(q)).collect(), total)
        };
        if items.is_empty() {
            return Err(Error::NoRecords);
        }
        Ok(Page { items, total })
    }

    /// One page of `scope` in the default order (start, then meeting id), with the total.
    async fn page_by_index(&self, scope: &MeetingQuery, shown: &mut Shown<'_>) -> Result<(Vec<Occurrence>, u64)> {
        let (site, q) = (shown.site, shown.q);
        // Repeating series and what the hosts are alternate hosts of: few, read and expanded whole.
        let mut extra = Vec::new();
        let repeating = MeetingQuery { shape: Some(Shape::Repeating), ..scope.clone() };
        for m in self.store.list_meetings(site, &repeating).await? {
            shown.add(m, &mut extra).await?;
        }
        if let Some(hosts) = &scope.hosts {
            let alternate =
                MeetingQuery { shape: Some(Shape::Single), role: Some(HostRole::AlternateHost), ..scope.clone() };
            for m in self.store.list_meetings(site, &alternate).await? {
                // Those the hosts host are read with the hosted single meetings.
                if !hosts.iter().any(|(id, _)| *id == m.host_id) {
                    shown.add(m, &mut extra).await?;
                }
            }
        }
        sort_occurrences(&mut extra, &[]);
        // A single meeting is shown at its stored start: the start window is a range of the index.
        let singles = MeetingQuery {
            shape: Some(Shape::Single),
            role: scope.hosts.as_ref().map(|_| HostRole::Host),
            from: None,
            to: q.start_to,
            // Ids are above MIN: after (from, MIN) is "starting at or after from".
            after: q.start_from.map(|from| (from, MeetingId::MIN)),
            ..scope.clone()
        };
        let count = self.store.count_meetings(site, &singles).await?;
        let total = count + extra.len() as u64;
        let (offset, len, extras) = (u64::from(q.offset), page_len(q) as u64, extra.len() as u64);
        // At most `extras` occurrences come before the page's first single meeting that are not
        // single meetings, so the page's singles start at `offset - extras` or later in their own
        // order. One single meeting at least is read, to place the others against it.
        let base = if offset <= extras || count == 0 { 0 } else { (offset - extras).min(count - 1) };
        let mut page = Vec::new();
        if count > 0 {
            let read = MeetingQuery {
                offset: u32::try_from(base).unwrap_or(u32::MAX),
                limit: u32::try_from(offset + len - base).unwrap_or(u32::MAX),
                ..singles
            };
            for m in self.store.list_meetings(site, &read).await? {
                shown.add(m, &mut page).await?;
            }
        }
        // Where `page` starts in the whole listing: after the `base` singles skipped and the
        // extra occurrences before its first.
        let first = match page.first() {
            _ if base == 0 => 0,
            Some(o) => {
                let before = extra.partition_point(|e| key(e) < key(o));
                extra.drain(..before);
                base + before as u64
            }
            // Deleted between the count and the read: nothing to place the page against.
            None => return Ok((Vec::new(), total)),
        };
        page.append(&mut extra);
        sort_occurrences(&mut page, &[]);
        let skip = usize::try_from(offset.saturating_sub(first)).unwrap_or(usize::MAX);
        Ok((page.into_iter().skip(skip).take(page_len(q)).collect(), total))
    }
}

/// Whether the store can find the page of `q` by offset: no filter that only the expanded
/// occurrences can answer, and the default order.
fn by_index(q: &MeetingListing) -> bool {
    let default_order = q.order.is_empty() || q.order == [(MeetingOrder::StartTime, false)];
    q.name_prefix.is_none() && q.status.is_none() && q.end_from.is_none() && q.end_to.is_none() && default_order
}

fn page_len(q: &MeetingListing) -> usize {
    q.limit.clamp(1, MAX_PAGE) as usize
}

/// The default listing order.
fn key(o: &Occurrence) -> (DateTime<Utc>, MeetingId) {
    (o.start, o.meeting.id)
}

/// Turns listed series into the occurrences a listing shows (the name and status filters applied
/// here), looking each host up once.
struct Shown<'a> {
    kaigi: &'a Kaigi,
    site: SiteId,
    q: &'a MeetingListing,
    expand: bool,
    now: DateTime<Utc>,
    hosts: HashMap<UserId, User>,
}

impl Shown<'_> {
    async fn add(&mut self, m: Meeting, out: &mut Vec<Occurrence>) -> Result<()> {
        let q = self.q;
        if let Some(prefix) = &q.name_prefix {
            if !m.name.to_lowercase().starts_with(&prefix.to_lowercase()) {
                return Ok(());
            }
        }
        if q.status.is_some_and(|s| s != m.status) {
            return Ok(());
        }
        let host = match self.hosts.get(&m.host_id) {
            Some(h) => h.clone(),
            None => {
                let Some(h) = self.kaigi.store.user_by_id(self.site, m.host_id).await? else { return Ok(()) };
                self.hosts.insert(m.host_id, h.clone());
                h
            }
        };
        let expand = self.expand;
        let duration = Duration::minutes(i64::from(m.duration_minutes));
        let zone = timezone::by_id(m.time_zone_id).unwrap_or(&timezone::all()[usize::from(timezone::GMT_ID)]);
        let starts = if expand && m.repeat.is_recurring() {
            let from = q
                .start_from
                .unwrap_or(DateTime::<Utc>::MIN_UTC)
                .min(q.end_from.map(|e| e - duration).unwrap_or(DateTime::<Utc>::MAX_UTC));
            let to = q.start_to.unwrap_or(DateTime::<Utc>::MAX_UTC);
            recurrence::starts_between(&m.repeat, zone.to_local(m.start), zone, from, to, recurrence::MAX_OCCURRENCES)
        } else {
            vec![m.start]
        };
        let next_upcoming = if m.repeat.is_recurring() {
            recurrence::starts_between(
                &m.repeat,
                zone.to_local(m.start),
                zone,
                self.now - duration,
                DateTime::<Utc>::MAX_UTC,
                1,
            )
            .first()
            .copied()
        } else {
            Some(m.start)
        };
        for start in starts {
            let end = start + duration;
            let in_start = q.start_from.is_none_or(|f| start >= f) && q.start_to.is_none_or(|t| start <= t);
            let in_end = q.end_from.is_none_or(|f| end >= f) && q.end_to.is_none_or(|t| end <= t);
            if expand && !(in_start && in_end) {
                continue;
            }
            let index = if m.repeat.is_recurring() {
                recurrence::starts_between(
                    &m.repeat,
                    zone.to_local(m.start),
                    zone,
                    m.start,
                    start,
                    recurrence::MAX_OCCURRENCES,
                )
                .len()
                .saturating_sub(1)
            } else {
                0
            };
            out.push(Occurrence {
                meeting: m.clone(),
                host: host.clone(),
                start,
                index,
                is_next_upcoming: next_upcoming == Some(start),
            });
        }
        Ok(())
    }
}
