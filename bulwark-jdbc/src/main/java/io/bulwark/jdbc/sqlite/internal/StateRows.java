package io.bulwark.jdbc.sqlite.internal;

import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of the state tables ({@code V2__state.sql}): writes on the writer's session, reads on a reader. */
public final class StateRows {

    private static final String SELECT_DOC = "SELECT kind, name, body, version, updated_at FROM state_documents ";

    private StateRows() {
    }

    public static StateEntry put(Session s, String kind, String name, String json) throws SQLException {
        long now = s.nowMs();
        PreparedStatement ps = s.prepare("INSERT INTO state_documents (kind, name, body, version, updated_at) "
                + "VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT (kind, name) DO UPDATE SET body = ?3, "
                + "version = version + 1, updated_at = ?4 RETURNING version");
        ps.setString(1, kind);
        ps.setString(2, name);
        ps.setString(3, json);
        ps.setLong(4, now);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new StateEntry(kind, name, json, rs.getLong(1), Instant.ofEpochMilli(now));
        }
    }

    /** Compare-and-set on the version (the writer is the only one, so this is atomic with every other write). */
    public static Optional<StateEntry> putIfVersion(Session s, String kind, String name, String json, long expectedVersion)
            throws SQLException {
        long now = s.nowMs();
        PreparedStatement ps;
        if (expectedVersion == 0) {
            ps = s.prepare("INSERT INTO state_documents (kind, name, body, version, updated_at) VALUES (?1, ?2, ?3, 1, ?4) "
                    + "ON CONFLICT (kind, name) DO NOTHING");
        } else {
            ps = s.prepare("UPDATE state_documents SET body = ?3, version = version + 1, updated_at = ?4 "
                    + "WHERE kind = ?1 AND name = ?2 AND version = ?5");
            ps.setLong(5, expectedVersion);
        }
        ps.setString(1, kind);
        ps.setString(2, name);
        ps.setString(3, json);
        ps.setLong(4, now);
        if (ps.executeUpdate() == 0) {
            return Optional.empty();
        }
        return Optional.of(new StateEntry(kind, name, json, expectedVersion + 1, Instant.ofEpochMilli(now)));
    }

    public static Boolean delete(Session s, String kind, String name) throws SQLException {
        PreparedStatement ps = s.prepare("DELETE FROM state_documents WHERE kind = ?1 AND name = ?2");
        ps.setString(1, kind);
        ps.setString(2, name);
        return ps.executeUpdate() > 0;
    }

    public static StateRecord append(Session s, String kind, String name, String json) throws SQLException {
        long now = s.nowMs();
        PreparedStatement ps = s.prepare("INSERT INTO state_history (kind, name, body, at) VALUES (?1, ?2, ?3, ?4)");
        ps.setString(1, kind);
        ps.setString(2, name);
        ps.setString(3, json);
        ps.setLong(4, now);
        ps.executeUpdate();
        return new StateRecord(kind, name, json, Instant.ofEpochMilli(now));
    }

    public static Integer pruneHistory(Session s, String kind, long beforeMs) throws SQLException {
        PreparedStatement ps = s.prepare("DELETE FROM state_history WHERE kind = ?1 AND at < ?2");
        ps.setString(1, kind);
        ps.setLong(2, beforeMs);
        return ps.executeUpdate();
    }

    public static Optional<StateEntry> get(Connection c, String kind, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_DOC + "WHERE kind = ? AND name = ?")) {
            ps.setString(1, kind);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
            }
        }
    }

    public static List<StateEntry> list(Connection c, String kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_DOC + "WHERE kind = ? ORDER BY name")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                List<StateEntry> entries = new ArrayList<>();
                while (rs.next()) {
                    entries.add(entry(rs));
                }
                return entries;
            }
        }
    }

    public static List<StateRecord> history(Connection c, String kind, String name, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT body, at FROM state_history "
                + "WHERE kind = ? AND name = ? ORDER BY id DESC LIMIT ?")) {
            ps.setString(1, kind);
            ps.setString(2, name);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<StateRecord> records = new ArrayList<>();
                while (rs.next()) {
                    records.add(new StateRecord(kind, name, rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))));
                }
                return records;
            }
        }
    }

    private static StateEntry entry(ResultSet rs) throws SQLException {
        return new StateEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                Instant.ofEpochMilli(rs.getLong(5)));
    }
}
