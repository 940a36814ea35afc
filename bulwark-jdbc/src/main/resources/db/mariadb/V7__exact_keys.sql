-- Version 7: a job's idempotency key compares as exact bytes. The tables' utf8mb4_bin collation
-- pads with spaces, so 'k' and 'k ' were one key here but two on PostgreSQL and SQLite. VARBINARY
-- holds the key's UTF-8 bytes (255 characters of up to 4 bytes), compares them exactly, and reads
-- back as the same string; utf8mb4_nopad_bin would do it too but does not exist on MySQL. The
-- table is rebuilt once, keeping every row and the unique (queue, idempotency_key) index.

ALTER TABLE bulwark_jobs MODIFY idempotency_key VARBINARY(1020);
