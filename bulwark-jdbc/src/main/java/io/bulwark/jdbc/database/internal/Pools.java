package io.bulwark.jdbc.database.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jdbc.database.Dialect;
import io.bulwark.jdbc.database.PoolSettings;

/** How a database store's HikariCP pool is set up, per dialect. */
public final class Pools {

    private Pools() {
    }

    /**
     * A pool for {@code url} with the options' credentials and settings. Connections start outside
     * auto-commit, in READ COMMITTED (MariaDB's default REPEATABLE READ takes gap locks that make
     * claims and enqueues wait on each other), and on MariaDB in UTC so that the database clock
     * reads the same epoch milliseconds whatever the server's time zone.
     */
    public static HikariDataSource open(String name, String url, DatabaseOptions options, boolean readOnly) {
        return open(name, url, options, readOnly, true);
    }

    /**
     * @param failFast true to refuse a pool whose database cannot be reached now; false for a
     *                 replica, whose pool connects when it can
     */
    public static HikariDataSource open(String name, String url, DatabaseOptions options, boolean readOnly,
                                        boolean failFast) {
        PoolSettings p = options.pool();
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(url);
        if (options.user() != null) {
            hc.setUsername(options.user());
        }
        if (options.password() != null) {
            hc.setPassword(options.password());
        }
        hc.setAutoCommit(false);
        hc.setReadOnly(readOnly);
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        hc.setMaximumPoolSize(p.size());
        hc.setMinimumIdle(p.minIdle());
        hc.setMaxLifetime(p.maxLifetime().toMillis());
        hc.setConnectionTimeout(p.connectionTimeout().toMillis());
        hc.setValidationTimeout(p.validationTimeout().toMillis());
        hc.setLeakDetectionThreshold(p.leakDetection().toMillis());
        hc.setThreadFactory(options.threadFactory());
        // Fail at once when the database cannot be reached at start, rather than build a pool that never works.
        hc.setInitializationFailTimeout(failFast ? 1 : -1);
        if (options.dialect() == Dialect.MARIADB) {
            hc.setConnectionInitSql("SET time_zone = '+00:00'");
            hc.addDataSourceProperty("cachePrepStmts", "true");
        } else {
            hc.addDataSourceProperty("ApplicationName", "bulwark");
            hc.addDataSourceProperty("tcpKeepAlive", "true");
        }
        return new HikariDataSource(hc);
    }

    /** The query that reads the database's clock in epoch milliseconds. */
    public static String clockQuery(Dialect dialect) {
        return dialect == Dialect.POSTGRESQL
                ? "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
                : "SELECT CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)";
    }
}
