package io.bulwark.jdbc.internal.schedule;

import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.FiringState;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code schedule_firings} table: one row per {@code (schedule, tick)}, the primary key that
 * records a tick once however many leaders or triggers try.
 */
final class FiringRows {

    static final String TABLE = "schedule_firings";
    private static final List<String> COLUMNS = List.of("schedule", "tick", "state", "ref", "count", "at", "reason");
    private static final String SELECT = "SELECT " + String.join(", ", COLUMNS) + " FROM ";

    private FiringRows() {
    }

    /**
     * Inserts {@code f}; false, changing nothing, when its tick is recorded already. Any other
     * failure is thrown.
     */
    static boolean insert(ClusterTx tx, Firing f) throws SQLException {
        try (PreparedStatement ps = tx.prepare(tx.dialect().insertUnlessKeyTaken(TABLE, "schedule, tick", COLUMNS))) {
            ps.setString(1, f.schedule());
            ps.setLong(2, f.tick().toEpochMilli());
            ps.setString(3, f.state().id());
            ps.setString(4, f.ref());
            ps.setInt(5, f.count());
            ps.setLong(6, f.at().toEpochMilli());
            ps.setString(7, f.reason());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (tx.dialect().keyTaken(e)) {
                return false;
            }
            throw e;
        }
    }

    /** The queued firing at {@code tick} becomes fired with {@code ref} at {@code at}; false when none is queued there. */
    static boolean release(ClusterTx tx, String name, Instant tick, String ref, Instant at) throws SQLException {
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table(TABLE) + " SET state = ?, ref = ?, count = 1, "
                + "at = ? WHERE schedule = ? AND tick = ? AND state = ?")) {
            ps.setString(1, FiringState.FIRED.id());
            ps.setString(2, ref);
            ps.setLong(3, at.toEpochMilli());
            ps.setString(4, name);
            ps.setLong(5, tick.toEpochMilli());
            ps.setString(6, FiringState.QUEUED.id());
            return ps.executeUpdate() == 1;
        }
    }

    static List<Firing> newestFirst(ClusterTx tx, String name, int limit) throws SQLException {
        try (PreparedStatement ps = tx.prepare(SELECT + tx.table(TABLE) + " WHERE schedule = ? ORDER BY tick DESC "
                + "LIMIT ?")) {
            ps.setString(1, name);
            ps.setInt(2, limit);
            return firings(ps);
        }
    }

    static Optional<Firing> lastStarted(ClusterTx tx, String name) throws SQLException {
        try (PreparedStatement ps = tx.prepare(SELECT + tx.table(TABLE) + " WHERE schedule = ? AND state IN (?, ?) "
                + "ORDER BY tick DESC LIMIT 1")) {
            ps.setString(1, name);
            ps.setString(2, FiringState.FIRED.id());
            ps.setString(3, FiringState.TRIGGERED.id());
            return firings(ps).stream().findFirst();
        }
    }

    static Optional<Firing> queued(ClusterTx tx, String name) throws SQLException {
        try (PreparedStatement ps = tx.prepare(SELECT + tx.table(TABLE) + " WHERE schedule = ? AND state = ? "
                + "ORDER BY tick LIMIT 1")) {
            ps.setString(1, name);
            ps.setString(2, FiringState.QUEUED.id());
            return firings(ps).stream().findFirst();
        }
    }

    static int prune(ClusterTx tx, Instant before) throws SQLException {
        try (PreparedStatement ps = tx.prepare("DELETE FROM " + tx.table(TABLE) + " WHERE at < ?")) {
            ps.setLong(1, before.toEpochMilli());
            return ps.executeUpdate();
        }
    }

    private static List<Firing> firings(PreparedStatement ps) throws SQLException {
        List<Firing> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Firing(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), FiringState.parse(rs.getString(3)),
                        rs.getString(4), rs.getInt(5), Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7)));
            }
        }
        return out;
    }
}
