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
 */
public record QueueCounts(String queue, Map<JobState, Long> byState, Instant oldestAvailableRunAt) {

    public QueueCounts {
        byState = Map.copyOf(byState);
    }

    public long count(JobState state) {
        return byState.getOrDefault(state, 0L);
    }
}
