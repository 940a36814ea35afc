package io.bulwark.pipeline;

import io.bulwark.core.tracing.PlannedIds;
import io.bulwark.core.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;

/**
 * A real OpenTelemetry SDK that keeps every ended span in memory, sampling everything, with an id
 * generator that lets spans be planned (the server's own, {@link PlannedIds}): a {@link Tracing} whose spans a test
 * reads back with their parents, ids and times.
 */
final class RecordedSpans {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final Tracing tracing;

    RecordedSpans() {
        PlannedIds planner = new PlannedIds(Sampler.alwaysOn());
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(Sampler.alwaysOn()).setIdGenerator(planner).addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build()).build();
        this.tracing = Tracing.of(sdk, planner);
    }

    /** Every span ended so far, in the order they ended. */
    List<SpanData> all() {
        return spans.getFinishedSpanItems();
    }

    /** The spans named {@code name}. */
    List<SpanData> named(String name) {
        return all().stream().filter(s -> s.getName().equals(name)).toList();
    }

    /** The one span named {@code name}. */
    SpanData only(String name) {
        List<SpanData> found = named(name);
        if (found.size() != 1) {
            throw new AssertionError("expected one span named '" + name + "' but found " + found.size() + ": " + all());
        }
        return found.getFirst();
    }

    /** A span named {@code name} started and ended now, as a request that starts runs would be; returns it open. */
    Span request(String name) {
        return tracing.span(name, SpanKind.SERVER, Context.root()).startSpan();
    }
}
