package io.bulwark.jobs.store;

import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One job inside {@link InMemoryJobStore}: what the caller asked for, what changes as it runs,
 * and what the {@link Job} record does not show (fencing token, lease, node, cancel flag).
 * Mutable, and touched only under the store's lock; callers get immutable {@link Job} snapshots.
 */
final class InMemoryEntry {

    final NewJob spec;
    final Instant createdAt;
    final List<Transition> history = new ArrayList<>();

    JobState state;
    Instant runAt;
    int attempt;
    int maxAttempts;
    String result;
    String lastError;
    Instant startedAt;
    Instant finishedAt;

    /** The token of the current (or last) attempt; each claim increments it, so it only grows. */
    long token;
    Instant leaseUntil;
    /** The node that claimed the current (or last) attempt. */
    String node;
    boolean cancelRequested;
    /** When it ends expired if still waiting; null for never (a retry by request clears it). */
    Instant expiresAt;

    InMemoryEntry(NewJob spec, JobState state, Instant runAt, Instant now) {
        this.spec = spec;
        this.createdAt = now;
        this.state = state;
        this.runAt = runAt;
        this.maxAttempts = spec.maxAttempts();
        this.expiresAt = spec.expiresAt();
        history.add(new Transition(now, null, state, "enqueued", null, 0));
    }

    /**
     * Records the change to {@code to} and makes it. Callers set the fields that change with it
     * (attempt, run time, ...) first, so the history entry carries the attempt number as it is after.
     */
    void moveTo(JobState to, String reason, String byNode, Instant at) {
        history.add(new Transition(at, state, to, reason, byNode, attempt));
        state = to;
    }

    /**
     * Ends a running attempt whose node was lost (its lease expired, or it was declared dead):
     * available again at once, in its old place in line, or dead when every attempt is used. The token stays as it was, so the
     * lost attempt's word is refused from now on.
     */
    void loseAttempt(String reason, String rescuer, Instant now) {
        leaseUntil = null;
        if (attempt >= maxAttempts) {
            finishedAt = now;
            moveTo(JobState.DEAD, reason + " (no attempts left)", rescuer, now);
        } else {
            // runAt stays: the job keeps its place in line instead of queueing behind the backlog.
            moveTo(JobState.AVAILABLE, reason, rescuer, now);
        }
    }

    /** The claim order: earlier is claimed first. One priority level weighs as much as {@code agingStep} of waiting. */
    Instant claimKey(Duration agingStep) {
        return runAt.plus(agingStep.multipliedBy(spec.priority()));
    }

    /** Whether it waits (scheduled, available or retryable) and its expiry has come by {@code now}. */
    boolean expiredBy(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt)
                && (state == JobState.SCHEDULED || state == JobState.AVAILABLE || state == JobState.RETRYABLE);
    }

    boolean isHeldBy(Lease lease) {
        return state == JobState.RUNNING && token == lease.token();
    }

    Job snapshot(boolean withHistory) {
        return new Job(spec.id(), spec.queue(), spec.type(), spec.payload(), spec.priority(), state, runAt, attempt,
                maxAttempts, spec.backoff(), spec.timeout(), spec.idempotencyKey(), spec.tags(), result, lastError,
                withHistory ? history : List.of(), createdAt, startedAt, finishedAt, expiresAt);
    }
}
