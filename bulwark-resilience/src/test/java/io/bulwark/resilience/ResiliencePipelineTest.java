package io.bulwark.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.core.time.SettableClock;
import io.bulwark.resilience.breaker.CallNotPermittedException;
import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.resilience.breaker.CircuitBreaker.State;
import io.bulwark.resilience.breaker.CircuitBreakerConfig;
import io.bulwark.resilience.bulkhead.Bulkhead;
import io.bulwark.resilience.bulkhead.BulkheadConfig;
import io.bulwark.resilience.bulkhead.BulkheadFullException;
import io.bulwark.resilience.fallback.Fallback;
import io.bulwark.resilience.retry.Retry;
import io.bulwark.resilience.retry.RetryConfig;
import io.bulwark.resilience.timeout.Timeout;
import io.bulwark.resilience.timeout.TimeoutConfig;
import io.bulwark.resilience.timeout.TimeoutExceededException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResiliencePipelineTest {

    private final SettableClock wall = SettableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final ResilienceClock clock = ResilienceClock.of(wall);
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

    private final CircuitBreaker breaker = CircuitBreaker.of("openai", CircuitBreakerConfig.builder()
            .minimumNumberOfCalls(100).consecutiveFailureThreshold(3).build(), clock);
    private final Retry retry = Retry.builder("openai", RetryConfig.builder().maxAttempts(3)
            .backoff(Duration.ZERO, 1, Duration.ZERO).build()).clock(clock).sleeper(d -> { }).build();
    private final Bulkhead bulkhead = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
    private final Fallback<String> fallback = Fallback.of("openai", "degraded", clock);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** A call that counts itself and then hangs until it is interrupted. */
    private static java.util.concurrent.Callable<String> hangsUntilInterrupted(AtomicInteger calls) {
        return () -> {
            calls.incrementAndGet();
            new CountDownLatch(1).await();
            return "never";
        };
    }

    /** Given in the reverse of the documented order, to show the builder order does not matter. */
    private ResiliencePipeline<String> pipeline() {
        return ResiliencePipeline.<String>builder()
                .bulkhead(bulkhead).circuitBreaker(breaker).retry(retry).fallback(fallback)
                .build();
    }

    @Test
    void theBreakerRecordsEveryAttemptOfTheRetryBecauseItSitsInsideIt() {
        AtomicInteger calls = new AtomicInteger();
        String answer = pipeline().executeSupplier(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("provider down");
        });
        // Retry outside the breaker: three attempts, three recorded failures, the breaker opens
        // (consecutiveFailureThreshold 3). With the breaker outside the retry it would have seen one.
        assertThat(calls).hasValue(3);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        // Fallback outermost: used once, after the retries were spent; inside the retry it would
        // have answered the first attempt and the provider would have been called once.
        assertThat(fallback.usedCount()).isEqualTo(1);
        assertThat(answer).isEqualTo("degraded");
    }

    @Test
    void anOpenBreakerIsNeitherRetriedNorLetIntoTheBulkhead() {
        breaker.forceOpen();
        ResiliencePipeline<String> noFallback = ResiliencePipeline.<String>builder()
                .bulkhead(bulkhead).retry(retry).circuitBreaker(breaker).build();
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> noFallback.executeSupplier(() -> "x" + calls.incrementAndGet()))
                .isInstanceOf(CallNotPermittedException.class);
        assertThat(calls).hasValue(0);
        assertThat(bulkhead.permittedCount()).isZero(); // the bulkhead sits inside the breaker
        assertThat(retry.calls(Retry.Outcome.FAILED_WITHOUT_RETRY)).isEqualTo(1);
    }

    @Test
    void aFullBulkheadIsNotRecordedAsAProviderFailure() {
        assertThat(bulkhead.tryAcquirePermission()).isTrue(); // the only slot is taken
        ResiliencePipeline<String> noFallback = ResiliencePipeline.<String>builder()
                .bulkhead(bulkhead).retry(retry).circuitBreaker(breaker).build();
        assertThatThrownBy(() -> noFallback.executeSupplier(() -> "x")).isInstanceOf(BulkheadFullException.class);
        assertThat(bulkhead.rejectedCount()).isEqualTo(3); // retried: a full bulkhead is transient
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().bufferedCalls()).isZero();
    }

    @Test
    void eachAttemptGetsItsOwnTimeoutAndATimedOutAttemptIsABreakerFailure() {
        Timeout timeout = Timeout.of("openai", TimeoutConfig.of(Duration.ofMillis(20)), scheduler,
                ResilienceClock.system()); // a real scheduler thread interrupts: real time
        ResiliencePipeline<String> p = ResiliencePipeline.<String>builder()
                .timeout(timeout).retry(retry).circuitBreaker(breaker).build();
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> p.execute(hangsUntilInterrupted(calls))).isInstanceOf(TimeoutExceededException.class);
        assertThat(calls).hasValue(3);
        assertThat(timeout.timeoutCount()).isEqualTo(3);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void composesAsynchronousCallsInTheSameOrder() {
        Retry asyncRetry = Retry.builder("openai", RetryConfig.builder().maxAttempts(3)
                .backoff(Duration.ZERO, 1, Duration.ZERO).build()).clock(clock).scheduler(scheduler).build();
        ResiliencePipeline<String> p = ResiliencePipeline.<String>builder()
                .fallback(fallback).retry(asyncRetry).circuitBreaker(breaker).build();
        AtomicInteger calls = new AtomicInteger();
        String answer = p.decorateCompletionStage(() -> {
            calls.incrementAndGet();
            return CompletableFuture.<String>failedFuture(new IOException("down"));
        }).get().toCompletableFuture().join();
        assertThat(answer).isEqualTo("degraded");
        assertThat(calls).hasValue(3);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void theSystemClocksOfTwoPoliciesAreEqualSoTheirPipelineSharesReadings() {
        assertThat(ResilienceClock.system()).isEqualTo(ResilienceClock.system());
    }

    @Test
    void onTheSameClockTheTimeoutCountsFromTheBreakersReadingAndStillTimesOut() {
        ResilienceClock system = ResilienceClock.system();
        CircuitBreaker b = CircuitBreaker.of("openai", CircuitBreakerConfig.builder()
                .minimumNumberOfCalls(100).consecutiveFailureThreshold(3).build(), system);
        Bulkhead slots = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(1).build(), system);
        Timeout timeout = Timeout.of("openai", TimeoutConfig.of(Duration.ofMillis(20)), scheduler, system);
        ResiliencePipeline<String> p = ResiliencePipeline.<String>builder()
                .timeout(timeout).bulkhead(slots).retry(retry).circuitBreaker(b).build();
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> p.execute(hangsUntilInterrupted(calls))).isInstanceOf(TimeoutExceededException.class);

        assertThat(calls).hasValue(3);
        assertThat(timeout.timeoutCount()).isEqualTo(3);
        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(slots.available()).as("every attempt gave its slot back").isEqualTo(1);
        assertThat(Thread.interrupted()).as("no interrupt leaks to the caller").isFalse();
    }

    @Test
    void anAttemptThroughBreakerBulkheadAndTimeoutReadsTheClockTwice() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        ResilienceClock counted = new ResilienceClock(wall, () -> {
            reads.incrementAndGet();
            return System.nanoTime();
        });
        CircuitBreaker b = CircuitBreaker.of("openai", CircuitBreakerConfig.builder().build(), counted);
        Timeout timeout = Timeout.of("openai", TimeoutConfig.of(Duration.ofSeconds(10)), scheduler, counted);
        Bulkhead noWait = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(5).build(), counted);
        Bulkhead waits = Bulkhead.of("openai", BulkheadConfig.builder().maxConcurrentCalls(5)
                .maxWaitDuration(Duration.ofSeconds(1)).build(), counted);
        java.util.concurrent.Callable<String> fast = () -> "ok";
        java.util.concurrent.Callable<String> withoutWait = ResiliencePipeline.<String>builder()
                .circuitBreaker(b).bulkhead(noWait).timeout(timeout).build().decorateCallable(fast);
        java.util.concurrent.Callable<String> withWait = ResiliencePipeline.<String>builder()
                .circuitBreaker(b).bulkhead(waits).timeout(timeout).build().decorateCallable(fast);
        withoutWait.call(); // the watchdog arms itself on the first call: a read of its own
        withWait.call();

        reads.set(0);
        assertThat(withoutWait.call()).isEqualTo("ok");
        assertThat(reads).as("the breaker's start and end; the timeout counts from the start").hasValue(2);

        reads.set(0);
        assertThat(withWait.call()).isEqualTo("ok");
        assertThat(reads).as("a bulkhead that may wait: the timeout reads the clock after the slot is taken").hasValue(3);
    }
}
