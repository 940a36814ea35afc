package io.bulwark.pipeline.internal;

import io.bulwark.core.tracing.PlannedSpan;
import io.bulwark.core.tracing.Tracing;
import io.bulwark.pipeline.store.PipelineRun;
import io.bulwark.pipeline.store.RunPhase;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The span of a pipeline run, {@code pipeline <id>}: planned when the run starts (a child of
 * whatever started it: the request, the calling step's run, or a root for a schedule), stored with
 * the run, current while any node advances the run (so every step's enqueue, and through it every
 * attempt, is its child), and emitted by the node that ends the run, from the run's start to then.
 *
 * <p>Each generation of a run has a span of its own: a retry plans another beside the one its failed
 * generation ended, under the same parent (a sub-pipeline's run retried with its parent: under the
 * parent's new span). A run without one (started while traces were off, or before the store kept
 * them) advances in its caller's context, as before.
 */
public final class RunSpans {

    /** The span's name: {@code pipeline <id>}. */
    static final String PREFIX = "pipeline ";

    private final Tracing tracing;
    private final InstantSource clock;

    /**
     * @param clock when a run ends, for its span's end (never before the run's start, whichever
     *              clock, the store's, stamped that)
     */
    public RunSpans(Tracing tracing, InstantSource clock) {
        this.tracing = tracing;
        this.clock = clock;
    }

    /** The span of a run of {@code pipeline} starting now, child of the current span; null when traces are off. */
    public PlannedSpan plan(String pipeline) {
        return tracing.plan(PREFIX + pipeline, SpanKind.INTERNAL, Context.current()).orElse(null);
    }

    /**
     * The span of the next generation of {@code run}: beside its current one, or, when it has none,
     * a child of the current span; null when traces are off.
     */
    public PlannedSpan next(PipelineRun run) {
        return run.trace() == null ? plan(run.pipeline()) : tracing.replan(run.trace()).orElse(null);
    }

    /** Makes {@code run}'s span current on this thread, when it has one; close on the same thread. */
    public Tracing.Scope activate(PipelineRun run) {
        if (run.trace() == null || !tracing.enabled()) {
            return Tracing.Scope.NONE;
        }
        return tracing.activate(Span.fromContext(tracing.context(run.trace())));
    }

    /**
     * Emits the span of {@code run}, which this caller has just ended (completed, failed or
     * cancelled): from its start to now, with its outcome; error status when it failed.
     */
    public void ended(PipelineRun run) {
        if (run.trace() == null || !tracing.enabled()) {
            return;
        }
        AttributesBuilder a = Attributes.builder()
                .put("bulwark.pipeline.name", run.pipeline())
                .put("bulwark.pipeline.version", run.version())
                .put("bulwark.pipeline.run_id", run.id().toString())
                .put("bulwark.pipeline.generation", run.generation())
                .put("bulwark.pipeline.outcome", run.phase().id());
        if (run.failedStep() != null) {
            a.put("bulwark.pipeline.failed_step", run.failedStep());
        }
        Span span = tracing.startPlanned(run.trace(), PREFIX + run.pipeline(), SpanKind.INTERNAL, run.createdAt(),
                a.build());
        if (run.phase() == RunPhase.FAILED) {
            Tracing.fail(span, (run.failedStep() == null ? "" : run.failedStep() + ": ") + run.error());
        }
        Instant now = clock.instant();
        span.end(now.isBefore(run.createdAt()) ? run.createdAt() : now);
    }
}
