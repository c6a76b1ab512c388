-- Every status report looks EVSEs up by id in site_evses and evse_status (and upserts evse_status): as WITHOUT ROWID
-- tables each lookup is one B-tree search instead of a search in the primary-key index plus one in the table, which
-- matters once the EVSEs outgrow the page cache (a national network: a million EVSEs). Same columns, same content.

CREATE TABLE evse_status_by_id (
    evse_id     TEXT    NOT NULL PRIMARY KEY,
    site_id     TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    change_time INTEGER NOT NULL, -- unix milliseconds, UTC
    sequence    INTEGER NOT NULL  -- log entry of the latest change
) STRICT, WITHOUT ROWID;

INSERT INTO evse_status_by_id (evse_id, site_id, status, change_time, sequence)
SELECT evse_id, site_id, status, change_time, sequence FROM evse_status;

DROP TABLE evse_status;

ALTER TABLE evse_status_by_id RENAME TO evse_status;

CREATE TABLE site_evses_by_id (
    evse_id TEXT NOT NULL PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites (site_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

INSERT INTO site_evses_by_id (evse_id, site_id) SELECT evse_id, site_id FROM site_evses;

DROP TABLE site_evses;

ALTER TABLE site_evses_by_id RENAME TO site_evses;

CREATE INDEX site_evses_by_site ON site_evses (site_id);
