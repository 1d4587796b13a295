//! The history service's use cases: the usage and attendee history of ended sessions, filtered,
//! ordered and paged. Administrators (anyone who reads the site) see every session of the site;
//! everyone else sees the sessions they hosted.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::model::{AttendeeItem, Caller, HistoryOrder, HistoryQuery, Page, UsageItem, UsageRecord, User, UserId};
use crate::Kaigi;

impl Kaigi {
    /// The ended sessions the caller may see that match `q`, with their hosts, unpaged.
    async fn visible_usage(&self, caller: &Caller, q: &HistoryQuery) -> Result<Vec<UsageItem>> {
        let me = caller.user().ok_or(Error::AccessDenied)?;
        let site = caller.site.id;
        let only: Option<UserId> = (!me.privileges.reads_site()).then_some(me.id);
        let host_filter = match &q.host_webex_id {
            Some(id) => Some(self.store.user_by_webex_id(site, id.trim()).await?.ok_or(Error::NoRecords)?.id),
            None => None,
        };
        let within = |t: DateTime<Utc>, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>| {
            from.is_none_or(|f| t >= f) && to.is_none_or(|e| t <= e)
        };
        let mut hosts: HashMap<UserId, User> = HashMap::new();
        let mut items = Vec::new();
        for u in self.store.usage_history(site).await? {
            let visible = only.is_none_or(|id| u.host_id == id)
                && host_filter.is_none_or(|id| u.host_id == id)
                && (q.kinds.is_empty() || q.kinds.contains(&u.kind))
                && q.meeting_key.is_none_or(|k| u.meeting_key == k)
                && q.conf_id.is_none_or(|c| u.conf_id == c)
                && q.conf_name.as_ref().is_none_or(|n| u.name.eq_ignore_ascii_case(n.trim()))
                && within(u.start, q.start_from, q.start_to)
                && within(u.end, q.end_from, q.end_to);
            if !visible {
                continue;
            }
            let host = match hosts.get(&u.host_id) {
                Some(h) => h.clone(),
                None => {
                    let Some(h) = self.store.user_by_id(site, u.host_id).await? else { continue };
                    hosts.insert(h.id, h.clone());
                    h
                }
            };
            items.push(UsageItem { usage: u, host });
        }
        Ok(items)
    }

    fn page_of<T>(items: Vec<T>, q: &HistoryQuery) -> Result<Page<T>> {
        let total = items.len() as u64;
        let items: Vec<T> = items.into_iter().skip(q.offset as usize).take(q.limit as usize).collect();
        if items.is_empty() {
            return Err(Error::NoRecords);
        }
        Ok(Page { items, total })
    }

    /// LstmeetingusageHistory and the session histories of the other centers.
    pub async fn usage_history(&self, caller: &Caller, q: &HistoryQuery) -> Result<Page<UsageItem>> {
        let mut items = self.visible_usage(caller, q).await?;
        items.sort_by(|a, b| {
            let (x, y) = (&a.usage, &b.usage);
            for (field, desc) in &q.order {
                let o = match field {
                    HistoryOrder::StartTime => x.start.cmp(&y.start),
                    HistoryOrder::ConfName => x.name.to_lowercase().cmp(&y.name.to_lowercase()),
                    HistoryOrder::ConfId => x.conf_id.cmp(&y.conf_id),
                    HistoryOrder::HostName => a.host.display_name().cmp(&b.host.display_name()),
                    HistoryOrder::TotalAttendee => x.total_participants.cmp(&y.total_participants),
                };
                let o = if *desc { o.reverse() } else { o };
                if o.is_ne() {
                    return o;
                }
            }
            x.start.cmp(&y.start).then(x.id.cmp(&y.id))
        });
        Self::page_of(items, q)
    }

    /// LstmeetingattendeeHistory and the attendee histories of the other centers.
    pub async fn attendee_history(&self, caller: &Caller, q: &HistoryQuery) -> Result<Page<AttendeeItem>> {
        let sessions: HashMap<i64, UsageRecord> =
            self.visible_usage(caller, q).await?.into_iter().map(|i| (i.usage.id, i.usage)).collect();
        let mut items: Vec<AttendeeItem> = self
            .store
            .attendee_history(caller.site.id)
            .await?
            .into_iter()
            .filter_map(|a| sessions.get(&a.usage_id).map(|u| AttendeeItem { usage: u.clone(), attendee: a }))
            .collect();
        items.sort_by(|a, b| {
            for (field, desc) in &q.order {
                let o = match field {
                    HistoryOrder::StartTime => a.attendee.joined_at.cmp(&b.attendee.joined_at),
                    HistoryOrder::ConfName => a.usage.name.to_lowercase().cmp(&b.usage.name.to_lowercase()),
                    HistoryOrder::ConfId => a.usage.conf_id.cmp(&b.usage.conf_id),
                    HistoryOrder::HostName | HistoryOrder::TotalAttendee => std::cmp::Ordering::Equal,
                };
                let o = if *desc { o.reverse() } else { o };
                if o.is_ne() {
                    return o;
                }
            }
            a.attendee.joined_at.cmp(&b.attendee.joined_at).then(a.attendee.id.cmp(&b.attendee.id))
        });
        Self::page_of(items, q)
    }

    /// LstrecordaccessHistory: kaigi serves no recording playback yet, so nobody has viewed one.
    pub async fn record_access_history(&self, caller: &Caller) -> Result<()> {
        caller.user().ok_or(Error::AccessDenied)?;
        Err(Error::NoRecords)
    }

    /// LstAccessAnywhereHistory: kaigi has no Access Anywhere (remote computer access).
    pub async fn access_anywhere_history(&self, caller: &Caller) -> Result<()> {
        caller.user().ok_or(Error::AccessDenied)?;
        Err(Error::NoRecords)
    }
}
