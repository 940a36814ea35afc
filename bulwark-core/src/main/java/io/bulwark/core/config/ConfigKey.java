package io.bulwark.core.config;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One config key: its dotted name, type, default, per-profile defaults and description. A name
 * may hold one {@code *} segment standing for any name the user picks ({@code features.*},
 * later {@code jobs.queues.*.concurrency}).
 *
 * <pre>{@code
 * static final ConfigKey<Integer> PORT = ConfigKey.builder("server.port", ValueTypes.integer(0, 65535))
 *         .defaultValue(8080).description("TCP port the HTTP API listens on").build();
 * }</pre>
 *
 * @param <T> the value's Java type
 */
public final class ConfigKey<T> {

    private final String name;
    private final ValueType<T> type;
    private final T defaultValue;
    private final Map<Profile, T> profileDefaults;
    private final String description;
    private final boolean secret;

    private ConfigKey(Builder<T> b) {
        this.name = b.name;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.profileDefaults = Map.copyOf(b.profileDefaults);
        this.description = b.description;
        this.secret = b.secret;
    }

    /** Starts a key called {@code name} of type {@code type}. */
    public static <T> Builder<T> builder(String name, ValueType<T> type) {
        return new Builder<>(name, type);
    }

    public String name() {
        return name;
    }

    public ValueType<T> type() {
        return type;
    }

    public String description() {
        return description;
    }

    /** True when the value must be masked wherever it is shown. */
    public boolean secret() {
        return secret;
    }

    /** True when the name holds a {@code *} segment. */
    public boolean isPattern() {
        return name.contains("*");
    }

    /** The default under {@code profile}: its own default if it has one, else the general one. */
    public Optional<T> defaultFor(Profile profile) {
        T value = profileDefaults.get(profile);
        return Optional.ofNullable(value != null ? value : defaultValue);
    }

    /** True when {@code profile} has a default of its own for this key. */
    public boolean hasProfileDefault(Profile profile) {
        return profileDefaults.containsKey(profile);
    }

    /** The name of the environment variable that sets this key, e.g. {@code BULWARK_SERVER_MAX_REQUEST_BODY}. */
    public String envName() {
        return ConfigNames.toEnv(name);
    }

    /** True when {@code concrete} is this key's name, or matches its pattern. */
    public boolean matches(String concrete) {
        return ConfigNames.matches(name, concrete);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Builds a {@link ConfigKey}; each setter validates its argument. */
    public static final class Builder<T> {
        private final String name;
        private final ValueType<T> type;
        private T defaultValue;
        private final Map<Profile, T> profileDefaults = new EnumMap<>(Profile.class);
        private String description = "";
        private boolean secret;

        private Builder(String name, ValueType<T> type) {
            ConfigNames.requireValidName(name);
            this.name = name;
            this.type = Objects.requireNonNull(type, "type");
        }

        /** The default under every profile that has none of its own. */
        public Builder<T> defaultValue(T value) {
            this.defaultValue = Objects.requireNonNull(value, "defaultValue");
            return this;
        }

        /** The default under {@code profile}. */
        public Builder<T> profileDefault(Profile profile, T value) {
            profileDefaults.put(Objects.requireNonNull(profile, "profile"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** One sentence for docs and {@code config show}. */
        public Builder<T> description(String text) {
            this.description = Objects.requireNonNull(text, "description");
            return this;
        }

        /** Marks the value as secret: masked wherever it is shown. */
        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        public ConfigKey<T> build() {
            return new ConfigKey<>(this);
        }
    }
}
