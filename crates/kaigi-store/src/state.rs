//! The whole state at once ([`StateStore`]): named snapshots of every kaigi table, for the
//! test-double controls (`/_kaigi/snapshots`, `/_kaigi/reset`).
//!
//! A snapshot `name` is one table `ksnap_{name}__{table}` per kaigi table, in the store's own
//! schema (so a PostgreSQL store opened in a schema keeps its snapshots there), made with
//! `CREATE TABLE … AS SELECT *` in one write transaction. Restoring empties every kaigi table and
//! copies the snapshot back in one write transaction: parents before children (the foreign keys
//! read from the catalog), so PostgreSQL's immediate foreign-key checks pass; SQLite defers them
//! to the commit as well. Afterwards the read cache is emptied, so no read sees the state before;
//! on PostgreSQL the transaction also tells the other instances to empty theirs.
//! Identity sequences are not rewound: ids given after a restore stay unique.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use kaigi_core::error::StoreError;
use kaigi_core::ports::state::valid_snapshot_name;
use kaigi_core::ports::StateStore;
use sqlx::{AnyConnection, Row};

use crate::errors::db;
use crate::invalidation::Forget;
use crate::{Engine, SqlStore};

const PREFIX: &str = "ksnap_";
/// The migrations' own record, never copied (a restore must not undo a migration).
const MIGRATIONS: &str = "kaigi_migrations";
/// PostgreSQL's identifier limit (longer names would be cut, and could collide).
const MAX_IDENT: usize = 63;

fn snap_table(name: &str, table: &str) -> Result<String, StoreError> {
    let t = format!("{PREFIX}{name}__{table}");
    if t.len() > MAX_IDENT {
        return Err(StoreError::Backend(format!("snapshot table name {t} is too long")));
    }
    Ok(t)
}

fn checked(name: &str) -> Result<(), StoreError> {
    if valid_snapshot_name(name) {
        Ok(())
    } else {
        Err(StoreError::Backend(format!("not a snapshot name: {name:?}")))
    }
}

