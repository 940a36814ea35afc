package io.bulwark.resilience.bulkhead;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.internal.NamedInstances;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Named bulkheads sharing a clock and a default config.
 *
 * <pre>{@code
 * BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.ofDefaults(), ResilienceClock.system());
 * Bulkhead openai = bulkheads.bulkhead("openai");
 * bulkheads.replace("openai", BulkheadConfig.builder().maxConcurrentCalls(50).build());
 * }</pre>
 */
public final class BulkheadRegistry {

    private final ResilienceClock clock;
    private final BulkheadConfig defaultConfig;
    private final NamedInstances<Bulkhead> instances = new NamedInstances<>();

    private BulkheadRegistry(BulkheadConfig defaultConfig, ResilienceClock clock) {
        this.defaultConfig = Objects.requireNonNull(defaultConfig, "defaultConfig");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A registry. */
    public static BulkheadRegistry of(BulkheadConfig defaultConfig, ResilienceClock clock) {
        return new BulkheadRegistry(defaultConfig, clock);
    }

    /** The bulkhead named {@code name}, created with the default config if absent. */
    public Bulkhead bulkhead(String name) {
        return computeIfAbsent(name, defaultConfig);
    }

    /** The bulkhead named {@code name}, created with {@code config} if absent. */
    public Bulkhead computeIfAbsent(String name, BulkheadConfig config) {
        Objects.requireNonNull(config, "config");
        return instances.computeIfAbsent(name, () -> Bulkhead.of(name, config, clock));
    }

    /** Puts {@code config} in force for {@code name} (the same instance), creating it if absent. */
    public Bulkhead replace(String name, BulkheadConfig config) {
        Objects.requireNonNull(config, "config");
        return instances.replace(name, () -> Bulkhead.of(name, config, clock), b -> b.reconfigure(config));
    }

    /** The bulkhead named {@code name}, if any. */
    public Optional<Bulkhead> find(String name) {
        return instances.find(name);
    }

    /** Removes a bulkhead. */
    public Optional<Bulkhead> remove(String name) {
        return instances.remove(name);
    }

    /** Every bulkhead. */
    public Collection<Bulkhead> all() {
        return instances.all();
    }

    /** Calls {@code consumer} for every bulkhead now and every one created later. */
    public void forEachAndEveryAdded(Consumer<Bulkhead> consumer) {
        instances.forEachAndEveryAdded(consumer);
    }
}
