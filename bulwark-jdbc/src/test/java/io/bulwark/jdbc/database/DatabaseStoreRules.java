package io.bulwark.jdbc.database;

import io.bulwark.cluster.LockGrant;
import io.bulwark.cluster.NodeInfo;
import io.bulwark.cluster.NodeRole;
import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.Beat;
import io.bulwark.cluster.store.NotLeaderException;
import io.bulwark.core.ids.Uuid7;
import io.bulwark.jdbc.StoreException;
import io.bulwark.jdbc.database.internal.Migrations;
import io.bulwark.jobs.Handlers;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.QueueRegistry;
import io.bulwark.jobs.QueueSettings;
import io.bulwark.jobs.Worker;
import io.bulwark.jobs.WorkerLoop;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.resilience.retry.Backoff;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a database store does beyond the job-store contract: transactional enqueue, the
 * database's clock (for jobs, heartbeats, terms and locks), migrations under concurrency and from a newer binary, hostile strings. Each
 * dialect's test extends it.
 */
abstract class DatabaseStoreRules {

    private static final Uuid7 IDS = new Uuid7(InstantSource.system(), new java.util.SplittableRandom(7));

    static TestDatabase db;
    private final List<DatabaseJobStore> opened = new ArrayList<>();

    abstract LocalService server();

    static void create(LocalService server) {
        db = TestDatabase.create(server);
    }

    @AfterAll
    static void drop() {
        if (db != null) {
            db.close();
        }
    }

    @AfterEach
    void closeStores() {
        opened.forEach(DatabaseJobStore::close);
        db.truncate();
    }

