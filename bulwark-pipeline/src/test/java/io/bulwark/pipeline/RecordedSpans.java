package io.bulwark.pipeline;

import io.bulwark.core.tracing.SpanPlanner;
import io.bulwark.core.tracing.Tracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real OpenTelemetry SDK that keeps every ended span in memory, sampling everything, with an id
 * generator that lets spans be planned (as the server's does): a {@link Tracing} whose spans a test
 * reads back with their parents, ids and times.
 */
final class RecordedSpans implements SpanExporter {

    private final List<SpanData> spans = new CopyOnWriteArrayList<>();
    final Tracing tracing;

    RecordedSpans() {
        Planner planner = new Planner(Sampler.alwaysOn());
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(Sampler.alwaysOn()).setIdGenerator(planner).addSpanProcessor(SimpleSpanProcessor.create(this))
                .build()).build();
        this.tracing = Tracing.of(sdk, planner);
    }

    /** Every span ended so far, in the order they ended. */
    List<SpanData> all() {
        return List.copyOf(spans);
    }

    /** The spans named {@code name}. */
    List<SpanData> named(String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).toList();
    }

    /** The one span named {@code name}. */
    SpanData only(String name) {
        List<SpanData> found = named(name);
        if (found.size() != 1) {
            throw new AssertionError("expected one span named '" + name + "' but found " + found.size() + ": " + spans);
        }
        return found.getFirst();
    }

    /** A span named {@code name} started and ended now, as a request that starts runs would be; returns it open. */
    Span request(String name) {
        return tracing.span(name, SpanKind.SERVER, Context.root()).startSpan();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
        spans.addAll(batch);
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    /** Random ids but for a span started through {@link #start}, as the server's generator. */
    private static final class Planner implements IdGenerator, SpanPlanner {
        private static final IdGenerator RANDOM = IdGenerator.random();
        private final Sampler sampler;
        private final ThreadLocal<String[]> planned = new ThreadLocal<>();

        Planner(Sampler sampler) {
            this.sampler = sampler;
        }

        @Override
        public String generateSpanId() {
            String[] p = planned.get();
            String id = p == null ? null : p[1];
            if (id != null) {
                p[1] = null;
                return id;
            }
            return RANDOM.generateSpanId();
        }

        @Override
        public String generateTraceId() {
            String[] p = planned.get();
            String id = p == null ? null : p[0];
            if (id != null) {
                p[0] = null;
                return id;
            }
            return RANDOM.generateTraceId();
        }

        @Override
        public String newTraceId() {
            return RANDOM.generateTraceId();
        }

        @Override
        public String newSpanId() {
            return RANDOM.generateSpanId();
        }

        @Override
        public boolean samplesNewTrace(String traceId, String name, SpanKind kind) {
            return sampler.shouldSample(Context.root(), traceId, name, kind, Attributes.empty(), List.of())
                    .getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
        }

        @Override
        public Span start(SpanBuilder builder, String traceId, String spanId) {
            planned.set(new String[] {traceId, spanId});
            try {
                return builder.startSpan();
            } finally {
                planned.remove();
            }
        }
    }
}
