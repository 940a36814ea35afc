package io.bulwark.resilience.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.ResilienceClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AsyncRetryTest {

    /** Runs every scheduled task at once and remembers the delay it was asked for. */
    /** Runs every scheduled task at once, as if its delay had passed: it records the delay and moves the clock. */
    static final class ImmediateScheduler extends ScheduledThreadPoolExecutor {
        final List<Duration> delays = new CopyOnWriteArrayList<>();
        private final SettableClock wall;

        ImmediateScheduler(SettableClock wall) {
            super(1);
            this.wall = wall;
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            Duration d = Duration.ofNanos(unit.toNanos(delay));
            delays.add(d);
            wall.advance(d);
            return super.schedule(command, 0, TimeUnit.NANOSECONDS);
        }
    }

    private final SettableClock wall = SettableClock.at(Instant.EPOCH);
    private final ImmediateScheduler scheduler = new ImmediateScheduler(wall);
    private final ResilienceClock clock = ResilienceClock.of(wall);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void schedulesEachFurtherAttemptOnTheInjectedSchedulerWithItsDelay() throws Exception {
        Retry r = Retry.builder("p", RetryConfig.builder().maxAttempts(4)
                        .retryAfter(o -> Optional.of(Duration.ofMillis(250))).build())
                .clock(clock).scheduler(scheduler).build();
        AtomicInteger calls = new AtomicInteger();
        String answer = r.executeCompletionStage(() -> calls.incrementAndGet() < 3
                        ? CompletableFuture.<String>failedFuture(new IOException("flaky"))
                        : CompletableFuture.completedFuture("ok"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(answer).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(scheduler.delays).containsExactly(Duration.ofMillis(250), Duration.ofMillis(250));
        assertThat(r.calls(Retry.Outcome.SUCCESS_WITH_RETRY)).isEqualTo(1);
    }

    @Test
    void failsWithTheLastFailureWhenAttemptsRunOut() throws Exception {
        Retry r = Retry.builder("p", RetryConfig.builder().maxAttempts(2).build()).clock(clock).scheduler(scheduler)
                .build();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> outcome = r.<String>executeCompletionStage(
                () -> CompletableFuture.failedFuture(new IOException("attempt " + calls.incrementAndGet())))
                .toCompletableFuture();
        assertThat(outcome).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(IOException.class).withMessageContaining("attempt 2");
    }

    @Test
    void aCallSiteDeadlineStopsFurtherAsynchronousAttempts() {
        Retry r = Retry.builder("p", RetryConfig.builder().maxAttempts(10)
                        .retryAfter(o -> Optional.of(Duration.ofSeconds(1))).build())
                .clock(clock).scheduler(scheduler).build();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> outcome = r.<String>executeCompletionStage(
                () -> CompletableFuture.failedFuture(new IOException("attempt " + calls.incrementAndGet())),
                wall.instant().plusMillis(1_500)).toCompletableFuture();
        assertThat(outcome).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withMessageContaining("attempt 2"); // at 0s and 1s; 2s is past the deadline
        assertThat(calls).hasValue(2);
    }
}
