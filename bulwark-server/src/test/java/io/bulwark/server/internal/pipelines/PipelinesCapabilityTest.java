package io.bulwark.server.internal.pipelines;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigInputs;
import io.bulwark.core.config.ConfigLoader;
import io.bulwark.core.health.HealthResult;
import io.bulwark.core.health.HealthStatus;
import io.bulwark.core.json.Json;
import io.bulwark.core.time.SettableClock;
import io.bulwark.core.tracing.Tracing;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.pipeline.PipelineDefinitions;
import io.bulwark.pipeline.PipelineFormat;
import io.bulwark.pipeline.StepStatus;
import io.bulwark.pipeline.store.InMemoryPipelineStore;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.StepRecord;
import io.bulwark.scheduler.Schedule;
import io.bulwark.scheduler.ScheduleJson;
import io.bulwark.server.ServerKeys;
import io.bulwark.server.internal.jobs.JobsRuntime;
import io.bulwark.server.internal.jobs.QueuePersistence;
import io.bulwark.core.tracing.PlannedIds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The capability driven by hand on a settable clock: step jobs are claimed and completed in the
 * job store by the test, and runs move on only when the leader's {@link PipelinesCapability#sweep}
 * is called, so each step of a run is seen and nothing sleeps.
 */
class PipelinesCapabilityTest {

    private static final String ETL = """
            {"id": "etl", "steps": [{"id": "extract", "type": "builtin.echo", "input": {"rows": [1, 2, 3]}},
             {"id": "load", "type": "builtin.noop", "after": ["extract"]}]}""";

    @TempDir
    Path dir;

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-12-01T00:00:00Z"));
    private final InMemoryJobStore jobStore = new InMemoryJobStore(clock);
    private final InMemoryPipelineStore store = new InMemoryPipelineStore(clock);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicBoolean leader = new AtomicBoolean();
    private final List<PipelinesCapability> made = new ArrayList<>();

    @AfterEach
    void close() {
        made.forEach(c -> {
            c.stop(Duration.ZERO);
            c.close();
        });
    }

    private BulwarkConfig config(Map<String, String> flags) {
        Map<String, String> all = new HashMap<>(flags);
        all.put("data.dir", dir.toString());
        return ConfigLoader.load(ServerKeys.schema(), new ConfigInputs(Optional.empty(), dir, Map.of(), all, Optional.empty()));
    }

    private PipelinesCapability capability(Map<String, String> flags) {
        return capability(flags, Tracing.noop());
    }

    private PipelinesCapability capability(Map<String, String> flags, Tracing tracing) {
        BulwarkConfig config = config(flags);
        JobsRuntime jobs = new JobsRuntime(config, jobStore, QueuePersistence.none(), meters, clock, "node-a", null,
                tracing);
        PipelinesCapability c = new PipelinesCapability(jobs, store, leader::get,
                config.get(io.bulwark.server.PipelineKeys.QUEUE), meters, clock, 1 << 20);
        made.add(c);
        return c;
    }

    /** Claims every due job of {@code queue} and completes each with its payload as result (as builtin.echo would). */
    private List<Job> runJobs(String queue) {
        List<Claim> claims = jobStore.claim(queue, "test", 100, Duration.ofMinutes(1));
        List<Outcome> outcomes = new ArrayList<>();
        claims.forEach(c -> outcomes.add(new Outcome.Succeeded(Outcome.lease(c.job().id(), c.token()),
                c.job().type().equals("builtin.echo") ? c.job().payload() : null)));
        jobStore.complete(outcomes);
        return claims.stream().map(Claim::job).toList();
    }

    private PipelineRun run(UUID id) {
        return store.run(id).orElseThrow();
    }

