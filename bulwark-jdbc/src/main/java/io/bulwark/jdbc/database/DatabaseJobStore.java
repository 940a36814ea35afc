package io.bulwark.jdbc.database;

import io.bulwark.jdbc.internal.Arguments;

import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.core.state.StateStore;
import io.bulwark.jdbc.StoreException;
import io.bulwark.jdbc.StoreStatus;
import io.bulwark.jdbc.internal.Batches;
import io.bulwark.jdbc.internal.StoreCounts;
import io.bulwark.jdbc.database.internal.Attempts;
import io.bulwark.jdbc.database.internal.Inserts;
import io.bulwark.jdbc.database.internal.Migrations;
import io.bulwark.jdbc.database.internal.Operator;
import io.bulwark.jdbc.database.internal.Pools;
import io.bulwark.jdbc.database.internal.Queries;
import io.bulwark.jdbc.database.internal.Tx;
import io.bulwark.jdbc.internal.cluster.ClusterDialect;
import io.bulwark.jdbc.internal.cluster.ClusterTx;
import io.bulwark.jdbc.internal.cluster.JdbcClusterStore;
import io.bulwark.jdbc.internal.cluster.JdbcLockStore;
import io.bulwark.jdbc.internal.pipeline.JdbcPipelineStore;
import io.bulwark.jdbc.internal.schedule.JdbcScheduleStore;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.jobs.store.QueueCounts;
import io.bulwark.jobs.store.Renewal;
import io.bulwark.jobs.store.Settled;
import org.flywaydb.core.api.FlywayException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The job store on a database server, PostgreSQL or MariaDB: what a fleet of Bulwark nodes
 * shares. It keeps every rule of {@link JobStore}, with the database's clock deciding run times and
 * leases so that nodes whose clocks disagree still agree on who holds a job.
 *
 * <pre>{@code
 * try (DatabaseJobStore store = DatabaseJobStore.open(DatabaseOptions.builder("jdbc:postgresql://db/app")
 *         .user("bulwark").password(secret).build())) {
 *     store.enqueue(List.of(newJob));
 *     // or inside the application's own transaction, visible to workers only once it commits:
 *     store.enqueue(connection, List.of(newJob));
 * }
 * }</pre>
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>One transaction per call.</b> Each method runs in one transaction on a pooled
 *       connection and returns after its commit, so an acknowledged enqueue is as durable as the
 *       database makes a commit. A transaction that loses a deadlock or a serialization conflict is
 *       run again, up to three times.</li>
 *   <li><b>Time.</b> The transaction reads the database's clock once at its start
 *       ({@code clock_timestamp()} / {@code NOW(3)}, in epoch milliseconds); every time it writes
 *       comes from that one reading. Tests replace it with a settable clock
 *       ({@link DatabaseOptions#clock()}).</li>
 *   <li><b>Claims</b> take rows with {@code FOR UPDATE SKIP LOCKED}: many nodes claim from one
 *       queue without waiting for each other and never take a job twice. See
 *       {@code internal.Attempts}.</li>
 *   <li><b>Schema.</b> Flyway migrations per dialect, applied at open under a database lock.</li>
 * </ul>
 */
public final class DatabaseJobStore implements io.bulwark.jdbc.JdbcJobStore {

    /** A transaction that loses a deadlock or serialization conflict is run this many times in all. */
    private static final int TX_ATTEMPTS = 3;

    private final DatabaseOptions options;
    private final Dialect dialect;
    private final HikariDataSource pool;
    private final String location;
    private final String clockQuery;
    private final long agingStepMs;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final DatabaseStateStore state = new DatabaseStateStore(this);
    private final ClusterTx.Runner tables = new ClusterTx.Runner() {
        @Override
        public Instant now() {
            return DatabaseJobStore.this.now();
        }

        @Override
        public <T> T write(String operation, ClusterTx.Work<T> work) {
            return clusterTx(operation, work);
        }

        @Override
        public <T> T read(String operation, ClusterTx.Work<T> work) {
            return clusterTx(operation, work);
        }
    };
    private final JdbcClusterStore cluster = new JdbcClusterStore(tables, () -> "cluster of " + this);
    private final JdbcLockStore locks = new JdbcLockStore(tables, () -> "locks of " + this);
    private final JdbcScheduleStore schedules = new JdbcScheduleStore(tables, () -> "schedules of " + this);
    private final JdbcPipelineStore pipelines = new JdbcPipelineStore(tables, () -> "pipelines of " + this);
    private final ClusterDialect clusterDialect;
    private final PoolWatch watch;
    private final OperationTimings timings = new OperationTimings();
    private final String serverVersion;
    /** Read once at open, after migrating: status must answer even when the pool is exhausted. */
    private final String schemaVersion;
    /** Where list and count queries go when a replica is configured; null otherwise. */
    private final ReplicaReads replica;
    private final StoreCounts counts;

    private DatabaseJobStore(DatabaseOptions options, HikariDataSource pool, String serverVersion,
                             String schemaVersion) {
        this.options = options;
        this.dialect = options.dialect();
        this.clusterDialect = dialect == Dialect.POSTGRESQL ? ClusterDialect.POSTGRESQL : ClusterDialect.MARIADB;
        this.pool = pool;
        this.location = StoreUrls.redact(options.url());
        this.clockQuery = Pools.clockQuery(dialect);
        this.agingStepMs = options.agingStep().toMillis();
        this.serverVersion = serverVersion;
        this.schemaVersion = schemaVersion;
        this.watch = new PoolWatch(pool, options.ticker());
        this.replica = options.readUrl() == null ? null : new ReplicaReads(options);
        this.counts = new StoreCounts(location, () -> reading("counts", t -> Queries.liveCounts(t, countedAt())),
                () -> reading("finalCounts", t -> Queries.finalCounts(t, countedAt())), options.ticker(),
                StoreCounts.background());
    }

    /**
     * Connects, applies pending migrations and returns the store.
     *
     * @throws StoreException when the database cannot be reached, refuses the credentials, or its
     *                        schema cannot be migrated (or was migrated by a newer Bulwark)
     */
    public static DatabaseJobStore open(DatabaseOptions options) {
        Objects.requireNonNull(options, "options must be set");
        String location = StoreUrls.redact(options.url());
        String store = options.dialect().displayName() + " job store";
        HikariDataSource pool;
        try {
            pool = Pools.open("bulwark-" + options.dialect().id(), options.url(), options, false);
        } catch (RuntimeException e) {
            throw new StoreException(store, location, "connect", rootMessage(e), e);
        }
        String version;
        try (Connection c = pool.getConnection()) {
            version = c.getMetaData().getDatabaseProductVersion();
            c.rollback();
        } catch (SQLException e) {
            pool.close();
            throw new StoreException(store, location, "connect", rootMessage(e), e);
        }
        try {
            Migrations.migrate(options);
        } catch (FlywayException | Migrations.SchemaTooNewException e) {
            pool.close();
            throw new StoreException(store, location, "migrate", rootMessage(e), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        String schema;
        try (Connection c = pool.getConnection()) {
            schema = io.bulwark.jdbc.internal.JobRows.schemaVersion(c, Migrations.HISTORY_TABLE);
            c.rollback();
        } catch (SQLException e) {
            pool.close();
            throw new StoreException(store, location, "migrate", rootMessage(e), e);
        }
        return new DatabaseJobStore(options, pool, version, schema);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t == e ? m : e.getMessage() + " (" + m + ")";
    }

    /** PostgreSQL or MariaDB. */
    public Dialect dialect() {
        return dialect;
    }

    /** The pool, for status and metrics (HikariCP's Micrometer binding). */
    public HikariDataSource dataSource() {
        return pool;
    }

    /** The read replica's pool, when one is configured. */
    public Optional<HikariDataSource> replicaDataSource() {
        return Optional.ofNullable(replica).map(ReplicaReads::dataSource);
    }

    /** The options the store was opened with. */
    public DatabaseOptions options() {
        return options;
    }

    @Override
    public Instant now() {
        if (options.clock() != null) {
            return options.clock().instant().truncatedTo(ChronoUnit.MILLIS);
        }
        return Instant.ofEpochMilli(tx("now", Tx::now));
    }

    @Override
    public List<Enqueued> enqueue(List<NewJob> jobs) {
        if (jobs.isEmpty()) {
            return List.of();
        }
        Arguments.validateBatch(jobs);
        List<NewJob> batch = List.copyOf(jobs);
        try {
            return tx("enqueue", t -> Inserts.enqueue(t, batch));
        } catch (StoreException e) {
            // PostgreSQL aborts the whole batch when an id is taken; say which, as the other stores do.
            if (e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                for (NewJob j : batch) {
                    if (get(j.id()).isPresent()) {
                        throw new IllegalArgumentException("a job with id " + j.id()
                                + " already exists; nothing was enqueued");
                    }
                }
            }
            throw e;
        }
    }

    /**
     * Enqueues inside the caller's own transaction on {@code connection} (which must reach the
     * same database): the jobs are visible to workers only once the caller commits, and vanish if
     * it rolls back. The connection's auto-commit and transaction are left to the caller.
     *
     * @throws SQLException as the caller's connection reports it; the caller decides to roll back
     */
    public List<Enqueued> enqueue(Connection connection, List<NewJob> jobs) throws SQLException {
        Objects.requireNonNull(connection, "connection must be set");
        if (jobs.isEmpty()) {
            return List.of();
        }
        Arguments.validateBatch(jobs);
        try (Tx t = new Tx(connection, dialect, readNow(connection), agingStepMs)) {
            List<Enqueued> out = Inserts.enqueue(t, List.copyOf(jobs));
            t.sendWakeups();
            return out;
        }
    }

    @Override
    public List<Claim> claim(String queue, String node, int max, Duration lease) {
        Objects.requireNonNull(queue, "queue must be set");
        Arguments.requirePositive("lease", lease);
        if (max < 1) {
            return List.of();
        }
        return tx("claim", t -> Attempts.claim(t, queue, node, max, lease));
    }

    @Override
    public List<Renewal> renew(Collection<Lease> leases, Duration lease) {
        Arguments.requirePositive("lease", lease);
        if (leases.isEmpty()) {
            return List.of();
        }
        List<Lease> batch = List.copyOf(leases);
        return tx("renew", t -> Attempts.renew(t, batch, lease));
    }

    @Override
    public List<Boolean> complete(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return List.of();
        }
        List<Outcome> batch = List.copyOf(outcomes);
        return tx("complete", t -> Attempts.complete(t, batch));
    }

    @Override
    public Settled completeAndClaim(List<Outcome> outcomes, String queue, String node, int max, Duration lease) {
        Objects.requireNonNull(queue, "queue must be set");
        Arguments.requirePositive("lease", lease);
        List<Outcome> batch = List.copyOf(outcomes);
        // Outcomes first: they lock only this node's own running rows, and the claim skips locked rows.
        return tx("completeAndClaim", t -> new Settled(batch.isEmpty() ? List.of() : Attempts.complete(t, batch),
                max < 1 ? List.of() : Attempts.claim(t, queue, node, max, lease)));
    }

    /**
     * Two: a database commits transactions side by side, and with one call in flight a node's
     * throughput is bound by the latency of its calls rather than by the database (issue #11's
     * measurement: one call in flight kept 1.2 of 2 cores busy). The calls of one node cannot
     * block each other: outcomes lock only their own rows, and claims skip locked ones.
     */
    @Override
    public int claimsInFlight() {
        return 2;
    }

    @Override
    public List<Job> rescueExpired(String node, int max) {
        if (max < 1) {
            return List.of();
        }
        return tx("rescueExpired", t -> Attempts.rescueExpired(t, node, max));
    }

    @Override
    public List<Job> expireWaiting(int max) {
        if (max < 1) {
            return List.of();
        }
        return tx("expireWaiting", t -> Attempts.expireWaiting(t, max));
    }

    @Override
    public List<Job> rescueNode(String node, Instant claimedBefore, String rescuer, int max) {
        Objects.requireNonNull(node, "node must be set");
        Objects.requireNonNull(claimedBefore, "claimedBefore must be set");
        if (max < 1) {
            return List.of();
        }
        long before = claimedBefore.toEpochMilli();
        return tx("rescueNode", t -> Attempts.rescueNode(t, node, before, rescuer, max));
    }

    @Override
    public Optional<Job> get(UUID id) {
        Objects.requireNonNull(id, "id must be set");
        return tx("get", t -> Queries.get(t, id));
    }

    @Override
    public List<Job> list(JobQuery query) {
        Objects.requireNonNull(query, "query must be set");
        return reading("list", t -> Queries.list(t, query));
    }

    @Override
    public Optional<Job> cancel(UUID id, String reason) {
        Objects.requireNonNull(id, "id must be set");
        return tx("cancel", t -> Operator.cancel(t, id, reason));
    }

    @Override
    public Optional<Job> retry(UUID id, String reason) {
        Objects.requireNonNull(id, "id must be set");
        return tx("retry", t -> Operator.retry(t, id, reason));
    }

    @Override
    public int retryDead(String queue, Collection<UUID> ids) {
        Objects.requireNonNull(queue, "queue must be set");
        List<UUID> only = ids == null ? List.of() : List.copyOf(ids);
        return counts.changingFinals(() ->
                tx("retryDead", t -> Operator.retryDead(t, queue, only)));
    }

    @Override
    public int purgeDead(String queue) {
        Objects.requireNonNull(queue, "queue must be set");
        return counts.changingFinals(() ->
                Batches.delete(Integer.MAX_VALUE, n -> tx("purgeDead", t -> Operator.purgeDead(t, queue, n))));
    }

    @Override
    public int prune(Instant finishedBefore, int limit) {
        Objects.requireNonNull(finishedBefore, "finishedBefore must be set");
        return counts.changingFinals(() ->
                Batches.delete(limit, n -> tx("prune", t -> Operator.prune(t, finishedBefore, n))));
    }

    /**
     * Live states are read through indexes that hold only them; final states take a read of every
     * final job, so once either part counts over 50,000 jobs it is served from its last reading (see
     * {@link StoreCounts}).
     */
    @Override
    public List<QueueCounts> counts() {
        return counts.get();
    }

    /** A read on the replica when one is configured and serves, else on the primary. */
    private <T> T reading(String operation, TxWork<T> work) {
        return replica == null ? tx(operation, work) : replica.read(operation, work::run, () -> tx(operation, work));
    }

    /** When counts were read, by this node's clock (a replica's transaction has no store time). */
    private Instant countedAt() {
        return (options.clock() == null ? Instant.now() : options.clock().instant()).truncatedTo(ChronoUnit.MILLIS);
    }

    /** The persisted settings (JSON) of queue {@code name}, if any were saved. */
    @Override
    public Optional<String> queueSettings(String name) {
        Objects.requireNonNull(name, "name must be set");
        return tx("queueSettings", t -> Queries.queueSettings(t, name));
    }

    /** Persists {@code json} as the settings of queue {@code name}, replacing earlier ones. */
    @Override
    public void saveQueueSettings(String name, String json) {
        Objects.requireNonNull(name, "name must be set");
        Objects.requireNonNull(json, "json must be set");
        tx("saveQueueSettings", t -> Operator.saveQueueSettings(t, name, json));
    }

    /** Every persisted queue's settings (JSON), by queue name. */
    @Override
    public Map<String, String> allQueueSettings() {
        return tx("allQueueSettings", Queries::allQueueSettings);
    }

    /** The store's {@link StateStore}: runtime state kept in the same database. */
    @Override
    public StateStore state() {
        return state;
    }

    /** Nodes, heartbeats and the leader's term in the same database, judged by the database's clock. */
    @Override
    public io.bulwark.cluster.store.ClusterStore cluster() {
        return cluster;
    }

    /** The store's {@link io.bulwark.cluster.store.LockStore}: named locks with fencing tokens in the same database. */
    @Override
    public io.bulwark.cluster.store.LockStore locks() {
        return locks;
    }

    /** Schedules and their firings in the same database, judged by the database's clock. */
    @Override
    public io.bulwark.scheduler.store.ScheduleStore schedules() {
        return schedules;
    }

    /** Pipelines, their runs and step instances in the same database, stamped by the database's clock. */
    @Override
    public io.bulwark.pipeline.store.PipelineStore pipelines() {
        return pipelines;
    }

    /** Runs cluster, lock, schedule or pipeline work in one transaction, as {@link #tx} runs job work. */
    <T> T clusterTx(String operation, ClusterTx.Work<T> work) {
        return tx(operation, t -> work.run(new ClusterTx(t.connection(), t.now(), clusterDialect)));
    }

    /**
     * On PostgreSQL, listens for jobs that become ready to run on any node (enqueued, retried) and
     * tells {@code onReady} their queue, within milliseconds of the commit, so an idle worker need
     * not poll hard. The listener runs on one thread from {@code threads} with a connection of its
     * own (outside the pool), and reconnects by itself when the database goes away. Empty on
     * MariaDB, which has no notifications: its workers poll every {@code jobs.pollInterval}.
     */
    public Optional<AutoCloseable> listen(java.util.function.Consumer<String> onReady,
                                          java.util.concurrent.ThreadFactory threads) {
        if (dialect != Dialect.POSTGRESQL) {
            return Optional.empty();
        }
        return Optional.of(Listener.start(options, onReady, threads));
    }

    /** The schema version the database was at once this store had migrated it. */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** The read replica's state (lag, serving, fallbacks), when one is configured; cheap enough for a metrics scrape. */
    public Optional<StoreStatus.Replica> replicaStatus() {
        return Optional.ofNullable(replica).map(ReplicaReads::status);
    }

    /**
     * The time the database spent on the store's statements so far: PostgreSQL's
     * {@code pg_stat_statements} for this database and user when the extension is installed and
     * loaded, else the store's own timings of its transactions per operation, with a note saying why.
     * Never throws: a failure to read the view falls back the same way.
     */
    public StatementStats statements() {
        if (dialect != Dialect.POSTGRESQL) {
            return new StatementStats(StatementStats.OPERATIONS, timings.snapshot(), dialect.displayName()
                    + " has no pg_stat_statements: the store's own timings of its transactions");
        }
        String why;
        try (Connection c = watch.borrow("statements")) {
            try {
                Optional<String> schema = PgStatStatements.schema(c);
                if (schema.isEmpty()) {
                    why = "the pg_stat_statements extension is not installed in this database (CREATE EXTENSION "
                            + "pg_stat_statements, with it in shared_preload_libraries)";
                } else {
                    return new StatementStats(StatementStats.PG_STAT_STATEMENTS, PgStatStatements.read(c, schema.get()), "");
                }
            } catch (SQLException e) {
                why = "pg_stat_statements cannot be read (" + e.getMessage().strip() + ")";
            } finally {
                rollback(c, null);
                watch.giveBack();
            }
        } catch (SQLException e) {
            why = "no connection to read pg_stat_statements (" + e.getMessage().strip() + ")";
        }
        return new StatementStats(StatementStats.OPERATIONS, timings.snapshot(), why
                + ": the store's own timings of its transactions");
    }

    /** Dialect, versions and the pool's figures right now. */
    @Override
    public StoreStatus status() {
        List<StoreStatus.Pool> pools = replica == null ? List.of(watch.status("primary"))
                : List.of(watch.status("primary"), replica.poolStatus());
        return new StoreStatus(dialect.id(), location, serverVersion, schemaVersion(), pools,
                replica == null ? null : replica.status());
    }

    /** Closes the pool. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (replica != null) {
                replica.close();
            }
            pool.close();
        }
    }

    @FunctionalInterface
    interface TxWork<T> {
        T run(Tx tx) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction and commits it; a deadlock or serialization failure
     * runs it again from the start (up to {@link #TX_ATTEMPTS} in all), anything else rolls back.
     */
    <T> T tx(String operation, TxWork<T> work) {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed; " + operation + " refused");
        }
        for (int attempt = 1; ; attempt++) {
            try (Connection c = watch.borrow(operation)) {
                long started = options.ticker().getAsLong();
                try (Tx t = new Tx(c, dialect, readNow(c), agingStepMs)) {
                    T result = work.run(t);
                    t.sendWakeups();
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollback(c, e);
                    throw e;
                } finally {
                    timings.record(operation, options.ticker().getAsLong() - started);
                    watch.giveBack();
                }
            } catch (SQLException e) {
                if (attempt < TX_ATTEMPTS && isConflict(e)) {
                    continue;
                }
                throw new StoreException(dialect.displayName() + " job store", location, operation, e.getMessage(), e);
            }
        }
    }

    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }

    /** Deadlock (40P01, MariaDB 1213) or serialization failure (40001): the transaction may simply run again. */
    private static boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state) || e.getErrorCode() == 1213;
    }

    private long readNow(Connection c) throws SQLException {
        if (options.clock() != null) {
            return options.clock().instant().truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
        }
        try (PreparedStatement ps = c.prepareStatement(clockQuery); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }


    DataSource pool() {
        return pool;
    }

    @Override
    public String toString() {
        return dialect.displayName() + " job store " + location;
    }
}
