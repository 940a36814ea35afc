package io.bulwark.pipeline.store;

import java.util.UUID;

/**
 * A filter for listing runs, newest first; null fields do not filter.
 *
 * @param pipeline runs of this pipeline
 * @param phase runs in this phase
 * @param before the cursor: runs created before (older than) this one
 * @param limit at most this many, 1 to 1000
 */
public record RunQuery(String pipeline, RunPhase phase, UUID before, int limit) {

    public RunQuery {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1 to 1000 but was " + limit);
        }
    }
}
