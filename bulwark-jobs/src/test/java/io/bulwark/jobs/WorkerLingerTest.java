package io.bulwark.jobs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Group commit: a turn waits for handlers about to end so that their outcomes share its commit.
 * Time here is a fake ticker: every store call that records outcomes costs 1 ms of it, a handler
 * what its payload says. A test sees the poll waiting by its thread's park blocker, the worker.
 */
class WorkerLingerTest {

    private static final long COMMIT_NANOS = 1_000_000;

    record Work(long micros) {
    }

    private final WorkerHarness h = new WorkerHarness();
    private final AtomicLong now = new AtomicLong();
    private final List<Integer> outcomesPerCall = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicReference<Thread> poller = new AtomicReference<>();

    @AfterEach
    void close() {
        gate.countDown();
        h.close();
    }

    @Test
    void aTurnWaitsForShortHandlersSoTheirOutcomesShareItsCommit() throws Exception {
        Worker worker = worker(Duration.ofMillis(1));
        warmUp(worker, 10);

        gate = new CountDownLatch(1);
        enqueue(4, 10);
        assertThat(worker.poll()).isEqualTo(4); // the four handlers now wait at the gate
        outcomesPerCall.clear();
        CompletableFuture<Integer> turn = pollOnAnotherThread(worker);
        await().atMost(Duration.ofSeconds(5)).until(() -> LockSupport.getBlocker(poller.get()) == worker);
        gate.countDown();

        assertThat(turn.get()).isZero(); // nothing left to claim
        assertThat(outcomesPerCall).as("the four outcomes in the turn's one store call").containsExactly(4);
    }

    @Test
    void aHandlerThatDoesNotEndHoldsATurnForHalfACommitAtMost() throws Exception {
        Worker worker = worker(Duration.ofMillis(1));
        warmUp(worker, 10);

        gate = new CountDownLatch(1);
        enqueue(1, 10);
        assertThat(worker.poll()).isEqualTo(1);
        CompletableFuture<Integer> turn = pollOnAnotherThread(worker);
        await().atMost(Duration.ofSeconds(5)).until(() -> LockSupport.getBlocker(poller.get()) == worker);
        now.addAndGet(COMMIT_NANOS / 2);

        assertThat(turn.get()).as("the turn gave up waiting and went on").isZero();
        assertThat(worker.running("q")).isEqualTo(1);
    }

    @Test
    void handlersLongerThanACommitAreNotWaitedFor() throws Exception {
        Worker worker = worker(Duration.ofMillis(1));
        warmUp(worker, 5_000); // 5 ms attempts against 1 ms commits

        gate = new CountDownLatch(1);
        enqueue(2, 5_000);
        assertThat(worker.poll()).isEqualTo(2);

        assertThat(pollOnAnotherThread(worker).get()).as("returns with the handlers still running").isZero();
        assertThat(worker.running("q")).isEqualTo(2);
    }

    @Test
    void zeroTurnsItOff() throws Exception {
        Worker worker = worker(Duration.ZERO);
        warmUp(worker, 10);

        gate = new CountDownLatch(1);
        enqueue(3, 10);
        assertThat(worker.poll()).isEqualTo(3);

        assertThat(pollOnAnotherThread(worker).get()).isZero();
        assertThat(worker.running("q")).isEqualTo(3);
    }

    private Worker worker(Duration linger) {
        h.queues.put("q", QueueSettings.DEFAULT.withConcurrency(10));
        h.handlers.register("work", Work.class, ctx -> {
            now.addAndGet(ctx.payload().micros() * 1_000);
            gate.await();
            return null;
        });
        return Worker.builder(h.timedStore(now, COMMIT_NANOS, outcomesPerCall), h.handlers).queues("q").settings(h.queues).clock(h.clock)
                .executor(h.executor).meters(h.meters).linger(linger).ticker(now::get).build();
    }

    /** Runs a few jobs to completion so the worker has measured attempts and store calls. */
    private void warmUp(Worker worker, long micros) throws Exception {
        enqueue(3, micros);
        worker.poll();
        assertThat(worker.awaitIdle(Duration.ofSeconds(5))).isTrue();
        worker.poll();
        assertThat(worker.running("q")).isZero();
    }

    private void enqueue(int n, long micros) {
        for (int i = 0; i < n; i++) {
            h.enqueue(JobRequest.builder("q", "work").payload("{\"micros\":" + micros + "}"));
        }
    }

    private CompletableFuture<Integer> pollOnAnotherThread(Worker worker) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(worker.poll("q"));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        poller.set(t);
        return result.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS);
    }
}
