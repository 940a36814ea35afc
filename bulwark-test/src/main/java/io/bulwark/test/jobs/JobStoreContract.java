package io.bulwark.test.jobs;

import io.bulwark.core.time.SettableClock;
import io.bulwark.jobs.Job;
import io.bulwark.jobs.JobState;
import io.bulwark.jobs.Transition;
import io.bulwark.jobs.store.Claim;
import io.bulwark.jobs.store.Enqueued;
import io.bulwark.jobs.store.JobQuery;
import io.bulwark.jobs.store.JobStore;
import io.bulwark.jobs.store.NewJob;
import io.bulwark.jobs.store.Outcome;
import io.bulwark.jobs.store.QueueCounts;
import io.bulwark.jobs.store.Renewal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.bulwark.test.jobs.StoreFixture.LEASE;
import static io.bulwark.test.jobs.StoreFixture.lease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules every {@link JobStore} keeps (see its Javadoc), as one suite each store's tests
 * extend: the in-memory store, the embedded SQLite store, and later PostgreSQL and MariaDB.
 * Time is a {@link SettableClock}; nothing sleeps. The last two tests check the rules under
 * many threads.
 *
 * <pre>{@code
 * class SqliteJobStoreTest extends JobStoreContract {
 *     protected JobStore createStore(SettableClock clock, Duration agingStep) { ... }
 * }
 * }</pre>
 */
public abstract class JobStoreContract {

    /** A new, empty store on {@code clock} with {@code agingStep}. */
    protected abstract JobStore createStore(SettableClock clock, Duration agingStep);

    /** Called after each test, after the store is closed. */
    protected void cleanup() {
    }

    protected final StoreFixture f = new StoreFixture();

    @BeforeEach
    void openStore() {
        f.store = createStore(f.clock, StoreFixture.AGING);
    }

    @AfterEach
    void closeStore() {
        f.store.close();
        cleanup();
    }

