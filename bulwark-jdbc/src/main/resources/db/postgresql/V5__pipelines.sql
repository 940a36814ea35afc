-- Pipelines: every registered version of a definition, the runs and their step instances. User
-- data, like the schedules: backups carry all three tables. Times are epoch milliseconds by the
-- database's clock, like the job tables. Ids compare byte-wise (COLLATE "C"), as Java compares
-- them, so pipelines and steps list in one order on every store.

-- One row per version of a pipeline; a version is never changed once written. The primary key is
-- what gives two concurrent registrations of one change one version.
CREATE TABLE bulwark_pipelines (
    id            text    COLLATE "C" NOT NULL,
    version       integer NOT NULL CHECK (version >= 1),
    -- The definition as its canonical JSON (PipelineDefinitions.toJson), with this version in it.
    definition    text    NOT NULL,
    registered_at bigint  NOT NULL,
    PRIMARY KEY (id, version)
);

-- Run ids are UUIDv7 (a native uuid, compared byte-wise): id order is creation order, so listing
-- newest first is ORDER BY id DESC.
CREATE TABLE bulwark_pipeline_runs (
    id              uuid    NOT NULL PRIMARY KEY,
    pipeline        text    COLLATE "C" NOT NULL,
    -- The version it runs, kept whatever is registered later.
    version         integer NOT NULL,
    phase           text    NOT NULL CHECK (phase IN ('running', 'completed', 'failed', 'cancelled')),
    -- JSON; null when started without one.
    input           text,
    idempotency_key text    COLLATE "C",
    -- 0, and one more at each retry.
    generation      integer NOT NULL DEFAULT 0,
    -- The instance that failed it ('step' or 'step[3]'), and why it failed or was cancelled.
    failed_step     text,
    error           text,
    created_at      bigint  NOT NULL,
    finished_at     bigint
);

-- Idempotent starts: one run per key and pipeline, decided by the index rather than a look-up first.
CREATE UNIQUE INDEX bulwark_pipeline_runs_idempotency ON bulwark_pipeline_runs (pipeline, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- The leader's sweep (running runs, oldest first) and listing by phase.
CREATE INDEX bulwark_pipeline_runs_phase ON bulwark_pipeline_runs (phase, id);

-- Listing a pipeline's runs newest first (with or without a phase).
CREATE INDEX bulwark_pipeline_runs_pipeline ON bulwark_pipeline_runs (pipeline, id);

-- One row per step instance of a run: the primary key is what records an instance once however
-- many nodes advance the run. idx is the branch of a fan-out step, -1 for the step as a whole (a
-- NULL cannot be part of a primary key). Deleting a run deletes its steps.
CREATE TABLE bulwark_pipeline_steps (
    run         uuid    NOT NULL REFERENCES bulwark_pipeline_runs (id) ON DELETE CASCADE,
    step        text    COLLATE "C" NOT NULL,
    idx         integer NOT NULL CHECK (idx >= -1),
    status      text    NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'skipped')),
    -- The job that runs it; null for a step skipped or failed without running.
    job_id      text,
    -- JSON: its evaluated input, and its output once completed (the checkpoint).
    input       text,
    output      text,
    error       text,
    attempts    integer NOT NULL DEFAULT 0,
    -- For a fallback, the failed instance it stands for ('step' or 'step[3]').
    stands_for  text,
    started_at  bigint  NOT NULL,
    finished_at bigint,
    PRIMARY KEY (run, step, idx)
);
