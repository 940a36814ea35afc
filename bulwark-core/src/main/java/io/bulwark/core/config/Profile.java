package io.bulwark.core.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A named set of defaults. {@code dev} is the default; {@code prod} turns on JSON logs and
 * requires API keys; {@code staging} sits between them.
 */
public enum Profile {
    DEV, STAGING, PROD;

    /** The lower-case name used in config, flags and the environment. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a profile name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the value and the allowed names
     */
    public static Profile parse(String text) {
        for (Profile p : values()) {
            if (p.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("profile must be one of " + allowed() + " but was '" + text + "'");
    }

    /** The allowed names, for messages: "dev, staging, prod". */
    public static String allowed() {
        return Arrays.stream(values()).map(Profile::id).collect(Collectors.joining(", "));
    }
}
