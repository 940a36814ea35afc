package io.bulwark.deploy.rollout;

import java.util.Map;
import java.util.Objects;

/**
 * The {@code driver} section of a rollout definition.
 *
 * @param type     {@code nginx}, {@code kubernetes}, {@code istio}, {@code bulwark}, ...
 * @param settings the rest of the section, passed to {@link TrafficDriver.Factory#create(Map)}
 */
public record DriverSpec(String type, Map<String, Object> settings) {

    public DriverSpec {
        Objects.requireNonNull(type, "type");
        settings = Map.copyOf(settings);
    }
}