/// Catalog names are plain identifiers; quoting them keeps any keyword a table name.
fn q(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

impl SqlStore {
    async fn all_tables(&self, conn: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
        let sql = match self.engine {
            Engine::Sqlite => {
                "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            }
            Engine::Postgres => "SELECT tablename::text AS t FROM pg_tables WHERE schemaname = current_schema()",
        };
        let rows = sqlx::query(sql).fetch_all(&mut *conn).await.map_err(db)?;
        let mut out = rows.iter().map(|r| r.try_get::<String, _>("t").map_err(db)).collect::<Result<Vec<_>, _>>()?;
        out.sort();
        Ok(out)
    }

    /// (child, parent) for every foreign key between tables of the schema.
    async fn foreign_keys(
        &self,
        conn: &mut AnyConnection,
        tables: &[String],
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut edges = Vec::new();
        match self.engine {
            Engine::Sqlite => {
                for t in tables {
                    let rows = sqlx::query("SELECT DISTINCT \"table\" AS parent FROM pragma_foreign_key_list($1)")
                        .bind(t.as_str())
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(db)?;
                    for r in rows {
                        edges.push((t.clone(), r.try_get::<String, _>("parent").map_err(db)?));
                    }
                }
            }
            Engine::Postgres => {
                let rows = sqlx::query(
                    "SELECT c.relname::text AS child, p.relname::text AS parent FROM pg_constraint k \
                     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid \
                     WHERE k.contype = 'f' AND k.connamespace = \
                     (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(db)?;
                for r in rows {
                    edges.push((r.try_get("child").map_err(db)?, r.try_get("parent").map_err(db)?));
                }
            }
        }
        Ok(edges)
    }

    /// The kaigi tables, every parent before its children (a cycle, if one appeared, last).
    async fn kaigi_tables_in_order(&self, conn: &mut AnyConnection) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let all = self.all_tables(conn).await?;
        let kaigi: Vec<String> = all.iter().filter(|t| !t.starts_with(PREFIX) && *t != MIGRATIONS).cloned().collect();
        let mut parents: BTreeMap<String, BTreeSet<String>> =
            kaigi.iter().map(|t| (t.clone(), BTreeSet::new())).collect();
        for (child, parent) in self.foreign_keys(conn, &kaigi).await? {
            if child != parent && parents.contains_key(&parent) {
                if let Some(set) = parents.get_mut(&child) {
                    set.insert(parent);
                }
            }
        }
        let mut ordered = Vec::with_capacity(kaigi.len());
        while !parents.is_empty() {
            let ready: Vec<String> = parents.iter().filter(|(_, p)| p.is_empty()).map(|(t, _)| t.clone()).collect();
            let next = if ready.is_empty() { parents.keys().cloned().collect() } else { ready };
            for t in &next {
                parents.remove(t);
            }
            for set in parents.values_mut() {
                for t in &next {
                    set.remove(t);
                }
            }
            ordered.extend(next);
        }
        Ok((ordered, all))
    }

    async fn exec(conn: &mut AnyConnection, sql: &str) -> Result<(), StoreError> {
        sqlx::query(sql).execute(&mut *conn).await.map_err(db)?;
        Ok(())
    }
}

#[async_trait]
impl StateStore for SqlStore {
    async fn save_snapshot(&self, name: &str) -> Result<(), StoreError> {
        checked(name)?;
        let mut tx = self.write().await?;
        let result = async {
            let conn = tx.conn();
            let (tables, all) = self.kaigi_tables_in_order(conn).await?;
            // A snapshot of the same name is replaced whole, stale tables of it included.
            let old = format!("{PREFIX}{name}__");
            for t in all.iter().filter(|t| t.starts_with(&old)) {
                Self::exec(conn, &format!("DROP TABLE {}", q(t))).await?;
            }
            for t in &tables {
                let snap = snap_table(name, t)?;
                Self::exec(conn, &format!("CREATE TABLE {} AS SELECT * FROM {}", q(&snap), q(t))).await?;
            }
            Ok(())
        }
        .await;
        tx.finish(result).await
    }

    async fn restore_snapshot(&self, name: &str) -> Result<(), StoreError> {
        checked(name)?;
        let mut tx = self.write().await?;
        let result = async {
            let conn = tx.conn();
            let (tables, all) = self.kaigi_tables_in_order(conn).await?;
            let kept: BTreeSet<&String> = all.iter().collect();
            let mut copies = Vec::with_capacity(tables.len());
            for t in &tables {
                let snap = snap_table(name, t)?;
                copies.push(kept.contains(&snap).then_some(snap));
            }
            if copies.iter().all(Option::is_none) {
                return Err(StoreError::Missing);
            }
            match self.engine {
                Engine::Sqlite => {
                    Self::exec(conn, "PRAGMA defer_foreign_keys = ON").await?;
                    for t in tables.iter().rev() {
                        Self::exec(conn, &format!("DELETE FROM {}", q(t))).await?;
                    }
                }
                Engine::Postgres => {
                    let list: Vec<String> = tables.iter().map(|t| q(t)).collect();
                    Self::exec(conn, &format!("TRUNCATE {}", list.join(", "))).await?;
                }
            }
            // A table made after the snapshot was taken (a newer migration) stays empty.
            for (t, snap) in tables.iter().zip(&copies) {
                if let Some(snap) = snap {
                    Self::exec(conn, &format!("INSERT INTO {} SELECT * FROM {}", q(t), q(snap))).await?;
                }
            }
            self.announce_in(conn, &[Forget::Everything]).await
        }
        .await;
        let done = tx.finish(result).await;
        self.forget_here(&[Forget::Everything]);
        done
    }

    async fn snapshots(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let all = self.all_tables(&mut conn).await?;
        let names: BTreeSet<String> = all
            .iter()
            .filter_map(|t| t.strip_prefix(PREFIX))
            .filter_map(|rest| rest.split_once("__").map(|(name, _)| name.to_string()))
            .collect();
        Ok(names.into_iter().collect())
    }

    async fn clear_outbox(&self) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let result = sqlx::query("DELETE FROM outbox").execute(tx.conn()).await.map(|r| r.rows_affected()).map_err(db);
        tx.finish(result).await
    }
}
