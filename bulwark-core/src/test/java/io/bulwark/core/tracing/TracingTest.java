package io.bulwark.core.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

    /** Hands out ids in order, samples new traces as told, and records what it was asked to start. */
    private static final class ScriptedPlanner implements SpanPlanner {
        final List<String> started = new ArrayList<>();
        boolean sampleNewTraces = true;
        private int next;

        @Override
        public String newTraceId() {
            return "%032x".formatted(++next);
        }

        @Override
        public String newSpanId() {
            return "%016x".formatted(++next);
        }

        @Override
        public boolean samplesNewTrace(String traceId, String name, SpanKind kind) {
            return sampleNewTraces;
        }

        @Override
        public Span start(SpanBuilder builder, String traceId, String spanId) {
            started.add(traceId + "/" + spanId);
            return Span.getInvalid();
        }
    }

    @Test
    void aPlannedChildTakesItsParentsTraceAndFlagsAndASpanIdOfItsOwn() {
        ScriptedPlanner planner = new ScriptedPlanner();
        Tracing planning = Tracing.of(OpenTelemetry.noop(), planner);

        PlannedSpan planned = planning.plan("pipeline etl", SpanKind.INTERNAL, Context.root().with(span)).orElseThrow();

        assertThat(planned.traceparent()).isEqualTo("00-" + TRACE + "-0000000000000001-01");
        assertThat(planned.parentSpanId()).isEqualTo(SPAN);
        assertThat(planned.traceId()).isEqualTo(TRACE);
        assertThat(planned.spanId()).isEqualTo("0000000000000001");
        SpanContext child = Span.fromContext(planning.context(planned)).getSpanContext();
        assertThat(child.getTraceId()).isEqualTo(TRACE);
        assertThat(child.getSpanId()).as("children started in its context name it as their parent")
                .isEqualTo("0000000000000001");

        planning.startPlanned(planned, "pipeline etl", SpanKind.INTERNAL, Instant.EPOCH, Attributes.empty());
        assertThat(planner.started).as("a child keeps its parent's trace id: none is preset")
                .containsExactly("null/0000000000000001");
    }

    @Test
    void aPlannedRootTakesANewTraceIdAndTheSamplersDecisionOnIt() {
        ScriptedPlanner planner = new ScriptedPlanner();
        Tracing planning = Tracing.of(OpenTelemetry.noop(), planner);

        PlannedSpan sampled = planning.plan("pipeline etl", SpanKind.INTERNAL, Context.root()).orElseThrow();
        planner.sampleNewTraces = false;
        PlannedSpan dropped = planning.plan("pipeline etl", SpanKind.INTERNAL, null).orElseThrow();

        assertThat(sampled.traceparent()).isEqualTo("00-%032x-%016x-01".formatted(2, 1));
        assertThat(sampled.parentSpanId()).isNull();
        assertThat(dropped.traceparent()).endsWith("-00");
        planning.startPlanned(sampled, "pipeline etl", SpanKind.INTERNAL, Instant.EPOCH, Attributes.empty());
        assertThat(planner.started).containsExactly("%032x/%016x".formatted(2, 1));
    }

    @Test
    void aReplannedSpanKeepsTraceParentAndFlagsWithANewSpanId() {
        Tracing planning = Tracing.of(OpenTelemetry.noop(), new ScriptedPlanner());
        PlannedSpan first = planning.plan("pipeline etl", SpanKind.INTERNAL, Context.root().with(span)).orElseThrow();

        PlannedSpan second = planning.replan(first).orElseThrow();

        assertThat(second.traceId()).isEqualTo(TRACE);
        assertThat(second.parentSpanId()).isEqualTo(SPAN);
        assertThat(second.spanId()).isNotEqualTo(first.spanId());
        assertThat(second.traceparent()).endsWith("-01");
        assertThat(planning.replan(new PlannedSpan("garbage", null))).isEmpty();
    }

    @Test
    void nothingIsPlannedWithoutAPlannerOrWithTracingOff() {
        PlannedSpan planned = new PlannedSpan("00-" + TRACE + "-" + SPAN + "-01", null);
        for (Tracing t : List.of(tracing, Tracing.noop())) {
            assertThat(t.plan("pipeline etl", SpanKind.INTERNAL, Context.root().with(span))).isEmpty();
            assertThat(t.replan(planned)).isEmpty();
            assertThat(t.startPlanned(planned, "pipeline etl", SpanKind.INTERNAL, Instant.EPOCH, Attributes.empty())
                    .getSpanContext().isValid()).isFalse();
        }
        assertThat(new PlannedSpan("not a traceparent", null).traceId()).isNull();
    }
}
