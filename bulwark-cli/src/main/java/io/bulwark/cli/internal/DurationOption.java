package io.bulwark.cli.internal;

import io.bulwark.core.units.Durations;

import java.time.Duration;

/** Reads a duration option, with the one message every command gives for a bad one. */
public final class DurationOption {

    private DurationOption() {
    }

    /** {@code text} as a duration; exit 2 naming {@code option} when it is not one. */
    public static Duration parse(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(option + " must be " + Durations.ACCEPTED + " but was '" + text + "'");
        }
    }

    /** {@code text} as a duration from {@code min} to {@code max}; exit 2 naming {@code option} otherwise. */
    public static Duration parse(String option, String text, Duration min, Duration max) {
        Duration d = parse(option, text);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw CliException.usage(option + " must be from " + Durations.format(min) + " to " + Durations.format(max)
                    + " but was " + text);
        }
        return d;
    }
}
