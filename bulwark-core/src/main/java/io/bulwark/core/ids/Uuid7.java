package io.bulwark.core.ids;

import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids sort by
 * creation time (also with {@link UUID#compareTo}, since the top bit stays 0 until the year
 * 10889). Within one millisecond ids still increase: the 12-bit {@code rand_a} field is a counter
 * seeded at random (RFC 9562 method 1), and a counter overflow borrows the next millisecond.
 *
 * <pre>{@code
 * Uuid7 ids = new Uuid7(InstantSource.system(), new SplittableRandom());
 * UUID id = ids.next();
 * }</pre>
 *
 * <p>Design notes. One generator is shared by every thread that makes ids (a broker's publishers,
 * a job client's callers), and its ids increase across all of them: each {@link #next()} takes the
 * lock, moves the clock-and-counter state on and draws its random bits, then builds the UUID
 * outside it. The random generator is only ever called under the lock, so it need not be
 * thread-safe: a {@link java.util.SplittableRandom} is the cheap choice, and one with a seed makes
 * tests repeatable. (Drawing the random tail outside the lock, as an earlier version did, let
 * threads race on a generator that is not thread-safe: two ids could get the same random bits.)
 */
public final class Uuid7 {

    private final InstantSource clock;
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();
    private long lastMillis = -1;
    private int counter;

    /**
     * A generator on {@code clock} drawing its random bits from {@code random}, which it calls
     * under its own lock only (so it may be one that is not thread-safe, but must not be used
     * elsewhere at the same time).
     */
    public Uuid7(InstantSource clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
    }

    /** The next id, greater than every id this generator returned before, on any thread. */
    public UUID next() {
        long millis;
        int seq;
        long tail;
        lock.lock();
        try {
            millis = Math.max(clock.millis(), lastMillis);
            if (millis == lastMillis) {
                counter++;
                if (counter > 0xFFF) {
                    millis++;
                    counter = random.nextInt(0x800);
                }
            } else {
                counter = random.nextInt(0x800);
            }
            lastMillis = millis;
            seq = counter;
            tail = random.nextLong();
        } finally {
            lock.unlock();
        }
        long msb = (millis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | seq;
        long lsb = (tail & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
