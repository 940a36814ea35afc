package io.bulwark.jdbc.backup;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.json.Json;
import io.bulwark.core.state.StateEntry;
import io.bulwark.core.time.SettableClock;
import io.bulwark.jdbc.JdbcJobStore;
import io.bulwark.jdbc.database.DatabaseJobStore;
import io.bulwark.jdbc.database.DatabaseOptions;
import io.bulwark.jdbc.sqlite.SqliteJobStore;
import io.bulwark.jdbc.sqlite.SqliteOptions;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.pipeline.OnFailure;
import io.bulwark.pipeline.PipelineDefinition;
import io.bulwark.pipeline.StepDefinition;
import io.bulwark.pipeline.StepInstance;
import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.store.NewRun;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.PipelineStore;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.RunQuery;
import io.bulwark.pipeline.store.StepRecord;
import io.bulwark.resilience.retry.Backoff;
import io.bulwark.scheduler.Firing;
import io.bulwark.scheduler.FiringState;
import io.bulwark.scheduler.OverlapPolicy;
import io.bulwark.scheduler.Schedule;
import io.bulwark.scheduler.ScheduleTarget;
import io.bulwark.scheduler.store.ScheduleRow;
import io.bulwark.test.db.TestDatabase;
import io.bulwark.test.services.LocalService;
import io.bulwark.test.services.RequiresService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A backup restores into every kind of store and reads back the same, row by row: embedded to
 * PostgreSQL to MariaDB and back to embedded, each hop compared job by job (with history), queue
 * by queue, state document by document, schedules, and pipelines run by run with their steps, through the
 * stores' own APIs.
 */
@RequiresService({LocalService.POSTGRESQL, LocalService.MARIADB})
class BackupRoundTripTest {

    @TempDir
    Path dir;

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private SqliteJobStore sqlite(String name) {
        return keep(SqliteJobStore.open(dir.resolve(name), clock, SqliteOptions.builder().build()));
    }

    private DatabaseJobStore database(TestDatabase db) {
        return keep(DatabaseJobStore.open(DatabaseOptions.builder(db.url()).user(db.user()).clock(clock).build()));
    }

    private static DatabaseOptions options(TestDatabase db) {
        return DatabaseOptions.builder(db.url()).user(db.user()).build();
    }

