package io.bulwark.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.cluster.Locks.LockUnavailableException;
import io.bulwark.cluster.store.InMemoryLockStore;
import io.bulwark.core.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Locks} over the in-memory store, on one settable clock shared by the store and the
 * waits; the sleeper records each pause and advances the clock, so a wait of seconds runs at once.
 */
class LocksTest {

    private static final Duration TTL = Duration.ofSeconds(2);

    private final SettableClock clock = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryLockStore store = new InMemoryLockStore(clock);
    private final List<Duration> pauses = new ArrayList<>();
    /** Runs before each pause is taken (after it is recorded), to act while a waiter sleeps. */
    private final AtomicReference<Runnable> duringPause = new AtomicReference<>(() -> { });

    private Locks locks(String owner) {
        return Locks.builder(store, owner)
                .clock(clock)
                .random(new Random(42))
                .sleeper(d -> {
                    pauses.add(d);
                    duringPause.get().run();
                    clock.advance(d);
                })
                .build();
    }

    @Test
    void tryAcquireGrantsTheLockThenRefusesEveryoneUntilItIsReleased() {
        Lock lock = locks("a").tryAcquire("reports/daily", TTL).orElseThrow();

        assertThat(lock.name()).isEqualTo("reports/daily");
        assertThat(lock.owner()).isEqualTo("a");
        assertThat(lock.until()).isEqualTo(clock.instant().plus(TTL));
        assertThat(locks("b").tryAcquire("reports/daily", TTL)).isEmpty();
        assertThat(locks("a").tryAcquire("reports/daily", TTL)).as("not re-entrant").isEmpty();

        assertThat(lock.release()).isTrue();
        Lock next = locks("b").tryAcquire("reports/daily", TTL).orElseThrow();
        assertThat(next.token()).isGreaterThan(lock.token());
    }

    @Test
    void waitingAcquireGetsTheLockWhenTheHolderReleasesIt() {
        Lock held = locks("a").tryAcquire("counter", TTL).orElseThrow();
        duringPause.set(() -> {
            if (pauses.size() == 3) {
                held.release();
            }
        });

        Optional<Lock> got = locks("b").acquire("counter", TTL, Duration.ofSeconds(10));

        assertThat(got).isPresent();
        assertThat(got.get().owner()).isEqualTo("b");
        assertThat(got.get().token()).isGreaterThan(held.token());
        assertThat(pauses).hasSize(3);
    }

    @Test
    void waitingAcquireGetsTheLockWhenTheHoldersTtlLapses() {
        Lock held = locks("a").tryAcquire("counter", TTL).orElseThrow();

        Lock got = locks("b").acquire("counter", TTL, Duration.ofSeconds(10)).orElseThrow();

        assertThat(pauses.stream().reduce(Duration.ZERO, Duration::plus)).isGreaterThanOrEqualTo(TTL);
        assertThat(got.token()).isGreaterThan(held.token());
        assertThat(held.renew(TTL)).as("the lapsed holder learns it lost the lock").isFalse();
        assertThat(held.release()).isFalse();
    }

    @Test
    void pollsWithJitteredPausesDoublingFromTenToTwoHundredMillis() {
        locks("a").tryAcquire("counter", Duration.ofHours(1)).orElseThrow();

        locks("b").acquire("counter", TTL, Duration.ofSeconds(3));

        long[] steps = {10, 20, 40, 80, 160, 200, 200, 200};
        for (int i = 0; i < steps.length; i++) {
            assertThat(pauses.get(i)).as("pause %d", i)
                    .isBetween(Duration.ofMillis(steps[i]).dividedBy(2), Duration.ofMillis(steps[i]));
        }
        assertThat(pauses.subList(0, 6)).as("jittered, not all the same fraction").doesNotHaveDuplicates();
    }

