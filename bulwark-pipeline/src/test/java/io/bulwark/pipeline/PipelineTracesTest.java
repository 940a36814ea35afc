package io.bulwark.pipeline;

import io.bulwark.core.tracing.Tracing;
import io.bulwark.jobs.Job;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.RunPhase;
import io.bulwark.pipeline.store.StepRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run is one span over its steps: planned when it starts, child of what started it, current
 * whenever any caller advances the run (the worker's listener, the leader's sweep), emitted once by
 * whoever ends it. Read back from a real SDK; the run's times come from the harness's settable clock.
 */
class PipelineTracesTest {

    private static final String ETL = """
            id: etl
            steps:
              - {id: extract, type: echo, input: {n: "${input.n}"}}
              - {id: transform, type: double, after: [extract], input: {n: "${steps.extract.output.n}"}}
              - {id: load, type: echo, after: [transform], input: {loaded: "${steps.transform.output.n}"}}
            """;
    private static final String NO_PARENT = "0000000000000000";

    private final RecordedSpans spans = new RecordedSpans();
    private final PipelinesHarness h = new PipelinesHarness(spans.tracing);

    private static PipelineDefinition yaml(String text) {
        return PipelineDefinitions.parse(text, PipelineFormat.YAML);
    }

    /** Starts a run of {@code pipeline} inside a request's span, as the REST API does; returns the run. */
    private PipelineRun startInRequest(Span request, String pipeline) {
        try (Tracing.Scope ignored = spans.tracing.activate(request)) {
            return h.pipelines.start(pipeline, PipelinesHarness.json("{\"n\": 5}"), null).run();
        } finally {
            request.end();
        }
    }

    private PipelineRun run(UUID id) {
        return h.pipelines.run(id).orElseThrow();
    }

    private static long nanos(Instant t) {
        return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
    }

    private static String attribute(SpanData s, String key) {
        Object v = s.getAttributes().get(AttributeKey.stringKey(key));
        return v == null ? String.valueOf(s.getAttributes().get(AttributeKey.longKey(key))) : v.toString();
    }

    /** The span id of the enqueue that made {@code job}: the parent its attempts name. */
    private static String enqueueOf(Job job) {
        return job.traceparent().split("-")[2];
    }

