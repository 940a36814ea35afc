package io.bulwark.test.cluster;

import io.bulwark.cluster.LockGrant;
import io.bulwark.cluster.store.LockStore;
import io.bulwark.core.time.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules every {@link LockStore} keeps (see its Javadoc), as one suite each store's tests
 * extend: in memory, the embedded store, PostgreSQL, MariaDB and Redis.
 *
 * <pre>{@code
 * class InMemoryLockStoreTest extends LockStoreContract {
 *     @Override
 *     protected LockStore open(SettableClock clock) {
 *         return new InMemoryLockStore(clock);
 *     }
 * }
 * }</pre>
 *
 * <p>The store must read time only from the {@link SettableClock} it is given (a database store
 * takes it in place of the database's clock), so expiry is tested to the millisecond and nothing
 * sleeps.
 */
public abstract class LockStoreContract {

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final int THREADS = 8;

    /** Whole seconds, moved in whole milliseconds: stores that keep milliseconds compare equal. */
    protected final SettableClock clock = SettableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
    protected LockStore store;

    /** A new store holding no locks, reading time only from {@code clock}. */
    protected abstract LockStore open(SettableClock clock) throws Exception;

    /** Called after each test once the store is closed: close what owns it, drop rows. Nothing by default. */
    protected void cleanup() throws Exception {
    }

    @BeforeEach
    void openStore() throws Exception {
        store = open(clock);
    }

    @AfterEach
    void closeStore() throws Exception {
        try {
            store.close();
        } finally {
            cleanup();
        }
    }

    private LockGrant acquire(String name, String owner, Duration ttl) {
        return store.tryAcquire(name, owner, ttl).orElseThrow(() -> new AssertionError(owner + " did not get " + name));
    }

    @Test
    void aFreeLockIsGrantedWithTokenOneForTtlFromNow() {
        Instant now = clock.instant();

        LockGrant g = acquire("reports", "node-a", TTL);

        assertThat(g).isEqualTo(new LockGrant("reports", "node-a", 1, now, now.plus(TTL)));
        assertThat(store.holder("reports")).contains(g);
        assertThat(store.held()).containsExactly(g);
        assertThat(store.holder("other")).isEmpty();
    }

    @Test
    void aHeldLockIsRefusedToOthersAndToItsOwnHolder() {
        LockGrant g = acquire("l", "a", TTL);
        clock.set(g.until().minusMillis(1));

        assertThat(store.tryAcquire("l", "b", TTL)).isEmpty();
        assertThat(store.tryAcquire("l", "a", TTL)).as("not re-entrant").isEmpty();
        assertThat(store.holder("l")).contains(g);
    }

    @Test
    void anExpiredLockGoesToTheNextAskerWithAGreaterToken() {
        LockGrant a = acquire("l", "a", TTL);
        clock.set(a.until());

        assertThat(store.holder("l")).as("a lock lasts until its until, not through it").isEmpty();
        LockGrant b = acquire("l", "b", Duration.ofSeconds(5));
        assertThat(b).isEqualTo(new LockGrant("l", "b", 2, a.until(), a.until().plusSeconds(5)));
    }

    @Test
    void tokensGrowAcrossReleasesAndExpiriesAndEachNameHasItsOwn() {
        List<Long> tokens = new ArrayList<>();
        LockGrant g = acquire("l", "a", TTL);
        tokens.add(g.token());
        store.release("l", g.token());
        g = acquire("l", "a", TTL);
        tokens.add(g.token());
        clock.set(g.until().plusSeconds(60));
        g = acquire("l", "b", TTL);
        tokens.add(g.token());
        store.release("l", g.token());
        clock.advance(Duration.ofHours(1));
        tokens.add(acquire("l", "c", TTL).token());

        assertThat(tokens).containsExactly(1L, 2L, 3L, 4L);
        assertThat(acquire("other", "a", TTL).token()).isEqualTo(1);
    }

    @Test
    void renewingExtendsFromNowAndKeepsTokenOwnerAndAcquiredAt() {
        LockGrant g = acquire("l", "a", TTL);
        clock.advance(Duration.ofSeconds(20));

        Optional<LockGrant> renewed = store.renew("l", g.token(), Duration.ofSeconds(45));

        LockGrant expected = new LockGrant("l", "a", g.token(), g.acquiredAt(), clock.instant().plusSeconds(45));
        assertThat(renewed).contains(expected);
        assertThat(store.holder("l")).contains(expected);
        clock.set(g.until());
        assertThat(store.tryAcquire("l", "b", TTL)).as("held past its first until").isEmpty();
    }

    @Test
    void aStaleTokenCannotRenewOrReleaseAndChangesNothing() {
        LockGrant a = acquire("l", "a", TTL);
        clock.set(a.until().plusMillis(1));
        LockGrant b = acquire("l", "b", TTL);

        assertThat(store.renew("l", a.token(), Duration.ofHours(1))).isEmpty();
        assertThat(store.release("l", a.token())).isFalse();
        assertThat(store.renew("l", 99, Duration.ofHours(1))).isEmpty();
        assertThat(store.release("l", 99)).isFalse();
        assertThat(store.holder("l")).contains(b);
    }

    @Test
    void anExpiredLockCanBeNeitherRenewedNorReleased() {
        LockGrant g = acquire("l", "a", TTL);
        clock.set(g.until());

        assertThat(store.renew("l", g.token(), TTL)).isEmpty();
        assertThat(store.release("l", g.token())).isFalse();
        assertThat(store.holder("l")).isEmpty();
        assertThat(acquire("l", "b", TTL).token()).isEqualTo(2);
    }

    @Test
    void releasingFreesTheLockAtOnceAndOnlyOnce() {
        LockGrant g = acquire("l", "a", TTL);

        assertThat(store.release("l", g.token())).isTrue();
        assertThat(store.release("l", g.token())).isFalse();
        assertThat(store.renew("l", g.token(), TTL)).isEmpty();
        assertThat(store.holder("l")).isEmpty();
        assertThat(store.held()).isEmpty();
        assertThat(acquire("l", "b", TTL).token()).isEqualTo(2);
        assertThat(store.release("never-taken", 1)).isFalse();
        assertThat(store.renew("never-taken", 1, TTL)).isEmpty();
    }

    @Test
    void heldListsOnlyUnexpiredLocksByName() {
        LockGrant c = acquire("c", "n1", Duration.ofSeconds(60));
        acquire("a", "n1", Duration.ofSeconds(10));
        LockGrant b = acquire("b", "n2", Duration.ofSeconds(60));
        LockGrant d = acquire("d", "n2", Duration.ofSeconds(60));
        store.release("d", d.token());
        LockGrant upper = acquire("B", "n3", Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(10));

        assertThat(store.held()).containsExactly(upper, b, c);
    }

    @Test
    void manyThreadsAtOnceGetExactlyOneGrant() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < 5; round++) {
                CountDownLatch ready = new CountDownLatch(THREADS);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Optional<LockGrant>>> calls = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    String owner = "t" + i;
                    calls.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return store.tryAcquire("hot", owner, TTL);
                    }));
                }
                ready.await();
                go.countDown();
                List<LockGrant> granted = new ArrayList<>();
                for (Future<Optional<LockGrant>> f : calls) {
                    f.get().ifPresent(granted::add);
                }
                assertThat(granted).as("round %d", round).singleElement()
                        .extracting(LockGrant::token).isEqualTo(round + 1L);
                clock.set(granted.get(0).until());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyThreadsContendingNeverHoldTheLockTogetherAndTokensNeverRepeat() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ConcurrentLinkedQueue<Long> tokens = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                String owner = "t" + i;
                workers.add(pool.submit(() -> {
                    for (int n = 0; n < 25; n++) {
                        Optional<LockGrant> g = store.tryAcquire("hot", owner, TTL);
                        if (g.isEmpty()) {
                            continue;
                        }
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        tokens.add(g.get().token());
                        inside.decrementAndGet();
                        if (!store.release("hot", g.get().token())) {
                            throw new AssertionError(owner + " could not release its own lock " + g.get());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps.get()).as("grants that overlapped another holder").isZero();
        assertThat(tokens).doesNotHaveDuplicates().isNotEmpty();
        assertThat(tokens.stream().mapToLong(Long::longValue).max().orElseThrow())
                .as("every grant took the next token").isEqualTo(tokens.size());
        assertThat(store.held()).isEmpty();
    }
}
