package io.bulwark.test.cluster;

import io.bulwark.cluster.Term;
import io.bulwark.cluster.store.ClusterStore;
import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules every {@link ClusterStore} keeps (see its Javadoc), as one suite each store's tests
 * extend: the in-memory store, the embedded store, PostgreSQL and MariaDB.
 *
 * <pre>{@code
 * class SqliteClusterStoreContractTest extends ClusterStoreContract {
 *     @TempDir Path dir;
 *     SqliteJobStore jobs;
 *
 *     @Override
 *     protected ClusterStore open(SettableClock clock) {
 *         jobs = SqliteJobStore.open(dir, clock, SqliteOptions.defaults());
 *         return jobs.cluster();
 *     }
 *
 *     @Override
 *     protected void cleanup() {
 *         jobs.close();
 *     }
 * }
 * }</pre>
 *
 * <p>Time is a {@link SettableClock} the store must read instead of its own, as with
 * {@code JobStoreContract}: a database store takes it in place of the database's clock, so that
 * expiry is tested to the millisecond without sleeping. (That the database's clock is what a
 * fleet uses is each database store's own test.) The groups: the node registry
 * ({@code NodeRules}), election, terms and fencing ({@code LeaderRules}), and here elections from
 * many threads at once.
 */
public abstract class ClusterStoreContract extends LeaderRules {

    private static final int NODES = 10;

    /**
     * A new, empty store that reads time only from {@code clock}. Its {@code close()} is called
     * after each test, then {@link #cleanup()}.
     */
    @Override
    protected abstract ClusterStore open(SettableClock clock) throws Exception;

    /** Called after each test once the store is closed: close what owns it, drop rows. Nothing by default. */
    @Override
    protected void cleanup() throws Exception {
    }

    @Test
    void tenNodesElectingAtOnceElectExactlyOneEachRound() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(NODES);
        try {
            List<Term> winners = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                List<Term> won = electAtOnce(pool);
                assertThat(won).as("round %d", round).hasSize(1);
                winners.add(won.get(0));
                clock.set(won.get(0).until());
            }
            assertThat(winners).extracting(Term::term).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(store.terms(100)).containsExactlyElementsOf(winners.reversed());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void whileALeaderLivesOnlyItsRenewalSucceedsAmongManyElections() throws Exception {
        Term held = leader("n3");
        ExecutorService pool = Executors.newFixedThreadPool(NODES);
        try {
            for (int round = 0; round < 5; round++) {
                clock.advance(Duration.ofSeconds(1));
                List<Term> won = electAtOnce(pool);
                assertThat(won).as("round %d", round).singleElement().satisfies(t -> {
                    assertThat(t.holder()).isEqualTo("n3");
                    assertThat(t.term()).isEqualTo(held.term());
                    assertThat(t.until()).isEqualTo(clock.instant().plus(TTL));
                });
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.terms(10)).hasSize(1);
    }

    /** Nodes n0..n9 call elect together, released by one latch; returns the terms granted. */
    private List<Term> electAtOnce(ExecutorService pool) throws Exception {
        CountDownLatch ready = new CountDownLatch(NODES);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<Term>>> calls = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            String id = "n" + i;
            calls.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return store.elect(id, TTL);
            }));
        }
        ready.await();
        go.countDown();
        List<Term> won = new ArrayList<>();
        for (Future<Optional<Term>> f : calls) {
            f.get().ifPresent(won::add);
        }
        return won;
    }
}
