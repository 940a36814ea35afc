package io.bulwark.jdbc.internal.cluster;

import io.bulwark.cluster.LockGrant;
import io.bulwark.cluster.store.LockStore;
import io.bulwark.jdbc.internal.Arguments;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link LockStore} of a JDBC store, whichever: the argument checks and the SQL
 * ({@link LockRows}) are here; a subclass says how a call gets its transaction. It lives and
 * closes with its job store: {@link #close()} does nothing.
 */
public final class JdbcLockStore implements LockStore {

    /** Lock names and owners are kept in columns of this many characters at most (MariaDB's VARCHAR(255)). */
    public static final int MAX_LENGTH = 255;

    private final ClusterTx.Runner tables;
    private final java.util.function.Supplier<String> name;

    /**
     * @param tables how the job store runs these tables' transactions
     * @param name what {@link #toString()} says, asked each time
     */
    public JdbcLockStore(ClusterTx.Runner tables, java.util.function.Supplier<String> name) {
        this.tables = Objects.requireNonNull(tables, "tables");
        this.name = Objects.requireNonNull(name, "name");
    }

    private <T> T write(String operation, ClusterTx.Work<T> work) {
        return tables.write(operation, work);
    }

    private <T> T read(String operation, ClusterTx.Work<T> work) {
        return tables.read(operation, work);
    }

    @Override
    public String toString() {
        return name.get();
    }

    @Override
    public Optional<LockGrant> tryAcquire(String name, String owner, Duration ttl) {
        requireText("name", name);
        requireText("owner", owner);
        Arguments.requirePositive("ttl", ttl);
        long ttlMs = Math.max(1, ttl.toMillis());
        return write("locks.tryAcquire", t -> LockRows.tryAcquire(t, name, owner, ttlMs));
    }

    @Override
    public Optional<LockGrant> renew(String name, long token, Duration ttl) {
        requireText("name", name);
        Arguments.requirePositive("ttl", ttl);
        long ttlMs = Math.max(1, ttl.toMillis());
        return write("locks.renew", t -> LockRows.renew(t, name, token, ttlMs));
    }

    @Override
    public boolean release(String name, long token) {
        requireText("name", name);
        return write("locks.release", t -> LockRows.release(t, name, token));
    }

    @Override
    public Optional<LockGrant> holder(String name) {
        requireText("name", name);
        return read("locks.holder", t -> LockRows.holder(t, name));
    }

    @Override
    public List<LockGrant> held() {
        return read("locks.held", LockRows::held);
    }

    /** Nothing to close: the store's connections belong to its job store, which closes them. */
    @Override
    public void close() {
    }

    private static void requireText(String what, String value) {
        if (value == null || value.isBlank() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("lock " + what + " must be 1 to " + MAX_LENGTH
                    + " characters, not blank, but was " + (value == null ? "null"
                    : value.length() > 40 ? "'" + value.substring(0, 40) + "...' (" + value.length() + " characters)"
                    : "'" + value + "'"));
        }
    }
}
