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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeoutTest {

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    /** Real time, for the tests where a real scheduler thread interrupts a blocked call. */
    private final ResilienceClock clock = ResilienceClock.system();
    private final SettableClock wall = SettableClock.at(Instant.EPOCH);

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
    void interruptsAVirtualThreadAtItsDeadlineAndItsNextCallsRunUndisturbed() throws Exception {
        Timeout t = Timeout.of("openai", TimeoutConfig.of(Duration.ofMillis(50)), scheduler, clock);
        try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            String outcome = virtual.submit(() -> {
                try {
                    t.executeCallable(() -> {
                        new CountDownLatch(1).await(); // returns only when interrupted
                        return "unreachable";
                    });
                    return "not interrupted";
                } catch (TimeoutExceededException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        return "the interrupt leaked";
                    }
                }
                for (int i = 0; i < 1_000; i++) { // the same thread, the same slot, later generations
                    if (!"ok".equals(t.executeCallable(() -> "ok")) || Thread.currentThread().isInterrupted()) {
                        return "a later call was disturbed";
                    }
                }
                return "timed out, then ran on";
            }).get(10, TimeUnit.SECONDS);
            assertThat(outcome).isEqualTo("timed out, then ran on");
        }
        assertThat(t.timeoutCount()).isEqualTo(1);
    }

    @Test
    void aNestedCallUnderTheSameTimeoutTimesOutAloneAndTheOuterCallCarriesOn() throws Exception {
        List<Runnable> timers = new ArrayList<>();
        Timeout outer = Timeout.of("outer", TimeoutConfig.of(Duration.ofSeconds(10)), capturing(timers),
                ResilienceClock.of(wall));
        String result = outer.executeCallable(() -> {
            outer.reconfigure(TimeoutConfig.of(Duration.ofSeconds(1)));
            assertThatThrownBy(() -> outer.executeCallable(() -> {
                wall.advance(Duration.ofSeconds(1));
                timers.getLast().run(); // the inner deadline passes; the outer one is 9s away
                return "late";
            })).isInstanceOf(TimeoutExceededException.class);
            return Thread.currentThread().isInterrupted() ? "interrupt leaked" : "outer finished";
        });
        assertThat(result).isEqualTo("outer finished");
        assertThat(outer.timeoutCount()).isEqualTo(1);
    }

    @Test
    void aRunForAnEarlierDeadlineDoesNotInterruptALaterCallInTheSameSlot() throws Exception {
        List<Runnable> timers = new ArrayList<>();
        Timeout t = Timeout.of("openai", TimeoutConfig.of(Duration.ofSeconds(1)), capturing(timers),
                ResilienceClock.of(wall));
        t.executeCallable(() -> "ok"); // arms a run for now + 1s
        t.reconfigure(TimeoutConfig.of(Duration.ofSeconds(10)));
        String result = t.executeCallable(() -> {
            wall.advance(Duration.ofSeconds(1));
            timers.getFirst().run(); // this call is due in 9s more: the run re-arms for it
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(timers).hasSize(2);
    }

    @Test
    void aCallThatFinishesInTimeReturnsItsResultAndIsNeverInterrupted() throws Exception {
        List<Runnable> timers = new ArrayList<>();
        Timeout t = Timeout.of("openai", TimeoutConfig.of(Duration.ofSeconds(1)), capturing(timers),
                ResilienceClock.of(wall));
        assertThat(t.executeCallable(() -> "ok")).isEqualTo("ok");
        wall.advance(Duration.ofSeconds(2));
        timers.getFirst().run(); // the watchdog finds nothing left to interrupt
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(t.timeoutCount()).isZero();
    }

    @Test
    void oneScheduledTaskWatchesEveryCallOfAPeriodInsteadOfOnePerCall() throws Exception {
        List<Runnable> timers = new ArrayList<>();
        Timeout t = Timeout.of("openai", TimeoutConfig.of(Duration.ofSeconds(1)), capturing(timers),
                ResilienceClock.of(wall));
        for (int i = 0; i < 100; i++) {
            t.executeCallable(() -> "ok");
            wall.advance(Duration.ofMillis(5));
        }
        assertThat(timers).hasSize(1); // armed for the first deadline; later deadlines are not earlier
        wall.advance(Duration.ofSeconds(1));
        timers.getFirst().run();
        t.executeCallable(() -> "ok");
        assertThat(timers).hasSize(2); // the run disarmed (nothing in flight), so the next call arms again
    }

    private static ScheduledThreadPoolExecutor capturing(List<Runnable> timers) {
        return new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
                timers.add(command);
                return super.schedule(() -> { }, 1, TimeUnit.DAYS);
            }
        };
    }

    @Test
    void whenTheTimerFiresAsTheCallEndsNoInterruptLeaksIntoTheCaller() {
        List<Runnable> timers = new ArrayList<>();
        ScheduledThreadPoolExecutor manual = capturing(timers);
        try {
            Timeout t = Timeout.of("openai", TimeoutConfig.of(Duration.ofSeconds(1)), manual, ResilienceClock.of(wall));
            assertThatThrownBy(() -> t.executeCallable(() -> {
                wall.advance(Duration.ofSeconds(1)); // the deadline passes at the very end of the call
                timers.getFirst().run();
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
    void aShutDownSchedulerRefusesTheCallWithoutRunningIt() {
        ScheduledThreadPoolExecutor stopped = new ScheduledThreadPoolExecutor(1);
        stopped.shutdown();
        Timeout t = Timeout.of("openai", TimeoutConfig.of(Duration.ofSeconds(1)), stopped, clock);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        assertThatThrownBy(() -> t.executeCallable(calls::incrementAndGet))
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
        assertThat(calls).hasValue(0);
    }

    @Test
    void theConfigNamesTheBadValue() {
        assertThatThrownBy(() -> TimeoutConfig.of(Duration.ZERO)).hasMessage("timeout must be > 0 but was PT0S");
    }
}
