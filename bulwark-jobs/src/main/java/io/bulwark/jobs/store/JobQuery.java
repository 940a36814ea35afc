package io.bulwark.jobs.store;

import io.bulwark.jobs.JobState;

import java.util.UUID;

/**
 * A filter for listing jobs, newest first. Null fields do not filter.
 *
 * @param after the cursor: list jobs with ids before (older than) this one
 * @param limit at most this many
 */
public record JobQuery(String queue, JobState state, String type, UUID after, int limit) {

    public JobQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
    }
}
