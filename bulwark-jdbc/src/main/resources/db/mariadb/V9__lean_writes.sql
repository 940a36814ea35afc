-- Version 9: no foreign key from the history to its job. Each history row was a check of its
-- job's row under a shared lock; history rows are written only in the transaction that changes
-- their job, and the store deletes a job's history with the job (what ON DELETE CASCADE did).
-- PostgreSQL's version 9 also drops an index; InnoDB touches a secondary index only when its
-- columns change, so the (queue, id) index costs MariaDB nothing after the insert and stays.
ALTER TABLE bulwark_job_history DROP FOREIGN KEY bulwark_job_history_job_fk;
