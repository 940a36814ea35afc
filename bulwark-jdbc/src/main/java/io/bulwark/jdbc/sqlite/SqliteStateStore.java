package io.bulwark.jdbc.sqlite;

import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateRecord;
import io.bulwark.jdbc.internal.CheckedStateStore;
import io.bulwark.jdbc.sqlite.internal.StateRows;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@link io.bulwark.core.state.StateStore} of an embedded store: two tables in the same
 * {@code jobs.db}, written through the store's one group-commit writer (so a write is durable when
 * it returns, and shares fsyncs with job writes) and read on its read connections. Obtain it from
 * {@link SqliteJobStore#state()}; it lives and closes with the job store.
 */
final class SqliteStateStore extends CheckedStateStore {

    private final SqliteJobStore store;

    SqliteStateStore(SqliteJobStore store) {
        this.store = store;
    }

    @Override
    public Instant now() {
        return store.now();
    }

    @Override
    protected Optional<StateEntry> read(String kind, String name) {
        return store.read("state.get", c -> StateRows.get(c, kind, name));
    }

    @Override
    protected List<StateEntry> readAll(String kind) {
        return store.read("state.list", c -> StateRows.list(c, kind));
    }

    @Override
    protected StateEntry write(String kind, String name, String json) {
        return store.write("state.put", s -> StateRows.put(s, kind, name, json));
    }

    @Override
    protected Optional<StateEntry> writeIfVersion(String kind, String name, String json, long expectedVersion) {
        return store.write("state.putIfVersion", s -> StateRows.putIfVersion(s, kind, name, json, expectedVersion));
    }

    @Override
    protected boolean remove(String kind, String name) {
        return store.write("state.delete", s -> StateRows.delete(s, kind, name));
    }

    @Override
    protected StateRecord record(String kind, String name, String json) {
        return store.write("state.append", s -> StateRows.append(s, kind, name, json));
    }

    @Override
    protected List<StateRecord> records(String kind, String name, int limit) {
        return store.read("state.history", c -> StateRows.history(c, kind, name, limit));
    }

    @Override
    protected int pruneRecords(String kind, Instant before) {
        return store.write("state.pruneHistory", s -> StateRows.pruneHistory(s, kind, before.toEpochMilli()));
    }

    @Override
    public String toString() {
        return "state of " + store;
    }
}
