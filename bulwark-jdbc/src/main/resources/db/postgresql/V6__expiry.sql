-- Waiting jobs can expire: expires_at (epoch milliseconds, null for never) and the final state
-- 'expired'. Every existing row satisfies the wider check, so it is added NOT VALID (no scan under
-- the table lock) and validated after with a lock that lets reads and writes go on.

ALTER TABLE bulwark_jobs ADD COLUMN expires_at bigint;

ALTER TABLE bulwark_jobs DROP CONSTRAINT bulwark_jobs_state_check;
ALTER TABLE bulwark_jobs ADD CONSTRAINT bulwark_jobs_state_check
    CHECK (state IN ('scheduled', 'available', 'running', 'retryable', 'completed', 'dead', 'cancelled', 'expired'))
    NOT VALID;
ALTER TABLE bulwark_jobs VALIDATE CONSTRAINT bulwark_jobs_state_check;

-- Waiting jobs that expire, soonest first: only they are in it.
CREATE INDEX bulwark_jobs_expiry ON bulwark_jobs (expires_at, id)
    WHERE state IN ('scheduled', 'available', 'retryable') AND expires_at IS NOT NULL;
