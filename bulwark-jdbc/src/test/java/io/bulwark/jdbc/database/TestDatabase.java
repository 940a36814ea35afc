package io.bulwark.jdbc.database;

import io.bulwark.test.services.LocalService;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A private schema (PostgreSQL) or database (MariaDB) on the local server, made for one test class
 * and dropped after it, so that tests never see each other's rows nor touch anything else.
 */
final class TestDatabase implements AutoCloseable {

    private static final String[] TABLES = {"bulwark_job_history", "bulwark_jobs", "bulwark_queues",
            "bulwark_state_documents", "bulwark_state_history"};

    final Dialect dialect;
    final String name;
    final String url;
    final String user;

    private TestDatabase(Dialect dialect, String name, String url, String user) {
        this.dialect = dialect;
        this.name = name;
        this.url = url;
        this.user = user;
    }

    static TestDatabase create(Dialect dialect) {
        String name = "bw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        TestDatabase db = switch (dialect) {
            case POSTGRESQL -> new TestDatabase(dialect, name, "jdbc:postgresql://" + LocalService.POSTGRESQL.host() + ":"
                    + LocalService.POSTGRESQL.port() + "/test?currentSchema=" + name, "postgres");
            case MARIADB -> new TestDatabase(dialect, name, "jdbc:mariadb://" + LocalService.MARIADB.host() + ":"
                    + LocalService.MARIADB.port() + "/" + name, "root");
        };
        db.admin(dialect == Dialect.POSTGRESQL ? "CREATE SCHEMA " + name : "CREATE DATABASE " + name);
        return db;
    }

    /** Options for a store in this database, on the database clock unless the caller sets one. */
    DatabaseOptions.Builder options() {
        return DatabaseOptions.builder(url).user(user);
    }

    /** A new connection to this schema or database, outside auto-commit. */
    Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, user, null);
        c.setAutoCommit(false);
        return c;
    }

    /** Deletes every row Bulwark keeps, leaving the schema in place. */
    void truncate() {
        try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement()) {
            for (String table : TABLES) {
                if (exists(c, table)) {
                    st.execute("DELETE FROM " + table);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty test database " + name + ": " + e.getMessage(), e);
        }
    }

    private boolean exists(Connection c, String table) throws SQLException {
        try (var rs = c.getMetaData().getTables(dialect == Dialect.MARIADB ? name : null,
                dialect == Dialect.POSTGRESQL ? name : null, table, null)) {
            return rs.next();
        }
    }

    private void admin(String sql) {
        String adminUrl = dialect == Dialect.POSTGRESQL
                ? "jdbc:postgresql://" + LocalService.POSTGRESQL.host() + ":" + LocalService.POSTGRESQL.port() + "/test"
                : "jdbc:mariadb://" + LocalService.MARIADB.host() + ":" + LocalService.MARIADB.port() + "/";
        try (Connection c = DriverManager.getConnection(adminUrl, user, null); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin(dialect == Dialect.POSTGRESQL ? "DROP SCHEMA " + name + " CASCADE" : "DROP DATABASE " + name);
    }
}
