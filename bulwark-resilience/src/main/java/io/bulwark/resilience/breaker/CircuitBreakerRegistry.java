package io.bulwark.resilience.breaker;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.internal.NamedInstances;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Named circuit breakers sharing a clock, a default config, and optionally a history store and
 * a cluster-wide shared state.
 *
 * <pre>{@code
 * CircuitBreakerRegistry breakers = CircuitBreakerRegistry.builder(ResilienceClock.system())
 *         .defaultConfig(config)
 *         .instances(b -> b.historyStore(new StateStoreBreakerHistory(stateStore)))
 *         .build();
 * CircuitBreaker openai = breakers.circuitBreaker("openai");
 * breakers.replace("openai", stricter);        // at runtime: same instance, history kept
 * }</pre>
 *
 * <p>A breaker is created outside any map lock (its history is loaded from the store while it is
 * built); when two threads race for a new name, one instance wins and the other is dropped.
 */
public final class CircuitBreakerRegistry {

    private final ResilienceClock clock;
    private final CircuitBreakerConfig defaultConfig;
    private final Consumer<CircuitBreaker.Builder> instanceSettings;
    private final NamedInstances<CircuitBreaker> instances = new NamedInstances<>();

    private CircuitBreakerRegistry(Builder b) {
        this.clock = b.clock;
        this.defaultConfig = b.defaultConfig;
        this.instanceSettings = b.instances;
        instances.forEachAndEveryAdded(CircuitBreaker::attachToCluster); // only the winner of a race
    }

    /** A registry with the default config and neither history store nor shared state. */
    public static CircuitBreakerRegistry of(CircuitBreakerConfig defaultConfig, ResilienceClock clock) {
        return builder(clock).defaultConfig(defaultConfig).build();
    }

    /** A builder. */
    public static Builder builder(ResilienceClock clock) {
        return new Builder(clock);
    }

    /** The breaker named {@code name}, created with the default config if absent. */
    public CircuitBreaker circuitBreaker(String name) {
        return computeIfAbsent(name, defaultConfig);
    }

    /** The breaker named {@code name}, created with {@code config} if absent (an existing one keeps its config). */
    public CircuitBreaker computeIfAbsent(String name, CircuitBreakerConfig config) {
        Objects.requireNonNull(config, "config");
        return instances.computeIfAbsent(name, () -> create(name, config));
    }

    /** Puts {@code config} in force for {@code name} (the same instance, its state and history kept), creating it if absent. */
    public CircuitBreaker replace(String name, CircuitBreakerConfig config) {
        Objects.requireNonNull(config, "config");
        return instances.replace(name, () -> create(name, config), b -> b.reconfigure(config));
    }

    /** The breaker named {@code name}, if any. */
    public Optional<CircuitBreaker> find(String name) {
        return instances.find(name);
    }

    /** Removes a breaker (and stops applying other nodes' opens to it). */
    public Optional<CircuitBreaker> remove(String name) {
        Optional<CircuitBreaker> removed = instances.remove(name);
        removed.ifPresent(CircuitBreaker::detachFromCluster);
        return removed;
    }

    /** Every breaker. */
    public Collection<CircuitBreaker> all() {
        return instances.all();
    }

    /** Calls {@code consumer} for every breaker now and every one created later (e.g. to bind metrics). */
    public void forEachAndEveryAdded(Consumer<CircuitBreaker> consumer) {
        instances.forEachAndEveryAdded(consumer);
    }

    /** The default config. */
    public CircuitBreakerConfig defaultConfig() {
        return defaultConfig;
    }

    private CircuitBreaker create(String name, CircuitBreakerConfig config) {
        CircuitBreaker.Builder b = CircuitBreaker.builder(name).config(config).clock(clock);
        instanceSettings.accept(b);
        return b.buildUnattached();
    }

    /** Builds a {@link CircuitBreakerRegistry}. */
    public static final class Builder {
        private final ResilienceClock clock;
        private CircuitBreakerConfig defaultConfig = CircuitBreakerConfig.ofDefaults();
        private Consumer<CircuitBreaker.Builder> instances = b -> { };

        private Builder(ResilienceClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** The config of breakers created without one. */
        public Builder defaultConfig(CircuitBreakerConfig config) {
            this.defaultConfig = Objects.requireNonNull(config, "defaultConfig");
            return this;
        }

        /**
         * Settings every breaker is built with, e.g. {@code b -> b.historyStore(history).sharedState(shared)}.
         */
        public Builder instances(Consumer<CircuitBreaker.Builder> settings) {
            this.instances = Objects.requireNonNull(settings, "instances");
            return this;
        }

        /** The registry. */
        public CircuitBreakerRegistry build() {
            return new CircuitBreakerRegistry(this);
        }
    }
}
