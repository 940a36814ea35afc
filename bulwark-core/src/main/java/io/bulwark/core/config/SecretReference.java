package io.bulwark.core.config;

import io.bulwark.core.units.Durations;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A reference to a secret in a store, as written in config: {@code <scheme>:<location>[?ttl=<duration>]},
 * e.g. {@code vault:secret/llm#api_key?ttl=1m}. The options come after the last {@code ?}; the only
 * one is {@code ttl}, how long a read value is used before it is read again.
 *
 * @param text the reference as written; it names a secret, it is not one, so it may be shown
 * @param scheme what comes before the first {@code :}
 * @param location what the resolver is given: after the {@code :}, before the options
 * @param ttl how long a value is used before it is read again
 */
record SecretReference(String text, String scheme, String location, Duration ttl) {

    static final Duration MIN_TTL = Duration.ofSeconds(1);
    static final Duration MAX_TTL = Duration.ofDays(1);
    static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9-]*");

    /** The scheme of {@code text} if it starts like a reference ({@code scheme:}), else null. */
    static String schemeOf(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String scheme = text.substring(0, colon);
        return SCHEME.matcher(scheme).matches() ? scheme : null;
    }

    /**
     * Parses {@code text}, whose scheme is known to be a reference.
     *
     * @throws IllegalArgumentException naming the reference and what is allowed
     */
    static SecretReference parse(String text, Duration defaultTtl) {
        String scheme = schemeOf(text);
        if (scheme == null) {
            throw new IllegalArgumentException("expected a secret reference <scheme>:<location> but was '" + text + "'");
        }
        String rest = text.substring(scheme.length() + 1);
        Duration ttl = defaultTtl;
        int q = rest.lastIndexOf('?');
        if (q >= 0) {
            for (String option : rest.substring(q + 1).split("&", -1)) {
                int eq = option.indexOf('=');
                String name = eq < 0 ? option : option.substring(0, eq);
                if (!name.equals("ttl") || eq < 0) {
                    throw new IllegalArgumentException("secret reference " + text + " has an unknown option '" + option
                            + "'; the only option is ttl, e.g. " + scheme + ":<location>?ttl=1m");
                }
                ttl = ttl(text, option.substring(eq + 1));
            }
            rest = rest.substring(0, q);
        }
        if (rest.isBlank()) {
            throw new IllegalArgumentException("secret reference " + text + " names no secret after '" + scheme + ":'");
        }
        return new SecretReference(text, scheme, rest, ttl);
    }

    private static Duration ttl(String text, String value) {
        Duration ttl;
        try {
            ttl = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            ttl = null;
        }
        if (ttl == null || ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("secret reference " + text + ": ttl must be " + Durations.ACCEPTED
                    + ", from " + Durations.format(MIN_TTL) + " to " + Durations.format(MAX_TTL) + ", but was '" + value + "'");
        }
        return ttl;
    }

    @Override
    public String toString() {
        return text;
    }
}
