package io.bulwark.jdbc.database;

import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.jdbc.StoreStatus;
import io.bulwark.jdbc.database.internal.Pools;
import io.bulwark.jdbc.database.internal.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Sends list and count queries to a read replica while it is close enough behind, and to the
 * primary otherwise.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Lag.</b> Asked of the replica at most once a second: on PostgreSQL, zero when it has
 *       replayed all it received, else {@code clock_timestamp() - pg_last_xact_replay_timestamp()};
 *       on MariaDB, {@code Seconds_Behind_Master}. Beyond {@code readMaxLag} reads go to the
 *       primary until it catches up.</li>
 *   <li><b>Failure.</b> A replica that cannot be reached sends reads to the primary; it is tried
 *       again five seconds later. Each change of state is logged once and counted.</li>
 *   <li>The replica's pool does not fail the store's start: a replica may be down when the primary
 *       is up.</li>
 * </ul>
 */
final class ReplicaReads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaReads.class);
    private static final long LAG_EVERY_NANOS = 1_000_000_000L;
    private static final long RETRY_NANOS = 5_000_000_000L;

    private record State(boolean serving, long lagMs, String reason, long checkedAt) {
    }

    @FunctionalInterface
    interface Read<T> {
        T run(Tx tx) throws SQLException;
    }

    private final HikariDataSource pool;
    private final Dialect dialect;
    private final String location;
    private final long maxLagMs;
    private final long agingStepMs;
    private final java.util.function.LongSupplier ticker;
    private final AtomicReference<State> state;
    private final LongAdder fallbacks = new LongAdder();

    ReplicaReads(DatabaseOptions options) {
        this.dialect = options.dialect();
        this.location = StoreUrls.redact(options.readUrl());
        this.maxLagMs = options.readMaxLag().toMillis();
        this.agingStepMs = options.agingStep().toMillis();
        this.ticker = options.ticker();
        this.pool = Pools.open("bulwark-" + dialect.id() + "-replica", options.readUrl(), options, true, false);
        this.state = new AtomicReference<>(new State(true, 0, null, ticker.getAsLong() - LAG_EVERY_NANOS));
    }

    /** Runs {@code read} on the replica when it serves, else {@code primary}. */
    <T> T read(String operation, Read<T> read, Supplier<T> primary) {
        State s = current();
        if (!s.serving()) {
            fallbacks.increment();
            return primary.get();
        }
        try (Connection c = pool.getConnection()) {
            try (Tx t = new Tx(c, dialect, 0, agingStepMs)) {
                T result = read.run(t);
                c.rollback();
                return result;
            }
        } catch (SQLException e) {
            change(new State(false, -1, "the replica failed: " + e.getMessage(), ticker.getAsLong()));
            fallbacks.increment();
            return primary.get();
        }
    }

    /** The state, asking the replica for its lag when the last answer is older than a second. */
    private State current() {
        State s = state.get();
        long now = ticker.getAsLong();
        long wait = s.serving() || s.lagMs() >= 0 ? LAG_EVERY_NANOS : RETRY_NANOS;
        if (now - s.checkedAt() < wait) {
            return s;
        }
        State next;
        try {
            long lag = lagMs();
            next = lag > maxLagMs
                    ? new State(false, lag, "the replica is " + lag + " ms behind (store.readMaxLag is " + maxLagMs
                            + " ms)", now)
                    : new State(true, lag, null, now);
        } catch (SQLException e) {
            next = new State(false, -1, "the replica failed: " + e.getMessage(), now);
        }
        change(next);
        return next;
    }

    private void change(State next) {
        State before = state.getAndSet(next);
        if (before.serving() && !next.serving()) {
            LOG.warn("Reads go to the primary instead of the replica {}: {}; the replica is asked again shortly",
                    location, next.reason());
        } else if (!before.serving() && next.serving()) {
            LOG.info("Reads go to the replica {} again ({} ms behind)", location, next.lagMs());
        }
    }

    private long lagMs() throws SQLException {
        String sql = dialect == Dialect.POSTGRESQL
                ? "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
                        + "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                        + "ELSE CAST(COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) "
                        + "* 1000, 0) AS BIGINT) END"
                : "SHOW REPLICA STATUS";
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            long lag = 0;
            if (rs.next()) {
                if (dialect == Dialect.POSTGRESQL) {
                    lag = rs.getLong(1);
                } else {
                    long seconds = rs.getLong("Seconds_Behind_Master");
                    lag = rs.wasNull() ? Long.MAX_VALUE / 2 : seconds * 1000;
                }
            }
            c.rollback();
            return lag;
        }
    }

    StoreStatus.Replica status() {
        State s = current();
        return new StoreStatus.Replica(location, s.serving(), s.lagMs(), maxLagMs, fallbacks.sum(), s.reason());
    }

    StoreStatus.Pool poolStatus() {
        var mx = pool.getHikariPoolMXBean();
        return new StoreStatus.Pool(pool.getPoolName(), "replica", mx == null ? 0 : mx.getActiveConnections(),
                mx == null ? 0 : mx.getIdleConnections(), mx == null ? 0 : mx.getThreadsAwaitingConnection(),
                pool.getMaximumPoolSize(), 0);
    }

    HikariDataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
