package io.bulwark.pipeline;

import java.util.Comparator;

/**
 * One run of one step: the step itself ({@code index} null), or one branch of a fan-out step
 * ({@code index} 0, 1, ...). A fallback started for a failed instance has that instance's index.
 *
 * @param stepId the step
 * @param index the branch, or null for a step that does not fan out (and for a fan-out step as a whole)
 */
public record StepInstance(String stepId, Integer index) {

    /** By step id, then the whole step before its branches, then by index. */
    public static final Comparator<StepInstance> ORDER = Comparator.comparing(StepInstance::stepId)
            .thenComparing(StepInstance::index, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** Checks the id's shape and that an index is not negative. */
    public StepInstance {
        Ids.requireId("stepId", stepId);
        if (index != null && index < 0) {
            throw new IllegalArgumentException("index must be >= 0 but was " + index);
        }
    }

    /** The instance of a step that does not fan out (or a fan-out step as a whole). */
    public static StepInstance of(String stepId) {
        return new StepInstance(stepId, null);
    }

    /** Branch {@code index} of a fan-out step. */
    public static StepInstance branch(String stepId, int index) {
        return new StepInstance(stepId, index);
    }

    /**
     * The instance {@link #toString()} writes: {@code step} or {@code step[3]}.
     *
     * @throws IllegalArgumentException naming the text and the shapes allowed
     */
    public static StepInstance parse(String text) {
        int open = text.indexOf('[');
        try {
            if (open < 0) {
                return of(text);
            }
            if (text.endsWith("]")) {
                return branch(text.substring(0, open), Integer.parseInt(text.substring(open + 1, text.length() - 1)));
            }
        } catch (IllegalArgumentException e) {
            // said below
        }
        throw new IllegalArgumentException("must be a step id such as review, or a branch of a fan-out step such as "
                + "review[3], but was '" + text + "'");
    }

    @Override
    public String toString() {
        return index == null ? stepId : stepId + "[" + index + "]";
    }
}
