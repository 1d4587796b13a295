-- kaigi schema, version 6 (SQLite): the licence decision log. Version 5 belongs to
-- another change; the migrator applies every version it has not recorded, in order, so either
-- may arrive first. Same conventions as before: times are unix milliseconds.

-- Every licence question kaigi answered: who, which booking, what was decided and why.
-- month is YYYYMM on the site's calendar (its time zone), computed by the core.
CREATE TABLE license_decisions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id      BIGINT NOT NULL REFERENCES sites (id),
    at           BIGINT NOT NULL,
    month        BIGINT NOT NULL,
    action       TEXT   NOT NULL, -- schedule | cohost | alternate_host | host_key_claim | host_start
    outcome      TEXT   NOT NULL, -- allowed | allowed_counted | auto_assigned | refused | violation
    person       TEXT   NOT NULL, -- webExId of a site user, else the lower-cased email
    user_id      BIGINT,
    meeting_id   BIGINT,
    meeting_key  BIGINT,
    booking_name TEXT   NOT NULL,
    booked_by    TEXT,
    requester    TEXT,            -- lower-cased; only when someone other than person
    plan         TEXT   NOT NULL,
    reason       TEXT   NOT NULL
);
CREATE INDEX license_decisions_recent ON license_decisions (site_id, id);
-- The report lists refusals and violations one by one ...
CREATE INDEX license_decisions_exceptions ON license_decisions (site_id, month, at)
    WHERE outcome IN ('refused', 'violation');
-- ... and looks for hosts whose bookings were made for several requesters.
CREATE INDEX license_decisions_requested ON license_decisions (site_id, month, person, requester)
    WHERE requester IS NOT NULL;

-- The people who scheduled or hosted in each month (Active User counting), kept up to date in
-- the transaction that records the decision, so the report never scans the whole log.
CREATE TABLE license_host_months (
    site_id BIGINT NOT NULL REFERENCES sites (id),
    month   BIGINT NOT NULL,
    person  TEXT   NOT NULL,
    user_id BIGINT,
    PRIMARY KEY (site_id, month, person)
);
