package io.bulwark.jobs;

import io.bulwark.core.ids.Uuid7;
import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.InMemoryJobStore;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.Lease;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.jobs.store.QueueCounts;
import io.bulwark.jobs.store.Renewal;
import io.bulwark.jobs.store.Settled;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two store calls of one queue in flight ({@link Worker.Builder#claimsInFlight}): the second takes
 * the outcomes that came in meanwhile, and neither the store nor the node ever holds more than the
 * queue's concurrency, whichever call commits first.
 */
class WorkerClaimsInFlightTest {

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-12-06T10:00:00Z"));
    private final Gate store = new Gate(new InMemoryJobStore(clock));
    private final Handlers handlers = new Handlers();
    private final QueueRegistry queues = new QueueRegistry(QueueSettings.DEFAULT);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final JobClient client = new JobClient(store, queues, new Uuid7(clock, new SplittableRandom(7)),
            new SimpleMeterRegistry(), q -> { });

    @AfterEach
    void close() {
        executor.shutdownNow();
    }

    /**
     * Claiming ahead is off: these tests pin how calls in flight share the slots, and whether a
     * queue claims ahead depends on how long the real calls took (WorkerClaimAheadTest pins that).
     */
    private Worker worker(int claimsInFlight, int claimBatch) {
        return builder(claimsInFlight, claimBatch).claimAhead(false).build();
    }

    private Worker.Builder builder(int claimsInFlight, int claimBatch) {
        Worker.Builder b = Worker.builder(store, handlers).queues("q").settings(queues).clock(clock)
                .random(new SplittableRandom(42)).executor(executor).claimBatch(claimBatch).linger(Duration.ZERO);
        return claimsInFlight > 0 ? b.claimsInFlight(claimsInFlight) : b;
    }

    private void enqueue(int n) {
        for (int i = 0; i < n; i++) {
            client.enqueue(JobRequest.builder("q", "work").build());
        }
    }

    /**
     * A worker whose first claim filled the queue's {@code concurrency} with no-op jobs (of
     * {@code jobs} enqueued), all of them ended: their outcomes wait for the next poll.
     */
    private Worker afterAFullFirstClaim(int concurrency, int jobs, int claimBatch) throws InterruptedException {
        handlers.register("work", Map.class, ctx -> null);
        queues.put("q", QueueSettings.DEFAULT.withConcurrency(concurrency));
        enqueue(jobs);
        Worker worker = worker(2, claimBatch);
        assertThat(worker.poll("q")).isEqualTo(concurrency);
        assertThat(worker.awaitIdle(Duration.ofSeconds(5))).isTrue();
        return worker;
    }

    /** A poll on another thread, to be held in the store. */
    private CompletableFuture<Integer> pollAside(Worker worker) {
        return CompletableFuture.supplyAsync(() -> worker.poll("q"), executor);
    }

    @Test
    void theStoreSaysHowManyCallsAWorkerKeepsInFlightAndTheBuilderMayOverride() {
        assertThat(worker(0, 10).claimsInFlight()).as("the in-memory store commits one at a time").isEqualTo(1);
        assertThat(worker(2, 10).claimsInFlight()).isEqualTo(2);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Worker.builder(store, handlers).claimsInFlight(0)))
                .hasMessage("claimsInFlight must be from 1 to 8 but was 0");
    }

    @Test
    void aSecondCallTakesTheOutcomesThatCameInWhileTheFirstRunsAndClaimsOnlyTheirSlots() throws Exception {
        CountDownLatch slowOnes = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        handlers.register("work", Map.class, ctx -> {
            int n = ran.incrementAndGet();
            if (n == 2 || n == 3) {
                slowOnes.await();
            }
            return null;
        });
        queues.put("q", QueueSettings.DEFAULT.withConcurrency(3));
        enqueue(10);
        Worker worker = worker(2, 10);
        assertThat(worker.poll("q")).isEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 3 && worker.running() == 2);

        // Call A: the first job's outcome and its slot; held in the store.
        store.hold();
        CompletableFuture<Integer> a = pollAside(worker);
        store.awaitHeld(1);
        assertThat(worker.claiming()).isTrue();
        assertThat(store.lastOutcomes.get()).isEqualTo(1);
        assertThat(store.lastMax.get()).as("A may claim the slot its outcome frees").isEqualTo(1);

        // The other two end while A is in the store; call B takes their outcomes and only their slots.
        slowOnes.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.running() == 0);
        CompletableFuture<Integer> b = pollAside(worker);
        store.awaitHeld(2);
        assertThat(store.lastOutcomes.get()).isEqualTo(2);
        assertThat(store.lastMax.get()).as("B may claim the two slots its outcomes free, no more").isEqualTo(2);
        assertThat(worker.poll("q")).as("a third call waits").isZero();

        store.release();
        assertThat(a.get(5, TimeUnit.SECONDS) + b.get(5, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(worker.awaitIdle(Duration.ofSeconds(5))).isTrue();
        worker.flush();
        assertThat(store.maxRunningSeen.get()).as("whichever committed first").isLessThanOrEqualTo(3);
        assertThat(store.counts().getFirst().count(JobState.COMPLETED)).isEqualTo(6);
    }

    @Test
    void outcomesBeyondWhatACallClaimsKeepTheirSlotsUntilTheStoreHasThem() throws Exception {
        Worker worker = afterAFullFirstClaim(5, 20, 5);
        queues.put("q", QueueSettings.DEFAULT.withConcurrency(5).withRate(1000, 2));

        // A records five outcomes but may claim two (the rate's burst): three jobs still run in the
        // store until A commits, so B, with no outcome of its own, has no slot to claim.
        store.hold();
        CompletableFuture<Integer> a = pollAside(worker);
        store.awaitHeld(1);
        assertThat(store.lastOutcomes.get()).isEqualTo(5);
        assertThat(store.lastMax.get()).isEqualTo(2);
        assertThat(worker.poll("q")).isZero();
        assertThat(store.calls.get()).isEqualTo(2);
        store.release();
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(store.maxRunningSeen.get()).isLessThanOrEqualTo(5);
    }

    @Test
    void aThirdPollWaitsWhileTwoAreInTheStoreAndOneAtATimeStaysTheDefault() throws Exception {
        handlers.register("work", Map.class, ctx -> null);
        queues.put("q", QueueSettings.DEFAULT.withConcurrency(100));
        enqueue(6);
        Worker two = worker(2, 2);
        store.hold();
        // One after the other: a poll that finds another reserving its slots returns at once (by
        // design), so two polls started together may reach the store as one.
        CompletableFuture<Integer> p1 = pollAside(two);
        store.awaitHeld(1);
        CompletableFuture<Integer> p2 = pollAside(two);
        store.awaitHeld(2);
        assertThat(two.poll("q")).as("two polls of the queue are in the store").isZero();
        store.release();
        assertThat(p1.get(5, TimeUnit.SECONDS) + p2.get(5, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(two.awaitIdle(Duration.ofSeconds(5))).isTrue();
        two.flush();

        Worker one = worker(0, 1);
        store.hold();
        CompletableFuture<Integer> p3 = pollAside(one);
        store.awaitHeld(1);
        assertThat(one.poll("q")).as("the in-memory store's worker keeps one call in flight").isZero();
        store.release();
        assertThat(p3.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void aDrainWaitsForThePollInTheStoreAndFinishesWhatItClaimed() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        handlers.register("work", Map.class, ctx -> {
            ran.incrementAndGet();
            return null;
        });
        queues.put("q", QueueSettings.DEFAULT.withConcurrency(3));
        enqueue(5);
        Worker worker = worker(1, 10);
        store.hold();
        CompletableFuture<Integer> poll = pollAside(worker);
        store.awaitHeld(1);

        CompletableFuture<Void> drain = CompletableFuture.runAsync(() -> {
            try {
                worker.drain(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, executor);
        await().atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(50)).until(() -> !drain.isDone());
        assertThat(worker.poll("q")).as("nothing new once draining").isZero();

        store.release();
        drain.get(5, TimeUnit.SECONDS);
        assertThat(poll.get(5, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(ran.get()).as("what the held call claimed ran").isEqualTo(3);
        assertThat(store.counts().getFirst().count(JobState.COMPLETED)).as("and was recorded by the drain").isEqualTo(3);
        assertThat(store.runningInStore()).as("nothing left held by this node").isZero();
    }

    @Test
    void aFailedCallGivesItsOutcomesTheirSlotsBackAndItsReservationUp() throws Exception {
        Worker worker = afterAFullFirstClaim(2, 5, 10);
        store.failNext();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> worker.poll("q"))).hasMessage("store down");
        assertThat(worker.claiming()).isFalse();
        assertThat(worker.poll("q")).as("the two outcomes and their two slots, as before the failure").isEqualTo(2);
        assertThat(worker.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(worker.poll("q")).isEqualTo(1);
        assertThat(worker.awaitIdle(Duration.ofSeconds(5))).isTrue();
        worker.flush();
        assertThat(store.runningInStore()).isZero();
        assertThat(store.counts().getFirst().count(JobState.COMPLETED)).isEqualTo(5);
    }

    @Test
    void aLoopWithTwoCallsInFlightRunsEveryJobOnceAndNeverAboveTheConcurrency() throws Exception {
        loopWithTwoCallsInFlight(false);
    }

    @Test
    void claimingAheadWithTwoCallsInFlightRunsEveryJobOnceAndHoldsNoMoreThanABatch() throws Exception {
        loopWithTwoCallsInFlight(true);
    }

    /**
     * A loop with two calls in flight and jittery store calls. Without claiming ahead the store
     * never sees more than the concurrency running; with it, never more than a claim batch (and
     * whether it claims ahead at all depends on the real timings, so only the bound is asserted).
     * Either way, no more than the concurrency of handlers run at once.
     */
    private void loopWithTwoCallsInFlight(boolean claimAhead) throws Exception {
        int concurrency = 7;
        int claimBatch = claimAhead ? 12 : 3;
        AtomicInteger executing = new AtomicInteger();
        AtomicInteger maxExecuting = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        handlers.register("work", Map.class, ctx -> {
            maxExecuting.accumulateAndGet(executing.incrementAndGet(), Math::max);
            for (int i = ThreadLocalRandom.current().nextInt(10); i > 0; i--) {
                Thread.yield();
            }
            executing.decrementAndGet();
            done.incrementAndGet();
            return null;
        });
        queues.put("q", QueueSettings.DEFAULT.withConcurrency(concurrency));
        store.jitter = true;
        enqueue(1_000);
        Worker worker = builder(2, claimBatch).claimAhead(claimAhead).build();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);
        try {
            WorkerLoop loop = WorkerLoop.start(worker, scheduler, Duration.ofMillis(20));
            await().atMost(Duration.ofSeconds(30)).until(() -> store.counts().getFirst().count(JobState.COMPLETED) == 1_000);
            loop.stop();
        } finally {
            scheduler.shutdownNow();
        }
        assertThat(done.get()).as("each job ran once").isEqualTo(1_000);
        assertThat(maxExecuting.get()).isLessThanOrEqualTo(concurrency);
        assertThat(store.maxRunningSeen.get()).as("running in the store")
                .isLessThanOrEqualTo(Math.max(concurrency, claimAhead ? claimBatch : 0));
        assertThat(store.maxInFlight.get()).as("the loop kept two calls in the store at once").isEqualTo(2);
    }

    /** The in-memory store, with a gate that holds calls of {@code completeAndClaim}, and watches. */
    private static final class Gate implements JobStore {
        private final InMemoryJobStore store;
        private final Semaphore gate = new Semaphore(Integer.MAX_VALUE);
        private final AtomicInteger waiting = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger lastOutcomes = new AtomicInteger();
        final AtomicInteger lastMax = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicInteger maxRunningSeen = new AtomicInteger();
        volatile boolean jitter;
        private volatile boolean failNext;

        Gate(InMemoryJobStore store) {
            this.store = store;
        }

        void hold() {
            gate.drainPermits();
        }

        void release() {
            gate.release(Integer.MAX_VALUE - gate.availablePermits());
        }

        void failNext() {
            failNext = true;
        }

        void awaitHeld(int n) {
            await().atMost(Duration.ofSeconds(5)).until(() -> waiting.get() >= n);
        }

        int runningInStore() {
            return (int) store.counts().stream().mapToLong(c -> c.count(JobState.RUNNING)).sum();
        }

        @Override
        public Settled completeAndClaim(List<Outcome> outcomes, String queue, String node, int max, Duration lease) {
            calls.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                if (failNext) {
                    failNext = false;
                    throw new IllegalStateException("store down");
                }
                lastOutcomes.set(outcomes.size());
                lastMax.set(max);
                waiting.incrementAndGet();
                gate.acquireUninterruptibly();
                gate.release();
                waiting.decrementAndGet();
                if (jitter) {
                    for (int i = ThreadLocalRandom.current().nextInt(20); i > 0; i--) {
                        Thread.yield();
                    }
                }
                Settled s = store.completeAndClaim(outcomes, queue, node, max, lease);
                maxRunningSeen.accumulateAndGet(runningInStore(), Math::max);
                return s;
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override public int claimsInFlight() { return store.claimsInFlight(); }
        @Override public Instant now() { return store.now(); }
        @Override public List<Enqueued> enqueue(List<NewJob> jobs) { return store.enqueue(jobs); }
        @Override public List<Claim> claim(String queue, String node, int max, Duration lease) {
            return store.claim(queue, node, max, lease);
        }
        @Override public List<Renewal> renew(Collection<Lease> leases, Duration lease) { return store.renew(leases, lease); }
        @Override public List<Boolean> complete(List<Outcome> outcomes) {
            List<Boolean> r = store.complete(outcomes);
            maxRunningSeen.accumulateAndGet(runningInStore(), Math::max);
            return r;
        }
        @Override public List<Job> rescueExpired(String node, int max) { return store.rescueExpired(node, max); }
        @Override public List<Job> expireWaiting(int max) { return store.expireWaiting(max); }
        @Override public List<Job> rescueNode(String node, Instant claimedBefore, String rescuer, int max) {
            return store.rescueNode(node, claimedBefore, rescuer, max);
        }
        @Override public Optional<Job> get(UUID id) { return store.get(id); }
        @Override public List<Job> list(JobQuery query) { return store.list(query); }
        @Override public Optional<Job> cancel(UUID id, String reason) { return store.cancel(id, reason); }
        @Override public Optional<Job> retry(UUID id, String reason) { return store.retry(id, reason); }
        @Override public int retryDead(String queue, Collection<UUID> ids) { return store.retryDead(queue, ids); }
        @Override public int purgeDead(String queue) { return store.purgeDead(queue); }
        @Override public int prune(Instant finishedBefore, int limit) { return store.prune(finishedBefore, limit); }
        @Override public List<QueueCounts> counts() { return store.counts(); }
        @Override public void close() { store.close(); }
    }
}
