package io.bulwark.server;

import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueTypes;
import io.bulwark.scaling.resources.ResourceLimits;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Config keys of the resource monitor: {@code scaling.monitor.*} and the warning limits
 * {@code scaling.limits.<figure>}, where the figure is written in one camel-case word
 * ({@code heapPercent} for the figure {@code heap.percent}).
 */
public final class ScalingKeys {

    public static final ConfigKey<Duration> MONITOR_INTERVAL = ConfigKey
            .builder("scaling.monitor.interval", ValueTypes.duration(Duration.ofMillis(100), Duration.ofHours(1)))
            .defaultValue(Duration.ofSeconds(10))
            .description("How often the resource monitor samples CPU, memory, threads, file descriptors, GC and I/O.")
            .build();

    public static final ConfigKey<Integer> MONITOR_HISTORY = ConfigKey
            .builder("scaling.monitor.history", ValueTypes.integer(1, 100_000)).defaultValue(360)
            .description("Samples kept per node (at the default interval, an hour).").build();

    public static final ConfigKey<Double> LIMITS = ConfigKey
            .builder("scaling.limits.*", ValueTypes.decimal(0, 1e15))
            .description("A warning threshold on a resource figure, named in camel case: " + String.join(", ",
                    configNames().keySet()) + ". Above it /health reports resources DEGRADED. Defaults: heapPercent, "
                    + "memoryPercent and fdsPercent 90.").build();

    public static final List<ConfigKey<?>> ALL = List.of(MONITOR_INTERVAL, MONITOR_HISTORY, LIMITS);

    private ScalingKeys() {
    }

    /** Config name to figure: {@code heapPercent} → {@code heap.percent}. */
    public static Map<String, String> configNames() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String figure : ResourceLimits.FIGURES) {
            int dot = figure.indexOf('.');
            String name = dot < 0 ? figure : figure.substring(0, dot)
                    + figure.substring(dot + 1, dot + 2).toUpperCase(Locale.ROOT) + figure.substring(dot + 2);
            m.put(name, figure);
        }
        return m;
    }
}
