package io.bulwark.test.jobs;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.state.StateStore;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.resilience.retry.Backoff;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strings a hostile caller sends (SQL injection, quotes, wildcards, unicode) and the check that a
 * store keeps them verbatim in every field and filter and changes nothing else, for each store's
 * tests.
 */
public final class HostileStrings {

    /** SQL injection attempts and other strings that break naive quoting. */
    public static final List<String> ALL = List.of("'; DROP TABLE jobs; --", "'; DROP TABLE bulwark_jobs; --",
            "' OR 1=1 --", "\" OR \"\"=\"", "x'); DELETE FROM jobs; --", "\\'; SELECT pg_sleep(10); --", "%_*?",
            "émoji 🎉 ünïcode");

    private HostileStrings() {
    }

    /**
     * Enqueues one job per hostile string, carrying it as queue, type, payload, idempotency key and
     * tag, and a state document named after it; then checks each reads back verbatim, each filter
     * finds exactly its own job, each key replays, and a bystander job is untouched.
     */
    public static void assertKeptVerbatim(JobStore store, StateStore state, Uuid7 ids) {
        NewJob bystander = job(ids, "bystander", "t", "{}", null, Set.of());
        store.enqueue(List.of(bystander));
        List<NewJob> hostile = new ArrayList<>();
        for (String s : ALL) {
            hostile.add(job(ids, s, s.replace(' ', '_'), "{\"v\":\"" + s.replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\"}", s, Set.of(s)));
        }
        store.enqueue(hostile);
        for (NewJob n : hostile) {
            Job j = store.get(n.id()).orElseThrow();
            assertThat(j.queue()).isEqualTo(n.queue());
            assertThat(j.type()).isEqualTo(n.type());
            assertThat(j.payload()).isEqualTo(n.payload());
            assertThat(j.idempotencyKey()).isEqualTo(n.idempotencyKey());
            assertThat(j.tags()).isEqualTo(n.tags());
            assertThat(store.list(new JobQuery(n.queue(), null, n.type(), null, 10))).extracting(Job::id)
                    .containsExactly(n.id());
            assertThat(store.enqueue(List.of(job(ids, n.queue(), "t", "{}", n.idempotencyKey(), Set.of()))).get(0)
                    .replayed()).isTrue();
            state.put("kind", n.queue(), "{}");
            assertThat(state.get("kind", n.queue())).isPresent();
            assertThat(store.retryDead(n.queue(), List.of())).isZero();
            assertThat(store.purgeDead(n.queue())).isZero();
        }
        assertThat(store.get(bystander.id())).isPresent();
        assertThat(store.counts()).hasSize(ALL.size() + 1);
        assertThat(store.list(new JobQuery(null, null, null, null, 100))).hasSize(ALL.size() + 1);
        assertThat(state.list("kind")).hasSize(ALL.size());
    }

    private static NewJob job(Uuid7 ids, String queue, String type, String payload, String key, Set<String> tags) {
        return new NewJob(ids.next(), queue, type, payload, 5, null, 3, Backoff.DEFAULT, Duration.ofMinutes(1), key, tags);
    }
}
