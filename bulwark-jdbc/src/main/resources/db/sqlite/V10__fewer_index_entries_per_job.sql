-- Version 10: a job that runs once touches five index entries instead of eight. The claim index
-- held every job by (queue, state, ...), so a claim moved a job's entry from 'available' to
-- 'running' and a success moved it again to 'completed'. Now each index holds the jobs of the
-- states it serves, and the queue counts read the indexes their states live in
-- (docs/decisions.md, "Fewer index entries per job on the embedded store"):
--   enqueue: jobs_claim +1; claim: jobs_claim -1, jobs_lease +1; success: jobs_lease -1, jobs_finished +1.

-- Claim: the available jobs of a queue in claim order; also their count per queue.
DROP INDEX jobs_claim;
CREATE INDEX jobs_claim ON jobs (queue, sort_key, id) WHERE state = 'available';

-- Scheduled and retryable jobs that come due, per queue; also their counts per (queue, state).
DROP INDEX jobs_due;
CREATE INDEX jobs_due ON jobs (queue, state, run_at) WHERE state IN ('scheduled', 'retryable');

-- Running jobs by lease end, for the rescue of expired leases; also their count per queue.
DROP INDEX jobs_lease;
CREATE INDEX jobs_lease ON jobs (lease_until, queue) WHERE state = 'running';

-- Final jobs per queue and state by finish time: the final counts, the dead-letter queue, and
-- pruning (oldest first across the (queue, state) ranges).
DROP INDEX jobs_finished;
CREATE INDEX jobs_finished ON jobs (queue, state, finished_at) WHERE finished_at IS NOT NULL;
