package io.bulwark.ratelimit;

import io.bulwark.core.units.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One limit: at most {@code permits} per {@code window}, decided by an {@link Algorithm}.
 *
 * <pre>{@code
 * Limit perMinute = Limit.parse("100/1m");                               // token bucket
 * Limit perHour = Limit.parse("5000/hour", Algorithm.SLIDING_COUNTER);
 * Limit paced = Limit.builder().algorithm(Algorithm.LEAKY_BUCKET_PACING)
 *         .permits(10).window(Duration.ofSeconds(1)).burst(1).maxDelay(Duration.ofSeconds(2)).build();
 * }</pre>
 *
 * @param algorithm how the limit decides
 * @param permits   permits per window, {@code >= 1}
 * @param window    the window (or refill period of {@code permits} for buckets), {@code > 0}
 * @param burst     bucket capacity ({@code >= 1}); for window algorithms always {@code permits}
 * @param maxDelay  the longest delay a pacing limit hands out; zero for other algorithms
 */
public record Limit(Algorithm algorithm, long permits, Duration window, long burst, Duration maxDelay) {

    /** Units accepted after the slash, for error messages. */
    public static final String UNITS = "ms, s, m, h, d, second, minute, hour, day";

    /**
     * The largest {@code max(permits, burst) * window} product, the window counted in ticks of
     * the finest resolution (1ns, 10ns, ... 1s) that divides it: the bucket and sliding-counter
     * algorithms use exact integer arithmetic and keep a factor of 4 of headroom.
     */
    public static final long MAX_PRODUCT = io.bulwark.ratelimit.internal.Resolution.MAX_PRODUCT;

    private static final Pattern TEXT = Pattern.compile("\\s*(-?\\d+)\\s*/\\s*(\\d*)\\s*([a-zA-Z]+)\\s*");

