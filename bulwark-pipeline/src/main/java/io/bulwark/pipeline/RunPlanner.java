package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.validation.ValidationException;
import io.bulwark.pipeline.internal.CompiledPipeline;
import io.bulwark.pipeline.internal.PlanPass;

import java.util.List;
import java.util.Objects;

/**
 * Decides what a run does next from its state alone: a pure function with no clock, no threads
 * and no I/O, so that an executor can call it after every change and after a crash, and get the
 * same answer from the same state. Completed instances are never started again.
 *
 * <pre>{@code
 * RunPlanner planner = RunPlanner.of(definition);
 * RunState state = RunState.empty();
 * Plan plan = planner.plan(input, state);
 * for (StepStart s : plan.start()) {
 *     enqueue(s.step().type(), s.input());          // the executor's business
 *     state = state.with(s.instance(), StepState.running());
 * }
 * // ... when a job ends: state = state.with(instance, StepState.completed(output)); plan again
 * }</pre>
 *
 * <p><b>Rules.</b> A step starts when every step it waits for is done and every {@code when}
 * on its edges is true; a false {@code when}, or an upstream step that was skipped, skips it.
 * A fan-out step evaluates {@code forEach} once its upstream steps are done and starts at most
 * {@code parallelism} branches at a time, in index order; the steps after it read its output as
 * the list of its branches' outputs, in index order. A failed instance follows its step's
 * {@code onFailure}: {@code fail} fails the run (nothing more starts; the steps not started are
 * skipped), {@code continue} counts it as done with output null, {@code fallback} starts the named
 * step in its place with the same context and index, and the fallback's output stands for it.
 * Retries happen inside the step's job: the planner sees only final outcomes.
 */
public final class RunPlanner {

    private final CompiledPipeline pipeline;

    private RunPlanner(CompiledPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * A planner for {@code definition}, whose templates are compiled here once.
     *
     * @throws ValidationException when the definition has problems ({@link PipelineValidator};
     *         step types are not checked here, since the planner does not run them)
     */
    public static RunPlanner of(PipelineDefinition definition) {
        List<Problem> problems = PipelineValidator.validate(Objects.requireNonNull(definition, "definition"), StepTypes.any());
        if (!problems.isEmpty()) {
            throw new ValidationException("pipeline '" + definition.id() + "'", problems.stream().map(Problem::toFieldProblem).toList());
        }
        return new RunPlanner(CompiledPipeline.compile(definition, new java.util.ArrayList<>()));
    }

    /** The definition planned for. */
    public PipelineDefinition definition() {
        return pipeline.definition();
    }

    /**
     * What to do next.
     *
     * @param input the run's input (checked against the input schema before the run started); null reads as JSON null
     * @param state what is recorded of each step instance
     */
    public Plan plan(JsonNode input, RunState state) {
        return PlanPass.plan(pipeline, input, Objects.requireNonNull(state, "state"));
    }
}
