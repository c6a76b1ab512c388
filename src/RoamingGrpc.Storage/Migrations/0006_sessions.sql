-- UC3 on the CSO: service sessions, the station readings that price them, the commands partners sent, the
-- charging-information change log that WatchChargingInfo streams read, and the SDRs.
CREATE TABLE sessions (
    session_id  TEXT    NOT NULL PRIMARY KEY,
    provider    TEXT    NOT NULL, -- home-CSP 'DE-8EO'
    evse_id     TEXT    NOT NULL,
    state       INTEGER NOT NULL, -- SessionState
    version     INTEGER NOT NULL,
    update_time INTEGER NOT NULL, -- unix milliseconds, UTC
    change_seq  INTEGER NOT NULL UNIQUE,
    payload     BLOB    NOT NULL, -- Session
    info        BLOB              -- latest ChargingInfo (snapshot of WatchChargingInfo)
) STRICT;

CREATE INDEX sessions_by_provider ON sessions (provider, change_seq);
-- At most one session holds an EVSE (PENDING, ACTIVE, RESERVED): an occupied EVSE refuses another start.
CREATE UNIQUE INDEX sessions_holding_evse ON sessions (evse_id) WHERE state IN (1, 2, 5);

-- Meter values and activity changes of a session, in measure order: the input of pricing (UC3-5).
CREATE TABLE session_readings (
    session_id      TEXT    NOT NULL REFERENCES sessions (session_id),
    reading_no      INTEGER NOT NULL,
    measure_time    INTEGER NOT NULL,
    energy_kwh      REAL    NOT NULL, -- cumulative
    power_kw        REAL,
    current_a       REAL,
    state_of_charge REAL,
    activity        INTEGER NOT NULL, -- 0 charging, 1 parking
    PRIMARY KEY (session_id, reading_no)
) STRICT;

CREATE TABLE commands (
    command_id    TEXT    NOT NULL PRIMARY KEY,
    provider      TEXT    NOT NULL,
    command_type  INTEGER NOT NULL, -- CommandType
    session_id    TEXT,
    evse_id       TEXT,
    is_open       INTEGER NOT NULL CHECK (is_open IN (0, 1)),
    deadline_time INTEGER NOT NULL,
    payload       BLOB    NOT NULL, -- StationCommand
    result        BLOB              -- CommandResult, once known
) STRICT;

CREATE INDEX commands_open ON commands (deadline_time) WHERE is_open = 1;

CREATE TABLE charging_info_log (
    sequence   INTEGER PRIMARY KEY AUTOINCREMENT,
    provider   TEXT    NOT NULL,
    session_id TEXT    NOT NULL, -- '' for a command result without a session
    kind       INTEGER NOT NULL, -- 1 charging info, 2 command result
    payload    BLOB    NOT NULL,
    log_time   INTEGER NOT NULL
) STRICT;

CREATE INDEX charging_info_log_by_time ON charging_info_log (log_time);

INSERT INTO stream_state (stream, pruned_through) VALUES ('charging_info', 0);

CREATE TABLE sdrs (
    sdr_id      TEXT    NOT NULL PRIMARY KEY,
    provider    TEXT    NOT NULL,
    session_id  TEXT    NOT NULL,
    origin      TEXT    NOT NULL CHECK (origin IN ('session', 'credit', 'correction')),
    status      INTEGER NOT NULL, -- SdrStatus
    end_time    INTEGER NOT NULL,
    update_time INTEGER NOT NULL,
    change_seq  INTEGER NOT NULL UNIQUE,
    version     INTEGER NOT NULL,
    payload     BLOB    NOT NULL  -- Sdr
) STRICT;

CREATE INDEX sdrs_by_provider ON sdrs (provider, change_seq);
-- A session is billed once: corrections come as credit and correction SDRs, never a second original.
CREATE UNIQUE INDEX sdrs_one_per_session ON sdrs (session_id) WHERE origin = 'session';
