package io.bulwark.resilience.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks for config builders: each names the parameter, the rule and the bad value. */
public final class Checks {

    private Checks() {
    }

    /** {@code value >= min}. */
    public static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + " but was " + value);
        }
        return value;
    }

    /** {@code min <= value <= max}. */
    public static int between(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "] but was " + value);
        }
        return value;
    }

    /** A percentage in {@code (0, 100]}. */
    public static float percent(String name, float value) {
        if (!(value > 0f && value <= 100f)) {
            throw new IllegalArgumentException(name + " must be in (0, 100] but was " + value);
        }
        return value;
    }

    /** {@code value >= min} for a double. */
    public static double atLeast(String name, double value, double min) {
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be >= " + min + " and finite but was " + value);
        }
        return value;
    }

    /** A non-null duration {@code >= 0}. */
    public static Duration notNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
        }
        return value;
    }

    /** A non-null duration {@code > 0}. */
    public static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + value);
        }
        return value;
    }

    /** A non-blank instance name. */
    public static String name(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank but was " + (name == null ? "null" : "'" + name + "'"));
        }
        return name;
    }
}
