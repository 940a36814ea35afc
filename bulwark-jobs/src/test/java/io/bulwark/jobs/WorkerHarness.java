package io.bulwark.jobs;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.jobs.store.JobStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A worker on an in-memory store with a settable clock, driven by hand. */
final class WorkerHarness implements AutoCloseable {

    final SettableClock clock = SettableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
    final InMemoryJobStore store = new InMemoryJobStore(clock);
    final Handlers handlers = new Handlers();
    final QueueRegistry queues = new QueueRegistry(QueueSettings.DEFAULT);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    final JobClient client = new JobClient(store, queues, new Uuid7(clock, new SplittableRandom(7)), meters, q -> { });
    private Worker worker;

    Worker worker() {
        if (worker == null) {
            worker = newWorker("node-1");
        }
        return worker;
    }

    /**
     * A worker that does not claim ahead: whether it would depends on how long real store calls and
     * handlers took, and these tests count what a poll claims (WorkerClaimAheadTest covers it with a
     * fake ticker).
     */
    Worker newWorker(String node) {
        return Worker.builder(store, handlers).queues("q").settings(queues).node(node).clock(clock)
                .random(new SplittableRandom(42)).executor(executor).lease(Duration.ofSeconds(30)).meters(meters)
                .claimAhead(false).build();
    }

    UUID enqueue(JobRequest.Builder b) {
        return client.enqueue(b.build()).job().id();
    }

    /** Polls, waits for the started handlers to finish, and records their outcomes. */
    int runOnce() throws InterruptedException {
        int started = worker().poll();
        assertThat(worker().awaitIdle(Duration.ofSeconds(5))).as("handlers finished").isTrue();
        worker().flush();
        return started;
    }

    /**
     * The store, where a call that records outcomes and claims costs {@code commitNanos} of the fake
     * time {@code now} and reports how many outcomes it carried to {@code outcomesPerCall}.
     */
    JobStore timedStore(AtomicLong now, long commitNanos, List<Integer> outcomesPerCall) {
        return (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[] {JobStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("completeAndClaim")) {
                        outcomesPerCall.add(((List<?>) args[0]).size());
                        now.addAndGet(commitNanos);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    Job job(UUID id) {
        return store.get(id).orElseThrow();
    }

    double counter(String name, String queue) {
        var c = meters.find(name).tag("queue", queue).counters();
        return c.stream().mapToDouble(x -> x.count()).sum();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
