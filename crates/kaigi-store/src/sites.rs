//! Sites: the tenants.

use chrono::{DateTime, Utc};
use kaigi_core::error::{ConflictOn, StoreError};
use kaigi_core::model::{NewSite, Site, SiteId, SiteSettings};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use crate::codec::{bind, get, get_json, get_time, json, lc, ms, time, Value};
use crate::errors::db;
use crate::SqlStore;

/// The first site number the store picks when none is given.
const FIRST_SITE_NUMBER: i64 = 10_000;
/// A picked number can collide with one picked by another instance at the same moment; the whole
/// insert is then tried again with the next free number.
const PICK_ATTEMPTS: usize = 5;

const SITE_COLUMNS: &str = "id, name, site_number, settings, created_at";

fn site_from_row(row: &AnyRow) -> Result<Site, StoreError> {
    Ok(Site {
        id: get(row, "id")?,
        name: get(row, "name")?,
        site_number: get(row, "site_number")?,
        settings: get_json(row, "settings")?,
        created_at: get_time(row, "created_at")?,
    })
}

impl SqlStore {
    pub(crate) async fn create_site_impl(&self, site: &NewSite, now: DateTime<Utc>) -> Result<Site, StoreError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut w = self.write().await?;
            let result = insert_site(w.conn(), site, now).await;
            match w.finish(result).await {
                Err(StoreError::Conflict(ConflictOn::SiteNumber))
                    if site.site_number.is_none() && attempt < PICK_ATTEMPTS =>
                {
                    continue
                }
                other => return other,
            }
        }
    }

    pub(crate) async fn site_where(&self, column: &str, value: Value) -> Result<Option<Site>, StoreError> {
        let sql = format!("SELECT {SITE_COLUMNS} FROM sites WHERE {column} = $1");
        let row = bind(sqlx::query(&sql), value).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(site_from_row).transpose()
    }

    pub(crate) async fn list_sites_impl(&self) -> Result<Vec<Site>, StoreError> {
        let sql = format!("SELECT {SITE_COLUMNS} FROM sites ORDER BY id");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(site_from_row).collect()
    }

    pub(crate) async fn update_site_settings_impl(
        &self,
        id: SiteId,
        settings: &SiteSettings,
    ) -> Result<(), StoreError> {
        let settings = json(settings, "site settings")?;
        let mut w = self.write().await?;
        let result = async {
            let q = bind(sqlx::query("UPDATE sites SET settings = $1 WHERE id = $2"), settings);
            let done = q.bind(id).execute(w.conn()).await.map_err(db)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Missing);
            }
            Ok(())
        }
        .await;
        w.finish(result).await
    }
}

async fn insert_site(conn: &mut AnyConnection, site: &NewSite, now: DateTime<Utc>) -> Result<Site, StoreError> {
    let number = match site.site_number {
        Some(n) => n,
        None => {
            let row = sqlx::query("SELECT MAX(site_number) AS n FROM sites").fetch_one(&mut *conn).await.map_err(db)?;
            let max: Option<i64> = get(&row, "n")?;
            max.map_or(FIRST_SITE_NUMBER, |m| m.saturating_add(1).max(FIRST_SITE_NUMBER))
        }
    };
    let settings = json(&site.settings, "site settings")?;
    let q = sqlx::query(
        "INSERT INTO sites (name, name_lc, site_number, settings, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(site.name.clone())
    .bind(lc(&site.name))
    .bind(number);
    let row = bind(q, settings).bind(ms(now)).fetch_one(&mut *conn).await.map_err(db)?;
    Ok(Site {
        id: get(&row, "id")?,
        name: site.name.clone(),
        site_number: number,
        settings: site.settings.clone(),
        // As read back: stored to the millisecond.
        created_at: time(ms(now), "created_at")?,
    })
}
