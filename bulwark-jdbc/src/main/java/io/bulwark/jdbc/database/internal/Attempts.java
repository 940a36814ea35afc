package io.bulwark.jdbc.database.internal;

import io.bulwark.jdbc.database.Dialect;
import io.bulwark.jdbc.internal.JobRows;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The life of an attempt on a database server: claim, lease renewal, outcome, and rescue of
 * attempts whose lease ran out.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Claims never wait.</b> {@code FOR UPDATE SKIP LOCKED} takes due rows that no other
 *       transaction holds, in claim order, from an index that holds only available jobs (a partial
 *       index on PostgreSQL; {@code (queue, state, sort_key, id)} on MariaDB), so a claim reads the
 *       rows it takes however many finished jobs the table keeps.</li>
 *   <li><b>Fencing under the row lock.</b> Renewals and outcomes lock their rows first and go on
 *       only for rows still running under the caller's token; the statements that change them
 *       carry {@code token = ?} again (and, one row at a time on MariaDB, the state). On
 *       PostgreSQL the batched statements leave the state out, so the planner cannot be drawn to
 *       the rows by state (docs/decisions.md).</li>
 *   <li><b>Lock order.</b> Renewals and outcomes lock their rows in id order, so two batches that
 *       share jobs cannot deadlock each other.</li>
 * </ul>
 */
public final class Attempts {

    private static final String DUE = "SELECT id, state, attempt FROM " + Tx.JOBS
            + " WHERE queue = ? AND state IN ('scheduled', 'retryable') AND run_at <= ? ORDER BY run_at, id LIMIT 1000"
            + " FOR UPDATE SKIP LOCKED";

    static final String PICK = "SELECT id FROM " + Tx.JOBS + " WHERE queue = ? AND state = 'available' "
            + "AND (expires_at IS NULL OR expires_at > ?) ORDER BY sort_key, id LIMIT ? FOR UPDATE SKIP LOCKED";

    /** Waiting jobs past their expiry, soonest first; the same terms as the partial index on PostgreSQL. */
    private static final String EXPIRING = "SELECT id, state, attempt, expires_at FROM " + Tx.JOBS
            + " WHERE state IN ('scheduled', 'available', 'retryable') AND expires_at <= ? ORDER BY expires_at, id"
            + " LIMIT ? FOR UPDATE SKIP LOCKED";

    private static final String EXPIRED = "SELECT id, attempt, max_attempts, priority FROM " + Tx.JOBS
            + " WHERE state = 'running' AND lease_until < ? ORDER BY lease_until, id LIMIT ? FOR UPDATE SKIP LOCKED";

    static final String RENEW = "UPDATE " + Tx.JOBS + " SET lease_until = ? WHERE id = ? AND token = ?";

    private static final String LOST = "SELECT id, attempt, max_attempts, priority FROM " + Tx.JOBS
            + " WHERE state = 'running' AND node = ? AND started_at <= ? ORDER BY started_at, id LIMIT ?"
            + " FOR UPDATE SKIP LOCKED";

    private Attempts() {
    }