    @Test
    void givesUpWhenTheWaitHasPassedHavingWaitedExactlyThatLong() {
        Lock held = locks("a").tryAcquire("counter", Duration.ofHours(1)).orElseThrow();
        Instant start = clock.instant();

        Optional<Lock> got = locks("b").acquire("counter", TTL, Duration.ofSeconds(5));

        assertThat(got).isEmpty();
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofSeconds(5));
        assertThat(pauses.getLast()).as("the last pause is cut to the deadline").isLessThanOrEqualTo(Duration.ofMillis(200));
        assertThat(store.holder("counter")).contains(held.grant());
    }

    @Test
    void zeroWaitTriesOnceWithoutPausing() {
        locks("a").tryAcquire("counter", TTL).orElseThrow();

        assertThat(locks("b").acquire("counter", TTL, Duration.ZERO)).isEmpty();
        assertThat(pauses).isEmpty();
    }

    @Test
    void anInterruptedWaitStopsAndKeepsTheInterruptFlag() {
        locks("a").tryAcquire("counter", TTL).orElseThrow();
        Locks interrupted = Locks.builder(store, "b").clock(clock).sleeper(d -> {
            throw new InterruptedException();
        }).build();

        try {
            assertThat(interrupted.acquire("counter", TTL, Duration.ofSeconds(5))).isEmpty();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void withLockRunsTheActionHoldingTheLockAndReleasesIt() {
        String result = locks("a").withLock("counter", TTL, Duration.ZERO, lock -> {
            assertThat(store.holder("counter")).contains(lock.grant());
            return "done with " + lock.token();
        });

        assertThat(result).isEqualTo("done with 1");
        assertThat(store.holder("counter")).isEmpty();
    }

    @Test
    void withLockReleasesTheLockWhenTheActionThrows() {
        IllegalStateException boom = new IllegalStateException("boom");

        assertThatThrownBy(() -> locks("a").withLock("counter", TTL, Duration.ZERO, lock -> {
            throw boom;
        })).isSameAs(boom);
        assertThat(store.holder("counter")).isEmpty();
        assertThat(boom.getSuppressed()).isEmpty();
    }

    @Test
    void withLockReturnsTheResultEvenWhenTheLockLapsedDuringTheAction() {
        String result = locks("a").withLock("counter", TTL, Duration.ZERO, lock -> {
            clock.advance(TTL.plusMillis(1));
            locks("b").tryAcquire("counter", TTL).orElseThrow();
            return "late";
        });

        assertThat(result).isEqualTo("late");
        assertThat(store.holder("counter").orElseThrow().owner()).as("the new holder keeps it").isEqualTo("b");
    }

    @Test
    void withLockThatCannotGetTheLockNamesTheLockItsHolderAndTheWait() {
        Lock held = locks("node-2").tryAcquire("invoices/send", Duration.ofHours(1)).orElseThrow();

        assertThatThrownBy(() -> locks("node-1").withLock("invoices/send", TTL, Duration.ofSeconds(5), lock -> "never"))
                .isInstanceOfSatisfying(LockUnavailableException.class, e -> {
                    assertThat(e.name()).isEqualTo("invoices/send");
                    assertThat(e.holder()).contains(held.grant());
                    assertThat(e.waited()).isEqualTo(Duration.ofSeconds(5));
                })
                .hasMessage("lock 'invoices/send' is held by node-2 (token 1) until 2026-01-01T01:00:00Z;"
                        + " gave up after waiting 5s");
    }

    @Test
    void renewExtendsTheLockFromTheStoresNow() {
        Lock lock = locks("a").tryAcquire("counter", TTL).orElseThrow();
        clock.advance(Duration.ofSeconds(1));

        assertThat(lock.renew(Duration.ofSeconds(10))).isTrue();

        assertThat(lock.until()).isEqualTo(clock.instant().plusSeconds(10));
        clock.advance(Duration.ofSeconds(5));
        assertThat(locks("b").tryAcquire("counter", TTL)).isEmpty();
    }

    @Test
    void closingReleasesAndASecondReleaseReportsNothingToRelease() {
        Lock lock;
        try (Lock l = locks("a").tryAcquire("counter", TTL).orElseThrow()) {
            lock = l;
            assertThat(locks("a").held()).extracting(LockGrant::name).containsExactly("counter");
        }

        assertThat(store.holder("counter")).isEmpty();
        assertThat(lock.release()).isFalse();
        assertThat(lock.renew(TTL)).isFalse();
    }

    @Test
    void heldListsEveryOwnersLocksByName() {
        locks("a").tryAcquire("b-lock", TTL).orElseThrow();
        locks("b").tryAcquire("a-lock", TTL).orElseThrow();

        assertThat(locks("c").held()).extracting(LockGrant::name, LockGrant::owner)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a-lock", "b"),
                        org.assertj.core.groups.Tuple.tuple("b-lock", "a"));
    }

    @Test
    void badArgumentsAreRefusedNamingTheParameterAndTheValue() {
        Locks locks = locks("a");

        assertThatThrownBy(() -> locks.tryAcquire("counter", Duration.ofMillis(50)))
                .hasMessage("ttl must be between 100ms and 24h but was 50ms");
        assertThatThrownBy(() -> locks.tryAcquire("counter", Duration.ofHours(25)))
                .hasMessage("ttl must be between 100ms and 24h but was 25h");
        assertThatThrownBy(() -> locks.tryAcquire("counter", null))
                .hasMessage("ttl must be between 100ms and 24h but was null");
        assertThatThrownBy(() -> locks.acquire("counter", TTL, Duration.ofSeconds(-1)))
                .hasMessage("wait must be >= 0 but was -1s");
        assertThatThrownBy(() -> locks.tryAcquire("", TTL))
                .hasMessage("name must be 1 to 200 letters, digits, '.', '_', ':', '/' or '-' but was ''");
        assertThatThrownBy(() -> locks.tryAcquire("two words", TTL))
                .hasMessage("name must be 1 to 200 letters, digits, '.', '_', ':', '/' or '-' but was 'two words'");
        assertThatThrownBy(() -> locks.tryAcquire("x".repeat(201), TTL))
                .hasMessageStartingWith("name must be 1 to 200")
                .hasMessageEndingWith("(201 characters)");
        assertThatThrownBy(() -> locks.withLock("counter", TTL, Duration.ZERO, null)).hasMessage("action");
        assertThatThrownBy(() -> Locks.of(store, "has space"))
                .hasMessage("owner must be 1 to 200 letters, digits, '.', '_', ':', '/', '@' or '-' but was 'has space'");
        assertThatThrownBy(() -> Locks.builder(store, "a").pollBackoff(Duration.ofMillis(100), Duration.ofMillis(10)))
                .hasMessage("pollBackoff max must be >= initial (100ms) but was 10ms");
        assertThatThrownBy(() -> Locks.builder(store, "a").pollBackoff(Duration.ZERO, Duration.ofMillis(10)))
                .hasMessage("pollBackoff initial must be > 0 but was 0s");

        Lock lock = locks.tryAcquire("a.b_c:d/e-f", Duration.ofMillis(100)).orElseThrow();
        assertThatThrownBy(() -> lock.renew(Duration.ofMillis(99)))
                .hasMessage("ttl must be between 100ms and 24h but was 99ms");
        assertThat(store.holder("a.b_c:d/e-f")).as("a refused renew changed nothing").contains(lock.grant());
    }
}
