-- UC5-1 on the CSO: maintenance notices. The complete contract encoding is kept in `payload`; the columns beside it
-- are what queries filter and order on. next_transition is when the notice's state moves by itself (start_time
-- while SCHEDULED, end_time while ACTIVE), NULL when nothing is due (final, or ACTIVE without an end).
CREATE TABLE maintenance_notices (
    notice_id       TEXT    NOT NULL PRIMARY KEY,
    state           INTEGER NOT NULL,         -- MaintenanceNoticeState
    kind            INTEGER NOT NULL,         -- MaintenanceKind
    version         INTEGER NOT NULL,
    update_time     INTEGER NOT NULL,         -- unix milliseconds, UTC
    change_seq      INTEGER NOT NULL UNIQUE,  -- order of changes (listing order and cursor)
    next_transition INTEGER,                  -- unix milliseconds, UTC
    payload         BLOB    NOT NULL          -- MaintenanceNotice
) STRICT;

CREATE INDEX maintenance_notices_due ON maintenance_notices (next_transition) WHERE next_transition IS NOT NULL;
CREATE INDEX maintenance_notices_by_update ON maintenance_notices (update_time, change_seq);

-- What a notice affects, resolved when it is published and again when it takes effect: one row per EVSE (its site
-- named directly or through the EVSE), and one row with evse_id '' per site named as a whole.
CREATE TABLE maintenance_targets (
    notice_id TEXT NOT NULL REFERENCES maintenance_notices (notice_id),
    site_id   TEXT NOT NULL,
    evse_id   TEXT NOT NULL,
    PRIMARY KEY (notice_id, site_id, evse_id)
) STRICT;

CREATE INDEX maintenance_targets_by_evse ON maintenance_targets (evse_id);
CREATE INDEX maintenance_targets_by_site ON maintenance_targets (site_id);

-- EVSEs whose published status an ACTIVE notice holds (OUTOFORDER / INOPERATIVE), with the status to return to when
-- no notice holds them any more: the one before, or the latest one the station reported meanwhile (NULL = none known).
CREATE TABLE maintenance_holds (
    evse_id            TEXT    NOT NULL PRIMARY KEY,
    prior_status       INTEGER,               -- EvseStatus
    prior_change_time  INTEGER,               -- unix milliseconds, UTC
    hold_time          INTEGER NOT NULL
) STRICT;

-- UC5-2 / UC5-3 on the CSO: the audit log of emergency unlock requests, accepted (with their command and, once
-- known, its outcome) and refused (with the status and reason).
CREATE TABLE unlock_requests (
    audit_id                INTEGER PRIMARY KEY AUTOINCREMENT,
    provider                TEXT    NOT NULL, -- 'DE-8EO', from the caller's certificate
    request_id              TEXT    NOT NULL,
    request_time            INTEGER NOT NULL,
    evse_id                 TEXT    NOT NULL,
    connector_id            TEXT    NOT NULL, -- '' if not known
    session_id              TEXT    NOT NULL, -- '' if none
    failed_command_id       TEXT    NOT NULL, -- '' if none
    authorization_reference TEXT    NOT NULL, -- '' if none
    reason                  TEXT    NOT NULL,
    command_id              TEXT UNIQUE,      -- NULL when refused
    refusal_code            TEXT    NOT NULL, -- '' when accepted
    refusal_reason          TEXT    NOT NULL,
    result                  INTEGER,          -- CommandResultType, NULL while pending or refused
    result_time             INTEGER,
    result_message          TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX unlock_requests_by_provider ON unlock_requests (provider, audit_id);
CREATE INDEX unlock_requests_by_evse ON unlock_requests (evse_id, audit_id);

-- UC5-3 finds a failed activation by its authorization reference among the recent sessions of an EVSE.
CREATE INDEX sessions_by_evse ON sessions (evse_id, change_seq);
