package io.bulwark.test.jobs;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.resilience.retry.Backoff;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Shorthands the contract suite uses to make jobs, drive them and read them back. One per test:
 * {@link JobStoreContract} opens {@link #store} before each test and closes it after.
 */
final class StoreFixture {

    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration AGING = Duration.ofSeconds(10);
    static final String TYPE = "t";

    /** Whole milliseconds throughout, so stores that keep milliseconds compare equal. */
    final SettableClock clock = SettableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
    final Uuid7 ids = new Uuid7(clock, new SplittableRandom(3));
    JobStore store;

    /** A job of priority 5, due now, with 3 attempts and no idempotency key. */
    NewJob job(String queue) {
        return job(queue, 5, null, 3, null);
    }

    NewJob job(String queue, int priority, Instant runAt, int maxAttempts, String idempotencyKey) {
        return job(queue, TYPE, priority, runAt, maxAttempts, idempotencyKey);
    }

    NewJob job(String queue, String type, int priority, Instant runAt, int maxAttempts, String idempotencyKey) {
        return new NewJob(ids.next(), queue, type, "{\"n\":1}", priority, runAt, maxAttempts, Backoff.DEFAULT,
                Duration.ofMinutes(1), idempotencyKey, Set.of("tag"));
    }

    NewJob tagged(String queue, Set<String> tags) {
        return new NewJob(ids.next(), queue, TYPE, "{\"n\":1}", 5, null, 3, Backoff.DEFAULT, Duration.ofMinutes(1), null,
                tags);
    }

    UUID enqueue(NewJob job) {
        return store.enqueue(List.of(job)).get(0).job().id();
    }

    /** Enqueues a default job on {@code queue}, with {@code maxAttempts}. */
    UUID enqueue(String queue, int maxAttempts) {
        return enqueue(job(queue, 5, null, maxAttempts, null));
    }

    /** Claims exactly one job of {@code queue}, failing the test when there is none. */
    Claim claimOne(String queue, String node) {
        List<Claim> claims = store.claim(queue, node, 1, LEASE);
        if (claims.size() != 1) {
            throw new AssertionError("expected one claim from " + queue + " but got " + claims.size());
        }
        return claims.get(0);
    }

    /** Applies one outcome and returns whether the store accepted it. */
    boolean complete(Outcome outcome) {
        return store.complete(List.of(outcome)).get(0);
    }

    /** A job of {@code queue} that is dead after one non-retryable failure. */
    UUID deadJob(String queue) {
        UUID id = enqueue(queue, 1);
        Claim c = claimOne(queue, "n1");
        complete(new Outcome.Failed(lease(c), "error", "x", false, Duration.ZERO));
        return id;
    }

    /** A job of {@code queue} that completed on its first attempt. */
    UUID completedJob(String queue) {
        UUID id = enqueue(queue, 1);
        complete(new Outcome.Succeeded(lease(claimOne(queue, "n1")), null));
        return id;
    }

    Job get(UUID id) {
        return store.get(id).orElseThrow(() -> new AssertionError("no job " + id));
    }

    Transition lastTransition(UUID id) {
        List<Transition> history = get(id).history();
        if (history.isEmpty()) {
            throw new AssertionError("job " + id + " has no history");
        }
        return history.get(history.size() - 1);
    }

    List<String> reasons(UUID id) {
        return get(id).history().stream().map(Transition::reason).toList();
    }

    static Lease lease(Claim c) {
        return new Lease(c.job().id(), c.token());
    }

    static Lease lease(UUID jobId, long token) {
        return new Lease(jobId, token);
    }
}
