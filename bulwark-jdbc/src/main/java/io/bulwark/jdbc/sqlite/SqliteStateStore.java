package io.bulwark.jdbc.sqlite;

import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateNames;
import io.bulwark.core.state.StateRecord;
import io.bulwark.core.state.StateStore;
import io.bulwark.jdbc.sqlite.internal.StateRows;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link StateStore} of an embedded store: two tables in the same {@code jobs.db}, written
 * through the store's one group-commit writer (so a write is durable when it returns, and shares
 * fsyncs with job writes) and read on its read connections. Obtain it from
 * {@link SqliteJobStore#state()}; it lives and closes with the job store.
 */
final class SqliteStateStore implements StateStore {

    private final SqliteJobStore store;

    SqliteStateStore(SqliteJobStore store) {
        this.store = store;
    }

    @Override
    public Instant now() {
        return store.now();
    }

    @Override
    public Optional<StateEntry> get(String kind, String name) {
        StateNames.check(kind, name);
        return store.read("state.get", c -> StateRows.get(c, kind, name));
    }

    @Override
    public List<StateEntry> list(String kind) {
        StateNames.check(kind, "-");
        return store.read("state.list", c -> StateRows.list(c, kind));
    }

    @Override
    public StateEntry put(String kind, String name, String json) {
        StateNames.check(kind, name);
        Objects.requireNonNull(json, "json");
        return store.write("state.put", s -> StateRows.put(s, kind, name, json));
    }

    @Override
    public boolean delete(String kind, String name) {
        StateNames.check(kind, name);
        return store.write("state.delete", s -> StateRows.delete(s, kind, name));
    }

    @Override
    public StateRecord append(String kind, String name, String json) {
        StateNames.check(kind, name);
        Objects.requireNonNull(json, "json");
        return store.write("state.append", s -> StateRows.append(s, kind, name, json));
    }

    @Override
    public List<StateRecord> history(String kind, String name, int limit) {
        StateNames.check(kind, name);
        StateNames.checkLimit(limit);
        return store.read("state.history", c -> StateRows.history(c, kind, name, limit));
    }

    @Override
    public int pruneHistory(String kind, Instant before) {
        StateNames.check(kind, "-");
        Objects.requireNonNull(before, "before");
        return store.write("state.pruneHistory", s -> StateRows.pruneHistory(s, kind, before.toEpochMilli()));
    }

    @Override
    public String toString() {
        return "state of " + store;
    }
}
