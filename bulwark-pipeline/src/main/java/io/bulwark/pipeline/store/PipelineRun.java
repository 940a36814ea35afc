package io.bulwark.pipeline.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.tracing.PlannedSpan;
import io.bulwark.pipeline.RunState;
import io.bulwark.pipeline.StepInstance;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A run of a pipeline version.
 *
 * @param id the run's id
 * @param pipeline the pipeline's id
 * @param version the version it runs: a run keeps it whatever is registered later
 * @param phase where it is
 * @param input its input (checked against the version's input schema at start)
 * @param idempotencyKey the key it was started with, or null
 * @param generation 0, and one more at each retry: the jobs of a retry are new jobs
 * @param failedStep the instance that failed it, or null
 * @param error why it failed or was cancelled, or null
 * @param createdAt by the store's clock
 * @param finishedAt when it ended, or null
 * @param trace the span that times this generation of the run, planned when it started (or was
 *              retried) and emitted when it ends; its steps are enqueued under it. Null when traces
 *              were off then
 * @param steps its step instances, in the store's order (step id, then index); empty when listed without them
 */
public record PipelineRun(UUID id, String pipeline, int version, RunPhase phase, JsonNode input, String idempotencyKey,
                          int generation, String failedStep, String error, Instant createdAt, Instant finishedAt,
                          PlannedSpan trace, List<StepRecord> steps) {

    public PipelineRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(createdAt, "createdAt");
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /** A run without a span of its own. */
    public PipelineRun(UUID id, String pipeline, int version, RunPhase phase, JsonNode input, String idempotencyKey,
                       int generation, String failedStep, String error, Instant createdAt, Instant finishedAt,
                       List<StepRecord> steps) {
        this(id, pipeline, version, phase, input, idempotencyKey, generation, failedStep, error, createdAt, finishedAt,
                null, steps);
    }

    /** This run with {@code steps} in place of its own. */
    public PipelineRun withSteps(List<StepRecord> steps) {
        return new PipelineRun(id, pipeline, version, phase, input, idempotencyKey, generation, failedStep, error,
                createdAt, finishedAt, trace, steps);
    }

    /** The planner's view of its steps. */
    public RunState state() {
        Map<StepInstance, io.bulwark.pipeline.StepState> m = new LinkedHashMap<>();
        steps.forEach(s -> m.put(s.instance(), s.state()));
        return new RunState(m);
    }

    /** The record of {@code instance}, if any. */
    public Optional<StepRecord> step(StepInstance instance) {
        return steps.stream().filter(s -> s.instance().equals(instance)).findFirst();
    }
}
