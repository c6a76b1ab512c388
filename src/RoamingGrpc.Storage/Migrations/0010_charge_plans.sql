-- UC3-7 / UC3-10 on the CSO: the charge plans of a session. The CSP's plan is the one the station applied last
-- (SetChargePlan, or StartSession with a plan); a CSO override (OverrideChargePlan) is in force over it while set.
-- The plan in force is cso_plan if set, else csp_plan; plans the station has not confirmed yet live in their
-- commands (SET_CHARGE_PLAN, START_SESSION) until their outcome.
CREATE TABLE charge_plans (
    session_id TEXT    NOT NULL PRIMARY KEY REFERENCES sessions (session_id),
    provider   TEXT    NOT NULL, -- home-CSP of the session 'DE-8EO'
    version    INTEGER NOT NULL, -- last ChargePlan.version given out for the session (strictly increasing)
    csp_plan   BLOB,             -- ChargePlan (source CSP, ACTIVE), or NULL
    cso_plan   BLOB              -- ChargePlan (source CSO, ACTIVE), or NULL
) STRICT;
