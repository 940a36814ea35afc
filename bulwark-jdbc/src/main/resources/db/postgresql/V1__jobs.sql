-- The PostgreSQL job store, version 1. Same columns as the embedded store, so that backups move
-- between dialects: times are epoch milliseconds (by the database's clock), states are the
-- lower-case API names. Tables carry a bulwark_ prefix because they may share a database (and a
-- transaction, for transactional enqueue) with the application's own tables.

CREATE TABLE bulwark_jobs (
    id               uuid             NOT NULL PRIMARY KEY,
    queue            text             NOT NULL,
    type             text             NOT NULL,
    payload          text,
    priority         integer          NOT NULL,
    state            text             NOT NULL CHECK (state IN ('scheduled', 'available', 'running', 'retryable',
                                                                'completed', 'dead', 'cancelled')),
    run_at           bigint           NOT NULL,
    -- run_at + priority * agingStep, set when the job becomes available: the claim order.
    sort_key         bigint,
    attempt          integer          NOT NULL DEFAULT 0,
    max_attempts     integer          NOT NULL,
    backoff_base_ms  bigint,
    backoff_factor   double precision,
    backoff_cap_ms   bigint,
    timeout_ms       bigint,
    idempotency_key  text,
    tags             text             NOT NULL DEFAULT '[]',
    result           text,
    last_error       text,
    created_at       bigint           NOT NULL,
    started_at       bigint,
    finished_at      bigint,
    -- The fencing token: one more at every claim; renewals and outcomes must present the current one.
    token            bigint           NOT NULL DEFAULT 0,
    lease_until      bigint,
    node             text,
    cancel_requested boolean          NOT NULL DEFAULT false
);

-- Claim: only available jobs are in it, in claim order, so a claim reads exactly the rows it takes
-- however many finished jobs the table holds.
CREATE INDEX bulwark_jobs_claim ON bulwark_jobs (queue, sort_key, id) WHERE state = 'available';

-- Scheduled and retryable jobs that come due, per queue.
CREATE INDEX bulwark_jobs_due ON bulwark_jobs (queue, run_at) WHERE state IN ('scheduled', 'retryable');

-- Running jobs by lease end, for the rescue of expired leases.
CREATE INDEX bulwark_jobs_lease ON bulwark_jobs (lease_until, id) WHERE state = 'running';

-- Final jobs by finish time, for pruning.
CREATE INDEX bulwark_jobs_finished ON bulwark_jobs (finished_at, id) WHERE finished_at IS NOT NULL;

-- Counts per (queue, state) and listings filtered by state, newest first.
CREATE INDEX bulwark_jobs_queue_state ON bulwark_jobs (queue, state, id);

-- Listing a queue newest first.
CREATE INDEX bulwark_jobs_queue_id ON bulwark_jobs (queue, id);

-- Idempotency: one job per key and queue, decided by the index rather than a look-up first.
CREATE UNIQUE INDEX bulwark_jobs_idempotency ON bulwark_jobs (queue, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- Every state change. id is global and grows, so a job's transitions in id order are its history.
CREATE TABLE bulwark_job_history (
    id         bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id     uuid    NOT NULL REFERENCES bulwark_jobs (id) ON DELETE CASCADE,
    at         bigint  NOT NULL,
    from_state text,
    to_state   text    NOT NULL,
    reason     text,
    node       text,
    attempt    integer NOT NULL
);

CREATE INDEX bulwark_job_history_job ON bulwark_job_history (job_id, id);

-- Queue settings changed at run time (over the API), kept across restarts. settings is JSON.
CREATE TABLE bulwark_queues (
    name       text   NOT NULL PRIMARY KEY,
    settings   text   NOT NULL,
    updated_at bigint NOT NULL
);
