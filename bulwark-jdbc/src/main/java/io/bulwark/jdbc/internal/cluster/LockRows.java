package io.bulwark.jdbc.internal.cluster;

import io.bulwark.cluster.LockGrant;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Named locks with fencing tokens on a JDBC store ({@code locks}): one row per name, kept after
 * release with no owner, so that each grant's token is one more than the last, across releases
 * and expiries.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Grant under a row lock.</b> An acquire reads the name's row {@code FOR UPDATE}:
 *       concurrent acquires queue on it and each sees what the one before it committed. A name
 *       never taken has no row to lock; the first acquire inserts it (token 1), and a concurrent
 *       first acquire waits on that key, finds it taken and gets nothing.</li>
 *   <li><b>Renew and release</b> are one UPDATE each, fenced in its WHERE by the token, a present
 *       owner and {@code until > now}: a stale token changes nothing.</li>
 * </ul>
 */
public final class LockRows {

    private static final String COLUMNS = "name, owner, token, acquired_at, until";

    private LockRows() {
    }

    /** Grants {@code name} to {@code owner} with the next token, unless an unexpired holder has it. */
    public static Optional<LockGrant> tryAcquire(ClusterTx tx, String name, String owner, long ttlMs)
            throws SQLException {
        long now = tx.now();
        LockGrant grant;
        try (PreparedStatement ps = tx.prepare("SELECT owner, token, until FROM " + tx.table("locks")
                + " WHERE name = ?" + tx.dialect().forUpdate())) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return first(tx, name, owner, now, now + ttlMs);
                }
                if (rs.getString(1) != null && rs.getLong(3) > now) {
                    return Optional.empty();
                }
                grant = grant(name, owner, rs.getLong(2) + 1, now, now + ttlMs);
            }
        }
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table("locks")
                + " SET owner = ?, token = ?, acquired_at = ?, until = ? WHERE name = ?")) {
            ps.setString(1, owner);
            ps.setLong(2, grant.token());
            ps.setLong(3, now);
            ps.setLong(4, grant.until().toEpochMilli());
            ps.setString(5, name);
            ps.executeUpdate();
        }
        return Optional.of(grant);
    }

    private static Optional<LockGrant> first(ClusterTx tx, String name, String owner, long now, long until)
            throws SQLException {
        try (PreparedStatement ps = tx.prepare(tx.dialect().insertIfAbsent("locks",
                List.of("name", "owner", "token", "acquired_at", "until")))) {
            ps.setString(1, name);
            ps.setString(2, owner);
            ps.setLong(3, 1);
            ps.setLong(4, now);
            ps.setLong(5, until);
            // Nothing inserted: another first acquire of this name committed meanwhile, and holds it.
            return ps.executeUpdate() == 0 ? Optional.empty() : Optional.of(grant(name, owner, 1, now, until));
        }
    }

    /** Extends the lock to {@code ttlMs} from now, if {@code token} holds it unexpired. */
    public static Optional<LockGrant> renew(ClusterTx tx, String name, long token, long ttlMs) throws SQLException {
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table("locks") + " SET until = ? "
                + "WHERE name = ? AND token = ? AND owner IS NOT NULL AND until > ?")) {
            ps.setLong(1, tx.now() + ttlMs);
            ps.setString(2, name);
            ps.setLong(3, token);
            ps.setLong(4, tx.now());
            if (ps.executeUpdate() == 0) {
                return Optional.empty();
            }
        }
        return holder(tx, name);
    }

    /** Frees the lock now (the row stays, with no owner), if {@code token} holds it unexpired. */
    public static boolean release(ClusterTx tx, String name, long token) throws SQLException {
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table("locks") + " SET owner = NULL, until = ? "
                + "WHERE name = ? AND token = ? AND owner IS NOT NULL AND until > ?")) {
            ps.setLong(1, tx.now());
            ps.setString(2, name);
            ps.setLong(3, token);
            ps.setLong(4, tx.now());
            return ps.executeUpdate() > 0;
        }
    }

    /** The unexpired holder of {@code name}, if any. */
    public static Optional<LockGrant> holder(ClusterTx tx, String name) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM " + tx.table("locks")
                + " WHERE name = ? AND owner IS NOT NULL AND until > ?")) {
            ps.setString(1, name);
            ps.setLong(2, tx.now());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(grant(rs)) : Optional.empty();
            }
        }
    }

    /** Every unexpired lock, by name as Java orders strings. */
    public static List<LockGrant> held(ClusterTx tx) throws SQLException {
        List<LockGrant> out = new ArrayList<>();
        try (PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM " + tx.table("locks")
                + " WHERE owner IS NOT NULL AND until > ?")) {
            ps.setLong(1, tx.now());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(grant(rs));
                }
            }
        }
        out.sort(Comparator.comparing(LockGrant::name));
        return out;
    }

    private static LockGrant grant(ResultSet rs) throws SQLException {
        return grant(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
    }

    private static LockGrant grant(String name, String owner, long token, long acquiredAt, long until) {
        return new LockGrant(name, owner, token, Instant.ofEpochMilli(acquiredAt), Instant.ofEpochMilli(until));
    }
}
