package io.bulwark.jobs.store;

import io.bulwark.jobs.Job;

import java.time.Instant;

/**
 * A job claimed for one attempt.
 *
 * @param job the job, in state running, its attempt already counted
 * @param token the fencing token of this attempt: every renewal and outcome must present it,
 *              and one whose token is stale (the lease expired and another attempt began) is refused
 * @param leaseUntil when the lease runs out unless renewed, by the store's clock
 */
public record Claim(Job job, long token, Instant leaseUntil) {
}
