-- UC2-1 / UC2-2: the CSO's tariffs. A tariff is for every CSP partner (target_provider NULL) or for one.
CREATE TABLE tariffs (
    tariff_id       TEXT    NOT NULL PRIMARY KEY,
    version         INTEGER NOT NULL,
    change_seq      INTEGER NOT NULL UNIQUE,
    update_time     INTEGER NOT NULL,
    removed         INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    target_provider TEXT,             -- 'DE-8EO', or NULL for every partner
    payload         BLOB    NOT NULL
) STRICT;

CREATE INDEX tariffs_by_change ON tariffs (change_seq);
