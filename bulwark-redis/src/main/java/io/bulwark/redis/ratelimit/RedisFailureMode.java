package io.bulwark.redis.ratelimit;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a {@link RedisRateLimiter} decides while Redis cannot answer (connection refused, a
 * command timeout, any Lettuce {@code RedisException}).
 */
public enum RedisFailureMode {
    /** Allow every request: availability over protection. */
    FAIL_OPEN,
    /** Reject every request: protection over availability. */
    FAIL_CLOSED,
    /**
     * Decide on this node alone, with a local limiter holding this node's share of each limit
     * (permits divided by the expected number of nodes, at least 1).
     */
    LOCAL;

    /** The configuration spelling: {@code fail-open}, {@code fail-closed}, {@code local}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses {@code fail-open}, {@code FAIL_OPEN}, {@code failOpen} and the like.
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static RedisFailureMode parse(String value) {
        if (value != null) {
            String norm = value.trim().replaceAll("([a-z])([A-Z])", "$1_$2").replace('-', '_').toUpperCase(Locale.ROOT);
            for (RedisFailureMode mode : values()) {
                if (mode.name().equals(norm)) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException("unknown failure mode '" + value + "', allowed: "
                + Arrays.stream(values()).map(RedisFailureMode::configName).collect(Collectors.joining(", ")));
    }
}
