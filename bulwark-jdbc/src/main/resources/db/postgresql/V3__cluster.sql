-- The fleet: nodes and their heartbeats, the leader's term and its history, and named locks with
-- fencing tokens. Runtime state rather than data: backups leave these tables out. Times are epoch
-- milliseconds by the database's clock, like the job tables. Node ids and lock names compare
-- byte-wise (COLLATE "C"), as Java compares them, whatever the database's default collation.

CREATE TABLE bulwark_nodes (
    id              text    COLLATE "C" NOT NULL PRIMARY KEY,
    name            text    NOT NULL,
    role            text    NOT NULL CHECK (role IN ('api', 'worker', 'both')),
    version         text    NOT NULL,
    -- By the node's own clock: shown, never judged.
    started_at      bigint  NOT NULL,
    -- JSON arrays: the queues served at the last heartbeat, and those named on joining.
    queues          text    NOT NULL,
    joined_queues   text    NOT NULL,
    capacity        integer NOT NULL,
    last_heartbeat  bigint  NOT NULL,
    in_flight       integer NOT NULL,
    draining        boolean NOT NULL,
    drain_requested boolean NOT NULL,
    -- Set by the leader when it declares the node dead; a dead node's heartbeats are refused.
    dead_at         bigint
);

-- The current term, in one row (id = 1), made by the first election. term only grows: every new
-- tenure (another holder, or a lapsed lease) takes term + 1; a renewal keeps it.
CREATE TABLE bulwark_leader (
    id         integer NOT NULL PRIMARY KEY CHECK (id = 1),
    term       bigint  NOT NULL,
    holder     text    NOT NULL,
    elected_at bigint  NOT NULL,
    until      bigint  NOT NULL
);

-- Every term with the last until it was renewed to (or when it resigned), to show that tenures
-- never overlapped.
CREATE TABLE bulwark_leader_terms (
    term       bigint NOT NULL PRIMARY KEY,
    holder     text   NOT NULL,
    elected_at bigint NOT NULL,
    last_until bigint NOT NULL
);

-- One row per lock name, kept after release (owner null) so the next grant's token is token + 1.
CREATE TABLE bulwark_locks (
    name        text   COLLATE "C" NOT NULL PRIMARY KEY,
    owner       text,
    token       bigint NOT NULL,
    acquired_at bigint NOT NULL,
    until       bigint NOT NULL
);
