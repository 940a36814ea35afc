package io.bulwark.jdbc.sqlite;

import io.bulwark.jobs.JobState;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.NewJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class GroupCommitTest {

    @TempDir
    Path dir;

    /** Threads that start only when {@code open} is counted down: the writer holds still until then. */
    private static ThreadFactory gated(CountDownLatch open, AtomicInteger made) {
        return r -> {
            made.incrementAndGet();
            return Thread.ofPlatform().daemon().name("gated-", made.get()).unstarted(() -> {
                try {
                    open.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                r.run();
            });
        };
    }

    @Test
    void writesThatWaitTogetherShareOneCommitOnTheCallersThread() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        AtomicInteger made = new AtomicInteger();
        SqliteOptions options = SqliteOptions.builder().threadFactory(gated(open, made)).build();
        try (StoreFixture f = new StoreFixture(dir, options);
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                NewJob job = f.job().build();
                done.add(callers.submit(() -> f.store.enqueue(List.of(job))));
            }
            await().until(() -> f.store.writeStats().waiting() == 32);
            assertThat(made.get()).as("the writer's thread came from the factory").isPositive();
            assertThat(f.store.writeStats().commits()).isZero();

            open.countDown();
            for (Future<?> d : done) {
                d.get();
            }

            assertThat(f.store.writeStats()).isEqualTo(new WriteStats(32, 1, 32, 0));
            assertThat(f.scalar("SELECT count(*) FROM jobs")).isEqualTo(32);
        }
    }

    @Test
    void aFailingWriteIsRolledBackAloneAndItsBatchCommits() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        SqliteOptions options = SqliteOptions.builder().threadFactory(gated(open, new AtomicInteger())).build();
        try (StoreFixture f = new StoreFixture(dir, options);
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            NewJob a = f.job().build();
            NewJob b = f.job().build();
            NewJob c = f.job().build();
            Future<?> first = callers.submit(() -> f.store.enqueue(List.of(a)));
            await().until(() -> f.store.writeStats().waiting() == 1);
            // b, then a again: a is in the store by the time this runs, so the whole batch is refused.
            Future<?> clash = callers.submit(() -> f.store.enqueue(List.of(b, a)));
            await().until(() -> f.store.writeStats().waiting() == 2);
            Future<?> third = callers.submit(() -> f.store.enqueue(List.of(c)));
            await().until(() -> f.store.writeStats().waiting() == 3);

            open.countDown();

            first.get();
            third.get();
            assertThatThrownBy(clash::get).hasCauseInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already exists");
            assertThat(f.store.writeStats().commits()).isEqualTo(1);
            assertThat(f.store.get(a.id())).isPresent();
            assertThat(f.store.get(b.id())).isEmpty();
            assertThat(f.store.get(c.id())).isPresent();
            // The refused write's history rows went with it.
            assertThat(f.store.get(a.id()).orElseThrow().history()).extracting(t -> t.reason()).containsExactly("enqueued");
            assertThat(f.store.get(c.id()).orElseThrow().history()).extracting(t -> t.reason()).containsExactly("enqueued");
        }
    }

    @Test
    void manyConcurrentEnqueuesAllSucceedInFarFewerCommits() throws Exception {
        int threads = 32;
        int perThread = 50;
        try (StoreFixture f = new StoreFixture(dir)) {
            CountDownLatch start = new CountDownLatch(1);
            Set<UUID> ids = ConcurrentHashMap.newKeySet();
            List<Thread> workers = new ArrayList<>();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            for (int t = 0; t < threads; t++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            NewJob job = f.job().build();
                            f.store.enqueue(List.of(job));
                            ids.add(job.id());
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }

            assertThat(errors).isEmpty();
            assertThat(ids).hasSize(threads * perThread);
            assertThat(f.scalar("SELECT count(*) FROM jobs")).isEqualTo(threads * perThread);
            WriteStats stats = f.store.writeStats();
            assertThat(stats.operations()).isEqualTo(threads * perThread);
            assertThat(stats.commits()).as("commits for %s operations: %s", stats.operations(), stats)
                    .isLessThan(stats.operations() / 4);
        }
    }

    @Test
    void concurrentClaimsHandOutEachJobExactlyOnce() throws Exception {
        try (StoreFixture f = new StoreFixture(dir)) {
            List<NewJob> jobs = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                jobs.add(f.job().build());
            }
            f.store.enqueue(jobs);
            ConcurrentLinkedQueue<UUID> claimed = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String node = "node-" + t;
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    List<Claim> got;
                    do {
                        got = f.store.claim("q", node, 7, Duration.ofSeconds(30));
                        got.forEach(c -> claimed.add(c.job().id()));
                    } while (!got.isEmpty());
                }));
            }
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }

            assertThat(claimed).hasSize(1_000);
            assertThat(new HashSet<>(claimed)).hasSize(1_000);
            assertThat(f.store.counts().getFirst().count(JobState.RUNNING)).isEqualTo(1_000);
            assertThat(f.scalar("SELECT count(*) FROM jobs WHERE attempt <> 1 OR token <> 1")).isZero();
        }
    }

    @Test
    void everyThreadComesFromTheGivenFactoryAndEndsWithClose() throws Exception {
        List<Thread> made = new CopyOnWriteArrayList<>();
        ThreadFactory recording = r -> {
            Thread t = Thread.ofPlatform().daemon().name("mine-" + made.size()).unstarted(r);
            made.add(t);
            return t;
        };
        StoreFixture f = new StoreFixture(dir, SqliteOptions.builder().threadFactory(recording).build());
        f.enqueue("q");
        f.store.counts();

        f.close();

        assertThat(made).isNotEmpty();
        for (Thread t : made) {
            t.join(Duration.ofSeconds(10));
        }
        assertThat(made).noneMatch(Thread::isAlive);
    }

    @Test
    void closingRunsTheQueuedWritesAndThenRefusesNewOnes() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        SqliteOptions options = SqliteOptions.builder().threadFactory(gated(open, new AtomicInteger())).build();
        StoreFixture f = new StoreFixture(dir, options);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            NewJob queued = f.job().build();
            Future<?> pending = callers.submit(() -> f.store.enqueue(List.of(queued)));
            await().until(() -> f.store.writeStats().waiting() == 1);
            Future<?> closing = callers.submit(f::close);

            open.countDown();
            closing.get();

            pending.get();
            assertThatThrownBy(() -> f.enqueue("q")).isInstanceOf(IllegalStateException.class);
            assertThat(f.reopen().get(queued.id())).isPresent();
        } finally {
            f.close();
        }
    }
}
