package io.bulwark.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a node says of itself when it joins.
 *
 * @param id unique for this run of the process, e.g. {@code web-1-4711-3f9a2c}; jobs it claims
 *           record it, so a rescue of its work can never touch another run's
 * @param name a readable name, hostname and pid by default ({@code node.name})
 * @param role what it does
 * @param version the Bulwark version it runs
 * @param startedAt when the process started, by its own clock (shown, never judged)
 * @param queues the queues it serves; empty for all
 * @param capacity how many attempts it runs at once at most
 */
public record NodeInfo(String id, String name, NodeRole role, String version, Instant startedAt, List<String> queues,
                       int capacity) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public NodeInfo {
        requireName("id", id);
        requireName("name", name);
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(startedAt, "startedAt");
        queues = List.copyOf(queues);
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0 but was " + capacity);
        }
    }

    /**
     * Checks a node id or name: 1 to 100 letters, digits, dots, dashes and underscores, starting
     * with a letter or digit.
     */
    public static String requireName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 100 letters, digits, '.', '-' or '_', starting with a "
                    + "letter or digit, but was " + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }
}
