package io.bulwark.jdbc.internal.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.json.Json;
import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.scheduler.Schedule;
import io.bulwark.scheduler.ScheduleJson;
import io.bulwark.scheduler.store.ScheduleRow;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code schedules} table: one row per schedule, its definition kept as the JSON of
 * {@link ScheduleJson}, and the compare-and-set that moves its next tick.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Save</b> reads the row {@code FOR UPDATE}, so concurrent saves of one name queue and
 *       each grows the version by one. A first save that meets a concurrent first save of the
 *       same name (its insert finds the key taken) reads the row the other committed and
 *       replaces it.</li>
 *   <li><b>Advance</b> is one conditional UPDATE on name, version and next tick (a null next tick
 *       matching a null): concurrent passes queue on the row and only the first finds it as it
 *       read it.</li>
 * </ul>
 */
final class ScheduleRows {

    static final String TABLE = "schedules";
    private static final String COLUMNS = "name, definition, source, next_at, version, created_at, updated_at";

    private ScheduleRows() {
    }

    private record Kept(long version, long createdAt) {
    }

    static List<ScheduleRow> list(ClusterTx tx) throws SQLException {
        List<ScheduleRow> out = new ArrayList<>();
        try (PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM " + tx.table(TABLE) + " ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    static Optional<ScheduleRow> get(ClusterTx tx, String name) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM " + tx.table(TABLE) + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** Whether the schedule exists; it cannot be deleted until the transaction ends. */
    static boolean lockShared(ClusterTx tx, String name) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT 1 FROM " + tx.table(TABLE) + " WHERE name = ?"
                + tx.dialect().forShare())) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static ScheduleRow save(ClusterTx tx, Schedule schedule, String definition, String source, Instant nextAt)
            throws SQLException {
        String name = schedule.name();
        Kept kept = lockForUpdate(tx, name);
        if (kept == null) {
            if (insert(tx, name, definition, source, nextAt)) {
                return new ScheduleRow(schedule, source, nextAt, 1, Instant.ofEpochMilli(tx.now()),
                        Instant.ofEpochMilli(tx.now()));
            }
            kept = lockForUpdate(tx, name); // a concurrent first save of this name committed its row
            if (kept == null) {
                throw new SQLException("schedule '" + name + "' was inserted by another save and deleted before this "
                        + "save could replace it", "40001");
            }
        }
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table(TABLE) + " SET definition = ?, source = ?, "
                + "next_at = ?, version = ?, updated_at = ? WHERE name = ?")) {
            ps.setString(1, definition);
            ps.setString(2, source);
            setInstant(ps, 3, nextAt);
            ps.setLong(4, kept.version() + 1);
            ps.setLong(5, tx.now());
            ps.setString(6, name);
            ps.executeUpdate();
        }
        return new ScheduleRow(schedule, source, nextAt, kept.version() + 1, Instant.ofEpochMilli(kept.createdAt()),
                Instant.ofEpochMilli(tx.now()));
    }

    private static Kept lockForUpdate(ClusterTx tx, String name) throws SQLException {
        try (PreparedStatement ps = tx.prepare("SELECT version, created_at FROM " + tx.table(TABLE) + " WHERE name = ?"
                + tx.dialect().forUpdate())) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Kept(rs.getLong(1), rs.getLong(2)) : null;
            }
        }
    }

    private static boolean insert(ClusterTx tx, String name, String definition, String source, Instant nextAt)
            throws SQLException {
        try (PreparedStatement ps = tx.prepare(tx.dialect().insertUnlessKeyTaken(TABLE, "name",
                List.of("name", "definition", "source", "next_at", "version", "created_at", "updated_at")))) {
            ps.setString(1, name);
            ps.setString(2, definition);
            ps.setString(3, source);
            setInstant(ps, 4, nextAt);
            ps.setLong(5, 1);
            ps.setLong(6, tx.now());
            ps.setLong(7, tx.now());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (tx.dialect().keyTaken(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Deletes the schedule; its firings go with it (the foreign key cascades). */
    static boolean delete(ClusterTx tx, String name) throws SQLException {
        try (PreparedStatement ps = tx.prepare("DELETE FROM " + tx.table(TABLE) + " WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() == 1;
        }
    }

    /** Moves the next tick to {@code nextAt} if the row is still at {@code version} and {@code expectedNextAt}. */
    static boolean advance(ClusterTx tx, String name, long version, Instant expectedNextAt, Instant nextAt)
            throws SQLException {
        try (PreparedStatement ps = tx.prepare("UPDATE " + tx.table(TABLE) + " SET next_at = ? WHERE name = ? "
                + "AND version = ? AND " + tx.dialect().nullSafeEquals("next_at"))) {
            setInstant(ps, 1, nextAt);
            ps.setString(2, name);
            ps.setLong(3, version);
            setInstant(ps, 4, expectedNextAt);
            return ps.executeUpdate() == 1;
        }
    }

    private static ScheduleRow row(ResultSet rs) throws SQLException {
        String name = rs.getString(1);
        long nextAt = rs.getLong(4);
        Instant next = rs.wasNull() ? null : Instant.ofEpochMilli(nextAt);
        return new ScheduleRow(definition(name, rs.getString(2)), rs.getString(3), next, rs.getLong(5),
                Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)));
    }

    private static Schedule definition(String name, String json) {
        try {
            return ScheduleJson.read(Json.mapper().readTree(json), null);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("schedule '" + name + "' is stored with a definition this Bulwark cannot "
                    + "read (" + e.getMessage() + "); save it again or delete it", e);
        }
    }

    static void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
        if (at == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, at.toEpochMilli());
        }
    }
}
