package io.bulwark.jdbc.database.internal;

import io.bulwark.jdbc.database.Dialect;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;

import io.bulwark.jdbc.database.DatabaseOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The schema of a database store, versioned by Flyway: one migration set per dialect in
 * {@code db/<dialect>/}, recorded in {@code bulwark_schema_history}. Flyway takes a database lock
 * while it migrates (an advisory lock on PostgreSQL, {@code GET_LOCK} on MariaDB), so nodes that
 * start at once migrate once and the others wait, then find nothing to do.
 */
public final class Migrations {

    public static final String HISTORY_TABLE = "bulwark_schema_history";

    private Migrations() {
    }

    /**
     * Flyway for the store's database. It connects on its own (two connections while it holds its
     * lock), not through the store's pool, so that a pool of one connection still migrates.
     */
    public static Flyway flyway(Dialect dialect, DatabaseOptions options) {
        return configure(dialect, options).load();
    }

    /** The configuration {@link #flyway} loads; tests add locations or a target version to it. */
    public static org.flywaydb.core.api.configuration.FluentConfiguration configure(Dialect dialect,
                                                                                     DatabaseOptions options) {
        return Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(options.url(), options.user(), options.password())
                .loggers("slf4j")
                .locations("classpath:db/" + dialect.id())
                .table(HISTORY_TABLE)
                .failOnMissingLocations(true)
                .validateMigrationNaming(true)
                // A schema written by a newer Bulwark must stop this one (checked below), not be ignored.
                .ignoreMigrationPatterns("")
                // A database that holds the application's own tables gets ours beside them.
                .baselineOnMigrate(true)
                .baselineVersion("0");
    }

    /**
     * Applies the pending migrations.
     *
     * @return how many were applied now
     * @throws SchemaTooNewException when the database holds a migration this binary does not know
     */
    public static int migrate(DatabaseOptions options) {
        return migrate(options, flyway(options.dialect(), options));
    }

    /** Applies {@code flyway}'s pending migrations under the store's migration lock. */
    public static int migrate(DatabaseOptions options, Flyway flyway) {
        try (Connection c = DriverManager.getConnection(options.url(), credentials(options))) {
            // Flyway locks only once its history table exists; nodes that start together on an empty
            // schema (or one holding the application's tables, which Flyway must baseline) would race
            // to create it. One lock per schema around the whole migration serialises them.
            lock(options.dialect(), c);
            try {
                requireNotNewer(flyway.info());
                return flyway.migrate().migrationsExecuted;
            } catch (org.flywaydb.core.api.FlywayException e) {
                if (options.dialect() == Dialect.MARIADB) {
                    // MariaDB cannot roll DDL back, so Flyway records the migration as failed and would
                    // refuse every later start. Each failed statement is atomic on its own: dropping the
                    // failed entry leaves the history at the last version that was applied whole.
                    flyway.repair();
                    throw new org.flywaydb.core.api.FlywayException(e.getMessage() + " (MariaDB cannot undo DDL: "
                            + "statements of that migration before the failing one stay applied; the schema history "
                            + "stays at the last whole version)", e);
                }
                throw e;
            } finally {
                unlock(options.dialect(), c);
            }
        } catch (SQLException e) {
            throw new org.flywaydb.core.api.FlywayException("cannot take the migration lock: " + e.getMessage(), e);
        }
    }

    private static Properties credentials(DatabaseOptions options) {
        Properties p = new Properties();
        if (options.user() != null) {
            p.setProperty("user", options.user());
        }
        if (options.password() != null) {
            p.setProperty("password", options.password());
        }
        return p;
    }

    private static void lock(Dialect dialect, Connection c) throws SQLException {
        String sql = dialect == Dialect.POSTGRESQL
                ? "SELECT pg_advisory_lock(hashtext(current_schema() || '.bulwark_migrate'))"
                : "SELECT GET_LOCK(CONCAT(DATABASE(), '.bulwark_migrate'), 300)";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (dialect == Dialect.MARIADB && (!rs.next() || rs.getInt(1) != 1)) {
                throw new SQLException("another node held the migration lock for 300 s");
            }
        }
    }

    private static void unlock(Dialect dialect, Connection c) throws SQLException {
        String sql = dialect == Dialect.POSTGRESQL
                ? "SELECT pg_advisory_unlock(hashtext(current_schema() || '.bulwark_migrate'))"
                : "SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.bulwark_migrate'))";
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }



    public static void requireNotNewer(MigrationInfoService info) {
        for (MigrationInfo i : info.applied()) {
            if (i.getState() == MigrationState.FUTURE_SUCCESS) {
                throw new SchemaTooNewException("the database schema is at version " + info.current().getVersion()
                        + " (" + i.getDescription() + "), newer than this Bulwark knows; run the Bulwark version "
                        + "that migrated it, or a newer one");
            }
        }
    }

    /** The database was migrated by a newer Bulwark. */
    public static final class SchemaTooNewException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SchemaTooNewException(String message) {
            super(message);
        }
    }
}
