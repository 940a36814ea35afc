package io.bulwark.pipeline;

/**
 * A step to record as skipped; it will not run.
 *
 * @param instance the step (always the step as a whole: index null)
 * @param reason why: a condition that was false, the upstream step that was skipped, or the failed run
 */
public record StepSkip(StepInstance instance, String reason) {
}
