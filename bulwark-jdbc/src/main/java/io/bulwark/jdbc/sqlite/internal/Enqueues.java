package io.bulwark.jdbc.sqlite.internal;

import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.NewJob;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Inserting jobs. Idempotency is decided by the unique index on {@code (queue, idempotency_key)}:
 * the insert does nothing on a conflict, and the job that holds the key is read back and returned
 * as a replay, so two enqueues with one key can never both insert.
 */
public final class Enqueues {

    /**
     * The job with its first history entry: enqueued, at its creation time (parameter 16) into its
     * first state (parameter 6).
     */
    private static final String INSERT = "INSERT INTO jobs (" + JobRows.INSERT_COLUMNS + ", history) VALUES "
            + JobRows.INSERT_VALUES.substring(0, JobRows.INSERT_VALUES.length() - 1)
            + ", json_array(json_array(?16, NULL, ?6, 'enqueued', NULL, 0))) ON CONFLICT DO NOTHING";

    private static final String ID_TAKEN = "SELECT 1 FROM jobs WHERE id = ?";

    private static final String BY_KEY = "SELECT id FROM jobs WHERE queue = ? AND idempotency_key = ?";

    private Enqueues() {
    }

    /** Inserts the batch, all or nothing (the writer's savepoint undoes a partial batch). */
    public static List<Enqueued> enqueue(Session s, List<NewJob> jobs) throws SQLException {
        long now = s.nowMs();
        PreparedStatement insert = s.prepare(INSERT);
        List<Enqueued> out = new ArrayList<>(jobs.size());
        for (NewJob j : jobs) {
            long requested = j.runAt() == null ? now : j.runAt().toEpochMilli();
            long runAt = Math.max(requested, now);
            JobState state = requested > now ? JobState.SCHEDULED : JobState.AVAILABLE;
            byte[] id = JobRows.bytes(j.id());
            insert.setBytes(1, id);
            JobRows.bindNew(insert, j, state, runAt, state == JobState.AVAILABLE ? s.sortKey(runAt, j.priority()) : null,
                    now);
            if (insert.executeUpdate() == 1) {
                out.add(new Enqueued(JobRows.inserted(j, state, runAt, now), false));
            } else {
                out.add(new Enqueued(existing(s, j, id), true));
            }
        }
        return out;
    }

    /**
     * What the insert ran into. An id that is taken refuses the batch, even when the key matches
     * too (the same NewJob twice is a caller's bug, not a retry: a retry gets a new id); otherwise
     * the job holding the key is the answer.
     */
    private static Job existing(Session s, NewJob j, byte[] id) throws SQLException {
        PreparedStatement taken = s.prepare(ID_TAKEN);
        taken.setBytes(1, id);
        try (ResultSet rs = taken.executeQuery()) {
            if (rs.next()) {
                throw new IllegalArgumentException("a job with id " + j.id() + " already exists; nothing was enqueued");
            }
        }
        PreparedStatement byKey = s.prepare(BY_KEY);
        byKey.setString(1, j.queue());
        byKey.setString(2, j.idempotencyKey());
        byte[] holder;
        try (ResultSet rs = byKey.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("job " + j.id() + " was not inserted, yet neither its id nor its "
                        + "idempotency key is taken");
            }
            holder = rs.getBytes(1);
        }
        return s.jobWithoutHistory(holder).orElseThrow();
    }
}
