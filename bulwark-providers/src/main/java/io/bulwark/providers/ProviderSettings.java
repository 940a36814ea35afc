package io.bulwark.providers;

import io.bulwark.core.config.Secret;
import io.bulwark.ratelimit.ProviderLimit;
import io.bulwark.resilience.breaker.CircuitBreakerConfig;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * A provider's settings, checked and resolved from a {@link ProviderSpec}.
 *
 * @param limit the provider's request and cost limits, if any
 * @param spec the document they came from, as it is shown and stored
 */
public record ProviderSettings(String name, URI baseUrl, Optional<Auth> auth, Duration timeout, int weight,
                               int capacity, Duration maxWait, String retry, CircuitBreakerConfig breaker,
                               boolean sharedBreaker, Optional<ProviderLimit> limit, ProviderSpec spec) {

    /** The header that carries the provider's secret. */
    public record Auth(String header, String prefix, Secret secret) {

        /**
         * The header's value with the secret's current value (a store reference may have rotated
         * since the last call); never log it.
         */
        public String value() {
            return prefix + secret.reveal();
        }
    }
}
