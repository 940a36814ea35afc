-- Version 9: a job's history lives in its own row. A history row per transition was two fifths of
-- the writer thread's time in a run of no-op jobs: three B-tree inserts per job, each with its
-- sequence number's look-up and a foreign-key check, beside the job row's own updates. Now the
-- statement that changes a job appends the transition to its `history` column in the same row
-- write (docs/decisions.md, "The embedded store keeps a job's history in its row").
--
-- `history` is a JSON array with one array per transition, in the order they happened:
-- [at (epoch ms), from_state (null for the first), to_state, reason, node, attempt].
ALTER TABLE jobs ADD COLUMN history TEXT NOT NULL DEFAULT '[]';

UPDATE jobs SET history = (
    SELECT json_group_array(json_array(h.at, h.from_state, h.to_state, h.reason, h.node, h.attempt) ORDER BY h.seq)
    FROM job_history h WHERE h.job_id = jobs.id)
WHERE id IN (SELECT job_id FROM job_history);

DROP TABLE job_history;

-- The history as rows, for whoever reads or writes it one transition at a time: the history of a
-- job by id, the backup, the rarer transitions (cancel, retry, rescue, expiry), older tests.
CREATE VIEW job_history (job_id, seq, at, from_state, to_state, reason, node, attempt) AS
SELECT j.id, e.key + 1, e.value ->> 0, e.value ->> 1, e.value ->> 2, e.value ->> 3, e.value ->> 4, e.value ->> 5
FROM jobs j, json_each(j.history) e;

-- A row inserted into the view is appended to its job's history; seq is ignored (it is the place
-- in the array). The append keeps the text as written: the column always holds a compact array.
CREATE TRIGGER job_history_append INSTEAD OF INSERT ON job_history
BEGIN
    UPDATE jobs SET history = CASE WHEN history = '[]' THEN '[' ELSE substr(history, 1, length(history) - 1) || ',' END
            || json_array(NEW.at, NEW.from_state, NEW.to_state, NEW.reason, NEW.node, NEW.attempt) || ']'
        WHERE id = NEW.job_id;
END;