    @Test
    void aRunIsOneSpanChildOfTheRequestThatStartedItOverEveryStepsEnqueue() {
        h.pipelines.register(yaml(ETL));
        Span request = spans.request("POST /api/v1/pipelines/{id}/runs");
        SpanContext req = request.getSpanContext();

        PipelineRun started = startInRequest(request, "etl");

        assertThat(started.trace()).as("planned at start and stored with the run").isNotNull();
        assertThat(started.trace().traceId()).isEqualTo(req.getTraceId());
        assertThat(started.trace().parentSpanId()).isEqualTo(req.getSpanId());
        assertThat(spans.named("pipeline etl")).as("emitted when the run ends, not before").isEmpty();

        h.drain();

        PipelineRun done = run(started.id());
        assertThat(done.phase()).isEqualTo(RunPhase.COMPLETED);
        SpanData runSpan = spans.only("pipeline etl");
        assertThat(runSpan.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(runSpan.getTraceId()).isEqualTo(req.getTraceId());
        assertThat(runSpan.getSpanId()).isEqualTo(started.trace().spanId());
        assertThat(runSpan.getParentSpanId()).isEqualTo(req.getSpanId());
        assertThat(runSpan.getStartEpochNanos()).as("the run's start").isEqualTo(nanos(done.createdAt()));
        assertThat(runSpan.getEndEpochNanos()).as("the moment the run ended").isEqualTo(nanos(done.finishedAt()));
        assertThat(runSpan.getEndEpochNanos()).isGreaterThan(runSpan.getStartEpochNanos());
        assertThat(attribute(runSpan, "bulwark.pipeline.name")).isEqualTo("etl");
        assertThat(attribute(runSpan, "bulwark.pipeline.run_id")).isEqualTo(started.id().toString());
        assertThat(attribute(runSpan, "bulwark.pipeline.version")).isEqualTo("1");
        assertThat(attribute(runSpan, "bulwark.pipeline.generation")).isEqualTo("0");
        assertThat(attribute(runSpan, "bulwark.pipeline.outcome")).isEqualTo("completed");
        assertThat(runSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        List<SpanData> enqueues = spans.named("enqueue pipelines");
        assertThat(enqueues).hasSize(3).allSatisfy(e -> {
            assertThat(e.getTraceId()).isEqualTo(req.getTraceId());
            assertThat(e.getParentSpanId()).as("every step's enqueue hangs under the run").isEqualTo(runSpan.getSpanId());
        });
        assertThat(h.ran).hasSize(3).extracting(PipelineTracesTest::enqueueOf)
                .as("so every attempt of every step does too")
                .containsExactlyInAnyOrderElementsOf(enqueues.stream().map(SpanData::getSpanId).toList());
    }

    @Test
    void stepsTheSweepAdvancesAfterAMissedNotificationStayInTheRunsTrace() {
        h.pipelines.register(yaml(ETL));
        Span request = spans.request("POST /api/v1/pipelines/{id}/runs");
        PipelineRun started = startInRequest(request, "etl");

        for (int round = 0; round < 3; round++) {
            assertThat(h.runJobsUnheard()).as("round %d", round).hasSize(1);
            assertThat(Span.current().getSpanContext().isValid()).as("the sweep runs in no trace of its own").isFalse();
            assertThat(h.pipelines.sweep(10)).isEqualTo(1);
        }

        assertThat(run(started.id()).phase()).isEqualTo(RunPhase.COMPLETED);
        SpanData runSpan = spans.only("pipeline etl");
        assertThat(runSpan.getSpanId()).isEqualTo(started.trace().spanId());
        assertThat(runSpan.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(spans.named("enqueue pipelines")).hasSize(3).allSatisfy(e -> {
            assertThat(e.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
            assertThat(e.getParentSpanId()).isEqualTo(runSpan.getSpanId());
        });
        assertThat(spans.all()).as("no step started a trace of its own")
                .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(request.getSpanContext().getTraceId()));
    }

    @Test
    void aFailedRunsSpanIsAnErrorAndItsRetryIsASecondSpanUnderTheSameParent() {
        h.pipelines.register(yaml(ETL.replace("type: double,", "type: double, retry: {maxAttempts: 1},")));
        h.behaviour = j -> {
            if (j.type().equals("double")) {
                throw new IllegalStateException("the transformer is down");
            }
            return PipelinesHarness.standard(j);
        };
        Span request = spans.request("POST /api/v1/pipelines/{id}/runs");
        PipelineRun started = startInRequest(request, "etl");
        h.drain();

        SpanData failed = spans.only("pipeline etl");
        assertThat(attribute(failed, "bulwark.pipeline.outcome")).isEqualTo("failed");
        assertThat(attribute(failed, "bulwark.pipeline.failed_step")).isEqualTo("transform");
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getStatus().getDescription()).startsWith("transform: ").contains("the transformer is down");

        h.behaviour = PipelinesHarness::standard;
        Span retryRequest = spans.request("POST /api/v1/runs/{id}/retry");
        PipelineRun retried;
        try (Tracing.Scope ignored = spans.tracing.activate(retryRequest)) {
            retried = h.pipelines.retry(started.id());
        } finally {
            retryRequest.end();
        }
        assertThat(retried.trace().traceId()).isEqualTo(started.trace().traceId());
        assertThat(retried.trace().parentSpanId()).as("the run's parent, not the retry's")
                .isEqualTo(started.trace().parentSpanId());
        assertThat(retried.trace().spanId()).isNotEqualTo(started.trace().spanId());
        h.drain();

        List<SpanData> generations = spans.named("pipeline etl");
        assertThat(generations).hasSize(2);
        SpanData second = generations.get(1);
        assertThat(second.getSpanId()).isEqualTo(retried.trace().spanId());
        assertThat(second.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(attribute(second, "bulwark.pipeline.generation")).isEqualTo("1");
        assertThat(attribute(second, "bulwark.pipeline.outcome")).isEqualTo("completed");
        List<SpanData> enqueues = spans.named("enqueue pipelines");
        assertThat(enqueues).as("extract and transform, then transform again and load").hasSize(4);
        assertThat(enqueues.subList(0, 2)).allSatisfy(e -> assertThat(e.getParentSpanId()).isEqualTo(failed.getSpanId()));
        assertThat(enqueues.subList(2, 4)).allSatisfy(e -> assertThat(e.getParentSpanId()).isEqualTo(second.getSpanId()));
    }

    @Test
    void aCancelledRunEmitsItsSpanOnceWithItsOutcome() {
        h.pipelines.register(yaml(ETL));
        PipelineRun started = startInRequest(spans.request("POST /api/v1/pipelines/{id}/runs"), "etl");

        h.pipelines.cancel(started.id(), "not needed");
        h.drain();
        h.pipelines.sweep(10);

        SpanData runSpan = spans.only("pipeline etl");
        assertThat(attribute(runSpan, "bulwark.pipeline.outcome")).isEqualTo("cancelled");
        assertThat(runSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aRunStartedOutsideAnyTraceIsARootOverItsSteps() {
        h.pipelines.register(yaml(ETL));
        PipelineRun started = h.pipelines.start("etl", PipelinesHarness.json("{\"n\": 1}"), null).run();
        assertThat(started.trace().parentSpanId()).isNull();
        h.drain();

        SpanData runSpan = spans.only("pipeline etl");
        assertThat(runSpan.getParentSpanId()).isEqualTo(NO_PARENT);
        assertThat(runSpan.getTraceId()).isEqualTo(started.trace().traceId());
        assertThat(spans.named("enqueue pipelines")).hasSize(3)
                .allSatisfy(e -> assertThat(e.getParentSpanId()).isEqualTo(runSpan.getSpanId()));
    }

    @Test
    void aSubPipelineRunIsASpanUnderItsParentRun() {
        h.pipelines.register(yaml("""
                id: child
                steps: [{id: twice, type: double, input: {n: "${input.n}"}}]
                """));
        h.pipelines.register(yaml("""
                id: parent
                steps:
                  - {id: sub, type: pipeline, input: {pipeline: child, input: {n: "${input.n}"}}}
                  - {id: last, type: echo, after: [sub], input: {got: "${steps.sub.output.twice.n}"}}
                """));
        PipelineRun parent = startInRequest(spans.request("POST /api/v1/pipelines/{id}/runs"), "parent");
        h.drain();

        assertThat(run(parent.id()).phase()).isEqualTo(RunPhase.COMPLETED);
        SpanData parentSpan = spans.only("pipeline parent");
        SpanData childSpan = spans.only("pipeline child");
        assertThat(childSpan.getParentSpanId()).isEqualTo(parentSpan.getSpanId());
        assertThat(childSpan.getTraceId()).isEqualTo(parentSpan.getTraceId());
        UUID child = run(parent.id()).step(StepInstance.of("sub")).flatMap(StepRecord::childRun).orElseThrow();
        assertThat(attribute(childSpan, "bulwark.pipeline.run_id")).isEqualTo(child.toString());
        assertThat(spans.named("enqueue pipelines")).hasSize(2).extracting(SpanData::getParentSpanId)
                .as("the child's step under the child, the parent's last step under the parent")
                .containsExactlyInAnyOrder(childSpan.getSpanId(), parentSpan.getSpanId());
    }

    @Test
    void aChildRunRetriedWithItsParentIsASpanUnderTheParentsNewGeneration() {
        h.pipelines.register(yaml("""
                id: child
                steps: [{id: twice, type: double, retry: {maxAttempts: 1}, input: {n: "${input.n}"}}]
                """));
        h.pipelines.register(yaml("""
                id: parent
                steps: [{id: sub, type: pipeline, input: {pipeline: child, input: {n: "${input.n}"}}}]
                """));
        boolean[] broken = {true};
        h.behaviour = j -> {
            if (broken[0] && j.type().equals("double")) {
                throw new IllegalStateException("down");
            }
            return PipelinesHarness.standard(j);
        };
        PipelineRun parent = startInRequest(spans.request("POST /api/v1/pipelines/{id}/runs"), "parent");
        h.drain();
        assertThat(run(parent.id()).phase()).isEqualTo(RunPhase.FAILED);

        broken[0] = false;
        PipelineRun retried = h.pipelines.retry(parent.id());
        h.drain();

        assertThat(run(parent.id()).phase()).isEqualTo(RunPhase.COMPLETED);
        List<SpanData> children = spans.named("pipeline child");
        assertThat(children).hasSize(2);
        assertThat(children.get(0).getParentSpanId()).isEqualTo(parent.trace().spanId());
        assertThat(children.get(1).getParentSpanId()).as("under the parent's retry, not its failed generation")
                .isEqualTo(retried.trace().spanId());
        assertThat(attribute(children.get(1), "bulwark.pipeline.generation")).isEqualTo("1");
    }

    @Test
    void withoutTracesARunHasNoSpan() {
        PipelinesHarness untraced = new PipelinesHarness();
        untraced.pipelines.register(yaml(ETL));
        PipelineRun started = untraced.pipelines.start("etl", PipelinesHarness.json("{\"n\": 1}"), null).run();
        untraced.drain();
        assertThat(started.trace()).isNull();
        assertThat(untraced.pipelines.run(started.id()).orElseThrow().phase()).isEqualTo(RunPhase.COMPLETED);
    }
}
