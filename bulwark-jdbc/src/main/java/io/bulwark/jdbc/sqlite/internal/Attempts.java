package io.bulwark.jdbc.sqlite.internal;

import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.jobs.store.Renewal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The life of an attempt: claim, lease renewal, outcome, and rescue of attempts whose lease ran
 * out. Every statement that changes a running job checks {@code state = 'running' AND token = ?},
 * which is the fencing: an outcome or renewal carrying an old token changes nothing.
 */
public final class Attempts {

    private static final String DUE = "SELECT id, state, attempt, run_at, priority FROM jobs "
            + "WHERE queue = ? AND state IN ('scheduled', 'retryable') AND run_at <= ?";

    private static final String MAKE_AVAILABLE = "UPDATE jobs SET state = 'available', sort_key = ? WHERE id = ?";

    /** The claim and its history entry in one statement (attempt in the entry: the row's old value + 1, the new one). */
    private static final String CLAIM = "UPDATE jobs SET state = 'running', attempt = attempt + 1, token = token + 1, "
            + "started_at = ?1, lease_until = ?2, node = ?3, cancel_requested = 0, "
            + Session.appendHistory("json_array(?1, 'available', 'running', 'claimed', ?3, attempt + 1)") + " "
            + "WHERE rowid IN (SELECT rowid FROM jobs WHERE queue = ?4 AND state = 'available' "
            + "AND (expires_at IS NULL OR expires_at > ?5) ORDER BY sort_key, id LIMIT ?6) RETURNING " + HistoryColumn.COLUMNS;

    /**
     * A success and its history entry in one statement, fenced by the lease's token in the same
     * statement (no row changes when the lease is no longer held); the row's node and attempt are the
     * attempt's.
     */
    private static final String SUCCEED = "UPDATE jobs SET state = 'completed', result = ?1, finished_at = ?2, "
            + "lease_until = NULL, " + Session.appendHistory("json_array(?2, 'running', 'completed', 'completed', node, attempt)")
            + " WHERE id = ?3 AND state = 'running' AND token = ?4";

    /** Waiting jobs past their expiry, soonest first; the same terms as the partial index jobs_expiry. */
    private static final String EXPIRING = "SELECT id, state, attempt, expires_at FROM jobs "
            + "WHERE state IN ('scheduled', 'available', 'retryable') AND expires_at <= ? ORDER BY expires_at, id LIMIT ?";

    private static final String RENEW = "UPDATE jobs SET lease_until = ? WHERE id = ? AND state = 'running' AND token = ? "
            + "RETURNING cancel_requested";

    private static final String HELD = "SELECT attempt, max_attempts, node, priority FROM jobs "
            + "WHERE id = ? AND state = 'running' AND token = ?";

    private static final String EXPIRED = "SELECT id, attempt, max_attempts, priority FROM jobs "
            + "WHERE state = 'running' AND lease_until < ? ORDER BY lease_until, id LIMIT ?";

    private static final String LOST = "SELECT id, attempt, max_attempts, priority FROM jobs "
            + "WHERE state = 'running' AND node = ? AND started_at <= ? ORDER BY started_at, id LIMIT ?";

    private Attempts() {
    }