    DatabaseJobStore open() {
        DatabaseJobStore s = DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).build());
        opened.add(s);
        return s;
    }

    static NewJob job(String queue, String type, String payload, String key, Set<String> tags) {
        return new NewJob(IDS.next(), queue, type, payload, 5, null, 3, Backoff.DEFAULT, Duration.ofMinutes(1), key, tags);
    }

    static NewJob job(String queue) {
        return job(queue, "t", "{}", null, Set.of());
    }

    @Test
    void aWorkerKeepsTwoClaimsInFlightAndRunsEveryJobOnceWithinItsConcurrency() throws Exception {
        twoClaimsInFlight(3, false);
    }

    /**
     * No-op jobs end far sooner than a database commit, so the worker claims ahead: the store may
     * hold up to a claim batch of this node's jobs, and still no more than the concurrency run.
     */
    @Test
    void aWorkerClaimingAheadRunsEveryJobOnceAndHoldsNoMoreThanABatch() throws Exception {
        twoClaimsInFlight(20, true);
    }

    private void twoClaimsInFlight(int claimBatch, boolean claimAhead) throws Exception {
        DatabaseJobStore store = open();
        assertThat(store.claimsInFlight()).isEqualTo(2);
        int jobs = 1_500;
        int concurrency = 7;
        AtomicInteger executing = new AtomicInteger();
        AtomicInteger maxExecuting = new AtomicInteger();
        List<NewJob> batch = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            batch.add(job("two"));
        }
        store.enqueue(batch);
        Set<UUID> ran = ConcurrentHashMap.newKeySet();
        AtomicInteger runs = new AtomicInteger();
        Handlers handlers = new Handlers().register("t", Map.class, ctx -> {
            maxExecuting.accumulateAndGet(executing.incrementAndGet(), Math::max);
            ran.add(ctx.job().id());
            runs.incrementAndGet();
            executing.decrementAndGet();
            return null;
        });
        QueueRegistry queues = new QueueRegistry(QueueSettings.DEFAULT);
        queues.put("two", QueueSettings.DEFAULT.withConcurrency(concurrency));
        ExecutorService handlerThreads = Executors.newVirtualThreadPerTaskExecutor();
        ScheduledExecutorService loopThreads = Executors.newScheduledThreadPool(WorkerLoop.schedulerThreads(store));
        int maxRunning = 0;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            Worker worker = Worker.builder(store, handlers).queues("two").settings(queues)
                    .executor(handlerThreads).claimBatch(claimBatch).claimAhead(claimAhead).build();
            WorkerLoop loop = WorkerLoop.start(worker, loopThreads, Duration.ofMillis(20));
            c.setAutoCommit(true); // each sample sees the latest commits
            int left = jobs;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (left > 0 && System.nanoTime() < deadline) { // sampled as fast as the database answers
                try (ResultSet rs = st.executeQuery("SELECT count(CASE WHEN state = 'running' THEN 1 END), "
                        + "count(CASE WHEN state <> 'completed' THEN 1 END) FROM bulwark_jobs WHERE queue = 'two'")) {
                    rs.next();
                    maxRunning = Math.max(maxRunning, rs.getInt(1));
                    left = rs.getInt(2);
                }
            }
            loop.stop();
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM bulwark_jobs WHERE queue = 'two' AND attempt <> 1")) {
                rs.next();
                assertThat(rs.getInt(1)).as("jobs claimed more than once").isZero();
            }
            assertThat(left).as("jobs not completed within a minute").isZero();
        } finally {
            loopThreads.shutdownNow();
            handlerThreads.shutdownNow();
        }
        assertThat(runs.get()).as("each job ran once").isEqualTo(jobs);
        assertThat(ran).hasSize(jobs);
        System.out.printf("claim ahead %s: at most %d handlers at once, %d running in the store%n", claimAhead,
                maxExecuting.get(), maxRunning);
        assertThat(maxExecuting.get()).as("handlers at once").isBetween(1, concurrency);
        assertThat(maxRunning).as("running in the store, sampled throughout")
                .isBetween(1, claimAhead ? Math.max(concurrency, claimBatch) : concurrency);
    }

    @Test
    void aJobEnqueuedInTheCallersTransactionIsSeenOnlyAfterItCommits() throws SQLException {
        DatabaseJobStore store = open();
        NewJob committed = job("tx");
        try (Connection c = db.connect()) {
            store.enqueue(c, List.of(committed));
            assertThat(store.get(committed.id())).as("not visible before commit").isEmpty();
            assertThat(store.claim("tx", "n1", 10, Duration.ofSeconds(30))).isEmpty();
            c.commit();
        }
        assertThat(store.get(committed.id())).get().extracting(Job::queue).isEqualTo("tx");
        assertThat(store.claim("tx", "n1", 10, Duration.ofSeconds(30))).extracting(cl -> cl.job().id())
                .containsExactly(committed.id());
    }

    @Test
    void aJobEnqueuedInTheCallersTransactionVanishesWhenItRollsBack() throws SQLException {
        DatabaseJobStore store = open();
        NewJob rolledBack = job("tx");
        try (Connection c = db.connect()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS app_orders (id INT)");
            }
            c.commit();
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO app_orders VALUES (1)");
            }
            store.enqueue(c, List.of(rolledBack));
            c.rollback();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM app_orders")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the application's own row went too").isZero();
            }
        }
        assertThat(store.get(rolledBack.id())).isEmpty();
        assertThat(store.counts()).isEmpty();
    }

    @Test
    void withoutAClockTheDatabaseDecidesTimes() throws SQLException {
        DatabaseJobStore store = open();
        Instant before = databaseNow();
        Instant now = store.now();
        Claim c;
        store.enqueue(List.of(job("clock")));
        c = store.claim("clock", "n1", 1, Duration.ofSeconds(30)).get(0);
        Instant after = databaseNow();

        assertThat(now).isBetween(before, after);
        assertThat(c.job().startedAt()).isBetween(before, after);
        assertThat(c.leaseUntil()).isEqualTo(c.job().startedAt().plusSeconds(30));
    }

    @Test
    void pruneAndPurgeDeleteTheHistoryWithTheirJobsAndNothingElse() throws Exception {
        // A database of its own: prune takes every finished job, and other rules leave theirs behind.
        TestDatabase fresh = TestDatabase.create(server());
        try (DatabaseJobStore store = DatabaseJobStore.open(DatabaseOptions.builder(fresh.url()).user(fresh.user()).build())) {
            UUID kept = store.enqueue(List.of(job("history-kept"))).get(0).job().id();
            UUID dead = store.enqueue(List.of(job("history"))).get(0).job().id();
            Claim c = store.claim("history", "n1", 1, Duration.ofSeconds(30)).get(0);
            store.complete(List.of(new Outcome.Failed(new Lease(dead, c.token()), "error", "x", false, Duration.ZERO)));
            UUID done = store.enqueue(List.of(job("history"))).get(0).job().id();
            Claim d = store.claim("history", "n1", 1, Duration.ofSeconds(30)).get(0);
            store.complete(List.of(new Outcome.Succeeded(new Lease(done, d.token()), null)));
            assertThat(historyRows(fresh, dead)).isEqualTo(3);
            assertThat(historyRows(fresh, done)).isEqualTo(3);

            assertThat(store.purgeDead("history")).isEqualTo(1);
            assertThat(historyRows(fresh, dead)).as("no foreign key cascades (V9): the purge deletes the history").isZero();
            assertThat(historyRows(fresh, done)).isEqualTo(3);
            assertThat(store.prune(databaseNow().plusSeconds(1), 10)).isEqualTo(1);
            assertThat(historyRows(fresh, done)).isZero();
            assertThat(historyRows(fresh, kept)).as("a waiting job keeps its history").isEqualTo(1);
            try (Connection conn = fresh.connect(); Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM bulwark_job_history h WHERE NOT EXISTS "
                            + "(SELECT 1 FROM bulwark_jobs j WHERE j.id = h.job_id)")) {
                rs.next();
                assertThat(rs.getLong(1)).as("history rows without their job").isZero();
            }
        } finally {
            fresh.close();
        }
    }

    private long historyRows(TestDatabase in, UUID job) throws SQLException {
        try (Connection c = in.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM bulwark_job_history WHERE job_id = ?")) {
            if (server() == LocalService.POSTGRESQL) {
                ps.setObject(1, job);
            } else {
                ps.setBytes(1, io.bulwark.jdbc.internal.JobRows.bytes(job));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private Instant databaseNow() throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(io.bulwark.jdbc.database.internal.Pools.clockQuery(
                     Dialect.of(db.url())))) {
            rs.next();
            return Instant.ofEpochMilli(rs.getLong(1));
        }
    }

    @Test
    void withoutAClockTheDatabaseStampsHeartbeatsTermsAndLocks() throws SQLException {
        DatabaseJobStore store = open();
        Instant before = databaseNow();
        store.cluster().register(new NodeInfo("n1", "host", NodeRole.WORKER, "v", before, List.of(), 4));
        Beat beat = store.cluster().heartbeat("n1", 1, List.of(), false);
        Term term = store.cluster().elect("n1", Duration.ofSeconds(30)).orElseThrow();
        LockGrant lock = store.locks().tryAcquire("l", "n1", Duration.ofSeconds(30)).orElseThrow();
        Instant after = databaseNow();

        assertThat(beat.at()).isBetween(before, after);
        assertThat(term.electedAt()).isBetween(before, after);
        assertThat(term.until()).isEqualTo(term.electedAt().plusSeconds(30));
        assertThat(lock.acquiredAt()).isBetween(before, after);
        assertThat(store.cluster().now()).isBetween(before, databaseNow());
    }

    @Test
    void withoutAClockTheDatabaseStampsSchedulesAndJudgesTheLeadersTerm() throws SQLException {
        DatabaseJobStore store = open();
        io.bulwark.scheduler.Schedule nightly = io.bulwark.scheduler.Schedule.builder("nightly", "@daily")
                .target(new io.bulwark.scheduler.ScheduleTarget.Job("q", "t", "{}", null, null)).build();
        Instant before = databaseNow();
        io.bulwark.scheduler.store.ScheduleRow row = store.schedules().save(nightly,
                io.bulwark.scheduler.store.ScheduleRow.API, before.plusSeconds(60));
        Term term = store.cluster().elect("n1", Duration.ofSeconds(30)).orElseThrow();
        boolean advanced = store.schedules().advance("nightly", row.version(), row.nextAt(), List.of(),
                row.nextAt().plusSeconds(60), term);
        Instant after = databaseNow();

        assertThat(row.createdAt()).isBetween(before, after);
        assertThat(store.schedules().get("nightly")).get().extracting(r -> r.updatedAt()).isEqualTo(row.createdAt());
        assertThat(store.schedules().now()).isBetween(before, databaseNow());
        assertThat(advanced).as("a term the database's clock finds current").isTrue();
    }

    @Test
    void aLapsedTermAndLockPassOnByTheDatabasesClock() {
        DatabaseJobStore store = open();
        Duration shortTtl = Duration.ofMillis(300);
        Term first = store.cluster().elect("a", shortTtl).orElseThrow();
        LockGrant held = store.locks().tryAcquire("l", "a", shortTtl).orElseThrow();

        Term second = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> store.cluster().elect("b", Duration.ofSeconds(30)), Optional::isPresent).orElseThrow();
        LockGrant next = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> store.locks().tryAcquire("l", "b", Duration.ofSeconds(30)), Optional::isPresent)
                .orElseThrow();

        assertThat(second.term()).isEqualTo(first.term() + 1);
        assertThat(second.electedAt()).as("not before the database's clock passed the first until")
                .isAfterOrEqualTo(first.until());
        assertThat(next.token()).isEqualTo(held.token() + 1);
        assertThat(next.acquiredAt()).isAfterOrEqualTo(held.until());
        assertThatThrownBy(() -> store.cluster().markDead(List.of("b"), first)).isInstanceOf(NotLeaderException.class);
        assertThat(store.cluster().markDead(List.of(), second)).isAfterOrEqualTo(second.electedAt());
    }

    /**
     * Regression: every election locked the leader's row, so with ten nodes electing every half
     * period the leader's own renewal queued behind nine refusals, and on a loaded machine missed
     * its lease (FleetElectionTest saw the leadership change hands at start-up).
     */
    @Test
    void aNodeThatCannotWinIsRefusedWithoutWaitingForTheLeadersRowLock() throws Exception {
        DatabaseJobStore store = open();
        store.cluster().elect("a", Duration.ofSeconds(30)).orElseThrow();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection renewing = db.connect(); Statement st = renewing.createStatement()) {
            st.executeQuery("SELECT term FROM bulwark_leader WHERE id = 1 FOR UPDATE").close(); // a renewal in flight

            Future<Optional<Term>> b = other.submit(() -> store.cluster().elect("b", Duration.ofSeconds(30)));

            assertThat(b.get(5, java.util.concurrent.TimeUnit.SECONDS)).as("refused at once, not after the renewal commits")
                    .isEmpty();
            renewing.rollback();
        } finally {
            other.shutdownNow();
        }
        assertThat(store.cluster().elect("a", Duration.ofSeconds(30))).as("the leader still renews")
                .map(Term::holder).contains("a");
    }

    @Test
    void tenStoresOpeningAtOnceMigrateOnceAndASecondMigrateDoesNothing() throws Exception {
        TestDatabase fresh = TestDatabase.create(server());
        try {
            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Future<DatabaseJobStore>> opening = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                opening.add(pool.submit(() -> DatabaseJobStore.open(
                        DatabaseOptions.builder(fresh.url()).user(fresh.user()).build())));
            }
            List<DatabaseJobStore> stores = new ArrayList<>();
            for (Future<DatabaseJobStore> f : opening) {
                stores.add(f.get());
            }
            pool.shutdown();
            try (Connection c = fresh.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM " + Migrations.HISTORY_TABLE
                         + " WHERE version IN ('1', '2', '3', '4', '5', '6', '7', '8') AND success = " + (server() == LocalService.POSTGRESQL ? "true" : "1"))) {
                rs.next();
                assertThat(rs.getInt(1)).as("each migration applied once").isEqualTo(8);
            }
            assertThat(Migrations.migrate(stores.get(0).options())).isZero();
            assertThat(stores.get(0).schemaVersion()).isEqualTo("9");
            stores.forEach(DatabaseJobStore::close);
        } finally {
            fresh.close();
        }
    }

    @Test
    void aSchemaMigratedByANewerBulwarkStopsTheStoreWithAClearMessage() throws Exception {
        TestDatabase fresh = TestDatabase.create(server());
        try {
            DatabaseJobStore.open(DatabaseOptions.builder(fresh.url()).user(fresh.user()).build()).close();
            try (Connection c = fresh.connect(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO " + Migrations.HISTORY_TABLE + " (installed_rank, version, description, type, "
                        + "script, checksum, installed_by, execution_time, success) VALUES (99, '99', 'from the future', "
                        + "'SQL', 'V99__from_the_future.sql', 1, 'test', 1, " + (server() == LocalService.POSTGRESQL
                        ? "true" : "1") + ")");
                c.commit();
            }
            assertThatThrownBy(() -> DatabaseJobStore.open(DatabaseOptions.builder(fresh.url()).user(fresh.user()).build()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("schema is at version 99")
                    .hasMessageContaining("newer than this Bulwark knows");
        } finally {
            fresh.close();
        }
    }

    @Test
    void onlyPostgresOffersAWakeUpListener() throws Exception {
        DatabaseJobStore store = open();
        var listener = store.listen(q -> { }, Thread.ofPlatform().daemon().factory());
        assertThat(listener.isPresent()).as("PostgreSQL has LISTEN/NOTIFY; MariaDB workers poll")
                .isEqualTo(server() == LocalService.POSTGRESQL);
        if (listener.isPresent()) {
            listener.get().close();
        }
    }

    @Test
    void anUpgradeFromTheFirstSchemaVersionKeepsEveryJob() throws Exception {
        TestDatabase fresh = TestDatabase.create(server());
        try {
            DatabaseOptions options = DatabaseOptions.builder(fresh.url()).user(fresh.user()).build();
            assertThat(Migrations.migrate(options, Migrations.configure(options.dialect(), options).target("1").load()))
                    .isEqualTo(1);
            try (Connection c = fresh.connect(); Statement st = c.createStatement()) {
                String id = server() == LocalService.POSTGRESQL ? "'0195b4a2-0000-7000-8000-000000000001'"
                        : "UNHEX('0195b4a2000070008000000000000001')";
                st.execute("INSERT INTO bulwark_jobs (id, queue, type, payload, priority, state, run_at, sort_key, "
                        + "max_attempts, idempotency_key, tags, created_at) VALUES (" + id + ", 'old', 't', '{\"v\":1}', 5, "
                        + "'available', 1000, 1150, 3, 'clé-1', '[]', 1000)");
                st.execute("INSERT INTO bulwark_job_history (job_id, at, from_state, to_state, reason, node, attempt) "
                        + "VALUES (" + id + ", 1000, NULL, 'available', 'enqueued', NULL, 0)");
                st.execute("INSERT INTO bulwark_queues (name, settings, updated_at) VALUES ('old', '{}', 1000)");
                c.commit();
            }
            try (DatabaseJobStore upgraded = DatabaseJobStore.open(options)) {
                assertThat(upgraded.schemaVersion()).isEqualTo("9");
                Job old = upgraded.get(java.util.UUID.fromString("0195b4a2-0000-7000-8000-000000000001")).orElseThrow();
                assertThat(old.payload()).isEqualTo("{\"v\":1}");
                assertThat(old.history()).as("V9 rebuilds the history's key and keeps its rows")
                        .extracting(io.bulwark.jobs.Transition::reason).containsExactly("enqueued");
                assertThat(old.expiresAt()).as("a job from before expiry never expires").isNull();
                assertThat(old.idempotencyKey()).as("V7 keeps the key's characters").isEqualTo("clé-1");
                assertThat(upgraded.enqueue(List.of(job("old", "t", "{}", "clé-1", Set.of()))).get(0).replayed())
                        .as("the upgraded key still holds").isTrue();
                assertThat(upgraded.enqueue(List.of(job("old", "t", "{}", "clé-1 ", Set.of()))).get(0).replayed())
                        .as("a trailing space makes another key").isFalse();
                assertThat(upgraded.queueSettings("old")).contains("{}");
                assertThat(upgraded.claim("old", "n1", 1, Duration.ofSeconds(30))).hasSize(1);
                upgraded.state().put("k", "n", "{}");
                assertThat(upgraded.cluster().elect("n1", Duration.ofSeconds(30))).get()
                        .extracting(io.bulwark.cluster.Term::term).isEqualTo(1L);
                assertThat(upgraded.locks().tryAcquire("l", "n1", Duration.ofSeconds(30))).isPresent();
                io.bulwark.scheduler.Schedule nightly = io.bulwark.scheduler.Schedule.builder("nightly", "@daily")
                        .target(new io.bulwark.scheduler.ScheduleTarget.Job("old", "t", "{}", null, null)).build();
                assertThat(upgraded.schedules().save(nightly, io.bulwark.scheduler.store.ScheduleRow.API, null).version())
                        .isEqualTo(1);
                assertThat(upgraded.pipelines().register(io.bulwark.pipeline.PipelineDefinition.builder("etl")
                        .step(io.bulwark.pipeline.StepDefinition.builder("extract", "builtin.echo").build()).build())
                        .pipeline().version()).isEqualTo(1);
            }
        } finally {
            fresh.close();
        }
    }

    @Test
    void aPipelineRunFromBeforeVersionEightUpgradesWithoutASpanAndItsRetryTakesOne() throws Exception {
        TestDatabase fresh = TestDatabase.create(server());
        try {
            DatabaseOptions options = DatabaseOptions.builder(fresh.url()).user(fresh.user()).build();
            assertThat(Migrations.migrate(options, Migrations.configure(options.dialect(), options).target("7").load()))
                    .isEqualTo(7);
            String id = server() == LocalService.POSTGRESQL ? "'0195b4a2-0000-7000-8000-000000000002'"
                    : "UNHEX('0195b4a2000070008000000000000002')";
            try (Connection c = fresh.connect(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO bulwark_pipeline_runs (id, pipeline, version, phase, input, generation, "
                        + "failed_step, error, created_at, finished_at) VALUES (" + id + ", 'etl', 1, 'failed', '{}', 0, "
                        + "'load', 'boom', 1000, 2000)");
                c.commit();
            }
            try (DatabaseJobStore upgraded = DatabaseJobStore.open(options)) {
                java.util.UUID run = java.util.UUID.fromString("0195b4a2-0000-7000-8000-000000000002");
                io.bulwark.pipeline.store.PipelineRun old = upgraded.pipelines().run(run).orElseThrow();
                assertThat(old.trace()).as("a run from before traces were kept has no span").isNull();
                assertThat(old.error()).isEqualTo("boom");
                io.bulwark.core.tracing.PlannedSpan span = new io.bulwark.core.tracing.PlannedSpan(
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "b7ad6b7169203331");
                assertThat(upgraded.pipelines().retryRun(run, span)).isTrue();
                assertThat(upgraded.pipelines().run(run).orElseThrow().trace()).isEqualTo(span);
            }
        } finally {
            fresh.close();
        }
    }

    @Test
    void aFailedMigrationLeavesTheSchemaAtTheLastGoodVersionAndSaysWhich(@org.junit.jupiter.api.io.TempDir
                                                                          java.nio.file.Path dir) throws Exception {
        TestDatabase fresh = TestDatabase.create(server());
        try {
            DatabaseOptions options = DatabaseOptions.builder(fresh.url()).user(fresh.user()).build();
            String good;
            try (DatabaseJobStore store = DatabaseJobStore.open(options)) {
                good = store.schemaVersion();
            }
            String script = "V" + (Integer.parseInt(good) + 1) + "__broken.sql";
            java.nio.file.Files.writeString(dir.resolve(script), "ALTER TABLE bulwark_jobs ADD COLUMN nope "
                    + "no_such_type;");
            var broken = Migrations.configure(options.dialect(), options)
                    .locations("classpath:db/" + options.dialect().id(), "filesystem:" + dir).load();
            assertThatThrownBy(() -> Migrations.migrate(options, broken))
                    .hasMessageContaining(script)
                    .hasMessageContaining("no_such_type");
            try (DatabaseJobStore store = DatabaseJobStore.open(options)) {
                assertThat(store.schemaVersion()).as("the store still opens at the last good version").isEqualTo(good);
                store.enqueue(List.of(job("after")));
            }
        } finally {
            fresh.close();
        }
    }

    @Test
    void aWrongPasswordOrNoServerFailsAtOpenNamingTheStoreWithoutThePassword() {
        String unreachable = server() == LocalService.POSTGRESQL ? "jdbc:postgresql://127.0.0.1:1/test"
                : "jdbc:mariadb://127.0.0.1:1/test";
        assertThatThrownBy(() -> DatabaseJobStore.open(DatabaseOptions.builder(unreachable).user("u")
                .password("hunter2-secret").build()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageContaining("connect failed")
                .hasMessageNotContaining("hunter2-secret");
    }

    @Test
    void anExhaustedPoolNamesItsSizeItsWaitersAndTheLongestHolder() throws Exception {
        DatabaseJobStore store = DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user())
                .pool(new PoolSettings(1, 0, Duration.ofMinutes(30), Duration.ofMillis(250), Duration.ofMillis(250),
                        Duration.ZERO)).build());
        opened.add(store);
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread holder = Thread.ofPlatform().name("slow-report").start(() -> store.tx("report", t -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        holding.await();
        try {
            assertThatThrownBy(store::counts)
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("counts failed")
                    .hasMessageContaining("total=1, active=1")
                    .hasMessageContaining("longest holder: report on thread slow-report")
                    .satisfies(e -> assertThat(((StoreException) e).isUnavailable()).isTrue());
            assertThat(store.status().pools()).singleElement().satisfies(p -> {
                assertThat(p.active()).isEqualTo(1);
                assertThat(p.max()).isEqualTo(1);
                assertThat(p.timeouts()).isEqualTo(1);
            });
        } finally {
            release.countDown();
            holder.join();
        }
        assertThat(store.status().schemaVersion()).isEqualTo("9");
        assertThat(store.status().dialect()).isEqualTo(Dialect.of(db.url()).id());
    }

    @Test
    void hostileStringsAreStoredVerbatimAndChangeNothingElse() {
        DatabaseJobStore store = open();
        io.bulwark.test.jobs.HostileStrings.assertKeptVerbatim(store, store.state(), IDS);
        for (String s : io.bulwark.test.jobs.HostileStrings.ALL) {
            store.saveQueueSettings(s, "{\"q\":1}");
            assertThat(store.queueSettings(s)).contains("{\"q\":1}");
        }
    }
}
