package io.bulwark.jdbc.sqlite.internal;

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

/** What operators do to jobs: cancel, retry, purge and prune; and persisted queue settings. */
public final class Admin {

    private static final String STATE = "SELECT state, attempt FROM jobs WHERE id = ?";

    private static final String DELETE_FINISHED = "DELETE FROM jobs WHERE rowid IN (SELECT rowid FROM jobs "
            + "WHERE finished_at < ? AND state IN ('completed', 'dead', 'cancelled', 'expired') ORDER BY finished_at, id LIMIT ?)";

    private static final String DELETE_DEAD = "DELETE FROM jobs WHERE rowid IN (SELECT rowid FROM jobs "
            + "WHERE queue = ? AND state = 'dead' LIMIT ?)";

    private Admin() {
    }

    private record Current(JobState state, int attempt) {
    }

    private static Optional<Current> current(Session s, byte[] id) throws SQLException {
        PreparedStatement ps = s.prepare(STATE);
        ps.setBytes(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Current(JobRows.state(rs.getString(1)), rs.getInt(2))) : Optional.empty();
        }
    }

    /** Waiting jobs end cancelled; a running one is flagged for its worker; final ones stay as they are. */
    public static Optional<Job> cancel(Session s, UUID jobId, String reason) throws SQLException {
        byte[] id = JobRows.bytes(jobId);
        Optional<Current> cur = current(s, id);
        if (cur.isEmpty()) {
            return Optional.empty();
        }
        JobState state = cur.get().state();
        switch (state) {
            case SCHEDULED, AVAILABLE, RETRYABLE -> {
                long now = s.nowMs();
                PreparedStatement ps = s.prepare("UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE id = ?");
                ps.setLong(1, now);
                ps.setBytes(2, id);
                ps.executeUpdate();
                s.history(id, now, state, JobState.CANCELLED, reason, null, cur.get().attempt());
            }
            case RUNNING -> {
                PreparedStatement ps = s.prepare("UPDATE jobs SET cancel_requested = 1 WHERE id = ?");
                ps.setBytes(1, id);
                ps.executeUpdate();
            }
            case COMPLETED, DEAD, CANCELLED, EXPIRED -> {
                // Already final: nothing to cancel.
            }
        }
        return s.job(id);
    }

    /**
     * A dead, cancelled, expired or completed job becomes available again, allowed at least one more
     * attempt, and no longer expires.
     *
     * @throws IllegalStateException when the job is in another state
     */
    public static Optional<Job> retry(Session s, UUID jobId, String reason) throws SQLException {
        byte[] id = JobRows.bytes(jobId);
        Optional<Current> cur = current(s, id);
        if (cur.isEmpty()) {
            return Optional.empty();
        }
        JobState state = cur.get().state();
        if (!state.isFinal()) {
            throw JobStore.notRetryable(jobId, state);
        }
        makeAvailable(s, id, state, cur.get().attempt(), reason == null ? "retried" : "retry: " + reason, s.nowMs());
        return s.job(id);
    }

    private static void makeAvailable(Session s, byte[] id, JobState from, int attempt, String reason, long now)
            throws SQLException {
        PreparedStatement ps = s.prepare("UPDATE jobs SET state = 'available', run_at = ?1, "
                + "sort_key = ?1 + priority * ?2, finished_at = NULL, lease_until = NULL, expires_at = NULL, "
                + "max_attempts = max(max_attempts, attempt + 1) WHERE id = ?3");
        ps.setLong(1, now);
        ps.setLong(2, s.agingStepMs());
        ps.setBytes(3, id);
        ps.executeUpdate();
        s.history(id, now, from, JobState.AVAILABLE, reason, null, attempt);
    }

    /** Retries the dead jobs of {@code queue}: all of them, or those of {@code ids} that are. */
    public static int retryDead(Session s, String queue, Collection<UUID> ids) throws SQLException {
        long now = s.nowMs();
        List<byte[]> dead = new ArrayList<>();
        List<Integer> attempts = new ArrayList<>();
        if (ids == null || ids.isEmpty()) {
            PreparedStatement ps = s.prepare("SELECT id, attempt FROM jobs WHERE queue = ? AND state = 'dead'");
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dead.add(rs.getBytes(1));
                    attempts.add(rs.getInt(2));
                }
            }
        } else {
            PreparedStatement ps = s.prepare("SELECT attempt FROM jobs WHERE id = ? AND queue = ? AND state = 'dead'");
            for (UUID jobId : ids) {
                byte[] id = JobRows.bytes(jobId);
                ps.setBytes(1, id);
                ps.setString(2, queue);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        dead.add(id);
                        attempts.add(rs.getInt(1));
                    }
                }
            }
        }
        for (int i = 0; i < dead.size(); i++) {
            makeAvailable(s, dead.get(i), JobState.DEAD, attempts.get(i), "retry: dead-letter retry", now);
        }
        return dead.size();
    }

    /** Deletes up to {@code limit} dead jobs of {@code queue} with their history; returns how many. */
    public static int purgeDead(Session s, String queue, int limit) throws SQLException {
        PreparedStatement ps = s.prepare(DELETE_DEAD);
        ps.setString(1, queue);
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }

    /**
     * Deletes up to {@code limit} final jobs that finished before {@code before}, oldest first,
     * with their history (ON DELETE CASCADE); returns how many.
     */
    public static int prune(Session s, Instant before, int limit) throws SQLException {
        PreparedStatement ps = s.prepare(DELETE_FINISHED);
        ps.setLong(1, ceilMillis(before));
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }

    /** {@code finished_at < ceil(t)} in milliseconds is {@code finishedAt < t} for every stored time. */
    private static long ceilMillis(Instant t) {
        long ms = t.toEpochMilli();
        return t.getNano() % 1_000_000 == 0 ? ms : ms + 1;
    }

    /** Stores {@code json} as the settings of queue {@code name}, replacing what was there. */
    public static Void saveQueueSettings(Session s, String name, String json) throws SQLException {
        PreparedStatement ps = s.prepare("INSERT INTO queues (name, settings, updated_at) VALUES (?1, ?2, ?3) "
                + "ON CONFLICT (name) DO UPDATE SET settings = ?2, updated_at = ?3");
        ps.setString(1, name);
        ps.setString(2, json);
        ps.setLong(3, s.nowMs());
        ps.executeUpdate();
        return null;
    }
}
