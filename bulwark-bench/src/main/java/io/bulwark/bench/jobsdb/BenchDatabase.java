package io.bulwark.bench.jobsdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The local PostgreSQL the benchmark runs on, and a private schema per measured run: each system
 * starts on empty tables and pays for no other's garbage (the schema is dropped after its run and a
 * {@code CHECKPOINT} writes the dirty pages out before the next one starts).
 *
 * @param baseUrl JDBC URL of the database, without {@code currentSchema}
 * @param user a user allowed to create schemas and run {@code CHECKPOINT}
 */
public record BenchDatabase(String baseUrl, String user) {

    /** A new empty schema; its URL and name. */
    public Schema createSchema(String label) throws SQLException {
        String name = "bench_" + label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        admin("CREATE SCHEMA " + name);
        String sep = baseUrl.contains("?") ? "&" : "?";
        return new Schema(name, baseUrl + sep + "currentSchema=" + name, this);
    }

    /** A new connection outside auto-commit to {@code url}. */
    public Connection connect(String url) throws SQLException {
        Connection c = DriverManager.getConnection(url, user, null);
        c.setAutoCommit(false);
        return c;
    }

    /** Runs {@code sql} on the base URL in auto-commit. */
    public void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl, user, null); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** One number from {@code sql} on {@code url}. */
    public long scalar(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Connections the systems under test may open at once: the server's {@code max_connections}
     * less those kept for superusers and {@link #HARNESS_CONNECTIONS} for the harness itself.
     */
    public int connectionBudget() throws SQLException {
        try (Connection c = connect(baseUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('max_connections')::int"
                     + " - current_setting('superuser_reserved_connections')::int")) {
            rs.next();
            return rs.getInt(1) - HARNESS_CONNECTIONS;
        }
    }

    /** The harness's own connections beside the systems': the schema, the count watcher, CPU reads. */
    static final int HARNESS_CONNECTIONS = 4;

    /** The server's version and the settings that move job throughput, for a report header. */
    public String serverSettings() {
        try (Connection c = connect(baseUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('server_version'), current_setting('synchronous_commit'), "
                     + "current_setting('shared_buffers'), current_setting('max_connections')")) {
            rs.next();
            return "version " + rs.getString(1) + ", synchronous_commit " + rs.getString(2) + ", shared_buffers "
                    + rs.getString(3) + ", max_connections " + rs.getString(4);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** The 1-minute load average from {@code /proc/loadavg}, or -1 where there is none. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A private schema; {@link #close()} drops it and checkpoints. */
    public record Schema(String name, String url, BenchDatabase db) implements AutoCloseable {

        /**
         * Waits until the handlers have run {@code jobs} times ({@link HandlerRuns}, no database
         * work), then polls {@code remainingSql} (a count of unfinished jobs) until it reads 0;
         * seconds since {@code startNanos}.
         */
        public double awaitZero(String remainingSql, long jobs, long startNanos, long timeoutSeconds)
                throws SQLException, InterruptedException {
            long deadline = startNanos + timeoutSeconds * 1_000_000_000L;
            while (HandlerRuns.COUNT.get() < jobs && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            try (Connection c = DriverManager.getConnection(url, db.user(), null); Statement st = c.createStatement()) {
                while (true) {
                    try (ResultSet rs = st.executeQuery(remainingSql)) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            return (System.nanoTime() - startNanos) / 1e9;
                        }
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(rs.getLong(1) + " jobs still unfinished after " + timeoutSeconds
                                    + " s in schema " + name + " (" + remainingSql + ")");
                        }
                    }
                    Thread.sleep(50);
                }
            }
        }

        /** One number from {@code sql} on this schema. */
        public long scalar(String sql) throws SQLException {
            return db.scalar(url, sql);
        }

        @Override
        public void close() throws SQLException {
            db.admin("DROP SCHEMA " + name + " CASCADE");
            db.admin("CHECKPOINT");
        }
    }
}
