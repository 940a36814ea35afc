package io.bulwark.scheduler;

import java.util.Locale;

/** What became of one tick of a schedule. */
public enum FiringState {
    /** Its run was started (a job enqueued, a pipeline run started). */
    FIRED,
    /** Started by hand ({@code trigger}), outside the cron. */
    TRIGGERED,
    /** Waiting for the previous run to end ({@link OverlapPolicy#QUEUE}). */
    QUEUED,
    /** Not started because the previous run was still going ({@link OverlapPolicy#SKIP}, or a queue already waiting). */
    SKIPPED,
    /** Missed while the fleet was down and not started ({@link MisfirePolicy}); {@link Firing#count()} says how many. */
    MISFIRED;

    /** The lower-case name used in JSON and the store. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state named {@code id}. */
    public static FiringState parse(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
