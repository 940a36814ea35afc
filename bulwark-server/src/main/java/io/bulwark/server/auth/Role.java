package io.bulwark.server.auth;

import io.javalin.security.RouteRole;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an API key may do. Each role includes the ones below it: an admin may also act and read.
 */
public enum Role implements RouteRole {
    /** Reads: lists, details, metrics-like views. */
    VIEWER,
    /** Acts: enqueue, cancel, retry, pause. */
    OPERATOR,
    /** Administers: config, API keys, log levels. */
    ADMIN;

    /** The lower-case name used in the API and the CLI. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when this role may do what {@code required} may. */
    public boolean includes(Role required) {
        return compareTo(required) >= 0;
    }

    /**
     * Parses a role name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the value and the allowed roles
     */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("role must be one of " + allowed() + " but was '" + text + "'");
    }

    /** "viewer, operator, admin". */
    public static String allowed() {
        return Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", "));
    }
}
