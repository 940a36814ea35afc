package io.bulwark.test.jobs;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.Backoff;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.NewJob;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/** Shorthands the contract suite uses to make jobs and read them back. */
final class StoreFixture {

    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration AGING = Duration.ofSeconds(10);

    final SettableClock clock = SettableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
    final Uuid7 ids = new Uuid7(clock, new SplittableRandom(3));
    JobStore store;

    NewJob job(String queue) {
        return job(queue, 5, null, 3, null);
    }

    NewJob job(String queue, int priority, Instant runAt, int maxAttempts, String idempotencyKey) {
        return new NewJob(ids.next(), queue, "t", "{\"n\":1}", priority, runAt, maxAttempts, Backoff.DEFAULT,
                Duration.ofMinutes(1), idempotencyKey, Set.of("tag"));
    }

    UUID enqueue(NewJob job) {
        return store.enqueue(List.of(job)).get(0).job().id();
    }

    Claim claimOne(String queue, String node) {
        List<Claim> claims = store.claim(queue, node, 1, LEASE);
        if (claims.size() != 1) {
            throw new AssertionError("expected one claim from " + queue + " but got " + claims.size());
        }
        return claims.get(0);
    }

    Job get(UUID id) {
        return store.get(id).orElseThrow(() -> new AssertionError("no job " + id));
    }

    static Lease lease(Claim c) {
        return new Lease(c.job().id(), c.token());
    }
}
