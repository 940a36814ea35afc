package io.bulwark.jobs.store;

import io.bulwark.jobs.JobState;

import java.time.Instant;
import java.util.Map;

/**
 * What a queue holds right now.
 *
 * @param queue the queue
 * @param byState how many jobs are in each state (states with none are absent)
 * @param oldestAvailableRunAt the run time of the oldest available job, for queue lag; null when none
 * @param countedAt when the oldest of these figures was read. A store may serve counts that are dear
 *     to read from an earlier reading (the JDBC stores do once a part counts over 50,000 jobs, for
 *     at most 50 times what that reading took); this says how old they are
 */
public record QueueCounts(String queue, Map<JobState, Long> byState, Instant oldestAvailableRunAt, Instant countedAt) {

    public QueueCounts {
        byState = Map.copyOf(byState);
        java.util.Objects.requireNonNull(countedAt, "countedAt must be set");
    }

    public long count(JobState state) {
        return byState.getOrDefault(state, 0L);
    }

    /**
     * The available jobs over the queues of {@code counts} that {@code include} accepts, and the run
     * time of the oldest of them: a backlog and its lag.
     */
    public static Backlog backlog(java.util.Collection<QueueCounts> counts, java.util.function.Predicate<String> include) {
        long waiting = 0;
        Instant oldest = null;
        for (QueueCounts c : counts) {
            if (include.test(c.queue())) {
                waiting += c.count(JobState.AVAILABLE);
                Instant o = c.oldestAvailableRunAt();
                if (o != null && (oldest == null || o.isBefore(oldest))) {
                    oldest = o;
                }
            }
        }
        return new Backlog(waiting, oldest);
    }

    /**
     * Available jobs and the run time of the oldest of them.
     *
     * @param oldestAvailableRunAt null when no job is available
     */
    public record Backlog(long waiting, Instant oldestAvailableRunAt) {

        /** How long, in seconds, the oldest available job has been due at {@code now}; 0 when none is. */
        public double lagSeconds(Instant now) {
            return oldestAvailableRunAt == null ? 0
                    : Math.max(0, java.time.Duration.between(oldestAvailableRunAt, now).toMillis() / 1000.0);
        }
    }
}
