package io.bulwark.resilience.timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.ResilienceClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeoutTest {

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final ResilienceClock clock = ResilienceClock.of(SettableClock.at(Instant.EPOCH));

    TimeoutTest() {
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void interruptsASynchronousCallAtItsDeadlineAndClearsTheInterrupt() {
        Timeout t = Timeout.of("openai", TimeoutConfig.of(Duration.ofMillis(50)), scheduler, clock);
        CountDownLatch never = new CountDownLatch(1);
        assertThatThrownBy(() -> t.executeCallable(() -> {
            never.await(); // returns only when interrupted
            return "unreachable";
        })).isInstanceOf(TimeoutExceededException.class)
                .hasMessage("Timeout 'openai' exceeded: the call ran longer than 50ms and was interrupted")
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(t.timeoutCount()).isEqualTo(1);
    }

    @Test
    void aCallThatFinishesInTimeReturnsItsResultAndCancelsTheInterrupt() throws Exception {
        Timeout t = Timeout.of("openai", TimeoutConfig.of(Duration.ofMinutes(1)), scheduler, clock);
        assertThat(t.executeCallable(() -> "ok")).isEqualTo("ok");
        assertThat(scheduler.getQueue()).isEmpty();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void whenTheTimerFiresAsTheCallEndsNoInterruptLeaksIntoTheCaller() {
        AtomicReference<Runnable> timer = new AtomicReference<>();
        ScheduledThreadPoolExecutor manual = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
                timer.set(command);
                return super.schedule(() -> { }, 1, TimeUnit.DAYS);
            }
        };
        try {
            Timeout t = Timeout.of("openai", TimeoutConfig.of(Duration.ofSeconds(1)), manual, clock);
            assertThatThrownBy(() -> t.executeCallable(() -> {
                timer.get().run(); // the deadline passes at the very end of the call
                return "late";
            })).isInstanceOf(TimeoutExceededException.class);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        } finally {
            manual.shutdownNow();
        }
    }

    @Test
    void anAsyncTaskIsCancelledWithInterruptionAtItsDeadline() throws Exception {
        Timeout t = Timeout.of("openai", TimeoutConfig.of(Duration.ofMillis(50)), scheduler, clock);
        CountDownLatch interrupted = new CountDownLatch(1);
        try (ExecutorService workers = Executors.newSingleThreadExecutor()) {
            CompletableFuture<String> outcome = t.executeAsync(() -> {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
                return "unreachable";
            }, workers);
            assertThat(outcome).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(TimeoutExceededException.class);
            assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the task's thread was interrupted").isTrue();
        }
    }

    @Test
    void aCompletionStageThatNeverCompletesFailsAtItsDeadlineAndIsCancelled() {
        Timeout t = Timeout.of("openai", TimeoutConfig.of(Duration.ofMillis(50)), scheduler, clock);
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<String> outcome = t.decorateCompletionStage(() -> source).get().toCompletableFuture();
        assertThat(outcome).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TimeoutExceededException.class);
        assertThat(source).isCancelled();
    }

    @Test
    void theConfigNamesTheBadValue() {
        assertThatThrownBy(() -> TimeoutConfig.of(Duration.ZERO)).hasMessage("timeout must be > 0 but was PT0S");
    }
}
