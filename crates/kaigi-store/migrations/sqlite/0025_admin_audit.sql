-- kaigi schema, version 25: the audit log of the site administrator's console (who, what, on
-- what, when, and how it ended).
CREATE TABLE admin_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX admin_audit_site ON admin_audit (site_id, id);
