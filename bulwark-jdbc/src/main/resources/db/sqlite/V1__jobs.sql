-- The embedded job store, version 1.
-- Times are epoch milliseconds. Job ids are UUIDv7 as 16 big-endian bytes, so that SQLite's
-- byte-wise BLOB order is creation order. States are the lower-case API names.

CREATE TABLE jobs (
    id               BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    queue            TEXT    NOT NULL,
    type             TEXT    NOT NULL,
    payload          TEXT,
    priority         INTEGER NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('scheduled', 'available', 'running', 'retryable',
                                                       'completed', 'dead', 'cancelled')),
    run_at           INTEGER NOT NULL,
    -- run_at + priority * agingStep, set when the job becomes available: the claim order.
    sort_key         INTEGER,
    attempt          INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL,
    backoff_base_ms  INTEGER,
    backoff_factor   REAL,
    backoff_cap_ms   INTEGER,
    timeout_ms       INTEGER,
    idempotency_key  TEXT,
    tags             TEXT    NOT NULL DEFAULT '[]',
    result           TEXT,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    finished_at      INTEGER,
    -- The fencing token: one more at every claim; renewals and outcomes must present the current one.
    token            INTEGER NOT NULL DEFAULT 0,
    lease_until      INTEGER,
    node             TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Claim: the available jobs of a queue in claim order. Also serves counts per (queue, state).
CREATE INDEX jobs_claim ON jobs (queue, state, sort_key, id);

-- Scheduled and retryable jobs that come due, per queue.
CREATE INDEX jobs_due ON jobs (queue, run_at) WHERE state IN ('scheduled', 'retryable');

-- Running jobs by lease end, for the rescue of expired leases.
CREATE INDEX jobs_lease ON jobs (lease_until) WHERE state = 'running';

-- Final jobs by finish time, for pruning.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;

-- Listing a queue newest first.
CREATE INDEX jobs_queue_id ON jobs (queue, id);

-- Idempotency: one job per key and queue, decided by the index rather than a look-up first.
CREATE UNIQUE INDEX jobs_idempotency ON jobs (queue, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE job_history (
    job_id     BLOB    NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    from_state TEXT,
    to_state   TEXT    NOT NULL,
    reason     TEXT,
    node       TEXT,
    attempt    INTEGER NOT NULL,
    PRIMARY KEY (job_id, seq)
) STRICT, WITHOUT ROWID;

-- Queue settings changed at run time (over the API), kept across restarts. settings is JSON.
CREATE TABLE queues (
    name       TEXT    NOT NULL PRIMARY KEY,
    settings   TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
