package io.bulwark.bench.jmh.resilience;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.ResiliencePipeline;
import io.bulwark.resilience.breaker.CircuitBreaker;
import io.bulwark.resilience.breaker.CircuitBreakerConfig;
import io.bulwark.resilience.bulkhead.Bulkhead;
import io.bulwark.resilience.bulkhead.BulkheadConfig;
import io.bulwark.resilience.retry.Retry;
import io.bulwark.resilience.retry.RetryConfig;
import io.bulwark.resilience.timeout.Timeout;
import io.bulwark.resilience.timeout.TimeoutConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Supplier;

/**
 * The three stacks of the benchmark, built once per library with the same settings: a
 * count-based breaker over the last 100 calls (opens at 50% failures from 100 calls, 30s open),
 * a retry of 3 attempts (100ms × 2 backoff, never reached: the call succeeds), a bulkhead of 25
 * with no wait, a timeout of 10s that interrupts.
 *
 * <p>Resilience4j has no synchronous interrupting timeout: its {@code TimeLimiter} waits on a
 * {@code Future}. The call is given to it as a {@code FutureTask} already run on the caller's
 * thread, which is the cheapest way to use it synchronously (and does less work than an
 * interrupt scheduled per call, as Bulwark and Failsafe do).
 */
final class ResiliencePolicies implements AutoCloseable {

    private static final Duration WAIT_IN_OPEN = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    final Supplier<String> bulwarkBreaker;
    final Supplier<String> bulwarkBreakerRetry;
    final Supplier<String> bulwarkAll;
    final Supplier<String> r4jBreaker;
    final Supplier<String> r4jBreakerRetry;
    final Supplier<String> r4jAll;
    final Supplier<String> failsafeBreaker;
    final Supplier<String> failsafeBreakerRetry;
    final Supplier<String> failsafeAll;

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

    ResiliencePolicies(Supplier<String> call) {
        scheduler.setRemoveOnCancelPolicy(true);

        // Bulwark
        ResilienceClock clock = ResilienceClock.system();
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.builder()
                .slidingWindow(CircuitBreakerConfig.WindowType.COUNT_BASED, 100).minimumNumberOfCalls(100)
                .failureRateThreshold(50).waitDurationInOpen(WAIT_IN_OPEN).build();
        RetryConfig retryConfig = RetryConfig.builder().maxAttempts(3)
                .backoff(Duration.ofMillis(100), 2, Duration.ofSeconds(5)).build();
        CircuitBreaker breaker = CircuitBreaker.of("bench", breakerConfig, clock);
        Retry retry = Retry.of("bench", retryConfig, clock);
        Bulkhead bulkhead = Bulkhead.of("bench", BulkheadConfig.builder().maxConcurrentCalls(25).build(), clock);
        Timeout timeout = Timeout.of("bench", TimeoutConfig.of(TIMEOUT), scheduler, clock);
        bulwarkBreaker = breaker.decorateSupplier(call);
        bulwarkBreakerRetry = ResiliencePipeline.<String>builder().retry(retry).circuitBreaker(breaker).build()
                .decorateSupplier(call);
        bulwarkAll = ResiliencePipeline.<String>builder().retry(retry).circuitBreaker(breaker).bulkhead(bulkhead)
                .timeout(timeout).build().decorateSupplier(call);

        // Resilience4j
        io.github.resilience4j.circuitbreaker.CircuitBreaker r4jCb = io.github.resilience4j.circuitbreaker.CircuitBreaker
                .of("bench", io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                        .slidingWindow(100, 100, SlidingWindowType.COUNT_BASED)
                        .failureRateThreshold(50).waitDurationInOpenState(WAIT_IN_OPEN).build());
        io.github.resilience4j.retry.Retry r4jRetry = io.github.resilience4j.retry.Retry.of("bench",
                io.github.resilience4j.retry.RetryConfig.custom().maxAttempts(3)
                        .intervalFunction(io.github.resilience4j.core.IntervalFunction
                                .ofExponentialRandomBackoff(Duration.ofMillis(100), 2.0, 1.0, Duration.ofSeconds(5)))
                        .build());
        io.github.resilience4j.bulkhead.Bulkhead r4jBulkhead = io.github.resilience4j.bulkhead.Bulkhead.of("bench",
                io.github.resilience4j.bulkhead.BulkheadConfig.custom().maxConcurrentCalls(25)
                        .maxWaitDuration(Duration.ZERO).build());
        TimeLimiter r4jTimeLimiter = TimeLimiter.of("bench",
                TimeLimiterConfig.custom().timeoutDuration(TIMEOUT).cancelRunningFuture(true).build());
        r4jBreaker = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(r4jCb, call);
        r4jBreakerRetry = io.github.resilience4j.retry.Retry.decorateSupplier(r4jRetry,
                io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(r4jCb, call));
        Callable<String> limited = TimeLimiter.decorateFutureSupplier(r4jTimeLimiter, () -> {
            FutureTask<String> task = new FutureTask<>(call::get);
            task.run();
            return task;
        });
        Supplier<String> r4jTimed = () -> {
            try {
                return limited.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        r4jAll = io.github.resilience4j.retry.Retry.decorateSupplier(r4jRetry,
                io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(r4jCb,
                        io.github.resilience4j.bulkhead.Bulkhead.decorateSupplier(r4jBulkhead, r4jTimed)));

        // Failsafe: Failsafe.with(outer, ..., inner)
        dev.failsafe.CircuitBreaker<String> fsCb = dev.failsafe.CircuitBreaker.<String>builder()
                .withFailureThreshold(50, 100).withDelay(WAIT_IN_OPEN).build();
        dev.failsafe.RetryPolicy<String> fsRetry = dev.failsafe.RetryPolicy.<String>builder().withMaxAttempts(3)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5)).withJitter(1.0).build();
        dev.failsafe.Bulkhead<String> fsBulkhead = dev.failsafe.Bulkhead.<String>builder(25).build();
        dev.failsafe.Timeout<String> fsTimeout = dev.failsafe.Timeout.<String>builder(TIMEOUT).withInterrupt().build();
        FailsafeExecutor<String> fsB = Failsafe.with(fsCb);
        FailsafeExecutor<String> fsBR = Failsafe.with(fsRetry, fsCb);
        FailsafeExecutor<String> fsAll = Failsafe.with(fsRetry, fsCb, fsBulkhead, fsTimeout).with(scheduler);
        failsafeBreaker = () -> fsB.get(call::get);
        failsafeBreakerRetry = () -> fsBR.get(call::get);
        failsafeAll = () -> fsAll.get(call::get);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
