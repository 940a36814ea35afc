package io.bulwark.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The configuration of one named rate limiter: the limits a request must pass, all of them
 * (all-or-nothing), and how many keys a local limiter keeps. What a key is (an API key id, a
 * client IP, a tenant header) is the caller's business.
 *
 * <pre>{@code
 * RateLimitConfig config = RateLimitConfig.builder("jobs-api")
 *         .limits("100/1m,5000/1h", Algorithm.TOKEN_BUCKET)
 *         .maxKeys(50_000)
 *         .build();
 * }</pre>
 *
 * @param name    the limiter's name: letters, digits, {@code . _ -}, at most 100 characters
 * @param limits  at least one limit; a request passes only when every one passes
 * @param maxKeys the most keys a local limiter tracks before it evicts the longest idle
 */
public record RateLimitConfig(String name, List<Limit> limits, int maxKeys) {

    /** The default of {@link #maxKeys()}. */
    public static final int DEFAULT_MAX_KEYS = 100_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    /** Validates and copies. */
    public RateLimitConfig {
        requireName(name);
        Objects.requireNonNull(limits, "limits");
        if (limits.isEmpty()) {
            throw new IllegalArgumentException("limits must hold at least one limit but was empty (rate limiter '" + name + "')");
        }
        limits = List.copyOf(limits);
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be >= 1 but was " + maxKeys);
        }
    }

    /** A builder for the limiter {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A config with the given limits and the default maxKeys. */
    public static RateLimitConfig of(String name, Limit... limits) {
        return builder(name).limits(List.of(limits)).build();
    }

    /**
     * Parses a comma-separated list such as {@code "100/1m,5000/1h"} with one algorithm.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static List<Limit> parseLimits(String text, Algorithm algorithm) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("limits must hold at least one limit such as 100/1m but was empty");
        }
        List<Limit> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(Limit.parse(part.trim(), algorithm));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("limits must hold at least one limit such as 100/1m but was '" + text + "'");
        }
        return out;
    }

    /** The same config under another name. */
    public RateLimitConfig withName(String other) {
        return new RateLimitConfig(other, limits, maxKeys);
    }

    /** This config with every limit cut to one node's share of {@code nodes} (see {@link Limit#share}). */
    public RateLimitConfig share(int nodes) {
        return new RateLimitConfig(name, limits.stream().map(l -> l.share(nodes)).toList(), maxKeys);
    }

    /** The limits as {@code "100/1m,5000/1h"}. */
    public String limitsSpec() {
        return String.join(",", limits.stream().map(Limit::spec).toList());
    }

    static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1-100 letters, digits, '.', '_' or '-' but was '" + name + "'");
        }
    }

    /** Builds a {@link RateLimitConfig}; every setter validates at once. */
    public static final class Builder {
        private final String name;
        private final List<Limit> limits = new ArrayList<>();
        private int maxKeys = DEFAULT_MAX_KEYS;

        private Builder(String name) {
            requireName(name);
            this.name = name;
        }

        /** Adds one limit. */
        public Builder limit(Limit limit) {
            limits.add(Objects.requireNonNull(limit, "limit"));
            return this;
        }

        /** Adds limits. */
        public Builder limits(List<Limit> more) {
            more.forEach(this::limit);
            return this;
        }

        /** Adds limits parsed from {@code "100/1m,5000/1h"} as token buckets. */
        public Builder limits(String spec) {
            return limits(parseLimits(spec, Algorithm.TOKEN_BUCKET));
        }

        /** Adds limits parsed from {@code "100/1m,5000/1h"} with {@code algorithm}. */
        public Builder limits(String spec, Algorithm algorithm) {
            return limits(parseLimits(spec, algorithm));
        }

        /** The most keys tracked locally, {@code >= 1}. */
        public Builder maxKeys(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxKeys must be >= 1 but was " + value);
            }
            this.maxKeys = value;
            return this;
        }

        /** The config. */
        public RateLimitConfig build() {
            return new RateLimitConfig(name, limits, maxKeys);
        }
    }
}
