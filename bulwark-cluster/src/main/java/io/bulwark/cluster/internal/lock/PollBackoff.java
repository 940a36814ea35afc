package io.bulwark.cluster.internal.lock;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long a waiting acquire sleeps between tries: {@code initial}, doubling up to {@code max},
 * each pause drawn uniformly from [half, whole] of that step ("equal jitter"), so waiters that
 * started together spread out yet none polls faster than half the step.
 *
 * @param initial the first step (default 10ms)
 * @param max the largest step (default 200ms)
 */
public record PollBackoff(Duration initial, Duration max) {

    /** 10ms doubling to 200ms. */
    public static final PollBackoff DEFAULT = new PollBackoff(Duration.ofMillis(10), Duration.ofMillis(200));

    public PollBackoff {
        LockArguments.positive("pollBackoff initial", initial);
        LockArguments.positive("pollBackoff max", max);
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("pollBackoff max must be >= initial (" + initial.toMillis()
                    + "ms) but was " + max.toMillis() + "ms");
        }
    }

    /** The step before jitter after {@code tries} failed tries (0 for the first pause). */
    public Duration step(int tries) {
        long nanos = initial.toNanos();
        long cap = max.toNanos();
        for (int i = 0; i < tries && nanos < cap; i++) {
            nanos = nanos > cap / 2 ? cap : nanos * 2;
        }
        return Duration.ofNanos(Math.min(nanos, cap));
    }

    /** The pause after {@code tries} failed tries: uniform in [step/2, step]. */
    public Duration pause(int tries, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        long step = step(tries).toNanos();
        long half = step / 2;
        return Duration.ofNanos(half + random.nextLong(step - half + 1));
    }
}
