package io.bulwark.jdbc.internal.cluster;

import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.NotLeaderException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The leader's term on a JDBC store: one row ({@code leader}, id 1) holding the current term, and
 * its history ({@code leader_terms}).
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>One decision under one row lock.</b> An election reads the row {@code FOR UPDATE}, so
 *       concurrent elections queue on it and each decides on what the one before it committed:
 *       grant a new term (no holder, or the lease lapsed: {@code until <= now}), renew (the
 *       holder asks again in time, same term), or refuse. The very first election has no row to
 *       lock; it inserts one, and a concurrent first election waits on that key, finds it taken
 *       and is refused.</li>
 *   <li><b>Losers do not queue.</b> Before taking the lock an election reads the row plainly and,
 *       when another node holds an unexpired term, refuses at once: only a node that may win
 *       waits on the lock, so the leader's renewal never queues behind the whole fleet's refusals.
 *       An unlocked read can only turn a grant into a refusal (a node that just missed a
 *       resignation wins at its next election), never the reverse.</li>
 *   <li><b>Terms only grow.</b> A new term is one more than both the row's and the history's
 *       greatest, so even a row lost by hand does not hand out a term twice.</li>
 *   <li><b>Fencing.</b> A leader-only write first reads the row {@code FOR SHARE} and compares
 *       term, holder and {@code until > now} in the same transaction: no election can change the
 *       row until that write commits, so the write is never done by a deposed leader.</li>
 *   <li><b>Time</b> is the transaction's one reading of the store's clock ({@link ClusterTx#now()}).</li>
 * </ul>
 */
public final class LeaderRows {

    private LeaderRows() {
    }

    private record Row(long term, String holder, long electedAt, long until) {
        Term toTerm() {
            return new Term(term, holder, Instant.ofEpochMilli(electedAt), Instant.ofEpochMilli(until));
        }
    }

    private static Row read(ClusterTx tx, String lock) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT term, holder, elected_at, until FROM " + tx.table("leader")
                + " WHERE id = 1" + lock); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Row(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4)) : null;
        }
    }

    /** See {@link io.bulwark.cluster.store.ClusterStore#elect}. */
    public static Optional<Term> elect(ClusterTx tx, String node, long ttlMs) throws SQLException {
        long now = tx.now();
        long until = now + ttlMs;
        Row seen = read(tx, "");
        if (seen != null && seen.until() > now && !seen.holder().equals(node)) {
            return Optional.empty(); // another node leads: refused without queuing on the row its renewals lock
        }
        Row current = read(tx, tx.dialect().forUpdate());
        if (current == null) {
            Row first = new Row(greatestRecorded(tx) + 1, node, now, until);
            try (PreparedStatement ps = tx.prepare(tx.dialect().insertIfAbsent("leader",
                    List.of("id", "term", "holder", "elected_at", "until")))) {
                ps.setInt(1, 1);
                bind(ps, 2, first);
                if (ps.executeUpdate() == 0) {
                    return Optional.empty(); // another node's first election got there at the same moment
                }
            }
            record(tx, first);
            return Optional.of(first.toTerm());
        }
        boolean live = current.until() > now;
        if (live && !current.holder().equals(node)) {
            return Optional.empty();
        }
        Row next = live ? new Row(current.term(), node, current.electedAt(), until)
                : new Row(Math.max(current.term(), greatestRecorded(tx)) + 1, node, now, until);
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table("leader")
                + " SET term = ?, holder = ?, elected_at = ?, until = ? WHERE id = 1")) {
            bind(ps, 1, next);
            ps.executeUpdate();
        }
        if (live) {
            lastUntil(tx, next.term(), until);
        } else {
            record(tx, next);
        }
        return Optional.of(next.toTerm());
    }

    /** See {@link io.bulwark.cluster.store.ClusterStore#resign}: ends the term now, if it is still current. */
    public static void resign(ClusterTx tx, Term term) throws SQLException {
        long now = tx.now();
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table("leader") + " SET until = ? "
                + "WHERE id = 1 AND term = ? AND holder = ? AND until > ?")) {
            ps.setLong(1, now);
            ps.setLong(2, term.term());
            ps.setString(3, term.holder());
            ps.setLong(4, now);
            if (ps.executeUpdate() == 1) {
                lastUntil(tx, term.term(), now);
            }
        }
    }

    /** The current unexpired term, if any. */
    public static Optional<Term> leader(ClusterTx tx) throws SQLException {
        Row r = read(tx, "");
        return r == null || r.until() <= tx.now() ? Optional.empty() : Optional.of(r.toTerm());
    }

    /** The newest {@code max} terms, newest first, each with its last until. */
    public static List<Term> terms(ClusterTx tx, int max) throws SQLException {
        List<Term> out = new ArrayList<>();
        try (PreparedStatement ps = tx.prepare("SELECT term, holder, elected_at, last_until FROM "
                + tx.table("leader_terms") + " ORDER BY term DESC LIMIT ?")) {
            ps.setInt(1, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4)).toTerm());
                }
            }
        }
        return out;
    }

    /**
     * The fence of every leader-only write: {@code term} must be the current, unexpired term, read
     * under a shared row lock that keeps any election out until the caller's transaction ends.
     *
     * @throws NotLeaderException naming the term and the current one, when it is not
     */
    public static void requireCurrent(ClusterTx tx, Term term) throws SQLException {
        Row r = read(tx, tx.dialect().forShare());
        if (r != null && r.term() == term.term() && r.holder().equals(term.holder()) && r.until() > tx.now()) {
            return;
        }
        String current = r == null ? "no node was ever elected"
                : r.until() > tx.now() ? "the current term is " + r.term() + " of " + r.holder()
                : "term " + r.term() + " of " + r.holder() + " lapsed at " + Instant.ofEpochMilli(r.until());
        throw new NotLeaderException("term " + term.term() + " of " + term.holder() + " is no longer current ("
                + current + ", now " + Instant.ofEpochMilli(tx.now()) + "); nothing was changed");
    }

    private static long greatestRecorded(ClusterTx tx) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT MAX(term) FROM " + tx.table("leader_terms"));
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void record(ClusterTx tx, Row r) throws SQLException {
        try (PreparedStatement ps = tx.prepare("INSERT INTO " + tx.table("leader_terms")
                + " (term, holder, elected_at, last_until) VALUES (?, ?, ?, ?)")) {
            bind(ps, 1, r);
            ps.executeUpdate();
        }
    }

    private static void lastUntil(ClusterTx tx, long term, long until) throws SQLException {
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table("leader_terms")
                + " SET last_until = ? WHERE term = ?")) {
            ps.setLong(1, until);
            ps.setLong(2, term);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, int first, Row r) throws SQLException {
        ps.setLong(first, r.term());
        ps.setString(first + 1, r.holder());
        ps.setLong(first + 2, r.electedAt());
        ps.setLong(first + 3, r.until());
    }
}
