package io.bulwark.balancer;

import io.bulwark.balancer.internal.DefaultLoadBalancer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Chooses an endpoint of a named group for each request, by a {@link Strategy}, skipping endpoints
 * that active checks found unhealthy, that passive outlier detection ejected, or that are at their
 * max concurrent. Thread-safe; a pick is lock-free.
 *
 * <pre>{@code
 * LoadBalancer users = LoadBalancer.of("users",
 *         List.of(Endpoint.of("http://10.0.0.1:8080"), Endpoint.of("http://10.0.0.2:8080")),
 *         BalancerConfig.of(Strategy.LEAST_REQUESTS));
 * try (Selection s = users.pick()) {
 *     ... send to s.uri() ...
 *     s.complete(response.statusCode());
 * }
 * }</pre>
 */
public interface LoadBalancer {

    /** A balancer with the system ticker, thread-local randomness and no metrics. */
    static LoadBalancer of(String name, List<Endpoint> endpoints, BalancerConfig config) {
        return builder(name).endpoints(endpoints).config(config).build();
    }

    /** A builder for a balancer called {@code name} (the {@code group} metric label). */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /** The group name. */
    String name();

    /** The settings. */
    BalancerConfig config();

    /**
     * Picks an endpoint (for key-based strategies a random key is used).
     *
     * @throws NoEndpointAvailableException when there is none or all are at capacity
     */
    Selection pick();

    /**
     * Picks an endpoint for {@code requestKey}: the hash key for {@code consistent-hash}, the
     * client address for {@code ip-hash}; other strategies ignore it.
     *
     * @throws NoEndpointAvailableException when there is none or all are at capacity
     */
    Selection pick(String requestKey);

    /**
     * Replaces the endpoint list (from discovery). Endpoints keep their state by id; new ones
     * start their slow start; removed ones are dropped once their in-flight requests complete.
     */
    void update(List<Endpoint> endpoints);

    /** The current endpoints. */
    List<Endpoint> endpoints();

    /**
     * Records one active health check result for endpoint {@code endpointId}; the
     * {@link HealthCheck} thresholds decide when its health flips. Unknown ids are ignored.
     */
    void reportHealth(String endpointId, boolean passed);

    /** A snapshot of every endpoint. */
    List<EndpointState> states();

    /** Builds a {@link LoadBalancer}. */
    final class Builder {
        private final String name;
        private List<Endpoint> endpoints = List.of();
        private BalancerConfig config = BalancerConfig.defaults();
        private LongSupplier ticker = System::nanoTime;
        private RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();
        private MeterRegistry meterRegistry;

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("load balancer name must not be blank but was '" + name + "'");
            }
            this.name = name;
        }

        /** The initial endpoints (they start warm: no slow start); ids must be unique. */
        public Builder endpoints(List<Endpoint> value) {
            this.endpoints = List.copyOf(value);
            return this;
        }

        /** The settings (default {@link BalancerConfig#defaults()}). */
        public Builder config(BalancerConfig value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** A nanosecond ticker for latency, ejections and slow start (default {@link System#nanoTime()}). */
        public Builder ticker(LongSupplier value) {
            this.ticker = Objects.requireNonNull(value, "ticker");
            return this;
        }

        /**
         * The randomness for random, P2C and keyless hash picks (default thread-local). A seeded
         * generator makes a single-threaded test repeatable; it must be thread-safe if shared.
         */
        public Builder random(RandomGenerator value) {
            this.random = Objects.requireNonNull(value, "random");
            return this;
        }

        /** Where to register {@code bulwark.lb.*} meters (default: none). */
        public Builder meterRegistry(MeterRegistry value) {
            this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
            return this;
        }

        /** The balancer. */
        public LoadBalancer build() {
            return new DefaultLoadBalancer(name, endpoints, config, ticker, random, meterRegistry);
        }
    }
}
