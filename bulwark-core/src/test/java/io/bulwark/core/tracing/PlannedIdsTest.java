package io.bulwark.core.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SDK's id generator as the server builds it: a planned span starts, later, with the ids it
 * was planned with, under its planned parent and at its planned start; every other span gets
 * random ids; and a planned root is sampled exactly when the sampler said it would be.
 */
class PlannedIdsTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private SdkTracerProvider provider;

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private Tracing tracing(Sampler sampler) {
        PlannedIds ids = new PlannedIds(sampler);
        provider = SdkTracerProvider.builder().setSampler(sampler).setIdGenerator(ids)
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        return Tracing.of(OpenTelemetrySdk.builder().setTracerProvider(provider).build(), ids);
    }

    @Test
    void aPlannedSpanStartsLaterWithItsPlannedIdsParentAndStartAndTheNextSpanIsRandomAgain() {
        Tracing tracing = tracing(Sampler.alwaysOn());
        Span request = tracing.span("POST /api/v1/pipelines/{id}/runs", SpanKind.SERVER, Context.root()).startSpan();
        PlannedSpan planned = tracing.plan("pipeline etl", SpanKind.INTERNAL, Context.root().with(request)).orElseThrow();
        request.end();
        Span step = tracing.span("enqueue pipelines", SpanKind.PRODUCER, tracing.context(planned)).startSpan();
        step.end();
        Instant start = Instant.parse("2026-12-01T10:00:00.123456Z");

        Span run = tracing.startPlanned(planned, "pipeline etl", SpanKind.INTERNAL, start,
                Attributes.of(AttributeKey.stringKey("bulwark.pipeline.name"), "etl"));
        run.end(start.plusSeconds(3));
        Span after = tracing.span("next", SpanKind.INTERNAL, Context.root()).startSpan();
        after.end();

        SpanData runData = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("pipeline etl")).findFirst().orElseThrow();
        SpanData stepData = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("enqueue pipelines")).findFirst().orElseThrow();
        assertThat(runData.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(runData.getSpanId()).isEqualTo(planned.spanId());
        assertThat(runData.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(stepData.getParentSpanId()).as("started before the run's span, yet its child")
                .isEqualTo(runData.getSpanId());
        assertThat(runData.getStartEpochNanos()).isEqualTo(1_796_119_200_123_456_000L);
        assertThat(runData.getEndEpochNanos() - runData.getStartEpochNanos()).isEqualTo(3_000_000_000L);
        assertThat(runData.getAttributes().get(AttributeKey.stringKey("bulwark.pipeline.name"))).isEqualTo("etl");
        assertThat(after.getSpanContext().getSpanId()).as("the planned id was taken once")
                .isNotEqualTo(planned.spanId());
        assertThat(after.getSpanContext().getTraceId()).isNotEqualTo(planned.traceId());
    }

    @Test
    void aPlannedRootIsSampledExactlyWhenTheSamplerSaidSoWhenItWasPlanned() {
        Tracing tracing = tracing(Sampler.parentBased(Sampler.traceIdRatioBased(0.5)));
        List<PlannedSpan> plans = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            plans.add(tracing.plan("pipeline etl", SpanKind.INTERNAL, Context.root()).orElseThrow());
        }
        for (PlannedSpan p : plans) {
            assertThat(p.parentSpanId()).isNull();
            tracing.startPlanned(p, "pipeline etl", SpanKind.INTERNAL, Instant.EPOCH, Attributes.empty())
                    .end(Instant.EPOCH.plusSeconds(1));
        }

        Set<String> sampledAtPlan = plans.stream().filter(p -> p.traceparent().endsWith("-01")).map(PlannedSpan::spanId)
                .collect(Collectors.toSet());
        assertThat(sampledAtPlan).as("a ratio of 0.5 samples some and drops some").isNotEmpty().hasSizeLessThan(200);
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getSpanId).containsExactlyInAnyOrderElementsOf(sampledAtPlan);
        assertThat(spans.getFinishedSpanItems()).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo("0000000000000000"));
    }

    @Test
    void aPlannedChildOfAnUnsampledCallerRecordsNothing() {
        Tracing tracing = tracing(Sampler.parentBased(Sampler.alwaysOn()));
        Context unsampled = tracing.fromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");

        PlannedSpan planned = tracing.plan("pipeline etl", SpanKind.INTERNAL, unsampled).orElseThrow();
        Span run = tracing.startPlanned(planned, "pipeline etl", SpanKind.INTERNAL, Instant.EPOCH, Attributes.empty());
        run.end();

        assertThat(planned.traceparent()).endsWith("-00");
        assertThat(run.isRecording()).isFalse();
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}