    @Test
    void onlyTheLeadersSweepMovesARunOnStepByStepUntilItCompletes() throws Exception {
        PipelinesCapability c = capability(Map.of());
        c.pipelines().register(PipelineDefinitions.parse(ETL, PipelineFormat.JSON));
        UUID id = c.pipelines().start("etl", Json.mapper().createObjectNode(), null).run().id();
        assertThat(run(id).steps()).extracting(s -> s.instance() + " " + s.status()).containsExactly("extract RUNNING");

        assertThat(runJobs("pipelines")).extracting(Job::type).containsExactly("builtin.echo");
        assertThat(c.sweep()).as("a follower does not sweep").isEmpty();
        assertThat(run(id).steps()).extracting(StepRecord::status).containsExactly(StepStatus.RUNNING);

        leader.set(true);
        assertThat(c.sweep()).contains(1);
        assertThat(run(id).steps()).extracting(s -> s.instance() + " " + s.status())
                .containsExactly("extract COMPLETED", "load RUNNING");
        assertThat(run(id).step(io.bulwark.pipeline.StepInstance.of("extract")).orElseThrow().output().toString())
                .isEqualTo("{\"rows\":[1,2,3]}");
        assertThat(gauge()).isEqualTo(1.0);

        assertThat(runJobs("pipelines")).extracting(Job::type).containsExactly("builtin.noop");
        clock.advance(Duration.ofSeconds(2));
        assertThat(c.sweep()).contains(1);
        assertThat(run(id).phase()).isEqualTo(RunPhase.COMPLETED);
        assertThat(c.sweep()).as("nothing left to sweep").contains(0);

        clock.advance(Duration.ofSeconds(2));
        HealthResult health = c.healthChecks().getFirst().check();
        assertThat(health.status()).isEqualTo(HealthStatus.UP);
        assertThat(health.details()).containsEntry("running", 0L).containsEntry("leader", true)
                .containsEntry("lastSweepAt", "2026-12-01T00:00:02Z").containsEntry("lastSweepRuns", 0)
                .containsEntry("queue", "pipelines").containsEntry("durable", false);
        assertThat(gauge()).isEqualTo(0.0);
    }

