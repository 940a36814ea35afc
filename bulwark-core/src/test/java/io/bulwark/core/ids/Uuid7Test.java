package io.bulwark.core.ids;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

class Uuid7Test {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 25_000;

    /**
     * Regression: the random tail was drawn outside the lock from the generator every thread
     * shares, a SplittableRandom in the brokers, which is not thread-safe (racing threads could
     * draw the same bits, or corrupt its state). A generator that notes overlapping calls, and
     * holds each call a moment so that one would show, saw about 197,000 of 200,000 calls overlap
     * before the fix.
     */
    @Test
    void theRandomGeneratorIsNeverCalledByTwoThreadsAtOnce() throws Exception {
        NotesOverlaps random = new NotesOverlaps();
        runThreads(new Uuid7(InstantSource.system(), random));
        assertThat(random.overlaps.get()).isZero();
        assertThat(random.calls.get()).isGreaterThanOrEqualTo(THREADS * PER_THREAD);
    }

    /** Ids from many threads are unique, increase on each thread, and no two share their 62 random bits. */
    @Test
    void idsFromManyThreadsAreUniqueIncreasingAndHaveTheirOwnRandomBits() throws Exception {
        Uuid7 ids = new Uuid7(InstantSource.system(), new SplittableRandom(7));
        List<List<UUID>> made = runThreads(ids);

        Set<UUID> all = new HashSet<>();
        Set<Long> tails = new HashSet<>();
        for (List<UUID> mine : made) {
            for (int i = 1; i < mine.size(); i++) {
                assertThat(mine.get(i)).isGreaterThan(mine.get(i - 1));
            }
            for (UUID id : mine) {
                assertThat(id.version()).isEqualTo(7);
                assertThat(id.variant()).isEqualTo(2);
                all.add(id);
                tails.add(id.getLeastSignificantBits());
            }
        }
        assertThat(all).hasSize(THREADS * PER_THREAD);
        assertThat(tails).hasSize(THREADS * PER_THREAD);
    }

    /** On a clock that stands still the counter carries every id, borrowing milliseconds as it overflows. */
    @Test
    void aStoppedClockStillGivesIncreasingIdsAcrossThreads() throws Exception {
        AtomicLong now = new AtomicLong(1_700_000_000_000L);
        Uuid7 ids = new Uuid7(() -> Instant.ofEpochMilli(now.get()), new SplittableRandom(3));
        List<List<UUID>> made = runThreads(ids);

        List<UUID> merged = new ArrayList<>();
        made.forEach(merged::addAll);
        assertThat(new HashSet<>(merged)).hasSize(THREADS * PER_THREAD);
        for (List<UUID> mine : made) {
            for (int i = 1; i < mine.size(); i++) {
                assertThat(mine.get(i)).isGreaterThan(mine.get(i - 1));
            }
        }
        // 200,000 ids at 2,048-4,096 per millisecond: at least 48 milliseconds borrowed, at most 98.
        long lastMillis = merged.stream().mapToLong(id -> id.getMostSignificantBits() >>> 16).max().orElseThrow();
        assertThat(lastMillis - now.get()).isBetween(48L, 98L);
    }

    /** A generator that counts calls made while another thread is inside one; each call spins a moment so that overlaps show. */
    private static final class NotesOverlaps implements RandomGenerator {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        private final SplittableRandom random = new SplittableRandom(1);

        @Override
        public long nextLong() {
            calls.incrementAndGet();
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                for (int i = 0; i < 100; i++) {
                    Thread.onSpinWait();
                }
                return random.nextLong();
            } finally {
                inside.decrementAndGet();
            }
        }
    }

    private static List<List<UUID>> runThreads(Uuid7 ids) throws InterruptedException {
        List<List<UUID>> made = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < THREADS; t++) {
            List<UUID> mine = new ArrayList<>(PER_THREAD);
            made.add(mine);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < PER_THREAD; i++) {
                    mine.add(ids.next());
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return made;
    }
}
