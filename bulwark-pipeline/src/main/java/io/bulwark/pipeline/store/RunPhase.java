package io.bulwark.pipeline.store;

import java.util.Locale;

/** Where a pipeline run is, as the store keeps it. */
public enum RunPhase {
    /** Steps run or are to be started. */
    RUNNING,
    /** Every step completed or was skipped. */
    COMPLETED,
    /** A step failed and the run stopped; it can be retried from the failed step. */
    FAILED,
    /** Cancelled: its waiting steps never start, its running steps' jobs were cancelled. */
    CANCELLED;

    /** The lower-case name used in JSON and the store. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for COMPLETED, FAILED and CANCELLED. */
    public boolean isOver() {
        return this != RUNNING;
    }

    /** The phase named {@code id}; the message lists the allowed names. */
    public static RunPhase parse(String id) {
        for (RunPhase p : values()) {
            if (p.id().equalsIgnoreCase(id == null ? "" : id.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("state must be one of running, completed, failed, cancelled but was '" + id + "'");
    }
}
