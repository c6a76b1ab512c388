-- UC1-1: the partner registry. One row per (role, party): configured partners (agreement known,
-- no handshake yet) and registered partners (a handshake succeeded in either direction).
CREATE TABLE partners (
    role                    TEXT    NOT NULL CHECK (role IN ('cso', 'csp')),
    party_id                TEXT    NOT NULL,
    endpoint_url            TEXT,
    display_name            TEXT    NOT NULL DEFAULT '',
    use_cases               TEXT    NOT NULL DEFAULT '[]', -- JSON array of {"code","versions"}
    status                  TEXT    NOT NULL CHECK (status IN ('configured', 'registered')),
    create_time             INTEGER NOT NULL, -- unix milliseconds, UTC
    update_time             INTEGER NOT NULL,
    inbound_handshake_time  INTEGER,
    outbound_handshake_time INTEGER,
    revision                INTEGER NOT NULL DEFAULT 1, -- grows with every write of the row
    PRIMARY KEY (role, party_id)
) STRICT;

-- Idempotency of mutating RPCs: a request id is remembered per caller and method with a hash of the
-- request and the response given, so a retry gets the same answer and a reused id with another payload
-- is refused.
CREATE TABLE request_log (
    caller       TEXT    NOT NULL, -- 'role:party'
    method       TEXT    NOT NULL,
    request_id   TEXT    NOT NULL,
    request_hash BLOB    NOT NULL,
    response     BLOB    NOT NULL,
    create_time  INTEGER NOT NULL,
    PRIMARY KEY (caller, method, request_id)
) STRICT;

CREATE INDEX request_log_by_time ON request_log (create_time);
