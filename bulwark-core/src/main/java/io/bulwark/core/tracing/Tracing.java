package io.bulwark.core.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.slf4j.MDC;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one seam between Bulwark's modules and OpenTelemetry: library modules take a {@code Tracing}
 * and depend on the OpenTelemetry API only; the server installs the SDK and an exporter behind it.
 * {@link #noop()} (the default everywhere) creates no spans, stores no trace context and costs a
 * field read per call site.
 *
 * <pre>{@code
 * Span span = tracing.span("enqueue emails", SpanKind.PRODUCER, Context.current()).startSpan();
 * try (Tracing.Scope s = tracing.activate(span)) {
 *     ... // log lines carry trace_id and span_id; spans started here are its children
 * } finally {
 *     span.end();
 * }
 * }</pre>
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Trace context travels in the W3C {@code traceparent} form: HTTP headers in, job rows (a
 *       tag, see {@code io.bulwark.jobs}), headers out to providers.</li>
 *   <li>{@link #activate} puts {@code trace_id} and {@code span_id} in the SLF4J MDC and restores the
 *       previous values on close, so JSON logs name the span without a global context hook.</li>
 *   <li>A span that begins on one node and ends on another (a pipeline run) cannot be an SDK span
 *       held open in memory. It is <em>planned</em> instead ({@link #plan}): its trace id, span id
 *       and sampled flag are chosen when it begins and stored with what it times, its children are
 *       started under that identity ({@link #context}), and whichever node sees it end starts it
 *       then with the planned ids and the real start time ({@link #startPlanned}) and ends it at
 *       once. The ids reach the SDK through its id generator ({@link SpanPlanner}); the sampled flag
 *       is the parent's, or for a root the sampler's decision on the planned trace id, which a
 *       trace-id-ratio sampler makes again identically when the span starts.</li>
 * </ul>
 */
public final class Tracing {

    /** The instrumentation scope of every Bulwark span. */
    public static final String SCOPE = "io.bulwark";
    /** MDC key of the current trace id (32 hex digits). */
    public static final String MDC_TRACE_ID = "trace_id";
    /** MDC key of the current span id (16 hex digits). */
    public static final String MDC_SPAN_ID = "span_id";

    private static final Tracing NOOP = new Tracing(OpenTelemetry.noop(), false, null);
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            if (carrier == null) {
                return null;
            }
            String v = carrier.get(key);
            if (v != null) {
                return v;
            }
            for (Map.Entry<String, String> e : carrier.entrySet()) {
                if (e.getKey().equalsIgnoreCase(key)) {
                    return e.getValue();
                }
            }
            return null;
        }
    };
    private static final TextMapSetter<Map<String, String>> MAP_SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.put(key, value);
        }
    };

    private final OpenTelemetry otel;
    private final Tracer tracer;
    private final boolean enabled;
    /** Null when spans cannot be planned: {@link #plan} then answers empty. */
    private final SpanPlanner planner;

    private Tracing(OpenTelemetry otel, boolean enabled, SpanPlanner planner) {
        this.otel = otel;
        this.tracer = otel.getTracer(SCOPE);
        this.enabled = enabled;
        this.planner = planner;
    }

    /** Tracing that does nothing: no spans, no stored context. */
    public static Tracing noop() {
        return NOOP;
    }

    /** Tracing through {@code otel} (an SDK the caller owns and closes). */
    public static Tracing of(OpenTelemetry otel) {
        return new Tracing(Objects.requireNonNull(otel, "otel"), true, null);
    }

    /**
     * Tracing through {@code otel} that can also plan spans ({@link #plan}): {@code planner} must be
     * backed by the id generator and sampler of {@code otel}'s SDK.
     */
    public static Tracing of(OpenTelemetry otel, SpanPlanner planner) {
        return new Tracing(Objects.requireNonNull(otel, "otel"), true, Objects.requireNonNull(planner, "planner"));
    }

    /** False for {@link #noop()}: callers may skip work that only feeds spans. */
    public boolean enabled() {
        return enabled;
    }

    /** The OpenTelemetry instance behind it. */
    public OpenTelemetry openTelemetry() {
        return otel;
    }

    /** The tracer of scope {@link #SCOPE}. */
    public Tracer tracer() {
        return tracer;
    }

    /** A span builder with {@code kind}, child of the span in {@code parent} (a root when there is none). */
    public SpanBuilder span(String name, SpanKind kind, Context parent) {
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent == null ? Context.root() : parent);
    }

    /**
     * Makes {@code span} current on this thread and names it in the MDC; close the scope on the
     * same thread, before ending the span.
     */
    public Scope activate(Span span) {
        if (!enabled || !span.getSpanContext().isValid()) {
            return Scope.NONE;
        }
        io.opentelemetry.context.Scope otelScope = span.makeCurrent();
        String oldTrace = MDC.get(MDC_TRACE_ID);
        String oldSpan = MDC.get(MDC_SPAN_ID);
        MDC.put(MDC_TRACE_ID, span.getSpanContext().getTraceId());
        MDC.put(MDC_SPAN_ID, span.getSpanContext().getSpanId());
        return () -> {
            restore(MDC_TRACE_ID, oldTrace);
            restore(MDC_SPAN_ID, oldSpan);
            otelScope.close();
        };
    }

    private static void restore(String key, String old) {
        if (old == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, old);
        }
    }

    /**
     * The W3C {@code traceparent} of the span in {@code context}, or null when it holds no valid
     * span (tracing off, or nothing current).
     */
    public String traceparent(Context context) {
        if (!enabled || !Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> out = new HashMap<>(2);
        W3C.inject(context, out, MAP_SETTER);
        return out.get("traceparent");
    }

    /** Writes the W3C trace headers of {@code context} into {@code headers}; nothing when tracing is off. */
    public void inject(Context context, Map<String, String> headers) {
        if (enabled) {
            W3C.inject(context, headers, MAP_SETTER);
        }
    }

    /**
     * The context a {@code traceparent} names, as a remote parent; {@link Context#root()} when it is
     * null, malformed, or tracing is off.
     */
    public Context fromTraceparent(String traceparent) {
        if (!enabled || traceparent == null) {
            return Context.root();
        }
        return extract(Map.of("traceparent", traceparent));
    }

    /** The context W3C trace headers carry (names compared without case); root when none. */
    public Context extract(Map<String, String> headers) {
        if (!enabled) {
            return Context.root();
        }
        return W3C.extract(Context.root(), headers, MAP_GETTER);
    }

    /**
     * Plans a span named {@code name}, child of the span in {@code parent} (a root when there is
     * none): its ids and sampled flag are chosen now, and it is started later, on any node, by
     * {@link #startPlanned}. Planning writes nothing and exports nothing.
     *
     * @return empty when tracing is off or this tracing cannot plan spans (made without a {@link SpanPlanner})
     */
    public Optional<PlannedSpan> plan(String name, SpanKind kind, Context parent) {
        if (!enabled || planner == null) {
            return Optional.empty();
        }
        SpanContext p = Span.fromContext(parent == null ? Context.root() : parent).getSpanContext();
        String spanId = planner.newSpanId();
        if (p.isValid()) {
            return Optional.of(new PlannedSpan(traceparent(p.getTraceId(), spanId, p.getTraceFlags()), p.getSpanId()));
        }
        String traceId = planner.newTraceId();
        TraceFlags flags = planner.samplesNewTrace(traceId, name, kind) ? TraceFlags.getSampled() : TraceFlags.getDefault();
        return Optional.of(new PlannedSpan(traceparent(traceId, spanId, flags), null));
    }

    /**
     * A new span planned beside {@code planned}: the same trace, parent and sampled flag, a span id
     * of its own (for what starts over under the same parent, as a retried pipeline run).
     *
     * @return empty when tracing is off, this tracing cannot plan spans, or {@code planned} holds no valid context
     */
    public Optional<PlannedSpan> replan(PlannedSpan planned) {
        if (!enabled || planner == null) {
            return Optional.empty();
        }
        SpanContext own = Span.fromContext(fromTraceparent(planned.traceparent())).getSpanContext();
        if (!own.isValid()) {
            return Optional.empty();
        }
        return Optional.of(new PlannedSpan(traceparent(own.getTraceId(), planner.newSpanId(), own.getTraceFlags()),
                planned.parentSpanId()));
    }

    /**
     * The context whose current span is {@code planned}, as a remote parent: spans started in it are
     * its children, before it has been started itself. {@link Context#root()} when tracing is off.
     */
    public Context context(PlannedSpan planned) {
        return fromTraceparent(planned.traceparent());
    }

    /**
     * Starts {@code planned} now, wherever it was planned: with its planned ids, its planned parent,
     * {@code start} as its start time and {@code attributes}; the caller ends it. A planned span
     * that was not sampled starts as a span that records nothing, as any unsampled span.
     *
     * @return the span; an invalid one, which records nothing, when tracing is off, this tracing
     *         cannot plan spans, or {@code planned} holds no valid context
     */
    public Span startPlanned(PlannedSpan planned, String name, SpanKind kind, Instant start, Attributes attributes) {
        if (!enabled || planner == null) {
            return Span.getInvalid();
        }
        SpanContext own = Span.fromContext(fromTraceparent(planned.traceparent())).getSpanContext();
        if (!own.isValid()) {
            return Span.getInvalid();
        }
        SpanContext parent = planned.parentSpanId() == null ? SpanContext.getInvalid()
                : SpanContext.createFromRemoteParent(own.getTraceId(), planned.parentSpanId(), own.getTraceFlags(),
                TraceState.getDefault());
        SpanBuilder builder = span(name, kind, parent.isValid() ? Context.root().with(Span.wrap(parent)) : Context.root())
                .setStartTimestamp(start).setAllAttributes(attributes);
        return planner.start(builder, parent.isValid() ? null : own.getTraceId(), own.getSpanId());
    }

    private static String traceparent(String traceId, String spanId, TraceFlags flags) {
        return "00-" + traceId + "-" + spanId + "-" + flags.asHex();
    }

    /** Sets the status of {@code span} to error with {@code description}. */
    public static void fail(Span span, String description) {
        span.setStatus(StatusCode.ERROR, description == null ? "" : description);
    }

    /** An event on the current span of this thread, when there is one. */
    public static void event(String name, Attributes attributes) {
        Span.current().addEvent(name, attributes);
    }

    /** The span context current on this thread. */
    public static SpanContext currentSpanContext() {
        return Span.current().getSpanContext();
    }

    /** What {@link #activate} returns: closing it restores the previous context and MDC. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        /** A scope that does nothing. */
        Scope NONE = () -> { };

        @Override
        void close();
    }
}
