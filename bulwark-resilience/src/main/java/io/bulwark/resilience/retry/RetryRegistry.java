package io.bulwark.resilience.retry;

import io.bulwark.resilience.ResilienceClock;
import io.bulwark.resilience.internal.Checks;
import io.bulwark.resilience.internal.NamedInstances;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Named retries sharing a clock, a sleeper, a scheduler and a default config; optionally each
 * with its own {@link RetryBudget} (one per provider, named like the retry).
 *
 * <pre>{@code
 * RetryRegistry retries = RetryRegistry.builder(ResilienceClock.system())
 *         .instances(b -> b.scheduler(scheduler))
 *         .budgetPerInstance(20, 1, Duration.ofSeconds(10))
 *         .build();
 * Retry openai = retries.retry("openai");
 * }</pre>
 */
public final class RetryRegistry {

    private final Builder settings;
    private final NamedInstances<Retry> instances = new NamedInstances<>();

    private RetryRegistry(Builder settings) {
        this.settings = settings;
    }

    /** A registry with {@code defaultConfig}, sleeping with {@link Sleeper#threadSleep()} and no budgets. */
    public static RetryRegistry of(RetryConfig defaultConfig, ResilienceClock clock) {
        return builder(clock).defaultConfig(defaultConfig).build();
    }

    /** A builder. */
    public static Builder builder(ResilienceClock clock) {
        return new Builder(clock);
    }

    /** The retry named {@code name}, created with the default config if absent. */
    public Retry retry(String name) {
        return computeIfAbsent(name, settings.defaultConfig);
    }

    /** The retry named {@code name}, created with {@code config} if absent (an existing one keeps its config). */
    public Retry computeIfAbsent(String name, RetryConfig config) {
        Objects.requireNonNull(config, "config");
        return instances.computeIfAbsent(name, () -> create(name, config));
    }

    /** Puts {@code config} in force for {@code name} (the same instance), creating it if absent. */
    public Retry replace(String name, RetryConfig config) {
        Objects.requireNonNull(config, "config");
        return instances.replace(name, () -> create(name, config), r -> r.reconfigure(config));
    }

    /** The retry named {@code name}, if any. */
    public Optional<Retry> find(String name) {
        return instances.find(name);
    }

    /** Removes a retry. */
    public Optional<Retry> remove(String name) {
        return instances.remove(name);
    }

    /** Every retry. */
    public Collection<Retry> all() {
        return instances.all();
    }

    /** Calls {@code consumer} for every retry now and every one created later. */
    public void forEachAndEveryAdded(Consumer<Retry> consumer) {
        instances.forEachAndEveryAdded(consumer);
    }

    private Retry create(String name, RetryConfig config) {
        Builder s = settings;
        Retry.Builder b = Retry.builder(name, config).clock(s.clock);
        s.instances.accept(b);
        if (s.budgetWindow != null) {
            b.budget(RetryBudget.of(name, s.budgetPercent, s.budgetMinPerSecond, s.budgetWindow, s.clock));
        }
        return b.build();
    }

    /** Builds a {@link RetryRegistry}. */
    public static final class Builder {
        private final ResilienceClock clock;
        private RetryConfig defaultConfig = RetryConfig.ofDefaults();
        private Consumer<Retry.Builder> instances = b -> { };
        private double budgetPercent;
        private int budgetMinPerSecond;
        private Duration budgetWindow;

        private Builder(ResilienceClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** The config of retries created without one. */
        public Builder defaultConfig(RetryConfig config) {
            this.defaultConfig = Objects.requireNonNull(config, "defaultConfig");
            return this;
        }

        /**
         * Settings every retry is built with, e.g. {@code b -> b.sleeper(sleeper).scheduler(scheduler)}:
         * a sleeper, a random source (thread-safe), a scheduler for asynchronous retries.
         */
        public Builder instances(Consumer<Retry.Builder> settings) {
            this.instances = Objects.requireNonNull(settings, "instances");
            return this;
        }

        /** Gives each retry its own budget: {@code percent}% of the window's calls, at least {@code minRetriesPerSecond}/s. */
        public Builder budgetPerInstance(double percent, int minRetriesPerSecond, Duration window) {
            RetryBudget.of("probe", percent, minRetriesPerSecond, window, clock); // validates the arguments now
            this.budgetPercent = percent;
            this.budgetMinPerSecond = Checks.atLeast("minRetriesPerSecond", minRetriesPerSecond, 0);
            this.budgetWindow = window;
            return this;
        }

        /** The registry. */
        public RetryRegistry build() {
            return new RetryRegistry(this);
        }
    }
}
