package io.bulwark.pipeline;

import java.util.regex.Pattern;

/**
 * The shape of pipeline and step ids and of step types. Ids follow the rule of queue names
 * ({@code JobRequest.NAME} in bulwark-jobs) and types that of handler types
 * ({@code JobRequest.TYPE}), because a step of a handler type runs as a job of that type.
 */
public final class Ids {

    /** Pipeline and step ids: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Step types: 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit. */
    public static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private Ids() {
    }

    /**
     * Returns {@code id} when it has the shape of {@link #ID}.
     *
     * @throws IllegalArgumentException naming {@code what} and the bad value otherwise
     */
    public static String requireId(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 64 letters, digits, '.', '_' or '-', starting with"
                    + " a letter or digit, but was " + quoted(id));
        }
        return id;
    }

    /**
     * Returns {@code type} when it has the shape of {@link #TYPE}.
     *
     * @throws IllegalArgumentException naming {@code what} and the bad value otherwise
     */
    public static String requireType(String what, String type) {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 128 letters, digits, '.', '_', ':' or '-', starting"
                    + " with a letter or digit, but was " + quoted(type));
        }
        return type;
    }

    static String quoted(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
