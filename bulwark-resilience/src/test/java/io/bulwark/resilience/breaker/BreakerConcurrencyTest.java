package io.bulwark.resilience.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.breaker.CircuitBreaker.State;
import io.bulwark.resilience.event.BreakerCallRecorded.Outcome;
import io.bulwark.resilience.event.BreakerStateChanged;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BreakerConcurrencyTest {

    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 20_000;

    /** A ticker every thread can advance: time moves only when the test says so. */
    private final AtomicLong nanos = new AtomicLong();
    private final ResilienceClock clock = new ResilienceClock(Clock.systemUTC(), nanos::get);

    @RepeatedTest(5)
    void manyThreadsRecordingWhileTheBreakerTripsKeepCountsAndStatesConsistent() throws Exception {
        CircuitBreaker b = CircuitBreaker.of("p", CircuitBreakerConfig.builder()
                .slidingWindow(CircuitBreakerConfig.WindowType.COUNT_BASED, 50)
                .minimumNumberOfCalls(50)
                .failureRateThreshold(50)
                .waitDurationInOpen(Duration.ofNanos(1_000))
                .permittedCallsInHalfOpen(3)
                .successesToClose(3)
                .probeTimeout(Duration.ofSeconds(1))
                .build(), clock);
        List<BreakerStateChanged> transitions = new CopyOnWriteArrayList<>();
        b.addListener(e -> {
            if (e instanceof BreakerStateChanged c) {
                transitions.add(c);
            }
        });
        AtomicLong permitted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        nanos.addAndGet(random.nextInt(20));
                        if (!b.tryAcquirePermission()) {
                            refused.incrementAndGet();
                            continue;
                        }
                        permitted.incrementAndGet();
                        if (random.nextInt(100) < 55) {
                            b.onError(10, new IOException("down"));
                        } else {
                            b.onSuccess(10);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> w : workers) {
                w.get();
            }
        }
        long recorded = b.calls(Outcome.SUCCESS) + b.calls(Outcome.ERROR);
        assertThat(recorded).isEqualTo(permitted.get());
        assertThat(b.calls(Outcome.NOT_PERMITTED)).isEqualTo(refused.get());
        assertThat(b.metrics().notPermittedCalls()).isEqualTo(refused.get());
        assertThat(permitted.get() + refused.get()).isEqualTo((long) THREADS * CALLS_PER_THREAD);
        assertThat(transitions).isNotEmpty();
        // Transitions form one chain: each starts where the previous ended, and only legal edges appear.
        State previous = State.CLOSED;
        for (BreakerStateChanged c : transitions) {
            assertThat(c.transition().from()).isEqualTo(previous);
            assertThat(legal(c.transition().from(), c.transition().to())).as("%s", c.transition()).isTrue();
            previous = c.transition().to();
        }
        assertThat(b.state()).isEqualTo(previous);
        // No lost permissions: every probe returned, so a half-open breaker holds no slot.
        assertThat(b.metrics().probesInFlight()).isZero();
    }

    @Test
    void permissionsAreNotLostWhenEveryThreadReleasesInsteadOfRecording() throws Exception {
        CircuitBreaker b = CircuitBreaker.of("p", CircuitBreakerConfig.builder().minimumNumberOfCalls(1)
                .consecutiveFailureThreshold(1).waitDurationInOpen(Duration.ofNanos(1)).permittedCallsInHalfOpen(2)
                .successesToClose(1_000_000).build(), clock);
        b.tryAcquirePermission();
        b.onError(1, new IOException());
        nanos.addAndGet(10);
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                pool.submit(() -> {
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        if (b.tryAcquirePermission()) {
                            b.releasePermission();
                        }
                    }
                });
            }
        }
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        assertThat(b.metrics().probesInFlight()).isZero();
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isFalse();
    }

    private static boolean legal(State from, State to) {
        return switch (from) {
            case CLOSED -> to == State.OPEN;
            case OPEN -> to == State.HALF_OPEN;
            case HALF_OPEN -> to == State.OPEN || to == State.CLOSED;
            default -> false;
        };
    }
}
