package io.bulwark.jdbc.sqlite.internal;

import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jdbc.internal.StoreCounts;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.JobState;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.UUID;

/** What operators do to jobs: cancel, retry, purge and prune; and persisted queue settings. */
public final class Admin {

    private static final String STATE = "SELECT state, attempt FROM jobs WHERE id = ?";

    /**
     * The dead jobs of queue {@code ?}. Every final job has a finish time, and saying so lets the
     * query use the index of final jobs by (queue, state), {@code jobs_finished}.
     */
    private static final String DEAD = "FROM jobs WHERE queue = ? AND state = 'dead' AND finished_at IS NOT NULL";

    private static final String DELETE_DEAD = "DELETE FROM jobs WHERE rowid IN (SELECT rowid " + DEAD + " LIMIT ?)";

    /**
     * The oldest final jobs of one (queue, state) range of {@code jobs_finished} that finished
     * before {@code ?3}, oldest first (then by row), at most {@code ?4}: read from the index alone.
     */
    private static final String FINISHED_IN_RANGE = "SELECT rowid, finished_at FROM jobs INDEXED BY jobs_finished "
            + "WHERE queue = ?1 AND state = ?2 AND finished_at < ?3 ORDER BY finished_at, rowid LIMIT ?4";

    private static final List<String> FINAL_STATES = Arrays.stream(JobState.values()).filter(JobState::isFinal)
            .map(JobState::id).toList();

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
            PreparedStatement ps = s.prepare("SELECT id, attempt " + DEAD);
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
     * with their history (which lives in their rows); returns how many.
     */
    public static int prune(Session s, Instant before, int limit) throws SQLException {
        if (limit <= 0) {
            return 0;
        }
        // jobs_finished is ordered by (queue, state, finished_at): the oldest `limit` of all its
        // (queue, state) ranges, kept in a heap whose newest entry bounds what the next range is
        // asked for, so that a range newer than what is already held costs one look-up.
        record Finished(long rowid, long at) {
        }
        Comparator<Finished> oldestFirst = Comparator.comparingLong(Finished::at).thenComparingLong(Finished::rowid);
        PriorityQueue<Finished> oldest = new PriorityQueue<>(oldestFirst.reversed());
        PreparedStatement range = s.prepare(FINISHED_IN_RANGE);
        long cutoff = ceilMillis(before);
        for (String queue : StoreCounts.queues(s.connection(), Reads.QUEUES)) {
            for (String state : FINAL_STATES) {
                range.setString(1, queue);
                range.setString(2, state);
                range.setLong(3, oldest.size() < limit ? cutoff : Math.min(cutoff, oldest.peek().at() + 1));
                range.setInt(4, limit);
                try (ResultSet rs = range.executeQuery()) {
                    while (rs.next()) {
                        Finished f = new Finished(rs.getLong(1), rs.getLong(2));
                        if (oldest.size() < limit) {
                            oldest.add(f);
                        } else if (oldestFirst.compare(f, oldest.peek()) < 0) {
                            oldest.poll();
                            oldest.add(f);
                        } else {
                            break; // the range is in order: nothing after this one is older
                        }
                    }
                }
            }
        }
        PreparedStatement delete = s.prepare("DELETE FROM jobs WHERE rowid = ?");
        int deleted = 0;
        for (Finished f : oldest) {
            delete.setLong(1, f.rowid());
            deleted += delete.executeUpdate();
        }
        return deleted;
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
