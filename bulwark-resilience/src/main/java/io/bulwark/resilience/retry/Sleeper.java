package io.bulwark.resilience.retry;

import java.time.Duration;

/**
 * How a synchronous retry waits between attempts. Production uses {@link #threadSleep()}; a test
 * passes one that records the delay and advances its settable clock, so nothing really waits.
 */
@FunctionalInterface
public interface Sleeper {

    /** Waits {@code delay}; interruptible. */
    void sleep(Duration delay) throws InterruptedException;

    /** {@link Thread#sleep(Duration)}: parks a virtual thread without pinning it. */
    static Sleeper threadSleep() {
        return delay -> {
            if (delay.isPositive()) {
                Thread.sleep(delay);
            }
        };
    }
}
