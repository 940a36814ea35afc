package io.bulwark.pipeline.internal;

/**
 * A template failed at run time: which field, which expression, and what was wrong (a missing
 * value, a wrong type, an arithmetic error).
 */
public final class TemplateException extends RuntimeException {

    private final String field;

    /** A failure of {@code source} in {@code field}, because of {@code reason}. */
    public TemplateException(String field, String source, String reason) {
        super(field + ": " + (source == null ? "" : "'" + source + "': ") + reason);
        this.field = field;
    }

    /** Where the template is, relative to its step. */
    public String field() {
        return field;
    }
}
