-- UC4-1 / UC4-2 on the CSP: the tokens this provider issued. A token is identified by (type, uid); the provider
-- is this endpoint's party. The complete contract encoding is kept in `payload`; the columns beside it are what
-- queries filter and order on. change_seq grows with every change: the token list version is its maximum.
CREATE TABLE tokens (
    type        INTEGER NOT NULL,             -- TokenType value
    uid         TEXT    NOT NULL,             -- normalized (RFID upper-case hex, EMAID canonical)
    change_seq  INTEGER NOT NULL UNIQUE,      -- list version of the token's latest change
    update_time INTEGER NOT NULL,             -- unix milliseconds, UTC
    valid       INTEGER NOT NULL CHECK (valid IN (0, 1)),
    whitelist   INTEGER NOT NULL,             -- WhitelistType value
    removed     INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    payload     BLOB    NOT NULL,
    PRIMARY KEY (type, uid)
) STRICT;

-- What each CSO partner holds of the token list (durable distribution, UC4-2): the version it confirmed, whether
-- that list is hashed, and the partner's salt for hashed lists (pulled or pushed). A NULL held_version means
-- unknown: the next push is a FULL list.
CREATE TABLE token_distribution (
    cso          TEXT    NOT NULL PRIMARY KEY, -- 'DE*ABC'
    salt         BLOB    NOT NULL,             -- random, fixed per partner
    held_version INTEGER,
    held_hashed  INTEGER NOT NULL DEFAULT 0 CHECK (held_hashed IN (0, 1)),
    update_time  INTEGER NOT NULL
) STRICT;

-- UC4-2 on the CSO: the token list of each partner CSP, with the version it holds and, while a FULL list arrives
-- in chunks, the version and salt of the incomplete list. An empty salt means uids in clear.
CREATE TABLE partner_token_lists (
    csp                TEXT    NOT NULL PRIMARY KEY, -- 'DE-8EO'
    version            INTEGER NOT NULL,             -- 0 = no list
    salt               BLOB    NOT NULL DEFAULT x'',
    pending_version    INTEGER,                      -- FULL list being received, NULL if none
    pending_salt       BLOB    NOT NULL DEFAULT x'',
    pending_next_chunk INTEGER NOT NULL DEFAULT 0,
    update_time        INTEGER NOT NULL
) STRICT;

-- The tokens of those lists; pending = 1 rows belong to the incomplete FULL list and replace the others when its
-- final chunk arrives. uid is the normalized uid, or the lower-case hex uid_hash in a hashed list.
CREATE TABLE partner_tokens (
    csp     TEXT    NOT NULL,
    pending INTEGER NOT NULL CHECK (pending IN (0, 1)),
    type    INTEGER NOT NULL,
    uid     TEXT    NOT NULL,
    payload BLOB    NOT NULL,
    PRIMARY KEY (csp, pending, type, uid)
) STRICT;
