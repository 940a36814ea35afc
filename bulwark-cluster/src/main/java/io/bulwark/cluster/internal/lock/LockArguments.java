package io.bulwark.cluster.internal.lock;

import io.bulwark.core.units.Durations;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The checks {@code Locks} makes on what a caller passes, each naming the parameter, the allowed
 * values and what was given: "ttl must be between 100ms and 24h but was 50ms".
 */
public final class LockArguments {

    /** The shortest lock a caller may ask for: shorter ones lapse in one network hiccup. */
    public static final Duration MIN_TTL = Duration.ofMillis(100);
    /** The longest lock a caller may ask for: a holder that dies keeps it this long at most. */
    public static final Duration MAX_TTL = Duration.ofHours(24);
    /** The longest lock name (and owner). */
    public static final int MAX_LENGTH = 200;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/-]{1," + MAX_LENGTH + "}");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._:/@-]{1," + MAX_LENGTH + "}");

    private LockArguments() {
    }

    /** A lock name: 1 to 200 letters, digits, '.', '_', ':', '/' or '-'. */
    public static String name(String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("name must be 1 to " + MAX_LENGTH
                    + " letters, digits, '.', '_', ':', '/' or '-' but was " + shown(value));
        }
        return value;
    }

    /** An owner: 1 to 200 letters, digits, '.', '_', ':', '/', '@' or '-' (a node id fits). */
    public static String owner(String value) {
        if (value == null || !OWNER.matcher(value).matches()) {
            throw new IllegalArgumentException("owner must be 1 to " + MAX_LENGTH
                    + " letters, digits, '.', '_', ':', '/', '@' or '-' but was " + shown(value));
        }
        return value;
    }

    /** A lock's time to live: between {@link #MIN_TTL} and {@link #MAX_TTL}. */
    public static Duration ttl(Duration value) {
        if (value == null || value.compareTo(MIN_TTL) < 0 || value.compareTo(MAX_TTL) > 0) {
            // "24h" rather than Durations' "1d": the bound reads as the hours it was set in
            throw new IllegalArgumentException("ttl must be between 100ms and 24h but was " + shown(value));
        }
        return value;
    }

    /** How long to wait for a lock: zero (one try) or more. */
    public static Duration waitFor(Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException("wait must be >= 0 but was " + shown(value));
        }
        return value;
    }

    /** A duration that must be > 0, named {@code what}. */
    public static Duration positive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0 but was " + shown(value));
        }
        return value;
    }

    private static String shown(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() > MAX_LENGTH + 20
                ? "'" + value.substring(0, MAX_LENGTH) + "...' (" + value.length() + " characters)"
                : "'" + value + "'" + (value.length() > MAX_LENGTH ? " (" + value.length() + " characters)" : "");
    }

    private static String shown(Duration value) {
        if (value == null) {
            return "null";
        }
        return value.isNegative() ? "-" + Durations.format(value.negated()) : Durations.format(value);
    }
}
