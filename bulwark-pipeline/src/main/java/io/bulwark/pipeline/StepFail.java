package io.bulwark.pipeline;

/**
 * A step instance to record as failed without running it, because the planner could not prepare
 * it: a template failed (a value missing, a wrong type), a condition did not yield a boolean, or
 * {@code forEach} did not yield a list. Once recorded, the step's {@code onFailure} applies.
 *
 * @param instance the instance
 * @param error which field, which expression and what was wrong
 */
public record StepFail(StepInstance instance, String error) {
}
