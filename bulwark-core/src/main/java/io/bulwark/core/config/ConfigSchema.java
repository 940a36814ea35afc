package io.bulwark.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The set of keys a process accepts. Anything outside it is an error, not a warning. Modules
 * contribute their keys; the server assembles the schema from all of them.
 */
public final class ConfigSchema {

    private final Map<String, ConfigKey<?>> keys;

    private ConfigSchema(Map<String, ConfigKey<?>> keys) {
        this.keys = keys;
    }

    /** A schema of {@code keys}. */
    public static ConfigSchema of(Collection<? extends ConfigKey<?>> keys) {
        Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        for (ConfigKey<?> key : keys) {
            if (byName.put(key.name(), key) != null) {
                throw new IllegalArgumentException("config key '" + key.name() + "' is declared twice");
            }
        }
        return new ConfigSchema(byName);
    }

    /** Every key, in declaration order. */
    public Collection<ConfigKey<?>> keys() {
        return keys.values();
    }

    /** The key that accepts {@code concrete}: an exact key first, else a pattern. */
    public Optional<ConfigKey<?>> find(String concrete) {
        ConfigKey<?> exact = keys.get(concrete);
        if (exact != null) {
            return Optional.of(exact);
        }
        return keys.values().stream().filter(k -> k.isPattern() && k.matches(concrete)).findFirst();
    }

    /** The closest key name to a misspelt one, when one is close enough to be a likely typo. */
    Optional<String> suggest(String unknown) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey<?> key : keys.values()) {
            String candidate = key.name();
            if (key.isPattern()) {
                continue;
            }
            int d = ConfigNames.distance(unknown, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(2, unknown.length() / 4) ? Optional.of(best) : Optional.empty();
    }

    /** Matches an environment variable name to a key name, or empty when no key has that spelling. */
    Optional<String> keyForEnv(String envName) {
        for (ConfigKey<?> key : keys.values()) {
            if (!key.isPattern() && key.envName().equals(envName)) {
                return Optional.of(key.name());
            }
        }
        for (ConfigKey<?> key : keys.values()) {
            if (!key.isPattern()) {
                continue;
            }
            String[] parts = key.envName().split("\\*", -1);
            String prefix = parts[0];
            String suffix = parts[1];
            if (envName.length() > prefix.length() + suffix.length()
                    && envName.startsWith(prefix) && envName.endsWith(suffix)) {
                String middle = envName.substring(prefix.length(), envName.length() - suffix.length());
                String segment = middle.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                return Optional.of(key.name().replace("*", segment));
            }
        }
        return Optional.empty();
    }

    /** A new schema with {@code more} keys added. */
    public ConfigSchema with(Collection<? extends ConfigKey<?>> more) {
        List<ConfigKey<?>> all = new ArrayList<>(keys.values());
        all.addAll(more);
        return of(all);
    }
}
