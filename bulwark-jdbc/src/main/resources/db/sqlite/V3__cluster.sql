-- The cluster tables of the embedded store: one process, but the same rules and the same columns
-- as on PostgreSQL and MariaDB (nodes and heartbeats, the leader's term and its history, named
-- locks with fencing tokens). Runtime state rather than data: backups leave these tables out.
-- Times are epoch milliseconds by the store's clock.

CREATE TABLE nodes (
    id              TEXT    NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('api', 'worker', 'both')),
    version         TEXT    NOT NULL,
    started_at      INTEGER NOT NULL,
    -- JSON arrays: the queues served at the last heartbeat, and those named on joining.
    queues          TEXT    NOT NULL,
    joined_queues   TEXT    NOT NULL,
    capacity        INTEGER NOT NULL,
    last_heartbeat  INTEGER NOT NULL,
    in_flight       INTEGER NOT NULL,
    draining        INTEGER NOT NULL,
    drain_requested INTEGER NOT NULL,
    dead_at         INTEGER
) STRICT, WITHOUT ROWID;

-- The current term, in one row (id = 1), made by the first election.
CREATE TABLE leader (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    term       INTEGER NOT NULL,
    holder     TEXT    NOT NULL,
    elected_at INTEGER NOT NULL,
    until      INTEGER NOT NULL
) STRICT;

CREATE TABLE leader_terms (
    term       INTEGER NOT NULL PRIMARY KEY,
    holder     TEXT    NOT NULL,
    elected_at INTEGER NOT NULL,
    last_until INTEGER NOT NULL
) STRICT;

-- One row per lock name, kept after release (owner null) so the next grant's token is token + 1.
CREATE TABLE locks (
    name        TEXT    NOT NULL PRIMARY KEY,
    owner       TEXT,
    token       INTEGER NOT NULL,
    acquired_at INTEGER NOT NULL,
    until       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
