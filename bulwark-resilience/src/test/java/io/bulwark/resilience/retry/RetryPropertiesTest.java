package io.bulwark.resilience.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.ResilienceClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class RetryPropertiesTest {

    @Property(tries = 300)
    void everyBackoffDelayLiesWithinZeroAndTheCappedCeiling(@ForAll @LongRange(min = 0, max = 5_000) long baseMs,
                                                          @ForAll @DoubleRange(min = 1.0, max = 4.0) double factor,
                                                          @ForAll @LongRange(min = 0, max = 60_000) long extraCapMs,
                                                          @ForAll @IntRange(min = 1, max = 30) int attempts,
                                                          @ForAll long seed) {
        SettableClock clock = SettableClock.at(Instant.EPOCH);
        List<Duration> slept = new ArrayList<>();
        Duration cap = Duration.ofMillis(baseMs + extraCapMs);
        Retry r = Retry.builder("p", RetryConfig.builder().maxAttempts(attempts)
                        .backoff(Duration.ofMillis(baseMs), factor, cap).build())
                .clock(ResilienceClock.of(clock)).random(new SplittableRandom(seed)).sleeper(slept::add).build();
        try {
            r.executeCallable(() -> {
                throw new IOException("down");
            });
        } catch (Exception expected) {
            // every attempt fails
        }
        assertThat(slept).hasSize(attempts - 1);
        for (int n = 1; n <= slept.size(); n++) {
            double ceiling = Math.min(cap.toMillis(), baseMs * Math.pow(factor, n - 1));
            assertThat(slept.get(n - 1)).isBetween(Duration.ZERO, Duration.ofMillis((long) Math.floor(ceiling)));
        }
    }

    /**
     * Random calls, retry requests and clock steps: every granted retry leaves the window's
     * retries within max(floor × window, percent × calls in the window).
     */
    @Property(tries = 300)
    void theRetryBudgetIsNeverExceeded(@ForAll @IntRange(min = 0, max = 100) int percent,
                                       @ForAll @IntRange(min = 0, max = 3) int floorPerSecond,
                                       @ForAll @IntRange(min = 1, max = 10) int windowSeconds,
                                       @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 2999) Integer> ops) {
        SettableClock clock = SettableClock.at(Instant.EPOCH);
        RetryBudget budget = RetryBudget.of("p", percent, floorPerSecond, Duration.ofSeconds(windowSeconds),
                ResilienceClock.of(clock));
        List<Instant> calls = new ArrayList<>();
        List<Instant> retries = new ArrayList<>();
        for (int op : ops) {
            switch (op % 3) {
                case 0 -> {
                    budget.recordCall();
                    calls.add(clock.instant());
                }
                case 1 -> {
                    if (budget.tryAcquireRetry()) {
                        retries.add(clock.instant());
                        long inWindowCalls = inWindow(calls, clock.instant(), windowSeconds);
                        long allowed = Math.max((long) floorPerSecond * windowSeconds, inWindowCalls * percent / 100);
                        assertThat(inWindow(retries, clock.instant(), windowSeconds)).isLessThanOrEqualTo(allowed);
                    }
                }
                default -> clock.advance(Duration.ofMillis(op / 3 * 3L));
            }
        }
    }

    /** Events in the budget's window: the whole seconds (since the epoch here) in (now - window, now]. */
    private static long inWindow(List<Instant> events, Instant now, int windowSeconds) {
        long nowSecond = now.getEpochSecond();
        return events.stream().filter(t -> t.getEpochSecond() > nowSecond - windowSeconds).count();
    }
}
