package io.bulwark.deploy.rollout;

import java.util.Map;

/**
 * Makes metric sources of one provider from a metric's provider settings (for Prometheus, its
 * {@code address}). The server holds one factory per provider it offers.
 */
public interface MetricSourceFactory {

    /** The provider it makes sources for: {@code prometheus}, {@code bulwark}. */
    String provider();

    /**
     * A source from its settings (the provider section without {@code query}).
     *
     * @throws IllegalArgumentException naming the setting and what is allowed
     */
    MetricSource create(Map<String, Object> settings);
}
