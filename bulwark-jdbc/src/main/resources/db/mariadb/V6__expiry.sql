-- Waiting jobs can expire: expires_at (epoch milliseconds, null for never) and the final state
-- 'expired'.

ALTER TABLE bulwark_jobs ADD COLUMN expires_at BIGINT NULL;

ALTER TABLE bulwark_jobs DROP CONSTRAINT bulwark_jobs_state;
ALTER TABLE bulwark_jobs ADD CONSTRAINT bulwark_jobs_state
    CHECK (state IN ('scheduled', 'available', 'running', 'retryable', 'completed', 'dead', 'cancelled', 'expired'));

-- Waiting jobs that expire, soonest first (MariaDB has no partial indexes: one range per waiting state).
CREATE INDEX bulwark_jobs_expiry ON bulwark_jobs (state, expires_at, id);