    /** A store with jobs in every state (expired too), retries, history, queue settings, state documents and records, schedules and firings. */
    private List<java.util.UUID> fill(JdbcJobStore store) {
        Uuid7 ids = new Uuid7(clock, new SplittableRandom(11));
        List<NewJob> batch = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            batch.add(new NewJob(ids.next(), i % 3 == 0 ? "mail" : "reports", "type-" + (i % 4),
                    i % 5 == 0 ? null : "{\"i\":" + i + ",\"s\":\"é 🎉 'quote'\"}", i % 10,
                    i % 7 == 0 ? clock.instant().plusSeconds(3600) : null, 1 + i % 3,
                    i % 2 == 0 ? Backoff.DEFAULT : null, i % 3 == 0 ? Duration.ofSeconds(90) : null,
                    i % 4 == 0 ? "key-" + i : null, i % 2 == 0 ? Set.of("a", "b") : Set.of(),
                    i % 6 == 1 ? clock.instant().plusMillis(2_500) : i % 6 == 5 ? clock.instant().plusSeconds(7200) : null));
        }
        List<java.util.UUID> all = store.enqueue(batch).stream().map(e -> e.job().id()).toList();
        clock.advance(Duration.ofSeconds(1));
        List<Claim> claims = store.claim("reports", "node-a", 20, Duration.ofSeconds(30));
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            Lease l = new Lease(claims.get(i).job().id(), claims.get(i).token());
            outcomes.add(switch (i % 4) {
                case 0 -> new Outcome.Succeeded(l, "{\"ok\":" + i + "}");
                case 1 -> new Outcome.Failed(l, "error", "boom " + i, true, Duration.ofSeconds(5));
                case 2 -> new Outcome.Failed(l, "error", "fatal " + i, false, Duration.ZERO);
                default -> new Outcome.Cancelled(l, "stopped");
            });
        }
        store.complete(outcomes.subList(0, outcomes.size() - 2));
        clock.advance(Duration.ofSeconds(1));
        store.claim("mail", "node-b", 3, Duration.ofSeconds(30));
        store.cancel(all.get(3), "by operator");
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.expireWaiting(100)).as("some jobs expire, in the backup as expired").isNotEmpty();
        store.retryDead("reports", List.of());
        store.saveQueueSettings("mail", "{\"concurrency\":3,\"paused\":true}");
        store.state().put("provider-group", "llm", "{\"providers\":[1,2]}");
        store.state().put("provider-group", "llm", "{\"providers\":[1,2,3]}");
        store.state().append("breaker-history", "openai", "{\"to\":\"open\"}");
        clock.advance(Duration.ofSeconds(1));
        store.state().append("breaker-history", "openai", "{\"to\":\"closed\"}");
        fillSchedules(store);
        fillPipelines(store);
        store.cluster().register(new io.bulwark.cluster.NodeInfo("node-a", "host-a", io.bulwark.cluster.NodeRole.BOTH,
                "0.1.0", clock.instant(), List.of(), 4));
        store.cluster().elect("node-a", Duration.ofMinutes(5));
        store.locks().tryAcquire("nightly-report", "node-a", Duration.ofMinutes(5));
        return all;
    }

    /** Two schedules, one saved twice, with firings in every state from the leader's pass and by hand. */
    private void fillSchedules(JdbcJobStore store) {
        Schedule nightly = Schedule.builder("nightly", "30 2 * * *").zone(java.time.ZoneId.of("Europe/Berlin"))
                .target(new ScheduleTarget.Job("reports", "build-report", "{\"kind\":\"daily\"}", 3, null))
                .overlap(OverlapPolicy.QUEUE).description("é 🎉 'quote'").build();
        Instant due = clock.instant().minus(Duration.ofMinutes(1));
        store.schedules().save(nightly, ScheduleRow.CONFIG, due);
        store.schedules().save(nightly.toBuilder().jitter(Duration.ofSeconds(20)).build(), ScheduleRow.API, due);
        store.schedules().save(Schedule.builder("etl", "0 */6 * * *")
                .target(new ScheduleTarget.Pipeline("etl", "{\"full\":true}")).build(), ScheduleRow.API, null);
        io.bulwark.cluster.Term term = store.cluster().elect("node-a", Duration.ofMinutes(5)).orElseThrow();
        assertThat(store.schedules().advance("nightly", 2, due, List.of(
                new Firing("nightly", due.minus(Duration.ofDays(3)), FiringState.MISFIRED, null, 3, clock.instant(),
                        "the fleet was down"),
                new Firing("nightly", due, FiringState.FIRED, "0192-job", 1, clock.instant(), null)),
                due.plus(Duration.ofDays(1)), term)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.schedules().record(new Firing("nightly", clock.instant(), FiringState.TRIGGERED, "0193-job", 1,
                clock.instant(), "by hand"))).isTrue();
        assertThat(store.schedules().record(new Firing("nightly", clock.instant().plusSeconds(1), FiringState.QUEUED,
                null, 1, clock.instant(), "previous run 0193-job still running"))).isTrue();
    }

    /**
     * A pipeline registered twice (two versions) and three runs: one failed with a completed step's
     * output (unicode, nested), a failed branch, a skipped step and a fallback standing for the
     * failed branch, and a span with a parent; one running with an idempotency key and a root span
     * that was not sampled; one completed whose step output is JSON null, with no span.
     */
    private void fillPipelines(JdbcJobStore store) {
        PipelineStore p = store.pipelines();
        PipelineDefinition v1 = PipelineDefinition.builder("etl")
                .inputSchema(json("{\"type\":\"object\"}"))
                .step(StepDefinition.builder("extract", "builtin.echo").input(json("{\"day\":\"${input.day}\"}"))
                        .build())
                .step(StepDefinition.builder("load", "load-rows").after("extract").forEach("${extract.rows}")
                        .onFailure(OnFailure.fallback("rescue")).build())
                .step(StepDefinition.builder("rescue", "builtin.noop").build())
                .build();
        p.register(v1);
        clock.advance(Duration.ofSeconds(1));
        p.register(PipelineDefinition.builder("etl").step(StepDefinition.builder("extract", "builtin.echo").build())
                .build());
        Uuid7 runIds = new Uuid7(clock, new SplittableRandom(13));

        java.util.UUID failed = p.startRun(new NewRun(runIds.next(), "etl", 1, json("{\"day\":\"2026-11-22\","
                + "\"note\":\"é 🎉 'quote'\"}"), null, new io.bulwark.core.tracing.PlannedSpan(
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "b7ad6b7169203331"))).run().id();
        StepInstance extract = StepInstance.of("extract");
        StepInstance load0 = StepInstance.branch("load", 0);
        p.recordSteps(failed, List.of(
                new StepRecord(extract, StepStatus.RUNNING, "job-1", json("{\"day\":\"2026-11-22\"}"), null,
                        null, 0, null, clock.instant(), null),
                new StepRecord(load0, StepStatus.RUNNING, "job-2", json("[1,2]"), null, null, 0, null,
                        clock.instant(), null),
                new StepRecord(StepInstance.of("notify"), StepStatus.SKIPPED, null, null, null, "condition false", 0,
                        null, clock.instant(), clock.instant())));
        clock.advance(Duration.ofSeconds(1));
        p.finishStep(failed, extract, StepStatus.COMPLETED, json("{\"rows\":[{\"name\":\"Grüße 世界\","
                + "\"n\":1.5}],\"empty\":{}}"), null, 2);
        p.finishStep(failed, load0, StepStatus.FAILED, null, "disk full", 3);
        p.recordSteps(failed, List.of(new StepRecord(StepInstance.branch("rescue", 0), StepStatus.FAILED, null, null,
                null, "no fallback input", 0, load0, clock.instant(), clock.instant())));
        p.finishRun(failed, RunPhase.FAILED, "load[0]", "disk full");

        java.util.UUID keyed = p.startRun(new NewRun(runIds.next(), "etl", 2, json("{}"), "clé-🎉 ",
                new io.bulwark.core.tracing.PlannedSpan("00-0af7651916cd43dd8448eb211c80319c-53995c3f42cd8ad8-00", null)))
                .run().id();
        p.recordSteps(keyed, List.of(new StepRecord(extract, StepStatus.RUNNING, "job-3", null, null, null, 0, null,
                clock.instant(), null)));

        java.util.UUID done = p.startRun(new NewRun(runIds.next(), "etl", 2, null, null)).run().id();
        p.recordSteps(done, List.of(new StepRecord(extract, StepStatus.RUNNING, "job-4", null, null, null, 0, null,
                clock.instant(), null)));
        p.finishStep(done, extract, StepStatus.COMPLETED, com.fasterxml.jackson.databind.node.NullNode.getInstance(),
                null, 1);
        p.finishRun(done, RunPhase.COMPLETED, null, null);
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("bad JSON in a test: " + text, e);
        }
    }

    private static void assertSamePipelines(PipelineStore a, PipelineStore b) {
        assertThat(b.pipelines()).isEqualTo(a.pipelines());
        assertThat(b.versions("etl")).hasSize(2).isEqualTo(a.versions("etl"));
        List<PipelineRun> runs = a.runs(new RunQuery(null, null, null, 100));
        assertThat(runs).hasSize(3);
        assertThat(runs).extracting(PipelineRun::trace).as("two runs have a span, carried with them")
                .filteredOn(java.util.Objects::nonNull).hasSize(2);
        assertThat(b.runs(new RunQuery(null, null, null, 100))).isEqualTo(runs);
        for (PipelineRun r : runs) {
            assertThat(b.run(r.id())).as("run %s with its steps", r.id()).isEqualTo(a.run(r.id()));
        }
        assertThat(b.activeRuns(10)).isEqualTo(a.activeRuns(10));
    }

    private static void assertSame(JdbcJobStore a, JdbcJobStore b, List<java.util.UUID> ids) {
        for (java.util.UUID id : ids) {
            Job ja = a.get(id).orElseThrow();
            assertThat(b.get(id)).as("job %s", id).contains(ja);
        }
        assertThat(b.list(new JobQuery(null, null, null, null, 1_000))).isEqualTo(a.list(new JobQuery(null, null, null,
                null, 1_000)));
        assertThat(b.counts()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("countedAt")
                .isEqualTo(a.counts());
        assertThat(b.allQueueSettings()).isEqualTo(a.allQueueSettings());
        for (String kind : List.of("provider-group")) {
            assertThat(b.state().list(kind)).isEqualTo(a.state().list(kind));
        }
        assertThat(b.state().history("breaker-history", "openai", 10))
                .isEqualTo(a.state().history("breaker-history", "openai", 10));
        assertThat(b.state().get("provider-group", "llm")).map(StateEntry::version).contains(2L);
        assertThat(b.schedules().list()).hasSize(2).isEqualTo(a.schedules().list());
        for (String schedule : List.of("nightly", "etl")) {
            assertThat(b.schedules().firings(schedule, 100)).as("firings of %s", schedule)
                    .isEqualTo(a.schedules().firings(schedule, 100));
        }
        assertThat(b.schedules().firings("nightly", 100)).hasSize(4);
        assertThat(b.schedules().queued("nightly")).isPresent();
        assertSamePipelines(a.pipelines(), b.pipelines());
    }

    private static byte[] backup(StoreBackup from) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        from.backup(out, StoreBackup.Progress.NONE);
        return out.toByteArray();
    }

    @Test
    void embeddedToPostgresToMariaDbAndBackToEmbeddedReadsTheSameEveryHop() throws Exception {
        try (TestDatabase pg = TestDatabase.create(LocalService.POSTGRESQL);
             TestDatabase maria = TestDatabase.create(LocalService.MARIADB)) {
            SqliteJobStore origin = sqlite("origin");
            List<java.util.UUID> ids = fill(origin);

            byte[] first = backup(StoreBackup.embedded(dir.resolve("origin")));
            StoreBackup.Summary restored = StoreBackup.database(options(pg)).restore(new ByteArrayInputStream(first),
                    StoreBackup.Progress.NONE);
            assertThat(restored.source()).isEqualTo("sqlite");
            assertThat(restored.rows()).containsEntry("job", 60L).containsEntry("queue", 1L).containsEntry("state", 1L)
                    .containsEntry("stateHistory", 2L).containsEntry("schedule", 2L).containsEntry("firing", 4L)
                    .containsEntry("pipeline", 2L).containsEntry("pipelineRun", 3L).containsEntry("pipelineStep", 6L);
            DatabaseJobStore onPg = database(pg);
            assertSame(origin, onPg, ids);
            assertThat(restored.rows()).as("the fleet's runtime state stays behind")
                    .containsOnlyKeys("job", "history", "queue", "state", "stateHistory", "schedule", "firing",
                            "pipeline", "pipelineRun", "pipelineStep");
            assertThat(onPg.cluster().nodes()).isEmpty();
            assertThat(onPg.cluster().terms(10)).isEmpty();
            assertThat(onPg.locks().held()).isEmpty();

            StoreBackup.database(options(maria)).restore(new ByteArrayInputStream(backup(StoreBackup.database(options(pg)))),
                    StoreBackup.Progress.NONE);
            DatabaseJobStore onMaria = database(maria);
            assertSame(origin, onMaria, ids);

            StoreBackup.embedded(dir.resolve("back")).restore(
                    new ByteArrayInputStream(backup(StoreBackup.database(options(maria)))), StoreBackup.Progress.NONE);
            SqliteJobStore back = sqlite("back");
            assertSame(origin, back, ids);

            // The restored stores work on: history goes on from where it was.
            Claim c = back.claim("reports", "node-c", 1, Duration.ofSeconds(30)).get(0);
            assertThat(back.complete(List.of(new Outcome.Succeeded(new Lease(c.job().id(), c.token()), null))))
                    .containsExactly(true);
            assertThat(back.get(c.job().id()).orElseThrow().history()).last()
                    .satisfies(t -> assertThat(t.reason()).isEqualTo("completed"));

            // The restored schedules go on under a new leader (term 1 again: the cluster stayed behind); the ticks
            // recorded before the backup stay taken.
            ScheduleRow nightly = back.schedules().get("nightly").orElseThrow();
            io.bulwark.cluster.Term fresh = back.cluster().elect("node-c", Duration.ofMinutes(1)).orElseThrow();
            Firing taken = back.schedules().firings("nightly", 1).getFirst();
            assertThat(back.schedules().record(new Firing("nightly", taken.tick(), FiringState.TRIGGERED, "again", 1,
                    clock.instant(), null))).isFalse();
            assertThat(back.schedules().advance("nightly", nightly.version(), nightly.nextAt(), List.of(new Firing(
                    "nightly", nightly.nextAt(), FiringState.FIRED, "0194-job", 1, clock.instant(), null)),
                    nightly.nextAt().plus(Duration.ofDays(1)), fresh)).isTrue();

            // The restored pipelines go on: a start with a key taken before the backup replays its run, the failed
            // run retries from its checkpoint, and registering the latest content again makes no version.
            PipelineStore pipelines = back.pipelines();
            PipelineRun keyed = pipelines.runs(new RunQuery(null, RunPhase.RUNNING, null, 10)).getFirst();
            assertThat(keyed.idempotencyKey()).isEqualTo("clé-🎉 ");
            assertThat(pipelines.startRun(new NewRun(new Uuid7(clock, new SplittableRandom(3)).next(), "etl", 2,
                    json("{}"), "clé-🎉 "))).satisfies(s -> {
                        assertThat(s.replayed()).isTrue();
                        assertThat(s.run().id()).isEqualTo(keyed.id());
                    });
            PipelineRun failed = pipelines.runs(new RunQuery(null, RunPhase.FAILED, null, 10)).getFirst();
            assertThat(pipelines.retryRun(failed.id())).isTrue();
            assertThat(pipelines.run(failed.id()).orElseThrow().steps()).singleElement()
                    .satisfies(s -> assertThat(s.output()).isEqualTo(json("{\"rows\":[{\"name\":\"Grüße 世界\","
                            + "\"n\":1.5}],\"empty\":{}}")));
            assertThat(pipelines.register(pipelines.pipeline("etl").orElseThrow().definition()).created()).isFalse();
        }
    }

    @Test
    void aStoreAPreviousBulwarkMigratedBeforeSchedulesBacksUpWithoutThemAndRestoresIntoANewOne() throws Exception {
        try (TestDatabase pg = TestDatabase.create(LocalService.POSTGRESQL)) {
            DatabaseOptions options = options(pg);
            io.bulwark.jdbc.database.internal.Migrations.migrate(options, io.bulwark.jdbc.database.internal.Migrations
                    .configure(options.dialect(), options).target("3").load());
            try (java.sql.Connection c = pg.connect(); java.sql.Statement st = c.createStatement()) {
                st.execute("INSERT INTO bulwark_queues (name, settings, updated_at) VALUES ('old', '{\"v\":1}', 1000)");
                c.commit();
            }

            StoreBackup.Summary taken = StoreBackup.database(options).backup(new ByteArrayOutputStream(),
                    StoreBackup.Progress.NONE);
            byte[] old = backup(StoreBackup.database(options));
            StoreBackup.Summary restored = StoreBackup.embedded(dir.resolve("new")).restore(new ByteArrayInputStream(old),
                    StoreBackup.Progress.NONE);

            assertThat(taken.rows()).containsEntry("queue", 1L).containsEntry("schedule", 0L).containsEntry("firing", 0L)
                    .containsEntry("pipeline", 0L).containsEntry("pipelineRun", 0L).containsEntry("pipelineStep", 0L);
            assertThat(restored.rows()).containsOnlyKeys("queue");
            SqliteJobStore restoredStore = sqlite("new");
            assertThat(restoredStore.queueSettings("old")).contains("{\"v\":1}");
            assertThat(restoredStore.schedules().list()).isEmpty();
            assertThat(restoredStore.pipelines().pipelines()).isEmpty();
        }
    }

    @Test
    void aTruncatedOrForeignFileOrANonEmptyTargetRestoresNothing() throws Exception {
        SqliteJobStore origin = sqlite("origin");
        fill(origin);
        byte[] whole = backup(StoreBackup.embedded(dir.resolve("origin")));
        Function<byte[], ByteArrayInputStream> in = ByteArrayInputStream::new;

        // Cut the uncompressed stream before its end line, then compress again.
        byte[] plain = new java.util.zip.GZIPInputStream(in.apply(whole)).readAllBytes();
        String text = new String(plain, java.nio.charset.StandardCharsets.UTF_8);
        String cut = text.substring(0, text.lastIndexOf("{\"t\":\"end\""));
        ByteArrayOutputStream truncated = new ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(truncated)) {
            gz.write(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        StoreBackup target = StoreBackup.embedded(dir.resolve("target"));
        assertThatThrownBy(() -> target.restore(in.apply(truncated.toByteArray()), StoreBackup.Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        SqliteJobStore empty = sqlite("target");
        assertThat(empty.counts()).as("nothing was kept").isEmpty();
        empty.close();

        ByteArrayOutputStream foreign = new ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(foreign)) {
            gz.write("{\"hello\":1}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> target.restore(in.apply(foreign.toByteArray()), StoreBackup.Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Bulwark store backup");

        // A file that is not gzipped, a compressed stream cut in the middle, a line that is not JSON.
        assertThatThrownBy(() -> target.restore(in.apply("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                StoreBackup.Progress.NONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("this is not a Bulwark store backup (it is not gzipped JSON lines)");
        assertThatThrownBy(() -> target.restore(in.apply(java.util.Arrays.copyOf(whole, whole.length / 2)),
                StoreBackup.Progress.NONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the backup is damaged or cut short after line ")
                .hasMessageEndingWith("; nothing was restored");
        ByteArrayOutputStream broken = new ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(broken)) {
            gz.write((text.substring(0, text.indexOf('\n') + 1) + "{\"t\":\"job\", broken\n").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> target.restore(in.apply(broken.toByteArray()), StoreBackup.Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the backup is not valid JSON at line 2, column ")
                .hasMessageEndingWith("; nothing was restored");
        SqliteJobStore stillEmpty = sqlite("target");
        assertThat(stillEmpty.counts()).as("nothing was kept").isEmpty();
        stillEmpty.close();

        assertThatThrownBy(() -> StoreBackup.embedded(dir.resolve("origin")).restore(in.apply(whole),
                StoreBackup.Progress.NONE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not empty");
    }
}
