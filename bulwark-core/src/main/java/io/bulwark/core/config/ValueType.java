package io.bulwark.core.config;

/**
 * How a config value is read from its raw form (a YAML scalar, an environment string, a flag)
 * and shown again.
 *
 * @param <T> the Java type of the value
 */
public interface ValueType<T> {

    /**
     * Converts a raw value.
     *
     * @throws IllegalArgumentException with a message that says what is allowed and what was seen
     */
    T convert(Object raw);

    /** What this type allows, for docs and messages: "an integer from 0 to 65535". */
    String describe();

    /** The value as a user would write it in config. */
    default String render(T value) {
        return String.valueOf(value);
    }
}
