package io.bulwark.balancer;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a {@link LoadBalancer} chooses among the endpoints it may use. Config names are the
 * lower-case, dash-separated forms ({@code round-robin}, {@code least-requests}, ...).
 */
public enum Strategy {
    /** Each endpoint in turn, ignoring weights. */
    ROUND_ROBIN("round-robin"),
    /** Smooth weighted round robin as nginx does it: weight 3 vs 1 gives a a b a, not a a a b. */
    WEIGHTED_ROUND_ROBIN("weighted-round-robin"),
    /** Power of two random choices, the one with fewer requests in flight per unit of weight. */
    LEAST_REQUESTS("least-requests"),
    /**
     * Power of two random choices over EWMA latency times in-flight requests; 429 and 5xx answers
     * count as a latency penalty, so fast errors do not attract traffic.
     */
    LATENCY_AWARE("latency-aware"),
    /** Random, in proportion to weight. */
    RANDOM("random"),
    /**
     * A ring with virtual nodes keyed by the request key; bounded load: no endpoint takes more than
     * {@code ceil(factor x average)} requests in flight, the excess walks on along the ring.
     */
    CONSISTENT_HASH("consistent-hash"),
    /** The same client address goes to the same endpoint while it is available (a ring without a load bound). */
    IP_HASH("ip-hash");

    private final String configName;

    Strategy(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration, e.g. {@code least-requests}. */
    public String configName() {
        return configName;
    }

    /** Whether picks use the request key ({@link LoadBalancer#pick(String)}). */
    public boolean usesKey() {
        return this == CONSISTENT_HASH || this == IP_HASH;
    }

    /**
     * The strategy called {@code name} (case-insensitive; underscores accepted for dashes).
     *
     * @throws IllegalArgumentException naming the allowed names when there is none
     */
    public static Strategy parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Strategy s : values()) {
            if (s.configName.equals(wanted)) {
                return s;
            }
        }
        throw new IllegalArgumentException("strategy must be one of " + allowedNames() + " but was '" + name + "'");
    }

    /** The config names, comma-separated, for error messages and docs. */
    public static String allowedNames() {
        return Arrays.stream(values()).map(Strategy::configName).collect(Collectors.joining(", "));
    }
}
