-- Pipelines: every registered version of a definition, the runs and their step instances. The
-- same columns as on PostgreSQL and MariaDB. User data, like the schedules: backups carry all
-- three tables. Times are epoch milliseconds by the store's clock.

-- One row per version of a pipeline; a version is never changed once written. The primary key is
-- what gives two concurrent registrations of one change one version.
CREATE TABLE pipelines (
    id            TEXT    NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    -- The definition as its canonical JSON (PipelineDefinitions.toJson), with this version in it.
    definition    TEXT    NOT NULL,
    registered_at INTEGER NOT NULL,
    PRIMARY KEY (id, version)
) STRICT, WITHOUT ROWID;

-- Run ids are UUIDv7 as 16 big-endian bytes, as the jobs table keeps its ids: byte order is
-- creation order, so listing newest first is ORDER BY id DESC.
CREATE TABLE pipeline_runs (
    id              BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    pipeline        TEXT    NOT NULL,
    -- The version it runs, kept whatever is registered later.
    version         INTEGER NOT NULL,
    phase           TEXT    NOT NULL CHECK (phase IN ('running', 'completed', 'failed', 'cancelled')),
    -- JSON; null when started without one.
    input           TEXT,
    idempotency_key TEXT,
    -- 0, and one more at each retry.
    generation      INTEGER NOT NULL DEFAULT 0,
    -- The instance that failed it ('step' or 'step[3]'), and why it failed or was cancelled.
    failed_step     TEXT,
    error           TEXT,
    created_at      INTEGER NOT NULL,
    finished_at     INTEGER
) STRICT;

-- Idempotent starts: one run per key and pipeline, decided by the index rather than a look-up first.
CREATE UNIQUE INDEX pipeline_runs_idempotency ON pipeline_runs (pipeline, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- The leader's sweep (running runs, oldest first) and listing by phase.
CREATE INDEX pipeline_runs_phase ON pipeline_runs (phase, id);

-- Listing a pipeline's runs newest first (with or without a phase).
CREATE INDEX pipeline_runs_pipeline ON pipeline_runs (pipeline, id);

-- One row per step instance of a run: the primary key is what records an instance once however
-- many nodes advance the run. idx is the branch of a fan-out step, -1 for the step as a whole (a
-- NULL cannot be part of a primary key on every database). Deleting a run deletes its steps.
CREATE TABLE pipeline_steps (
    run         BLOB    NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    step        TEXT    NOT NULL,
    idx         INTEGER NOT NULL CHECK (idx >= -1),
    status      TEXT    NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'skipped')),
    -- The job that runs it; null for a step skipped or failed without running.
    job_id      TEXT,
    -- JSON: its evaluated input, and its output once completed (the checkpoint).
    input       TEXT,
    output      TEXT,
    error       TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    -- For a fallback, the failed instance it stands for ('step' or 'step[3]').
    stands_for  TEXT,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    PRIMARY KEY (run, step, idx)
) STRICT, WITHOUT ROWID;
