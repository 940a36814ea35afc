package io.bulwark.jdbc.database.internal;

import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateRecord;
import io.bulwark.jdbc.database.Dialect;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The state store's documents and history records on a database server. */
public final class StateSql {

    private static final String DOCS = "bulwark_state_documents";
    private static final String RECORDS = "bulwark_state_history";

    private StateSql() {
    }

    public static Optional<StateEntry> get(Tx tx, String kind, String name) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT body, version, updated_at FROM " + DOCS + " WHERE kind = ? AND name = ?");
        ps.setString(1, kind);
        ps.setString(2, name);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new StateEntry(kind, name, rs.getString(1), rs.getLong(2),
                    Instant.ofEpochMilli(rs.getLong(3)))) : Optional.empty();
        }
    }

    public static List<StateEntry> list(Tx tx, String kind) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT name, body, version, updated_at FROM " + DOCS
                + " WHERE kind = ? ORDER BY name");
        ps.setString(1, kind);
        List<StateEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StateEntry(kind, rs.getString(1), rs.getString(2), rs.getLong(3),
                        Instant.ofEpochMilli(rs.getLong(4))));
            }
        }
        return out;
    }

    /** Creates version 1 or adds one to the version, in one statement, then reads the row back. */
    public static StateEntry put(Tx tx, String kind, String name, String json) throws SQLException {
        String upsert = tx.dialect() == Dialect.POSTGRESQL
                ? "INSERT INTO " + DOCS + " (kind, name, body, version, updated_at) VALUES (?, ?, ?, 1, ?) "
                        + "ON CONFLICT (kind, name) DO UPDATE SET body = EXCLUDED.body, "
                        + "version = " + DOCS + ".version + 1, updated_at = EXCLUDED.updated_at"
                : "INSERT INTO " + DOCS + " (kind, name, body, version, updated_at) VALUES (?, ?, ?, 1, ?) "
                        + "ON DUPLICATE KEY UPDATE body = VALUES(body), version = version + 1, "
                        + "updated_at = VALUES(updated_at)";
        PreparedStatement ps = tx.prepare(upsert);
        ps.setString(1, kind);
        ps.setString(2, name);
        ps.setString(3, json);
        ps.setLong(4, tx.now());
        ps.executeUpdate();
        return get(tx, kind, name).orElseThrow();
    }

    /**
     * Compare-and-set on the version, in one statement: an insert that does nothing when the row
     * exists (version 0), or an update guarded by {@code version = ?}. The row lock the statement
     * takes makes a concurrent writer wait and then find the version changed.
     */
    public static Optional<StateEntry> putIfVersion(Tx tx, String kind, String name, String json, long expectedVersion)
            throws SQLException {
        PreparedStatement ps;
        if (expectedVersion == 0) {
            // MariaDB has no ON CONFLICT DO NOTHING; INSERT IGNORE skips the duplicate key (kind and name are
            // checked before, so no other error it could hide applies).
            ps = tx.prepare((tx.dialect() == Dialect.POSTGRESQL ? "INSERT INTO " : "INSERT IGNORE INTO ") + DOCS
                    + " (kind, name, body, version, updated_at) VALUES (?, ?, ?, 1, ?)"
                    + (tx.dialect() == Dialect.POSTGRESQL ? " ON CONFLICT (kind, name) DO NOTHING" : ""));
            ps.setString(1, kind);
            ps.setString(2, name);
            ps.setString(3, json);
            ps.setLong(4, tx.now());
        } else {
            ps = tx.prepare("UPDATE " + DOCS + " SET body = ?, version = version + 1, updated_at = ? "
                    + "WHERE kind = ? AND name = ? AND version = ?");
            ps.setString(1, json);
            ps.setLong(2, tx.now());
            ps.setString(3, kind);
            ps.setString(4, name);
            ps.setLong(5, expectedVersion);
        }
        if (ps.executeUpdate() == 0) {
            return Optional.empty();
        }
        return get(tx, kind, name);
    }

    public static boolean delete(Tx tx, String kind, String name) throws SQLException {
        PreparedStatement ps = tx.prepare("DELETE FROM " + DOCS + " WHERE kind = ? AND name = ?");
        ps.setString(1, kind);
        ps.setString(2, name);
        return ps.executeUpdate() > 0;
    }

    public static StateRecord append(Tx tx, String kind, String name, String json) throws SQLException {
        PreparedStatement ps = tx.prepare("INSERT INTO " + RECORDS + " (kind, name, body, at) VALUES (?, ?, ?, ?)");
        ps.setString(1, kind);
        ps.setString(2, name);
        ps.setString(3, json);
        ps.setLong(4, tx.now());
        ps.executeUpdate();
        return new StateRecord(kind, name, json, Instant.ofEpochMilli(tx.now()));
    }

    public static List<StateRecord> history(Tx tx, String kind, String name, int limit) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT body, at FROM " + RECORDS + " WHERE kind = ? AND name = ? "
                + "ORDER BY id DESC LIMIT ?");
        ps.setString(1, kind);
        ps.setString(2, name);
        ps.setInt(3, limit);
        List<StateRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StateRecord(kind, name, rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))));
            }
        }
        return out;
    }

    public static int pruneHistory(Tx tx, String kind, Instant before) throws SQLException {
        PreparedStatement ps = tx.prepare("DELETE FROM " + RECORDS + " WHERE kind = ? AND at < ?");
        ps.setString(1, kind);
        ps.setLong(2, before.toEpochMilli());
        return ps.executeUpdate();
    }
}
