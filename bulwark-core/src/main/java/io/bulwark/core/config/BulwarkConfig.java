package io.bulwark.core.config;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The effective config: every key's value and where it came from. Immutable.
 *
 * <pre>{@code
 * int port = config.get(ServerKeys.PORT);
 * Map<String, Integer> flags = config.getAll(FeatureKeys.FEATURES);
 * }</pre>
 */
public final class BulwarkConfig {

    /**
     * One effective value.
     *
     * @param name the concrete key name
     * @param key the schema key it belongs to
     * @param value the value, or null when the key has no default and was not set
     * @param origin where the value came from
     */
    public record Value(String name, ConfigKey<?> key, Object value, Origin origin) {

        /** The value as config would spell it, masked when the key is secret; "" when unset. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        public String display() {
            if (value == null) {
                return "";
            }
            return key.secret() ? Secret.MASK : ((ValueType) key.type()).render(value);
        }

        /** The environment variable that sets this concrete key, e.g. {@code BULWARK_STORE_URL}. */
        public String envName() {
            return ConfigNames.toEnv(name);
        }
    }

    private final Profile profile;
    private final Optional<Path> file;
    private final Map<String, Value> values;

    BulwarkConfig(Profile profile, Optional<Path> file, Map<String, Value> values) {
        this.profile = profile;
        this.file = file;
        this.values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The active profile. */
    public Profile profile() {
        return profile;
    }

    /** The config file that was read, if any. */
    public Optional<Path> file() {
        return file;
    }

    /**
     * The value of an exact key.
     *
     * @throws IllegalStateException when the key has no value and no default
     */
    public <T> T get(ConfigKey<T> key) {
        return find(key).orElseThrow(() -> new IllegalStateException("config key '" + key.name() + "' has no value"));
    }

    /** The value of an exact key, or empty when it has none. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(ConfigKey<T> key) {
        if (key.isPattern()) {
            throw new IllegalArgumentException("'" + key.name() + "' is a pattern; use getAll");
        }
        Value v = values.get(key.name());
        return v == null ? Optional.empty() : Optional.ofNullable((T) v.value());
    }

    /** Every concrete value of a pattern key, by concrete name, e.g. {@code features.newUi → 100}. */
    @SuppressWarnings("unchecked")
    public <T> Map<String, T> getAll(ConfigKey<T> pattern) {
        Map<String, T> out = new LinkedHashMap<>();
        values.values().stream().filter(v -> v.key() == pattern).forEach(v -> out.put(v.name(), (T) v.value()));
        return out;
    }

    /** Every effective value with its origin, in schema order: what {@code config show} prints. */
    public Collection<Value> values() {
        return values.values();
    }
}
