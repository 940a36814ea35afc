package io.bulwark.pipeline;

import java.util.Objects;

/**
 * One edge into a step: the step it waits for and, optionally, a condition on that edge. A step
 * starts once every step it waits for has finished and every {@code when} is true; when one
 * {@code when} is false the step is skipped, and so is everything after it.
 *
 * <pre>{@code
 * After.of("extract");
 * After.when("extract", "${steps.extract.output.rows > 0}");
 * }</pre>
 *
 * @param step the id of the step waited for
 * @param when a condition written as one {@code ${expr}} that must yield {@code true} or
 *             {@code false}, or null for none
 */
public record After(String step, String when) {

    /** Checks the step id's shape; the condition is compiled by {@link PipelineValidator}. */
    public After {
        Ids.requireId("after.step", step);
        if (when != null && when.isBlank()) {
            throw new IllegalArgumentException("after.when must be a condition such as ${steps." + step
                    + ".output.ok} or left out, but was blank");
        }
    }

    /** An unconditional edge from {@code step}. */
    public static After of(String step) {
        return new After(step, null);
    }

    /** An edge from {@code step} taken only when {@code condition} is true. */
    public static After when(String step, String condition) {
        return new After(step, Objects.requireNonNull(condition, "when"));
    }
}
