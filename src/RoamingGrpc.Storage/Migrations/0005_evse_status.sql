-- UC1-3 on the CSO: the current status of each EVSE and the durable, ordered log of status changes that the
-- resumable streams read. The log is pruned by age; stream_state.pruned_through tells how far, so that a
-- cursor older than the retained log is recognized (OUT_OF_RANGE / STALE_CURSOR).
CREATE TABLE evse_status (
    evse_id     TEXT    NOT NULL PRIMARY KEY,
    site_id     TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    change_time INTEGER NOT NULL, -- unix milliseconds, UTC
    sequence    INTEGER NOT NULL  -- log entry of the latest change
) STRICT;

CREATE TABLE evse_status_log (
    sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
    evse_id     TEXT    NOT NULL,
    site_id     TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    change_time INTEGER NOT NULL,
    log_time    INTEGER NOT NULL
) STRICT;

CREATE INDEX evse_status_log_by_time ON evse_status_log (log_time);

CREATE TABLE stream_state (
    stream         TEXT    NOT NULL PRIMARY KEY, -- 'evse_status'
    pruned_through INTEGER NOT NULL
) STRICT;

INSERT INTO stream_state (stream, pruned_through) VALUES ('evse_status', 0);

-- UC1-3 on the CSP: the status of partner CSOs' EVSEs and, per partner stream, the last sequence applied,
-- written in the same transaction as the statuses it covers (no gap, no double application).
CREATE TABLE partner_evse_status (
    cso         TEXT    NOT NULL,
    evse_id     TEXT    NOT NULL,
    site_id     TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    change_time INTEGER NOT NULL,
    sequence    INTEGER NOT NULL,
    PRIMARY KEY (cso, evse_id)
) STRICT;

CREATE TABLE stream_cursors (
    cso            TEXT    NOT NULL,
    stream         TEXT    NOT NULL,
    last_sequence  INTEGER NOT NULL,
    applied_events INTEGER NOT NULL DEFAULT 0, -- events applied since the cursor was created
    PRIMARY KEY (cso, stream)
) STRICT;
