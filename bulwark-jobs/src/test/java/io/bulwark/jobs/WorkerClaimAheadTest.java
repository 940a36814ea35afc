package io.bulwark.jobs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Claiming ahead: a queue whose attempts are shorter than a store call claims more than its
 * concurrency, up to a claim batch, and runs no more than its concurrency at once. Time is a fake
 * ticker: a store call costs 1 ms of it, a handler what its payload says.
 */
class WorkerClaimAheadTest {

    private static final long COMMIT_NANOS = 1_000_000;
    private static final int CONCURRENCY = 3;
    private static final int BATCH = 20;

    record Work(long micros, boolean stubborn) {
    }

    private final WorkerHarness h = new WorkerHarness();
    private final AtomicLong now = new AtomicLong();
    private final List<Integer> outcomesPerCall = new CopyOnWriteArrayList<>();
    private final Set<UUID> ran = ConcurrentHashMap.newKeySet();
    private final AtomicInteger executing = new AtomicInteger();
    private final AtomicInteger maxExecuting = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    @AfterEach
    void close() {
        gate.countDown();
        h.close();
    }

    @Test
    void shortJobsAreClaimedUpToABatchAndNoMoreThanTheConcurrencyRun() throws Exception {
        Worker worker = worker(true);
        gatedAfterWarmUp(worker, 10, false); // 10 µs attempts against 1 ms store calls
        claimBatchFillingTheSlots(worker);
        assertThat(worker.running("q")).as("claimed by this node").isEqualTo(BATCH);
        assertThat(h.store.counts().getFirst().count(JobState.RUNNING)).isEqualTo(BATCH);
        assertThat(claimedAhead()).as("waiting for a slot").isEqualTo(BATCH - CONCURRENCY);

        gate.countDown();
        assertThat(worker.awaitIdle(Duration.ofSeconds(5))).isTrue();
        worker.flush();
        assertThat(ran).hasSize(BATCH + 3);
        assertThat(maxExecuting.get()).as("handlers at once").isEqualTo(CONCURRENCY);
        assertThat(h.store.counts().getFirst().count(JobState.COMPLETED)).isEqualTo(BATCH + 3);
        assertThat(claimedAhead()).isZero();
    }

    @Test
    void jobsLongerThanAStoreCallAreNotClaimedAhead() throws Exception {
        Worker worker = worker(true);
        gatedAfterWarmUp(worker, 5_000, false); // 5 ms attempts against 1 ms store calls
        assertThat(worker.poll()).isEqualTo(CONCURRENCY);
    }

    @Test
    void offClaimsTheConcurrencyOnly() throws Exception {
        Worker worker = worker(false);
        gatedAfterWarmUp(worker, 10, false);
        assertThat(worker.poll()).isEqualTo(CONCURRENCY);
    }

    @Test
    void aJobCancelledWhileItWaitsForASlotEndsCancelledWithoutRunning() throws Exception {
        Worker worker = worker(true);
        List<UUID> ids = gatedAfterWarmUp(worker, 10, false);
        claimBatchFillingTheSlots(worker);
        UUID waiting = ids.subList(0, BATCH).stream().filter(id -> !ran.contains(id)).findFirst().orElseThrow();
        assertThat(worker.cancelLocal(waiting)).isTrue();

        gate.countDown();
        assertThat(worker.awaitIdle(Duration.ofSeconds(5))).isTrue();
        worker.flush();
        assertThat(ran).doesNotContain(waiting);
        assertThat(h.job(waiting).state()).isEqualTo(JobState.CANCELLED);
        assertThat(h.store.counts().getFirst().count(JobState.COMPLETED)).isEqualTo(BATCH - 1 + 3);
    }

    @Test
    void aDrainGivesBackTheJobsNoSlotTookEvenWhileHandlersIgnoreTheirInterrupt() throws Exception {
        Worker worker = worker(true);
        gatedAfterWarmUp(worker, 10, true);
        claimBatchFillingTheSlots(worker);

        Thread drain = Thread.ofPlatform().daemon().start(() -> {
            try {
                worker.drain(Duration.ZERO);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.running() == CONCURRENCY);
        gate.countDown(); // the three stubborn handlers end; the drain flushes
        drain.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(drain.isAlive()).isFalse();

        assertThat(ran).as("warm-up and the three that had slots").hasSize(3 + CONCURRENCY);
        assertThat(h.store.counts().getFirst().count(JobState.AVAILABLE)).as("released, all of the batch").isEqualTo(30);
        assertThat(h.store.counts().getFirst().count(JobState.RUNNING)).isZero();
    }

    private Worker worker(boolean claimAhead) {
        h.queues.put("q", QueueSettings.DEFAULT.withConcurrency(CONCURRENCY));
        h.handlers.register("work", Work.class, ctx -> {
            ran.add(ctx.job().id());
            maxExecuting.accumulateAndGet(executing.incrementAndGet(), Math::max);
            try {
                now.addAndGet(ctx.payload().micros() * 1_000);
                if (ctx.payload().stubborn()) {
                    while (true) {
                        try {
                            gate.await();
                            break;
                        } catch (InterruptedException ignored) {
                            // a handler that does not stop when asked
                        }
                    }
                } else {
                    gate.await();
                }
                return null;
            } finally {
                executing.decrementAndGet();
            }
        });
        return Worker.builder(h.timedStore(now, COMMIT_NANOS, outcomesPerCall), h.handlers).queues("q")
                .settings(h.queues).clock(h.clock).executor(h.executor).meters(h.meters).claimBatch(BATCH)
                .claimAhead(claimAhead).ticker(now::get).build();
    }

    /**
     * Runs three jobs of {@code micros} to completion, so the worker has measured attempts and store
     * calls, then closes the gate and enqueues 30 more; returns their ids.
     */
    private List<UUID> gatedAfterWarmUp(Worker worker, long micros, boolean stubborn) throws Exception {
        enqueue(3, micros, false);
        worker.poll();
        assertThat(worker.awaitIdle(Duration.ofSeconds(5))).isTrue();
        worker.poll();
        assertThat(worker.running("q")).isZero();
        gate = new CountDownLatch(1);
        return enqueue(30, micros, stubborn);
    }

    /** Polls once, which claims a batch, and waits until the concurrency's handlers wait at the gate. */
    private void claimBatchFillingTheSlots(Worker worker) {
        assertThat(worker.poll()).as("a claim batch, not the concurrency").isEqualTo(BATCH);
        await().atMost(Duration.ofSeconds(5)).until(() -> executing.get() == CONCURRENCY);
    }

    private double claimedAhead() {
        return h.meters.get("bulwark.jobs.claimed.ahead").tag("queue", "q").gauge().value();
    }

    private List<UUID> enqueue(int n, long micros, boolean stubborn) {
        List<UUID> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(h.enqueue(JobRequest.builder("q", "work")
                    .payload("{\"micros\":" + micros + ",\"stubborn\":" + stubborn + "}")));
        }
        return ids;
    }
}
