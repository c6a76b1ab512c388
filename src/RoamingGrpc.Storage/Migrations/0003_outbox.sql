-- Durable push: every change an owner must actively inform a partner of is written here in the same
-- transaction as the change, and relayed to the partner in order (per partner and kind) until the partner
-- answered it. Entries leave the table once answered; refused ones move to outbox_rejected for the operator.
CREATE TABLE outbox (
    sequence       INTEGER PRIMARY KEY AUTOINCREMENT,
    partner        TEXT    NOT NULL, -- 'csp:DE-8EO'
    kind           TEXT    NOT NULL, -- 'site' (later: 'tariff', 'session', 'sdr', ...)
    entity_id      TEXT    NOT NULL,
    entity_version INTEGER NOT NULL,
    delivery_id    TEXT    NOT NULL UNIQUE,
    payload        BLOB    NOT NULL,
    enqueue_time   INTEGER NOT NULL  -- unix milliseconds, UTC
) STRICT;

CREATE INDEX outbox_by_partner ON outbox (partner, kind, sequence);

CREATE TABLE outbox_rejected (
    delivery_id    TEXT    NOT NULL PRIMARY KEY,
    partner        TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    entity_id      TEXT    NOT NULL,
    entity_version INTEGER NOT NULL,
    reason         TEXT    NOT NULL,
    detail         TEXT    NOT NULL,
    reject_time    INTEGER NOT NULL
) STRICT;

-- The receiving side: records of partner CSOs (sites, tariffs, ...) as pushed to this CSP, one row per
-- (cso, kind, record); only a greater version replaces a row.
CREATE TABLE received_records (
    cso          TEXT    NOT NULL, -- 'DE*ABC'
    kind         TEXT    NOT NULL, -- 'site', 'tariff', ...
    record_id    TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    update_time  INTEGER NOT NULL,
    removed      INTEGER NOT NULL CHECK (removed IN (0, 1)),
    payload      BLOB    NOT NULL,
    receive_time INTEGER NOT NULL,
    PRIMARY KEY (cso, kind, record_id)
) STRICT;

-- Deliveries already answered, per sender: a retried push applies once.
CREATE TABLE received_deliveries (
    sender       TEXT    NOT NULL, -- 'cso:DE*ABC'
    delivery_id  TEXT    NOT NULL,
    outcome      TEXT    NOT NULL,
    receive_time INTEGER NOT NULL,
    PRIMARY KEY (sender, delivery_id)
) STRICT;
