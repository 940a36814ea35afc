package io.bulwark.ratelimit;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a {@link Limit} decides. Each constant states the promise that tests check against the
 * reference model.
 *
 * <pre>{@code
 * Algorithm a = Algorithm.parse("sliding-log"); // SLIDING_LOG
 * String id = a.id();                           // "sliding-log"
 * }</pre>
 */
public enum Algorithm {

    /**
     * A bucket of {@code burst} tokens refilled continuously at {@code permits / window}.
     * Promise: over any interval of length {@code t}, admitted cost never exceeds
     * {@code burst + permits * t / window}; a full bucket admits {@code burst} at once.
     */
    TOKEN_BUCKET("token-bucket"),

    /**
     * A leaky bucket used as a meter: water leaks at {@code permits / window}, a request that
     * would overflow the {@code burst} capacity is rejected. Same promise as the token bucket.
     */
    LEAKY_BUCKET("leaky-bucket"),

    /**
     * A leaky bucket used as a queue: a request that would overflow the capacity is admitted
     * with a {@link Decision#delay() delay} (the caller waits, then proceeds) as long as that
     * delay is at most {@link Limit#maxDelay()}; beyond it the request is rejected. Promise:
     * requests, once each has waited its delay, proceed at no more than
     * {@code burst + permits * t / window} over any interval of length {@code t}.
     */
    LEAKY_BUCKET_PACING("leaky-bucket-pacing"),

    /**
     * A counter per aligned window ({@code [k*window, (k+1)*window)} on the ticker). Promise:
     * at most {@code permits} in each aligned window (up to twice that across a boundary).
     */
    FIXED_WINDOW("fixed-window"),

    /**
     * A log of admitted requests. Promise (exact): at most {@code permits} in every interval
     * of length {@code window}. Memory per key grows with {@code permits}.
     */
    SLIDING_LOG("sliding-log"),

    /**
     * Approximated sliding window: the previous window's count weighted by its overlap with
     * the sliding window, plus the current count. Promise: at most {@code permits} in each
     * aligned window, and the weighted estimate never exceeds {@code permits}.
     */
    SLIDING_COUNTER("sliding-counter");

    private final String id;

    Algorithm(String id) {
        this.id = id;
    }

    /** The name used in configuration, REST and the CLI, e.g. {@code token-bucket}. */
    public String id() {
        return id;
    }

    /** Every id, comma separated, for error messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(Algorithm::id).collect(Collectors.joining(", "));
    }

    /**
     * Parses an id ({@code token-bucket}) or a constant name ({@code TOKEN_BUCKET}), ignoring
     * case.
     *
     * @throws IllegalArgumentException naming the text and the allowed ids
     */
    public static Algorithm parse(String text) {
        if (text != null) {
            String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Algorithm a : values()) {
                if (a.id.equals(t)) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + text + "', allowed: " + allowed());
    }

    /** True for {@link #LEAKY_BUCKET_PACING}, the only algorithm that delays instead of rejecting. */
    public boolean paces() {
        return this == LEAKY_BUCKET_PACING;
    }

    /** True for the bucket algorithms, whose capacity is {@link Limit#burst()}. */
    public boolean bucket() {
        return this == TOKEN_BUCKET || this == LEAKY_BUCKET || this == LEAKY_BUCKET_PACING;
    }
}
