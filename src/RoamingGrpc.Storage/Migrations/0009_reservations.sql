-- UC3-8 on the CSO: reservations of EVSEs. A reservation holds its EVSE while PENDING (1) or ACTIVE (2); the sweep
-- expires those whose expiry_time passed. previous_status is the EVSE status the reservation replaced with RESERVED,
-- put back when the reservation ends; cancel_command_id is the CancelReservation command that canceled it.
CREATE TABLE reservations (
    reservation_id    TEXT    NOT NULL PRIMARY KEY,
    provider          TEXT    NOT NULL, -- home-CSP 'DE-8EO'
    evse_id           TEXT    NOT NULL, -- the reserved EVSE (a site-wide reservation's is chosen at creation)
    state             INTEGER NOT NULL, -- ReservationState
    expiry_time       INTEGER NOT NULL, -- unix milliseconds, UTC
    previous_status   INTEGER,          -- EvseStatus before RESERVED; null until ACTIVE
    cancel_command_id TEXT,
    version           INTEGER NOT NULL,
    update_time       INTEGER NOT NULL,
    change_seq        INTEGER NOT NULL UNIQUE,
    payload           BLOB    NOT NULL  -- Reservation
) STRICT;

CREATE INDEX reservations_by_provider ON reservations (provider, change_seq);
-- At most one reservation holds an EVSE: a second one is refused (EVSE_RESERVED).
CREATE UNIQUE INDEX reservations_holding_evse ON reservations (evse_id) WHERE state IN (1, 2);
CREATE INDEX reservations_expiring ON reservations (expiry_time) WHERE state IN (1, 2);
