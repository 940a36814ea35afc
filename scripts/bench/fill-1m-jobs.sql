-- Fills schema rto_src (migrated first with bulwark store migrate) with 1,000,000 completed jobs and
-- three history rows each, for the backup and restore timings in docs/benchmarks.md.
SET search_path = rto_src;
INSERT INTO bulwark_jobs (id, queue, type, payload, priority, state, run_at, attempt, max_attempts, backoff_base_ms, backoff_factor, backoff_cap_ms, timeout_ms, tags, result, created_at, started_at, finished_at, token, node)
SELECT gen_random_uuid(), 'q' || (g % 10), 'email.send', '{"to":"user' || g || '@example.com","template":"welcome","n":' || g || '}', 5, 'completed', 1764000000000 + g, 1, 3, 1000, 2.0, 60000, 30000, '["a"]', '{"ok":true}', 1764000000000 + g, 1764000000100 + g, 1764000000200 + g, 1, 'node-1'
FROM generate_series(1, 1000000) g;
INSERT INTO bulwark_job_history (job_id, at, from_state, to_state, reason, node, attempt)
SELECT id, created_at, NULL, 'available', 'enqueued', NULL, 0 FROM bulwark_jobs;
INSERT INTO bulwark_job_history (job_id, at, from_state, to_state, reason, node, attempt)
SELECT id, started_at, 'available', 'running', 'claimed', 'node-1', 1 FROM bulwark_jobs;
INSERT INTO bulwark_job_history (job_id, at, from_state, to_state, reason, node, attempt)
SELECT id, finished_at, 'running', 'completed', 'completed', 'node-1', 1 FROM bulwark_jobs;
ANALYZE;
