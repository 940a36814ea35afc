package io.bulwark.deploy.rollout;

/** Where a rollout stands. */
public enum RolloutPhase {
    /** Moving through its steps. */
    PROGRESSING,
    /** Waiting: a pause step, a paused action, or an inconclusive analysis (resume goes on). */
    PAUSED,
    /** Completed: all traffic on the new version. */
    HEALTHY,
    /** Aborted: all traffic back on the stable version; retry starts it again from step 0. */
    DEGRADED;

    /** Whether the rollout has ended (no step will run until retry). */
    public boolean ended() {
        return this == HEALTHY || this == DEGRADED;
    }
}
