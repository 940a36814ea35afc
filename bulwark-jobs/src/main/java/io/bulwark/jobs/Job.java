package io.bulwark.jobs;

import io.bulwark.resilience.retry.Backoff;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A snapshot of a job as the store holds it. Payload and result are JSON text.
 *
 * @param id a UUIDv7, so ids sort by creation time
 * @param queue the queue it runs on
 * @param type the handler name
 * @param payload the handler's input, JSON
 * @param priority 0 (highest) to 9 (lowest)
 * @param state where it is
 * @param runAt when it may run (for scheduled and retryable jobs, when it becomes available)
 * @param attempt attempts started so far
 * @param maxAttempts attempts allowed in all
 * @param backoff the retry delays
 * @param timeout how long one attempt may run
 * @param idempotencyKey the key that de-duplicates enqueues, or null
 * @param tags free labels
 * @param result the handler's return value, JSON, or null
 * @param lastError the last failure, or null
 * @param history every transition, oldest first (may be empty when a store was asked not to load it)
 * @param createdAt when it was enqueued
 * @param startedAt when its last attempt started, or null
 * @param finishedAt when it reached a final state, or null
 * @param expiresAt when it ends {@link JobState#EXPIRED} if it is still waiting (scheduled, available or
 *        retryable) then, or null for never
 */
public record Job(UUID id, String queue, String type, String payload, int priority, JobState state, Instant runAt,
                  int attempt, int maxAttempts, Backoff backoff, Duration timeout, String idempotencyKey,
                  Set<String> tags, String result, String lastError, List<Transition> history, Instant createdAt,
                  Instant startedAt, Instant finishedAt, Instant expiresAt) {

    /**
     * The prefix of the tag that carries the trace context of the enqueue, in W3C {@code traceparent}
     * form ({@code trace:00-<trace id>-<span id>-<flags>}), when traces are on: kept in the job's
     * row so that its attempts, on any node, join the trace, with no column of its own.
     */
    public static final String TRACE_TAG = "trace:";

    public Job {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** The W3C {@code traceparent} of the enqueue that made this job, or null (traces were off). */
    public String traceparent() {
        for (String t : tags) {
            if (t.startsWith(TRACE_TAG)) {
                return t.substring(TRACE_TAG.length());
            }
        }
        return null;
    }

    /** A copy with {@code history} in place of this one's. */
    public Job withHistory(List<Transition> history) {
        return new Job(id, queue, type, payload, priority, state, runAt, attempt, maxAttempts, backoff, timeout,
                idempotencyKey, tags, result, lastError, history, createdAt, startedAt, finishedAt, expiresAt);
    }
}
