package io.bulwark.providers.degradation;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a degraded group does, applied in the order its strategy lists them. */
public enum DegradationAction {
    /** Try the next providers of the fallback chain (skipping those that triggered). */
    FALLBACK,
    /** Serve the last good answer to the same request key, if no older than the max staleness. */
    CACHE,
    /** Mark answers with the reduced-functionality flag, so callers switch off optional features. */
    REDUCED_MODE,
    /** Answer with the group's configured default. */
    DEFAULT,
    /** Answer with a clear error (503 problem naming the providers tried and why). */
    ERROR;

    /** The name in config and JSON: {@code fallback}, {@code cache}, {@code reduced-mode}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a config name; the error lists the allowed ones. */
    public static DegradationAction parse(String name) {
        for (DegradationAction a : values()) {
            if (a.configName().equalsIgnoreCase(name.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown degradation action '" + name.trim() + "', allowed: "
                + Arrays.stream(values()).map(DegradationAction::configName).collect(Collectors.joining(", ")));
    }
}