    @Test
    void anEnqueuedJobIsAvailableAtOnceWithItsFieldsAndOneHistoryEntry() {
        NewJob n = f.job("q");
        Enqueued e = f.store.enqueue(List.of(n)).get(0);
        assertThat(e.replayed()).isFalse();
        Job j = f.get(n.id());
        assertThat(j.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(j.runAt()).isEqualTo(f.clock.instant());
        assertThat(j.createdAt()).isEqualTo(f.clock.instant());
        assertThat(j.attempt()).isZero();
        assertThat(j.payload()).isEqualTo("{\"n\":1}");
        assertThat(j.tags()).containsExactly("tag");
        assertThat(j.history()).singleElement().satisfies(t -> {
            assertThat(t.from()).isNull();
            assertThat(t.to()).isEqualTo(JobState.AVAILABLE);
            assertThat(t.reason()).isEqualTo("enqueued");
        });
    }

    @Test
    void aFutureJobIsScheduledAndClaimableOnlyOnceTheClockPassesItsRunTime() {
        Instant at = f.clock.instant().plusSeconds(60);
        UUID id = f.enqueue(f.job("q", 5, at, 3, null));
        assertThat(f.get(id).state()).isEqualTo(JobState.SCHEDULED);
        assertThat(f.store.claim("q", "n1", 10, LEASE)).isEmpty();
        f.clock.set(at);
        Claim c = f.claimOne("q", "n1");
        assertThat(c.job().id()).isEqualTo(id);
        assertThat(f.get(id).history()).extracting(Transition::reason).containsExactly("enqueued", "due", "claimed");
    }

    @Test
    void claimsTakeHigherPriorityFirstAndRespectMaxAndQueue() {
        UUID low = f.enqueue(f.job("q", 9, null, 3, null));
        UUID high = f.enqueue(f.job("q", 0, null, 3, null));
        UUID other = f.enqueue(f.job("other", 0, null, 3, null));
        List<Claim> claims = f.store.claim("q", "n1", 1, LEASE);
        assertThat(claims).extracting(c -> c.job().id()).containsExactly(high);
        assertThat(f.store.claim("q", "n1", 0, LEASE)).isEmpty();
        assertThat(f.store.claim("q", "n1", 10, LEASE)).extracting(c -> c.job().id()).containsExactly(low);
        assertThat(f.get(other).state()).isEqualTo(JobState.AVAILABLE);
    }

    @Test
    void aLowPriorityJobThatWaitedLongEnoughIsClaimedBeforeAFreshHighPriorityOne() {
        UUID old = f.enqueue(f.job("q", 9, null, 3, null));
        f.clock.advance(StoreFixture.AGING.multipliedBy(9).plusMillis(1));
        f.enqueue(f.job("q", 0, null, 3, null));
        assertThat(f.claimOne("q", "n1").job().id()).isEqualTo(old);
    }

    @Test
    void aClaimRunsTheJobCountsTheAttemptAndGivesAGreaterTokenEachTime() {
        UUID id = f.enqueue(f.job("q"));
        Claim first = f.claimOne("q", "n1");
        assertThat(first.job().state()).isEqualTo(JobState.RUNNING);
        assertThat(first.job().attempt()).isEqualTo(1);
        assertThat(first.job().startedAt()).isEqualTo(f.clock.instant());
        assertThat(first.leaseUntil()).isEqualTo(f.clock.instant().plus(LEASE));
        f.store.complete(List.of(new Outcome.Failed(lease(first), "error", "boom", true, Duration.ZERO)));
        Claim second = f.claimOne("q", "n2");
        assertThat(second.token()).isGreaterThan(first.token());
        assertThat(second.job().attempt()).isEqualTo(2);
        assertThat(f.get(id).history()).last().satisfies(t -> {
            assertThat(t.node()).isEqualTo("n2");
            assertThat(t.attempt()).isEqualTo(2);
        });
    }

    @Test
    void successStoresTheResultAndASecondCompletionIsRefused() {
        UUID id = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        assertThat(f.store.complete(List.of(new Outcome.Succeeded(lease(c), "{\"ok\":true}")))).containsExactly(true);
        Job j = f.get(id);
        assertThat(j.state()).isEqualTo(JobState.COMPLETED);
        assertThat(j.result()).isEqualTo("{\"ok\":true}");
        assertThat(j.finishedAt()).isEqualTo(f.clock.instant());
        assertThat(f.store.complete(List.of(new Outcome.Cancelled(lease(c), "late")))).containsExactly(false);
        assertThat(f.get(id).state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void aRetryableFailureWaitsItsDelayAndTheLastAttemptOrANonRetryableFailureIsDead() {
        UUID id = f.enqueue(f.job("q", 5, null, 2, null));
        Claim c1 = f.claimOne("q", "n1");
        f.store.complete(List.of(new Outcome.Failed(lease(c1), "error", "first", true, Duration.ofSeconds(7))));
        Job waiting = f.get(id);
        assertThat(waiting.state()).isEqualTo(JobState.RETRYABLE);
        assertThat(waiting.runAt()).isEqualTo(f.clock.instant().plusSeconds(7));
        assertThat(waiting.lastError()).isEqualTo("first");
        assertThat(f.store.claim("q", "n1", 1, LEASE)).isEmpty();
        f.clock.advance(Duration.ofSeconds(7));
        Claim c2 = f.claimOne("q", "n1");
        f.store.complete(List.of(new Outcome.Failed(lease(c2), "timeout", "second", true, Duration.ofSeconds(7))));
        Job dead = f.get(id);
        assertThat(dead.state()).isEqualTo(JobState.DEAD);
        assertThat(dead.history()).last().extracting(Transition::reason).isEqualTo("timeout (no attempts left)");

        UUID other = f.enqueue(f.job("q", 5, null, 10, null));
        Claim c3 = f.claimOne("q", "n1");
        f.store.complete(List.of(new Outcome.Failed(lease(c3), "error", "declined", false, Duration.ZERO)));
        assertThat(f.get(other).state()).isEqualTo(JobState.DEAD);
        assertThat(f.get(other).history()).last().extracting(Transition::reason).isEqualTo("error (not retryable)");
    }

    @Test
    void aReleasedJobIsAvailableAtOnceAndItsAttemptIsNotCounted() {
        UUID id = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        f.store.complete(List.of(new Outcome.Released(lease(c), "draining")));
        Job j = f.get(id);
        assertThat(j.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(j.attempt()).isZero();
        assertThat(j.history()).last().extracting(Transition::reason).isEqualTo("released: draining");
    }

    @Test
    void renewalKeepsALeaseAndAnExpiredOneIsRescuedThenItsOldTokenIsRefused() {
        UUID id = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        f.clock.advance(Duration.ofSeconds(20));
        assertThat(f.store.renew(List.of(lease(c)), LEASE)).extracting(Renewal::held).containsExactly(true);
        f.clock.advance(Duration.ofSeconds(20));
        assertThat(f.store.rescueExpired("n2", 10)).isEmpty();
        f.clock.advance(Duration.ofSeconds(11));
        assertThat(f.store.rescueExpired("n2", 10)).extracting(Job::id).containsExactly(id);
        assertThat(f.get(id).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(f.get(id).history()).last().satisfies(t -> {
            assertThat(t.reason()).isEqualTo("lease expired");
            assertThat(t.node()).isEqualTo("n2");
        });
        Claim again = f.claimOne("q", "n2");
        assertThat(f.store.renew(List.of(lease(c)), LEASE)).extracting(Renewal::held).containsExactly(false);
        assertThat(f.store.complete(List.of(new Outcome.Succeeded(lease(c), null)))).containsExactly(false);
        assertThat(f.store.complete(List.of(new Outcome.Succeeded(lease(again), null)))).containsExactly(true);
    }

    @Test
    void anExpiredLeaseOnTheLastAttemptIsDead() {
        UUID id = f.enqueue(f.job("q", 5, null, 1, null));
        f.claimOne("q", "n1");
        f.clock.advance(LEASE.plusMillis(1));
        assertThat(f.store.rescueExpired("n2", 10)).singleElement().extracting(Job::state).isEqualTo(JobState.DEAD);
        assertThat(f.get(id).history()).last().extracting(Transition::reason).isEqualTo("lease expired (no attempts left)");
    }

    @Test
    void cancelEndsWaitingJobsAtOnceAndFlagsRunningOnesForTheirWorker() {
        UUID waiting = f.enqueue(f.job("q", 5, f.clock.instant().plusSeconds(60), 3, null));
        assertThat(f.store.cancel(waiting, "by test")).map(Job::state).contains(JobState.CANCELLED);
        UUID running = f.enqueue(f.job("q"));
        Claim c = f.claimOne("q", "n1");
        assertThat(f.store.cancel(running, "by test")).map(Job::state).contains(JobState.RUNNING);
        assertThat(f.store.renew(List.of(lease(c)), LEASE)).singleElement()
                .satisfies(r -> assertThat(r.cancelRequested()).isTrue());
        f.store.complete(List.of(new Outcome.Cancelled(lease(c), "cancelled")));
        assertThat(f.get(running).state()).isEqualTo(JobState.CANCELLED);
        assertThat(f.store.cancel(running, "again")).map(Job::state).contains(JobState.CANCELLED);
        assertThat(f.store.cancel(UUID.randomUUID(), "x")).isEmpty();
    }

    @Test
    void retryRunsAFinishedJobAgainWithTheSameIdAndRefusesARunningOne() {
        UUID id = f.enqueue(f.job("q", 5, null, 1, null));
        Claim c = f.claimOne("q", "n1");
        f.store.complete(List.of(new Outcome.Failed(lease(c), "error", "x", true, Duration.ZERO)));
        assertThat(f.get(id).state()).isEqualTo(JobState.DEAD);
        Job again = f.store.retry(id, "operator").orElseThrow();
        assertThat(again.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(again.maxAttempts()).isEqualTo(2);
        assertThat(again.finishedAt()).isNull();
        f.claimOne("q", "n1");
        assertThatThrownBy(() -> f.store.retry(id, "x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
    }

    @Test
    void deadLettersCanBeRetriedByIdOrAllAndPurged() {
        UUID a = deadJob("q");
        UUID b = deadJob("q");
        UUID elsewhere = deadJob("other");
        assertThat(f.store.retryDead("q", List.of(a))).isEqualTo(1);
        assertThat(f.get(a).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(f.store.retryDead("q", List.of())).isEqualTo(1);
        assertThat(f.get(b).state()).isEqualTo(JobState.AVAILABLE);
        assertThat(f.store.purgeDead("other")).isEqualTo(1);
        assertThat(f.store.get(elsewhere)).isEmpty();
    }

    private UUID deadJob(String queue) {
        UUID id = f.enqueue(f.job(queue, 5, null, 1, null));
        Claim c = f.claimOne(queue, "n1");
        f.store.complete(List.of(new Outcome.Failed(lease(c), "error", "x", false, Duration.ZERO)));
        return id;
    }

    @Test
    void anIdempotencyKeyReturnsTheExistingJobPerQueueUntilPruned() {
        UUID first = f.enqueue(f.job("q", 5, null, 3, "k"));
        List<Enqueued> again = f.store.enqueue(List.of(f.job("q", 5, null, 3, "k"), f.job("q", 5, null, 3, "k2"),
                f.job("q", 5, null, 3, "k2")));
        assertThat(again.get(0).replayed()).isTrue();
        assertThat(again.get(0).job().id()).isEqualTo(first);
        assertThat(again.get(1).replayed()).isFalse();
        assertThat(again.get(2).replayed()).isTrue();
        assertThat(again.get(2).job().id()).isEqualTo(again.get(1).job().id());
        assertThat(f.store.enqueue(List.of(f.job("other", 5, null, 3, "k"))).get(0).replayed()).as("per queue").isFalse();

        Claim c = f.claimOne("q", "n1");
        assertThat(c.job().id()).isIn(first, again.get(1).job().id());
        f.store.complete(List.of(new Outcome.Succeeded(lease(c), null)));
        f.clock.advance(Duration.ofDays(1));
        assertThat(f.store.prune(f.clock.instant(), 100)).isEqualTo(1);
        assertThat(f.store.get(c.job().id())).isEmpty();
        String prunedKey = c.job().idempotencyKey();
        assertThat(f.store.enqueue(List.of(f.job("q", 5, null, 3, prunedKey))).get(0).replayed()).isFalse();
    }

    @Test
    void aBatchWithADuplicateIdStoresNothing() {
        NewJob n = f.job("q");
        assertThatThrownBy(() -> f.store.enqueue(List.of(f.job("q"), n, n))).isInstanceOf(IllegalArgumentException.class);
        assertThat(f.store.counts()).isEmpty();
    }

    @Test
    void listFiltersAndPagesNewestFirstAndCountsSummariseEachQueue() {
        UUID a = f.enqueue(f.job("q"));
        f.clock.advance(Duration.ofMillis(1));
        UUID b = f.enqueue(f.job("q"));
        f.clock.advance(Duration.ofMillis(1));
        UUID c = f.enqueue(f.job("r"));
        f.claimOne("r", "n1");
        assertThat(f.store.list(new JobQuery(null, null, null, null, 10))).extracting(Job::id).containsExactly(c, b, a);
        assertThat(f.store.list(new JobQuery("q", null, null, null, 1))).extracting(Job::id).containsExactly(b);
        assertThat(f.store.list(new JobQuery("q", null, null, b, 10))).extracting(Job::id).containsExactly(a);
        assertThat(f.store.list(new JobQuery(null, JobState.RUNNING, "t", null, 10))).extracting(Job::id).containsExactly(c);
        List<QueueCounts> counts = f.store.counts();
        assertThat(counts).extracting(QueueCounts::queue).containsExactlyInAnyOrder("q", "r");
        QueueCounts q = counts.stream().filter(x -> x.queue().equals("q")).findFirst().orElseThrow();
        assertThat(q.count(JobState.AVAILABLE)).isEqualTo(2);
        assertThat(q.oldestAvailableRunAt()).isEqualTo(f.get(a).runAt());
        assertThat(Set.copyOf(counts.stream().filter(x -> x.queue().equals("r")).findFirst().orElseThrow().byState().keySet()))
                .containsExactly(JobState.RUNNING);
    }

    @Test
    void concurrentEnqueuesOfTheSameKeysStoreEachKeyOnceAndAgreeOnTheJob() throws Exception {
        int threads = 16;
        int keys = 10;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<List<Enqueued>>> futures = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    List<Enqueued> mine = new java.util.ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        mine.addAll(f.store.enqueue(List.of(f.job("q", 5, null, 3, "key-" + (i % keys)))));
                    }
                    return mine;
                }));
            }
            go.countDown();
            java.util.Map<String, java.util.Set<UUID>> idsByKey = new java.util.HashMap<>();
            java.util.Map<String, Integer> fresh = new java.util.HashMap<>();
            for (var fut : futures) {
                for (Enqueued e : fut.get()) {
                    idsByKey.computeIfAbsent(e.job().idempotencyKey(), k -> new java.util.HashSet<>()).add(e.job().id());
                    if (!e.replayed()) {
                        fresh.merge(e.job().idempotencyKey(), 1, Integer::sum);
                    }
                }
            }
            assertThat(idsByKey).hasSize(keys).allSatisfy((k, ids) -> assertThat(ids).as(k).hasSize(1));
            assertThat(fresh).hasSize(keys).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
            assertThat(f.store.counts().get(0).count(JobState.AVAILABLE)).isEqualTo(keys);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentClaimersNeverTakeTheSameJobTwice() throws Exception {
        int jobs = 1000;
        List<NewJob> batch = new java.util.ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            batch.add(f.job("q"));
        }
        f.store.enqueue(batch);
        int threads = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<List<UUID>>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String node = "n" + t;
                futures.add(pool.submit(() -> {
                    List<UUID> mine = new java.util.ArrayList<>();
                    List<Claim> got;
                    while (!(got = f.store.claim("q", node, 7, LEASE)).isEmpty()) {
                        got.forEach(c -> mine.add(c.job().id()));
                    }
                    return mine;
                }));
            }
            List<UUID> all = new java.util.ArrayList<>();
            for (var fut : futures) {
                all.addAll(fut.get());
            }
            assertThat(all).hasSize(jobs).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }
}
