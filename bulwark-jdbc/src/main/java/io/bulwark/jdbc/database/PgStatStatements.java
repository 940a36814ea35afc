package io.bulwark.jdbc.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads PostgreSQL's {@code pg_stat_statements} (PostgreSQL 13 and later: {@code total_exec_time}),
 * restricted to the connection's database and user, so the figures are Bulwark's own statements
 * and not every application's on the same server. The view lives in the schema the extension was
 * created in, which need not be on the store's search path, so it is named with that schema.
 */
final class PgStatStatements {

    /** The most statements read per reading: those with the most total time. */
    static final int LIMIT = 100;

    private PgStatStatements() {
    }

    /** The schema the extension is installed in, or empty when it is not installed in this database. */
    static Optional<String> schema(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                + "ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    /**
     * The statements of this database and user with the most total execution time.
     *
     * @throws SQLException when the view cannot be read, e.g. the library is not in {@code shared_preload_libraries}
     */
    static List<StatementStats.Statement> read(Connection c, String schema) throws SQLException {
        String view = "\"" + schema.replace("\"", "\"\"") + "\".pg_stat_statements";
        List<StatementStats.Statement> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT query, calls, total_exec_time, max_exec_time FROM " + view
                + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND userid = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
                + " AND query NOT LIKE '%pg_stat_statements%'"
                + " ORDER BY total_exec_time DESC LIMIT " + LIMIT); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StatementStats.Statement(rs.getString(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4)));
            }
        }
        return out;
    }
}
