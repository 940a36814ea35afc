package io.bulwark.jdbc.database;

import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateRecord;
import io.bulwark.jdbc.database.internal.StateSql;
import io.bulwark.jdbc.internal.CheckedStateStore;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@link io.bulwark.core.state.StateStore} of a database store: two tables beside the jobs,
 * every call one transaction stamped with the database's clock, so every node of a fleet reads the
 * same state. Obtain it from {@link DatabaseJobStore#state()}; it lives and closes with the job store.
 */
final class DatabaseStateStore extends CheckedStateStore {

    private final DatabaseJobStore store;

    DatabaseStateStore(DatabaseJobStore store) {
        this.store = store;
    }

    @Override
    public Instant now() {
        return store.now();
    }

    @Override
    protected Optional<StateEntry> read(String kind, String name) {
        return store.tx("state.get", t -> StateSql.get(t, kind, name));
    }

    @Override
    protected List<StateEntry> readAll(String kind) {
        return store.tx("state.list", t -> StateSql.list(t, kind));
    }

    @Override
    protected StateEntry write(String kind, String name, String json) {
        return store.tx("state.put", t -> StateSql.put(t, kind, name, json));
    }

    @Override
    protected Optional<StateEntry> writeIfVersion(String kind, String name, String json, long expectedVersion) {
        return store.tx("state.putIfVersion", t -> StateSql.putIfVersion(t, kind, name, json, expectedVersion));
    }

    @Override
    protected boolean remove(String kind, String name) {
        return store.tx("state.delete", t -> StateSql.delete(t, kind, name));
    }

    @Override
    protected StateRecord record(String kind, String name, String json) {
        return store.tx("state.append", t -> StateSql.append(t, kind, name, json));
    }

    @Override
    protected List<StateRecord> records(String kind, String name, int limit) {
        return store.tx("state.history", t -> StateSql.history(t, kind, name, limit));
    }

    @Override
    protected int pruneRecords(String kind, Instant before) {
        return store.tx("state.pruneHistory", t -> StateSql.pruneHistory(t, kind, before));
    }

    @Override
    public String toString() {
        return "state of " + store;
    }
}
