package io.bulwark.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.event.BreakerCallRecorded;
import io.bulwark.resilience.event.BreakerCallRecorded.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Successes in a closed breaker are counted by their window's tickets: the lifetime count stays exact. */
class BreakerSuccessCountTest {

    private final AtomicLong nanos = new AtomicLong();
    private final ResilienceClock clock = new ResilienceClock(Clock.systemUTC(), nanos::get);

    private static CircuitBreakerConfig countBased(int size) {
        return CircuitBreakerConfig.builder().slidingWindow(CircuitBreakerConfig.WindowType.COUNT_BASED, size)
                .minimumNumberOfCalls(size).failureRateThreshold(100).slowCallDuration(Duration.ofSeconds(1))
                .build();
    }

    @Test
    void countsSuccessesInEveryStateAndWindowAndPublishesEachOne() {
        CircuitBreaker b = CircuitBreaker.of("p", countBased(10), clock);
        List<BreakerCallRecorded> events = new ArrayList<>();
        b.addListener(e -> {
            if (e instanceof BreakerCallRecorded r) {
                events.add(r);
            }
        });
        b.onSuccess(1); // through the count window's ticket
        b.onSuccess(Duration.ofSeconds(2).toNanos()); // slow: its own counter
        b.onError(1, new RuntimeException("boom"));
        b.reset(); // a new window: the first one's tickets are retired
        b.onSuccess(1);
        b.reconfigure(CircuitBreakerConfig.builder().slidingWindow(CircuitBreakerConfig.WindowType.TIME_BASED, 10)
                .build());
        b.onSuccess(1); // a time window: counted apart
        b.forceOpen();
        b.onSuccess(1); // not recorded in the window, still counted
        b.disable();
        b.onSuccess(1);
        assertThat(b.calls(Outcome.SUCCESS)).isEqualTo(5);
        assertThat(b.calls(Outcome.SLOW_SUCCESS)).isEqualTo(1);
        assertThat(b.calls(Outcome.ERROR)).isEqualTo(1);
        assertThat(events).extracting(BreakerCallRecorded::outcome).containsExactly(Outcome.SUCCESS,
                Outcome.SLOW_SUCCESS, Outcome.ERROR, Outcome.SUCCESS, Outcome.SUCCESS, Outcome.SUCCESS, Outcome.SUCCESS);
    }

    @RepeatedTest(3)
    void theCountIsExactAfterManyThreadsRecordWhileWindowsAreReplacedAndNeverGoesDownMeanwhile() throws Exception {
        CircuitBreaker b = CircuitBreaker.of("p", countBased(50), clock);
        int threads = 6;
        int calls = 20_000;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong wentDown = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads + 2)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < calls; i++) {
                        if (i % 10 == 9) {
                            b.onError(1, new RuntimeException("boom"));
                        } else {
                            b.onSuccess(1);
                        }
                    }
                    return null;
                }));
            }
            Future<?> replacer = pool.submit(() -> {
                start.await();
                for (int i = 0; running.get(); i++) {
                    if (i % 3 == 2) {
                        b.reconfigure(countBased(20 + i % 40)); // a new count window
                    } else {
                        b.reset();
                    }
                    Thread.yield();
                }
                return null;
            });
            Future<?> reader = pool.submit(() -> {
                start.await();
                long last = 0;
                while (running.get()) {
                    long now = b.calls(Outcome.SUCCESS);
                    if (now < last) {
                        wentDown.incrementAndGet();
                    }
                    last = now;
                }
                return null;
            });
            start.countDown();
            for (Future<?> w : workers) {
                w.get();
            }
            running.set(false);
            replacer.get();
            reader.get();
        }
        assertThat(wentDown).as("times the success count went down").hasValue(0);
        assertThat(b.calls(Outcome.SUCCESS)).isEqualTo(threads * (calls - calls / 10));
        assertThat(b.calls(Outcome.ERROR)).isEqualTo(threads * (calls / 10));
    }
}
