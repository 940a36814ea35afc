package io.bulwark.scheduler;

import java.time.Instant;

/**
 * Starts what a schedule targets, and says whether a run it started is still going (for the
 * overlap policy). One launcher per {@link ScheduleTarget#kind()}; {@link JobLauncher} is the
 * one for jobs.
 */
public interface Launcher {

    /**
     * Starts {@code schedule}'s target for {@code tick}, to run at {@code runAt} (the tick plus
     * the schedule's jitter). Must be idempotent on {@code key}: a second call with the same key
     * (a leader that failed between starting and recording) starts nothing new and returns the
     * first call's reference.
     *
     * @return a reference to what it started (a job id, a run id)
     */
    String launch(Schedule schedule, Instant tick, Instant runAt, String key);

    /** How the run {@code ref} is doing. */
    RunStatus status(String ref);

    /**
     * A started run's state as its owner names it ({@code running}, {@code completed}, ...), and
     * whether it has ended. A run that can no longer be found (pruned) has ended.
     */
    record RunStatus(String state, boolean finished) {

        /** A run that can no longer be found. */
        public static RunStatus gone() {
            return new RunStatus("gone", true);
        }
    }
}