    /**
     * Makes due scheduled and retryable jobs of {@code queue} available, then claims up to
     * {@code max} available ones in claim order.
     */
    public static List<Claim> claim(Tx tx, String queue, String node, int max, Duration lease) throws SQLException {
        if (tx.dialect() == Dialect.POSTGRESQL) {
            return claimInStatements(tx, queue, node, max, lease);
        }
        long now = tx.now();
        promoteDue(tx, queue, now);
        PreparedStatement pick = tx.prepare(PICK);
        pick.setString(1, queue);
        pick.setLong(2, now);
        pick.setInt(3, max);
        List<UUID> ids = new ArrayList<>(Math.min(max, 1_024));
        try (ResultSet rs = pick.executeQuery()) {
            while (rs.next()) {
                ids.add(tx.id(rs, 1));
            }
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        long leaseUntil = now + lease.toMillis();
        for (int from = 0; from < ids.size(); from += 512) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + 512));
            PreparedStatement run = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'running', attempt = attempt + 1, "
                    + "token = token + 1, started_at = ?, lease_until = ?, node = ?, cancel_requested = FALSE "
                    + "WHERE id IN " + Tx.in(chunk.size()));
            run.setLong(1, now);
            run.setLong(2, leaseUntil);
            run.setString(3, node);
            tx.setIds(run, 4, chunk);
            run.executeUpdate();
        }
        // Read back in claim order (the order the ids were picked in).
        List<Claim> claims = new ArrayList<>(ids.size());
        Map<UUID, Long> tokens = new HashMap<>(ids.size() * 2);
        List<Job> jobs = readWithTokens(tx, ids, tokens);
        for (Job j : jobs) {
            tx.history(j.id(), JobState.AVAILABLE, JobState.RUNNING, "claimed", node, j.attempt());
        }
        Map<UUID, List<Transition>> histories = tx.histories(ids);
        for (Job j : jobs) {
            claims.add(new Claim(j.withHistory(histories.getOrDefault(j.id(), List.of())), tokens.get(j.id()),
                    Instant.ofEpochMilli(leaseUntil)));
        }
        return claims;
    }

    /**
     * On PostgreSQL, due jobs made available with their history rows in one statement: the
     * {@code FROM} list keeps each row's state before the change for the history.
     *
     * <p>It starts by turning off full sorts for the rest of the claim's transaction, in the same
     * round trip, so the promotion and the claim walk their partial indexes in order whatever
     * the table's statistics say. Statistics taken while a queue was drained (every job
     * finished, none available) put the available jobs at one row; the planner then prefers to
     * read all of them and sort, and a backlog of 300,000 jobs made every claim read and sort
     * the whole backlog (58 ms and 10,000 buffers a claim) until autovacuum analysed the table
     * again. Every other plan for these statements needs a full sort, so none is left to choose.
     * A plan with a sort turned off costs ten billion more, which would pass {@code
     * jit_above_cost} and compile each claim (180 ms a claim), so JIT is turned off with it.
     */
    static final String PROMOTE_PG = "SET LOCAL enable_sort = off; SET LOCAL jit = off; WITH due AS (SELECT id AS due_id, state AS was FROM " + Tx.JOBS
            + " WHERE queue = ? AND state IN ('scheduled', 'retryable') AND run_at <= ? ORDER BY run_at, id LIMIT 1000"
            + " FOR UPDATE SKIP LOCKED), promoted AS (UPDATE " + Tx.JOBS + " SET state = 'available',"
            + " sort_key = run_at + priority * ? FROM due WHERE id = due.due_id RETURNING id, due.was, attempt)"
            + " " + Tx.INSERT_INTO_HISTORY + " SELECT id, ?, was, 'available', 'due', NULL, attempt FROM promoted";

    /**
     * On PostgreSQL, the pick, the update, its history rows and the read of the claimed rows in
     * one statement, in claim order ({@code sort_key} does not change when a job is claimed).
     */
    static final String CLAIM_PG = "WITH picked AS (SELECT id AS picked_id FROM " + Tx.JOBS
            + " WHERE queue = ? AND state = 'available' AND (expires_at IS NULL OR expires_at > ?)"
            + " ORDER BY sort_key, id LIMIT ? FOR UPDATE SKIP LOCKED), claimed AS (UPDATE " + Tx.JOBS
            + " SET state = 'running', attempt = attempt + 1, token = token + 1, started_at = ?, lease_until = ?,"
            + " node = ?, cancel_requested = FALSE FROM picked WHERE id = picked.picked_id RETURNING "
            + JobRows.COLUMNS + "), logged AS (" + Tx.INSERT_INTO_HISTORY
            + " SELECT id, ?, 'available', 'running', 'claimed', ?, attempt FROM claimed)"
            + " SELECT " + JobRows.COLUMNS + " FROM claimed ORDER BY sort_key, id";

    /**
     * {@link #claim} on PostgreSQL in three round trips whatever the batch (promotion, claim,
     * histories) instead of six or seven: over a network each round trip is what a claim costs.
     */
    private static List<Claim> claimInStatements(Tx tx, String queue, String node, int max, Duration lease)
            throws SQLException {
        long now = tx.now();
        // Transitions this transaction recorded before (outcomes of the same turn) come first in history.
        tx.flushHistory();
        PreparedStatement promote = tx.prepare(PROMOTE_PG);
        promote.setString(1, queue);
        promote.setLong(2, now);
        promote.setLong(3, tx.agingStepMs());
        promote.setLong(4, now);
        promote.executeUpdate();
        long leaseUntil = now + lease.toMillis();
        PreparedStatement claim = tx.prepare(CLAIM_PG);
        claim.setString(1, queue);
        claim.setLong(2, now);
        claim.setInt(3, max);
        claim.setLong(4, now);
        claim.setLong(5, leaseUntil);
        claim.setString(6, node);
        claim.setLong(7, now);
        claim.setString(8, node);
        List<Job> jobs = new ArrayList<>(Math.min(max, 1_024));
        List<Long> tokens = new ArrayList<>(Math.min(max, 1_024));
        try (ResultSet rs = claim.executeQuery()) {
            while (rs.next()) {
                jobs.add(tx.job(rs));
                tokens.add(JobRows.token(rs));
            }
        }
        if (jobs.isEmpty()) {
            return List.of();
        }
        Map<UUID, List<Transition>> histories = tx.histories(jobs.stream().map(Job::id).toList());
        Instant until = Instant.ofEpochMilli(leaseUntil);
        List<Claim> claims = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            Job j = jobs.get(i);
            claims.add(new Claim(j.withHistory(histories.getOrDefault(j.id(), List.of())), tokens.get(i), until));
        }
        return claims;
    }

    /**
     * Waiting jobs whose expiry has come end expired, soonest first, at most {@code max}; rows
     * another transaction holds are left for the next call.
     */
    public static List<Job> expireWaiting(Tx tx, int max) throws SQLException {
        long now = tx.now();
        PreparedStatement select = tx.prepare(EXPIRING);
        select.setLong(1, now);
        select.setInt(2, max);
        record Expiring(UUID id, JobState from, int attempt, long expiresAt) {
        }
        List<Expiring> found = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                found.add(new Expiring(tx.id(rs, 1), JobRows.state(rs.getString(2)), rs.getInt(3), rs.getLong(4)));
            }
        }
        if (found.isEmpty()) {
            return List.of();
        }
        PreparedStatement end = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'expired', finished_at = ? WHERE id = ?");
        for (Expiring e : found) {
            end.setLong(1, now);
            tx.setId(end, 2, e.id());
            end.addBatch();
            tx.history(e.id(), e.from(), JobState.EXPIRED, JobStore.expiredReason(Instant.ofEpochMilli(e.expiresAt())),
                    null, e.attempt());
        }
        end.executeBatch();
        tx.flushHistory();
        return tx.jobs(found.stream().map(Expiring::id).toList());
    }

    private static List<Job> readWithTokens(Tx tx, List<UUID> ids, Map<UUID, Long> tokens) throws SQLException {
        Map<UUID, Job> byId = new HashMap<>(ids.size() * 2);
        for (int from = 0; from < ids.size(); from += 512) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + 512));
            PreparedStatement ps = tx.prepare("SELECT " + JobRows.COLUMNS + " FROM " + Tx.JOBS + " WHERE id IN "
                    + Tx.in(chunk.size()));
            tx.setIds(ps, 1, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Job j = tx.job(rs);
                    byId.put(j.id(), j);
                    tokens.put(j.id(), JobRows.token(rs));
                }
            }
        }
        List<Job> out = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            out.add(byId.get(id));
        }
        return out;
    }

    private static void promoteDue(Tx tx, String queue, long now) throws SQLException {
        PreparedStatement due = tx.prepare(DUE);
        due.setString(1, queue);
        due.setLong(2, now);
        record Due(UUID id, JobState from, int attempt) {
        }
        List<Due> found = new ArrayList<>();
        try (ResultSet rs = due.executeQuery()) {
            while (rs.next()) {
                found.add(new Due(tx.id(rs, 1), JobRows.state(rs.getString(2)), rs.getInt(3)));
            }
        }
        if (found.isEmpty()) {
            return;
        }
        List<UUID> ids = found.stream().map(Due::id).toList();
        for (int from = 0; from < ids.size(); from += 512) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + 512));
            PreparedStatement ps = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'available', "
                    + "sort_key = run_at + priority * ? WHERE id IN " + Tx.in(chunk.size()));
            ps.setLong(1, tx.agingStepMs());
            tx.setIds(ps, 2, chunk);
            ps.executeUpdate();
        }
        for (Due d : found) {
            tx.history(d.id(), d.from(), JobState.AVAILABLE, "due", null, d.attempt());
        }
    }

    private record Held(UUID id, long token, JobState state, boolean cancelRequested, int attempt, int maxAttempts,
                        String node, int priority) {
    }

    /** Locks the rows of {@code ids} in id order and reads what fencing needs. */
    private static Map<UUID, Held> lock(Tx tx, Collection<UUID> ids) throws SQLException {
        TreeSet<UUID> inIdOrder = new TreeSet<UUID>(JobRows::compareIds);
        inIdOrder.addAll(ids);
        List<UUID> sorted = new ArrayList<>(inIdOrder);
        Map<UUID, Held> out = new HashMap<>(sorted.size() * 2);
        for (int from = 0; from < sorted.size(); from += 512) {
            List<UUID> chunk = sorted.subList(from, Math.min(sorted.size(), from + 512));
            PreparedStatement ps = tx.prepare("SELECT id, token, state, cancel_requested, attempt, max_attempts, node, "
                    + "priority FROM " + Tx.JOBS + " WHERE id IN " + Tx.in(chunk.size()) + " ORDER BY id FOR UPDATE");
            tx.setIds(ps, 1, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Held h = new Held(tx.id(rs, 1), rs.getLong(2), JobRows.state(rs.getString(3)), rs.getBoolean(4),
                            rs.getInt(5), rs.getInt(6), rs.getString(7), rs.getInt(8));
                    out.put(h.id(), h);
                }
            }
        }
        return out;
    }

    private static boolean holds(Held h, long token) {
        return h != null && h.state() == JobState.RUNNING && h.token() == token;
    }

    /** Extends each lease that is still held; reports the cancel flag of the held ones. */
    public static List<Renewal> renew(Tx tx, Collection<Lease> leases, Duration lease) throws SQLException {
        long leaseUntil = tx.now() + lease.toMillis();
        Map<UUID, Held> rows = lock(tx, leases.stream().map(Lease::jobId).toList());
        // The lock above checked the state; naming it here would open the partial lease index to
        // the planner (see SetOutcomes.FROM).
        PreparedStatement ps = tx.prepare(RENEW);
        List<Renewal> out = new ArrayList<>(leases.size());
        boolean any = false;
        for (Lease l : leases) {
            Held h = rows.get(l.jobId());
            if (holds(h, l.token())) {
                ps.setLong(1, leaseUntil);
                tx.setId(ps, 2, l.jobId());
                ps.setLong(3, l.token());
                ps.addBatch();
                any = true;
                out.add(new Renewal(l.jobId(), true, h.cancelRequested()));
            } else {
                out.add(new Renewal(l.jobId(), false, false));
            }
        }
        if (any) {
            ps.executeBatch();
        }
        return out;
    }

    /** Applies each outcome whose lease is still current, in order. */
    public static List<Boolean> complete(Tx tx, List<Outcome> outcomes) throws SQLException {
        Map<UUID, Held> rows = lock(tx, outcomes.stream().map(o -> o.lease().jobId()).toList());
        List<Boolean> applied = new ArrayList<>(outcomes.size());
        // PostgreSQL takes the whole batch in a few set-based statements; MariaDB one statement per job.
        SetOutcomes set = tx.dialect() == io.bulwark.jdbc.database.Dialect.POSTGRESQL ? new SetOutcomes() : null;
        for (Outcome o : outcomes) {
            Held h = rows.get(o.lease().jobId());
            if (!holds(h, o.lease().token())) {
                applied.add(false);
                continue;
            }
            if (set != null) {
                set.add(tx, o, h.id(), h.attempt(), h.maxAttempts(), h.node(), h.priority());
            } else {
                apply(tx, o, h);
            }
            // A second outcome for the same attempt in this batch finds it no longer running.
            rows.put(h.id(), new Held(h.id(), h.token(), JobState.COMPLETED, false, h.attempt(), h.maxAttempts(),
                    h.node(), h.priority()));
            applied.add(true);
        }
        if (set != null) {
            set.execute(tx);
        }
        tx.flushHistory();
        return applied;
    }

    private static final String FENCE = " WHERE id = ? AND state = 'running' AND token = ?";

    private static void apply(Tx tx, Outcome o, Held h) throws SQLException {
        long now = tx.now();
        UUID id = h.id();
        long token = o.lease().token();
        switch (o) {
            case Outcome.Succeeded ok -> {
                PreparedStatement ps = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'completed', result = ?, "
                        + "finished_at = ?, lease_until = NULL" + FENCE);
                ps.setString(1, ok.result());
                ps.setLong(2, now);
                fence(tx, ps, 3, id, token);
                tx.history(id, JobState.RUNNING, JobState.COMPLETED, "completed", h.node(), h.attempt());
            }
            case Outcome.Failed f -> {
                boolean exhausted = h.attempt() >= h.maxAttempts();
                if (exhausted || !f.retryable()) {
                    PreparedStatement ps = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'dead', last_error = ?, "
                            + "finished_at = ?, lease_until = NULL" + FENCE);
                    ps.setString(1, f.error());
                    ps.setLong(2, now);
                    fence(tx, ps, 3, id, token);
                    String why = f.retryable() ? " (no attempts left)" : " (not retryable)";
                    tx.history(id, JobState.RUNNING, JobState.DEAD, f.reason() + why, h.node(), h.attempt());
                } else {
                    long delay = f.retryDelay() == null ? 0 : Math.max(0, f.retryDelay().toMillis());
                    PreparedStatement ps = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'retryable', run_at = ?, "
                            + "last_error = ?, lease_until = NULL" + FENCE);
                    ps.setLong(1, now + delay);
                    ps.setString(2, f.error());
                    fence(tx, ps, 3, id, token);
                    tx.history(id, JobState.RUNNING, JobState.RETRYABLE, f.reason(), h.node(), h.attempt());
                }
            }
            case Outcome.Cancelled c -> {
                PreparedStatement ps = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'cancelled', finished_at = ?, "
                        + "lease_until = NULL" + FENCE);
                ps.setLong(1, now);
                fence(tx, ps, 2, id, token);
                tx.history(id, JobState.RUNNING, JobState.CANCELLED, c.reason(), h.node(), h.attempt());
            }
            case Outcome.Released r -> {
                // The attempt does not count: it was given back, not used.
                // run_at and sort_key stay: the job keeps its place in line.
                PreparedStatement ps = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'available', "
                        + "attempt = attempt - 1, lease_until = NULL" + FENCE);
                fence(tx, ps, 1, id, token);
                tx.history(id, JobState.RUNNING, JobState.AVAILABLE, "released: " + r.reason(), h.node(),
                        h.attempt() - 1);
            }
        }
    }

    private static void fence(Tx tx, PreparedStatement ps, int first, UUID id, long token) throws SQLException {
        tx.setId(ps, first, id);
        ps.setLong(first + 1, token);
        if (ps.executeUpdate() != 1) {
            throw new IllegalStateException("job " + id + " changed under its row lock; the outcome was not applied");
        }
    }

    /**
     * Running jobs whose lease ended before now, oldest lease first: available again, or dead when
     * they have used every attempt. The history names {@code node}, the rescuer.
     */
    public static List<Job> rescueExpired(Tx tx, String node, int max) throws SQLException {
        PreparedStatement ps = tx.prepare(EXPIRED);
        ps.setLong(1, tx.now());
        ps.setInt(2, max);
        return rescue(tx, ps, "lease expired", node);
    }

    /**
     * Running jobs that {@code node} claimed at or before {@code claimedBefore} (epoch ms), oldest
     * attempt first, rescued as {@link #rescueExpired} rescues an expired lease: the node was
     * declared dead. Rows another transaction holds (a late outcome from that node) are skipped,
     * as rescues skip them everywhere; if that outcome rolls back, the lease expires and the
     * rescue of expired leases takes the job.
     */
    public static List<Job> rescueNode(Tx tx, String node, long claimedBefore, String rescuer, int max)
            throws SQLException {
        PreparedStatement ps = tx.prepare(LOST);
        ps.setString(1, node);
        ps.setLong(2, claimedBefore);
        ps.setInt(3, max);
        return rescue(tx, ps, "node " + node + " died, rescued by " + rescuer, rescuer);
    }

    /**
     * Ends the attempts {@code select} finds (it locks them): available again now, or dead when
     * they have used every attempt. Their tokens stay, so their holders' word is refused.
     */
    private static List<Job> rescue(Tx tx, PreparedStatement select, String reason, String rescuer)
            throws SQLException {
        long now = tx.now();
        record Lost(UUID id, int attempt, int maxAttempts, int priority) {
        }
        List<Lost> lost = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                lost.add(new Lost(tx.id(rs, 1), rs.getInt(2), rs.getInt(3), rs.getInt(4)));
            }
        }
        if (lost.isEmpty()) {
            return List.of();
        }
        PreparedStatement dead = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'dead', finished_at = ?, "
                + "lease_until = NULL WHERE id = ?");
        // run_at and sort_key stay: a rescued job keeps its place in line instead of queueing behind the backlog.
        PreparedStatement again = tx.prepare("UPDATE " + Tx.JOBS + " SET state = 'available', lease_until = NULL "
                + "WHERE id = ?");
        boolean anyDead = false;
        boolean anyAgain = false;
        for (Lost e : lost) {
            if (e.attempt() >= e.maxAttempts()) {
                dead.setLong(1, now);
                tx.setId(dead, 2, e.id());
                dead.addBatch();
                anyDead = true;
                tx.history(e.id(), JobState.RUNNING, JobState.DEAD, reason + " (no attempts left)", rescuer,
                        e.attempt());
            } else {
                tx.setId(again, 1, e.id());
                again.addBatch();
                anyAgain = true;
                tx.history(e.id(), JobState.RUNNING, JobState.AVAILABLE, reason, rescuer, e.attempt());
            }
        }
        if (anyDead) {
            dead.executeBatch();
        }
        if (anyAgain) {
            again.executeBatch();
        }
        tx.flushHistory();
        return tx.jobs(lost.stream().map(Lost::id).toList());
    }
}
