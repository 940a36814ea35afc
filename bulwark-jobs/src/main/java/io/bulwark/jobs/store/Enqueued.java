package io.bulwark.jobs.store;

import io.bulwark.jobs.Job;

/**
 * The result of one enqueue.
 *
 * @param job the stored job
 * @param replayed true when an existing job with the same idempotency key was returned instead
 */
public record Enqueued(Job job, boolean replayed) {
}
