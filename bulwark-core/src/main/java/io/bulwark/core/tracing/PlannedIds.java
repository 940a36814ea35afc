package io.bulwark.core.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;

import java.util.List;
import java.util.Objects;

/**
 * The SDK's id generator, random as the SDK's own, except for a span started through
 * {@link #start}: that one takes the ids it was planned with ({@link io.bulwark.core.tracing.Tracing#plan}),
 * so a pipeline run's span, planned when the run started and stored with it, is emitted with the
 * same ids its steps already name as their parent, by whichever node sees the run end.
 *
 * <h2>Design notes</h2>
 * The SDK asks its generator for a span id (and, for a root, a trace id) inside
 * {@link SpanBuilder#startSpan()}, on the calling thread, before it calls any span processor. So
 * {@link #start} leaves the planned ids in a thread-local, starts the span, and clears them in any
 * case: each id is taken once by the first ask, and nothing is left for the next span of the thread.
 * A scoped value would say the same, but is a preview API in Java 21, the release we compile for.
 */
public final class PlannedIds implements IdGenerator, SpanPlanner {

    private static final IdGenerator RANDOM = IdGenerator.random();

    private final Sampler sampler;
    /** {trace id or null, span id or null} for the span being started by {@link #start} on this thread. */
    private final ThreadLocal<String[]> planned = new ThreadLocal<>();

    /** @param sampler the sampler of the SDK this generator is given to */
    public PlannedIds(Sampler sampler) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
    }

    @Override
    public String generateSpanId() {
        String[] p = planned.get();
        if (p != null && p[1] != null) {
            String id = p[1];
            p[1] = null;
            return id;
        }
        return RANDOM.generateSpanId();
    }

    @Override
    public String generateTraceId() {
        String[] p = planned.get();
        if (p != null && p[0] != null) {
            String id = p[0];
            p[0] = null;
            return id;
        }
        return RANDOM.generateTraceId();
    }

    /** Planned trace ids are made by {@link #newTraceId}, randomly, like the others. */
    @Override
    public boolean generatesRandomTraceIds() {
        return true;
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
        return sampler.shouldSample(Context.root(), traceId, name, kind, Attributes.empty(), List.of()).getDecision()
                == SamplingDecision.RECORD_AND_SAMPLE;
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
