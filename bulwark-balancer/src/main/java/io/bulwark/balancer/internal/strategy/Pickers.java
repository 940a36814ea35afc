package io.bulwark.balancer.internal.strategy;

import io.bulwark.balancer.BalancerConfig;
import java.util.function.IntSupplier;
import java.util.random.RandomGenerator;

/** The {@link Picker} for a config's strategy. */
public final class Pickers {

    private Pickers() {
    }

    /** A new picker (with its own counters) for {@code config.strategy()}. */
    public static Picker forConfig(BalancerConfig config, RandomGenerator random, IntSupplier totalInFlight) {
        boolean cap = config.capacityAware();
        return switch (config.strategy()) {
            case ROUND_ROBIN -> new RoundRobinPicker(cap);
            case WEIGHTED_ROUND_ROBIN -> new SmoothWeightedPicker(cap);
            case LEAST_REQUESTS -> new PowerOfTwoPicker(random, cap, false);
            case LATENCY_AWARE -> new PowerOfTwoPicker(random, cap, true);
            case RANDOM -> new RandomPicker(random, cap);
            case CONSISTENT_HASH -> new RingPicker(random, cap, config.boundedLoadFactor(), totalInFlight);
            case IP_HASH -> new RingPicker(random, cap, 0, totalInFlight);
        };
    }
}
