package io.bulwark.test.jobs;

import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.NewJob;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.bulwark.test.jobs.StoreFixture.LEASE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules under many threads at once. Each test starts its threads together on a latch, lets
 * them run to the end, and checks the invariant on everything they saw; no timing is asserted.
 */
abstract class ConcurrencyRules extends ReadRules {

    @Test
    void concurrentEnqueuesOfTheSameKeysStoreEachKeyOnceAndAgreeOnTheJob() throws Exception {
        int threads = 16;
        int perThread = 50;
        int keys = 10;
        List<List<Enqueued>> results = runTogether(threads, t -> {
            List<Enqueued> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                // Each thread starts at another key, so different keys collide at the same moment.
                String key = "key-" + (i + t) % keys;
                mine.addAll(f.store.enqueue(List.of(f.job("q", 5, null, 3, key))));
            }
            return mine;
        });

        Map<String, Set<UUID>> idsByKey = new HashMap<>();
        Map<String, Integer> inserted = new HashMap<>();
        int calls = 0;
        for (List<Enqueued> mine : results) {
            for (Enqueued e : mine) {
                calls++;
                idsByKey.computeIfAbsent(e.job().idempotencyKey(), k -> new HashSet<>()).add(e.job().id());
                if (!e.replayed()) {
                    inserted.merge(e.job().idempotencyKey(), 1, Integer::sum);
                }
            }
        }
        assertThat(calls).isEqualTo(threads * perThread);
        assertThat(idsByKey).hasSize(keys).allSatisfy((k, ids) -> assertThat(ids).as(k).hasSize(1));
        assertThat(inserted).hasSize(keys).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        Set<UUID> stored = new HashSet<>();
        f.store.list(new JobQuery("q", null, null, null, 1_000)).forEach(j -> stored.add(j.id()));
        Set<UUID> returned = new HashSet<>();
        idsByKey.values().forEach(returned::addAll);
        assertThat(stored).hasSize(keys).isEqualTo(returned);
    }

    @Test
    void concurrentClaimersNeverTakeTheSameJobTwice() throws Exception {
        int jobs = 1_000;
        List<NewJob> batch = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            batch.add(f.job("q", i % 10, null, 3, null));
        }
        f.store.enqueue(batch);

        List<List<UUID>> results = runTogether(8, t -> {
            List<UUID> mine = new ArrayList<>();
            List<Claim> got;
            while (!(got = f.store.claim("q", "n" + t, 7, LEASE)).isEmpty()) {
                got.forEach(c -> mine.add(c.job().id()));
            }
            return mine;
        });

        List<UUID> all = new ArrayList<>();
        results.forEach(all::addAll);
        assertThat(all).hasSize(jobs).doesNotHaveDuplicates();
        assertThat(all).containsExactlyInAnyOrderElementsOf(batch.stream().map(NewJob::id).toList());
        assertThat(f.store.counts()).singleElement().satisfies(c -> assertThat(c.byState())
                .isEqualTo(Map.of(JobState.RUNNING, (long) jobs)));
    }

    /** A task run by one of the threads; {@code thread} is its number. */
    @FunctionalInterface
    interface ThreadTask<T> {
        T run(int thread) throws Exception;
    }

    /** Runs {@code task} on {@code threads} threads released at the same moment; returns each one's result. */
    static <T> List<T> runTogether(int threads, ThreadTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<T> call = () -> {
                    ready.countDown();
                    go.await();
                    return task.run(thread);
                };
                futures.add(pool.submit(call));
            }
            ready.await();
            go.countDown();
            List<T> out = new ArrayList<>(threads);
            for (Future<T> future : futures) {
                out.add(future.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
