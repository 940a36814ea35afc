package io.bulwark.providers.degradation;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Why a group is degraded. */
public enum DegradationTrigger {
    /** A provider's circuit breaker is open. */
    BREAKER_OPEN,
    /** A provider's error rate over the window is above the threshold. */
    ERROR_RATE,
    /** A provider's p95 latency over the window is above the threshold. */
    LATENCY,
    /** No provider of the group could answer. */
    ALL_UNAVAILABLE,
    /** An operator switched degradation on. */
    MANUAL;

    /** The name in config and JSON: {@code breaker-open}, {@code error-rate}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a config name; the error lists the allowed ones. */
    public static DegradationTrigger parse(String name) {
        for (DegradationTrigger t : values()) {
            if (t.configName().equalsIgnoreCase(name.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown degradation trigger '" + name.trim() + "', allowed: "
                + Arrays.stream(values()).map(DegradationTrigger::configName).collect(Collectors.joining(", ")));
    }
}
