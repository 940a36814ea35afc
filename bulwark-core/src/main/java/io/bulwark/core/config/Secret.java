package io.bulwark.core.config;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * A secret value from config. Its {@link #toString()} is masked so that it never reaches a log,
 * an error message or an API response by accident; {@link #reveal()} is the one way in.
 */
public final class Secret {

    /** What every secret prints as. */
    public static final String MASK = "****";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps {@code value}. */
    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The plain value. Call it only where the secret is used, never to print it. */
    public String reveal() {
        return value;
    }

    /** Compares with {@code candidate} in time independent of where they differ. */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
