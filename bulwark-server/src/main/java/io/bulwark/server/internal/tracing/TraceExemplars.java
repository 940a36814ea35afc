package io.bulwark.server.internal.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * Links metrics to traces: Prometheus's exemplar sampler asks this for the span current when a
 * counter is incremented or a histogram observed, and keeps its trace and span ids beside the
 * sample (served in the OpenMetrics format), so a slow bucket of {@code http_server_requests}
 * leads to a trace of one of its requests. Only sampled spans are offered: an exemplar must point
 * at a trace the collector has.
 */
public final class TraceExemplars implements io.prometheus.metrics.tracer.common.SpanContext {

    /** The attribute marking a span that some metric chose as its exemplar. */
    static final String EXEMPLAR_ATTRIBUTE = "bulwark.exemplar";

    private static SpanContext current() {
        return Span.current().getSpanContext();
    }

    @Override
    public String getCurrentTraceId() {
        SpanContext c = current();
        return c.isValid() ? c.getTraceId() : null;
    }

    @Override
    public String getCurrentSpanId() {
        SpanContext c = current();
        return c.isValid() ? c.getSpanId() : null;
    }

    @Override
    public boolean isCurrentSpanSampled() {
        SpanContext c = current();
        return c.isValid() && c.isSampled();
    }

    @Override
    public void markCurrentSpanAsExemplar() {
        Span.current().setAttribute(EXEMPLAR_ATTRIBUTE, true);
    }
}
