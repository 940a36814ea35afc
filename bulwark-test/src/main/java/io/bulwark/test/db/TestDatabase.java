package io.bulwark.test.db;

import io.bulwark.test.services.LocalService;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A private schema (PostgreSQL) or database (MariaDB) on the local server, made for one test class
 * and dropped after it, so that tests never see each other's rows nor touch anything else. Needs
 * the database's JDBC driver on the test class path.
 *
 * <pre>{@code
 * @RequiresService(LocalService.POSTGRESQL)
 * class MyStoreTest {
 *     static TestDatabase db = TestDatabase.create(LocalService.POSTGRESQL);
 *     // db.url(), db.user(); db.truncate() between tests; db.close() drops it
 * }
 * }</pre>
 */
public final class TestDatabase implements AutoCloseable {

    private static final String[] TABLES = {"bulwark_job_history", "bulwark_jobs", "bulwark_queues",
            "bulwark_state_documents", "bulwark_state_history", "bulwark_nodes", "bulwark_leader",
            "bulwark_leader_terms", "bulwark_locks", "bulwark_schedule_firings", "bulwark_schedules",
            "bulwark_pipeline_steps", "bulwark_pipeline_runs", "bulwark_pipelines"};

    private final LocalService server;
    private final String name;
    private final String url;
    private final String user;

    private TestDatabase(LocalService server, String name, String url, String user) {
        this.server = server;
        this.name = name;
        this.url = url;
        this.user = user;
    }

    /**
     * Makes a new, empty schema (PostgreSQL) or database (MariaDB) on the local server.
     *
     * @throws IllegalArgumentException for a service that is not a database
     */
    public static TestDatabase create(LocalService server) {
        String name = "bw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        TestDatabase db = switch (server) {
            case POSTGRESQL -> new TestDatabase(server, name, "jdbc:postgresql://" + LocalService.POSTGRESQL.host() + ":"
                    + LocalService.POSTGRESQL.port() + "/test?currentSchema=" + name, "postgres");
            case MARIADB -> new TestDatabase(server, name, "jdbc:mariadb://" + LocalService.MARIADB.host() + ":"
                    + LocalService.MARIADB.port() + "/" + name, "root");
            default -> throw new IllegalArgumentException(server.displayName() + " is not a database");
        };
        db.admin(db.postgres() ? "CREATE SCHEMA " + name : "CREATE DATABASE " + name);
        return db;
    }

    private boolean postgres() {
        return server == LocalService.POSTGRESQL;
    }

    /** The JDBC URL of this schema or database. */
    public String url() {
        return url;
    }

    /** The user that owns it (trust or empty-password auth on the local servers). */
    public String user() {
        return user;
    }

    /** The schema or database name. */
    public String name() {
        return name;
    }

    /** A new connection to this schema or database, outside auto-commit. */
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, user, null);
        c.setAutoCommit(false);
        return c;
    }

    /** Deletes every row Bulwark keeps, leaving the schema in place. */
    public void truncate() {
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
        try (var rs = c.getMetaData().getTables(postgres() ? null : name,
                postgres() ? name : null, table, null)) {
            return rs.next();
        }
    }

    private void admin(String sql) {
        String adminUrl = postgres()
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
        admin(postgres() ? "DROP SCHEMA " + name + " CASCADE" : "DROP DATABASE " + name);
    }
}
