package io.bulwark.jdbc.database;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.bulwark.jdbc.StoreStatus;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Hands out the pool's connections and remembers who holds them, so that an exhausted pool says
 * more than "timed out": HikariCP's own message names the pool and counts (total, active, idle,
 * waiting); this adds the longest holder: "longest holder: claim on thread bulwark-worker-3 for
 * 4.2 s". Bookkeeping is one map entry per borrowed connection, keyed by the borrowing thread
 * (a store call holds one connection at a time on its thread).
 */
final class PoolWatch {

    private record Holder(String operation, String thread, long since) {
    }

    private final HikariDataSource pool;
    private final LongSupplier ticker;
    private final Map<Thread, Holder> holders = new ConcurrentHashMap<>();
    private final LongAdder timeouts = new LongAdder();

    PoolWatch(HikariDataSource pool, LongSupplier ticker) {
        this.pool = pool;
        this.ticker = ticker;
    }

    /**
     * A connection for {@code operation}; {@link #giveBack()} when done, on the same thread.
     *
     * @throws SQLTransientConnectionException when none frees up in time, naming the longest holder
     */
    Connection borrow(String operation) throws SQLException {
        Connection c;
        try {
            c = pool.getConnection();
        } catch (SQLTransientConnectionException e) {
            timeouts.increment();
            throw new SQLTransientConnectionException(e.getMessage() + longestHolder() + " while waiting for "
                    + operation, e.getSQLState(), e);
        }
        Thread t = Thread.currentThread();
        holders.put(t, new Holder(operation, t.getName(), ticker.getAsLong()));
        return c;
    }

    void giveBack() {
        holders.remove(Thread.currentThread());
    }

    private String longestHolder() {
        long now = ticker.getAsLong();
        return holders.values().stream()
                .min((a, b) -> Long.compare(a.since(), b.since()))
                .map(h -> "; longest holder: " + h.operation() + " on thread " + h.thread() + " for "
                        + String.format(java.util.Locale.ROOT, "%.1f s", (now - h.since()) / 1e9))
                .orElse("");
    }

    StoreStatus.Pool status(String role) {
        HikariPoolMXBean mx = pool.getHikariPoolMXBean();
        int active = mx == null ? 0 : mx.getActiveConnections();
        int idle = mx == null ? 0 : mx.getIdleConnections();
        int waiting = mx == null ? 0 : mx.getThreadsAwaitingConnection();
        return new StoreStatus.Pool(pool.getPoolName(), role, active, idle, waiting, pool.getMaximumPoolSize(),
                timeouts.sum());
    }
}
