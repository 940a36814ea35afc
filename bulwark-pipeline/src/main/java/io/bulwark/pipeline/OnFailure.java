package io.bulwark.pipeline;

/**
 * What a run does when a step (or one branch of a fan-out step) has failed for good, after its
 * job's retries.
 *
 * <ul>
 *   <li>{@link Action#FAIL} (the default): the run fails; no further step starts.</li>
 *   <li>{@link Action#CONTINUE}: the step counts as done with a {@code null} output.</li>
 *   <li>{@link Action#FALLBACK}: the step named by {@link #fallback()} runs in its place (with the
 *       same {@code item} and {@code index} in a fan-out), and its output stands for the failed
 *       step's.</li>
 * </ul>
 *
 * @param action what to do
 * @param fallback the step that runs in place of the failed one; set only for {@link Action#FALLBACK}
 */
public record OnFailure(Action action, String fallback) {

    /** The run fails. */
    public static final OnFailure FAIL = new OnFailure(Action.FAIL, null);
    /** The step counts as done with a null output. */
    public static final OnFailure CONTINUE = new OnFailure(Action.CONTINUE, null);

    /** The three reactions to a failed step. */
    public enum Action {
        /** End the run failed. */
        FAIL,
        /** Carry on as if the step had output {@code null}. */
        CONTINUE,
        /** Run another step in its place. */
        FALLBACK
    }

    /** Checks that a fallback step is named exactly when the action is {@link Action#FALLBACK}. */
    public OnFailure {
        if (action == null) {
            throw new IllegalArgumentException("onFailure must be fail, continue or {fallback: STEP} but was null");
        }
        if (action == Action.FALLBACK) {
            Ids.requireId("onFailure.fallback", fallback);
        } else if (fallback != null) {
            throw new IllegalArgumentException("onFailure." + action.name().toLowerCase(java.util.Locale.ROOT)
                    + " names no step, but fallback was '" + fallback + "'");
        }
    }

    /** Run {@code step} in place of the failed one. */
    public static OnFailure fallback(String step) {
        return new OnFailure(Action.FALLBACK, step);
    }
}
