package io.bulwark.jobs;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.jobs.store.JobStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Group commit of enqueues: batches, one job per key, a bad request failing alone, a failing store failing all. */
class GroupEnqueueTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-12-05T10:00:00Z"));
    private final InMemoryJobStore memory = new InMemoryJobStore(clock);
    /** The sizes of the batches the store was given. */
    private final List<Integer> batches = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstCommit = new CountDownLatch(1);
    private final AtomicReference<RuntimeException> failWith = new AtomicReference<>();
    private volatile boolean holdFirst;
    private final JobStore store = (JobStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {JobStore.class}, (proxy, method, args) -> {
                if (method.getName().equals("enqueue")) {
                    if (holdFirst && batches.isEmpty()) {
                        firstCommit.await(10, TimeUnit.SECONDS);
                    }
                    batches.add(((List<?>) args[0]).size());
                    if (failWith.get() != null) {
                        throw failWith.get();
                    }
                }
                try {
                    return method.invoke(memory, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private final JobClient client = new JobClient(store, new QueueRegistry(QueueSettings.DEFAULT),
            new Uuid7(clock, new SplittableRandom(7)), new SimpleMeterRegistry(), q -> { });
    private final GroupEnqueue group = new GroupEnqueue(client, 64);
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void close() {
        group.close();
        callers.shutdownNow();
    }

    private static JobRequest job(String key) {
        return JobRequest.builder("q", "t").payload("{}").idempotencyKey(key).build();
    }

    @Test
    void requestsWaitingAtOnceGoToTheStoreTogether() throws Exception {
        holdFirst = true;
        List<Future<Enqueued>> results = new ArrayList<>();
        results.add(callers.submit(() -> group.enqueue(job("k-0"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.isEmpty() && group.waiting() == 0);
        for (int i = 1; i < 200; i++) {
            String key = "k-" + i;
            results.add(callers.submit(() -> group.enqueue(job(key))));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> group.waiting() == 199);
        firstCommit.countDown();

        Set<String> ids = new HashSet<>();
        for (Future<Enqueued> f : results) {
            Enqueued e = f.get(10, TimeUnit.SECONDS);
            assertThat(e.replayed()).isFalse();
            ids.add(e.job().id().toString());
        }
        assertThat(ids).hasSize(200);
        // One commit held with the first request, then the 199 that waited meanwhile in batches of 64.
        assertThat(batches).containsExactly(1, 64, 64, 64, 7);
    }

    @Test
    void twoRequestsWithOneKeyMakeOneJob() throws Exception {
        holdFirst = true;
        Future<Enqueued> first = callers.submit(() -> group.enqueue(job("hold")));
        await().atMost(Duration.ofSeconds(5)).until(() -> group.waiting() == 0);
        Future<Enqueued> a = callers.submit(() -> group.enqueue(job("same")));
        Future<Enqueued> b = callers.submit(() -> group.enqueue(job("same")));
        await().atMost(Duration.ofSeconds(5)).until(() -> group.waiting() == 2);
        firstCommit.countDown();

        first.get(10, TimeUnit.SECONDS);
        Enqueued x = a.get(10, TimeUnit.SECONDS);
        Enqueued y = b.get(10, TimeUnit.SECONDS);
        assertThat(x.job().id()).isEqualTo(y.job().id());
        assertThat(List.of(x.replayed(), y.replayed())).containsExactlyInAnyOrder(true, false);
    }

    @Test
    void aRequestTheStoreRefusesFailsAloneAndAFailingStoreFailsEveryone() throws Exception {
        holdFirst = true;
        Future<Enqueued> first = callers.submit(() -> group.enqueue(job("hold")));
        await().atMost(Duration.ofSeconds(5)).until(() -> group.waiting() == 0);
        Future<Enqueued> good = callers.submit(() -> group.enqueue(job("good")));
        Future<Enqueued> bad = callers.submit(() -> group.enqueue(
                JobRequest.builder("q", "t").payload("not json").idempotencyKey("bad").build()));
        await().atMost(Duration.ofSeconds(5)).until(() -> group.waiting() == 2);
        firstCommit.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThat(good.get(10, TimeUnit.SECONDS).replayed()).isFalse();
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class);

        failWith.set(new IllegalStateException("the store is down"));
        assertThatThrownBy(() -> group.enqueue(job("down"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the store is down");
    }

    @Test
    void aClosedGroupRefusesEnqueues() {
        group.close();
        assertThatThrownBy(() -> group.enqueue(job("late"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
