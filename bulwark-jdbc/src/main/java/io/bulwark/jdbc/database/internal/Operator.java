package io.bulwark.jdbc.database.internal;

import io.bulwark.jdbc.database.Dialect;
import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.JobState;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** What operators do to jobs on a database server: cancel, retry, purge and prune; and queue settings. */
public final class Operator {

    private Operator() {
    }

    private record Current(JobState state, int attempt) {
    }

    private static Optional<Current> lockOne(Tx tx, UUID id) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT state, attempt FROM " + Tx.JOBS + " WHERE id = ? FOR UPDATE");
        tx.setId(ps, 1, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Current(JobRows.state(rs.getString(1)), rs.getInt(2))) : Optional.empty();
        }
    }

    /** Waiting jobs end cancelled; a running one is flagged for its worker; final ones stay as they are. */
    public static Optional<Job> cancel(Tx tx, UUID id, String reason) throws SQLException {
        Optional<Current> cur = lockOne(tx, id);
        if (cur.isEmpty()) {
            return Optional.empty();
        }
        JobState state = cur.get().state();
        switch (state) {
            case SCHEDULED, AVAILABLE, RETRYABLE -> {
                PreparedStatement ps = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'cancelled', finished_at = ? "
                        + "WHERE id = ?");
                ps.setLong(1, tx.now());
                tx.setId(ps, 2, id);
                ps.executeUpdate();
                tx.history(id, state, JobState.CANCELLED, reason, null, cur.get().attempt());
            }
            case RUNNING -> {
                PreparedStatement ps = tx.prepare("UPDATE " + Tx.JOBS + " SET cancel_requested = TRUE WHERE id = ?");
                tx.setId(ps, 1, id);
                ps.executeUpdate();
            }
            case COMPLETED, DEAD, CANCELLED, EXPIRED -> {
                // Already final: nothing to cancel.
            }
        }
        return tx.job(id);
    }

    /**
     * A dead, cancelled, expired or completed job becomes available again, allowed at least one more
     * attempt, and no longer expires.
     *
     * @throws IllegalStateException when the job is in another state
     */
    public static Optional<Job> retry(Tx tx, UUID id, String reason) throws SQLException {
        Optional<Current> cur = lockOne(tx, id);
        if (cur.isEmpty()) {
            return Optional.empty();
        }
        JobState state = cur.get().state();
        if (!state.isFinal()) {
            throw JobStore.notRetryable(id, state);
        }
        makeAvailable(tx, id, state, cur.get().attempt(), reason == null ? "retried" : "retry: " + reason);
        return tx.job(id);
    }

    private static void makeAvailable(Tx tx, UUID id, JobState from, int attempt, String reason) throws SQLException {
        tx.wake(queueOf(tx, id));
        PreparedStatement ps = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'available', run_at = ?, "
                + "sort_key = ? + priority * ?, finished_at = NULL, lease_until = NULL, expires_at = NULL, "
                + "max_attempts = GREATEST(max_attempts, attempt + 1) WHERE id = ?");
        ps.setLong(1, tx.now());
        ps.setLong(2, tx.now());
        ps.setLong(3, tx.agingStepMs());
        tx.setId(ps, 4, id);
        ps.executeUpdate();
        tx.history(id, from, JobState.AVAILABLE, reason, null, attempt);
    }

    private static String queueOf(Tx tx, UUID id) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT queue FROM " + Tx.JOBS + " WHERE id = ?");
        tx.setId(ps, 1, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    /** Retries the dead jobs of {@code queue}: all of them, or those of {@code ids} that are. */
    public static int retryDead(Tx tx, String queue, Collection<UUID> ids) throws SQLException {
        record Dead(UUID id, int attempt) {
        }
        List<Dead> dead = new ArrayList<>();
        if (ids.isEmpty()) {
            PreparedStatement ps = tx.prepare("SELECT id, attempt FROM " + Tx.JOBS
                    + " WHERE queue = ? AND state = 'dead' ORDER BY id FOR UPDATE");
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dead.add(new Dead(tx.id(rs, 1), rs.getInt(2)));
                }
            }
        } else {
            PreparedStatement ps = tx.prepare("SELECT attempt FROM " + Tx.JOBS
                    + " WHERE id = ? AND queue = ? AND state = 'dead' FOR UPDATE");
            for (UUID id : ids) {
                tx.setId(ps, 1, id);
                ps.setString(2, queue);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        dead.add(new Dead(id, rs.getInt(1)));
                    }
                }
            }
        }
        for (Dead d : dead) {
            makeAvailable(tx, d.id(), JobState.DEAD, d.attempt(), "retry: dead-letter retry");
        }
        tx.flushHistory();
        return dead.size();
    }

    /** Deletes up to {@code limit} dead jobs of {@code queue} with their history; returns how many. */
    public static int purgeDead(Tx tx, String queue, int limit) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT id FROM " + Tx.JOBS + " WHERE queue = ? AND state = 'dead' "
                + "ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED");
        ps.setString(1, queue);
        ps.setInt(2, limit);
        return delete(tx, ids(tx, ps));
    }

    /**
     * Deletes up to {@code limit} final jobs that finished before {@code before}, oldest first,
     * with their history; returns how many. Rows another transaction holds are
     * skipped, never waited for: pruning must not hold up claims.
     */
    public static int prune(Tx tx, Instant before, int limit) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT id FROM " + Tx.JOBS + " WHERE finished_at < ? "
                + "AND state IN ('completed', 'dead', 'cancelled', 'expired') ORDER BY finished_at, id LIMIT ? FOR UPDATE SKIP LOCKED");
        ps.setLong(1, ceilMillis(before));
        ps.setInt(2, limit);
        return delete(tx, ids(tx, ps));
    }

    private static List<UUID> ids(Tx tx, PreparedStatement select) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                ids.add(tx.id(rs, 1));
            }
        }
        return ids;
    }

    private static int delete(Tx tx, List<UUID> ids) throws SQLException {
        int total = 0;
        for (int from = 0; from < ids.size(); from += 512) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + 512));
            // No foreign key deletes the history (V9): the store does, in the same transaction.
            PreparedStatement history = tx.prepare("DELETE FROM " + Tx.HISTORY + " WHERE job_id IN " + Tx.in(chunk.size()));
            tx.setIds(history, 1, chunk);
            history.executeUpdate();
            PreparedStatement ps = tx.prepare("DELETE FROM " + Tx.JOBS + " WHERE id IN " + Tx.in(chunk.size()));
            tx.setIds(ps, 1, chunk);
            total += ps.executeUpdate();
        }
        return total;
    }

    /** {@code finished_at < ceil(t)} in milliseconds is {@code finishedAt < t} for every stored time. */
    private static long ceilMillis(Instant t) {
        long ms = t.toEpochMilli();
        return t.getNano() % 1_000_000 == 0 ? ms : ms + 1;
    }

    /** Stores {@code json} as the settings of queue {@code name}, replacing what was there. */
    public static Void saveQueueSettings(Tx tx, String name, String json) throws SQLException {
        String sql = tx.dialect() == Dialect.POSTGRESQL
                ? "INSERT INTO bulwark_queues (name, settings, updated_at) VALUES (?, ?, ?) "
                        + "ON CONFLICT (name) DO UPDATE SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at"
                : "INSERT INTO bulwark_queues (name, settings, updated_at) VALUES (?, ?, ?) "
                        + "ON DUPLICATE KEY UPDATE settings = VALUES(settings), updated_at = VALUES(updated_at)";
        PreparedStatement ps = tx.prepare(sql);
        ps.setString(1, name);
        ps.setString(2, json);
        ps.setLong(3, tx.now());
        ps.executeUpdate();
        return null;
    }
}
