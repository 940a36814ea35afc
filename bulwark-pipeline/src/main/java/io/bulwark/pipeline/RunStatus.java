package io.bulwark.pipeline;

/** Where a run is, as a {@link Plan} sees it. */
public enum RunStatus {
    /** Steps are running or are to be started. */
    RUNNING,
    /** A step failed with {@code onFailure: fail}; no step starts, and the run waits for the running ones. */
    FAILING,
    /** Every step completed or was skipped (once the plan's skips are recorded). */
    COMPLETED,
    /** A step failed and nothing is running any more. */
    FAILED;

    /** True for COMPLETED and FAILED. */
    public boolean isOver() {
        return this == COMPLETED || this == FAILED;
    }
}
