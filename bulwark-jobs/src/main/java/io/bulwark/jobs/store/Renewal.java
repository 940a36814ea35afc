package io.bulwark.jobs.store;

import java.util.UUID;

/**
 * The answer to one lease renewal.
 *
 * @param jobId the job
 * @param held true when the lease was extended; false when the token is stale or the job is no
 *             longer running (its attempt must stop and its outcome will be refused)
 * @param cancelRequested true when someone asked to cancel the running job
 */
public record Renewal(UUID jobId, boolean held, boolean cancelRequested) {
}
