-- Version 7: nothing to change on this dialect. On MariaDB a job's idempotency key becomes exact
-- bytes (its collation padded trailing spaces); here text already compares exactly. The version
-- is kept so that every dialect's schema has the same number.
SELECT 1;
