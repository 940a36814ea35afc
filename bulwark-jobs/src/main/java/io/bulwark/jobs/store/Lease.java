package io.bulwark.jobs.store;

import java.util.UUID;

/**
 * A worker's hold on a running job: the job and the fencing token of its attempt.
 */
public record Lease(UUID jobId, long token) {
}