    @Test
    void stepsTheLeadersSweepAdvancesAreEnqueuedUnderTheRunsSpanInTheTraceThatStartedIt() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        PlannedIds ids = new PlannedIds(Sampler.alwaysOn());
        SdkTracerProvider provider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).setIdGenerator(ids)
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        Tracing tracing = Tracing.of(OpenTelemetrySdk.builder().setTracerProvider(provider).build(), ids);
        PipelinesCapability c = capability(Map.of(), tracing);
        c.pipelines().register(PipelineDefinitions.parse(ETL, PipelineFormat.JSON));
        Span request = tracing.span("POST /api/v1/pipelines/{id}/runs", SpanKind.SERVER, Context.root()).startSpan();
        UUID id;
        try (Tracing.Scope ignored = tracing.activate(request)) {
            id = c.pipelines().start("etl", null, null).run().id();
        } finally {
            request.end();
        }
        leader.set(true);

        // Each step's job ends in the store, unheard by this node's worker: only the sweep moves the run on.
        for (String type : List.of("builtin.echo", "builtin.noop")) {
            assertThat(runJobs("pipelines")).extracting(Job::type).containsExactly(type);
            clock.advance(Duration.ofSeconds(1));
            assertThat(c.sweep()).contains(1);
        }

        PipelineRun done = run(id);
        assertThat(done.phase()).isEqualTo(RunPhase.COMPLETED);
        String traceId = request.getSpanContext().getTraceId();
        List<SpanData> exported = spans.getFinishedSpanItems();
        assertThat(exported).as("one trace").allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(traceId));
        SpanData runSpan = exported.stream().filter(s -> s.getName().equals("pipeline etl")).findFirst().orElseThrow();
        assertThat(runSpan.getSpanId()).isEqualTo(done.trace().spanId());
        assertThat(runSpan.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(runSpan.getStartEpochNanos()).isEqualTo(done.createdAt().toEpochMilli() * 1_000_000);
        assertThat(runSpan.getEndEpochNanos()).as("ended by the second sweep, at the capability's clock")
                .isEqualTo(clock.instant().toEpochMilli() * 1_000_000);
        List<SpanData> enqueues = exported.stream().filter(s -> s.getName().equals("enqueue pipelines")).toList();
        assertThat(enqueues).hasSize(2).allSatisfy(e -> assertThat(e.getParentSpanId()).isEqualTo(runSpan.getSpanId()));
        assertThat(jobStore.list(new JobQuery("pipelines", null, null, null, 10))).hasSize(2)
                .allSatisfy(j -> assertThat(j.traceparent()).startsWith("00-" + traceId + "-"));
        provider.close();
    }

    @Test
    void stepsGoToTheConfiguredQueueAndAnyRegisteredJobTypeIsAStepType() {
        PipelinesCapability c = capability(Map.of("pipelines.queue", "steps"));
        c.pipelines().register(PipelineDefinitions.parse(ETL.replace("builtin.noop", "builtin.sleep"), PipelineFormat.JSON));
        c.pipelines().start("etl", null, null);
        assertThat(jobStore.list(new JobQuery("steps", null, null, null, 10))).hasSize(1);
        assertThat(jobStore.list(new JobQuery("pipelines", null, null, null, 10))).isEmpty();
        assertThat(c.queue()).isEqualTo("steps");
        assertThatThrownBy(() -> config(Map.of("pipelines.queue", "no spaces"))).hasMessageContaining("pipelines.queue")
                .hasMessageContaining("a queue name");
    }

    @Test
    void theListenerNeverThrowsEvenAfterStopAndTheSweepStillMovesTheRun() {
        PipelinesCapability c = capability(Map.of());
        c.pipelines().register(PipelineDefinitions.parse(ETL, PipelineFormat.JSON));
        c.pipelines().start("etl", null, null);
        List<Job> steps = runJobs("pipelines");
        c.stop(Duration.ZERO);
        steps.forEach(c::recorded); // refused by the stopped executor: left to the sweep, quietly
        leader.set(true);
        assertThat(c.sweep()).contains(1);
        assertThat(store.runs(new io.bulwark.pipeline.store.RunQuery("etl", null, null, 10)).getFirst().phase())
                .isEqualTo(RunPhase.RUNNING);
        assertThat(store.run(store.activeRuns(1).getFirst()).orElseThrow().steps()).extracting(StepRecord::status)
                .containsExactly(StepStatus.COMPLETED, StepStatus.RUNNING);
    }

    @Test
    void theSchedulesLauncherStartsOneRunPerKeyAndReportsItsPhase() {
        PipelinesCapability c = capability(Map.of());
        PipelineLauncher launcher = new PipelineLauncher(c.pipelines());
        Schedule s = ScheduleJson.read(Json.mapper().valueToTree(Map.of("cron", "@hourly",
                "pipeline", Map.of("id", "etl", "input", Map.of("day", 1)))), "hourly-etl");
        Instant tick = Instant.parse("2026-12-01T01:00:00Z");
        assertThatThrownBy(() -> launcher.launch(s, tick, tick, "schedule:hourly-etl:1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pipeline 'etl', which is not registered");

        c.pipelines().register(PipelineDefinitions.parse(ETL, PipelineFormat.JSON));
        String ref = launcher.launch(s, tick, tick, "schedule:hourly-etl:1");
        assertThat(launcher.launch(s, tick, tick, "schedule:hourly-etl:1")).as("one run per key").isEqualTo(ref);
        assertThat(run(UUID.fromString(ref)).input().get("day").asInt()).isEqualTo(1);
        assertThat(launcher.status(ref).state()).isEqualTo("running");
        assertThat(launcher.status(ref).finished()).isFalse();
        c.pipelines().cancel(UUID.fromString(ref), "test");
        assertThat(launcher.status(ref)).isEqualTo(new io.bulwark.scheduler.Launcher.RunStatus("cancelled", true));
        assertThat(launcher.status(UUID.randomUUID().toString()).state()).isEqualTo("gone");
        assertThat(launcher.status("not-a-uuid").finished()).isTrue();
    }

    private double gauge() {
        return meters.get("bulwark_pipeline_runs_current").tag("state", "running").gauge().value();
    }
}
