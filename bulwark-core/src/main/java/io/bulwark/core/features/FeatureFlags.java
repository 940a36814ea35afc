package io.bulwark.core.features;

import io.bulwark.core.config.BulwarkConfig;
import io.bulwark.core.config.ConfigKey;
import io.bulwark.core.config.ValueTypes;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Feature flags from config: {@code features.<name>: true | false | <percentage>}. A percentage
 * turns a flag on for that share of subjects (users, tenants, requests), chosen by a stable hash
 * of the flag's name and the subject so that a subject keeps its answer across restarts and nodes.
 *
 * <pre>{@code
 * FeatureFlags flags = FeatureFlags.from(config);
 * if (flags.isEnabled("new-checkout", userId)) { ... }
 * }</pre>
 */
public final class FeatureFlags {

    /** The config key pattern. */
    public static final ConfigKey<Integer> KEY = ConfigKey.builder("features.*", ValueTypes.featureFlag())
            .description("A feature flag: true, false, or a percentage of subjects it is on for").build();

    private static final String PREFIX = "features.";
    private final Map<String, Integer> percentages;

    private FeatureFlags(Map<String, Integer> percentages) {
        this.percentages = Map.copyOf(percentages);
    }

    /** Flags from {@code name → percentage} (0 off, 100 on). */
    public static FeatureFlags of(Map<String, Integer> percentages) {
        percentages.forEach((name, pct) -> {
            if (pct < 0 || pct > 100) {
                throw new IllegalArgumentException("feature '" + name + "' percentage must be from 0 to 100 but was " + pct);
            }
        });
        return new FeatureFlags(percentages);
    }

    /** The flags set in {@code config}. */
    public static FeatureFlags from(BulwarkConfig config) {
        Map<String, Integer> out = new LinkedHashMap<>();
        config.getAll(KEY).forEach((key, pct) -> out.put(key.substring(PREFIX.length()), pct));
        return new FeatureFlags(out);
    }

    /** True when the flag is fully on. An unknown flag is off; a partial flag needs a subject. */
    public boolean isEnabled(String name) {
        return percentages.getOrDefault(name, 0) == 100;
    }

    /** True when the flag is on for {@code subject}. */
    public boolean isEnabled(String name, String subject) {
        int pct = percentages.getOrDefault(name, 0);
        if (pct == 0 || pct == 100) {
            return pct == 100;
        }
        return bucket(name, subject) < pct;
    }

    /** Every flag and its percentage, sorted by name. */
    public Map<String, Integer> all() {
        Map<String, Integer> sorted = new java.util.TreeMap<>(percentages);
        return java.util.Collections.unmodifiableMap(sorted);
    }

    /** The subject's bucket for this flag, 0 to 99. */
    static int bucket(String name, String subject) {
        CRC32 crc = new CRC32();
        crc.update((name + ':' + subject).getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % 100);
    }
}
