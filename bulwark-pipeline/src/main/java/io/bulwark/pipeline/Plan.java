package io.bulwark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * What to do next in a run, computed by {@link RunPlanner#plan} from the run's state alone. The
 * executor records each decision (RUNNING for a start, SKIPPED for a skip, FAILED for a fail) and
 * plans again when anything changes. Every list is in the order the steps are written, branches
 * by index.
 *
 * @param start the instances to start now, with their evaluated input
 * @param skip the steps to record as skipped
 * @param fail the instances to record as failed without running (their templates failed)
 * @param fanOuts every fan-out step whose forEach could be evaluated, with its branch count
 * @param status where the run is
 * @param failedStep when FAILING or FAILED, the instance whose failure fails the run; else null
 * @param error when FAILING or FAILED, that instance's error; else null
 * @param output when COMPLETED, the run's output: an object with the output of each final step
 *               (a step no other step waits for, fallbacks aside) that was not skipped, a fan-out
 *               step's as the list of its branches' outputs; else null. A {@code pipeline} step
 *               outputs its child run's output.
 */
public record Plan(List<StepStart> start, List<StepSkip> skip, List<StepFail> fail, List<FanOut> fanOuts,
                   RunStatus status, StepInstance failedStep, String error, JsonNode output) {

    /** Copies the lists. */
    public Plan {
        start = List.copyOf(start);
        skip = List.copyOf(skip);
        fail = List.copyOf(fail);
        fanOuts = List.copyOf(fanOuts);
    }

    /** True when there is nothing to record: no start, skip or fail. */
    public boolean isIdle() {
        return start.isEmpty() && skip.isEmpty() && fail.isEmpty();
    }
}
