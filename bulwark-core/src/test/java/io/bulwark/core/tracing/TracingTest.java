package io.bulwark.core.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TracingTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";
    private final Tracing tracing = Tracing.of(OpenTelemetry.noop());
    private final Span span = Span.wrap(SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault()));

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void noopStoresNoContextAndExtractsNothing() {
        Tracing off = Tracing.noop();
        assertThat(off.enabled()).isFalse();
        assertThat(off.traceparent(Context.root().with(span))).isNull();
        assertThat(Span.fromContext(off.fromTraceparent("00-" + TRACE + "-" + SPAN + "-01")).getSpanContext().isValid())
                .isFalse();
        try (Tracing.Scope ignored = off.activate(span)) {
            assertThat(MDC.get(Tracing.MDC_TRACE_ID)).isNull();
            assertThat(Span.current().getSpanContext().isValid()).isFalse();
        }
    }

    @Test
    void aTraceparentRoundTripsAsARemoteParent() {
        String header = tracing.traceparent(Context.root().with(span));
        assertThat(header).isEqualTo("00-" + TRACE + "-" + SPAN + "-01");
        SpanContext back = Span.fromContext(tracing.fromTraceparent(header)).getSpanContext();
        assertThat(back.getTraceId()).isEqualTo(TRACE);
        assertThat(back.getSpanId()).isEqualTo(SPAN);
        assertThat(back.isRemote()).isTrue();
        assertThat(back.isSampled()).isTrue();
    }

    @Test
    void malformedOrMissingContextGivesARoot() {
        for (String bad : new String[] {null, "", "00-xyz-abc-01", "00-" + TRACE + "-0000000000000000-01"}) {
            assertThat(Span.fromContext(tracing.fromTraceparent(bad)).getSpanContext().isValid()).as(bad).isFalse();
        }
        assertThat(tracing.traceparent(Context.root())).isNull();
    }

    @Test
    void headersAreReadWithoutRegardToCaseAndWritten() {
        SpanContext in = Span.fromContext(tracing.extract(Map.of("TraceParent", "00-" + TRACE + "-" + SPAN + "-00")))
                .getSpanContext();
        assertThat(in.getTraceId()).isEqualTo(TRACE);
        assertThat(in.isSampled()).isFalse();
        Map<String, String> out = new HashMap<>();
        tracing.inject(Context.root().with(span), out);
        assertThat(out).containsEntry("traceparent", "00-" + TRACE + "-" + SPAN + "-01");
    }

    @Test
    void activateNamesTheSpanInTheMdcAndRestoresWhatWasThere() {
        MDC.put(Tracing.MDC_TRACE_ID, "outer-trace");
        try (Tracing.Scope ignored = tracing.activate(span)) {
            assertThat(MDC.get(Tracing.MDC_TRACE_ID)).isEqualTo(TRACE);
            assertThat(MDC.get(Tracing.MDC_SPAN_ID)).isEqualTo(SPAN);
            assertThat(Span.current().getSpanContext().getSpanId()).isEqualTo(SPAN);
        }
        assertThat(MDC.get(Tracing.MDC_TRACE_ID)).isEqualTo("outer-trace");
        assertThat(MDC.get(Tracing.MDC_SPAN_ID)).isNull();
        assertThat(Span.current().getSpanContext().isValid()).isFalse();
    }
}
