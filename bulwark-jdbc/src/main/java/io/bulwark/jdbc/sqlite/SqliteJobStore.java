package io.bulwark.jdbc.sqlite;

import io.bulwark.jdbc.internal.Arguments;

import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.jdbc.StoreException;
import io.bulwark.jdbc.internal.Batches;
import io.bulwark.jdbc.internal.StoreCounts;
import io.bulwark.jdbc.sqlite.internal.Admin;
import io.bulwark.jdbc.sqlite.internal.Attempts;
import io.bulwark.jdbc.sqlite.internal.Database;
import io.bulwark.jdbc.sqlite.internal.Enqueues;
import io.bulwark.jdbc.sqlite.internal.GroupCommitWriter;
import io.bulwark.jdbc.sqlite.internal.Reads;
import io.bulwark.jdbc.sqlite.internal.Session;
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

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded job store: one SQLite file, {@code jobs.db}, in a data directory. The default
 * store of {@code bulwark serve}; it keeps every rule of {@link JobStore}.
 *
 * <pre>{@code
 * try (SqliteJobStore store = SqliteJobStore.open(Path.of("data"), InstantSource.system(),
 *         SqliteOptions.defaults())) {
 *     store.enqueue(List.of(newJob));
 *     List<Claim> claims = store.claim("emails", "node-1", 10, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>One writer, group commit.</b> Every change runs on one connection owned by one loop
 *       (a thread from {@link SqliteOptions#threadFactory()}): it takes all the writes waiting,
 *       runs them in one transaction and commits once, so concurrent callers share an fsync.
 *       A call returns only after its commit: in {@link Durability#FULL} an acknowledged write
 *       survives power loss, in {@link Durability#NORMAL} a crash of the process. Since only this
 *       loop writes, a write operation may read and then update without races: claims by
 *       concurrent callers cannot hand out one job twice.</li>
 *   <li><b>Readers.</b> {@link #get}, {@link #list}, {@link #counts} and the queue settings run on
 *       a small pool of read-only connections; in WAL mode they never wait for the writer and see
 *       every committed write, so every acknowledged one.</li>
 *   <li><b>Time.</b> Every time comes from the injected clock ({@link #now()}), kept in whole
 *       milliseconds: times read back equal times written.</li>
 *   <li><b>History.</b> {@link #get}, {@link #claim}, {@link #cancel} and {@link #retry} return
 *       jobs with their history; {@link #enqueue}, {@link #list} and {@link #rescueExpired} without
 *       (as the in-memory store does), which keeps the hot enqueue path to two inserts a job.</li>
 *   <li><b>Ids</b> are stored as 16 big-endian bytes and ordered byte-wise (unsigned). For UUIDv7
 *       ids that is creation order and agrees with {@link UUID#compareTo}; for other UUIDs whose top
 *       bit is set the two orders differ (Java compares signed), which only matters for ties.</li>
 *   <li><b>Schema.</b> Versioned migrations ({@code db/sqlite/V<n>__*.sql}) applied by Flyway at
 *       open, each once.</li>
 * </ul>
 */
public final class SqliteJobStore implements io.bulwark.jdbc.JdbcJobStore {

    /** The database file in the data directory. */
    public static final String FILE_NAME = "jobs.db";

    private static final String STORE = "SQLite job store";

    private final Path file;
    private final InstantSource clock;
    private final GroupCommitWriter writer;
    private final HikariDataSource readers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SqliteStateStore state = new SqliteStateStore(this);
    private final ClusterTx.Runner tables = new ClusterTx.Runner() {
        @Override
        public Instant now() {
            return SqliteJobStore.this.now();
        }

        @Override
        public <T> T write(String operation, ClusterTx.Work<T> work) {
            return clusterWrite(operation, work);
        }

        @Override
        public <T> T read(String operation, ClusterTx.Work<T> work) {
            return clusterRead(operation, work);
        }
    };
    private final JdbcClusterStore cluster = new JdbcClusterStore(tables, () -> "cluster of " + this);
    private final JdbcLockStore locks = new JdbcLockStore(tables, () -> "locks of " + this);
    private final JdbcScheduleStore schedules = new JdbcScheduleStore(tables, () -> "schedules of " + this);
    private final JdbcPipelineStore pipelines = new JdbcPipelineStore(tables, () -> "pipelines of " + this);

    private final StoreCounts counts;

    private SqliteJobStore(Path file, InstantSource clock, GroupCommitWriter writer, HikariDataSource readers) {
        this.file = file;
        this.clock = clock;
        this.writer = writer;
        this.readers = readers;
        this.counts = new StoreCounts(file.toString(), () -> read("counts", c -> Reads.liveCounts(c, clock.instant())),
                () -> read("finalCounts", c -> Reads.finalCounts(c, clock.instant())), System::nanoTime,
                StoreCounts.background());
    }

    /**
     * Opens (creating when needed) {@code dataDir/jobs.db}, applies pending migrations and starts
     * the writer on a thread from {@code options.threadFactory()}.
     *
     * @throws StoreException when the directory or the database cannot be opened or migrated
     */
    public static SqliteJobStore open(Path dataDir, InstantSource clock, SqliteOptions options) {
        Objects.requireNonNull(dataDir, "dataDir must be set");
        Objects.requireNonNull(clock, "clock must be set");
        Objects.requireNonNull(options, "options must be set");
        Path file = dataDir.toAbsolutePath().resolve(FILE_NAME);
        String location = file.toString();
        try {
            Database.createOwnerOnly(dataDir, file);
        } catch (IOException e) {
            throw new StoreException(STORE, location, "open", "cannot create the data directory: " + e, e);
        }
        try {
            Database.migrate(file, options);
        } catch (FlywayException e) {
            throw new StoreException(STORE, location, "migrate", e.getMessage(), e);
        }
        Connection connection;
        try {
            connection = Database.openWriter(file, options);
        } catch (SQLException e) {
            throw new StoreException(STORE, location, "open", e.getMessage(), e);
        }
        HikariDataSource readers;
        try {
            readers = Database.openReaders(file, options);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw new StoreException(STORE, location, "open", "cannot open the read connections: " + e.getMessage(), e);
        }
        Session session = new Session(connection, clock, options.agingStep().toMillis());
        GroupCommitWriter writer;
        try {
            writer = GroupCommitWriter.start(session, location, options.maxBatch(), options.writeQueueCapacity(),
                    options.threadFactory());
        } catch (RuntimeException e) {
            closeQuietly(connection);
            readers.close();
            throw e;
        }
        return new SqliteJobStore(file, clock, writer, readers);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Opening failed already; that is the error to report.
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    @Override
    public Instant now() {
        return Session.now(clock);
    }

    @Override
    public List<Enqueued> enqueue(List<NewJob> jobs) {
        if (jobs.isEmpty()) {
            return List.of();
        }
        Arguments.validateBatch(jobs);
        List<NewJob> batch = List.copyOf(jobs);
        return writer.call("enqueue", s -> Enqueues.enqueue(s, batch));
    }

    @Override
    public List<Claim> claim(String queue, String node, int max, Duration lease) {
        Objects.requireNonNull(queue, "queue must be set");
        Arguments.requirePositive("lease", lease);
        if (max < 1) {
            return List.of();
        }
        return writer.call("claim", s -> Attempts.claim(s, queue, node, max, lease));
    }

    @Override
    public List<Renewal> renew(Collection<Lease> leases, Duration lease) {
        Arguments.requirePositive("lease", lease);
        if (leases.isEmpty()) {
            return List.of();
        }
        List<Lease> batch = List.copyOf(leases);
        return writer.call("renew", s -> Attempts.renew(s, batch, lease));
    }

    @Override
    public List<Boolean> complete(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return List.of();
        }
        List<Outcome> batch = List.copyOf(outcomes);
        return writer.call("complete", s -> Attempts.complete(s, batch));
    }

    @Override
    public Settled completeAndClaim(List<Outcome> outcomes, String queue, String node, int max, Duration lease) {
        Objects.requireNonNull(queue, "queue must be set");
        Arguments.requirePositive("lease", lease);
        List<Outcome> batch = List.copyOf(outcomes);
        return writer.call("completeAndClaim", s -> new Settled(batch.isEmpty() ? List.of() : Attempts.complete(s, batch),
                max < 1 ? List.of() : Attempts.claim(s, queue, node, max, lease)));
    }

    @Override
    public List<Job> rescueExpired(String node, int max) {
        if (max < 1) {
            return List.of();
        }
        return writer.call("rescueExpired", s -> Attempts.rescueExpired(s, node, max));
    }

    @Override
    public List<Job> expireWaiting(int max) {
        if (max < 1) {
            return List.of();
        }
        return writer.call("expireWaiting", s -> Attempts.expireWaiting(s, max));
    }

    @Override
    public List<Job> rescueNode(String node, Instant claimedBefore, String rescuer, int max) {
        Objects.requireNonNull(node, "node must be set");
        Objects.requireNonNull(claimedBefore, "claimedBefore must be set");
        if (max < 1) {
            return List.of();
        }
        long before = claimedBefore.toEpochMilli();
        return writer.call("rescueNode", s -> Attempts.rescueNode(s, node, before, rescuer, max));
    }

    @Override
    public Optional<Job> get(UUID id) {
        Objects.requireNonNull(id, "id must be set");
        return read("get", c -> Reads.get(c, id));
    }

    @Override
    public List<Job> list(JobQuery query) {
        Objects.requireNonNull(query, "query must be set");
        return read("list", c -> Reads.list(c, query));
    }

    @Override
    public Optional<Job> cancel(UUID id, String reason) {
        Objects.requireNonNull(id, "id must be set");
        return writer.call("cancel", s -> Admin.cancel(s, id, reason));
    }

    @Override
    public Optional<Job> retry(UUID id, String reason) {
        Objects.requireNonNull(id, "id must be set");
        return writer.call("retry", s -> Admin.retry(s, id, reason));
    }

    @Override
    public int retryDead(String queue, Collection<UUID> ids) {
        Objects.requireNonNull(queue, "queue must be set");
        List<UUID> only = ids == null ? List.of() : List.copyOf(ids);
        return counts.changingFinals(() ->
                writer.call("retryDead", s -> Admin.retryDead(s, queue, only)));
    }

    @Override
    public int purgeDead(String queue) {
        Objects.requireNonNull(queue, "queue must be set");
        return counts.changingFinals(() ->
                Batches.delete(Integer.MAX_VALUE, n -> writer.call("purgeDead", s -> Admin.purgeDead(s, queue, n))));
    }

    @Override
    public int prune(Instant finishedBefore, int limit) {
        Objects.requireNonNull(finishedBefore, "finishedBefore must be set");
        return counts.changingFinals(() ->
                Batches.delete(limit, n -> writer.call("prune", s -> Admin.prune(s, finishedBefore, n))));
    }

    @Override
    public List<QueueCounts> counts() {
        return counts.get();
    }

    /** The persisted settings (JSON) of queue {@code name}, if any were saved. */
    @Override
    public Optional<String> queueSettings(String name) {
        Objects.requireNonNull(name, "name must be set");
        return read("queueSettings", c -> Reads.queueSettings(c, name));
    }

    /** Persists {@code json} as the settings of queue {@code name}, replacing earlier ones. */
    @Override
    public void saveQueueSettings(String name, String json) {
        Objects.requireNonNull(name, "name must be set");
        Objects.requireNonNull(json, "json must be set");
        writer.call("saveQueueSettings", s -> Admin.saveQueueSettings(s, name, json));
    }

    /** Every persisted queue's settings (JSON), by queue name. */
    @Override
    public Map<String, String> allQueueSettings() {
        return read("allQueueSettings", Reads::allQueueSettings);
    }

    /**
     * The store's {@link io.bulwark.core.state.StateStore}: runtime state (settings changed over
     * the API, breaker history) kept in the same database, written through the same writer.
     */
    @Override
    public io.bulwark.core.state.StateStore state() {
        return state;
    }

    <T> T write(String operation, GroupCommitWriter.Work<T> work) {
        return writer.call(operation, work);
    }

    /** Nodes and the leader's term in the same file: one process, a fleet's rules, this store's clock. */
    @Override
    public io.bulwark.cluster.store.ClusterStore cluster() {
        return cluster;
    }

    /** The store's {@link io.bulwark.cluster.store.LockStore}: named locks with fencing tokens in the same file. */
    @Override
    public io.bulwark.cluster.store.LockStore locks() {
        return locks;
    }

    /** Schedules and their firings in the same file, written through the same writer. */
    @Override
    public io.bulwark.scheduler.store.ScheduleStore schedules() {
        return schedules;
    }

    /** Pipelines, their runs and step instances in the same file, written through the same writer. */
    @Override
    public io.bulwark.pipeline.store.PipelineStore pipelines() {
        return pipelines;
    }

    <T> T clusterWrite(String operation, ClusterTx.Work<T> work) {
        return writer.call(operation, s -> work.run(new ClusterTx(s.connection(), s.nowMs(), ClusterDialect.SQLITE)));
    }

    <T> T clusterRead(String operation, ClusterTx.Work<T> work) {
        long now = now().toEpochMilli();
        return read(operation, c -> work.run(new ClusterTx(c, now, ClusterDialect.SQLITE)));
    }

    /** What the store is: SQLite's version, the schema version, the read pool's figures. */
    @Override
    public io.bulwark.jdbc.StoreStatus status() {
        return read("status", c -> {
            String version;
            String schema;
            try (var st = c.createStatement()) {
                try (var rs = st.executeQuery("SELECT sqlite_version()")) {
                    rs.next();
                    version = rs.getString(1);
                }
                schema = io.bulwark.jdbc.internal.JobRows.schemaVersion(c, "flyway_schema_history");
            }
            var mx = readers.getHikariPoolMXBean();
            return new io.bulwark.jdbc.StoreStatus("sqlite", file.toString(), version, schema, List.of(
                    new io.bulwark.jdbc.StoreStatus.Pool(readers.getPoolName(), "read", mx.getActiveConnections(),
                            mx.getIdleConnections(), mx.getThreadsAwaitingConnection(), readers.getMaximumPoolSize(), 0)), null);
        });
    }

    /** What the writer has done so far: operations, commits, the largest group commit. */
    public WriteStats writeStats() {
        return writer.stats();
    }

    /** Runs the writes already queued, then closes every connection. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                writer.close();
            } finally {
                readers.close();
            }
        }
    }

    @FunctionalInterface
    interface ReadWork<T> {
        T run(Connection c) throws SQLException;
    }

    <T> T read(String operation, ReadWork<T> work) {
        if (closed.get()) {
            throw new IllegalStateException(STORE + " " + file + " is closed; " + operation + " refused");
        }
        try (Connection c = readers.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(STORE, file.toString(), operation, e.getMessage(), e);
        }
    }


    @Override
    public String toString() {
        return STORE + " " + file;
    }
}
