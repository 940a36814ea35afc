package io.bulwark.deploy.rollout;

/**
 * The phase of a measurement, a metric or a whole analysis run, as in Argo Rollouts. Completed
 * phases are ranked best to worst: successful, inconclusive, error, failed.
 */
public enum AnalysisPhase {
    PENDING, RUNNING, SUCCESSFUL, INCONCLUSIVE, ERROR, FAILED;

    /** Whether the phase is final. */
    public boolean completed() {
        return this == SUCCESSFUL || this == INCONCLUSIVE || this == ERROR || this == FAILED;
    }

    /** Argo's order, best to worst: successful, running, pending, inconclusive, error, failed. */
    int rank() {
        return switch (this) {
            case SUCCESSFUL -> 0;
            case RUNNING -> 1;
            case PENDING -> 2;
            case INCONCLUSIVE -> 3;
            case ERROR -> 4;
            case FAILED -> 5;
        };
    }

    /** Whether {@code other} is worse than this one. */
    public boolean worseThan(AnalysisPhase other) {
        return rank() > other.rank();
    }
}
