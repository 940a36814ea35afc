package io.bulwark.jobs.store;

import io.bulwark.resilience.retry.Backoff;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A job to insert, with every default already applied. The store sets {@code createdAt} and
 * the first state (scheduled when {@code runAt} is in the future by its clock, else available).
 *
 * @param runAt when it may run; null means now by the store's clock
 * @param expiresAt when it ends expired if it is still waiting then; null for never
 */
public record NewJob(UUID id, String queue, String type, String payload, int priority, Instant runAt, int maxAttempts,
                     Backoff backoff, Duration timeout, String idempotencyKey, Set<String> tags, Instant expiresAt) {

    public NewJob {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
    }

    /** A job that never expires. */
    public NewJob(UUID id, String queue, String type, String payload, int priority, Instant runAt, int maxAttempts,
                  Backoff backoff, Duration timeout, String idempotencyKey, Set<String> tags) {
        this(id, queue, type, payload, priority, runAt, maxAttempts, backoff, timeout, idempotencyKey, tags, null);
    }
}