    /**
     * Makes due scheduled and retryable jobs of {@code queue} available, then claims up to
     * {@code max} available ones in claim order.
     */
    public static List<Claim> claim(Session s, String queue, String node, int max, Duration lease) throws SQLException {
        long now = s.nowMs();
        promoteDue(s, queue, now);
        long leaseUntil = now + lease.toMillis();
        PreparedStatement ps = s.prepare(CLAIM);
        ps.setLong(1, now);
        ps.setLong(2, leaseUntil);
        ps.setString(3, node);
        ps.setString(4, queue);
        ps.setLong(5, now);
        ps.setInt(6, max);
        record Row(Job job, long token, long sortKey, byte[] id) {
        }
        List<Row> rows = new ArrayList<>(Math.min(max, 1_024));
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(HistoryColumn.job(rs), JobRows.token(rs), JobRows.sortKey(rs), rs.getBytes(1)));
            }
        }
        // RETURNING gives rows in no particular order; hand them out in claim order.
        rows.sort(Comparator.comparingLong(Row::sortKey).thenComparing(Row::id, JobRows::compareIds));
        List<Claim> claims = new ArrayList<>(rows.size());
        for (Row r : rows) {
            claims.add(new Claim(r.job(), r.token(), Instant.ofEpochMilli(leaseUntil)));
        }
        return claims;
    }

    private static void promoteDue(Session s, String queue, long now) throws SQLException {
        PreparedStatement due = s.prepare(DUE);
        due.setString(1, queue);
        due.setLong(2, now);
        record Due(byte[] id, JobState from, int attempt, long runAt, int priority) {
        }
        List<Due> found = new ArrayList<>();
        try (ResultSet rs = due.executeQuery()) {
            while (rs.next()) {
                found.add(new Due(rs.getBytes(1), JobRows.state(rs.getString(2)), rs.getInt(3), rs.getLong(4),
                        rs.getInt(5)));
            }
        }
        if (found.isEmpty()) {
            return;
        }
        PreparedStatement update = s.prepare(MAKE_AVAILABLE);
        for (Due d : found) {
            update.setLong(1, s.sortKey(d.runAt(), d.priority()));
            update.setBytes(2, d.id());
            update.executeUpdate();
            s.history(d.id(), now, d.from(), JobState.AVAILABLE, "due", null, d.attempt());
        }
    }

    /** Waiting jobs whose expiry has come end expired, soonest first, at most {@code max}. */
    public static List<Job> expireWaiting(Session s, int max) throws SQLException {
        long now = s.nowMs();
        PreparedStatement select = s.prepare(EXPIRING);
        select.setLong(1, now);
        select.setInt(2, max);
        record Expiring(byte[] id, JobState from, int attempt, long expiresAt) {
        }
        List<Expiring> found = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                found.add(new Expiring(rs.getBytes(1), JobRows.state(rs.getString(2)), rs.getInt(3), rs.getLong(4)));
            }
        }
        PreparedStatement end = s.prepare("UPDATE jobs SET state = 'expired', finished_at = ? WHERE id = ?");
        List<Job> out = new ArrayList<>(found.size());
        for (Expiring e : found) {
            end.setLong(1, now);
            end.setBytes(2, e.id());
            end.executeUpdate();
            s.history(e.id(), now, e.from(), JobState.EXPIRED,
                    JobStore.expiredReason(Instant.ofEpochMilli(e.expiresAt())), null, e.attempt());
            out.add(s.jobWithoutHistory(e.id()).orElseThrow());
        }
        return out;
    }

    /** Extends each lease that is still held; reports the cancel flag of the held ones. */
    public static List<Renewal> renew(Session s, Collection<Lease> leases, Duration lease) throws SQLException {
        long leaseUntil = s.nowMs() + lease.toMillis();
        PreparedStatement ps = s.prepare(RENEW);
        List<Renewal> out = new ArrayList<>(leases.size());
        for (Lease l : leases) {
            ps.setLong(1, leaseUntil);
            ps.setBytes(2, JobRows.bytes(l.jobId()));
            ps.setLong(3, l.token());
            try (ResultSet rs = ps.executeQuery()) {
                out.add(rs.next() ? new Renewal(l.jobId(), true, rs.getInt(1) != 0)
                        : new Renewal(l.jobId(), false, false));
            }
        }
        return out;
    }

    /** Applies each outcome whose lease is still current, in order. */
    public static List<Boolean> complete(Session s, List<Outcome> outcomes) throws SQLException {
        long now = s.nowMs();
        List<Boolean> applied = new ArrayList<>(outcomes.size());
        for (Outcome o : outcomes) {
            applied.add(apply(s, o, now));
        }
        return applied;
    }

    private static boolean apply(Session s, Outcome o, long now) throws SQLException {
        byte[] id = JobRows.bytes(o.lease().jobId());
        if (o instanceof Outcome.Succeeded ok) {
            // The common outcome needs nothing from the row first: one statement checks and writes.
            PreparedStatement ps = s.prepare(SUCCEED);
            ps.setString(1, ok.result());
            ps.setLong(2, now);
            ps.setBytes(3, id);
            ps.setLong(4, o.lease().token());
            return ps.executeUpdate() == 1;
        }
        PreparedStatement held = s.prepare(HELD);
        held.setBytes(1, id);
        held.setLong(2, o.lease().token());
        int attempt;
        int maxAttempts;
        String node;
        int priority;
        try (ResultSet rs = held.executeQuery()) {
            if (!rs.next()) {
                return false;
            }
            attempt = rs.getInt(1);
            maxAttempts = rs.getInt(2);
            node = rs.getString(3);
            priority = rs.getInt(4);
        }
        switch (o) {
            case Outcome.Succeeded ok -> throw new AssertionError("a success is applied above");
            case Outcome.Failed f -> {
                boolean exhausted = attempt >= maxAttempts;
                if (exhausted || !f.retryable()) {
                    PreparedStatement ps = s.prepare("UPDATE jobs SET state = 'dead', last_error = ?, finished_at = ?, "
                            + "lease_until = NULL WHERE id = ?");
                    ps.setString(1, f.error());
                    ps.setLong(2, now);
                    ps.setBytes(3, id);
                    ps.executeUpdate();
                    String why = f.retryable() ? " (no attempts left)" : " (not retryable)";
                    s.history(id, now, JobState.RUNNING, JobState.DEAD, f.reason() + why, node, attempt);
                } else {
                    long delay = f.retryDelay() == null ? 0 : Math.max(0, f.retryDelay().toMillis());
                    PreparedStatement ps = s.prepare("UPDATE jobs SET state = 'retryable', run_at = ?, last_error = ?, "
                            + "lease_until = NULL WHERE id = ?");
                    ps.setLong(1, now + delay);
                    ps.setString(2, f.error());
                    ps.setBytes(3, id);
                    ps.executeUpdate();
                    s.history(id, now, JobState.RUNNING, JobState.RETRYABLE, f.reason(), node, attempt);
                }
            }
            case Outcome.Cancelled c -> {
                PreparedStatement ps = s.prepare("UPDATE jobs SET state = 'cancelled', finished_at = ?, "
                        + "lease_until = NULL WHERE id = ?");
                ps.setLong(1, now);
                ps.setBytes(2, id);
                ps.executeUpdate();
                s.history(id, now, JobState.RUNNING, JobState.CANCELLED, c.reason(), node, attempt);
            }
            case Outcome.Released r -> {
                // The attempt does not count: it was given back, not used.
                // run_at and sort_key stay: the job keeps its place in line.
                PreparedStatement ps = s.prepare("UPDATE jobs SET state = 'available', attempt = attempt - 1, "
                        + "lease_until = NULL WHERE id = ?1");
                ps.setBytes(1, id);
                ps.executeUpdate();
                s.history(id, now, JobState.RUNNING, JobState.AVAILABLE, "released: " + r.reason(), node, attempt - 1);
            }
        }
        return true;
    }

    /**
     * Running jobs whose lease ended before now, oldest lease first: available again, or dead when
     * they have used every attempt. The history names {@code node}, the rescuer.
     */
    public static List<Job> rescueExpired(Session s, String node, int max) throws SQLException {
        long now = s.nowMs();
        PreparedStatement ps = s.prepare(EXPIRED);
        ps.setLong(1, now);
        ps.setInt(2, max);
        return rescue(s, ps, now, "lease expired", node);
    }

    /**
     * Running jobs that {@code node} claimed at or before {@code claimedBefore} (epoch ms), oldest
     * attempt first, rescued as {@link #rescueExpired} rescues an expired lease: the node was
     * declared dead.
     */
    public static List<Job> rescueNode(Session s, String node, long claimedBefore, String rescuer, int max)
            throws SQLException {
        PreparedStatement ps = s.prepare(LOST);
        ps.setString(1, node);
        ps.setLong(2, claimedBefore);
        ps.setInt(3, max);
        return rescue(s, ps, s.nowMs(), "node " + node + " died, rescued by " + rescuer, rescuer);
    }

    /**
     * Ends the attempts {@code select} finds: available again at {@code now}, or dead when they have used
     * every attempt. Their tokens stay, so their holders' word is refused.
     */
    private static List<Job> rescue(Session s, PreparedStatement select, long now, String reason, String rescuer)
            throws SQLException {
        record Lost(byte[] id, int attempt, int maxAttempts, int priority) {
        }
        List<Lost> lost = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                lost.add(new Lost(rs.getBytes(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)));
            }
        }
        List<Job> out = new ArrayList<>(lost.size());
        for (Lost e : lost) {
            if (e.attempt() >= e.maxAttempts()) {
                PreparedStatement dead = s.prepare("UPDATE jobs SET state = 'dead', finished_at = ?, lease_until = NULL "
                        + "WHERE id = ?");
                dead.setLong(1, now);
                dead.setBytes(2, e.id());
                dead.executeUpdate();
                s.history(e.id(), now, JobState.RUNNING, JobState.DEAD, reason + " (no attempts left)", rescuer,
                        e.attempt());
            } else {
                // run_at and sort_key stay: a rescued job keeps its place in line instead of queueing behind the backlog.
                PreparedStatement again = s.prepare("UPDATE jobs SET state = 'available', lease_until = NULL WHERE id = ?");
                again.setBytes(1, e.id());
                again.executeUpdate();
                s.history(e.id(), now, JobState.RUNNING, JobState.AVAILABLE, reason, rescuer, e.attempt());
            }
            out.add(s.jobWithoutHistory(e.id()).orElseThrow());
        }
        return out;
    }
}
