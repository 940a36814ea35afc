package io.bulwark.jdbc.database.internal;

import io.bulwark.jdbc.database.Dialect;
import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.resilience.retry.Backoff;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Inserting jobs. Idempotency is decided by the unique index on {@code (queue, idempotency_key)},
 * never by a look-up first: on PostgreSQL the insert does nothing on a key conflict (ON CONFLICT on
 * that index alone, so a taken id still raises); on MariaDB the duplicate-key error of the one
 * statement is caught (InnoDB undoes only that statement). Either way the job holding the key is
 * read back and returned as a replay, so two enqueues with one key can never both insert.
 */
public final class Inserts {

    private static final String INSERT = "INSERT INTO " + Tx.JOBS + " (" + JobRows.INSERT_COLUMNS + ") VALUES "
            + JobRows.INSERT_VALUES;

    private static final String INSERT_PG = INSERT
            + " ON CONFLICT (queue, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING";

    /**
     * On PostgreSQL, a batch without idempotency keys as one statement over arrays, one per column:
     * a JDBC batch runs one statement per row on the server (parse, plan and execute each time),
     * this runs one for the batch. Batches with a key keep the batch, which reports per row whether
     * the key let it in.
     */
    private static final String INSERT_ARRAYS_PG = "INSERT INTO " + Tx.JOBS + " (" + JobRows.INSERT_COLUMNS + ")"
            + " SELECT id, queue, type, payload, priority, state, run_at, sort_key, 0, max_attempts, backoff_base_ms,"
            + " backoff_factor, backoff_cap_ms, timeout_ms, NULL, tags, ?, expires_at FROM unnest(?::uuid[],"
            + " ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::bigint[], ?::bigint[], ?::int[], ?::bigint[],"
            + " ?::float8[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[]) AS u(id, queue, type, payload,"
            + " priority, state, run_at, sort_key, max_attempts, backoff_base_ms, backoff_factor, backoff_cap_ms,"
            + " timeout_ms, tags, expires_at)";

    /** MariaDB's error code for a duplicate key. */
    private static final int ER_DUP_ENTRY = 1062;

    private Inserts() {
    }

