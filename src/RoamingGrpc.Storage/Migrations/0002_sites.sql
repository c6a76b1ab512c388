-- UC1-2: the CSO's own sites. The site is the unit of replacement: its complete contract encoding is kept
-- in `payload`; the columns beside it are what queries filter and order on.
CREATE TABLE sites (
    site_id      TEXT    NOT NULL PRIMARY KEY,
    version      INTEGER NOT NULL,            -- per-site, +1 with every change including removal
    change_seq   INTEGER NOT NULL UNIQUE,     -- endpoint-wide order of changes (delta paging cursor)
    update_time  INTEGER NOT NULL,            -- unix milliseconds, UTC
    removed      INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    country_code TEXT    NOT NULL,
    payload      BLOB    NOT NULL
) STRICT;

CREATE INDEX sites_by_change ON sites (change_seq);
CREATE INDEX sites_by_update ON sites (update_time, change_seq);

-- Which site each EVSE belongs to: an EVSE id is unique across the operator's sites.
CREATE TABLE site_evses (
    evse_id TEXT NOT NULL PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites (site_id) ON DELETE CASCADE
) STRICT;

CREATE INDEX site_evses_by_site ON site_evses (site_id);
