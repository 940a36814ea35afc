package io.bulwark.pipeline;

/** Where one step instance is. */
public enum StepStatus {
    /** Recorded but not started; the planner treats it as never started and starts it. */
    PENDING,
    /** Started and not finished. */
    RUNNING,
    /** Finished with an output. */
    COMPLETED,
    /** Finished for good with an error (after its job's retries). */
    FAILED,
    /** Will not run: a condition was false, an upstream step was skipped, or the run failed first. */
    SKIPPED;

    /** True for COMPLETED, FAILED and SKIPPED. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == SKIPPED;
    }
}
