package io.bulwark.jdbc.internal;

import io.bulwark.core.state.StateEntry;
import io.bulwark.core.state.StateNames;
import io.bulwark.core.state.StateRecord;
import io.bulwark.core.state.StateStore;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The argument checks every JDBC {@link StateStore} applies before it touches its database, so
 * that the stores fail alike; subclasses say how to run each call.
 */
public abstract class CheckedStateStore implements StateStore {

    protected abstract Optional<StateEntry> read(String kind, String name);

    protected abstract List<StateEntry> readAll(String kind);

    protected abstract StateEntry write(String kind, String name, String json);

    /** Writes only at {@code expectedVersion} (0: only when absent), atomically; empty when the version differs. */
    protected abstract Optional<StateEntry> writeIfVersion(String kind, String name, String json, long expectedVersion);

    protected abstract boolean remove(String kind, String name);

    protected abstract StateRecord record(String kind, String name, String json);

    protected abstract List<StateRecord> records(String kind, String name, int limit);

    protected abstract int pruneRecords(String kind, Instant before);

    @Override
    public final Optional<StateEntry> get(String kind, String name) {
        StateNames.check(kind, name);
        return read(kind, name);
    }

    @Override
    public final List<StateEntry> list(String kind) {
        StateNames.check(kind, "-");
        return readAll(kind);
    }

    @Override
    public final StateEntry put(String kind, String name, String json) {
        StateNames.check(kind, name);
        Objects.requireNonNull(json, "json");
        return write(kind, name, json);
    }

    @Override
    public final Optional<StateEntry> putIfVersion(String kind, String name, String json, long expectedVersion) {
        StateNames.check(kind, name);
        Objects.requireNonNull(json, "json");
        StateNames.checkVersion(expectedVersion);
        return writeIfVersion(kind, name, json, expectedVersion);
    }

    @Override
    public final boolean delete(String kind, String name) {
        StateNames.check(kind, name);
        return remove(kind, name);
    }

    @Override
    public final StateRecord append(String kind, String name, String json) {
        StateNames.check(kind, name);
        Objects.requireNonNull(json, "json");
        return record(kind, name, json);
    }

    @Override
    public final List<StateRecord> history(String kind, String name, int limit) {
        StateNames.check(kind, name);
        StateNames.checkLimit(limit);
        return records(kind, name, limit);
    }

    @Override
    public final int pruneHistory(String kind, Instant before) {
        StateNames.check(kind, "-");
        Objects.requireNonNull(before, "before");
        return pruneRecords(kind, before);
    }
}
