package io.bulwark.messaging;

import java.util.regex.Pattern;

/** The shapes of topic, group and header names, the same on every broker. */
public final class Names {

    /** A topic or a consumer group: 1-200 letters, digits, '.', '_' or '-'. */
    public static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    /** A header name: 1-64 letters, digits, '.', '_' or '-'. */
    public static final Pattern HEADER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Names() {
    }

    /** {@code value}, when it is a topic or group name; else an exception naming {@code field}. */
    public static String require(String field, String value) {
        if (!matches(value, 200)) {
            throw new IllegalArgumentException(field + " must be 1-200 letters, digits, '.', '_' or '-' but was "
                    + (value == null ? "missing" : "'" + value + "'"));
        }
        return value;
    }

    /**
     * True when {@code value} is 1 to {@code max} ASCII letters, digits, '.', '_' or '-': what
     * {@link #TOPIC} and {@link #HEADER} match, checked without a matcher, since every message
     * published is checked (its topic and each header name).
     */
    static boolean matches(String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
