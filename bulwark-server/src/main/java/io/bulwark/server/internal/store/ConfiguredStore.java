package io.bulwark.server.internal.store;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.jdbc.JdbcJobStore;
import io.bulwark.jdbc.database.DatabaseJobStore;
import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jdbc.database.StoreUrls;
import io.bulwark.jdbc.sqlite.SqliteJobStore;
import io.bulwark.jdbc.sqlite.SqliteOptions;
import io.bulwark.server.JobKeys;
import io.bulwark.server.StartupException;
import io.bulwark.server.StoreKeys;

import java.nio.file.Path;
import java.time.InstantSource;

/**
 * Opens the store that {@code store.url} names: the embedded SQLite store in {@code data.dir}, or a
 * PostgreSQL or MariaDB store shared by every node that names the same database.
 */
public final class ConfiguredStore {

    private ConfiguredStore() {
    }

    /**
     * Opens the configured store.
     *
     * @throws StartupException with one line naming what failed (connection, credentials, schema)
     *                          and what to do, never the password
     */
    public static JdbcJobStore open(BulwarkConfig config, InstantSource clock) {
        String url = config.get(StoreKeys.URL);
        if (StoreKeys.embedded(config)) {
            return embedded(config, clock);
        }
        DatabaseOptions options;
        try {
            options = StoreKeys.databaseOptions(config);
        } catch (IllegalArgumentException e) {
            throw new StartupException("store.pool: " + e.getMessage(), e);
        }
        DatabaseJobStore store;
        try {
            store = DatabaseJobStore.open(options);
        } catch (io.bulwark.jdbc.StoreException e) {
            String hint = e.operation().equals("connect")
                    ? "; check that the database runs and accepts store.user and store.password" : "";
            throw new StartupException("cannot open the store at " + StoreUrls.redact(url) + " (store.url): "
                    + e.getMessage() + hint, e);
        }
        return store;
    }

    private static JdbcJobStore embedded(BulwarkConfig config, InstantSource clock) {
        Path dir = Path.of(config.get(io.bulwark.server.ServerKeys.DATA_DIR)).toAbsolutePath().normalize();
        SqliteJobStore store;
        try {
            store = SqliteJobStore.open(dir, clock, SqliteOptions.builder()
                    .agingStep(config.get(JobKeys.PRIORITY_AGING)).build());
        } catch (RuntimeException e) {
            throw new StartupException("cannot open the job store in " + dir + " (data.dir): " + e.getMessage(), e);
        }
        return store;
    }
}
