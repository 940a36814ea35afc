-- The MariaDB (and MySQL) job store, version 1. Same columns as the embedded store, so that
-- backups move between dialects: ids are 16 big-endian bytes (byte order is a UUIDv7's creation
-- order), times are epoch milliseconds by the database's clock, states are the lower-case API
-- names. Binary collation: queue names and idempotency keys compare exactly, as on the other
-- stores (the default collation would make 'Key' and 'key' one key).

CREATE TABLE bulwark_jobs (
    id               BINARY(16)   NOT NULL,
    queue            VARCHAR(255) NOT NULL,
    type             VARCHAR(255) NOT NULL,
    payload          LONGTEXT,
    priority         INT          NOT NULL,
    state            VARCHAR(16)  NOT NULL,
    run_at           BIGINT       NOT NULL,
    -- run_at + priority * agingStep, set when the job becomes available: the claim order.
    sort_key         BIGINT,
    attempt          INT          NOT NULL DEFAULT 0,
    max_attempts     INT          NOT NULL,
    backoff_base_ms  BIGINT,
    backoff_factor   DOUBLE,
    backoff_cap_ms   BIGINT,
    timeout_ms       BIGINT,
    idempotency_key  VARCHAR(255),
    tags             TEXT         NOT NULL,
    result           LONGTEXT,
    last_error       MEDIUMTEXT,
    created_at       BIGINT       NOT NULL,
    started_at       BIGINT,
    finished_at      BIGINT,
    -- The fencing token: one more at every claim; renewals and outcomes must present the current one.
    token            BIGINT       NOT NULL DEFAULT 0,
    lease_until      BIGINT,
    node             VARCHAR(255),
    cancel_requested BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (id),
    CONSTRAINT bulwark_jobs_state CHECK (state IN ('scheduled', 'available', 'running', 'retryable',
                                                   'completed', 'dead', 'cancelled')),
    -- Claim: the available jobs of a queue in claim order (MariaDB has no partial indexes).
    KEY bulwark_jobs_claim (queue, state, sort_key, id),
    -- Scheduled and retryable jobs that come due, per queue.
    KEY bulwark_jobs_due (queue, state, run_at),
    -- Running jobs by lease end, for the rescue of expired leases.
    KEY bulwark_jobs_lease (state, lease_until, id),
    -- Final jobs by finish time, for pruning.
    KEY bulwark_jobs_finished (finished_at, id),
    -- Listing a queue newest first.
    KEY bulwark_jobs_queue_id (queue, id),
    -- Idempotency: one job per key and queue (NULL keys never collide).
    UNIQUE KEY bulwark_jobs_idempotency (queue, idempotency_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Every state change. id is global and grows, so a job's transitions in id order are its history.
CREATE TABLE bulwark_job_history (
    id         BIGINT       NOT NULL AUTO_INCREMENT,
    job_id     BINARY(16)   NOT NULL,
    at         BIGINT       NOT NULL,
    from_state VARCHAR(16),
    to_state   VARCHAR(16)  NOT NULL,
    reason     TEXT,
    node       VARCHAR(255),
    attempt    INT          NOT NULL,
    PRIMARY KEY (id),
    KEY bulwark_job_history_job (job_id, id),
    CONSTRAINT bulwark_job_history_job_fk FOREIGN KEY (job_id) REFERENCES bulwark_jobs (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Queue settings changed at run time (over the API), kept across restarts. settings is JSON.
CREATE TABLE bulwark_queues (
    name       VARCHAR(255) NOT NULL,
    settings   MEDIUMTEXT   NOT NULL,
    updated_at BIGINT       NOT NULL,
    PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
