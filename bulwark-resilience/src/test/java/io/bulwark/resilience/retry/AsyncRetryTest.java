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
    static final class ImmediateScheduler extends ScheduledThreadPoolExecutor {
        final List<Duration> delays = new CopyOnWriteArrayList<>();

        ImmediateScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            delays.add(Duration.ofNanos(unit.toNanos(delay)));
            return super.schedule(command, 0, TimeUnit.NANOSECONDS);
        }
    }

    private final ImmediateScheduler scheduler = new ImmediateScheduler();
    private final ResilienceClock clock = ResilienceClock.of(SettableClock.at(Instant.EPOCH));

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
}
