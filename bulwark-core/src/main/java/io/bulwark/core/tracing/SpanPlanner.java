package io.bulwark.core.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;

/**
 * What {@link Tracing} needs from the SDK behind it to plan a span now and start it later with the
 * identity it planned ({@link Tracing#plan}, {@link Tracing#startPlanned}): the SDK's id generator
 * and its sampler, which the OpenTelemetry API does not reach. The server's SDK implements it with
 * the {@code IdGenerator} it is built with; a {@link Tracing} made without one plans nothing.
 */
public interface SpanPlanner {

    /** A new random trace id: 32 lowercase hex digits, not all zero. */
    String newTraceId();

    /** A new random span id: 16 lowercase hex digits, not all zero. */
    String newSpanId();

    /**
     * Whether the SDK's sampler samples a new trace (a span without a parent) with trace id
     * {@code traceId}: the decision the SDK makes again, the same way, when the planned span starts.
     */
    boolean samplesNewTrace(String traceId, String name, SpanKind kind);

    /**
     * Starts the span of {@code builder} with span id {@code spanId} and, when its parent is not a
     * valid span, trace id {@code traceId}, instead of new ones.
     *
     * @param traceId the trace id of a root span; null when the builder has a valid parent (whose trace id it takes)
     */
    Span start(SpanBuilder builder, String traceId, String spanId);
}
