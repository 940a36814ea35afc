package io.bulwark.providers;

import io.bulwark.core.config.ValueType;
import io.bulwark.core.config.ValueTypes;

import java.time.Duration;

/**
 * The allowed range of every provider, group and retry setting, defined once: the server's
 * config keys ({@code retries.*.maxDelay}, ...) are of these types, and the specs check what
 * comes over the API with the same types, so config and API accept exactly the same values.
 */
public final class SpecRanges {

    public static final ValueType<Duration> PROVIDER_TIMEOUT = ValueTypes.duration(Duration.ofMillis(1), Duration.ofHours(1));
    public static final ValueType<Integer> PROVIDER_WEIGHT = ValueTypes.integer(1, 1000);
    public static final ValueType<Integer> PROVIDER_CAPACITY = ValueTypes.integer(1, 100_000);
    public static final ValueType<Duration> PROVIDER_MAX_WAIT = ValueTypes.duration(Duration.ZERO, Duration.ofMinutes(10));

    public static final ValueType<Integer> BREAKER_WINDOW_SIZE = ValueTypes.integer(1, 1_000_000);
    public static final ValueType<Integer> BREAKER_MINIMUM_CALLS = ValueTypes.integer(1, 1_000_000);
    public static final ValueType<Double> BREAKER_FAILURE_RATE = ValueTypes.decimal(1, 100);
    public static final ValueType<Double> BREAKER_SLOW_RATE = ValueTypes.decimal(1, 100);
    public static final ValueType<Integer> BREAKER_CONSECUTIVE = ValueTypes.integer(0, 1_000_000);
    public static final ValueType<Integer> BREAKER_PROBES = ValueTypes.integer(1, 10_000);
    public static final ValueType<Integer> BREAKER_SUCCESSES = ValueTypes.integer(1, 10_000);
    public static final ValueType<Duration> BREAKER_SLOW_CALL = ValueTypes.duration(Duration.ofMillis(1), Duration.ofHours(1));
    public static final ValueType<Duration> BREAKER_WAIT = ValueTypes.duration(Duration.ofMillis(1), Duration.ofDays(1));
    public static final ValueType<Duration> BREAKER_MAX_WAIT = ValueTypes.duration(Duration.ofMillis(1), Duration.ofDays(1));
    public static final ValueType<Duration> BREAKER_PROBE_TIMEOUT = ValueTypes.duration(Duration.ofMillis(1), Duration.ofHours(1));

    public static final ValueType<Double> GROUP_ERROR_RATE = ValueTypes.decimal(1, 100);
    public static final ValueType<Integer> GROUP_MINIMUM_CALLS = ValueTypes.integer(1, 1_000_000);
    public static final ValueType<Integer> GROUP_DEFAULT_STATUS = ValueTypes.integer(200, 599);
    public static final ValueType<Duration> GROUP_LATENCY = ValueTypes.duration(Duration.ofMillis(1), Duration.ofHours(1));
    public static final ValueType<Duration> GROUP_WINDOW = ValueTypes.duration(Duration.ofSeconds(1), Duration.ofMinutes(10));
    public static final ValueType<Duration> GROUP_MAX_STALENESS = ValueTypes.duration(Duration.ofSeconds(1), Duration.ofDays(7));

    public static final ValueType<Integer> QUEUE_MAX_SIZE = ValueTypes.integer(0, 1_000_000);
    public static final ValueType<Integer> QUEUE_MAX_PER_KEY = ValueTypes.integer(1, 1_000_000);
    public static final ValueType<Duration> QUEUE_MAX_WAIT = ValueTypes.duration(Duration.ZERO, Duration.ofMinutes(10));
    public static final ValueType<Duration> QUEUE_AGING_STEP = ValueTypes.duration(Duration.ofMillis(1), Duration.ofHours(1));

    public static final ValueType<Integer> RETRY_MAX_ATTEMPTS = ValueTypes.integer(1, 100);
    public static final ValueType<Duration> RETRY_BASE_DELAY = ValueTypes.duration(Duration.ZERO, Duration.ofHours(1));
    public static final ValueType<Double> RETRY_FACTOR = ValueTypes.decimal(1, 100);
    public static final ValueType<Duration> RETRY_MAX_DELAY = ValueTypes.duration(Duration.ZERO, Duration.ofHours(1));
    public static final ValueType<Duration> RETRY_MAX_DURATION = ValueTypes.duration(Duration.ZERO, Duration.ofHours(24));
    public static final ValueType<Duration> RETRY_MAX_RETRY_AFTER = ValueTypes.duration(Duration.ZERO, Duration.ofHours(1));
    public static final ValueType<Double> RETRY_BUDGET_PERCENT = ValueTypes.decimal(0, 1000);
    public static final ValueType<Integer> RETRY_BUDGET_FLOOR = ValueTypes.integer(0, 1_000_000);
    public static final ValueType<Duration> RETRY_BUDGET_WINDOW = ValueTypes.duration(Duration.ofSeconds(1), Duration.ofHours(1));

    private SpecRanges() {
    }
}