    /** Inserts the batch, all or nothing: the caller's transaction commits or rolls it back as one. */
    public static List<Enqueued> enqueue(Tx tx, List<NewJob> jobs) throws SQLException {
        long now = tx.now();
        int n = jobs.size();
        JobState[] states = new JobState[n];
        long[] runAts = new long[n];
        for (int i = 0; i < n; i++) {
            NewJob j = jobs.get(i);
            long requested = j.runAt() == null ? now : j.runAt().toEpochMilli();
            runAts[i] = Math.max(requested, now);
            states[i] = requested > now ? JobState.SCHEDULED : JobState.AVAILABLE;
        }
        int[] inserted;
        if (tx.dialect() != Dialect.POSTGRESQL) {
            inserted = insertEach(tx, jobs, states, runAts, now);
        } else if (jobs.stream().allMatch(j -> j.idempotencyKey() == null)) {
            inserted = insertArrays(tx, jobs, states, runAts, now);
        } else {
            inserted = insertBatch(tx, jobs, states, runAts, now);
        }
        List<Enqueued> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            NewJob j = jobs.get(i);
            if (inserted[i] == 1) {
                tx.history(j.id(), null, states[i], "enqueued", null, 0);
                if (states[i] == JobState.AVAILABLE) {
                    tx.wake(j.queue());
                }
                out.add(new Enqueued(JobRows.inserted(j, states[i], runAts[i], now), false));
            } else {
                out.add(new Enqueued(existing(tx, j), true));
            }
        }
        tx.flushHistory();
        return out;
    }

    /** MariaDB: one statement per job, a duplicate key caught per row. Each row's count (0 or 1). */
    private static int[] insertEach(Tx tx, List<NewJob> jobs, JobState[] states, long[] runAts, long now)
            throws SQLException {
        PreparedStatement insert = tx.prepare(INSERT);
        int[] inserted = new int[jobs.size()];
        for (int i = 0; i < jobs.size(); i++) {
            bind(tx, insert, jobs.get(i), states[i], runAts[i], now);
            inserted[i] = insertOne(insert);
        }
        return inserted;
    }

    /**
     * PostgreSQL with an idempotency key in the batch: one round trip for the whole batch, and each
     * row's count says whether its key let it in. ON CONFLICT makes every row a speculative
     * insertion (two WAL records), so batches without keys go through {@link #insertArrays}.
     */
    private static int[] insertBatch(Tx tx, List<NewJob> jobs, JobState[] states, long[] runAts, long now)
            throws SQLException {
        PreparedStatement insert = tx.prepare(INSERT_PG);
        for (int i = 0; i < jobs.size(); i++) {
            bind(tx, insert, jobs.get(i), states[i], runAts[i], now);
            insert.addBatch();
        }
        return insert.executeBatch();
    }

    /** {@code part} of the job's backoff, null when the job has none. */
    private static <T> T backoff(NewJob job, java.util.function.Function<Backoff, T> part) {
        return job.backoff() == null ? null : part.apply(job.backoff());
    }

    /** A PostgreSQL batch without keys: every row goes in, or the statement fails (a taken id). */
    private static int[] insertArrays(Tx tx, List<NewJob> jobs, JobState[] states, long[] runAts, long now)
            throws SQLException {
        int n = jobs.size();
        PreparedStatement insert = tx.prepare(INSERT_ARRAYS_PG);
        insert.setLong(1, now);
        insert.setArray(2, tx.column("uuid", new UUID[n], i -> jobs.get(i).id()));
        insert.setArray(3, tx.column("text", new String[n], i -> jobs.get(i).queue()));
        insert.setArray(4, tx.column("text", new String[n], i -> jobs.get(i).type()));
        insert.setArray(5, tx.column("text", new String[n], i -> jobs.get(i).payload()));
        insert.setArray(6, tx.column("int4", new Integer[n], i -> jobs.get(i).priority()));
        insert.setArray(7, tx.column("text", new String[n], i -> states[i].id()));
        insert.setArray(8, tx.column("int8", new Long[n], i -> runAts[i]));
        insert.setArray(9, tx.column("int8", new Long[n], i -> states[i] == JobState.AVAILABLE
                ? Long.valueOf(tx.sortKey(runAts[i], jobs.get(i).priority())) : null));
        insert.setArray(10, tx.column("int4", new Integer[n], i -> jobs.get(i).maxAttempts()));
        insert.setArray(11, tx.column("int8", new Long[n], i -> backoff(jobs.get(i), b -> b.base().toMillis())));
        insert.setArray(12, tx.column("float8", new Double[n], i -> backoff(jobs.get(i), Backoff::factor)));
        insert.setArray(13, tx.column("int8", new Long[n], i -> backoff(jobs.get(i), b -> b.cap().toMillis())));
        insert.setArray(14, tx.column("int8", new Long[n], i -> jobs.get(i).timeout() == null ? null
                : Long.valueOf(jobs.get(i).timeout().toMillis())));
        insert.setArray(15, tx.column("text", new String[n], i -> JobRows.tagsJson(jobs.get(i).tags())));
        insert.setArray(16, tx.column("int8", new Long[n], i -> jobs.get(i).expiresAt() == null ? null
                : Long.valueOf(jobs.get(i).expiresAt().toEpochMilli())));
        int inserted = insert.executeUpdate();
        if (inserted != n) {
            throw new IllegalStateException(inserted + " of " + n + " jobs were inserted; the batch was not enqueued");
        }
        int[] each = new int[n];
        Arrays.fill(each, 1);
        return each;
    }

    private static int insertOne(PreparedStatement insert) throws SQLException {
        try {
            return insert.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_DUP_ENTRY) {
                return 0;
            }
            throw e;
        }
    }

    private static void bind(Tx tx, PreparedStatement insert, NewJob j, JobState state, long runAt, long now)
            throws SQLException {
        tx.setId(insert, 1, j.id());
        JobRows.bindNew(insert, j, state, runAt, state == JobState.AVAILABLE ? tx.sortKey(runAt, j.priority()) : null,
                now);
    }

    /**
     * What the insert ran into. An id that is taken refuses the batch, even when the key matches
     * too (the same NewJob twice is a caller's bug, not a retry: a retry gets a new id); otherwise
     * the job holding the key is the answer.
     */
    private static Job existing(Tx tx, NewJob j) throws SQLException {
        if (tx.jobWithoutHistory(j.id()).isPresent()) {
            throw new IllegalArgumentException("a job with id " + j.id() + " already exists; nothing was enqueued");
        }
        PreparedStatement byKey = tx.prepare("SELECT id FROM " + Tx.JOBS + " WHERE queue = ? AND idempotency_key = ?");
        byKey.setString(1, j.queue());
        byKey.setString(2, j.idempotencyKey());
        try (ResultSet rs = byKey.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("job " + j.id() + " was not inserted, yet neither its id nor its "
                        + "idempotency key is taken");
            }
            return tx.jobWithoutHistory(tx.id(rs, 1)).orElseThrow();
        }
    }
}
