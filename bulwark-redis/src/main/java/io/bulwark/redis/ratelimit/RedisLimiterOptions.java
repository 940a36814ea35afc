package io.bulwark.redis.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a {@link RedisRateLimiter} behaves around Redis, apart from its limits.
 *
 * <pre>{@code
 * RedisLimiterOptions options = RedisLimiterOptions.builder()
 *         .failureMode(RedisFailureMode.LOCAL)
 *         .expectedNodes(4)                       // each node keeps 1/4 of each limit while Redis is away
 *         .recoveryBackoff(Duration.ofSeconds(1)) // how often a degraded limiter tries Redis again
 *         .build();
 * }</pre>
 *
 * @param failureMode     what to decide while Redis cannot answer
 * @param expectedNodes   how many nodes share the limits: in {@link RedisFailureMode#LOCAL} each
 *                        keeps {@code permits / expectedNodes} (at least 1) of each limit
 * @param recoveryBackoff how long a degraded limiter waits before it tries Redis again
 * @param keyPrefix       the prefix of every Redis key the limiter writes
 */
public record RedisLimiterOptions(RedisFailureMode failureMode, int expectedNodes, Duration recoveryBackoff,
                                  String keyPrefix) {

    /** The default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "bulwark:rl:";

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9:._-]{0,64}");

    /** Validates. */
    public RedisLimiterOptions {
        Objects.requireNonNull(failureMode, "failureMode");
        requireNodes(expectedNodes);
        requireBackoff(recoveryBackoff);
        requirePrefix(keyPrefix);
    }

    /** Fail open, one node, a 1 s recovery back-off, prefix {@value #DEFAULT_KEY_PREFIX}. */
    public static RedisLimiterOptions defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    private static void requireNodes(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("expectedNodes must be >= 1 but was " + value);
        }
    }

    private static void requireBackoff(Duration value) {
        Objects.requireNonNull(value, "recoveryBackoff");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("recoveryBackoff must be > 0 but was " + value);
        }
    }

    private static void requirePrefix(String value) {
        if (value == null || !PREFIX.matcher(value).matches()) {
            throw new IllegalArgumentException("keyPrefix must be at most 64 letters, digits or ':._-' but was '"
                    + value + "'");
        }
    }

    /** Builds {@link RedisLimiterOptions}; each setter validates at once. */
    public static final class Builder {
        private RedisFailureMode failureMode = RedisFailureMode.FAIL_OPEN;
        private int expectedNodes = 1;
        private Duration recoveryBackoff = Duration.ofSeconds(1);
        private String keyPrefix = DEFAULT_KEY_PREFIX;

        private Builder() {
        }

        /** What to decide while Redis cannot answer (default {@link RedisFailureMode#FAIL_OPEN}). */
        public Builder failureMode(RedisFailureMode value) {
            this.failureMode = Objects.requireNonNull(value, "failureMode");
            return this;
        }

        /** The failure mode by its configuration name: {@code fail-open}, {@code fail-closed}, {@code local}. */
        public Builder failureMode(String value) {
            return failureMode(RedisFailureMode.parse(value));
        }

        /** How many nodes share the limits, {@code >= 1} (default 1). */
        public Builder expectedNodes(int value) {
            requireNodes(value);
            this.expectedNodes = value;
            return this;
        }

        /** How long a degraded limiter waits before trying Redis again, {@code > 0} (default 1s). */
        public Builder recoveryBackoff(Duration value) {
            requireBackoff(value);
            this.recoveryBackoff = value;
            return this;
        }

        /** The prefix of every key (default {@value RedisLimiterOptions#DEFAULT_KEY_PREFIX}). */
        public Builder keyPrefix(String value) {
            requirePrefix(value);
            this.keyPrefix = value;
            return this;
        }

        /** The options. */
        public RedisLimiterOptions build() {
            return new RedisLimiterOptions(failureMode, expectedNodes, recoveryBackoff, keyPrefix);
        }
    }
}
