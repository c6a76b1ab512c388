-- Delivery outcomes are kept as the contract's numbers (DeliveryOutcome, and the ErrorReason of a refusal)
-- instead of text ('DELIVERY_OUTCOME_APPLIED', 'REJECTED:ERROR_REASON_INVALID_FIELD'), so that a refusal is answered
-- again with its reason without reading it back from a name. The numbers of both enums are frozen by the v1 contract.
CREATE TABLE received_deliveries_typed (
    sender       TEXT    NOT NULL, -- 'cso:DE*ABC'
    delivery_id  TEXT    NOT NULL,
    outcome      INTEGER NOT NULL, -- DeliveryOutcome: 1 applied, 2 duplicate, 3 superseded, 4 rejected
    error_reason INTEGER NOT NULL, -- ErrorReason of a rejected delivery, 0 otherwise
    receive_time INTEGER NOT NULL,
    PRIMARY KEY (sender, delivery_id)
) STRICT;

INSERT INTO received_deliveries_typed (sender, delivery_id, outcome, error_reason, receive_time)
SELECT sender, delivery_id,
       CASE
           WHEN outcome = 'DELIVERY_OUTCOME_APPLIED' THEN 1
           WHEN outcome = 'DELIVERY_OUTCOME_DUPLICATE' THEN 2
           WHEN outcome = 'DELIVERY_OUTCOME_SUPERSEDED' THEN 3
           WHEN outcome = 'DELIVERY_OUTCOME_REJECTED' THEN 4
           ELSE 4 -- 'REJECTED:<reason>'
       END,
       CASE
           WHEN outcome = 'REJECTED:ERROR_REASON_INVALID_IDENTIFIER' THEN 1
           WHEN outcome = 'REJECTED:ERROR_REASON_MISSING_FIELD' THEN 2
           WHEN outcome = 'REJECTED:ERROR_REASON_INVALID_FIELD' THEN 3
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_PARTY' THEN 4
           WHEN outcome = 'REJECTED:ERROR_REASON_PARTY_MISMATCH' THEN 5
           WHEN outcome = 'REJECTED:ERROR_REASON_ROLE_NOT_ALLOWED' THEN 6
           WHEN outcome = 'REJECTED:ERROR_REASON_CERTIFICATE_REVOKED' THEN 7
           WHEN outcome = 'REJECTED:ERROR_REASON_CERTIFICATE_INVALID' THEN 8
           WHEN outcome = 'REJECTED:ERROR_REASON_PARTNER_NOT_REGISTERED' THEN 9
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_EVSE' THEN 10
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_CONNECTOR' THEN 11
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_SITE' THEN 12
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_SESSION' THEN 13
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_TOKEN' THEN 14
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_TARIFF' THEN 15
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_SDR' THEN 16
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_RESERVATION' THEN 17
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_CHARGE_PLAN' THEN 18
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_MAINTENANCE_NOTICE' THEN 19
           WHEN outcome = 'REJECTED:ERROR_REASON_UNKNOWN_COMMAND' THEN 20
           WHEN outcome = 'REJECTED:ERROR_REASON_STALE_CURSOR' THEN 21
           WHEN outcome = 'REJECTED:ERROR_REASON_INVALID_PAGE_TOKEN' THEN 22
           WHEN outcome = 'REJECTED:ERROR_REASON_PAGE_SIZE_TOO_LARGE' THEN 23
           WHEN outcome = 'REJECTED:ERROR_REASON_REQUEST_ID_REUSED' THEN 24
           WHEN outcome = 'REJECTED:ERROR_REASON_MESSAGE_TOO_LARGE' THEN 25
           WHEN outcome = 'REJECTED:ERROR_REASON_BATCH_TOO_LARGE' THEN 26
           WHEN outcome = 'REJECTED:ERROR_REASON_EVSE_OCCUPIED' THEN 27
           WHEN outcome = 'REJECTED:ERROR_REASON_EVSE_INOPERATIVE' THEN 28
           WHEN outcome = 'REJECTED:ERROR_REASON_EVSE_RESERVED' THEN 29
           WHEN outcome = 'REJECTED:ERROR_REASON_UNSUPPORTED_USE_CASE' THEN 30
           WHEN outcome = 'REJECTED:ERROR_REASON_WRONG_STATE' THEN 31
           WHEN outcome = 'REJECTED:ERROR_REASON_NOT_UNLOCK_CAPABLE' THEN 32
           WHEN outcome = 'REJECTED:ERROR_REASON_NOT_RESERVABLE' THEN 33
           WHEN outcome = 'REJECTED:ERROR_REASON_NOT_REMOTE_CAPABLE' THEN 34
           WHEN outcome = 'REJECTED:ERROR_REASON_NOT_CHARGE_PLAN_CAPABLE' THEN 35
           WHEN outcome = 'REJECTED:ERROR_REASON_USE_CASE_NOT_LIVE' THEN 36
           WHEN outcome = 'REJECTED:ERROR_REASON_LIST_VERSION_MISMATCH' THEN 37
           WHEN outcome = 'REJECTED:ERROR_REASON_STREAM_PROTOCOL_VIOLATION' THEN 38
           WHEN outcome = 'REJECTED:ERROR_REASON_SLOW_CONSUMER' THEN 39
           WHEN outcome = 'REJECTED:ERROR_REASON_TOO_MANY_STREAMS' THEN 40
           WHEN outcome = 'REJECTED:ERROR_REASON_RATE_LIMITED' THEN 41
           WHEN outcome = 'REJECTED:ERROR_REASON_PARTNER_UNAVAILABLE' THEN 42
           WHEN outcome = 'REJECTED:ERROR_REASON_PARTNER_REJECTED' THEN 43
           WHEN outcome LIKE 'REJECTED:%' THEN 3 -- INVALID_FIELD, as refusals of unknown reasons were answered
           ELSE 0
       END,
       receive_time
FROM received_deliveries;

DROP TABLE received_deliveries;
ALTER TABLE received_deliveries_typed RENAME TO received_deliveries;
