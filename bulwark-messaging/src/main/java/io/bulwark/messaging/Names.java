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
        if (value == null || !TOPIC.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 1-200 letters, digits, '.', '_' or '-' but was "
                    + (value == null ? "missing" : "'" + value + "'"));
        }
        return value;
    }
}