    /** Validates every component; the messages name the field and what is allowed. */
    public Limit {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(maxDelay, "maxDelay");
        requirePositive("permits", permits);
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be > 0 but was " + Durations.format(window));
        }
        requirePositive("burst", burst);
        if (!algorithm.bucket() && burst != permits) {
            throw new IllegalArgumentException("burst applies to token-bucket and leaky-bucket only; "
                    + algorithm.id() + " must have burst == permits (" + permits + ") but was " + burst);
        }
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("maxDelay must be >= 0 but was " + maxDelay);
        }
        if (!algorithm.paces() && !maxDelay.isZero()) {
            throw new IllegalArgumentException("maxDelay applies to leaky-bucket-pacing only but was "
                    + Durations.format(maxDelay) + " for " + algorithm.id());
        }
        long nanos;
        try {
            nanos = window.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("window must be at most 100 days but was " + window);
        }
        if (needsResolution(algorithm) && io.bulwark.ratelimit.internal.Resolution.of(Math.max(permits, burst), nanos) < 0) {
            throw new IllegalArgumentException("permits " + Math.max(permits, burst) + " per "
                    + Durations.format(window) + " is out of range for " + algorithm.id()
                    + ": permits x window must be at most " + MAX_PRODUCT
                    + " at a resolution dividing the window (1ns to 1s); use a coarser unit of cost or a whole number of milliseconds");
        }
    }

    private static boolean needsResolution(Algorithm algorithm) {
        return algorithm.bucket() || algorithm == Algorithm.SLIDING_COUNTER;
    }

    /** A token bucket of {@code permits} per {@code window}, burst {@code permits}. */
    public static Limit of(long permits, Duration window) {
        return builder().permits(permits).window(window).build();
    }

    /** {@code algorithm} with {@code permits} per {@code window} and the defaults for the rest. */
    public static Limit of(Algorithm algorithm, long permits, Duration window) {
        return builder().algorithm(algorithm).permits(permits).window(window).build();
    }

    /**
     * Parses {@code "100/1m"}, {@code "5000/1h"}, {@code "100000/1d"}, {@code "10/second"} as a
     * token bucket.
     *
     * @throws IllegalArgumentException naming the text, the field and what is allowed
     */
    public static Limit parse(String text) {
        return parse(text, Algorithm.TOKEN_BUCKET);
    }

    /** Parses {@code "100/1m"} with the given algorithm and its defaults for burst and maxDelay. */
    public static Limit parse(String text, Algorithm algorithm) {
        Matcher m = TEXT.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("limit '" + text + "' must look like PERMITS/WINDOW, e.g. 100/1m, 5000/1h, 10/second");
        }
        long permits;
        try {
            permits = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("permits in limit '" + text + "' is too large");
        }
        requirePositive("permits", permits);
        long amount = 1;
        if (!m.group(2).isEmpty()) {
            try {
                amount = Long.parseLong(m.group(2));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("window in limit '" + text + "' is too large");
            }
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("window must be > 0 but was " + m.group(2) + m.group(3) + " in limit '" + text + "'");
        }
        String unit = switch (m.group(3).toLowerCase(Locale.ROOT)) {
            case "ms" -> "ms";
            case "s", "sec", "second", "seconds" -> "s";
            case "m", "min", "minute", "minutes" -> "m";
            case "h", "hour", "hours" -> "h";
            case "d", "day", "days" -> "d";
            default -> throw new IllegalArgumentException("unknown unit '" + m.group(3) + "' in limit '" + text
                    + "', allowed: " + UNITS);
        };
        Duration window = Durations.parse(amount + unit);
        return builder().algorithm(algorithm).permits(permits).window(window).build();
    }

    /** A builder with algorithm {@link Algorithm#TOKEN_BUCKET}. */
    public static Builder builder() {
        return new Builder();
    }

    /** This limit with another algorithm, burst and maxDelay reset to that algorithm's defaults. */
    public Limit withAlgorithm(Algorithm other) {
        return builder().algorithm(other).permits(permits).window(window).build();
    }

    /**
     * This node's share when {@code nodes} nodes enforce the limit each on its own (e.g. a
     * local fallback while a shared store is unreachable): permits and burst divided by
     * {@code nodes}, rounded down but at least 1, so the nodes together never exceed it
     * (unless the limit is below one permit per node).
     */
    public Limit share(int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be >= 1 but was " + nodes);
        }
        return new Limit(algorithm, Math.max(1, permits / nodes), window,
                algorithm.bucket() ? Math.max(1, burst / nodes) : Math.max(1, permits / nodes), maxDelay);
    }

    /** The window in nanoseconds. */
    public long windowNanos() {
        return window.toNanos();
    }

    /** The capacity a single request's cost may not exceed: {@code burst} for buckets, else {@code permits}. */
    public long capacity() {
        return algorithm.bucket() ? burst : permits;
    }

    /** The short text form, {@code "100/1m"}, that {@link #parse(String)} reads back. */
    public String spec() {
        return permits + "/" + Durations.format(window);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(spec()).append(' ').append(algorithm.id());
        if (algorithm.bucket() && burst != permits) {
            b.append(" burst=").append(burst);
        }
        if (algorithm.paces()) {
            b.append(" maxDelay=").append(Durations.format(maxDelay));
        }
        return b.toString();
    }

    private static void requirePositive(String field, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be >= 1 but was " + value);
        }
    }

    /** Builds a {@link Limit}; every setter validates its argument at once. */
    public static final class Builder {
        private Algorithm algorithm = Algorithm.TOKEN_BUCKET;
        private long permits = -1;
        private Duration window;
        private long burst = -1;
        private Duration maxDelay;

        private Builder() {
        }

        /** The algorithm (default token bucket). */
        public Builder algorithm(Algorithm value) {
            this.algorithm = Objects.requireNonNull(value, "algorithm");
            return this;
        }

        /** Permits per window, {@code >= 1}. */
        public Builder permits(long value) {
            requirePositive("permits", value);
            this.permits = value;
            return this;
        }

        /** The window, {@code > 0}. */
        public Builder window(Duration value) {
            Objects.requireNonNull(value, "window");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("window must be > 0 but was " + value);
            }
            this.window = value;
            return this;
        }

        /** Bucket capacity, {@code >= 1}; defaults to permits. Buckets only: window algorithms ignore it. */
        public Builder burst(long value) {
            requirePositive("burst", value);
            this.burst = value;
            return this;
        }

        /** Longest delay handed out by a pacing limit, {@code >= 0}; defaults to the window. Other algorithms ignore it. */
        public Builder maxDelay(Duration value) {
            Objects.requireNonNull(value, "maxDelay");
            if (value.isNegative()) {
                throw new IllegalArgumentException("maxDelay must be >= 0 but was " + value);
            }
            this.maxDelay = value;
            return this;
        }

        /** The limit; permits and window are required. */
        public Limit build() {
            if (permits < 0) {
                throw new IllegalArgumentException("permits must be set");
            }
            if (window == null) {
                throw new IllegalArgumentException("window must be set");
            }
            long b = burst < 0 || !algorithm.bucket() ? permits : burst;
            Duration d = algorithm.paces() ? (maxDelay == null ? window : maxDelay) : Duration.ZERO;
            return new Limit(algorithm, permits, window, b, d);
        }
    }
}
