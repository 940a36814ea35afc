-- The fleet: nodes and their heartbeats, the leader's term and its history, and named locks with
-- fencing tokens. Runtime state rather than data: backups leave these tables out. Times are epoch
-- milliseconds by the database's clock, like the job tables. Binary collation: node ids and lock
-- names compare exactly, as on the other stores.

CREATE TABLE bulwark_nodes (
    id              VARCHAR(100) NOT NULL,
    name            VARCHAR(100) NOT NULL,
    role            VARCHAR(16)  NOT NULL,
    version         TEXT         NOT NULL,
    -- By the node's own clock: shown, never judged.
    started_at      BIGINT       NOT NULL,
    -- JSON arrays: the queues served at the last heartbeat, and those named on joining.
    queues          MEDIUMTEXT   NOT NULL,
    joined_queues   MEDIUMTEXT   NOT NULL,
    capacity        INT          NOT NULL,
    last_heartbeat  BIGINT       NOT NULL,
    in_flight       INT          NOT NULL,
    draining        BOOLEAN      NOT NULL,
    drain_requested BOOLEAN      NOT NULL,
    -- Set by the leader when it declares the node dead; a dead node's heartbeats are refused.
    dead_at         BIGINT,
    PRIMARY KEY (id),
    CONSTRAINT bulwark_nodes_role CHECK (role IN ('api', 'worker', 'both'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The current term, in one row (id = 1), made by the first election. term only grows: every new
-- tenure (another holder, or a lapsed lease) takes term + 1; a renewal keeps it.
CREATE TABLE bulwark_leader (
    id         INT          NOT NULL,
    term       BIGINT       NOT NULL,
    holder     VARCHAR(100) NOT NULL,
    elected_at BIGINT       NOT NULL,
    until      BIGINT       NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT bulwark_leader_one_row CHECK (id = 1)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Every term with the last until it was renewed to (or when it resigned), to show that tenures
-- never overlapped.
CREATE TABLE bulwark_leader_terms (
    term       BIGINT       NOT NULL,
    holder     VARCHAR(100) NOT NULL,
    elected_at BIGINT       NOT NULL,
    last_until BIGINT       NOT NULL,
    PRIMARY KEY (term)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per lock name, kept after release (owner null) so the next grant's token is token + 1.
CREATE TABLE bulwark_locks (
    name        VARCHAR(255) NOT NULL,
    owner       VARCHAR(255),
    token       BIGINT       NOT NULL,
    acquired_at BIGINT       NOT NULL,
    until       BIGINT       NOT NULL,
    PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
