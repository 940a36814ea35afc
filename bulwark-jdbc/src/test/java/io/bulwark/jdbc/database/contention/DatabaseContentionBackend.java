package io.bulwark.jdbc.database.contention;

import io.bulwark.jdbc.database.DatabaseJobStore;
import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jdbc.database.PoolSettings;
import io.bulwark.test.cluster.contention.ContentionBackend;

import java.time.Duration;
import java.util.Map;

/**
 * Locks in a {@link DatabaseJobStore}'s lock store (PostgreSQL or MariaDB, by the URL) and the
 * counter in a table of the same database ({@link TableFencedCounter}), on the store's own pool.
 * Settings: {@code url}, {@code user}, {@code table} (the counter's), {@code threads} (the pool
 * holds one connection per thread, and one more).
 */
public final class DatabaseContentionBackend implements ContentionBackend {

    @Override
    public Resources open(Map<String, String> settings) {
        String url = ContentionBackend.required(settings, "url");
        String user = ContentionBackend.required(settings, "user");
        String table = ContentionBackend.required(settings, "table");
        int threads = Integer.parseInt(ContentionBackend.required(settings, "threads"));
        DatabaseJobStore store = DatabaseJobStore.open(DatabaseOptions.builder(url).user(user)
                .pool(new PoolSettings(threads + 1, 1, Duration.ofMinutes(30), Duration.ofSeconds(10),
                        Duration.ofSeconds(2), Duration.ZERO))
                .build());
        return new Resources(store.locks(), new TableFencedCounter(store.dataSource(), table), store);
    }
}
