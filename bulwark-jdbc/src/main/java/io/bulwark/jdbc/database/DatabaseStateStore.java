package io.bulwark.jdbc.database;

import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateNames;
import io.bulwark.core.state.StateRecord;
import io.bulwark.core.state.StateStore;
import io.bulwark.jdbc.database.internal.StateSql;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link StateStore} of a database store: two tables beside the jobs, every call one
 * transaction stamped with the database's clock, so every node of a fleet reads the same state.
 * Obtain it from {@link DatabaseJobStore#state()}; it lives and closes with the job store.
 */
final class DatabaseStateStore implements StateStore {

    private final DatabaseJobStore store;

    DatabaseStateStore(DatabaseJobStore store) {
        this.store = store;
    }

    @Override
    public Instant now() {
        return store.now();
    }

    @Override
    public Optional<StateEntry> get(String kind, String name) {
        StateNames.check(kind, name);
        return store.tx("state.get", t -> StateSql.get(t, kind, name));
    }

    @Override
    public List<StateEntry> list(String kind) {
        StateNames.check(kind, "-");
        return store.tx("state.list", t -> StateSql.list(t, kind));
    }

    @Override
    public StateEntry put(String kind, String name, String json) {
        StateNames.check(kind, name);
        Objects.requireNonNull(json, "json");
        return store.tx("state.put", t -> StateSql.put(t, kind, name, json));
    }

    @Override
    public boolean delete(String kind, String name) {
        StateNames.check(kind, name);
        return store.tx("state.delete", t -> StateSql.delete(t, kind, name));
    }

    @Override
    public StateRecord append(String kind, String name, String json) {
        StateNames.check(kind, name);
        Objects.requireNonNull(json, "json");
        return store.tx("state.append", t -> StateSql.append(t, kind, name, json));
    }

    @Override
    public List<StateRecord> history(String kind, String name, int limit) {
        StateNames.check(kind, name);
        StateNames.checkLimit(limit);
        return store.tx("state.history", t -> StateSql.history(t, kind, name, limit));
    }

    @Override
    public int pruneHistory(String kind, Instant before) {
        StateNames.check(kind, "-");
        Objects.requireNonNull(before, "before");
        return store.tx("state.pruneHistory", t -> StateSql.pruneHistory(t, kind, before));
    }

    @Override
    public String toString() {
        return "state of " + store;
    }
}
