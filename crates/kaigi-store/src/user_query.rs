//! `list_users`: a `UserQuery` turned into one `SELECT` with numbered parameters.

use kaigi_core::error::StoreError;
use kaigi_core::model::{Page, SiteId, User, UserOrderBy, UserQuery};

use crate::codec::{bind_all, get, lc, ms, Params, Value};
use crate::errors::db;
use crate::users::{user_from_row, USER_COLUMNS};
use crate::{Engine, SqlStore};

/// `%`, `_` and the escape character itself match literally after this (with `ESCAPE '\'`).
fn like_prefix(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    for c in lc(s).chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The `WHERE` clause of `q` for `site`.
fn where_clause(engine: Engine, site: SiteId, q: &UserQuery, p: &mut Params) -> String {
    let mut filters = Vec::new();
    if let Some(w) = &q.webex_id {
        filters.push(format!("webex_id_lc = {}", p.add(Value::text(lc(w)))));
    }
    if let Some(e) = &q.email {
        filters.push(format!("email_lc = {}", p.add(Value::text(lc(e)))));
    }
    if let Some(f) = &q.first_name {
        filters.push(format!("first_name_lc LIKE {} ESCAPE '\\'", p.add(Value::text(like_prefix(f)))));
    }
    if let Some(l) = &q.last_name {
        filters.push(format!("last_name_lc LIKE {} ESCAPE '\\'", p.add(Value::text(like_prefix(l)))));
    }
    if let Some(a) = q.active {
        filters.push(format!("active = {}", p.add(Value::text(a.wire()))));
    }
    // The registration range is one filter, whichever of its ends are given.
    let mut range = Vec::new();
    if let Some(from) = q.registered_from {
        range.push(format!("registered_at >= {}", p.add(Value::int(ms(from)))));
    }
    if let Some(to) = q.registered_to {
        range.push(format!("registered_at <= {}", p.add(Value::int(ms(to)))));
    }
    if !range.is_empty() {
        filters.push(range.join(" AND "));
    }

    let mut clause = format!("site_id = {}", p.add(Value::int(site)));
    if let Some(only) = q.only_user {
        clause.push_str(&format!(" AND id = {}", p.add(Value::int(only))));
    }
    if q.site_admins_only {
        // Privileges are kept as JSON text (serde's names); each engine reads one member of it.
        clause.push_str(match engine {
            Engine::Sqlite => " AND json_extract(privileges, '$.siteAdmin') = 1",
            Engine::Postgres => " AND (privileges::jsonb ->> 'siteAdmin') = 'true'",
        });
    }
    if !filters.is_empty() {
        let joiner = if q.match_any { " OR " } else { " AND " };
        let filters: Vec<String> = filters.into_iter().map(|f| format!("({f})")).collect();
        clause.push_str(&format!(" AND ({})", filters.join(joiner)));
    }
    clause
}

fn order_clause(order: &[(UserOrderBy, bool)]) -> String {
    let mut keys: Vec<String> = order
        .iter()
        .map(|(by, desc)| {
            let column = match by {
                UserOrderBy::Id => "id",
                UserOrderBy::WebExId => "webex_id_lc",
                UserOrderBy::FirstName => "first_name_lc",
                UserOrderBy::LastName => "last_name_lc",
                UserOrderBy::Email => "email_lc",
                UserOrderBy::Active => "active",
                UserOrderBy::RegistrationDate => "registered_at",
            };
            format!("{column} {}", if *desc { "DESC" } else { "ASC" })
        })
        .collect();
    // Ties (and an empty order) fall back to the id, so pages never overlap.
    keys.push("id ASC".to_string());
    keys.join(", ")
}

impl SqlStore {
    pub(crate) async fn list_users_impl(&self, site: SiteId, q: &UserQuery) -> Result<Page<User>, StoreError> {
        let mut p = Params::default();
        let clause = where_clause(self.engine(), site, q, &mut p);
        let filter_params = p.0.clone();
        let limit = p.add(Value::int(i64::from(q.limit)));
        let offset = p.add(Value::int(i64::from(q.offset)));
        let sql = format!(
            "SELECT {USER_COLUMNS}, COUNT(*) OVER () AS total_count FROM users WHERE {clause} \
             ORDER BY {} LIMIT {limit} OFFSET {offset}",
            order_clause(&q.order)
        );
        let rows = bind_all(sqlx::query(&sql), p.0).fetch_all(&self.pool).await.map_err(db)?;
        let total = match rows.first() {
            Some(row) => get::<i64>(row, "total_count")?,
            // No row to carry the count: the page is past the end (or empty); count apart.
            None if q.offset > 0 || q.limit == 0 => {
                let sql = format!("SELECT COUNT(*) AS n FROM users WHERE {clause}");
                let row = bind_all(sqlx::query(&sql), filter_params).fetch_one(&self.pool).await.map_err(db)?;
                get::<i64>(&row, "n")?
            }
            None => 0,
        };
        let items = rows.iter().map(user_from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(Page { items, total: u64::try_from(total).unwrap_or(0) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_prefix("A_b%c\\"), "a\\_b\\%c\\\\%");
    }

    #[test]
    fn filters_are_grouped_and_numbered() {
        let q = UserQuery {
            webex_id: Some("X".into()),
            first_name: Some("Jo".into()),
            match_any: true,
            only_user: Some(7),
            ..UserQuery::default()
        };
        let mut p = Params::default();
        let clause = where_clause(Engine::Sqlite, 1, &q, &mut p);
        assert_eq!(clause, "site_id = $3 AND id = $4 AND ((webex_id_lc = $1) OR (first_name_lc LIKE $2 ESCAPE '\\'))");
        assert_eq!(p.0.len(), 4);
    }
}
