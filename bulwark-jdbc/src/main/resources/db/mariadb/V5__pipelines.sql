-- Pipelines: every registered version of a definition, the runs and their step instances. User
-- data, like the schedules: backups carry all three tables. Times are epoch milliseconds by the
-- database's clock, like the job tables. Binary collation: ids compare exactly and list in the
-- order Java sorts them, as on the other stores.

-- One row per version of a pipeline; a version is never changed once written. The primary key is
-- what gives two concurrent registrations of one change one version.
CREATE TABLE bulwark_pipelines (
    id            VARCHAR(255) NOT NULL,
    version       INT          NOT NULL,
    -- The definition as its canonical JSON (PipelineDefinitions.toJson), with this version in it.
    definition    LONGTEXT     NOT NULL,
    registered_at BIGINT       NOT NULL,
    PRIMARY KEY (id, version),
    CONSTRAINT bulwark_pipelines_version CHECK (version >= 1)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Run ids are UUIDv7 as 16 big-endian bytes, as the jobs table keeps its ids: byte order is
-- creation order, so listing newest first is ORDER BY id DESC.
CREATE TABLE bulwark_pipeline_runs (
    id              BINARY(16)     NOT NULL,
    pipeline        VARCHAR(255)   NOT NULL,
    -- The version it runs, kept whatever is registered later.
    version         INT            NOT NULL,
    phase           VARCHAR(16)    NOT NULL,
    -- JSON; null when started without one.
    input           LONGTEXT,
    -- UTF-8 bytes, not a VARCHAR: a PAD SPACE collation would make 'key' and 'key ' one key.
    idempotency_key VARBINARY(1020),
    -- 0, and one more at each retry.
    generation      INT            NOT NULL DEFAULT 0,
    -- The instance that failed it ('step' or 'step[3]'), and why it failed or was cancelled.
    failed_step     VARCHAR(255),
    error           MEDIUMTEXT,
    created_at      BIGINT         NOT NULL,
    finished_at     BIGINT,
    PRIMARY KEY (id),
    CONSTRAINT bulwark_pipeline_runs_phase_name CHECK (phase IN ('running', 'completed', 'failed', 'cancelled')),
    -- Idempotent starts: one run per key and pipeline (NULL keys never collide).
    UNIQUE KEY bulwark_pipeline_runs_idempotency (pipeline, idempotency_key),
    -- The leader's sweep (running runs, oldest first) and listing by phase.
    KEY bulwark_pipeline_runs_phase (phase, id),
    -- Listing a pipeline's runs newest first (with or without a phase).
    KEY bulwark_pipeline_runs_pipeline (pipeline, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per step instance of a run: the primary key is what records an instance once however
-- many nodes advance the run. idx is the branch of a fan-out step, -1 for the step as a whole (a
-- NULL cannot be part of a primary key). Deleting a run deletes its steps.
CREATE TABLE bulwark_pipeline_steps (
    run         BINARY(16)   NOT NULL,
    step        VARCHAR(255) NOT NULL,
    idx         INT          NOT NULL,
    status      VARCHAR(16)  NOT NULL,
    -- The job that runs it; null for a step skipped or failed without running.
    job_id      VARCHAR(255),
    -- JSON: its evaluated input, and its output once completed (the checkpoint).
    input       LONGTEXT,
    output      LONGTEXT,
    error       MEDIUMTEXT,
    attempts    INT          NOT NULL DEFAULT 0,
    -- For a fallback, the failed instance it stands for ('step' or 'step[3]').
    stands_for  VARCHAR(255),
    started_at  BIGINT       NOT NULL,
    finished_at BIGINT,
    PRIMARY KEY (run, step, idx),
    CONSTRAINT bulwark_pipeline_steps_idx CHECK (idx >= -1),
    CONSTRAINT bulwark_pipeline_steps_status CHECK (status IN ('running', 'completed', 'failed', 'skipped')),
    CONSTRAINT bulwark_pipeline_steps_run_fk FOREIGN KEY (run) REFERENCES bulwark_pipeline_runs (id)
        ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
