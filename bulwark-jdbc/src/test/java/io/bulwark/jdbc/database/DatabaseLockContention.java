package io.bulwark.jdbc.database;

import io.bulwark.cluster.store.LockStore;
import io.bulwark.jdbc.database.contention.DatabaseContentionBackend;
import io.bulwark.jdbc.database.contention.TableFencedCounter;
import io.bulwark.test.cluster.contention.ContentionBackend;
import io.bulwark.test.cluster.contention.FencedCounter;
import io.bulwark.test.cluster.contention.LockContentionContract;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

/**
 * Real processes contending for one lock of a database store (see {@link LockContentionContract}):
 * each test gets a private schema or database, the store's tables and a {@code counter} table
 * guarded by {@code UPDATE counter SET n = :value, fence = :token WHERE fence < :token}.
 */
abstract class DatabaseLockContention extends LockContentionContract {

    private static final String TABLE = "counter";

    private final LocalService server;
    private TestDatabase db;
    private DatabaseJobStore jobs;
    private FencedCounter counter;

    DatabaseLockContention(LocalService server) {
        this.server = server;
    }

    @Override
    protected void open() throws Exception {
        db = TestDatabase.create(server);
        jobs = DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).build()); // migrates
        try (Connection c = db.connect()) {
            TableFencedCounter.create(c, TABLE);
        }
        counter = new TableFencedCounter(jobs.dataSource(), TABLE);
    }

    @Override
    protected Class<? extends ContentionBackend> backend() {
        return DatabaseContentionBackend.class;
    }

    @Override
    protected Map<String, String> settings() {
        return Map.of("url", db.url(), "user", db.user(), "table", TABLE);
    }

    @Override
    protected FencedCounter counter() {
        return counter;
    }

    @Override
    protected LockStore store() {
        return jobs.locks();
    }

    @Override
    protected long lastTokenIssued() throws Exception {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT token FROM bulwark_locks WHERE name = ?")) {
            ps.setString(1, LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    @Override
    protected void cleanup() {
        try {
            if (jobs != null) {
                jobs.close();
            }
        } finally {
            if (db != null) {
                db.close();
            }
        }
    }
}
