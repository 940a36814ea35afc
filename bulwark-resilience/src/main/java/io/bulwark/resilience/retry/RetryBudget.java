package io.bulwark.resilience.retry;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.internal.Checks;
import io.bulwark.resilience.internal.SecondBuckets;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Caps retries to a share of recent calls so that retries cannot amplify an outage: over a
 * sliding window, retries may not exceed {@code percent} of the calls, with a floor of
 * {@code minRetriesPerSecond × window seconds} so a quiet provider can still be retried.
 * Share one budget between every retry that calls the same provider.
 *
 * <pre>{@code
 * RetryBudget budget = RetryBudget.of("openai", 20, 1, Duration.ofSeconds(10), clock); // 20%, at least 1/s
 * Retry retry = Retry.builder("openai", config).clock(clock).budget(budget).build();
 * }</pre>
 *
 * <p>Design note: calls are counted lock-free (every call passes here); a retry is granted under a
 * {@link ReentrantLock} (it never blocks inside), so two retries cannot both take the last unit of
 * budget. A call counted concurrently with a grant can only make the budget larger.
 */
public final class RetryBudget {

    private static final int CALLS = 0;
    private static final int RETRIES = 1;

    private final String name;
    private final double percent;
    private final int minRetriesPerSecond;
    private final ResilienceClock clock;
    private final SecondBuckets buckets;
    private final ReentrantLock grant = new ReentrantLock();

    private RetryBudget(String name, double percent, int minRetriesPerSecond, Duration window, ResilienceClock clock) {
        this.name = Checks.name(name);
        if (!(percent >= 0 && percent <= 1000)) {
            throw new IllegalArgumentException("percent must be in [0, 1000] but was " + percent);
        }
        this.percent = percent;
        this.minRetriesPerSecond = Checks.atLeast("minRetriesPerSecond", minRetriesPerSecond, 0);
        Checks.positive("window", window);
        long seconds = window.toSeconds();
        if (seconds < 1 || seconds > 3600 || window.toNanosPart() != 0) {
            throw new IllegalArgumentException("window must be whole seconds in [1s, 1h] but was " + window);
        }
        this.clock = clock;
        this.buckets = new SecondBuckets((int) seconds, 2, clock.nanos());
    }

    /** A budget allowing {@code percent}% of the calls of the last {@code window} as retries, at least {@code minRetriesPerSecond}/s. */
    public static RetryBudget of(String name, double percent, int minRetriesPerSecond, Duration window,
                                 ResilienceClock clock) {
        return new RetryBudget(name, percent, minRetriesPerSecond, window, clock);
    }

    /** The budget's name (usually the provider's). */
    public String name() {
        return name;
    }

    /** Counts one call (a first attempt). */
    public void recordCall() {
        buckets.add(CALLS, 1, clock.nanos());
    }

    /** Takes one retry from the budget; false (and nothing taken) when the window's allowance is spent. */
    public boolean tryAcquireRetry() {
        grant.lock();
        try {
            long now = clock.nanos();
            long[] sums = buckets.sum(now);
            if (sums[RETRIES] >= allowed(sums[CALLS])) {
                return false;
            }
            buckets.add(RETRIES, 1, now);
            return true;
        } finally {
            grant.unlock();
        }
    }

    /** Retries granted in the current window. */
    public long retriesInWindow() {
        return buckets.sum(clock.nanos())[RETRIES];
    }

    /** Calls counted in the current window. */
    public long callsInWindow() {
        return buckets.sum(clock.nanos())[CALLS];
    }

    /** Retries the current window allows in total. */
    public long allowedInWindow() {
        return allowed(callsInWindow());
    }

    private long allowed(long calls) {
        return Math.max((long) minRetriesPerSecond * buckets.seconds(), (long) Math.floor(calls * percent / 100.0));
    }
}
