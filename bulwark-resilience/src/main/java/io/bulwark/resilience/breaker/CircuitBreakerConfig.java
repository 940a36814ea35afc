package io.bulwark.resilience.breaker;

import io.bulwark.resilience.internal.Checks;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * How a {@link CircuitBreaker} decides to open, how long it stays open and how it closes again.
 * Immutable; built by {@link #builder()}, whose setters reject a bad value at once.
 *
 * <pre>{@code
 * CircuitBreakerConfig config = CircuitBreakerConfig.builder()
 *         .slidingWindow(WindowType.TIME_BASED, 30)        // the last 30 seconds
 *         .minimumNumberOfCalls(20)
 *         .failureRateThreshold(50)
 *         .waitDurationInOpen(Duration.ofSeconds(10))
 *         .waitDurationMultiplier(2.0).maxWaitDuration(Duration.ofMinutes(5))
 *         .recordResult(HttpOutcomes.resultFailure(HttpResponse.class, HttpResponse::statusCode))
 *         .build();
 * }</pre>
 *
 * @param windowType count-based (the last N calls) or time-based (the last N seconds)
 * @param windowSize N: calls for {@link WindowType#COUNT_BASED}, seconds for {@link WindowType#TIME_BASED}
 * @param minimumNumberOfCalls no rate is judged over fewer calls than this in the window
 * @param failureRateThreshold opens at or above this failure percentage
 * @param slowCallRateThreshold opens at or above this percentage of slow calls (100 = only when all are slow)
 * @param slowCallDuration a call at least this long is slow
 * @param consecutiveFailureThreshold opens after this many failures in a row, whatever the window says; 0 = off
 * @param waitDurationInOpen how long the first trip stays open before probes are let through
 * @param waitDurationMultiplier the wait grows by this factor on each trip that follows a failed half-open
 * @param maxWaitDuration the longest wait, however many trips
 * @param permittedCallsInHalfOpen how many probes may be in flight at once when half-open
 * @param successesToClose how many successful probes close the breaker (M)
 * @param probeTimeout a probe that has not returned after this long frees its slot
 * @param recordException which exceptions count as failures (others count as successes)
 * @param ignoreExceptions exception types that count as neither (a subtype matches too)
 * @param recordResult which results count as failures
 */
public record CircuitBreakerConfig(
        WindowType windowType,
        int windowSize,
        int minimumNumberOfCalls,
        float failureRateThreshold,
        float slowCallRateThreshold,
        Duration slowCallDuration,
        int consecutiveFailureThreshold,
        Duration waitDurationInOpen,
        double waitDurationMultiplier,
        Duration maxWaitDuration,
        int permittedCallsInHalfOpen,
        int successesToClose,
        Duration probeTimeout,
        Predicate<Throwable> recordException,
        Set<Class<? extends Throwable>> ignoreExceptions,
        Predicate<Object> recordResult) {

    /** The largest count-based window (the window packs its counters in 21-bit fields). */
    public static final int MAX_COUNT_WINDOW = 1_000_000;
    /** The largest time-based window, in seconds. */
    public static final int MAX_TIME_WINDOW_SECONDS = 3_600;

    /** Whether the window counts calls or seconds. */
    public enum WindowType {
        /** The last {@code windowSize} calls. */
        COUNT_BASED,
        /** The calls of the last {@code windowSize} seconds, in one-second buckets. */
        TIME_BASED
    }

    private static final CircuitBreakerConfig DEFAULTS = builder().build();

    public CircuitBreakerConfig {
        Objects.requireNonNull(windowType, "windowType");
        Checks.between("windowSize", windowSize, 1,
                windowType == WindowType.COUNT_BASED ? MAX_COUNT_WINDOW : MAX_TIME_WINDOW_SECONDS);
        Checks.atLeast("minimumNumberOfCalls", minimumNumberOfCalls, 1);
        Checks.percent("failureRateThreshold", failureRateThreshold);
        Checks.percent("slowCallRateThreshold", slowCallRateThreshold);
        Checks.positive("slowCallDuration", slowCallDuration);
        Checks.atLeast("consecutiveFailureThreshold", consecutiveFailureThreshold, 0);
        Checks.positive("waitDurationInOpen", waitDurationInOpen);
        Checks.atLeast("waitDurationMultiplier", waitDurationMultiplier, 1.0);
        Checks.notNegative("maxWaitDuration", maxWaitDuration);
        if (maxWaitDuration.compareTo(waitDurationInOpen) < 0) {
            throw new IllegalArgumentException("maxWaitDuration must be >= waitDurationInOpen (" + waitDurationInOpen
                    + ") but was " + maxWaitDuration);
        }
        Checks.atLeast("permittedCallsInHalfOpen", permittedCallsInHalfOpen, 1);
        Checks.atLeast("successesToClose", successesToClose, 1);
        Checks.positive("probeTimeout", probeTimeout);
        Objects.requireNonNull(recordException, "recordException");
        ignoreExceptions = Set.copyOf(Objects.requireNonNull(ignoreExceptions, "ignoreExceptions"));
        Objects.requireNonNull(recordResult, "recordResult");
    }

    /**
     * The defaults: count-based window of 100 calls, judged from 20 calls, opens at 50% failures
     * or when every call is slower than 60s; no consecutive-failure trip; open for 30s (not
     * growing, at most 5m if a multiplier is set); 3 concurrent probes, 3 successes close, probe
     * timeout 60s; every exception is a failure, no result is.
     */
    public static CircuitBreakerConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config, to change a few fields. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The wait in open after the {@code trip}-th consecutive trip (1-based), capped at {@link #maxWaitDuration}. */
    public Duration waitDurationForTrip(int trip) {
        double nanos = waitDurationInOpen.toNanos() * Math.pow(waitDurationMultiplier, Math.max(0, trip - 1));
        long cap = maxWaitDuration.toNanos();
        return Duration.ofNanos(nanos >= cap || Double.isNaN(nanos) ? cap : (long) nanos);
    }

    /** True when {@code error} is of an ignored type. */
    public boolean isIgnored(Throwable error) {
        for (Class<? extends Throwable> type : ignoreExceptions) {
            if (type.isInstance(error)) {
                return true;
            }
        }
        return false;
    }

    /** Builds a {@link CircuitBreakerConfig}; each setter validates its value at once. */
    public static final class Builder {
        private WindowType windowType = WindowType.COUNT_BASED;
        private int windowSize = 100;
        private int minimumNumberOfCalls = 20;
        private float failureRateThreshold = 50f;
        private float slowCallRateThreshold = 100f;
        private Duration slowCallDuration = Duration.ofSeconds(60);
        private int consecutiveFailureThreshold = 0;
        private Duration waitDurationInOpen = Duration.ofSeconds(30);
        private double waitDurationMultiplier = 1.0;
        private Duration maxWaitDuration = Duration.ofMinutes(5);
        private int permittedCallsInHalfOpen = 3;
        private int successesToClose = 3;
        private Duration probeTimeout = Duration.ofSeconds(60);
        private Predicate<Throwable> recordException = error -> true;
        private Set<Class<? extends Throwable>> ignoreExceptions = Set.of();
        private Predicate<Object> recordResult = result -> false;

        private Builder() {
        }

        private Builder(CircuitBreakerConfig c) {
            windowType = c.windowType;
            windowSize = c.windowSize;
            minimumNumberOfCalls = c.minimumNumberOfCalls;
            failureRateThreshold = c.failureRateThreshold;
            slowCallRateThreshold = c.slowCallRateThreshold;
            slowCallDuration = c.slowCallDuration;
            consecutiveFailureThreshold = c.consecutiveFailureThreshold;
            waitDurationInOpen = c.waitDurationInOpen;
            waitDurationMultiplier = c.waitDurationMultiplier;
            maxWaitDuration = c.maxWaitDuration;
            permittedCallsInHalfOpen = c.permittedCallsInHalfOpen;
            successesToClose = c.successesToClose;
            probeTimeout = c.probeTimeout;
            recordException = c.recordException;
            ignoreExceptions = c.ignoreExceptions;
            recordResult = c.recordResult;
        }

        /** The window type and its size: calls when count-based, seconds when time-based. */
        public Builder slidingWindow(WindowType type, int size) {
            Objects.requireNonNull(type, "windowType");
            Checks.between("windowSize", size, 1,
                    type == WindowType.COUNT_BASED ? MAX_COUNT_WINDOW : MAX_TIME_WINDOW_SECONDS);
            this.windowType = type;
            this.windowSize = size;
            return this;
        }

        /** No rate is judged over fewer calls than this (default 20). */
        public Builder minimumNumberOfCalls(int calls) {
            this.minimumNumberOfCalls = Checks.atLeast("minimumNumberOfCalls", calls, 1);
            return this;
        }

        /** Opens at or above this failure percentage, in (0, 100] (default 50). */
        public Builder failureRateThreshold(float percent) {
            this.failureRateThreshold = Checks.percent("failureRateThreshold", percent);
            return this;
        }

        /** Opens at or above this slow-call percentage, in (0, 100] (default 100). */
        public Builder slowCallRateThreshold(float percent) {
            this.slowCallRateThreshold = Checks.percent("slowCallRateThreshold", percent);
            return this;
        }

        /** A call at least this long is slow (default 60s). */
        public Builder slowCallDuration(Duration d) {
            this.slowCallDuration = Checks.positive("slowCallDuration", d);
            return this;
        }

        /** Opens after this many failures in a row; 0 turns it off (default 0). */
        public Builder consecutiveFailureThreshold(int failures) {
            this.consecutiveFailureThreshold = Checks.atLeast("consecutiveFailureThreshold", failures, 0);
            return this;
        }

        /** How long the first trip stays open (default 30s). Raises maxWaitDuration to it if lower. */
        public Builder waitDurationInOpen(Duration d) {
            this.waitDurationInOpen = Checks.positive("waitDurationInOpen", d);
            if (maxWaitDuration.compareTo(d) < 0) {
                maxWaitDuration = d;
            }
            return this;
        }

        /** The factor the wait grows by on each repeated trip, >= 1 (default 1: no growth). */
        public Builder waitDurationMultiplier(double factor) {
            this.waitDurationMultiplier = Checks.atLeast("waitDurationMultiplier", factor, 1.0);
            return this;
        }

        /** The longest wait however many trips (default 5m); must be >= waitDurationInOpen. */
        public Builder maxWaitDuration(Duration d) {
            Checks.notNegative("maxWaitDuration", d);
            if (d.compareTo(waitDurationInOpen) < 0) {
                throw new IllegalArgumentException("maxWaitDuration must be >= waitDurationInOpen ("
                        + waitDurationInOpen + ") but was " + d);
            }
            this.maxWaitDuration = d;
            return this;
        }

        /** How many probes may be in flight at once when half-open (default 3). */
        public Builder permittedCallsInHalfOpen(int calls) {
            this.permittedCallsInHalfOpen = Checks.atLeast("permittedCallsInHalfOpen", calls, 1);
            return this;
        }

        /** How many successful probes close the breaker (default 3). */
        public Builder successesToClose(int successes) {
            this.successesToClose = Checks.atLeast("successesToClose", successes, 1);
            return this;
        }

        /** A probe that has not returned after this long frees its half-open slot (default 60s). */
        public Builder probeTimeout(Duration d) {
            this.probeTimeout = Checks.positive("probeTimeout", d);
            return this;
        }

        /** Which exceptions count as failures; the others count as successes (default: all). */
        public Builder recordException(Predicate<Throwable> predicate) {
            this.recordException = Objects.requireNonNull(predicate, "recordException");
            return this;
        }

        /** Exception types that count as neither success nor failure. */
        @SafeVarargs
        public final Builder ignoreExceptions(Class<? extends Throwable>... types) {
            this.ignoreExceptions = Set.of(types);
            return this;
        }

        /** Which results count as failures (default: none), e.g. {@link HttpOutcomes#resultFailure}. */
        public Builder recordResult(Predicate<Object> predicate) {
            this.recordResult = Objects.requireNonNull(predicate, "recordResult");
            return this;
        }

        /** The config. */
        public CircuitBreakerConfig build() {
            return new CircuitBreakerConfig(windowType, windowSize, minimumNumberOfCalls, failureRateThreshold,
                    slowCallRateThreshold, slowCallDuration, consecutiveFailureThreshold, waitDurationInOpen,
                    waitDurationMultiplier, maxWaitDuration, permittedCallsInHalfOpen, successesToClose,
                    probeTimeout, recordException, ignoreExceptions, recordResult);
        }
    }
}
